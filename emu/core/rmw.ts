// Read-modify-writes of the core step (emu/README.md §Rules): store-exclusives, which succeed
// only if no other core wrote the location after the message the load-exclusive read (and may
// fail spuriously, bounded), and LSE atomics, one step whose read and write are atomic. Both
// run only at epoch boundaries, against the whole log (or alone in a promise lookahead).
import * as isa from '../../isa/instructions.ts';
import * as opcodes from '../../isa/opcodes.ts';
import * as mm from '../model/memory-model.ts';
import * as prng from '../model/prng.ts';
import { MemoryAccess } from './access.ts';
import * as arith from './arith.ts';
import * as cs from './core-state.ts';
import type { CoreState } from './core-state.ts';
import * as la from './lookahead.ts';
import * as phase from './phase.ts';

// Module-local aliases of imported bindings (see access.ts).
const { F, Op, REG_ZR } = isa;
const { resultReg } = opcodes;
const { ReadOrd, atomicAcquires, atomicReleases, storeExclusiveReleases } = mm;
type ReadOrd = mm.ReadOrd;
const { chance } = prng;
const { addc, max, R, LO, HI } = arith;
const { S, raiseFloors } = cs;
const { OWN_LATEST } = la;
const { Mode, Step } = phase;
type Step = phase.Step;

export class RmwAccess extends MemoryAccess {
  // ---------------------------------------------------------------- exclusives

  protected storeExclusive(c: CoreState, b: number, flags: number, sf: boolean, rt: number, rn: number): Step {
    const st = c.s;
    const model = this.params.model;
    const rs = this.code[b + F.RM];
    const size = sf ? 8 : 4;
    if (!this.address(c, b, flags, rn, size, 0)) return Step.ERROR;
    const loc = this.aLoc;
    const rel = storeExclusiveReleases(model, flags);
    let ok = st[S.XCL_LOC] === loc && st[S.XCL_ADDR] === this.aAddr;
    const xTs = st[S.XCL_TS];
    if (ok) {
      // Atomicity with a fresh append: no other core's write to loc after the one read.
      // (A matching promise is tried by write() under the same check.)
      this.merge(c, loc, this.aHalf, sf, c.regLo[rt], sf ? c.regHi[rt] : 0);
      const pre = this.writePre(c, rel, this.aP, max(c.regV[rt], c.regP[rt]));
      const viaPromise = st[S.N_PROM] !== 0 && this.fulfilable(c, loc, this.mergedLo, this.mergedHi, pre, xTs) !== 0;
      if (!viaPromise && this.otherWriteBetween(c, loc, xTs, 0x7fffffff)) ok = false;
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
    const s = this.write(c, loc, this.aHalf, sf, c.regLo[rt], sf ? c.regHi[rt] : 0, rel, true, st[S.XCL_V],
      this.aV, this.aP, c.regV[rt], max(c.regV[rt], c.regP[rt]), xTs);
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
    const size = sf ? 8 : 4;
    if (!this.address(c, b, flags, rn, size, 0)) return Step.ERROR;
    const loc = this.aLoc, half = this.aHalf;
    const isCas = op === Op.CAS;
    const dst = resultReg(this.code, b);
    const noret = dst === REG_ZR;
    const ordR: ReadOrd = atomicAcquires(model, flags, noret) ? ReadOrd.A : ReadOrd.PLAIN;
    const rel = atomicReleases(model, flags);
    const pre = this.readPre(c, ordR);
    const lb = max(c.coh[loc], this.log.lastAtOrBefore(loc, pre > this.n ? this.n : pre));
    let k = this.candidates(c, loc, lb);
    if (c.coh[loc] > this.n) {
      // Own buffered write (SOLO mode only): the single candidate.
      this.cand[0] = c.coh[loc];
      k = 1;
    }
    // Keep the candidates whose write (if any) can be placed atomically.
    const sLo = c.regLo[rs], sHi = sf ? c.regHi[rs] : 0;
    const tLo = c.regLo[rt], tHi = sf ? c.regHi[rt] : 0;
    let valid = 0;
    for (let i = 0; i < k; i++) {
      const m = this.cand[i];
      if (this.rmwValue(op, sf, half, loc, m, sLo, sHi, tLo, tHi) && !this.rmwPlaceable(c, loc, m, half, sf, rel, ordR, pre, op, rs, rt)) continue;
      this.cand[valid++] = m;
    }
    if (valid === 0) return Step.ABORT;
    let i = this.planned(c, valid, loc);
    if (i < 0) i = this.pick(valid);
    const m = this.cand[i];
    if (this.mode === Mode.SOLO) this.record(m === c.fwdTs[loc] && m !== 0 ? OWN_LATEST : m);
    const writes = this.rmwValue(op, sf, half, loc, m, sLo, sHi, tLo, tHi);
    const wLo = this.rmwLo, wHi = this.rmwHi;
    const rsV = c.regV[rs], rsP = c.regP[rs];
    this.readFrom(c, loc, half, sf, ordR, false, noret, pre, m);
    const oldLo = this.rLo, oldHi = this.rHi, post = this.rPost;
    if (writes) {
      let dV: number, dP: number;
      if (op === Op.SWP) { dV = rsV; dP = max(rsV, rsP); }
      else if (isCas) { dV = max(c.regV[rt], post); dP = max(max(c.regV[rt], c.regP[rt]), max(max(rsV, rsP), post)); }
      else { dV = max(rsV, post); dP = max(max(rsV, rsP), post); }
      const s = this.write(c, loc, half, sf, wLo, wHi, rel, true, post, this.aV, this.aP, dV, dP, m);
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

  private rmwLo = 0;
  private rmwHi = 0;
  /** The value an RMW reading message m writes (rmwLo/Hi), or false for a failed CAS. */
  private rmwValue(op: number, sf: boolean, half: number, loc: number, m: number, sLo: number, sHi: number, tLo: number, tHi: number): boolean {
    let oLo = this.msgLo(loc, m), oHi = this.msgHi(loc, m);
    if (!sf) { oLo = half === 0 ? oLo : oHi; oHi = 0; }
    switch (op) {
      case Op.SWP: this.rmwLo = sLo; this.rmwHi = sHi; return true;
      case Op.CAS:
        if (oLo !== sLo || oHi !== sHi) return false;
        this.rmwLo = tLo; this.rmwHi = tHi; return true;
      case Op.LDADD: addc(oLo, oHi, sLo, sHi, 0, sf); this.rmwLo = R[LO]; this.rmwHi = R[HI]; return true;
      case Op.LDCLR: this.rmwLo = oLo & ~sLo; this.rmwHi = sf ? oHi & ~sHi : 0; return true;
      case Op.LDEOR: this.rmwLo = oLo ^ sLo; this.rmwHi = oHi ^ sHi; return true;
      default: this.rmwLo = oLo | sLo; this.rmwHi = oHi | sHi; return true; // LDSET
    }
  }

  /** Can the write of an RMW that read m be placed (a fulfillable promise or a fresh append)? */
  private rmwPlaceable(c: CoreState, loc: number, m: number, half: number, sf: boolean, rel: boolean, ordR: ReadOrd, pre: number, op: number, rs: number, rt: number): boolean {
    if (!this.otherWriteBetween(c, loc, m, 0x7fffffff)) return true; // fresh append is atomic
    if (c.s[S.N_PROM] === 0) return false;
    // Compute the write's pre view as write() will after the read part.
    const st = c.s;
    const vmsg = m === c.fwdTs[loc] && m !== 0 ? (c.fwdEx[loc] !== 0 && ordR !== ReadOrd.PLAIN ? max(c.fwdV[loc], c.fwdX[loc]) : c.fwdV[loc]) : m;
    const post = max(pre, vmsg);
    const rsPlus = max(c.regV[rs], c.regP[rs]);
    let dP = op === Op.SWP ? rsPlus : max(rsPlus, post);
    if (op === Op.CAS) dP = max(dP, max(c.regV[rt], c.regP[rt]));
    const vWn = ordR !== ReadOrd.PLAIN ? max(st[S.V_WN], post) : st[S.V_WN];
    let wpre = max(max(this.aP, dP), max(max(st[S.V_CAP], this.aP), vWn));
    if (rel) wpre = max(wpre, max(max(st[S.V_RO], post), st[S.V_WO]));
    const cohSave = c.coh[loc];
    c.coh[loc] = m;
    this.merge(c, loc, half, sf, this.rmwLo, this.rmwHi);
    const t = this.fulfilable(c, loc, this.mergedLo, this.mergedHi, wpre, m);
    c.coh[loc] = cohSave;
    return t !== 0;
  }
}
