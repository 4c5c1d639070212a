// Campaign trials on the trial pool (`hangar campaign --jobs N`). A task is a contiguous block
// of a cell's trial indices (after sharding); the worker runs each trial exactly as the inline
// runner would (same workload, same trialSeed(S, i)) and returns its verdicts. The coordinator
// consumes blocks in index order, so records, counts and first hangs do not depend on N.
import { countOf, type Cell, type CellRunner, type Shard, type TrialRange } from '../campaign.ts';
import { trialSeed } from '../../emu/model/prng.ts';
import { newMachine, runTrial, type TrialResult } from '../../emu/machine/trial.ts';
import { loadWorkload, type Workload } from '../workload.ts';
import type { Task, TaskHandler } from './task.ts';
import type { TrialPool } from './trial-pool.ts';

export const PROGRAM_TASKS = new URL(import.meta.url).href;

export interface ProgramTask extends Task {
  kind: 'program';
  program: string;
  target: string;
  defines?: Record<string, number>;
  maxSteps?: number;
  trials: number;
  shard?: Shard;
}

/** Per trial of the block: the index, and the result unless the trial ended `ok`. */
export interface ProgramBlock {
  indices: number[];
  results: Array<TrialResult | null>;
}

let cached: { key: string; w: Workload; m: ReturnType<typeof newMachine> } | undefined;

function runBlock(t: ProgramTask): ProgramBlock {
  const key = JSON.stringify([t.program, t.target, t.defines ?? {}, t.maxSteps ?? 0]);
  if (!cached || cached.key !== key) {
    const w = loadWorkload(t.program, { target: t.target, maxSteps: t.maxSteps, defines: t.defines });
    cached = { key, w, m: newMachine(w.program, w.paramsFor) };
  }
  const { w, m } = cached;
  const out: ProgramBlock = { indices: [], results: [] };
  const first = t.shard ? t.shard.index : 0, step = t.shard ? t.shard.count : 1;
  for (let pos = t.from; pos < t.from + t.count; pos++) {
    const i = first + pos * step; // the pos-th index of the (sharded) range
    const r = runTrial(m, trialSeed(t.seed, i), w.paramsFor);
    out.indices.push(i);
    out.results.push(r.verdict === 'ok' ? null : r);
  }
  return out;
}

export const taskHandlers: Record<string, TaskHandler> = {
  program: (t) => runBlock(t as ProgramTask),
};

/** A CellRunner that spreads a cell's trials over a pool, keeping at most 2 blocks per worker in flight. */
export function poolRunner(pool: TrialPool, blockSize = 64): CellRunner {
  return async (cell: Cell, range: TrialRange, seed, maxSteps, each, defines) => {
    const total = countOf(range);
    const inFlight: Array<Promise<ProgramBlock>> = [];
    let next = 0;
    const submit = (): void => {
      if (next >= total) return;
      const task: ProgramTask = {
        kind: 'program', program: cell.program, target: cell.target, defines, maxSteps,
        trials: range.trials, shard: range.shard, seed, from: next, count: Math.min(blockSize, total - next),
      };
      next += task.count;
      inFlight.push(pool.run<ProgramBlock>(task));
    };
    for (let j = 0; j < 2 * pool.jobs; j++) submit();
    while (inFlight.length) {
      const block = await inFlight.shift()!;
      for (let j = 0; j < block.indices.length; j++) {
        const i = block.indices[j];
        const r = block.results[j] ?? { verdict: 'ok', seed: trialSeed(seed, i), attempts: 0, epochs: 0, steps: 0, traceHash: '' };
        if (!each(i, r)) {
          // Let the blocks still running finish in the background; their results are dropped.
          for (const p of inFlight) p.catch(() => undefined);
          return;
        }
      }
      submit();
    }
  };
}
