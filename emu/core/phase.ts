// The executor's vocabulary: the phase it runs an instruction in, and how a step ends.

/**
 *   RUN       an epoch's run phase: stops (without executing) at store-exclusives, atomics,
 *             system calls, and at any read whose pre-view reaches past the frozen log, since
 *             other cores' writes of this epoch would be timestamped below it.
 *   BOUNDARY  one such stopped instruction, executed by the coordinator against the full log.
 *   SOLO      a promise lookahead: the core runs alone, nothing stops it but system calls.
 */
export enum Mode {
  RUN = 0,
  BOUNDARY = 1,
  SOLO = 2,
}

export enum Step {
  OK = 0,
  /** Not executed: the instruction must wait for the coordinator (boundary op). */
  STOP = 1,
  /** The core halted, exited or blocked. */
  DONE = 2,
  /** The trial cannot complete (unfulfillable promise): restart it. */
  ABORT = 3,
  /** The program did something undefined: `error` verdict, see Executor.error. */
  ERROR = 4,
}
