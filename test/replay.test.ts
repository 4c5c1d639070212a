// A hang's seed replays it: the same traceHash in the inline layout and in the threads layout
// (each core's run phase in a worker thread) with 1 and 2 workers.
import { describe, expect, it } from 'vitest';
import { layoutMachine, loadWorkload, newMachine, PROGRAMS, runTrial, TARGETS, trialSeed } from '../index.ts';

// Every HANG cell of the catalog's verdict table.
const cells = PROGRAMS.flatMap((p) => TARGETS.filter((t) => p.expected[t.name] === 'hang').map((t) => ({ program: p.name, target: t.name })));

describe('replay of hangs across layouts', () => {
  it('the catalog has HANG cells', () => {
    expect(cells.length).toBeGreaterThan(0);
  });
  for (const c of cells) {
    it(`${c.program} on ${c.target}`, async () => {
      const w = loadWorkload(c.program, { target: c.target });
      const m = newMachine(w.program, w.paramsFor);
      let found: { seed: number; traceHash: string } | undefined;
      for (let i = 0; i < 500 && !found; i++) {
        const r = runTrial(m, trialSeed(77, i), w.paramsFor);
        if (r.verdict === 'hang') found = { seed: r.seed, traceHash: r.traceHash };
      }
      expect(found, 'a hang within 500 trials').toBeDefined();
      for (const workers of [1, 2]) {
        const laid = await layoutMachine(w.program, w.paramsFor, { layout: 'threads', workers });
        try {
          const r = runTrial(laid.machine, found!.seed, w.paramsFor);
          expect(r.verdict).toBe('hang');
          expect(r.traceHash, `threads layout, ${workers} workers`).toBe(found!.traceHash);
        } finally {
          await laid.close();
        }
      }
    }, 120_000);
  }
});
