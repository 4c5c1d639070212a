// Hang detection (emu/README.md §Hangs). A hang is declared only when it is provable from the
// machine state at an epoch boundary that no further step can end it:
//   every core that has not finished is blocked in the kernel (futex wait, eventfd read,
//   ppoll), since only a running core can wake a blocked one, and no core holds an
//   outstanding promise (system calls require none).
// Spinning cores are never called hung here: a program whose cores spin forever ends with the
// `budget` verdict, which makes no claim.
import * as cs from './core-state.ts';
import type { Machine } from './machine.ts';

const { S, Status } = cs; // local aliases: see executor.ts

export class HangDetector {
  private readonly m: Machine;

  constructor(m: Machine) {
    this.m = m;
  }

  reset(): void {}

  /** A message was appended (hook for value-change tracking). */
  wrote(_loc: number, _t: number): void {}

  endEpoch(): void {}

  isHung(): boolean {
    let blocked = 0;
    for (const c of this.m.cores) {
      const s = c.s[S.STATUS];
      if (s === Status.RUNNING) return false;
      if (s === Status.BLOCKED) blocked++;
      if (c.s[S.N_PROM] !== 0) return false;
    }
    return blocked > 0;
  }
}
