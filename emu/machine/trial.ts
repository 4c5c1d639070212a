// One trial: run a program from a seed to a verdict, restarting (with the next attempt
// number) when promises could not be fulfilled. The attempt counter is part of the trace.
import type { Program } from '../../isa/program.ts';
import { Machine, type Verdict } from './machine.ts';
import type { ParamsFor } from '../model/params.ts';

export interface TrialResult {
  verdict: Exclude<Verdict, 'abort'> | 'abort';
  error?: string;
  seed: number;
  /** Restarts before this result (0 = first attempt succeeded). */
  attempts: number;
  epochs: number;
  steps: number;
  traceHash: string;
}

/** Runs one trial on a (reusable) machine. */
export function runTrial(machine: Machine, seed: number, paramsFor: ParamsFor): TrialResult {
  let attempt = 0;
  for (;;) {
    const params = paramsFor(seed, attempt);
    machine.reset(seed, attempt, params);
    const out = machine.run();
    if (out.verdict !== 'abort' || attempt + 1 >= params.maxAttempts) {
      // traceHash is an own enumerable getter: spreads, JSON and structured clones see the
      // value, and its sha256 is computed only if something reads it (trace-hash.ts).
      const trace = machine.traceState(out.verdict);
      return {
        verdict: out.verdict,
        error: out.error,
        seed,
        attempts: attempt,
        epochs: out.epochs,
        steps: out.steps,
        get traceHash() {
          return trace.hash();
        },
      };
    }
    attempt++;
  }
}

export function newMachine(program: Program, paramsFor: ParamsFor): Machine {
  return new Machine(program, paramsFor(0, 0));
}
