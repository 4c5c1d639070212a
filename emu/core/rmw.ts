// Read-modify-writes of the core step (emu/README.md §Rules): store-exclusives, which succeed
// only if no other core wrote a byte of the access after the message its load-exclusive read
// for that byte (and may fail spuriously, bounded), and LSE atomics of every size, one step
// whose read and write are atomic per byte. Both run only at epoch boundaries, against the
// whole log (or alone in a promise lookahead).
import * as isa from '../../isa/instructions.ts';
import * as opcodes from '../../isa/opcodes.ts';
import * as mm from '../model/memory-model.ts';
import * as prng from '../model/prng.ts';
import * as arith from './arith.ts';
import * as cs from './core-state.ts';
import type { CoreState } from './core-state.ts';
import * as la from './lookahead.ts';
import { MixedAccess } from './mixed.ts';
import * as phase from './phase.ts';

// Module-local aliases of imported bindings (see access.ts).
const { F, Op, REG_ZR } = isa;
const { accessBytes, resultReg } = opcodes;
const { ReadOrd, atomicAcquires, atomicReleases, storeExclusiveReleases } = mm;
type ReadOrd = mm.ReadOrd;
const { chance } = prng;
const { addc, max, R, LO, HI } = arith;
const { S, raiseFloors, L_FWD_V, L_FWD_EX, L_FWD_X } = cs;
const { OWN_LATEST } = la;
const { Mode, Step } = phase;
type Step = phase.Step;

const NEVER = 0x7fffffff;

export class RmwAccess extends MixedAccess {
  // ---------------------------------------------------------------- exclusives

  protected storeExclusive(c: CoreState, b: number, flags: number, sf: boolean, rt: number, rn: number): Step {
    const st = c.s;
    const model = this.params.model;
    const rs = this.code[b + F.RM];
    const size = accessBytes(flags);
    if (!this.address(c, b, flags, rn, size, 0)) return Step.ERROR;
    const loc = this.aLoc, mask = this.aMask;
    const rel = storeExclusiveReleases(model, flags);
    // The monitor must hold this address and size: a store-exclusive of another size than its
    // load-exclusive fails (herd7's do_stxr; CONSTRAINED UNPREDICTABLE in the Arm ARM).
    let ok = st[S.XCL_LOC] === loc && st[S.XCL_ADDR] === this.aAddr && st[S.XCL_SIZE] === size;
    const lo = this.placeLo(c.regLo[rt], c.regHi[rt]), hi = this.placeHi(c.regLo[rt], c.regHi[rt]);
    if (ok) {
      // Atomicity with a fresh append: no other core's write to a byte after the one read.
      // (A matching promise is tried by write() under the same check.)
      if (st[S.N_PROM] !== 0 || st[S.XCL_LANES] !== 0) this.monitorLanes(c);
      const pre = this.writePre(c, rel, this.aP, max(c.regV[rt], c.regP[rt]));
      const viaPromise = st[S.N_PROM] !== 0 && this.fulfilable(c, loc, mask, lo, hi, pre, c.cohOf(loc, mask), true) !== 0;
      const broken = st[S.XCL_LANES] === 0 ? this.otherWriteAfter(c, loc, mask, st[S.XCL_TS], NEVER) : this.otherWriteBetween(c, loc, mask, NEVER);
      if (!viaPromise && broken) ok = false;
    }
    // Failure is always allowed; spurious ones are bounded so retry loops progress.
    const plan = this.plannedBit(c);
    if (ok) {
      if (plan === 1) ok = false;
      else if (plan < 0 && st[S.SPURIOUS] < this.params.maxSpurious && chance(this.rng, this.params.pSpurious)) ok = false;
    }
    if (this.mode === Mode.SOLO) this.record(ok ? 0 : 1);
    if (!ok) {
      if (st[S.XCL_LOC] === loc) st[S.SPURIOUS]++;
      st[S.XCL_LOC] = -1;
      this.setReg(c, rs, 1, 0, 0, 0);
      return Step.OK;
    }
    st[S.SPURIOUS] = 0;
    const s = this.write(c, loc, mask, lo, hi, rel, true, st[S.XCL_V],
      this.aV, this.aP, c.regV[rt], max(c.regV[rt], c.regP[rt]), true);
    if (s !== Step.OK) return s;
    st[S.XCL_LOC] = -1;
    this.setReg(c, rs, 0, 0, 0, 0);
    if (model.rmwFull) raiseFloors(st, this.wTs); // TSO/SC: a locked RMW is a full barrier
    return Step.OK;
  }

  // ---------------------------------------------------------------- LSE atomics

  protected atomic(c: CoreState, b: number, op: number, flags: number, sf: boolean, rt: number, rn: number): Step {
    const st = c.s;
    const model = this.params.model;
    const rs = this.code[b + F.RM];
    const size = accessBytes(flags);
    if (!this.address(c, b, flags, rn, size, 0)) return Step.ERROR;
    const loc = this.aLoc, mask = this.aMask;
    const isCas = op === Op.CAS;
    const dst = resultReg(this.code, b);
    const noret = dst === REG_ZR;
    const ordR: ReadOrd = atomicAcquires(model, flags, noret) ? ReadOrd.A : ReadOrd.PLAIN;
    const rel = atomicReleases(model, flags);
    const pre = this.readPre(c, ordR);
    const sLo = c.regLo[rs], sHi = c.regHi[rs];
    const tLo = c.regLo[rt], tHi = c.regHi[rt];
    const uniform = this.uniform(c);
    // Keep the read choices whose write (if any) can be placed atomically.
    let valid = 0;
    let i: number;
    if (uniform) {
      const lb = this.lowerBound(c, loc, pre);
      let k = this.candidates(c, loc, lb);
      if (c.coh[loc] > this.n) {
        // Own buffered write (SOLO mode only): the single candidate.
        this.cand[0] = c.coh[loc];
        k = 1;
      }
      for (let j = 0; j < k; j++) {
        const m = this.cand[j];
        this.oldValue(this.msgLo(loc, m), this.msgHi(loc, m));
        if (this.rmwValue(op, size, sLo, sHi, tLo, tHi) && !this.placeable(c, m, -1, rel, ordR, pre, op, rs, rt)) continue;
        this.cand[valid++] = m;
      }
      if (valid === 0) return Step.ABORT;
      i = this.planned(c, valid, loc);
      if (i < 0) i = this.pick(valid);
      const m = this.cand[i];
      if (this.mode === Mode.SOLO) this.record(m === c.fwdTs[loc] && m !== 0 ? OWN_LATEST : m);
      this.oldValue(this.msgLo(loc, m), this.msgHi(loc, m));
      this.atomLanes.fill(m);
    } else {
      let n = this.tuples(c, pre);
      if (n < 0) n = 1;
      for (let j = 0; j < n; j++) {
        this.tupleValue(j);
        if (this.rmwValue(op, size, sLo, sHi, tLo, tHi) && !this.placeable(c, 0, j, rel, ordR, pre, op, rs, rt)) continue;
        if (valid !== j) this.tup.copyWithin(8 * valid, 8 * j, 8 * j + 8);
        valid++;
      }
      if (valid === 0) return Step.ABORT;
      i = this.plannedTuple(c, valid);
      if (i < 0) i = this.pick(valid);
      if (this.mode === Mode.SOLO) this.record(this.tupleKey(i));
      this.tupleValue(i);
      for (let k2 = 0; k2 < 8; k2++) this.atomLanes[k2] = this.tup[8 * i + k2];
    }
    const writes = this.rmwValue(op, size, sLo, sHi, tLo, tHi);
    const wLo = this.placeLo(this.rmwLo, this.rmwHi), wHi = this.placeHi(this.rmwLo, this.rmwHi);
    const rsV = c.regV[rs], rsP = c.regP[rs];
    if (uniform) this.readFrom(c, sf, false, ordR, false, noret, pre, this.cand[i]);
    else {
      const r = this.readTuple(c, i, sf, false, ordR, false, noret, pre);
      if (r !== Step.OK) return r;
    }
    const oldLo = this.rLo, oldHi = this.rHi, post = this.rPost;
    if (writes) {
      let dV: number, dP: number;
      if (op === Op.SWP) { dV = rsV; dP = max(rsV, rsP); }
      else if (isCas) { dV = max(c.regV[rt], post); dP = max(max(c.regV[rt], c.regP[rt]), max(max(rsV, rsP), post)); }
      else { dV = max(rsV, post); dP = max(max(rsV, rsP), post); }
      const s = this.write(c, loc, mask, wLo, wHi, rel, true, post, this.aV, this.aP, dV, dP, true);
      if (s !== Step.OK) return s;
      if (ordR === ReadOrd.A && rel) raiseFloors(st, this.wTs); // an AL atomic that writes is a full barrier
    }
    if (!noret) {
      let v = post, p = post;
      if (isCas && writes) {
        // herd lets a successful CAS's result depend on the compare register instead.
        let opt = this.plannedBit(c);
        if (opt < 0) opt = chance(this.rng, 0.5) ? 1 : 0;
        if (this.mode === Mode.SOLO) this.record(opt);
        if (opt === 1) { v = rsV; p = max(rsP, post); }
      }
      this.setReg(c, dst, oldLo, oldHi, v, p);
    }
    return Step.OK;
  }

  /** The value read, zero-extended from the access size (oLo/oHi), from the granule's bytes. */
  private oLo = 0;
  private oHi = 0;
  private oldValue(lo: number, hi: number): void {
    const off = this.aOff, size = this.aSize;
    if (size === 8) { this.oLo = lo; this.oHi = hi; return; }
    const w = off < 4 ? lo : hi;
    this.oLo = size === 4 ? w : (w >>> (8 * (off & 3))) & ((1 << (8 * size)) - 1);
    this.oHi = 0;
  }

  /** oldValue of tuple j's bytes. */
  private tupleValue(j: number): void {
    const R = this.aMask, loc = this.aLoc;
    let lo = 0, hi = 0;
    for (let k = 0; k < 8; k++) {
      if (((R >> k) & 1) === 0) continue;
      const t = this.tup[8 * j + k];
      const sh = 8 * (k & 3);
      if (k < 4) lo |= ((this.msgLo(loc, t) >>> sh) & 0xff) << sh;
      else hi |= ((this.msgHi(loc, t) >>> sh) & 0xff) << sh;
    }
    this.oldValue(lo, hi);
  }

  private rmwLo = 0;
  private rmwHi = 0;
  /** The value an RMW that read oLo/oHi writes (rmwLo/Hi, low `size` bytes meaningful), or
   * false for a failed CAS. Rs is (sLo, sHi), CAS's new value Rt (tLo, tHi). */
  private rmwValue(op: number, size: number, sLo: number, sHi: number, tLo: number, tHi: number): boolean {
    const oLo = this.oLo, oHi = this.oHi;
    const wide = size === 8;
    const m = size >= 4 ? -1 : (1 << (8 * size)) - 1;
    switch (op) {
      case Op.SWP: this.rmwLo = sLo; this.rmwHi = sHi; return true;
      case Op.CAS:
        if (oLo !== (sLo & m) || (wide && oHi !== sHi)) return false;
        this.rmwLo = tLo; this.rmwHi = tHi; return true;
      case Op.LDADD: addc(oLo, oHi, sLo, sHi, 0, wide); this.rmwLo = R[LO]; this.rmwHi = R[HI]; return true;
      case Op.LDCLR: this.rmwLo = oLo & ~sLo; this.rmwHi = oHi & ~sHi; return true;
      case Op.LDEOR: this.rmwLo = oLo ^ sLo; this.rmwHi = oHi ^ sHi; return true;
      case Op.LDSET: this.rmwLo = oLo | sLo; this.rmwHi = oHi | sHi; return true;
      default: {
        // LDSMAX/LDSMIN/LDUMAX/LDUMIN: compare at the access size.
        const signed = op === Op.LDSMAX || op === Op.LDSMIN;
        const cmp = compareSized(oLo, oHi, sLo, sHi, size, signed);
        const takeS = op === Op.LDSMAX || op === Op.LDUMAX ? cmp < 0 : cmp > 0;
        this.rmwLo = takeS ? sLo : oLo;
        this.rmwHi = takeS ? sHi : oHi;
        return true;
      }
    }
  }

  /**
   * Can the write of an RMW that read message m (uniform) or tuple j (j >= 0) be placed: a
   * fresh append with no other core's write to its bytes after the ones read, or a fulfillable
   * promise? Expects rmwLo/rmwHi computed for that choice.
   */
  private placeable(c: CoreState, m: number, j: number, rel: boolean, ordR: ReadOrd, pre: number, op: number, rs: number, rt: number): boolean {
    const loc = this.aLoc, mask = this.aMask;
    if (j < 0) {
      if (!this.otherWriteAfter(c, loc, mask, m, NEVER)) return true; // fresh append is atomic
      this.atomLanes.fill(m);
    } else {
      for (let k = 0; k < 8; k++) this.atomLanes[k] = this.tup[8 * j + k];
      if (!this.otherWriteBetween(c, loc, mask, NEVER)) return true;
    }
    if (c.s[S.N_PROM] === 0) return false;
    // Compute the write's pre view as write() will after the read part.
    const st = c.s;
    let post = pre, newest = 0;
    if (j < 0) {
      newest = m;
      const vmsg = m === c.fwdTs[loc] && m !== 0 ? (c.fwdEx[loc] !== 0 && ordR !== ReadOrd.PLAIN ? max(c.fwdV[loc], c.fwdX[loc]) : c.fwdV[loc]) : m;
      post = max(pre, vmsg);
    } else {
      for (let k = 0; k < 8; k++) {
        if (((mask >> k) & 1) === 0) continue;
        const t = this.tup[8 * j + k];
        if (t > newest) newest = t;
        if (t === this.laneFwd[k] && t !== 0) {
          let v = c.lane(loc, k, L_FWD_V);
          if (c.lane(loc, k, L_FWD_EX) !== 0 && ordR !== ReadOrd.PLAIN) v = max(v, c.lane(loc, k, L_FWD_X));
          post = max(post, v);
        } else post = max(post, t);
      }
    }
    const rsPlus = max(c.regV[rs], c.regP[rs]);
    let dP = op === Op.SWP ? rsPlus : max(rsPlus, post);
    if (op === Op.CAS) dP = max(dP, max(c.regV[rt], c.regP[rt]));
    const vWn = ordR !== ReadOrd.PLAIN ? max(st[S.V_WN], post) : st[S.V_WN];
    let wpre = max(max(this.aP, dP), max(max(st[S.V_CAP], this.aP), vWn));
    if (rel) wpre = max(wpre, max(max(st[S.V_RO], post), st[S.V_WO]));
    const lo = this.placeLo(this.rmwLo, this.rmwHi), hi = this.placeHi(this.rmwLo, this.rmwHi);
    return this.fulfilable(c, loc, mask, lo, hi, wpre, newest, true) !== 0;
  }
}

/** Sign of (a - b) for two values of `size` bytes (low `size` bytes of lo/hi), signed or not. */
function compareSized(aLo: number, aHi: number, bLo: number, bHi: number, size: number, signed: boolean): number {
  if (size === 8) {
    const ah = signed ? aHi | 0 : aHi >>> 0, bh = signed ? bHi | 0 : bHi >>> 0;
    if (ah !== bh) return ah < bh ? -1 : 1;
    const al = aLo >>> 0, bl = bLo >>> 0;
    return al === bl ? 0 : al < bl ? -1 : 1;
  }
  const bits = 8 * size;
  const a = signed ? (aLo << (32 - bits)) >> (32 - bits) : size === 4 ? aLo >>> 0 : aLo & ((1 << bits) - 1);
  const b = signed ? (bLo << (32 - bits)) >> (32 - bits) : size === 4 ? bLo >>> 0 : bLo & ((1 << bits) - 1);
  return a === b ? 0 : a < b ? -1 : 1;
}
