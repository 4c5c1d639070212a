// hangar's SC mode against an independent oracle: test/support/sc-enumerator.ts explores every
// interleaving of a small program with its own BigInt interpreter. The engine in SC mode must
// reach exactly the enumerator's final states: nothing more (soundness), nothing less
// (completeness, given enough trials).
import { describe, expect, it } from 'vitest';
import { scStates } from './support/sc-enumerator.ts';
import { corpusOrSkipReason } from './support/corpus.ts';
import { ownLitmusFiles } from './support/own-litmus.ts';
import { type LitmusTest, readLitmus, runLitmus, stateKey } from '../index.ts';

const TRIALS = 1500;

function compare(t: LitmusTest): { extra: string[]; missing: string[] } {
  const oracle = new Set(scStates(t, { maxStates: 200_000 }).map(stateKey));
  const seen = new Set(runLitmus(t, { model: 'sc', trials: TRIALS, seed: 7 }).histogram.map((h) => stateKey(h.state)));
  return { extra: [...seen].filter((s) => !oracle.has(s)), missing: [...oracle].filter((s) => !seen.has(s)) };
}

function small(t: LitmusTest): boolean {
  return t.program.threads.length <= 4 && t.program.length <= 60;
}

describe('SC mode equals the exhaustive SC enumerator', () => {
  const own = ownLitmusFiles().map((f) => readLitmus(f)).filter(small);
  it('has tests to check', () => {
    expect(own.length).toBeGreaterThan(10);
  });
  for (const t of own) {
    it(`${t.name} (hangar's own test)`, () => {
      const { extra, missing } = compare(t);
      expect(extra, 'states SC forbids').toEqual([]);
      expect(missing, 'SC states never reached').toEqual([]);
    });
  }

  const { corpus } = corpusOrSkipReason();
  if (corpus) {
    // A deterministic sample of the corpus keeps this file short (the conformance suite runs
    // all), of the tests small enough for the enumerator.
    const tests = [
      ...corpus.files.aarch64.filter((_, i) => i % 6 === 0),
      ...(corpus.files['aarch64-mixed'] ?? []).filter((_, i) => i % 4 === 0),
    ].map((f) => readLitmus(f)).filter(small);
    it('has corpus tests to check', () => {
      expect(tests.length).toBeGreaterThan(10);
    });
    for (const t of tests) {
      it(`${t.name} (herd corpus)`, () => {
        const { extra, missing } = compare(t);
        expect(extra, 'states SC forbids').toEqual([]);
        expect(missing, 'SC states never reached').toEqual([]);
      });
    }
  }
});
