// The qspinlock-shaped lock (programs/qspinlock): a 32-bit CAS fast path, a byte store of the
// locked byte and a 16-bit exchange of the tail in the slow path, all on one lock word. Its
// harness checks mutual exclusion and, on a violation, stores 1 to `violation` and exits with
// status 1 (not yet a verdict of its own: the test reads the word and the exit codes).
//   correct.s        no violation and no hang in 10 000 trials on every target;
//   unlock-relaxed.s the unlock's store-release weakened to a plain byte store: a violation on
//                    both ARMv8 targets, none under x86-TSO (where every store is a release);
//   tail-relaxed.s   the kernel's relaxed xchg_tail: a violation on both ARMv8 targets (the
//                    mixed-size forwarding of QS+cas+swph-ldar), none under x86-TSO.
import { describe, expect, it } from 'vitest';
import { DATA_BASE } from '../isa/program.ts';
import { S } from '../emu/core/core-state.ts';
import { loadWorkload, newMachine, runTrial, TARGETS, trialSeed } from '../index.ts';
import { repoRoot } from './support/corpus.ts';

const TRIALS = 10_000;

/** Runs up to `trials` trials from seed 1; counts verdicts and violations (the word, or an exit status 1). */
function campaign(version: string, target: string, trials: number, stopAtViolation: boolean): { verdicts: Record<string, number>; violations: number; firstSeed: number } {
  const w = loadWorkload(`${repoRoot}/programs/qspinlock/${version}.s`, { target });
  const m = newMachine(w.program, w.paramsFor);
  const word = (w.program.symbols.violation - DATA_BASE) / 8;
  const verdicts: Record<string, number> = {};
  let violations = 0, firstSeed = -1;
  for (let i = 0; i < trials; i++) {
    const seed = trialSeed(1, i);
    const r = runTrial(m, seed, w.paramsFor);
    verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1;
    const exitedOne = m.cores.some((c) => c.s[S.EXIT_CODE] === 1);
    if (m.finalWord(word)[0] !== 0 || exitedOne) {
      violations++;
      if (firstSeed < 0) firstSeed = seed;
      if (stopAtViolation) break;
    }
  }
  return { verdicts, violations, firstSeed };
}

describe('qspinlock', () => {
  for (const t of TARGETS) {
    it(`correct: mutual exclusion holds in ${TRIALS} trials on ${t.name}`, () => {
      const r = campaign('correct', t.name, TRIALS, false);
      expect(r.verdicts, 'every trial ends ok').toEqual({ ok: TRIALS });
      expect(r.violations, `first violating seed ${r.firstSeed}`).toBe(0);
    });
    for (const broken of ['unlock-relaxed', 'tail-relaxed']) {
      const arm = t.model === 'armv8';
      it(`${broken}: ${arm ? 'a violation is found' : 'no violation under TSO'} on ${t.name}`, () => {
        const r = campaign(broken, t.name, TRIALS, arm);
        if (arm) expect(r.violations, 'a violation within the campaign').toBeGreaterThan(0);
        else expect(r.violations).toBe(0);
      });
    }
  }
});
