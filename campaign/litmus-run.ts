// Running a litmus test: many trials from one seed, the histogram of final states over the
// test's observed variables, and the condition's verdict over what was seen.
import { DATA_BASE } from '../isa/program.ts';
import { conditionHolds, printCondition, type Value } from '../litmus/condition.ts';
import type { LitmusTest } from '../litmus/parser.ts';
import { stateKey, type FinalState } from '../litmus/state.ts';
import type { Machine } from '../emu/machine/machine.ts';
import { newMachine, runTrial, type TrialResult } from '../emu/machine/trial.ts';
import type { ModelName } from '../emu/model/memory-model.ts';
import { litmusParamsFor } from '../emu/model/params.ts';
import { trialSeed } from '../emu/model/prng.ts';

export interface LitmusOutcome {
  test: string;
  arch: string;
  model: ModelName;
  seed: number;
  trials: number;
  /** Distinct final states in first-seen order, with counts; aborted trials are not counted. */
  histogram: Array<{ state: FinalState; count: number }>;
  condition: string;
  /** herd's vocabulary over the observed states. */
  observed: { verdict: 'Allowed' | 'Forbidden'; ok: boolean; observation: 'Never' | 'Sometimes' | 'Always'; positive: number; negative: number };
  /** Trials given up after maxAttempts restarts (never counted in the histogram). */
  aborted: number;
  /** Restarts in all (a trial restarts when a promise could not be fulfilled). */
  restarts: number;
  errors: string[];
  /** Set when the run stopped at a deadline: `trials` is then the number of trials run. */
  stopped?: 'time limit';
}

/** The model a litmus test runs under unless told otherwise: x86-TSO for X86 tests, ARMv8 for AArch64. */
export function defaultModel(t: LitmusTest): ModelName {
  return t.arch === 'X86' ? 'tso' : 'armv8';
}

/** Signed 64-bit value as a JS number (exact for |v| < 2^53), or the location it points to. */
export function valueOf(lo: number, hi: number, byAddr: Map<number, string>): Value {
  if (hi === 0 && (lo >>> 0) >= DATA_BASE) {
    const name = byAddr.get(lo >>> 0);
    if (name !== undefined) return name;
  }
  return hi * 4294967296 + (lo >>> 0);
}

export function locationNames(t: LitmusTest): Map<number, string> {
  const m = new Map<number, string>();
  for (const [name, addr] of Object.entries(t.program.symbols)) m.set(addr, name);
  return m;
}

/** The final state of a finished trial, over the test's observed variables. */
export function finalState(t: LitmusTest, m: Machine, byAddr: Map<number, string>): FinalState {
  const s: FinalState = {};
  for (const v of t.observed) {
    if (v.kind === 'reg') {
      const c = m.cores[v.thread];
      s[v.key] = valueOf(c.regLo[v.reg], c.regHi[v.reg], byAddr);
    } else {
      const [lo, hi] = m.finalWord((v.addr - DATA_BASE) >>> 3);
      const half = ((v.addr - DATA_BASE) >>> 2) & 1;
      s[v.key] = half === 0 ? valueOf(lo, hi, byAddr) : hi >>> 0;
    }
  }
  return s;
}

export interface TrialObserver {
  (trial: number, r: TrialResult, state: FinalState | undefined, m: Machine): void;
}

/** Runs trials [from, to) of a litmus test from seed S; trial i uses trialSeed(S, i). */
export function runLitmus(t: LitmusTest, opts: { model?: ModelName; trials: number; seed: number; from?: number; observe?: TrialObserver; machine?: Machine; deadline?: number }): LitmusOutcome {
  const model = opts.model ?? defaultModel(t);
  const paramsFor = litmusParamsFor(model);
  // A machine of t's program may be reused (a trial does not depend on what ran before it).
  const m = opts.machine ?? newMachine(t.program, paramsFor);
  const byAddr = locationNames(t);
  const counts = new Map<string, { state: FinalState; count: number }>();
  let aborted = 0;
  let restarts = 0;
  const errors: string[] = [];
  const from = opts.from ?? 0;
  let ran = 0;
  for (let i = from; i < from + opts.trials; i++) {
    // The deadline is wall-clock (Date.now(): the same clock in every worker).
    if (opts.deadline !== undefined && Date.now() > opts.deadline) break;
    ran++;
    const r = runTrial(m, trialSeed(opts.seed, i), paramsFor);
    restarts += r.attempts;
    if (r.verdict === 'abort') { aborted++; opts.observe?.(i, r, undefined, m); continue; }
    if (r.verdict !== 'ok') {
      if (errors.length < 5) errors.push(`trial ${i} (seed ${r.seed}): ${r.verdict}${r.error ? ': ' + r.error : ''}`);
      opts.observe?.(i, r, undefined, m);
      continue;
    }
    const s = finalState(t, m, byAddr);
    opts.observe?.(i, r, s, m);
    const k = stateKey(s);
    const e = counts.get(k);
    if (e) e.count++;
    else counts.set(k, { state: s, count: 1 });
  }
  const o = summarise(t, model, opts.seed, ran, [...counts.values()], aborted, errors, restarts);
  if (ran < opts.trials) o.stopped = 'time limit';
  return o;
}

export function summarise(t: LitmusTest, model: ModelName, seed: number, trials: number, histogram: LitmusOutcome['histogram'], aborted: number, errors: string[], restarts = 0): LitmusOutcome {
  const states = histogram.map((h) => h.state);
  const ch = conditionHolds(t.condition, states);
  let positive = 0, negative = 0;
  for (const h of histogram) {
    if (conditionHolds({ quantifier: 'exists', prop: t.condition.prop }, [h.state]).verdict === 'Allowed') positive += h.count;
    else negative += h.count;
  }
  return {
    test: t.name,
    arch: t.arch,
    model,
    seed,
    trials,
    histogram,
    condition: printCondition(t.condition),
    observed: { verdict: ch.verdict, ok: ch.ok, observation: ch.observation, positive, negative },
    aborted,
    restarts,
    errors,
  };
}
