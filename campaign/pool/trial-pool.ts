// A pool of worker threads for independent trials (`--jobs N`). Work is cut into tasks
// {kind, ...args, seed, from, count}: trials [from, from + count) of a run started with `seed`
// (trial i always uses trialSeed(seed, i), so a task's result does not depend on which worker
// runs it or when). A task's kind names a handler; handler modules export
// `taskHandlers: Record<kind, TaskHandler>` and are loaded by every worker at start
// (litmus: litmus-task.ts, campaigns: program-task.ts). `map` returns results in task order, so callers merge
// them in trial order and get the same output for every N.
//
// Failures: a worker that throws, runs out of memory (each has a heap limit) or exits rejects
// the task it was running and every queued one (the pool is then broken); close() and a stop
// signal (SIGINT, SIGTERM, SIGHUP) terminate all workers.
import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { connect, type Remote } from '../../emu/threads/comlink.ts';
import { workerResourceLimits } from '../../emu/threads/limits.ts';
import { STOP_SIGNALS } from '../signals.ts';
import type { Task, TrialWorkerApi } from './task.ts';

export interface PoolOptions {
  /** Worker threads (default: host cores). */
  jobs?: number;
  /** Module URLs exporting `taskHandlers` (e.g. new URL('./litmus-task.ts', import.meta.url).href). */
  handlers: string[];
  /** Terminate the workers and end the process on a stop signal (SIGINT, SIGTERM, SIGHUP;
   * default). A caller that wants to report before exiting (campaigns print a partial
   * summary) handles them itself (catchStopSignals) and closes the pool. */
  exitOnSigint?: boolean;
  /** Heap limit of each worker, MiB (default: defaultWorkerHeapMb(jobs)); a worker that
   * exceeds it breaks the pool with an out-of-memory error naming it. */
  heapMb?: number;
}

interface Slot {
  id: number;
  worker: Worker;
  api: Remote<TrialWorkerApi>;
  /** Calls sent to the worker and not yet answered, oldest first (at most DEPTH). */
  inflight: Pending[];
}

/** Tasks in flight per worker: the next one is already queued in the worker when the current
 * one ends, so the worker never idles for a round trip to the main thread. */
const DEPTH = 2;

interface Pending {
  /** What the worker is doing, for messages. */
  what: string;
  task?: Task;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export function defaultJobs(): number {
  return availableParallelism();
}

export class TrialPool {
  readonly jobs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private broken?: Error;
  private closed = false;
  /** Settles when every worker has loaded its handlers (see launch). */
  ready: Promise<void> = Promise.resolve();
  /** True once `ready` has resolved. */
  isReady = false;
  private readonly onSignal = (s: NodeJS.Signals): void => {
    // Terminate the workers; then, unless someone else handles the signal (a campaign printing
    // its summary), let the default action end the process (exit status 128 + n).
    for (const t of STOP_SIGNALS) process.removeListener(t, this.onSignal);
    void this.close();
    if (process.listenerCount(s) === 0) process.kill(process.pid, s);
  };
  private readonly limits: ResourceLimits;

  private constructor(jobs: number, heapMb?: number) {
    this.jobs = jobs;
    this.limits = workerResourceLimits(jobs, heapMb);
  }

  /**
   * Starts the workers and returns at once: tasks may be queued before they are up (each
   * worker runs them after loading its handlers). `ready` settles when every worker has loaded
   * its handlers; if one fails the pool is closed and `ready` rejects. Meanwhile the caller can
   * run trials itself (a campaign does: its first hang should not wait for the pool).
   */
  static launch(opts: PoolOptions): TrialPool {
    const jobs = opts.jobs ?? defaultJobs();
    if (!Number.isInteger(jobs) || jobs < 1) throw new RangeError(`jobs must be a positive integer, not ${jobs}`);
    const pool = new TrialPool(jobs, opts.heapMb);
    if (opts.exitOnSigint !== false) for (const s of STOP_SIGNALS) process.once(s, pool.onSignal);
    for (let id = 0; id < jobs; id++) pool.slots.push(pool.spawn(id));
    pool.ready = Promise.all(pool.slots.map((s) => pool.load(s, opts.handlers))).then(
      () => void (pool.isReady = true),
      async (e: Error) => {
        await pool.close();
        throw e;
      },
    );
    pool.ready.catch(() => {}); // a caller that closes the pool early never awaits it
    return pool;
  }

  /** Starts the workers and waits until each has loaded its handlers. */
  static async start(opts: PoolOptions): Promise<TrialPool> {
    const pool = TrialPool.launch(opts);
    await pool.ready;
    return pool;
  }

  private spawn(id: number): Slot {
    const worker = new Worker(new URL('../../emu/threads/worker-entry.mjs', import.meta.url), {
      workerData: { entry: new URL('./trial-worker.ts', import.meta.url).href },
      resourceLimits: this.limits,
    });
    const slot: Slot = { id, worker, api: connect<TrialWorkerApi>(worker), inflight: [] };
    const died = (cause: string): void => {
      if (this.closed) return;
      const what = slot.inflight[0]?.what;
      this.break(new Error(`trial pool: worker ${id} ${cause}${what ? ` while ${what}` : ''}`));
    };
    worker.on('error', (e: Error & { code?: string }) => died(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `ran out of memory (${e.message})` : `threw ${e.name}: ${e.message}`));
    worker.on('exit', (code) => died(`exited with code ${code}`));
    worker.unref();
    return slot;
  }

  /** Loads the handler modules in a worker; fails fast if the pool breaks meanwhile. */
  private load(s: Slot, modules: string[]): Promise<string[]> {
    return new Promise<string[]>((resolve, reject) => {
      const p: Pending = { what: 'loading its task handlers', resolve: resolve as (v: unknown) => void, reject };
      this.send(s, p, () => s.api.load(modules));
    });
  }

  private send(s: Slot, p: Pending, call: () => Promise<unknown>): void {
    if (s.inflight.length === 0) s.worker.ref();
    s.inflight.push(p);
    call().then((v) => this.release(s, p, () => p.resolve(v)), (e: Error) => this.release(s, p, () => p.reject(e)));
  }

  private release(s: Slot, p: Pending, settle: () => void): void {
    const i = s.inflight.indexOf(p);
    if (i >= 0) s.inflight.splice(i, 1);
    if (s.inflight.length === 0) s.worker.unref();
    settle();
    this.pump();
  }

  /** Runs one task on the next free worker. */
  run<R>(task: Task): Promise<R> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.closed) return Promise.reject(new Error('trial pool: closed'));
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ what: `running ${describe(task)}`, task, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  /** Runs tasks in parallel; results in task order. */
  map<R>(tasks: Task[]): Promise<R[]> {
    return Promise.all(tasks.map((t) => this.run<R>(t)));
  }

  private pump(): void {
    // Idle workers first, then a second task behind each running one.
    for (let depth = 1; depth <= DEPTH; depth++) {
      for (const s of this.slots) {
        if (this.broken || this.closed || this.queue.length === 0) return;
        if (s.inflight.length >= depth) continue;
        const p = this.queue.shift()!;
        this.send(s, p, () => s.api.run(p.task!));
      }
    }
  }

  private break(e: Error): void {
    if (this.broken) return;
    this.broken = e;
    for (const s of this.slots) for (const p of s.inflight) p.reject(e);
    for (const p of this.queue.splice(0)) p.reject(e);
    void this.close();
  }

  /** Terminates every worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of STOP_SIGNALS) process.removeListener(s, this.onSignal);
    const e = this.broken ?? new Error('trial pool: closed');
    for (const s of this.slots) for (const p of s.inflight) p.reject(e);
    for (const p of this.queue.splice(0)) p.reject(e);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

function describe(t: Task): string {
  return `${t.kind} trials ${t.from}..${t.from + t.count - 1} of seed ${t.seed}`;
}

/** Cuts trials [0, trials) into contiguous tasks, a few per worker so that they balance. */
export function chunks(trials: number, jobs: number, minChunk = 50): Array<{ from: number; count: number }> {
  const size = Math.max(minChunk, Math.ceil(trials / (jobs * 4)));
  const out: Array<{ from: number; count: number }> = [];
  for (let from = 0; from < trials; from += size) out.push({ from, count: Math.min(size, trials - from) });
  return out;
}
