// Choosing a layout for a machine: `inline` (every core's run phase on the calling thread) or
// `threads` (each core's run phase in a worker thread over SharedArrayBuffers). Both give the
// same trace for the same seed; the layout takes any Program, whatever its source.
import type { Program } from '../../isa/program.ts';
import type { Machine } from '../machine/machine.ts';
import { newMachine, runTrial, type TrialResult } from '../machine/trial.ts';
import type { ParamsFor } from '../model/params.ts';
import { workerResourceLimits } from './limits.ts';
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

export interface LayoutOptions {
  layout: Layout;
  workers?: number;
  /** Heap limit of each worker, MiB (default: defaultWorkerHeapMb). */
  heapMb?: number;
}

export async function layoutMachine(program: Program, paramsFor: ParamsFor, opts: LayoutOptions): Promise<LaidOutMachine> {
  if (opts.layout === 'inline') return { machine: newMachine(program, paramsFor), workers: 0, close: async () => {} };
  // Workers beyond the core count would idle: start only those that get a core.
  const cores = program.threads.length;
  const workers = Math.min(opts.workers ?? defaultWorkers(cores), cores);
  const driver = await ThreadsDriver.start({ workers, resourceLimits: workerResourceLimits(workers, opts.heapMb) });
  try {
    const machine = await threadsMachine(program, paramsFor(0, 0), driver);
    return { machine, workers: driver.workers, close: () => driver.close() };
  } catch (e) {
    await driver.close();
    throw e;
  }
}

/** Runs one trial of a program in the given layout; the machine is returned for reports. */
export function layoutTrial(opts: LayoutOptions) {
  return async (w: { program: Program; paramsFor: ParamsFor }, seed: number): Promise<{ r: TrialResult; m: Machine }> => {
    const laid = await layoutMachine(w.program, w.paramsFor, opts);
    try {
      return { r: runTrial(laid.machine, seed, w.paramsFor), m: laid.machine };
    } finally {
      await laid.close();
    }
  };
}
