// Litmus trials on the trial pool. The run is cut into contiguous chunks of trial indices; a
// worker runs a chunk exactly as the in-process run would (runLitmus with `from`), and the
// chunks are merged in trial order: counts add up, and a state's first-seen position is its
// position in the first chunk that saw it, so the merged histogram (order included), aborted
// count and first errors equal those of the in-process run, for every number of workers.
import { readTextFile } from '../../isa/source-file.ts';
import { parseLitmus, readLitmus, type LitmusTest } from '../../litmus/parser.ts';
import { stateKey } from '../../litmus/state.ts';
import { newMachine } from '../../emu/machine/trial.ts';
import type { Machine } from '../../emu/machine/machine.ts';
import type { ModelName } from '../../emu/model/memory-model.ts';
import { litmusParamsFor } from '../../emu/model/params.ts';
import { defaultModel, runLitmus, summarise, type LitmusOutcome } from '../litmus-run.ts';
import type { Task, TaskHandler } from './task.ts';
import { chunks, TrialPool } from './trial-pool.ts';

export const LITMUS_TASKS = new URL(import.meta.url).href;

export interface LitmusTask extends Task {
  kind: 'litmus';
  /** The test's file name and text: the worker parses the same text the coordinator did. */
  file: string;
  text: string;
  model: ModelName;
  /** Date.now() after which no trial starts. */
  deadline?: number;
}

export interface LitmusChunk {
  /** In first-seen order within the chunk. */
  histogram: LitmusOutcome['histogram'];
  aborted: number;
  restarts: number;
  /** The chunk's first errors, in trial order (runLitmus keeps at most 5). */
  errors: string[];
  /** Trials the chunk ran (fewer than its count when it stopped at the deadline). */
  ran: number;
  stopped?: 'time limit';
}

/** The last test this worker ran, parsed, with its machine (reused by its next chunks). */
let cached: { file: string; text: string; model: ModelName; test: LitmusTest; machine: Machine } | undefined;

function litmusChunk(task: LitmusTask): LitmusChunk {
  if (!cached || cached.file !== task.file || cached.text !== task.text || cached.model !== task.model) {
    const test = parseLitmus(task.text, task.file);
    cached = { file: task.file, text: task.text, model: task.model, test, machine: newMachine(test.program, litmusParamsFor(task.model)) };
  }
  const r = runLitmus(cached.test, { model: task.model, trials: task.count, seed: task.seed, from: task.from, machine: cached.machine, deadline: task.deadline });
  return { histogram: r.histogram, aborted: r.aborted, restarts: r.restarts, errors: r.errors, ran: r.trials, ...(r.stopped ? { stopped: r.stopped } : {}) };
}

export const taskHandlers: Record<string, TaskHandler> = {
  litmus: (t) => litmusChunk(t as LitmusTask),
};

/** Merges chunk results given in trial order; after a chunk that stopped at the deadline the
 * later ones are dropped, so that the trials counted are always 0..ran-1. */
export function mergeChunks(parts: LitmusChunk[]): LitmusChunk {
  const counts = new Map<string, { state: LitmusOutcome['histogram'][number]['state']; count: number }>();
  let aborted = 0;
  let restarts = 0;
  let ran = 0;
  const errors: string[] = [];
  for (const p of parts) {
    ran += p.ran;
    for (const h of p.histogram) {
      const k = stateKey(h.state);
      const e = counts.get(k);
      if (e) e.count += h.count;
      else counts.set(k, { state: h.state, count: h.count });
    }
    aborted += p.aborted;
    restarts += p.restarts;
    for (const e of p.errors) if (errors.length < 5) errors.push(e);
    if (p.stopped) break;
  }
  return { histogram: [...counts.values()], aborted, restarts, errors, ran };
}

/** runLitmus on the pool: the same outcome as the in-process run, for every pool size. */
export async function runLitmusOnPool(pool: TrialPool, t: LitmusTest, src: { file: string; text: string }, opts: { model?: ModelName; trials: number; seed: number; deadline?: number }): Promise<LitmusOutcome> {
  const model = opts.model ?? defaultModel(t);
  const tasks = chunks(opts.trials, pool.jobs).map(({ from, count }): LitmusTask => ({ kind: 'litmus', seed: opts.seed, from, count, file: src.file, text: src.text, model, ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}) }));
  const m = mergeChunks(await pool.map<LitmusChunk>(tasks));
  const o = summarise(t, model, opts.seed, m.ran, m.histogram, m.aborted, m.errors, m.restarts);
  if (m.ran < opts.trials) o.stopped = 'time limit';
  return o;
}

export interface LitmusRunner {
  run(t: LitmusTest, file: string, opts: { model?: ModelName; trials: number; seed: number; deadline?: number }): Promise<LitmusOutcome>;
  /** Terminates the pool, if one was started. */
  close(): Promise<void>;
}

/**
 * Runs litmus tests with `jobs` workers: in process when jobs is 1 or the run is one chunk,
 * else on a pool started at the first test that needs it and shared by the following ones.
 * Given the list of files the caller will run in order, it queues the next test's chunks
 * behind the current one's, so that no worker idles while the last chunk of a test finishes.
 */
export function litmusRunner(jobs: number, files: string[] = [], heapMb?: number): LitmusRunner {
  type Opts = Parameters<LitmusRunner['run']>[2];
  let pool: Promise<TrialPool> | undefined;
  let ahead: { file: string; opts: Opts; result: Promise<LitmusOutcome> } | undefined;
  const submit = async (t: LitmusTest, file: string, opts: Opts): Promise<LitmusOutcome> => {
    pool ??= TrialPool.start({ jobs, handlers: [LITMUS_TASKS], heapMb });
    return runLitmusOnPool(await pool, t, { file, text: readTextFile(file) }, opts);
  };
  return {
    async run(t, file, opts) {
      if (jobs <= 1 || chunks(opts.trials, jobs).length <= 1) return runLitmus(t, opts);
      const same = ahead !== undefined && ahead.file === file && JSON.stringify(ahead.opts) === JSON.stringify(opts);
      const result = same ? ahead!.result : submit(t, file, opts);
      ahead = undefined;
      const next = files[files.indexOf(file) + 1];
      let tn: LitmusTest | undefined;
      try {
        tn = next === undefined ? undefined : readLitmus(next);
      } catch {
        tn = undefined; // the caller reports the error when it reaches that file
      }
      if (tn !== undefined) {
        ahead = { file: next, opts, result: submit(tn, next, opts) };
        ahead.result.catch(() => {}); // awaited (and its failure reported) when its turn comes
      }
      return result;
    },
    async close() {
      const p = await pool?.catch(() => undefined);
      await p?.close();
    },
  };
}
