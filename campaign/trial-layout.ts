// How a campaign runs each trial: inline (every core's run phase on the thread that runs the
// trial) or in the threads layout (each core's run phase on a worker thread, emu/threads). The
// trace is the same either way (emu/README.md, "Worker layout"), so the choice is only about
// speed, made from the host's cores and the program's.
import { availableParallelism } from 'node:os';
import type { Layout } from '../emu/threads/layout.ts';

export interface TrialLayout {
  layout: Layout;
  /** Worker threads per trial (threads layout; 0 for inline). */
  workers: number;
}

/** What the command line asked for; what it leaves out is chosen. */
export interface LayoutRequest {
  layout?: Layout;
  workers?: number;
}

/**
 * The layout of a cell's trials. Asked for: as asked (threads: `workers`, default one per core
 * that fits on the host beside the trial pool's other threads). Not asked for: threads only when
 * they can all spin on a host core of their own next to the pool (`jobs` coordinators, each with
 * one worker per emulated core), for programs of at least THREADS_MIN_CORES cores; inline
 * otherwise. README.md "Worker layout and parallel trials" has the measurements behind it.
 */
export function trialLayout(req: LayoutRequest, programCores: number, jobs: number, hostCores = availableParallelism()): TrialLayout {
  const spare = Math.max(1, Math.floor(hostCores / jobs) - 1);
  if (req.layout === 'inline') return { layout: 'inline', workers: 0 };
  if (req.layout === 'threads') return { layout: 'threads', workers: Math.min(programCores, req.workers ?? spare) };
  if (programCores >= THREADS_MIN_CORES && jobs * (programCores + 1) <= hostCores) return { layout: 'threads', workers: programCores };
  return { layout: 'inline', workers: 0 };
}

/** Below this many cores a trial's epochs are too short for the threads layout's hand-offs. */
export const THREADS_MIN_CORES = 4;
