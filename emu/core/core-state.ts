// The state of one emulated core, as flat Int32Array regions over one buffer (which may be a
// SharedArrayBuffer). Views are timestamps into the message log (Promising-ARM, PLDI 2019;
// see emu/README.md for the meaning of each view).
import { NUM_REGS } from '../../isa/instructions.ts';

/** Scalar slots. */
export enum S {
  PC = 0,
  STATUS,
  /** TPIDR_EL0, the EL0 thread pointer (MRS/MSR; the runtime keeps its thread pointer and
   * errno there): value halves and the dependency and pick views of the value (MSR keeps the
   * views of the register it copies, MRS hands them on). The one place this register lives. */
  TPIDR_LO,
  TPIDR_HI,
  TPIDR_V,
  TPIDR_P,
  NZCV,
  FLAGS_V,
  FLAGS_P,
  V_RO,
  V_RO_LD,
  V_WO,
  V_RN,
  V_WN,
  V_CAP,
  V_REL,
  /** Exclusive monitor: location (-1 = none), byte address, timestamp read, post view. */
  XCL_LOC,
  XCL_ADDR,
  XCL_TS,
  XCL_V,
  /** Consecutive spurious store-exclusive failures. */
  SPURIOUS,
  /** Outstanding promises: count, then MAX_PROMISES timestamps. */
  N_PROM,
  PROM0,
  PLAN_LEN = PROM0 + 8,
  PLAN_POS,
  /** Instructions executed (wraps at 2^31; the machine keeps the exact total). */
  STEPS,
  /** Kernel wait: what the core is blocked on (see emu/machine/kernel.ts). */
  WAIT_KIND,
  WAIT_ARG,
  EXIT_CODE,
  /** Count of operations that may change state beyond the core's registers (store-exclusives,
   * atomics, effectful system calls): a spinning core performs none (emu/machine/hang-detector.ts). */
  EFFECTS,
  COUNT,
}

/**
 * The scalar slots that hold timestamps (views, the flags' views, the exclusive monitor's
 * message and view). Every renumbering of the log maps exactly these: the end-of-epoch remap of
 * provisional timestamps (emu/machine/machine.ts) and pruning (emu/machine/pruning.ts), along
 * with the per-register and per-location views. The promise slots are not among them: promises
 * are appended with final timestamps, and pruning waits until no promise is outstanding.
 */
export const TIMESTAMP_SLOTS: readonly S[] = [
  S.TPIDR_V, S.TPIDR_P,
  S.FLAGS_V, S.FLAGS_P, S.V_RO, S.V_RO_LD, S.V_WO, S.V_RN, S.V_WN, S.V_CAP, S.V_REL, S.XCL_TS, S.XCL_V,
];

/** Orders everything after it behind view v: raises the core's read and write floors (vRn,
 * vWn). An acquire, a wake-up that hands a waker's views over, a locked RMW. */
export function raiseFloors(st: Int32Array, v: number): void {
  if (st[S.V_RN] < v) st[S.V_RN] = v;
  if (st[S.V_WN] < v) st[S.V_WN] = v;
}

/** A full barrier (DMB ISH; the kernel's futex and eventfd barriers): everything the core read
 * or wrote before it orders everything after it. */
export function fullBarrier(st: Int32Array): void {
  raiseFloors(st, st[S.V_RO] > st[S.V_WO] ? st[S.V_RO] : st[S.V_WO]);
}

export const MAX_PROMISES = 8;
export const MAX_PLAN = 512;

export enum Status {
  RUNNING = 0,
  /** Ran off its code / HLT. */
  HALTED = 1,
  /** exit(2). */
  EXITED = 2,
  /** Blocked in the kernel (futex wait, eventfd read, ppoll). */
  BLOCKED = 3,
}

export class CoreState {
  id: number;
  readonly locations: number;
  readonly buffer: Int32Array;
  readonly s: Int32Array;
  readonly regLo: Int32Array;
  readonly regHi: Int32Array;
  readonly regV: Int32Array;
  readonly regP: Int32Array;
  readonly coh: Int32Array;
  readonly fwdTs: Int32Array;
  readonly fwdV: Int32Array;
  readonly fwdP: Int32Array;
  /** The forwarded write came from an exclusive or atomic (bit 0). */
  readonly fwdEx: Int32Array;
  /** Post view of the read of that RMW. */
  readonly fwdX: Int32Array;
  /** Promise-guided execution: the recorded choices (see emu/core/promises.ts). */
  readonly plan: Int32Array;

  static words(locations: number): number {
    return S.COUNT + 4 * NUM_REGS + 6 * locations + MAX_PLAN;
  }

  constructor(id: number, locations: number, buffer?: Int32Array) {
    this.id = id;
    this.locations = locations;
    const n = CoreState.words(locations);
    this.buffer = buffer ?? new Int32Array(n);
    if (this.buffer.length < n) throw new Error('core state buffer too small');
    let o = 0;
    const take = (k: number): Int32Array => {
      const a = this.buffer.subarray(o, o + k);
      o += k;
      return a;
    };
    this.s = take(S.COUNT);
    this.regLo = take(NUM_REGS);
    this.regHi = take(NUM_REGS);
    this.regV = take(NUM_REGS);
    this.regP = take(NUM_REGS);
    this.coh = take(locations);
    this.fwdTs = take(locations);
    this.fwdV = take(locations);
    this.fwdP = take(locations);
    this.fwdEx = take(locations);
    this.fwdX = take(locations);
    this.plan = take(MAX_PLAN);
  }

  reset(entry: number, initRegs: ReadonlyArray<readonly [number, number, number]>): void {
    this.buffer.fill(0);
    this.s[S.PC] = entry;
    this.s[S.XCL_LOC] = -1;
    for (const [r, lo, hi] of initRegs) {
      this.regLo[r] = lo;
      this.regHi[r] = hi;
    }
  }

  copyFrom(o: CoreState): void {
    this.buffer.set(o.buffer.subarray(0, this.buffer.length));
  }

  get pc(): number {
    return this.s[S.PC];
  }

  get status(): Status {
    return this.s[S.STATUS] as Status;
  }

  /** Value of register r as a signed 64-bit BigInt (for reports, not the hot path). */
  reg(r: number): bigint {
    return (BigInt(this.regHi[r]) << 32n) | BigInt(this.regLo[r] >>> 0);
  }
}
