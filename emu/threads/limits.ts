// Memory budgets of worker threads (the trial pool's and the threads layout's): every worker
// gets V8 heap limits, so that a runaway one ends with an out-of-memory error naming it (the
// pool and the supervisor report it) instead of taking the host's memory.
import { totalmem } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';

/** The smallest and the largest default heap of one worker, MiB. */
const MIN_HEAP_MB = 256;
const MAX_HEAP_MB = 4096;

/** The default heap of each of `workers` workers: an equal share of half the host's memory
 * (the other half for the main thread, other processes and the shared buffers), clamped. */
export function defaultWorkerHeapMb(workers: number): number {
  const share = Math.floor(totalmem() / 2 ** 20 / 2 / Math.max(1, workers));
  return Math.max(MIN_HEAP_MB, Math.min(MAX_HEAP_MB, share));
}

/** The resource limits of one of `workers` workers; `heapMb` overrides the default. */
export function workerResourceLimits(workers: number, heapMb?: number): ResourceLimits {
  return { maxOldGenerationSizeMb: heapMb ?? defaultWorkerHeapMb(workers) };
}
