// What travels between the trial pool (trial-pool.ts) and its workers (trial-worker.ts): a
// task, the handler that runs one kind of task, and the worker's API.

export interface Task {
  /** Names the handler (handler modules export `taskHandlers: Record<kind, TaskHandler>`). */
  kind: string;
  /** The run's seed: trial i of the run uses trialSeed(seed, i). */
  seed: number;
  /** First trial index and number of trials of this task. */
  from: number;
  count: number;
  [arg: string]: unknown;
}

export type TaskHandler = (task: Task) => unknown;

/** A pool worker, as the pool calls it (over comlink). */
export interface TrialWorkerApi {
  /** Loads handler modules (URLs); returns the task kinds it now handles. */
  load(modules: string[]): Promise<string[]>;
  /** Runs one task with the handler of its kind. */
  run(task: Task): Promise<unknown>;
}
