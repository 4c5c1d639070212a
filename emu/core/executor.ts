// The core step: executes one decoded instruction of one core against the shared message log
// plus the core's own write buffer, under the Promising-ARM view rules (emu/README.md §Rules).
// This module is the dispatch: moves, arithmetic, branches, barriers, system calls; memory
// accesses are access.ts, store-exclusives and atomics rmw.ts, 64-bit arithmetic arith.ts.
// The phase an instruction runs in (run phase, boundary op, promise lookahead) is set by
// begin() (access.ts); phase.ts says what each mode may do.
// Hot path: no allocation, results go through fields and the scratch array R.
import * as isa from '../../isa/instructions.ts';
import type { MessageLog } from '../memory/message-log.ts';
import * as mm from '../model/memory-model.ts';
import type { TrialParams } from '../model/params.ts';
import * as arith from './arith.ts';
import * as bits from './bits.ts';
import { blocksOf, type BlockCache } from './blocks.ts';
import * as cs from './core-state.ts';
import type { CoreState } from './core-state.ts';
import * as phase from './phase.ts';
import { RmwAccess } from './rmw.ts';

// Module-local aliases of imported bindings (see access.ts).
const { Barrier, EXTEND_MASK, EXTEND_SHIFT, Extend, F, FLAG_EXTEND, FLAG_IMM2, FLAG_SF, INSN_WORDS, Op, SHAMT_MASK, SHAMT_SHIFT, SHTYPE_MASK, SHTYPE_SHIFT, Shift } = isa;
const { barrierKind } = mm;
const { addc, condHolds, divide, max, mul64, mulHigh, shift, R, LO, HI, NZCV } = arith;
const { bitfield, countLeadingSigns, countLeadingZeros, extract, reverseBits, reverseBytes, BFM, SBFM, UBFM, REV_ALL, REV_HALVES, REV_WORDS } = bits;
const { S, Status, fullBarrier, raiseFloors } = cs;
const { Mode, Step } = phase;
type Step = phase.Step;

/** The kernel: system calls are boundary ops (emu/machine/kernel.ts). */
export interface KernelCalls {
  call(ex: Executor, core: CoreState): Step;
}

export class Executor extends RmwAccess {
  kernel: KernelCalls;
  /** Translated register-only blocks of the code (blocks.ts); null: step every instruction. */
  blocks: BlockCache | null;

  constructor(code: Int32Array, log: MessageLog, params: TrialParams, kernel: KernelCalls) {
    super(code, log, params);
    this.kernel = kernel;
    this.blocks = blocksOf(code);
  }

  /** Runs up to `budget` instructions; returns the Step that ended the burst (OK = budget used). */
  run(c: CoreState, budget: number): Step {
    const st = c.s;
    // Blocks do what the steps would, except tell an observer or check promises (blocks.ts).
    const blocks = this.observer === null ? this.blocks : null;
    const starts = blocks !== null ? blocks.starts : null;
    for (let i = 0; i < budget; ) {
      if (st[S.STATUS] !== Status.RUNNING) return Step.DONE;
      if (starts !== null && starts[st[S.PC]] !== 0 && st[S.N_PROM] === 0) {
        const f = blocks!.at(st[S.PC]);
        if (f !== null) {
          i += f(this, c, budget - i);
          continue;
        }
      }
      const r = this.step(c);
      if (r !== Step.OK) return r;
      i++;
    }
    return Step.OK;
  }

  /** Second operand of an ALU op into R[LO]/R[HI]; returns [v, p] packed via fields. */
  private op2V = 0;
  private op2P = 0;
  private operand2(c: CoreState, b: number, flags: number, sf: boolean): void {
    const code = this.code;
    if ((flags & FLAG_IMM2) !== 0) {
      R[LO] = code[b + F.IMM_LO];
      R[HI] = sf ? code[b + F.IMM_HI] : 0;
      this.op2V = 0;
      this.op2P = 0;
      return;
    }
    const m = code[b + F.RM];
    if ((flags & FLAG_EXTEND) !== 0) {
      // Extended register: extend RM, then shift it left.
      let lo = c.regLo[m], hi = c.regHi[m];
      switch ((flags & EXTEND_MASK) >>> EXTEND_SHIFT) {
        case Extend.UXTB: lo &= 0xff; hi = 0; break;
        case Extend.UXTH: lo &= 0xffff; hi = 0; break;
        case Extend.UXTW: hi = 0; break;
        case Extend.SXTB: lo = (lo << 24) >> 24; hi = lo >> 31; break;
        case Extend.SXTH: lo = (lo << 16) >> 16; hi = lo >> 31; break;
        case Extend.SXTW: hi = lo >> 31; break;
        default: break; // UXTX, SXTX: the register itself
      }
      shift(lo, hi, Shift.LSL, (flags & SHAMT_MASK) >> SHAMT_SHIFT, sf);
    } else shift(c.regLo[m], c.regHi[m], (flags & SHTYPE_MASK) >> SHTYPE_SHIFT, (flags & SHAMT_MASK) >> SHAMT_SHIFT, sf);
    this.op2V = c.regV[m];
    this.op2P = c.regP[m];
  }

  // ---------------------------------------------------------------- the step

  step(c: CoreState): Step {
    const code = this.code;
    const st = c.s;
    const pc = st[S.PC];
    const b = pc * INSN_WORDS;
    const op = code[b];
    const flags = code[b + F.FLAGS];
    const sf = (flags & FLAG_SF) !== 0;
    const rt = code[b + F.RT];
    const rn = code[b + F.RN];
    let r: Step = Step.OK;
    switch (op) {
      case Op.NOP:
        break;
      case Op.MOVI:
        this.setReg(c, rt, code[b + F.IMM_LO], sf ? code[b + F.IMM_HI] : 0, 0, 0);
        break;
      case Op.MOVK: {
        const sh = code[b + F.EXTRA];
        const imm = code[b + F.IMM_LO] & 0xffff;
        let lo = c.regLo[rt], hi = c.regHi[rt];
        if (sh < 32) lo = (lo & ~(0xffff << sh)) | (imm << sh);
        else hi = (hi & ~(0xffff << (sh - 32))) | (imm << (sh - 32));
        this.setReg(c, rt, lo, sf ? hi : 0, c.regV[rt], c.regP[rt]);
        break;
      }
      case Op.ADD: case Op.SUB: case Op.ADDS: case Op.SUBS: {
        this.operand2(c, b, flags, sf);
        const sub = op === Op.SUB || op === Op.SUBS;
        const bLo = sub ? ~R[LO] : R[LO], bHi = sub ? ~R[HI] : R[HI];
        addc(c.regLo[rn], c.regHi[rn], bLo, bHi, sub ? 1 : 0, sf);
        const v = max(c.regV[rn], this.op2V), p = max(c.regP[rn], this.op2P);
        this.setReg(c, rt, R[LO], R[HI], v, p);
        if (op === Op.ADDS || op === Op.SUBS) this.setFlags(c, R[NZCV], v, p);
        break;
      }
      case Op.AND: case Op.ANDS: case Op.ORR: case Op.EOR: {
        this.operand2(c, b, flags, sf);
        let lo: number, hi: number;
        if (op === Op.ORR) { lo = c.regLo[rn] | R[LO]; hi = c.regHi[rn] | R[HI]; }
        else if (op === Op.EOR) { lo = c.regLo[rn] ^ R[LO]; hi = c.regHi[rn] ^ R[HI]; }
        else { lo = c.regLo[rn] & R[LO]; hi = c.regHi[rn] & R[HI]; }
        if (!sf) hi = 0;
        const v = max(c.regV[rn], this.op2V), p = max(c.regP[rn], this.op2P);
        this.setReg(c, rt, lo, hi, v, p);
        if (op === Op.ANDS) {
          const neg = sf ? hi >>> 31 : lo >>> 31;
          this.setFlags(c, (neg << 3) | ((lo | hi) === 0 ? 4 : 0), v, p);
        }
        break;
      }
      case Op.LSL: case Op.LSR: case Op.ASR: case Op.ROR: {
        let amt: number, v = c.regV[rn], p = c.regP[rn];
        if ((flags & FLAG_IMM2) !== 0) amt = code[b + F.IMM_LO];
        else {
          const m = code[b + F.RM];
          amt = c.regLo[m];
          v = max(v, c.regV[m]);
          p = max(p, c.regP[m]);
        }
        shift(c.regLo[rn], c.regHi[rn], op === Op.LSL ? Shift.LSL : op === Op.LSR ? Shift.LSR : op === Op.ASR ? Shift.ASR : Shift.ROR, amt, sf);
        this.setReg(c, rt, R[LO], R[HI], v, p);
        break;
      }
      case Op.MUL: {
        const m = code[b + F.RM];
        mul64(c.regLo[rn], c.regHi[rn], c.regLo[m], c.regHi[m]);
        this.setReg(c, rt, R[LO], sf ? R[HI] : 0, max(c.regV[rn], c.regV[m]), max(c.regP[rn], c.regP[m]));
        break;
      }
      case Op.MADD: case Op.MSUB: case Op.SMADDL: case Op.SMSUBL: case Op.UMADDL: case Op.UMSUBL: {
        const m = code[b + F.RM], a = code[b + F.EXTRA];
        let nLo = c.regLo[rn], nHi = c.regHi[rn], mLo = c.regLo[m], mHi = c.regHi[m];
        if (op === Op.SMADDL || op === Op.SMSUBL) { nHi = nLo >> 31; mHi = mLo >> 31; }
        else if (op === Op.UMADDL || op === Op.UMSUBL) { nHi = 0; mHi = 0; }
        mul64(nLo, nHi, mLo, mHi);
        const sub = op === Op.MSUB || op === Op.SMSUBL || op === Op.UMSUBL;
        addc(c.regLo[a], c.regHi[a], sub ? ~R[LO] : R[LO], sub ? ~R[HI] : R[HI], sub ? 1 : 0, sf);
        this.setReg(c, rt, R[LO], R[HI], max(max(c.regV[rn], c.regV[m]), c.regV[a]), max(max(c.regP[rn], c.regP[m]), c.regP[a]));
        break;
      }
      case Op.SMULH: case Op.UMULH: case Op.SDIV: case Op.UDIV: {
        const m = code[b + F.RM];
        if (op === Op.SMULH || op === Op.UMULH) mulHigh(c.regLo[rn], c.regHi[rn], c.regLo[m], c.regHi[m], op === Op.SMULH);
        else divide(c.regLo[rn], c.regHi[rn], c.regLo[m], c.regHi[m], op === Op.SDIV, sf);
        this.setReg(c, rt, R[LO], R[HI], max(c.regV[rn], c.regV[m]), max(c.regP[rn], c.regP[m]));
        break;
      }
      case Op.UBFM: case Op.SBFM: case Op.BFM: {
        const kind = op === Op.UBFM ? UBFM : op === Op.SBFM ? SBFM : BFM;
        bitfield(kind, c.regLo[rn], c.regHi[rn], c.regLo[rt], c.regHi[rt], code[b + F.IMM_LO], code[b + F.IMM_HI], sf);
        let v = c.regV[rn], p = c.regP[rn];
        if (op === Op.BFM) { v = max(v, c.regV[rt]); p = max(p, c.regP[rt]); }
        this.setReg(c, rt, R[LO], R[HI], v, p);
        break;
      }
      case Op.EXTR: {
        const m = code[b + F.RM];
        extract(c.regLo[rn], c.regHi[rn], c.regLo[m], c.regHi[m], code[b + F.IMM_LO], sf);
        this.setReg(c, rt, R[LO], R[HI], max(c.regV[rn], c.regV[m]), max(c.regP[rn], c.regP[m]));
        break;
      }
      case Op.BIC: case Op.BICS: case Op.ORN: case Op.EON: {
        this.operand2(c, b, flags, sf);
        const mLo = ~R[LO], mHi = ~R[HI];
        let lo: number, hi: number;
        if (op === Op.ORN) { lo = c.regLo[rn] | mLo; hi = c.regHi[rn] | mHi; }
        else if (op === Op.EON) { lo = c.regLo[rn] ^ mLo; hi = c.regHi[rn] ^ mHi; }
        else { lo = c.regLo[rn] & mLo; hi = c.regHi[rn] & mHi; }
        if (!sf) hi = 0;
        const v = max(c.regV[rn], this.op2V), p = max(c.regP[rn], this.op2P);
        this.setReg(c, rt, lo, hi, v, p);
        if (op === Op.BICS) this.setFlags(c, (((sf ? hi : lo) >>> 31) << 3) | ((lo | hi) === 0 ? 4 : 0), v, p);
        break;
      }
      case Op.ADC: case Op.ADCS: case Op.SBC: case Op.SBCS: {
        this.operand2(c, b, flags, sf);
        const sub = op === Op.SBC || op === Op.SBCS;
        const carry = (st[S.NZCV] >> 1) & 1;
        addc(c.regLo[rn], c.regHi[rn], sub ? ~R[LO] : R[LO], sub ? ~R[HI] : R[HI], carry, sf);
        // The carry flag is data: its views join the operands'.
        const v = max(max(c.regV[rn], this.op2V), st[S.FLAGS_V]), p = max(max(c.regP[rn], this.op2P), st[S.FLAGS_P]);
        this.setReg(c, rt, R[LO], R[HI], v, p);
        if (op === Op.ADCS || op === Op.SBCS) this.setFlags(c, R[NZCV], v, p);
        break;
      }
      case Op.CCMP: case Op.CCMN: {
        // The flags become either the comparison's (data from the operands) or the immediate:
        // which one is chosen by the old flags, a pick like CSEL's.
        const fPlus = max(st[S.FLAGS_V], st[S.FLAGS_P]);
        if (condHolds(st[S.NZCV], code[b + F.EXTRA])) {
          // The immediate form's 5-bit immediate is IMM_LO alone (IMM_HI holds the nzcv).
          if ((flags & FLAG_IMM2) !== 0) { R[LO] = code[b + F.IMM_LO]; R[HI] = 0; this.op2V = 0; this.op2P = 0; }
          else this.operand2(c, b, flags, sf);
          const neg = op === Op.CCMP;
          addc(c.regLo[rn], c.regHi[rn], neg ? ~R[LO] : R[LO], neg ? ~R[HI] : R[HI], neg ? 1 : 0, sf);
          this.setFlags(c, R[NZCV], max(c.regV[rn], this.op2V), max(max(c.regP[rn], this.op2P), fPlus));
        } else {
          this.setFlags(c, code[b + F.IMM_HI] & 0xf, 0, fPlus);
        }
        break;
      }
      case Op.CLZ: case Op.CLS: case Op.RBIT: case Op.REV: case Op.REV16: case Op.REV32: {
        const lo = c.regLo[rn], hi = c.regHi[rn];
        if (op === Op.CLZ || op === Op.CLS) {
          R[LO] = op === Op.CLZ ? countLeadingZeros(lo, hi, sf) : countLeadingSigns(lo, hi, sf);
          R[HI] = 0;
        } else if (op === Op.RBIT) reverseBits(lo, hi, sf);
        else reverseBytes(op === Op.REV ? REV_ALL : op === Op.REV16 ? REV_HALVES : REV_WORDS, lo, hi, sf);
        this.setReg(c, rt, R[LO], R[HI], c.regV[rn], c.regP[rn]);
        break;
      }
      case Op.MRS:
        this.setReg(c, rt, st[S.TPIDR_LO], st[S.TPIDR_HI], st[S.TPIDR_V], st[S.TPIDR_P]);
        break;
      case Op.MSR:
        st[S.TPIDR_LO] = c.regLo[rt];
        st[S.TPIDR_HI] = c.regHi[rt];
        st[S.TPIDR_V] = c.regV[rt];
        st[S.TPIDR_P] = c.regP[rt];
        break;
      case Op.TRAP:
        if (code[b + F.EXTRA] === 2) return this.fail('branch to address 0: a call through a null function pointer', c);
        return this.fail(`trap: '${code[b + F.EXTRA] === 0 ? 'brk' : 'udf'} #${code[b + F.IMM_LO]}' executed (a __builtin_trap or a failed check)`, c);
      case Op.CSEL: case Op.CSINC: case Op.CSINV: case Op.CSNEG: {
        const m = code[b + F.RM];
        const fv = st[S.FLAGS_V], fp = st[S.FLAGS_P];
        const fPlus = max(fv, fp);
        if (condHolds(st[S.NZCV], code[b + F.EXTRA])) {
          this.setReg(c, rt, c.regLo[rn], sf ? c.regHi[rn] : 0, c.regV[rn], max(c.regP[rn], fPlus));
        } else {
          let lo = c.regLo[m], hi = sf ? c.regHi[m] : 0;
          if (op === Op.CSINC) { addc(lo, hi, 1, 0, 0, sf); lo = R[LO]; hi = R[HI]; }
          else if (op === Op.CSINV) { lo = ~lo; hi = sf ? ~hi : 0; }
          else if (op === Op.CSNEG) { addc(~lo, ~hi, 1, 0, 0, sf); lo = R[LO]; hi = R[HI]; }
          this.setReg(c, rt, lo, hi, c.regV[m], max(c.regP[m], fPlus));
        }
        break;
      }
      // ---------------------------------------------------------- branches
      case Op.B:
        st[S.PC] = code[b + F.IMM_LO];
        return this.stepped(c, pc);
      case Op.BL:
        this.setReg(c, 30, pc + 1, 0, 0, 0);
        st[S.PC] = code[b + F.IMM_LO];
        return this.stepped(c, pc);
      case Op.BCOND: {
        st[S.V_CAP] = max(st[S.V_CAP], max(st[S.FLAGS_V], st[S.FLAGS_P]));
        st[S.PC] = condHolds(st[S.NZCV], code[b + F.EXTRA]) ? code[b + F.IMM_LO] : pc + 1;
        return this.stepped(c, pc);
      }
      case Op.CBZ: case Op.CBNZ: case Op.TBZ: case Op.TBNZ: {
        st[S.V_CAP] = max(st[S.V_CAP], max(c.regV[rt], c.regP[rt]));
        let zero: boolean;
        if (op === Op.CBZ || op === Op.CBNZ) zero = c.regLo[rt] === 0 && (!sf || c.regHi[rt] === 0);
        else {
          const bit = code[b + F.EXTRA];
          zero = ((bit < 32 ? c.regLo[rt] >>> bit : c.regHi[rt] >>> (bit - 32)) & 1) === 0;
        }
        const taken = op === Op.CBZ || op === Op.TBZ ? zero : !zero;
        st[S.PC] = taken ? code[b + F.IMM_LO] : pc + 1;
        return this.stepped(c, pc);
      }
      case Op.BR: case Op.BLR: case Op.RET: {
        st[S.V_CAP] = max(st[S.V_CAP], max(c.regV[rn], c.regP[rn]));
        const target = c.regLo[rn];
        if (c.regHi[rn] !== 0 || target < 0 || target * INSN_WORDS >= code.length) {
          return this.fail(`branch to a non-code address 0x${(c.regHi[rn] !== 0 ? (c.regHi[rn] >>> 0).toString(16) + (c.regLo[rn] >>> 0).toString(16).padStart(8, '0') : (c.regLo[rn] >>> 0).toString(16))} (code addresses are instruction indices: asm/README.md)`, c);
        }
        // The linker's null guard (a trap at pc 0): the error is the branch's, at its line.
        if (target === 0 && code[F.OP] === Op.TRAP && code[F.EXTRA] === 2) return this.fail('branch to address 0: a call through a null function pointer', c);
        if (op === Op.BLR) this.setReg(c, 30, pc + 1, 0, 0, 0);
        st[S.PC] = target;
        return this.stepped(c, pc);
      }
      // ---------------------------------------------------------- memory
      case Op.LDR: case Op.STR: case Op.LDP: case Op.STP:
        r = this.loadStore(c, b, op, flags, sf, rt, rn);
        break;
      case Op.STXR:
        if (this.mode === Mode.RUN || (this.mode === Mode.SOLO && this.params.plainLookahead)) return Step.STOP;
        st[S.EFFECTS]++;
        r = this.storeExclusive(c, b, flags, sf, rt, rn);
        break;
      case Op.SWP: case Op.CAS: case Op.LDADD: case Op.LDCLR: case Op.LDEOR: case Op.LDSET:
      case Op.LDSMAX: case Op.LDSMIN: case Op.LDUMAX: case Op.LDUMIN:
        if (this.mode === Mode.RUN || (this.mode === Mode.SOLO && this.params.plainLookahead)) return Step.STOP;
        st[S.EFFECTS]++;
        r = this.atomic(c, b, op, flags, sf, rt, rn);
        break;
      case Op.DMB: {
        const kind = barrierKind(this.params.model, code[b + F.EXTRA]);
        if (kind === Barrier.FULL) fullBarrier(st);
        else if (kind === Barrier.LD) raiseFloors(st, st[S.V_RO_LD]);
        else {
          st[S.V_WN] = max(st[S.V_WN], st[S.V_WO]);
        }
        break;
      }
      case Op.ISB:
        st[S.V_RN] = max(st[S.V_RN], st[S.V_CAP]);
        break;
      case Op.CLREX:
        st[S.XCL_LOC] = -1;
        break;
      case Op.SVC:
        if (this.mode !== Mode.BOUNDARY) return Step.STOP;
        if (st[S.N_PROM] !== 0) return Step.ABORT;
        st[S.XCL_LOC] = -1;
        return this.kernel.call(this, c);
      case Op.HALT:
        if (this.mode === Mode.SOLO) return Step.STOP;
        if (st[S.N_PROM] !== 0) return Step.ABORT;
        st[S.STATUS] = Status.HALTED;
        st[S.STEPS]++;
        return Step.DONE;
      default:
        return this.fail(`undecodable instruction (op ${op})`, c);
    }
    if (r !== Step.OK) return r;
    st[S.PC] = pc + 1;
    return this.stepped(c, pc);
  }

  /** Common tail of an executed instruction: count it and check outstanding promises. */
  private stepped(c: CoreState, pc: number): Step {
    const st = c.s;
    st[S.STEPS]++;
    if (this.observer !== null) this.observer.step(this, c, pc);
    if (st[S.N_PROM] !== 0 && this.promiseDead(c)) return Step.ABORT;
    if (st[S.PC] * INSN_WORDS >= this.code.length) return this.fail('ran past the end of the code', c);
    return Step.OK;
  }

  /** A promise can never be fulfilled once the views that bound every later write pass it. */
  private promiseDead(c: CoreState): boolean {
    const st = c.s;
    const floor = max(st[S.V_WN], st[S.V_CAP]);
    for (let i = 0; i < st[S.N_PROM]; i++) {
      const p = st[S.PROM0 + i];
      if (floor >= p || c.cohOf(this.log.loc[p], this.log.mask[p]) >= p) return true;
    }
    return false;
  }

  private setFlags(c: CoreState, nzcv: number, v: number, p: number): void {
    c.s[S.NZCV] = nzcv;
    c.s[S.FLAGS_V] = v;
    c.s[S.FLAGS_P] = p;
  }
}
