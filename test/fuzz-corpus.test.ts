// Fuzzing in the suite (issue 14, deliverable 4): mutations of every program, every litmus test
// and real campaign JSONL (fuzz/mutations.ts: byte flips, truncation, line duplication and
// deletion, huge numbers, deep nesting, long lines, Unicode) through the assembler, the litmus
// front end and the JSONL reader and merge: every input is accepted or rejected with a
// positioned SourceError (never a crash or an internal error), and the work it took stays
// within the bound of its size and the front end's limits (fuzz/targets.ts). From a fixed,
// printed seed (test/support/fuzz.ts: HANGAR_FUZZ_SEED for another); `npm run fuzz -- --inputs N`
// runs more.
import { describe, expect, it } from 'vitest';
import { findCorpus } from './support/corpus.ts';
import { announceFuzzSeed, FUZZ_SEED } from './support/fuzz.ts';
import { runFuzz } from '../fuzz/run.ts';
import { fuzzTargets } from '../fuzz/targets.ts';

const INPUTS = 400;

announceFuzzSeed('fuzz-corpus');
// The reference corpus's tests join the litmus seeds when it is there (optional here: the
// conformance tests are the ones that require it).
const corpus = findCorpus().corpus;
const targets = await fuzzTargets({ sharedLitmus: corpus?.dir });

describe('fuzzing the front ends from mutations of every program and litmus test', () => {
  for (const t of targets) {
    it(`${t.name}: ${INPUTS} inputs from ${t.seeds.length} seeds, only structured errors, work within its bounds`, () => {
      const r = runFuzz([t], { inputs: INPUTS, seed: FUZZ_SEED });
      const f = r.figures[0];
      expect(r.failures.map((x) => `input ${x.index}: ${x.how}: ${x.what}`)).toEqual([]);
      expect(f.inputs).toBe(INPUTS);
      // Both outcomes occur: the mutations reach past the first error and still break inputs.
      expect(f.accepted).toBeGreaterThan(0);
      expect(f.rejected).toBeGreaterThan(0);
    });
  }

  it('every program and every litmus test is a seed', () => {
    const names = (n: string) => targets.find((t) => t.name === n)!.seeds.map((s) => s.name);
    expect(names('assembler')).toContain('programs/qemu-event/v7.2.s');
    expect(names('assembler')).toContain('programs/lib/qatomic.s');
    expect(names('litmus').filter((n) => n.startsWith('programs/litmus/')).length).toBeGreaterThan(100);
    expect(names('jsonl').length).toBe(3);
  });
});
