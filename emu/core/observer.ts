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
  /** The value a read of (loc, half, width) gets from message m (for reports, not the hot path). */
  valueAt(loc: number, m: number, half: number, wide: boolean): bigint;
}

export interface Observer {
  /** It reads the message log after the trial (replay explanations): the machine must not prune it. */
  readonly keepsLog: boolean;
  /** A read of message m of loc (a plain, exclusive or atomic read) of the given half and width;
   * `newest`: the newest message of loc the core could have known of at that moment. */
  read(ex: Execution, c: CoreState, loc: number, half: number, wide: boolean, m: number, newest: number): void;
  /** A write to loc that gets timestamp t (called before the core's views move). */
  write(ex: Execution, c: CoreState, loc: number, t: number): void;
  /** The instruction at pc was executed by core c (system calls are reported by syscall). */
  step(ex: Execution, c: CoreState, pc: number): void;
  /** Core c made system call nr at pc with these arguments; `result` says what it returned or why it blocked. */
  syscall(epoch: number, c: CoreState, pc: number, nr: number, args: readonly number[], result: string): void;
  /** Pruning renumbered the log's timestamps: any timestamp held from before means nothing now. */
  renumbered(): void;
}
