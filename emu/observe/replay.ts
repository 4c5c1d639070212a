// Replaying one trial with a tracer: the same execution as the untraced trial (same traceHash;
// the tracer only observes), its trace, and the explanation of what the trial depended on.
import type { Program } from '../../isa/program.ts';
import type { Machine } from '../machine/machine.ts';
import { newMachine, runTrial, type TrialResult } from '../machine/trial.ts';
import type { ParamsFor } from '../model/params.ts';
import { explain, type Explanation } from './explain.ts';
import { Tracer, type TraceEvent } from './tracer.ts';

export interface Replay {
  result: TrialResult;
  /** The machine after the trial (its log is whole: a traced trial is never pruned). */
  machine: Machine;
  events: TraceEvent[];
  explanation: Explanation;
}

/** Runs trial `seed` of a program inline with a tracer attached. */
export function replay(program: Program, paramsFor: ParamsFor, seed: number): Replay {
  const machine = newMachine(program, paramsFor);
  const tracer = new Tracer();
  machine.exec.observer = tracer;
  const result = runTrial(machine, seed, paramsFor);
  machine.exec.observer = null;
  return { result, machine, events: tracer.events, explanation: explain(machine, tracer.events, result.verdict) };
}
