// hangar's own litmus tests (programs/litmus) against their documented verdicts
// (programs/litmus/verdicts.json, each with its source): a Forbidden outcome must never be
// observed, an Allowed one must be found. Runs everywhere, without the herd corpus.
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownLitmusFiles, ownVerdicts } from './support/own-litmus.ts';
import { readLitmus, runLitmus } from '../index.ts';

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
      expect(t.condition.quantifier).toBe('exists');
      const r = runLitmus(t, { model: v.model, trials: TRIALS, seed: 11 });
      expect(r.errors).toEqual([]);
      expect(r.observed.verdict, `${name} under ${v.model}: ${v.why}`).toBe(v.verdict);
    });
  }
});
