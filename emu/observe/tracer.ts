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
  /** Granule, byte offset in it and size read, the value (the bytes read, unsigned), and the
   * message's timestamp (0 = initial value): the newest of the messages its bytes came from. */
  loc: number;
  off: number;
  size: number;
  value: bigint;
  ts: number;
  /** Per byte of the access (byte `off` first): the message it was read from. */
  lanes: number[];
  /** The newest message to those bytes the core could have known of at that moment, and the
   * value the access would have read from the newest byte of each lane. */
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

  read(ex: Execution, c: CoreState, loc: number, off: number, size: number, m: number): void {
    const lanes: number[] = [], newest: number[] = [];
    let newestTs = 0;
    for (let k = 0; k < 8; k++) {
      const inside = k >= off && k < off + size;
      lanes.push(inside ? ex.rLanes[k] : 0);
      const nk = inside ? ex.newestAt(c, loc, k) : 0;
      newest.push(nk);
      if (nk > newestTs) newestTs = nk;
    }
    this.events.push({
      kind: 'read',
      epoch: ex.epoch,
      core: c.id,
      pc: c.s[S.PC],
      loc,
      off,
      size,
      value: ex.valueAt(loc, off, size, lanes),
      ts: m,
      lanes: lanes.slice(off, off + size),
      newestTs,
      newestValue: ex.valueAt(loc, off, size, newest),
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
