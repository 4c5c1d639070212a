// Recording what a trial did, for `hangar replay`: every read (with what was newest at that
// moment), every system call. Writes are read back from the message log afterwards (it keeps
// the storing core, instruction and epoch of each message), so the log is kept whole (no
// pruning) while a tracer observes. Tracing is off in campaigns: the executor checks one null
// field per read.
import type { CoreState } from '../core/core-state.ts';
import { S } from '../core/core-state.ts';
import type { Execution, Observer } from '../core/observer.ts';

export interface ReadEvent {
  kind: 'read';
  epoch: number;
  core: number;
  pc: number;
  /** Location and half read, the value, and the message's timestamp (0 = initial value). */
  loc: number;
  half: number;
  wide: boolean;
  value: bigint;
  ts: number;
  /** The newest message to the location the core could have known of at that moment. */
  newestTs: number;
  newestValue: bigint;
  /** The core's newest own write at that moment (its vWo), for reordering against it. */
  ownWriteTs: number;
}

export interface SyscallEvent {
  kind: 'syscall';
  epoch: number;
  core: number;
  pc: number;
  nr: number;
  args: number[];
  result: string;
}

export type TraceEvent = ReadEvent | SyscallEvent;

export class Tracer implements Observer {
  readonly events: TraceEvent[] = [];
  readonly keepsLog = true;

  read(ex: Execution, c: CoreState, loc: number, half: number, wide: boolean, m: number, newest: number): void {
    this.events.push({
      kind: 'read',
      epoch: ex.epoch,
      core: c.id,
      pc: c.s[S.PC],
      loc,
      half,
      wide,
      value: ex.valueAt(loc, m, half, wide),
      ts: m,
      newestTs: newest,
      newestValue: ex.valueAt(loc, newest, half, wide),
      ownWriteTs: c.s[S.V_WO],
    });
  }

  syscall(epoch: number, c: CoreState, pc: number, nr: number, args: readonly number[], result: string): void {
    this.events.push({ kind: 'syscall', epoch, core: c.id, pc, nr, args: [...args], result });
  }

  // Writes are read back from the log; executed instructions need no record.
  write(): void {}
  step(): void {}
  // The log is never renumbered while a tracer observes (keepsLog).
  renumbered(): void {}
}
