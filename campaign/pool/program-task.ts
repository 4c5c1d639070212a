// Campaign trials on the trial pool (`hangar campaign --jobs N`). A task is a contiguous block
// of a cell's trial indices (after sharding); the worker runs each trial exactly as the inline
// runner would (same workload, same trialSeed(S, i), in the layout the task names) and returns
// its verdicts. The coordinator consumes blocks in index order, so records, counts and first
// hangs do not depend on N, on the layout or on how the blocks were cut.
import { countOf, indexAt, Yielder, type Cell, type CellRunner, type Shard, type TrialRange } from '../campaign.ts';
import { trialLayout, type LayoutRequest } from '../trial-layout.ts';
import { trialSeed } from '../../emu/model/prng.ts';
import { newMachine, runTrial, type TrialResult } from '../../emu/machine/trial.ts';
import { layoutMachine, type LaidOutMachine, type Layout } from '../../emu/threads/layout.ts';
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
  /** How each trial runs in the worker (default inline); threads: `workers` core workers. */
  layout?: Layout;
  workers?: number;
}

/** Per trial of the block: the index, and the result unless the trial ended `ok`. */
export interface ProgramBlock {
  indices: number[];
  results: Array<TrialResult | null>;
}

/** The cell this worker ran last, with its machine (reused by the cell's next blocks). */
let cached: { key: string; w: Workload; laid: LaidOutMachine } | undefined;

async function runBlock(t: ProgramTask): Promise<ProgramBlock> {
  const key = JSON.stringify([t.program, t.target, t.defines ?? {}, t.maxSteps ?? 0, t.layout ?? 'inline', t.workers ?? 0]);
  if (!cached || cached.key !== key) {
    await cached?.laid.close();
    cached = undefined;
    const w = loadWorkload(t.program, { target: t.target, maxSteps: t.maxSteps, defines: t.defines });
    cached = { key, w, laid: await layoutMachine(w.program, w.paramsFor, { layout: t.layout ?? 'inline', workers: t.workers }) };
  }
  const { w, laid } = cached;
  const range: TrialRange = { trials: t.trials, shard: t.shard };
  const out: ProgramBlock = { indices: [], results: [] };
  for (let pos = t.from; pos < t.from + t.count; pos++) {
    const i = indexAt(range, pos);
    const r = runTrial(laid.machine, trialSeed(t.seed, i), w.paramsFor);
    out.indices.push(i);
    out.results.push(r.verdict === 'ok' ? null : r);
  }
  return out;
}

/** The blocks this worker was given, run one after another: the pool keeps two in flight per
 * worker, and a block that has to start a threads layout awaits, which lets the next one in. */
let queue: Promise<unknown> = Promise.resolve();

export const taskHandlers: Record<string, TaskHandler> = {
  program: (t) => {
    const run = queue.then(() => runBlock(t as ProgramTask));
    queue = run.catch(() => undefined);
    return run;
  },
};

/** The first block of a cell has this many trials, the next ones twice as many, up to blockSize:
 * a cell's first results (its first hang) come back after a few trials, not a full block. */
const FIRST_BLOCK = 8;

/** The pool is started once this thread has run trials for this long: a hang found in the
 * first trials never waited for the workers, which would take host cores from the trials
 * while they start (with as many workers as host cores, three threads share two cores). */
export const LAUNCH_AFTER_MS = 100;

export interface PoolRunner {
  runner: CellRunner;
  /** Terminates the pool if it was started. */
  close(): Promise<void>;
}

/**
 * A CellRunner that spreads a cell's trials over a pool, keeping at most 2 blocks per worker in
 * flight. Until the pool's workers are up, this thread runs the cell's trials itself, inline;
 * it starts the pool (`launch`, e.g. TrialPool.launch) after LAUNCH_AFTER_MS of such trials
 * (`launchAfterMs`). The records are the same whatever the pool does: trial i is trial i
 * wherever it runs, and the results are consumed in index order.
 */
export function poolRunner(launch: () => TrialPool, req: LayoutRequest = {}, opts: { blockSize?: number; launchAfterMs?: number } = {}): PoolRunner {
  const blockSize = opts.blockSize ?? 64;
  const launchAfterMs = opts.launchAfterMs ?? LAUNCH_AFTER_MS;
  let pool: TrialPool | undefined;
  let failure: Error | undefined;
  let inlineMs = 0;
  const start = (): TrialPool => {
    if (!pool) {
      pool = launch();
      pool.ready.catch((e: Error) => (failure = e));
    }
    return pool;
  };
  if (launchAfterMs <= 0) start();
  const runner: CellRunner = async (cell: Cell, range: TrialRange, seed, maxSteps, each, defines) => {
    const total = countOf(range);
    const t0 = performance.now();
    const w = loadWorkload(cell.program, { target: cell.target, maxSteps, defines });
    let next = 0;
    if (!pool?.isReady) {
      const m = newMachine(w.program, w.paramsFor);
      const y = new Yielder(2); // often enough for the workers' start-up messages to get through
      for (; next < total && !pool?.isReady; next++) {
        if (failure) throw failure;
        const i = indexAt(range, next);
        if (!each(i, runTrial(m, trialSeed(seed, i), w.paramsFor))) return;
        if (!pool && inlineMs + performance.now() - t0 >= launchAfterMs) start();
        await y.maybe();
      }
      inlineMs += performance.now() - t0;
      if (next >= total) return;
    }
    const p = start();
    const lay = trialLayout(req, w.program.threads.length, p.jobs);
    const inFlight: Array<Promise<ProgramBlock>> = [];
    let size = FIRST_BLOCK;
    const submit = (): void => {
      if (next >= total) return;
      const task: ProgramTask = {
        kind: 'program', program: cell.program, target: cell.target, defines, maxSteps,
        trials: range.trials, shard: range.shard, seed, from: next, count: Math.min(size, total - next),
        layout: lay.layout, workers: lay.workers,
      };
      next += task.count;
      size = Math.min(2 * size, blockSize);
      inFlight.push(p.run<ProgramBlock>(task));
    };
    for (let j = 0; j < 2 * p.jobs; j++) submit();
    while (inFlight.length) {
      const block = await inFlight.shift()!;
      for (let j = 0; j < block.indices.length; j++) {
        const i = block.indices[j];
        const r = block.results[j] ?? { verdict: 'ok', seed: trialSeed(seed, i), attempts: 0, epochs: 0, steps: 0, traceHash: '' };
        if (!each(i, r)) {
          // Let the blocks still running finish in the background; their results are dropped.
          for (const q of inFlight) q.catch(() => undefined);
          return;
        }
      }
      submit();
    }
  };
  return { runner, close: async () => pool?.close() };
}
