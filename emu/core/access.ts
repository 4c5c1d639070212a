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
import * as program from '../../isa/program.ts';
import * as msgLog from '../memory/message-log.ts';
import type { MessageLog } from '../memory/message-log.ts';
import * as wb from '../memory/write-buffer.ts';
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
const { addrMode, AddrMode, F, FLAG_EXCL, SHAMT_MASK, SHAMT_SHIFT, Shift, REG_ZR, Op } = isa;
const DATA_BASE = program.DATA_BASE;
const MSG_PROMISE = msgLog.MSG_PROMISE;
const { W_HIGH, W_NARROW } = wb;
const { ReadOrd, loadOrdering, storeReleases } = mm;
type ReadOrd = mm.ReadOrd;
const { below, chance, Stream } = prng;
const { addc, shift, max, R, LO, HI } = arith;
const { MAX_PLAN, S } = cs;
const { LookaheadWrites, OWN_LATEST } = la;
const { Mode, Step } = phase;
type Mode = phase.Mode;
type Step = phase.Step;

export class MemoryAccess implements Execution {
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

  // The last effective address: location, half, byte address, views.
  protected aLoc = 0;
  protected aHalf = 0;
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

  /** Effective address of a memory op into aLoc/aHalf/aV/aP; applies no writeback. */
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
      this.fail(`misaligned ${size}-byte access to 0x${(lo >>> 0).toString(16)}`, c);
      return false;
    }
    this.aAddr = lo >>> 0;
    this.aLoc = off >>> 3;
    this.aHalf = (off >>> 2) & 1;
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

  /** LDR, STR, LDP, STP (plain, acquire, release, load-exclusive). */
  protected loadStore(c: CoreState, b: number, op: number, flags: number, sf: boolean, rt: number, rn: number): Step {
    const size = sf ? 8 : 4;
    const model = this.params.model;
    const pair = op === Op.LDP || op === Op.STP;
    if (op === Op.LDR || op === Op.LDP) {
      const ord = loadOrdering(model, flags);
      const ex = (flags & FLAG_EXCL) !== 0;
      // Pairs: check both halves can run in this mode before changing any state.
      if (!this.address(c, b, flags, rn, size, 0)) return Step.ERROR;
      if (this.mode === Mode.RUN && this.readPre(c, ord) > this.n) return Step.STOP;
      let s = this.read(c, this.aLoc, this.aHalf, sf, ord, ex, false);
      if (s !== Step.OK) return s;
      this.setReg(c, rt, this.rLo, this.rHi, this.rPost, this.rP);
      if (pair) {
        if (!this.address(c, b, flags, rn, size, size)) return Step.ERROR;
        s = this.read(c, this.aLoc, this.aHalf, sf, ord, false, false);
        if (s !== Step.OK) return s;
        this.setReg(c, this.code[b + F.RM], this.rLo, this.rHi, this.rPost, this.rP);
      }
      this.writeback(c, b, flags, rn);
      return Step.OK;
    }
    // STR / STP
    const rel = storeReleases(model, flags);
    if (!this.address(c, b, flags, rn, size, 0)) return Step.ERROR;
    let s = this.write(c, this.aLoc, this.aHalf, sf, c.regLo[rt], sf ? c.regHi[rt] : 0, rel, false, 0,
      this.aV, this.aP, c.regV[rt], max(c.regV[rt], c.regP[rt]));
    if (s !== Step.OK) return s;
    if (pair) {
      const r2 = this.code[b + F.RM];
      if (!this.address(c, b, flags, rn, size, size)) return Step.ERROR;
      s = this.write(c, this.aLoc, this.aHalf, sf, c.regLo[r2], sf ? c.regHi[r2] : 0, rel, false, 0,
        this.aV, this.aP, c.regV[r2], max(c.regV[r2], c.regP[r2]));
      if (s !== Step.OK) return s;
    }
    this.writeback(c, b, flags, rn);
    return Step.OK;
  }

  // ---------------------------------------------------------------- reads

  protected readPre(c: CoreState, ord: ReadOrd): number {
    const st = c.s;
    let pre = max(this.aV, st[S.V_RN]);
    if (ord === ReadOrd.A) pre = max(pre, st[S.V_REL]);
    return pre;
  }

  private isOwnPromise(c: CoreState, m: number): boolean {
    if (m === 0 || (this.log.flags[m] & MSG_PROMISE) === 0 || this.log.tid[m] !== c.id) return false;
    const st = c.s;
    for (let i = 0; i < st[S.N_PROM]; i++) if (st[S.PROM0 + i] === m) return true;
    return false;
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
      if (m === 0 && log.initGone[loc] !== 0) break; // pruned: the initial value is unreadable
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

  /** Value of message m for location loc: own buffered writes have timestamps above n. */
  protected msgLo(loc: number, m: number): number {
    return m > this.n ? this.buf.lo[m - this.n - 1] : this.log.valueLo(loc, m);
  }

  protected msgHi(loc: number, m: number): number {
    return m > this.n ? this.buf.hi[m - this.n - 1] : this.log.valueHi(loc, m);
  }

  valueAt(loc: number, m: number, half: number, wide: boolean): bigint {
    const lo = this.msgLo(loc, m) >>> 0, hi = this.msgHi(loc, m) >>> 0;
    if (wide) return (BigInt(hi) << 32n) | BigInt(lo);
    return BigInt(half === 0 ? lo : hi);
  }

  /**
   * READ(ord, ex, noret) of the location at aLoc/aHalf with address views aV/aP.
   * Results in rLo/rHi/rPost/rP/rTs; updates the core's views.
   */
  private read(c: CoreState, loc: number, half: number, sf: boolean, ord: ReadOrd, ex: boolean, noret: boolean): Step {
    const st = c.s;
    const pre = this.readPre(c, ord);
    let m: number;
    if (c.coh[loc] > this.n) {
      // The core wrote loc in its buffer: only that write is coherence-readable.
      m = c.coh[loc];
      if (this.mode === Mode.SOLO) this.record(OWN_LATEST);
      else if (st[S.N_PROM] !== 0 && st[S.PLAN_POS] < st[S.PLAN_LEN]) st[S.PLAN_POS]++;
    } else {
      const lb = max(c.coh[loc], this.log.lastAtOrBefore(loc, pre > this.n ? this.n : pre));
      const k = this.candidates(c, loc, lb);
      if (k === 0) return Step.ABORT; // only an own promise is left to read
      let i = this.planned(c, k, loc);
      if (i < 0) i = this.pick(k);
      m = this.cand[i];
      if (this.mode === Mode.SOLO) this.record(m === c.fwdTs[loc] && m !== 0 ? OWN_LATEST : m);
    }
    this.readFrom(c, loc, half, sf, ord, ex, noret, pre, m);
    return Step.OK;
  }

  /** The effects of reading message m (shared by plain reads and atomics). */
  protected readFrom(c: CoreState, loc: number, half: number, sf: boolean, ord: ReadOrd, ex: boolean, noret: boolean, pre: number, m: number): void {
    const st = c.s;
    if (this.observer !== null) this.observer.read(this, c, loc, half, sf, m, m > this.n ? m : this.log.latest[loc]);
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
    const lo = this.msgLo(loc, m), hi = this.msgHi(loc, m);
    if (sf) { this.rLo = lo; this.rHi = hi; } else { this.rLo = half === 0 ? lo : hi; this.rHi = 0; }
    this.rPost = post;
    this.rP = p;
    this.rTs = m;
    c.coh[loc] = m;
    st[S.V_RO] = max(st[S.V_RO], post);
    if (!noret) st[S.V_RO_LD] = max(st[S.V_RO_LD], post);
    if (ord !== ReadOrd.PLAIN) {
      st[S.V_RN] = max(st[S.V_RN], post);
      st[S.V_WN] = max(st[S.V_WN], post);
    }
    st[S.V_CAP] = max(st[S.V_CAP], this.aP);
    if (ex) {
      st[S.XCL_LOC] = loc;
      st[S.XCL_ADDR] = this.aAddr;
      st[S.XCL_TS] = m;
      st[S.XCL_V] = post;
    }
  }

  // ---------------------------------------------------------------- writes

  /** Merges a 32-bit store into the 8-byte location, over the core's coherence-latest value. */
  protected mergedLo = 0;
  protected mergedHi = 0;
  protected merge(c: CoreState, loc: number, half: number, sf: boolean, lo: number, hi: number): void {
    if (sf) { this.mergedLo = lo; this.mergedHi = hi; return; }
    const m = c.coh[loc];
    if (half === 0) { this.mergedLo = lo; this.mergedHi = this.msgHi(loc, m); }
    else { this.mergedLo = this.msgLo(loc, m); this.mergedHi = lo; }
  }

  /** The write's pre view (WRITE step 1). */
  protected writePre(c: CoreState, rel: boolean, aP: number, dP: number): number {
    const st = c.s;
    let pre = max(max(aP, dP), max(st[S.V_CAP], st[S.V_WN]));
    if (rel) pre = max(pre, max(st[S.V_RO], st[S.V_WO]));
    return pre;
  }

  /** An own outstanding promise that this write can fulfil, oldest first, or 0. `atomicFrom`: atomicity floor. */
  protected fulfilable(c: CoreState, loc: number, lo: number, hi: number, pre: number, atomicFrom: number): number {
    const st = c.s;
    const log = this.log;
    let best = 0;
    for (let i = 0; i < st[S.N_PROM]; i++) {
      const p = st[S.PROM0 + i];
      if (log.loc[p] !== loc || log.lo[p] !== lo || log.hi[p] !== hi) continue;
      if (p <= pre || p <= c.coh[loc]) continue;
      if (atomicFrom >= 0 && this.otherWriteBetween(c, loc, atomicFrom, p)) continue;
      if (best === 0 || p < best) best = p;
    }
    return best;
  }

  /** Is there a message to loc by another core with timestamp in (from, to)? */
  protected otherWriteBetween(c: CoreState, loc: number, from: number, to: number): boolean {
    const log = this.log;
    let m = log.latest[loc];
    while (m > from) {
      if (m < to && log.tid[m] !== c.id) return true;
      m = log.prev[m];
    }
    return false;
  }

  /**
   * WRITE(ord, ex) of value lo/hi (already sized) to loc. aV/aP: address views, dV/dP: data
   * views. `x`: the RMW read's post view for the forward bank (ex only). `atomicFrom`: for
   * store-exclusives and atomics, the timestamp read (no other core's write may come between);
   * -1 for plain writes.
   */
  protected write(c: CoreState, loc: number, half: number, sf: boolean, lo: number, hi: number, rel: boolean,
    ex: boolean, x: number, aV: number, aP: number, dV: number, dP: number, atomicFrom = -1): Step {
    const st = c.s;
    const pre = this.writePre(c, rel, aP, dP);
    this.merge(c, loc, half, sf, lo, hi);
    const vLo = this.mergedLo, vHi = this.mergedHi;
    let t = st[S.N_PROM] !== 0 ? this.fulfilable(c, loc, vLo, vHi, pre, atomicFrom) : 0;
    if (t !== 0) {
      // Fulfil promise t.
      let j = 0;
      for (let i = 0; i < st[S.N_PROM]; i++) if (st[S.PROM0 + i] !== t) st[S.PROM0 + j++] = st[S.PROM0 + i];
      st[S.N_PROM] = j;
      if (this.mode === Mode.SOLO) this.recWrites.push(loc, vLo, vHi, 0, this.recLen, st[S.PC]);
    } else {
      if (this.mode === Mode.SOLO) {
        const promisable = pre <= this.n && c.coh[loc] <= this.n ? 1 : 0;
        this.recWrites.push(loc, vLo, vHi, promisable, this.recLen, st[S.PC]);
      }
      t = this.n + this.buf.length + 1;
      this.buf.push(loc, vLo, vHi, (sf ? 0 : W_NARROW) | (half !== 0 ? W_HIGH : 0), st[S.PC]);
    }
    if (this.observer !== null) this.observer.write(this, c, loc, t);
    this.wTs = t;
    c.coh[loc] = t;
    st[S.V_WO] = max(st[S.V_WO], t);
    st[S.V_CAP] = max(st[S.V_CAP], aP);
    if (rel) st[S.V_REL] = max(st[S.V_REL], t);
    c.fwdTs[loc] = t;
    c.fwdV[loc] = max(aV, dV);
    c.fwdP[loc] = max(aP, dP);
    c.fwdEx[loc] = ex ? 1 : 0;
    c.fwdX[loc] = x;
    return Step.OK;
  }
}
