// Tunable parameters of one trial. None of them can make a forbidden outcome reachable (they
// only weight or remove choices that the model allows); they decide how quickly the allowed
// ones are found. `litmusParams` draws them per trial, so one campaign covers many profiles.
import { MAX_CORES } from '../../isa/program.ts';
import { MODELS, type MemoryModel, type ModelName } from './memory-model.ts';
import * as prng from './prng.ts';

const { below, chance, Purpose, Stream } = prng; // local aliases: see emu/core/access.ts
type Stream = prng.Stream;

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

// The values litmusParams and programParams draw from (one draw each, in this order: the
// sequence of draws is part of what a seed means). Module constants, so that a trial's
// parameters cost no closure and no throw-away arrays.
const L_NEWEST = [0.2, 0.4, 0.6, 0.8];
const L_SPURIOUS = [0, 0.02, 0.1, 0.3];
const L_PROMISE = [0.05, 0.15, 0.3];
const L_IDLE = [0.1, 0.3, 0.5, 0.8];
const L_BUDGET = [1, 2, 4];
const P_NEWEST = [0.5, 0.7, 0.9];
const P_FAIRNESS = [4, 8, 16];
const P_IDLE = [0.02, 0.05, 0.2];
const P_BUDGET = [8, 32, 128];
/** Per-core idle probabilities are drawn for this many cores (pIdle[core & (MAX_CORES - 1)]). */
const IDLE_SLOTS = MAX_CORES;

/** The stream the parameters are drawn from, re-keyed per call (one per thread, no allocation). */
const paramsStream = new Stream();

function pick(r: Stream, xs: readonly number[]): number {
  return xs[below(r, xs.length)];
}

function idleDraws(r: Stream, xs: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < IDLE_SLOTS; i++) out.push(pick(r, xs));
  return out;
}

export function litmusParams(model: MemoryModel, seed: number, attempt: number): TrialParams {
  const r = paramsStream.reset(seed, attempt, 0, 0, Purpose.PARAMS);
  // Object fields are evaluated in order: the draws keep their order.
  return {
    model,
    pNewest: pick(r, L_NEWEST),
    fairnessEpochs: 1 << 20,
    pSpurious: pick(r, L_SPURIOUS),
    maxSpurious: 2,
    pPromise: model.promises ? pick(r, L_PROMISE) : 0,
    lookahead: 256,
    pIgnorePlan: 0.5,
    plainLookahead: false,
    // Per-core speeds: some outcomes need one core to lag far behind the others (IRIW).
    pIdle: idleDraws(r, L_IDLE),
    meanBudget: pick(r, L_BUDGET),
    maxSteps: 1_000_000,
    readableSpins: true,
    maxAttempts: 64,
  };
}

/** Long-running programs: large epochs (the coordinator's cost amortised), rare promises. */
export function programParams(model: MemoryModel, seed: number, attempt: number, maxSteps: number): TrialParams {
  const r = paramsStream.reset(seed, attempt, 0, 0, Purpose.PARAMS);
  return {
    model,
    pNewest: pick(r, P_NEWEST),
    fairnessEpochs: pick(r, P_FAIRNESS),
    pSpurious: 0.01,
    maxSpurious: 2,
    pPromise: model.promises ? 0.002 : 0,
    lookahead: 256,
    pIgnorePlan: 0,
    plainLookahead: true,
    pIdle: idleDraws(r, P_IDLE),
    meanBudget: pick(r, P_BUDGET),
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

/** log(1 - 1/meanBudget) of the last mean seen: the same double every time, computed once. */
let logQMean = 0;
let logQ = 0;

/** Budget draw: 0 with probability pIdle, else 1 + geometric(mean), capped at MAX_BUDGET. */
export function drawBudget(p: TrialParams, core: number, r: { next(): number }): number {
  if (chance(r, p.pIdle[core & (MAX_CORES - 1)])) return 0;
  const mean = p.meanBudget;
  if (mean <= 1) return 1;
  if (mean !== logQMean) {
    logQ = Math.log(1 - 1 / mean);
    logQMean = mean;
  }
  // Inverse CDF of the geometric distribution: one draw instead of one per instruction.
  const u = ((r.next() >>> 0) + 1) / 4294967297;
  const b = 1 + Math.floor(Math.log(u) / logQ);
  return b < MAX_BUDGET ? b : MAX_BUDGET;
}
