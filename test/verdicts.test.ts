// Verdicts other than the QEMU table: `budget` is not `hang` (a livelock keeps changing
// values), forbidden system calls are `error`, a provable lost wake-up and a spin on values
// nothing can change (also with WFE in the loop) are `hang`, a correct futex handshake and a
// spinner whose flag comes late never are.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/corpus.ts';
import { loadWorkload, newMachine, runTrial, trialSeed } from '../index.ts';

const fixture = (n: string): string => join(repoRoot, 'test/fixtures', n);

function verdicts(file: string, target: string, trials: number, maxSteps = 50_000): Record<string, number> {
  const w = loadWorkload(fixture(file), { target, maxSteps });
  const m = newMachine(w.program, w.paramsFor);
  const out: Record<string, number> = {};
  for (let i = 0; i < trials; i++) {
    const r = runTrial(m, trialSeed(8, i), w.paramsFor);
    out[r.verdict] = (out[r.verdict] ?? 0) + 1;
  }
  return out;
}

describe('verdicts', () => {
  for (const target of ['armv8-llsc', 'x86-tso']) {
    it(`a livelock ends with budget, never hang (${target})`, () => {
      expect(verdicts('livelock.s', target, 20, 20_000)).toEqual({ budget: 20 });
    });
    it(`spinning on a value nothing can change is a hang (${target})`, () => {
      expect(verdicts('spin-forever.s', target, 20, 200_000)).toEqual({ hang: 20 });
    });
    it(`a WFE spin loop on a lock nobody releases is a hang (WFE is a NOP) (${target})`, () => {
      expect(verdicts('wfe-spin.s', target, 20, 200_000)).toEqual({ hang: 20 });
    });
    it(`a WFE spin loop whose lock is released is never called hung (${target})`, () => {
      expect(verdicts('wfe-spin-released.s', target, 100, 200_000)).toEqual({ ok: 100 });
    });
    it(`a spinner whose flag is set late is never called hung (${target})`, () => {
      expect(verdicts('delayed-flag.s', target, 200, 200_000)).toEqual({ ok: 200 });
    });
    it(`a forbidden system call is an error naming the call and the source line (${target})`, () => {
      const w = loadWorkload(fixture('forbidden-syscall.s'), { target });
      const r = runTrial(newMachine(w.program, w.paramsFor), 1, w.paramsFor);
      expect(r.verdict).toBe('error');
      expect(r.error).toMatch(/forbidden-syscall\.s:6:\d+: core 0: system call 56 is not provided/);
    });
    it(`a wait nobody can end is a hang (${target})`, () => {
      expect(verdicts('lost-wakeup.s', target, 50)).toEqual({ hang: 50 });
    });
    it(`a futex handshake never hangs, whatever the interleaving (${target})`, () => {
      expect(verdicts('handshake.s', target, 2000)).toEqual({ ok: 2000 });
    });
  }
});
