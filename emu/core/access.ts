// Memory accesses of the core step under the Promising-ARM view rules (emu/README.md §Rules):
// effective addresses, plain and acquire reads (which messages a read may take, and what it
// does to the core's views), plain and release writes (into the core's write buffer, or
// fulfilling one of its promises). Store-exclusives and atomics build on these (rmw.ts); the
// instruction dispatch is executor.ts. Hot path: no allocation, results go through fields.
//
// MemoryAccess also holds what every part of the step shares: the phase the executor runs in
// (set by begin), the frozen log length, the streams, the observer, and the error of a failed
// step.
import * as isa from '../../isa/instructions.ts';
import * as opcodes from '../../isa/opcodes.ts';
import * as program from '../../isa/program.ts';
import * as msgLog from '../memory/message-log.ts';
import type { MessageLog } from '../memory/message-log.ts';
import type { WriteBuffer } from '../memory/write-buffer.ts';
import * as mm from '../model/memory-model.ts';
import type { TrialParams } from '../model/params.ts';
import * as prng from '../model/prng.ts';
import type { Rng } from '../model/prng.ts';
import * as arith from './arith.ts';
import * as cs from './core-state.ts';
import type { CoreState } from './core-state.ts';
import * as la from './lookahead.ts';
import type { Execution, Observer } from './observer.ts';
import * as phase from './phase.ts';

// Under vitest every use of an imported binding is a property read through a getter (a switch
// over `Op.X` cases evaluated ~50 of them per instruction); the step's modules read
// module-local aliases instead.
const { addrMode, AddrMode, F, FLAG_EXCL, FLAG_SIGNED, SHAMT_MASK, SHAMT_SHIFT, Shift, REG_ZR, Op } = isa;
const { accessBytes } = opcodes;
const DATA_BASE = program.DATA_BASE;
const MSG_PROMISE = msgLog.MSG_PROMISE;
const { ReadOrd, loadOrdering, storeReleases } = mm;
type ReadOrd = mm.ReadOrd;
const { below, chance, Stream } = prng;
const { addc, shift, max, R, LO, HI } = arith;
const { MAX_PLAN, S } = cs;
const { LookaheadWrites, OWN_LATEST } = la;
const { Mode, Step } = phase;
type Mode = phase.Mode;
type Step = phase.Step;

export abstract class MemoryAccess implements Execution {
  code: Int32Array;
  log: MessageLog;
  params: TrialParams;
  words: number;
  /** Log length frozen for this phase; buffered writes get timestamps above it. */
  n = 0;
  epoch = 0;
  mode: Mode = Mode.RUN;
  /** The stream that drives this phase's choices (set by begin). */
  rng!: Rng;
  /** The stream of a run phase: one per executor, re-keyed per core and epoch (runCorePhase). */
  readonly phaseStream = new Stream();
  buf!: WriteBuffer;
  /** After Step.ERROR: what went wrong, on which core, at which instruction. */
  error = '';
  errorCore = -1;
  errorPc = -1;
  /** Who watches the execution (`hangar replay`'s tracer, the benchmarks' timer); null in campaigns. */
  observer: Observer | null = null;
  /** Lookahead record (SOLO mode): the choices made, and the writes. */
  readonly rec = new Int32Array(MAX_PLAN);
  recLen = 0;
  readonly recWrites = new LookaheadWrites();
  /** Scratch for read candidates. */
  protected cand = new Int32Array(64);

  // Results of the last read (value, post view, pick view, timestamp).
  rLo = 0;
  rHi = 0;
  rPost = 0;
  rP = 0;
  rTs = 0;
  /** Timestamp of the last write. */
  wTs = 0;

  /** Per lane of the last read's granule: the message that lane was read from (lanes of
   * its footprint only; filled when an observer watches, and by every mixed-size read). */
  readonly rLanes = new Int32Array(8);
  /** Per lane: the timestamp an RMW's write must be atomic with (no other core's write to
   * the lane in between); set before write(..., atomic = true). */
  protected readonly atomLanes = new Int32Array(8);
  /** Per granule: the lanes the program may access (litmus variables), or null: all. */
  validLanes: Int32Array | null = null;

  // The last effective address: granule, byte offset in it, size, lane mask, byte address, views.
  protected aLoc = 0;
  protected aOff = 0;
  protected aSize = 0;
  protected aMask = 0;
  protected aAddr = 0;
  protected aV = 0;
  protected aP = 0;

  constructor(code: Int32Array, log: MessageLog, params: TrialParams) {
    this.code = code;
    this.log = log;
    this.params = params;
    this.words = log.locations;
  }

  /**
   * Starts a phase: the mode, the frozen log length n (writes are buffered in `buf` with
   * timestamps above it), the epoch and the stream that drives the phase's choices. The buffer
   * and the lookahead record start empty. Every caller (run phase, boundary op, promise
   * lookahead) goes through here.
   */
  begin(mode: Mode, n: number, epoch: number, buf: WriteBuffer, rng: Rng): void {
    this.mode = mode;
    this.n = n;
    this.epoch = epoch;
    this.buf = buf;
    buf.clear();
    this.rng = rng;
    this.recLen = 0;
    this.recWrites.length = 0;
  }

  fail(msg: string, c: CoreState): Step {
    this.error = msg;
    this.errorCore = c.id;
    this.errorPc = c.s[S.PC];
    return Step.ERROR;
  }

  protected setReg(c: CoreState, r: number, lo: number, hi: number, v: number, p: number): void {
    if (r === REG_ZR) return;
    c.regLo[r] = lo;
    c.regHi[r] = hi;
    c.regV[r] = v;
    c.regP[r] = p;
  }

  // ---------------------------------------------------------------- addressing

  /** Effective address of a memory op of `size` bytes into aLoc/aOff/aSize/aMask/aV/aP;
   * applies no writeback. */
  protected address(c: CoreState, b: number, flags: number, rn: number, size: number, extra: number): boolean {
    const code = this.code;
    const mode = addrMode(flags);
    let lo = c.regLo[rn], hi = c.regHi[rn];
    let v = c.regV[rn], p = c.regP[rn];
    if (mode === AddrMode.OFFSET || mode === AddrMode.PRE) {
      const imm = code[b + F.IMM_LO] + extra;
      addc(lo, hi, imm, imm >> 31, 0, true);
      lo = R[LO]; hi = R[HI];
    } else if (mode === AddrMode.POST) {
      if (extra !== 0) { addc(lo, hi, extra, 0, 0, true); lo = R[LO]; hi = R[HI]; }
    } else {
      const m = code[b + F.RM];
      let iLo = c.regLo[m], iHi = c.regHi[m];
      if (mode === AddrMode.SXTW) iHi = iLo >> 31;
      else if (mode === AddrMode.UXTW) iHi = 0;
      shift(iLo, iHi, Shift.LSL, (flags & SHAMT_MASK) >> SHAMT_SHIFT, true);
      addc(lo, hi, R[LO] + 0, R[HI], 0, true);
      addc(R[LO], R[HI], extra, 0, 0, true);
      lo = R[LO]; hi = R[HI];
      v = max(v, c.regV[m]);
      p = max(p, c.regP[m]);
    }
    const off = (lo >>> 0) - DATA_BASE;
    if (hi !== 0 || off < 0 || off >= this.words * 8) {
      this.fail(`access to 0x${hi !== 0 ? (hi >>> 0).toString(16) + (lo >>> 0).toString(16).padStart(8, '0') : (lo >>> 0).toString(16)}, outside emulated memory`, c);
      return false;
    }
    if ((off & (size - 1)) !== 0) {
      this.fail(`misaligned ${size}-byte access to 0x${(lo >>> 0).toString(16)} (hangar models aligned accesses only)`, c);
      return false;
    }
    this.aAddr = lo >>> 0;
    this.aLoc = off >>> 3;
    this.aOff = off & 7;
    this.aSize = size;
    this.aMask = size === 8 ? 0xff : ((1 << size) - 1) << (off & 7);
    const valid = this.validLanes;
    if (valid !== null && (valid[off >>> 3] & this.aMask) !== this.aMask) {
      this.fail(`${size}-byte access to 0x${(lo >>> 0).toString(16)} reaches past the variable there`, c);
      return false;
    }
    this.aV = v;
    this.aP = max(v, p);
    return true;
  }

  private writeback(c: CoreState, b: number, flags: number, rn: number): void {
    const mode = addrMode(flags);
    if (mode !== AddrMode.PRE && mode !== AddrMode.POST) return;
    const imm = this.code[b + F.IMM_LO];
    addc(c.regLo[rn], c.regHi[rn], imm, imm >> 31, 0, true);
    this.setReg(c, rn, R[LO], R[HI], c.regV[rn], c.regP[rn]);
  }

  /** LDR, STR, LDP, STP of every size (plain, acquire, release, load-exclusive). */
  protected loadStore(c: CoreState, b: number, op: number, flags: number, sf: boolean, rt: number, rn: number): Step {
    const size = accessBytes(flags);
    const model = this.params.model;
    const pair = op === Op.LDP || op === Op.STP;
    if (op === Op.LDR || op === Op.LDP) {
      const ord = loadOrdering(model, flags);
      const ex = (flags & FLAG_EXCL) !== 0;
      const signed = (flags & FLAG_SIGNED) !== 0;
      // Pairs: check both halves can run in this mode before changing any state.
      if (!this.address(c, b, flags, rn, size, 0)) return Step.ERROR;
      if (this.mode === Mode.RUN && this.readPre(c, ord) > this.n) return Step.STOP;
      let s = this.uniform(c) ? this.read(c, sf, signed, ord, ex, false) : this.readMixed(c, sf, signed, ord, ex, false);
      if (s !== Step.OK) return s;
      this.setReg(c, rt, this.rLo, this.rHi, this.rPost, this.rP);
      if (pair) {
        if (!this.address(c, b, flags, rn, size, size)) return Step.ERROR;
        s = this.uniform(c) ? this.read(c, sf, signed, ord, false, false) : this.readMixed(c, sf, signed, ord, false, false);
        if (s !== Step.OK) return s;
        this.setReg(c, this.code[b + F.RM], this.rLo, this.rHi, this.rPost, this.rP);
      }
      this.writeback(c, b, flags, rn);
      return Step.OK;
    }
    // STR / STP
    const rel = storeReleases(model, flags);
    if (!this.address(c, b, flags, rn, size, 0)) return Step.ERROR;
    const wide = size === 8;
    let s = this.write(c, this.aLoc, this.aMask, wide ? c.regLo[rt] : this.placeLo(c.regLo[rt], c.regHi[rt]), wide ? c.regHi[rt] : this.placeHi(c.regLo[rt], c.regHi[rt]), rel, false, 0,
      this.aV, this.aP, c.regV[rt], max(c.regV[rt], c.regP[rt]), false);
    if (s !== Step.OK) return s;
    if (pair) {
      const r2 = this.code[b + F.RM];
      if (!this.address(c, b, flags, rn, size, size)) return Step.ERROR;
      s = this.write(c, this.aLoc, this.aMask, this.placeLo(c.regLo[r2], c.regHi[r2]), this.placeHi(c.regLo[r2], c.regHi[r2]), rel, false, 0,
        this.aV, this.aP, c.regV[r2], max(c.regV[r2], c.regP[r2]), false);
      if (s !== Step.OK) return s;
    }
    this.writeback(c, b, flags, rn);
    return Step.OK;
  }

  // ---------------------------------------------------------------- values

  /** The low word of register value (lo, hi) truncated to the access size and placed at its
   * lanes of the granule (the last address). */
  protected placeLo(lo: number, hi: number): number {
    const off = this.aOff, size = this.aSize;
    if (size === 8) return lo;
    if (off >= 4) return 0;
    return size === 4 ? lo : (lo & ((1 << (8 * size)) - 1)) << (8 * off);
  }

  protected placeHi(lo: number, hi: number): number {
    const off = this.aOff, size = this.aSize;
    if (size === 8) return hi;
    if (off < 4) return 0;
    return size === 4 ? lo : (lo & ((1 << (8 * size)) - 1)) << (8 * (off - 4));
  }

  /** The read result rLo/rHi from the granule's lane-positioned bytes (lo, hi) of the last
   * address: the access's bytes, zero- or sign-extended to the register (64-bit if sf). */
  protected setResult(lo: number, hi: number, sf: boolean, signed: boolean): void {
    const off = this.aOff, size = this.aSize;
    if (size === 8) { this.rLo = lo; this.rHi = sf ? hi : 0; return; }
    const w = off < 4 ? lo : hi;
    let v: number;
    if (size === 4) v = w;
    else {
      const sh = 8 * (off & 3), bits = 8 * size;
      v = signed ? ((w >>> sh) << (32 - bits)) >> (32 - bits) : (w >>> sh) & ((1 << bits) - 1);
    }
    this.rLo = v;
    this.rHi = sf && signed ? v >> 31 : 0;
  }

  // ---------------------------------------------------------------- reads

  protected readPre(c: CoreState, ord: ReadOrd): number {
    const st = c.s;
    let pre = max(this.aV, st[S.V_RN]);
    if (ord === ReadOrd.A) pre = max(pre, st[S.V_REL]);
    return pre;
  }

  protected isOwnPromise(c: CoreState, m: number): boolean {
    if (m === 0 || (this.log.flags[m] & MSG_PROMISE) === 0 || this.log.tid[m] !== c.id) return false;
    const st = c.s;
    for (let i = 0; i < st[S.N_PROM]; i++) if (st[S.PROM0 + i] === m) return true;
    return false;
  }

  /** The oldest message a uniform read of loc with pre view `pre` may take: max(coherence
   * point, last(loc, pre)). last(loc, pre) <= pre, so when the coherence point is at or above
   * pre it is the bound without walking the list (the usual case of a plain read). */
  protected lowerBound(c: CoreState, loc: number, pre: number): number {
    const coh = c.coh[loc];
    const p = pre > this.n ? this.n : pre;
    return coh >= p ? coh : max(coh, this.log.lastAtOrBefore(loc, p));
  }

  /**
   * Collects the messages a read of `loc` may take into this.cand (newest first) and returns
   * their number. `lb` is the lower bound (coherence and pre view).
   */
  protected candidates(c: CoreState, loc: number, lb: number): number {
    const log = this.log;
    const horizon = this.params.fairnessEpochs;
    let k = 0;
    let m = log.latest[loc];
    let succ = 0; // the message after m in coherence order
    let newestSeen = false;
    for (;;) {
      if (m < lb) break;
      if (m === 0 && (log.initGone[loc] & this.aMask) !== 0) break; // pruned: the initial value is unreadable
      if (!this.isOwnPromise(c, m)) {
        // The newest eligible message always qualifies; older ones only within the horizon.
        // Ticks grow with timestamps, so once one is too old all older ones are too.
        if (newestSeen && this.epoch - log.tick[succ] >= horizon) break;
        if (k === this.cand.length) {
          const g = new Int32Array(k * 2);
          g.set(this.cand);
          this.cand = g;
        }
        this.cand[k++] = m;
        newestSeen = true;
      }
      if (m === 0) break;
      succ = m;
      m = log.prev[m];
    }
    return k;
  }

  /** Index in cand of the planned choice, or -1. */
  protected planned(c: CoreState, k: number, loc: number): number {
    const st = c.s;
    if (st[S.N_PROM] === 0 || st[S.PLAN_POS] >= st[S.PLAN_LEN]) return -1;
    let want = c.plan[st[S.PLAN_POS]++];
    // Litmus trials let a read ignore the plan now and then: otherwise a promising core would
    // only replay its lookahead and never read the values its promise let others write. Long
    // programs follow the plan, since one unfulfilled promise costs the whole trial.
    if (this.params.pIgnorePlan > 0 && chance(this.rng, this.params.pIgnorePlan)) return -1;
    if (want === OWN_LATEST) want = c.fwdTs[loc];
    for (let i = 0; i < k; i++) if (this.cand[i] === want) return i;
    return -1;
  }

  /** Takes the plan's next choice for a binary decision, or -1 if not guided. */
  protected plannedBit(c: CoreState): number {
    const st = c.s;
    if (st[S.N_PROM] === 0 || st[S.PLAN_POS] >= st[S.PLAN_LEN]) return -1;
    return c.plan[st[S.PLAN_POS]++];
  }

  /** Read policy: newest with probability pNewest, else uniform. */
  protected pick(k: number): number {
    if (k === 1 || chance(this.rng, this.params.pNewest)) return 0;
    return below(this.rng, k);
  }

  protected record(choice: number): void {
    if (this.recLen < MAX_PLAN) this.rec[this.recLen++] = choice;
  }

  newestAt(c: CoreState, loc: number, k: number): number {
    const own = c.lane(loc, k, cs.L_COH);
    if (own > this.n) return own;
    let m = this.log.latest[loc];
    while (m !== 0 && ((this.log.mask[m] >> k) & 1) === 0) m = this.log.prev[m];
    return m;
  }

  /** Value (lane-positioned) of message m of loc: own buffered writes have timestamps above n. */
  protected msgLo(loc: number, m: number): number {
    return m > this.n ? this.buf.lo[m - this.n - 1] : this.log.valueLo(loc, m);
  }

  protected msgHi(loc: number, m: number): number {
    return m > this.n ? this.buf.hi[m - this.n - 1] : this.log.valueHi(loc, m);
  }

  /** The unsigned value of `size` bytes at byte `off` of loc, each lane k taken from message
   * lanes[k] (for reports, not the hot path). */
  valueAt(loc: number, off: number, size: number, lanes: ArrayLike<number>): bigint {
    let v = 0n;
    for (let k = off + size - 1; k >= off; k--) {
      const m = lanes[k];
      const w = k < 4 ? this.msgLo(loc, m) : this.msgHi(loc, m);
      v = (v << 8n) | BigInt((w >>> (8 * (k & 3))) & 0xff);
    }
    return v;
  }

  /**
   * Is the last address's granule uniform for its footprint: every message to it and every
   * access of this core to it had this lane mask (or there were none)? Then a read takes the
   * uniform path: one message per read, the candidates and random draws of a single-size
   * memory; any other read is a mixed-size read (mixed.ts). (A split granule's cmask is
   * CMASK_SPLIT, which equals no footprint.)
   */
  protected uniform(c: CoreState): boolean {
    const loc = this.aLoc, R = this.aMask;
    const cm = c.cmask[loc], sh = this.log.shape[loc];
    return (cm === 0 || cm === R) && (sh === 0 || sh === R);
  }

  /**
   * READ(ord, ex, noret) of the last address (aLoc) on the uniform path, with address views
   * aV/aP. Results in rLo/rHi/rPost/rP/rTs; updates the core's views.
   */
  private read(c: CoreState, sf: boolean, signed: boolean, ord: ReadOrd, ex: boolean, noret: boolean): Step {
    const loc = this.aLoc;
    const st = c.s;
    const pre = this.readPre(c, ord);
    let m: number;
    if (c.coh[loc] > this.n) {
      // The core wrote loc in its buffer: only that write is coherence-readable.
      m = c.coh[loc];
      if (this.mode === Mode.SOLO) this.record(OWN_LATEST);
      else if (st[S.N_PROM] !== 0 && st[S.PLAN_POS] < st[S.PLAN_LEN]) st[S.PLAN_POS]++;
    } else {
      const lb = this.lowerBound(c, loc, pre);
      const k = this.candidates(c, loc, lb);
      if (k === 0) return Step.ABORT; // only an own promise is left to read
      let i = this.planned(c, k, loc);
      if (i < 0) i = this.pick(k);
      m = this.cand[i];
      if (this.mode === Mode.SOLO) this.record(m === c.fwdTs[loc] && m !== 0 ? OWN_LATEST : m);
    }
    this.readFrom(c, sf, signed, ord, ex, noret, pre, m);
    return Step.OK;
  }

  /** A read that is not uniform (mixed.ts): several messages may supply its bytes. */
  protected abstract readMixed(c: CoreState, sf: boolean, signed: boolean, ord: ReadOrd, ex: boolean, noret: boolean): Step;

  /** The effects of reading message m whole, on the uniform path (plain reads and atomics). */
  protected readFrom(c: CoreState, sf: boolean, signed: boolean, ord: ReadOrd, ex: boolean, noret: boolean, pre: number, m: number): void {
    const st = c.s;
    const loc = this.aLoc;
    let vmsg: number;
    let forwarded = false;
    if (m === c.fwdTs[loc] && m !== 0) {
      forwarded = true;
      vmsg = c.fwdV[loc];
      if (c.fwdEx[loc] !== 0 && ord !== ReadOrd.PLAIN) vmsg = max(vmsg, c.fwdX[loc]);
    } else {
      vmsg = m;
    }
    const post = max(pre, vmsg);
    let p = post;
    if (forwarded) {
      p = max(p, c.fwdP[loc]);
      if (c.fwdP[loc] > c.fwdV[loc]) st[S.V_CAP] = max(st[S.V_CAP], c.fwdP[loc]);
    }
    if (this.aSize === 8) {
      this.rLo = this.msgLo(loc, m);
      this.rHi = sf ? this.msgHi(loc, m) : 0;
    } else this.setResult(this.msgLo(loc, m), this.msgHi(loc, m), sf, signed);
    this.rPost = post;
    this.rP = p;
    this.rTs = m;
    c.coh[loc] = m;
    c.cmask[loc] = this.aMask;
    st[S.V_RO] = max(st[S.V_RO], post);
    if (!noret) st[S.V_RO_LD] = max(st[S.V_RO_LD], post);
    if (ord !== ReadOrd.PLAIN) {
      st[S.V_RN] = max(st[S.V_RN], post);
      st[S.V_WN] = max(st[S.V_WN], post);
    }
    st[S.V_CAP] = max(st[S.V_CAP], this.aP);
    if (ex) this.setMonitor(c, post, m, null);
    if (this.observer !== null) this.observeRead(c, m);
  }

  /** Reports a uniform read of message m to the observer (every byte from m). */
  private observeRead(c: CoreState, m: number): void {
    this.rLanes.fill(m);
    this.observer!.read(this, c, this.aLoc, this.aOff, this.aSize, m);
  }

  /** LDXR: the monitor holds the address, size, post view and per-lane timestamps read (m, or
   * rLanes when `lanes`). */
  protected setMonitor(c: CoreState, post: number, m: number, lanes: Int32Array | null): void {
    const st = c.s;
    st[S.XCL_LOC] = this.aLoc;
    st[S.XCL_ADDR] = this.aAddr;
    st[S.XCL_SIZE] = this.aSize;
    st[S.XCL_V] = post;
    if (lanes === null) {
      st[S.XCL_LANES] = 0;
      st[S.XCL_TS] = m;
      return;
    }
    st[S.XCL_LANES] = 1;
    const R = this.aMask;
    for (let k = 0; k < 8; k++) st[S.XCL_TS + k] = ((R >> k) & 1) !== 0 ? lanes[k] : 0;
  }

  /** atomLanes from the monitor (every lane the one timestamp of a uniform read). */
  protected monitorLanes(c: CoreState): void {
    const st = c.s;
    if (st[S.XCL_LANES] === 0) this.atomLanes.fill(st[S.XCL_TS]);
    else for (let k = 0; k < 8; k++) this.atomLanes[k] = st[S.XCL_TS + k];
  }

  // ---------------------------------------------------------------- writes

  /** The write's pre view (WRITE step 1). */
  protected writePre(c: CoreState, rel: boolean, aP: number, dP: number): number {
    const st = c.s;
    let pre = max(max(aP, dP), max(st[S.V_CAP], st[S.V_WN]));
    if (rel) pre = max(pre, max(st[S.V_RO], st[S.V_WO]));
    return pre;
  }

  /** An own outstanding promise that this write (lanes R of loc, lane-positioned lo/hi) can
   * fulfil, oldest first, or 0: above the pre view and the lanes' coherence point `cohFloor`;
   * `atomic`: an RMW's write, atomic with atomLanes. */
  protected fulfilable(c: CoreState, loc: number, R: number, lo: number, hi: number, pre: number, cohFloor: number, atomic: boolean): number {
    const st = c.s;
    const log = this.log;
    let best = 0;
    for (let i = 0; i < st[S.N_PROM]; i++) {
      const p = st[S.PROM0 + i];
      if (log.loc[p] !== loc || log.mask[p] !== R || log.lo[p] !== lo || log.hi[p] !== hi) continue;
      if (p <= pre || p <= cohFloor) continue;
      if (atomic && this.otherWriteBetween(c, loc, R, p)) continue;
      if (best === 0 || p < best) best = p;
    }
    return best;
  }

  /** otherWriteBetween when every lane was read from message `from` (a uniform RMW). */
  protected otherWriteAfter(c: CoreState, loc: number, R: number, from: number, to: number): boolean {
    const log = this.log;
    let m = log.latest[loc];
    while (m > from) {
      if (m < to && log.tid[m] !== c.id && (log.mask[m] & R) !== 0) return true;
      m = log.prev[m];
    }
    return false;
  }

  /** Is there a message by another core covering a lane k of R of loc, with timestamp in
   * (atomLanes[k], to)? (An RMW's atomicity: per byte, herd's `rmw & (fre; coe)` empty.) */
  protected otherWriteBetween(c: CoreState, loc: number, R: number, to: number): boolean {
    const log = this.log;
    const a = this.atomLanes;
    let from = 0x7fffffff;
    for (let k = 0; k < 8; k++) if (((R >> k) & 1) !== 0 && a[k] < from) from = a[k];
    let m = log.latest[loc];
    while (m > from) {
      if (m < to && log.tid[m] !== c.id) {
        const hit = log.mask[m] & R;
        if (hit !== 0) for (let k = 0; k < 8; k++) if (((hit >> k) & 1) !== 0 && m > a[k]) return true;
      }
      m = log.prev[m];
    }
    return false;
  }

  /**
   * WRITE(ord, ex) of the lanes R of loc, value lo/hi lane-positioned. aV/aP: address views,
   * dV/dP: data views. `x`: the RMW read's post view for the forward bank (ex only). `atomic`:
   * a store-exclusive's or atomic's write, which no other core's write may come between
   * (per lane, after atomLanes); false for plain writes.
   */
  protected write(c: CoreState, loc: number, R: number, lo: number, hi: number, rel: boolean,
    ex: boolean, x: number, aV: number, aP: number, dV: number, dP: number, atomic: boolean): Step {
    const st = c.s;
    const pre = this.writePre(c, rel, aP, dP);
    let t = st[S.N_PROM] !== 0 ? this.fulfilable(c, loc, R, lo, hi, pre, c.cohOf(loc, R), atomic) : 0;
    if (t !== 0) {
      // Fulfil promise t.
      let j = 0;
      for (let i = 0; i < st[S.N_PROM]; i++) if (st[S.PROM0 + i] !== t) st[S.PROM0 + j++] = st[S.PROM0 + i];
      st[S.N_PROM] = j;
      if (this.mode === Mode.SOLO) this.recWrites.push(loc, R, lo, hi, 0, this.recLen, st[S.PC]);
    } else {
      if (this.mode === Mode.SOLO) {
        const promisable = pre <= this.n && c.cohOf(loc, R) <= this.n ? 1 : 0;
        this.recWrites.push(loc, R, lo, hi, promisable, this.recLen, st[S.PC]);
      }
      t = this.n + this.buf.length + 1;
      this.buf.push(loc, R, lo, hi, st[S.PC]);
    }
    if (this.observer !== null) this.observer.write(this, c, loc, t);
    this.wTs = t;
    const cm = c.cmask[loc];
    if (cm === R || cm === 0) {
      // Compact (the uniform case, inline): this footprint is the only one the core used here.
      c.cmask[loc] = R;
      c.coh[loc] = t;
      c.fwdTs[loc] = t;
      c.fwdV[loc] = max(aV, dV);
      c.fwdP[loc] = max(aP, dP);
      c.fwdEx[loc] = ex ? 1 : 0;
      c.fwdX[loc] = x;
    } else if (!c.wrote(loc, R, t, max(aV, dV), max(aP, dP), ex ? 1 : 0, x)) return this.laneTablesFull(c);
    st[S.V_WO] = max(st[S.V_WO], t);
    st[S.V_CAP] = max(st[S.V_CAP], aP);
    if (rel) st[S.V_REL] = max(st[S.V_REL], t);
    return Step.OK;
  }

  protected laneTablesFull(c: CoreState): Step {
    return this.fail(`more than ${cs.MAX_SPLIT} 8-byte granules accessed with different sizes by one core (hangar's per-core limit)`, c);
  }
}
