// Choosing a layout for a machine: `inline` (every core's run phase on the calling thread) or
// `threads` (each core's run phase in a worker thread over SharedArrayBuffers). Both give the
// same trace for the same seed; the layout takes any Program, whatever its source.
import type { Program } from '../../isa/program.ts';
import type { Machine } from '../machine/machine.ts';
import { newMachine, runTrial, type TrialResult } from '../machine/trial.ts';
import type { ParamsFor } from '../model/params.ts';
import { defaultWorkers, threadsMachine, ThreadsDriver } from './threads-driver.ts';

export type Layout = 'inline' | 'threads';

export function isLayout(s: string): s is Layout {
  return s === 'inline' || s === 'threads';
}

export interface LaidOutMachine {
  machine: Machine;
  /** Worker threads running the cores (0 for inline). */
  workers: number;
  /** Terminates the workers (a no-op for inline). */
  close(): Promise<void>;
}

export async function layoutMachine(program: Program, paramsFor: ParamsFor, opts: { layout: Layout; workers?: number }): Promise<LaidOutMachine> {
  if (opts.layout === 'inline') return { machine: newMachine(program, paramsFor), workers: 0, close: async () => {} };
  // Workers beyond the core count would idle: start only those that get a core.
  const cores = program.threads.length;
  const driver = await ThreadsDriver.start({ workers: Math.min(opts.workers ?? defaultWorkers(cores), cores) });
  try {
    const machine = await threadsMachine(program, paramsFor(0, 0), driver);
    return { machine, workers: driver.workers, close: () => driver.close() };
  } catch (e) {
    await driver.close();
    throw e;
  }
}

/** Runs one trial of a program in the given layout; the machine is returned for reports. */
export function layoutTrial(opts: { layout: Layout; workers?: number }) {
  return async (w: { program: Program; paramsFor: ParamsFor }, seed: number): Promise<{ r: TrialResult; m: Machine }> => {
    const laid = await layoutMachine(w.program, w.paramsFor, opts);
    try {
      return { r: runTrial(laid.machine, seed, w.paramsFor), m: laid.machine };
    } finally {
      await laid.close();
    }
  };
}
