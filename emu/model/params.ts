// Tunable parameters of one trial. None of them can make a forbidden outcome reachable (they
// only weight or remove choices that the model allows); they decide how quickly the allowed
// ones are found. `litmusParams` draws them per trial, so one campaign covers many profiles.
import { MAX_CORES } from '../../isa/program.ts';
import { MODELS, type MemoryModel, type ModelName } from './memory-model.ts';
import * as prng from './prng.ts';

const { below, chance, Purpose, stream } = prng; // local aliases: see emu/core/access.ts

export interface TrialParams {
  model: MemoryModel;
  /** Probability that a read takes the newest eligible message (else uniform over eligible). */
  pNewest: number;
  /** Fairness horizon in epochs: a message overwritten K epochs ago is no longer readable. */
  fairnessEpochs: number;
  /** Spurious store-exclusive failure probability, and the cap on consecutive ones per core. */
  pSpurious: number;
  maxSpurious: number;
  /** Probability that a core spends an epoch attempting a promise (ARMv8 only). */
  pPromise: number;
  /** Instructions a promise lookahead may run. */
  lookahead: number;
  /** Probability that a read of a promising core ignores its plan (see executor.planned). */
  pIgnorePlan: number;
  /** Promise lookaheads stop at store-exclusives and atomics. Other cores' writes can make a
   * planned RMW fail and the promise unfulfillable, which costs the whole trial; a plan of
   * plain reads stays valid (emu/README.md §Promises). Long programs set this. */
  plainLookahead: boolean;
  /** Epoch budgets: 0 with probability pIdle (per core: cores run at different speeds), else
   * 1 + geometric with mean meanBudget. */
  pIdle: readonly number[];
  meanBudget: number;
  /** Total emulated instructions before the `budget` verdict. */
  maxSteps: number;
  /** Prove spins from the messages each core can still read, not only after a quiet fairness
   * horizon (emu/machine/hang-detector.ts (1')): litmus trials, whose horizon never passes. */
  readableSpins: boolean;
  /** Restarts of a trial whose promises could not be fulfilled. */
  maxAttempts: number;
}

export function litmusParams(model: MemoryModel, seed: number, attempt: number): TrialParams {
  const r = stream(seed, attempt, 0, 0, Purpose.PARAMS);
  const pick = <T>(xs: readonly T[]): T => xs[below(r, xs.length)];
  return {
    model,
    pNewest: pick([0.2, 0.4, 0.6, 0.8]),
    fairnessEpochs: 1 << 20,
    pSpurious: pick([0, 0.02, 0.1, 0.3]),
    maxSpurious: 2,
    pPromise: model.promises ? pick([0.05, 0.15, 0.3]) : 0,
    lookahead: 256,
    pIgnorePlan: 0.5,
    plainLookahead: false,
    // Per-core speeds: some outcomes need one core to lag far behind the others (IRIW).
    pIdle: Array.from({ length: MAX_CORES }, () => pick([0.1, 0.3, 0.5, 0.8])),
    meanBudget: pick([1, 2, 4]),
    maxSteps: 1_000_000,
    readableSpins: true,
    maxAttempts: 64,
  };
}

/** Long-running programs: large epochs (the coordinator's cost amortised), rare promises. */
export function programParams(model: MemoryModel, seed: number, attempt: number, maxSteps: number): TrialParams {
  const r = stream(seed, attempt, 0, 0, Purpose.PARAMS);
  const pick = <T>(xs: readonly T[]): T => xs[below(r, xs.length)];
  return {
    model,
    pNewest: pick([0.5, 0.7, 0.9]),
    fairnessEpochs: pick([4, 8, 16]),
    pSpurious: 0.01,
    maxSpurious: 2,
    pPromise: model.promises ? 0.002 : 0,
    lookahead: 256,
    pIgnorePlan: 0,
    plainLookahead: true,
    pIdle: Array.from({ length: MAX_CORES }, () => pick([0.02, 0.05, 0.2])),
    meanBudget: pick([8, 32, 128]),
    maxSteps,
    readableSpins: false,
    maxAttempts: 16,
  };
}

/** The parameters of each attempt of a trial (runTrial asks once per attempt). */
export type ParamsFor = (seed: number, attempt: number) => TrialParams;

/** Litmus trials under a model. */
export function litmusParamsFor(model: ModelName): ParamsFor {
  const mm = MODELS[model];
  return (seed, attempt) => litmusParams(mm, seed, attempt);
}

/** Program trials under a model, with a step budget. */
export function programParamsFor(model: ModelName, maxSteps: number): ParamsFor {
  const mm = MODELS[model];
  return (seed, attempt) => programParams(mm, seed, attempt, maxSteps);
}

/** The largest epoch budget: a run-phase write buffer holds two writes per instruction (STP). */
export const MAX_BUDGET = 4096;

/** Budget draw: 0 with probability pIdle, else 1 + geometric(mean), capped at MAX_BUDGET. */
export function drawBudget(p: TrialParams, core: number, r: { next(): number }): number {
  if (chance(r, p.pIdle[core & (MAX_CORES - 1)])) return 0;
  if (p.meanBudget <= 1) return 1;
  // Inverse CDF of the geometric distribution: one draw instead of one per instruction.
  const u = ((r.next() >>> 0) + 1) / 4294967297;
  const b = 1 + Math.floor(Math.log(u) / Math.log(1 - 1 / p.meanBudget));
  return b < MAX_BUDGET ? b : MAX_BUDGET;
}
