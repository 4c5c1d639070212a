// The one way to watch the executor: an Observer sees every executed read, write, instruction
// and system call. The replay tracer (emu/observe/tracer.ts) and the timing model
// (bench/timing/timer.ts) implement it; the executor knows nothing else about them. An observer
// never draws randomness and never writes machine state, so a trial takes the same execution,
// with the same traceHash, with or without one. Promise lookaheads are not observed (they are
// hypothetical: emu/core/promises.ts detaches the observer for them).
import type { MessageLog } from '../memory/message-log.ts';
import type { TrialParams } from '../model/params.ts';
import type { CoreState } from './core-state.ts';
import type { Mode } from './phase.ts';

/** What an observer may look at in the executor (read only). */
export interface Execution {
  readonly mode: Mode;
  /** Log length frozen for this phase: timestamps above it are the core's provisional writes. */
  readonly n: number;
  readonly epoch: number;
  readonly log: MessageLog;
  readonly code: Int32Array;
  readonly params: TrialParams;
  /** Per lane of the last read's granule, the message that lane was read from (lanes of its
   * footprint; valid inside Observer.read). */
  readonly rLanes: Int32Array;
  /** The unsigned value of `size` bytes at byte `off` of loc, lane k taken from message
   * lanes[k] (for reports, not the hot path). */
  valueAt(loc: number, off: number, size: number, lanes: ArrayLike<number>): bigint;
  /** The newest message covering lane k of loc that core c could know of now: its own
   * buffered write, else the log's newest (for reports, not the hot path). */
  newestAt(c: CoreState, loc: number, k: number): number;
}

export interface Observer {
  /** It reads the message log after the trial (replay explanations): the machine must not prune it. */
  readonly keepsLog: boolean;
  /** A read (plain, exclusive or atomic) of `size` bytes at byte `off` of granule loc, after
   * it took effect: ex.rLanes says which message each byte came from, `m` is the newest of
   * them. */
  read(ex: Execution, c: CoreState, loc: number, off: number, size: number, m: number): void;
  /** A write to loc that gets timestamp t (called before the core's views move). */
  write(ex: Execution, c: CoreState, loc: number, t: number): void;
  /** The instruction at pc was executed by core c (system calls are reported by syscall). */
  step(ex: Execution, c: CoreState, pc: number): void;
  /** Core c made system call nr at pc with these arguments; `result` says what it returned or why it blocked. */
  syscall(epoch: number, c: CoreState, pc: number, nr: number, args: readonly number[], result: string): void;
  /** Pruning renumbered the log's timestamps: any timestamp held from before means nothing now. */
  renumbered(): void;
}
