// Hang detection (emu/README.md §Hangs). `hang` is declared only when it is provable from the
// machine state at an epoch boundary that no further step can end it. Each unfinished core
// must be either
//   blocked in the kernel (futex wait, eventfd read, ppoll): only a running core can wake it;
// or spinning:
//   (1) no value-changing event for more than K epochs (K = the fairness horizon): no write
//       changed a location's newest value, no kernel state changed (wake, exit, eventfd
//       count). Then every message a read may still take has its location's newest value
//       (older values were overwritten more than K epochs ago, beyond the horizon), so every
//       read is determined by the core's registers;
//   (2) its architectural state (pc, register values, flags, exclusive monitor, TPIDR_EL0) at this epoch
//       boundary equals its state at an earlier boundary of the same quiet period, after it
//       executed at least one instruction, with no
//       store-exclusive, atomic or effectful system call in between (those may write or
//       choose). Its execution is then a deterministic function of that state: it repeats
//       the same cycle forever, and the cycle changes nothing.
// No core may hold a promise. Anything else (e.g. spinning while others still write) is not a
// hang; a trial that never becomes provably stuck ends with `budget`.
//
// Litmus trials keep every message readable (their horizon is effectively infinite, so that
// a read may take any value the model allows), so (1) never holds there and a test with an
// infinite loop used to run out its whole step budget in every trial. For them (`readable`)
// (1) may instead hold per core: (1') every message the core may still read (each location's
// messages from the core's coherence point on: a read never takes an older one) has its
// location's newest value, and no value-changing event happened since the earlier state was
// seen. Then, as with (1), every read of that core is determined by its registers; (1') is
// checked again when the state repeats, so a message appended since (a promise) that the core
// could read makes it not spinning. Why not herd7's loop bound (`-unroll`): it discards the
// executions that loop longer, silently (an incomplete exploration); a proof of a spin gives
// the same answer as an unbounded run, and a trial that cannot be proven stuck still ends
// with `budget` (README, "Reliability").
import * as cs from '../core/core-state.ts';
import type { CoreState } from '../core/core-state.ts';
import type { MessageLog } from '../memory/message-log.ts';
import { StateSet } from './state-set.ts';

const { L_COH, S, Status } = cs; // local aliases: see emu/core/access.ts

/** States remembered per core in one quiet period. */
const MAX_STATES = 4096;

/** Byte k of granule loc in message m (0: the initial value). */
function laneByte(log: MessageLog, loc: number, m: number, k: number): number {
  const w = k < 4 ? log.valueLo(loc, m) : log.valueHi(loc, m);
  return (w >>> (8 * (k & 3))) & 0xff;
}

export class HangDetector {
  private readonly cores: readonly CoreState[];
  private readonly log: MessageLog;
  /** Epoch of the last value-changing event. */
  private lastChange = 0;
  private kernelChanges = 0;
  /** Per core: architectural states seen at epoch boundaries of the current quiet period
   * (at most MAX_STATES: a new state beyond them starts the set over). */
  private readonly seen: StateSet[];
  private readonly spinning: boolean[];

  /** It watches these cores and this log (the machine's). */
  constructor(cores: readonly CoreState[], log: MessageLog) {
    this.cores = cores;
    this.log = log;
    this.seen = cores.map((c) => new StateSet(c.regLo.length, MAX_STATES));
    this.spinning = cores.map(() => false);
  }

  reset(): void {
    this.lastChange = 0;
    this.kernelChanges = 0;
    for (let c = 0; c < this.cores.length; c++) this.forget(c);
  }

  /** Message t was appended to loc in epoch e: a value change if a byte it writes differs
   * from the newest byte of that lane before it. */
  wrote(_loc: number, t: number, e: number): void {
    if (this.log.changesValue(t)) this.lastChange = e;
  }

  /** End of epoch e: `kernelChanges` counts the kernel's state changes so far (Kernel.changes),
   * `horizon` is the fairness horizon K; `readable`: prove spins from what each core can still
   * read, too (1'). */
  endEpoch(e: number, kernelChanges: number, horizon: number, readable = false): void {
    if (kernelChanges !== this.kernelChanges) {
      this.kernelChanges = kernelChanges;
      this.lastChange = e;
    }
    const quiet = e - this.lastChange > horizon;
    if (!quiet && (!readable || this.lastChange === e)) {
      // Not quiet (yet), or a value changed: forget earlier states.
      for (let c = 0; c < this.seen.length; c++) this.forget(c);
      return;
    }
    for (let c = 0; c < this.cores.length; c++) {
      const core = this.cores[c];
      if (core.s[S.STATUS] !== Status.RUNNING) continue;
      if (!quiet && !this.settled(core)) {
        this.forget(c);
        continue;
      }
      // A spinning core stays spinning until it is forgotten (above, or when the period ends,
      // which forgets every state), so its later states need not be looked up or recorded.
      if (this.spinning[c]) continue;
      // The same state after at least one more instruction: a cycle (an idle epoch proves
      // nothing, the core simply did not run). State: pc, flags, exclusive monitor's address,
      // effects count, TPIDR, registers (StateSet). A long quiet period of a core that never
      // repeats starts the set over at MAX_STATES states (a shorter cycle is still found;
      // memory stays bounded).
      const seen = this.seen[c];
      if (seen.seen(core) && seen.firstSteps < core.s[S.STEPS]) this.spinning[c] = true;
    }
  }

  private forget(c: number): void {
    if (this.seen[c].size) this.seen[c].clear();
    this.spinning[c] = false;
  }

  /** (1'): every message core c may still read has its location's newest value, per byte:
   * for each byte lane ever written, every message covering it at or above the core's
   * coherence point of that byte holds the newest value of the byte. */
  private settled(core: CoreState): boolean {
    const log = this.log;
    for (let loc = 0; loc < log.locations; loc++) {
      const written = log.shape[loc] & 0xff;
      if (written === 0) continue; // only the initial value is readable
      for (let k = 0; k < 8; k++) {
        if (((written >> k) & 1) === 0) continue;
        let newest = log.latest[loc];
        while (newest !== 0 && ((log.mask[newest] >> k) & 1) === 0) newest = log.prev[newest];
        const v = laneByte(log, loc, newest, k);
        const floor = core.lane(loc, k, L_COH);
        for (let m = newest; m > floor && m !== 0; ) {
          m = log.prev[m];
          while (m !== 0 && ((log.mask[m] >> k) & 1) === 0) m = log.prev[m];
          if (m < floor) break;
          if (m === 0 && ((log.initGone[loc] >> k) & 1) !== 0) break; // pruned: unreadable
          if (laneByte(log, loc, m, k) !== v) return false;
        }
      }
    }
    return true;
  }

  isHung(): boolean {
    let stuck = 0;
    for (let c = 0; c < this.cores.length; c++) {
      const core = this.cores[c];
      const s = core.s[S.STATUS];
      if (core.s[S.N_PROM] !== 0) return false;
      if (s === Status.BLOCKED) stuck++;
      else if (s === Status.RUNNING) {
        if (!this.spinning[c]) return false;
        stuck++;
      }
    }
    return stuck > 0;
  }

  /** Which cores are spinning (for reports). */
  isSpinning(core: number): boolean {
    return this.spinning[core] === true;
  }
}
