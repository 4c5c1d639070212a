// Seed in, identical trace out: a trial's traceHash depends on its seed only, not on what the
// machine ran before (state reuse) nor on the order trials run in; different seeds explore.
import { describe, expect, it } from 'vitest';
import { ownLitmusFiles } from './support/own-litmus.ts';
import { litmusParamsFor, newMachine, readLitmus, runLitmus, runTrial, trialSeed } from '../index.ts';
import { exactJson } from '../litmus/state.ts';

const files = ownLitmusFiles();

describe('determinism', () => {
  it('a trial is the same on a fresh machine and on one that ran other trials first', () => {
    for (const f of files) {
      const t = readLitmus(f);
      const pf = litmusParamsFor(t.arch === 'X86' ? 'tso' : 'armv8');
      const reused = newMachine(t.program, pf);
      for (let i = 0; i < 40; i++) {
        const seed = trialSeed(99, i);
        const a = runTrial(reused, seed, pf);
        const b = runTrial(newMachine(t.program, pf), seed, pf);
        expect(a.traceHash, `${t.name} seed ${seed}`).toBe(b.traceHash);
      }
    }
  });

  it('the same seed gives the same histogram, different seeds different ones', () => {
    let differ = 0;
    for (const f of files) {
      const t = readLitmus(f);
      const a = runLitmus(t, { trials: 300, seed: 5 });
      const b = runLitmus(t, { trials: 300, seed: 5 });
      expect(exactJson(b.histogram)).toBe(exactJson(a.histogram));
      const c = runLitmus(t, { trials: 300, seed: 6 });
      if (a.histogram.length > 1 && exactJson(c.histogram) !== exactJson(a.histogram)) differ++;
    }
    // Tests with several outcomes: another seed must give another histogram for nearly all.
    const multi = files.filter((f) => runLitmus(readLitmus(f), { trials: 300, seed: 5 }).histogram.length > 1).length;
    expect(multi).toBeGreaterThan(5);
    expect(differ).toBeGreaterThanOrEqual(multi - 1);
  });

  it('trial i of a run does not depend on the trials before it', () => {
    const t = readLitmus(files[0]);
    const whole = runLitmus(t, { trials: 200, seed: 3 });
    const first = runLitmus(t, { trials: 120, seed: 3 });
    const rest = runLitmus(t, { trials: 80, seed: 3, from: 120 });
    const merged = new Map<string, number>();
    for (const h of [...first.histogram, ...rest.histogram]) merged.set(exactJson(h.state), (merged.get(exactJson(h.state)) ?? 0) + h.count);
    const direct = new Map(whole.histogram.map((h) => [exactJson(h.state), h.count] as const));
    expect(merged).toEqual(direct);
  });
});
