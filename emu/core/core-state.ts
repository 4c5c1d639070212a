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
  /** Exclusive monitor: granule (-1 = none), byte address, access size, post view, and the
   * timestamp each lane of the granule was read from (XCL_TS + lane, lanes of the footprint). */
  XCL_LOC,
  XCL_ADDR,
  XCL_SIZE,
  XCL_V,
  /** 0: every lane was read from the one message XCL_TS; 1: per lane, XCL_TS + lane. */
  XCL_LANES,
  XCL_TS,
  XCL_TS_END = XCL_TS + 8,
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
  /** Lane-table slots in use (see CoreState: per-granule state split into lanes). */
  N_SPLIT,
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
  S.FLAGS_V, S.FLAGS_P, S.V_RO, S.V_RO_LD, S.V_WO, S.V_RN, S.V_WN, S.V_CAP, S.V_REL, S.XCL_V, S.XCL_TS,
];

/** The monitor's other lane timestamps: timestamps too, but meaningful (and renumbered) only
 * while S.XCL_LANES is 1 (a mixed-size load-exclusive). */
export const XCL_LANE_SLOTS: readonly S[] = [S.XCL_TS + 1, S.XCL_TS + 2, S.XCL_TS + 3, S.XCL_TS + 4, S.XCL_TS + 5, S.XCL_TS + 6, S.XCL_TS + 7];

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

/** Words per lane of a split granule: coh, fwdTs, fwdV, fwdP, fwdEx, fwdX (the per-granule
 * columns of CoreState, for one byte lane). */
export const LANE_WORDS = 6;
export const L_COH = 0, L_FWD_TS = 1, L_FWD_V = 2, L_FWD_P = 3, L_FWD_EX = 4, L_FWD_X = 5;
/** Words of one lane-table slot: the granule it belongs to, then 8 lanes. */
export const SLOT_WORDS = 1 + 8 * LANE_WORDS;
/** Lane-table slots per core: granules one core may access with more than one footprint. */
export const MAX_SPLIT = 4096;
/** cmask of a split granule: equal to no footprint, so one compare sends an access to the
 * lane table (and the uniform paths test cmask alone). */
export const CMASK_SPLIT = 0x100;

/**
 * The state of one core. Per 8-byte granule g (the log's location), the compact columns coh,
 * fwdTs, fwdV, fwdP, fwdEx, fwdX hold the coherence point and forward bank of the lanes of
 * cmask[g], the one lane mask every access of this core to g had so far (0: none; other lanes
 * are untouched: coherence 0, nothing forwarded). An access with another footprint splits g:
 * split[g] = 1 + the slot of g's lane table (SLOT_WORDS words in `lanes`: the six values per
 * byte lane), initialised from the compact values; from then on the lane table is g's state.
 * Splitting depends on the core's own accesses only, so it is deterministic and happens in
 * whatever phase the access runs. The lane tables are not cleared by reset (split[] is) and
 * only the slots in use (S.N_SPLIT) are copied.
 */
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
  /** The lane mask of every access to the granule so far (0 = never accessed; CMASK_SPLIT once split). */
  readonly cmask: Int32Array;
  /** 1 + lane-table slot of a split granule, 0 while compact. */
  readonly split: Int32Array;
  /** Promise-guided execution: the recorded choices (see emu/core/promises.ts). */
  readonly plan: Int32Array;
  /** Lane tables of split granules, slot after slot (not cleared by reset). */
  readonly lanes: Int32Array;
  private readonly fixedWords: number;

  static slots(locations: number): number {
    return Math.min(locations, MAX_SPLIT);
  }

  static words(locations: number): number {
    return CoreState.fixed(locations) + CoreState.slots(locations) * SLOT_WORDS;
  }

  private static fixed(locations: number): number {
    return S.COUNT + 4 * NUM_REGS + 8 * locations + MAX_PLAN;
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
    this.cmask = take(locations);
    this.split = take(locations);
    this.plan = take(MAX_PLAN);
    this.fixedWords = o;
    this.lanes = take(CoreState.slots(locations) * SLOT_WORDS);
  }

  reset(entry: number, initRegs: ReadonlyArray<readonly [number, number, number]>): void {
    this.buffer.fill(0, 0, this.fixedWords);
    this.s[S.PC] = entry;
    this.s[S.XCL_LOC] = -1;
    for (const [r, lo, hi] of initRegs) {
      this.regLo[r] = lo;
      this.regHi[r] = hi;
    }
  }

  copyFrom(o: CoreState): void {
    this.buffer.set(o.buffer.subarray(0, this.fixedWords));
    const used = o.s[S.N_SPLIT] * SLOT_WORDS;
    if (used !== 0) this.lanes.set(o.lanes.subarray(0, used));
  }

  /** Base of granule g's lane table in `lanes`, splitting g first if it is compact; -1 when
   * every slot is in use. */
  splitGranule(g: number): number {
    const sp = this.split[g];
    if (sp !== 0) return (sp - 1) * SLOT_WORDS;
    const st = this.s;
    const slot = st[S.N_SPLIT];
    if (slot * SLOT_WORDS >= this.lanes.length) return -1;
    st[S.N_SPLIT] = slot + 1;
    this.split[g] = slot + 1;
    const base = slot * SLOT_WORDS;
    const L = this.lanes;
    L[base] = g;
    const m = this.cmask[g];
    for (let k = 0; k < 8; k++) {
      const b = base + 1 + k * LANE_WORDS;
      const on = (m >> k) & 1;
      L[b + L_COH] = on ? this.coh[g] : 0;
      L[b + L_FWD_TS] = on ? this.fwdTs[g] : 0;
      L[b + L_FWD_V] = on ? this.fwdV[g] : 0;
      L[b + L_FWD_P] = on ? this.fwdP[g] : 0;
      L[b + L_FWD_EX] = on ? this.fwdEx[g] : 0;
      L[b + L_FWD_X] = on ? this.fwdX[g] : 0;
    }
    this.cmask[g] = CMASK_SPLIT;
    return base;
  }

  /** Value `w` (L_COH, L_FWD_TS, ...) of lane k of granule g. */
  lane(g: number, k: number, w: number): number {
    const sp = this.split[g];
    if (sp !== 0) return this.lanes[(sp - 1) * SLOT_WORDS + 1 + k * LANE_WORDS + w];
    if (((this.cmask[g] >> k) & 1) === 0) return 0;
    switch (w) {
      case L_COH: return this.coh[g];
      case L_FWD_TS: return this.fwdTs[g];
      case L_FWD_V: return this.fwdV[g];
      case L_FWD_P: return this.fwdP[g];
      case L_FWD_EX: return this.fwdEx[g];
      default: return this.fwdX[g];
    }
  }

  /** The newest coherence point over the lanes of mask R of g. */
  cohOf(g: number, R: number): number {
    const sp = this.split[g];
    if (sp === 0) return (this.cmask[g] & R) !== 0 ? this.coh[g] : 0;
    let c = 0;
    const b = (sp - 1) * SLOT_WORDS + 1;
    for (let k = 0; k < 8; k++) if (((R >> k) & 1) !== 0 && this.lanes[b + k * LANE_WORDS] > c) c = this.lanes[b + k * LANE_WORDS];
    return c;
  }

  /**
   * Records a write of timestamp t to the lanes R of g and its forward bank (v, p, ex, x).
   * Returns false when g had to be split and no lane-table slot was left.
   */
  wrote(g: number, R: number, t: number, v: number, p: number, ex: number, x: number): boolean {
    const m = this.cmask[g];
    if (m === 0 || m === R) {
      this.cmask[g] = R;
      this.coh[g] = t;
      this.fwdTs[g] = t;
      this.fwdV[g] = v;
      this.fwdP[g] = p;
      this.fwdEx[g] = ex;
      this.fwdX[g] = x;
      return true;
    }
    const base = this.splitGranule(g);
    if (base < 0) return false;
    const L = this.lanes;
    for (let k = 0; k < 8; k++) {
      if (((R >> k) & 1) === 0) continue;
      const b = base + 1 + k * LANE_WORDS;
      L[b + L_COH] = t;
      L[b + L_FWD_TS] = t;
      L[b + L_FWD_V] = v;
      L[b + L_FWD_P] = p;
      L[b + L_FWD_EX] = ex;
      L[b + L_FWD_X] = x;
    }
    return true;
  }

  /**
   * Sets the coherence point of lanes R of g to ts[k] (a read's per-lane messages). Returns
   * false when g had to be split and no slot was left.
   */
  readLanes(g: number, R: number, ts: Int32Array): boolean {
    const m = this.cmask[g];
    if (m === 0 || m === R) {
      let t = -1, uniform = true;
      for (let k = 0; k < 8; k++) {
        if (((R >> k) & 1) === 0) continue;
        if (t < 0) t = ts[k];
        else if (ts[k] !== t) uniform = false;
      }
      if (uniform) {
        this.cmask[g] = R;
        this.coh[g] = t;
        return true;
      }
    }
    const base = this.splitGranule(g);
    if (base < 0) return false;
    for (let k = 0; k < 8; k++) if (((R >> k) & 1) !== 0) this.lanes[base + 1 + k * LANE_WORDS + L_COH] = ts[k];
    return true;
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
