// hangar's own litmus tests (programs/litmus) against their documented verdicts
// (programs/litmus/verdicts.json, each with its source): a Forbidden outcome must never be
// observed, an Allowed one must be found; where herd7's complete set of allowed states is
// recorded (the mixed-size tests), every state reached must be in it and every state in it
// reached. Runs everywhere, without the herd corpus.
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownLitmusFiles, ownVerdicts } from './support/own-litmus.ts';
import { readLitmus, runLitmus, stateKey } from '../index.ts';

const TRIALS = 3000;

describe("hangar's own litmus tests", () => {
  const verdicts = ownVerdicts();
  const files = ownLitmusFiles();

  it('every test has a documented verdict and every verdict a test', () => {
    const names = files.map((f) => basename(f, '.litmus')).sort();
    expect(Object.keys(verdicts).sort()).toEqual(names);
    for (const v of Object.values(verdicts)) expect(v.source.length).toBeGreaterThan(10);
  });

  for (const f of files) {
    const name = basename(f, '.litmus');
    it(`${name}`, () => {
      const t = readLitmus(f);
      const v = verdicts[name];
      expect(t.name).toBe(name);
      // Without herd's states the verdict of an `exists` is the test; with them, the states.
      if (v.states === undefined) expect(t.condition.quantifier).toBe('exists');
      const r = runLitmus(t, { model: v.model, trials: TRIALS, seed: 11 });
      expect(r.errors).toEqual([]);
      expect(r.observed.verdict, `${name} under ${v.model}: ${v.why}`).toBe(v.verdict);
      if (v.states !== undefined) {
        const allowed = new Set(v.states.map(stateKey));
        const seen = new Set(r.histogram.map((h) => stateKey(h.state)));
        expect([...seen].filter((s) => !allowed.has(s)), `${name}: states herd7 forbids`).toEqual([]);
        expect([...allowed].filter((s) => !seen.has(s)), `${name}: herd7 states never reached`).toEqual([]);
      }
    });
  }
});
