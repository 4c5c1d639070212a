// The core step: executes one decoded instruction of one core against the shared message log
// plus the core's own write buffer, under the Promising-ARM view rules (emu/README.md §Rules).
// This is the hot path: no allocation, results go through fields instead of returned objects.
//
// Three modes:
//   RUN       an epoch's run phase: stops (without executing) at store-exclusives, atomics,
//             system calls, and at any read whose pre-view reaches past the frozen log, since
//             other cores' writes of this epoch would be timestamped below it.
//   BOUNDARY  one such stopped instruction, executed by the coordinator against the full log.
//   SOLO      a promise lookahead: the core runs alone, nothing stops it but system calls.
import * as isa from '../../isa/instructions.ts';
import { DATA_BASE as DATA_BASE_IMPORT } from '../../isa/program.ts';
import * as cs from './core-state.ts';
import { MSG_PROMISE as MSG_PROMISE_IMPORT, type MessageLog } from '../memory/message-log.ts';
import * as model from '../model/memory-model.ts';
import type { TrialParams } from '../model/params.ts';
import * as prng from '../model/prng.ts';
import type { Rng } from '../model/prng.ts';
import type { CoreState } from './core-state.ts';
import type { Tracer } from '../observe/tracer.ts';
import type { Timer } from '../../bench/timing/timer.ts';
import * as wb from '../memory/write-buffer.ts';
import type { WriteBuffer } from '../memory/write-buffer.ts';

// tsx loads these modules through its CommonJS transform, where every use of an imported
// binding is a getter call (a switch over `Op.X` cases evaluated ~50 of them per
// instruction). The hot path reads module-local aliases instead.
const {
  ADDR_MASK, ADDR_SHIFT, AddrMode, Barrier, F, FLAG_ACQ, FLAG_ACQPC, FLAG_EXCL, FLAG_IMM2,
  FLAG_REL, FLAG_SF, INSN_WORDS, Op, REG_ZR, SHAMT_MASK, SHAMT_SHIFT, SHTYPE_MASK, SHTYPE_SHIFT, Shift,
} = isa;
const { MAX_PLAN, S, Status } = cs;
const { ReadOrd } = model;
type ReadOrd = model.ReadOrd;
const { below, chance } = prng;
const { W_HIGH, W_NARROW } = wb;
const DATA_BASE = DATA_BASE_IMPORT;
const MSG_PROMISE = MSG_PROMISE_IMPORT;

export enum Mode {
  RUN = 0,
  BOUNDARY = 1,
  SOLO = 2,
}

export enum Step {
  OK = 0,
  /** Not executed: the instruction must wait for the coordinator (boundary op). */
  STOP = 1,
  /** The core halted, exited or blocked. */
  DONE = 2,
  /** The trial cannot complete (unfulfillable promise): restart it. */
  ABORT = 3,
  /** The program did something undefined: `error` verdict, see Executor.error. */
  ERROR = 4,
}

/** The kernel: system calls are boundary ops (emu/kernel.ts). */
export interface KernelCalls {
  call(ex: Executor, core: CoreState): Step;
}

/** Choice encoding in plans and lookahead records: a read's message (>= 0), or own latest write. */
const OWN_LATEST = -1;

/** A write seen during a lookahead, for choosing a promise (emu/promises.ts). */
export class LookaheadWrites {
  length = 0;
  loc = new Int32Array(256);
  lo = new Int32Array(256);
  hi = new Int32Array(256);
  /** 1 if the write could be promised now (pre and coherence views within the log). */
  promisable = new Int32Array(256);
  /** Choices recorded before this write completed. */
  choicePos = new Int32Array(256);
  pc = new Int32Array(256);
  push(loc: number, lo: number, hi: number, promisable: number, choicePos: number, pc: number): void {
    if (this.length === this.loc.length) return; // bounded by the lookahead length anyway
    const i = this.length++;
    this.loc[i] = loc;
    this.lo[i] = lo;
    this.hi[i] = hi;
    this.promisable[i] = promisable;
    this.choicePos[i] = choicePos;
    this.pc[i] = pc;
  }
}

// Results of the 64-bit helpers (module scratch: the step loop is single-threaded).
let R_LO = 0;
let R_HI = 0;
let R_NZCV = 0;

function addc(aLo: number, aHi: number, bLo: number, bHi: number, cin: number, sf: boolean): void {
  if (sf) {
    const l = (aLo >>> 0) + (bLo >>> 0) + cin;
    const c1 = l > 0xffffffff ? 1 : 0;
    const h = (aHi >>> 0) + (bHi >>> 0) + c1;
    R_LO = l | 0;
    R_HI = h | 0;
    const c = h > 0xffffffff ? 1 : 0;
    const v = (~(aHi ^ bHi) & (aHi ^ R_HI)) >>> 31;
    R_NZCV = ((R_HI >>> 31) << 3) | ((R_LO | R_HI) === 0 ? 4 : 0) | (c << 1) | v;
  } else {
    const l = (aLo >>> 0) + (bLo >>> 0) + cin;
    R_LO = l | 0;
    R_HI = 0;
    const c = l > 0xffffffff ? 1 : 0;
    const v = (~(aLo ^ bLo) & (aLo ^ R_LO)) >>> 31;
    R_NZCV = ((R_LO >>> 31) << 3) | (R_LO === 0 ? 4 : 0) | (c << 1) | v;
  }
}

function shift(lo: number, hi: number, type: number, s: number, sf: boolean): void {
  if (!sf) {
    s &= 31;
    if (s === 0) { R_LO = lo; R_HI = 0; return; }
    switch (type) {
      case Shift.LSL: R_LO = lo << s; break;
      case Shift.LSR: R_LO = lo >>> s; break;
      case Shift.ASR: R_LO = lo >> s; break;
      default: R_LO = (lo >>> s) | (lo << (32 - s));
    }
    R_HI = 0;
    return;
  }
  s &= 63;
  if (s === 0) { R_LO = lo; R_HI = hi; return; }
  switch (type) {
    case Shift.LSL:
      if (s < 32) { R_HI = (hi << s) | (lo >>> (32 - s)); R_LO = lo << s; } else { R_HI = lo << (s - 32); R_LO = 0; }
      return;
    case Shift.LSR:
      if (s < 32) { R_LO = (lo >>> s) | (hi << (32 - s)); R_HI = hi >>> s; } else { R_LO = hi >>> (s - 32); R_HI = 0; }
      return;
    case Shift.ASR:
      if (s < 32) { R_LO = (lo >>> s) | (hi << (32 - s)); R_HI = hi >> s; } else { R_LO = hi >> (s - 32); R_HI = hi >> 31; }
      return;
    default: {
      // ROR: (x >>> s) | (x << (64 - s))
      shift(lo, hi, Shift.LSR, s, true);
      const aLo = R_LO, aHi = R_HI;
      shift(lo, hi, Shift.LSL, 64 - s, true);
      R_LO |= aLo;
      R_HI |= aHi;
    }
  }
}

function condHolds(nzcv: number, cond: number): boolean {
  const n = (nzcv >> 3) & 1, z = (nzcv >> 2) & 1, c = (nzcv >> 1) & 1, v = nzcv & 1;
  let r: boolean;
  switch (cond >> 1) {
    case 0: r = z === 1; break; // EQ
    case 1: r = c === 1; break; // CS
    case 2: r = n === 1; break; // MI
    case 3: r = v === 1; break; // VS
    case 4: r = c === 1 && z === 0; break; // HI
    case 5: r = n === v; break; // GE
    case 6: r = z === 0 && n === v; break; // GT
    default: return true; // AL, NV
  }
  return (cond & 1) === 1 ? !r : r;
}

const max = (a: number, b: number): number => (a > b ? a : b);

export class Executor {
  code: Int32Array;
  log: MessageLog;
  params: TrialParams;
  kernel: KernelCalls;
  words: number;
  /** Log length frozen for this phase; buffered writes get timestamps above it. */
  n = 0;
  epoch = 0;
  mode: Mode = Mode.RUN;
  rng!: Rng;
  buf!: WriteBuffer;
  /** After Step.ERROR: what went wrong, on which core, at which instruction. */
  error = '';
  errorCore = -1;
  errorPc = -1;
  /** Set by `hangar replay` only. */
  tracer: Tracer | null = null;
  /** Cycle accounting (emu/timing.ts), set by `npm run bench` only; it observes, never steers. */
  timer: Timer | null = null;
  /** Lookahead record (SOLO mode). */
  readonly rec = new Int32Array(MAX_PLAN);
  recLen = 0;
  readonly recWrites = new LookaheadWrites();
  /** Scratch for read candidates. */
  private cand = new Int32Array(64);

  // Results of the last read (value, post view, pick view, timestamp).
  rLo = 0;
  rHi = 0;
  rPost = 0;
  rP = 0;
  rTs = 0;
  /** Timestamp of the last write. */
  wTs = 0;

  constructor(code: Int32Array, log: MessageLog, params: TrialParams, kernel: KernelCalls) {
    this.code = code;
    this.log = log;
    this.params = params;
    this.kernel = kernel;
    this.words = log.locations;
  }

  /** Runs up to `budget` instructions; returns the Step that ended the burst (OK = budget used). */
  run(c: CoreState, budget: number): Step {
    for (let i = 0; i < budget; i++) {
      if (c.s[S.STATUS] !== Status.RUNNING) return Step.DONE;
      const r = this.step(c);
      if (r !== Step.OK) return r;
    }
    return Step.OK;
  }

  fail(msg: string, c: CoreState): Step {
    this.error = msg;
    this.errorCore = c.id;
    this.errorPc = c.s[S.PC];
    return Step.ERROR;
  }

  // ---------------------------------------------------------------- registers

  private setReg(c: CoreState, r: number, lo: number, hi: number, v: number, p: number): void {
    if (r === REG_ZR) return;
    c.regLo[r] = lo;
    c.regHi[r] = hi;
    c.regV[r] = v;
    c.regP[r] = p;
  }

  /** Second operand of an ALU op into R_LO/R_HI; returns [v, p] packed via fields. */
  private op2V = 0;
  private op2P = 0;
  private operand2(c: CoreState, b: number, flags: number, sf: boolean): void {
    const code = this.code;
    if ((flags & FLAG_IMM2) !== 0) {
      R_LO = code[b + F.IMM_LO];
      R_HI = sf ? code[b + F.IMM_HI] : 0;
      this.op2V = 0;
      this.op2P = 0;
      return;
    }
    const m = code[b + F.RM];
    shift(c.regLo[m], c.regHi[m], (flags & SHTYPE_MASK) >> SHTYPE_SHIFT, (flags & SHAMT_MASK) >> SHAMT_SHIFT, sf);
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
        const bLo = sub ? ~R_LO : R_LO, bHi = sub ? ~R_HI : R_HI;
        addc(c.regLo[rn], c.regHi[rn], bLo, bHi, sub ? 1 : 0, sf);
        const v = max(c.regV[rn], this.op2V), p = max(c.regP[rn], this.op2P);
        this.setReg(c, rt, R_LO, R_HI, v, p);
        if (op === Op.ADDS || op === Op.SUBS) this.setFlags(c, R_NZCV, v, p);
        break;
      }
      case Op.AND: case Op.ANDS: case Op.ORR: case Op.EOR: {
        this.operand2(c, b, flags, sf);
        let lo: number, hi: number;
        if (op === Op.ORR) { lo = c.regLo[rn] | R_LO; hi = c.regHi[rn] | R_HI; }
        else if (op === Op.EOR) { lo = c.regLo[rn] ^ R_LO; hi = c.regHi[rn] ^ R_HI; }
        else { lo = c.regLo[rn] & R_LO; hi = c.regHi[rn] & R_HI; }
        if (!sf) hi = 0;
        const v = max(c.regV[rn], this.op2V), p = max(c.regP[rn], this.op2P);
        this.setReg(c, rt, lo, hi, v, p);
        if (op === Op.ANDS) {
          const neg = sf ? hi >>> 31 : lo >>> 31;
          this.setFlags(c, (neg << 3) | ((lo | hi) === 0 ? 4 : 0), v, p);
        }
        break;
      }
      case Op.LSL: case Op.LSR: case Op.ASR: {
        let amt: number, v = c.regV[rn], p = c.regP[rn];
        if ((flags & FLAG_IMM2) !== 0) amt = code[b + F.IMM_LO];
        else {
          const m = code[b + F.RM];
          amt = c.regLo[m];
          v = max(v, c.regV[m]);
          p = max(p, c.regP[m]);
        }
        shift(c.regLo[rn], c.regHi[rn], op === Op.LSL ? Shift.LSL : op === Op.LSR ? Shift.LSR : Shift.ASR, amt, sf);
        this.setReg(c, rt, R_LO, R_HI, v, p);
        break;
      }
      case Op.MUL: {
        const m = code[b + F.RM];
        const prod = BigInt.asUintN(64, c.reg(rn) * c.reg(m));
        const lo = Number(prod & 0xffffffffn) | 0;
        const hi = sf ? Number(prod >> 32n) | 0 : 0;
        this.setReg(c, rt, lo, hi, max(c.regV[rn], c.regV[m]), max(c.regP[rn], c.regP[m]));
        break;
      }
      case Op.CSEL: case Op.CSINC: case Op.CSINV: case Op.CSNEG: {
        const m = code[b + F.RM];
        const fv = st[S.FLAGS_V], fp = st[S.FLAGS_P];
        const fPlus = max(fv, fp);
        if (condHolds(st[S.NZCV], code[b + F.EXTRA])) {
          this.setReg(c, rt, c.regLo[rn], sf ? c.regHi[rn] : 0, c.regV[rn], max(c.regP[rn], fPlus));
        } else {
          let lo = c.regLo[m], hi = sf ? c.regHi[m] : 0;
          if (op === Op.CSINC) { addc(lo, hi, 1, 0, 0, sf); lo = R_LO; hi = R_HI; }
          else if (op === Op.CSINV) { lo = ~lo; hi = sf ? ~hi : 0; }
          else if (op === Op.CSNEG) { addc(~lo, ~hi, 1, 0, 0, sf); lo = R_LO; hi = R_HI; }
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
      case Op.BR: case Op.RET: {
        st[S.V_CAP] = max(st[S.V_CAP], max(c.regV[rn], c.regP[rn]));
        const target = c.regLo[rn];
        if (c.regHi[rn] !== 0 || target < 0 || target * INSN_WORDS >= code.length) {
          return this.fail(`branch to a non-code address 0x${(c.regLo[rn] >>> 0).toString(16)}`, c);
        }
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
        if (this.mode === Mode.RUN || (this.mode === Mode.SOLO && this.params.plainLookahead)) return Step.STOP;
        st[S.EFFECTS]++;
        r = this.atomic(c, b, op, flags, sf, rt, rn);
        break;
      case Op.DMB: {
        const kind = this.params.model.fenceFull ? Barrier.FULL : code[b + F.EXTRA];
        if (kind === Barrier.FULL) {
          const all = max(st[S.V_RO], st[S.V_WO]);
          st[S.V_RN] = max(st[S.V_RN], all);
          st[S.V_WN] = max(st[S.V_WN], all);
        } else if (kind === Barrier.LD) {
          st[S.V_RN] = max(st[S.V_RN], st[S.V_RO_LD]);
          st[S.V_WN] = max(st[S.V_WN], st[S.V_RO_LD]);
        } else {
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
    if (this.timer !== null) this.timer.step(this, c, pc);
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
      if (floor >= p || c.coh[this.log.loc[p]] >= p) return true;
    }
    return false;
  }

  private setFlags(c: CoreState, nzcv: number, v: number, p: number): void {
    c.s[S.NZCV] = nzcv;
    c.s[S.FLAGS_V] = v;
    c.s[S.FLAGS_P] = p;
  }

  // ---------------------------------------------------------------- addressing

  private aLoc = 0;
  private aHalf = 0;
  private aAddr = 0;
  private aV = 0;
  private aP = 0;

  /** Effective address of a memory op into aLoc/aHalf/aV/aP; applies no writeback. */
  private address(c: CoreState, b: number, flags: number, rn: number, size: number, extra: number): boolean {
    const code = this.code;
    const mode = (flags & ADDR_MASK) >> ADDR_SHIFT;
    let lo = c.regLo[rn], hi = c.regHi[rn];
    let v = c.regV[rn], p = c.regP[rn];
    if (mode === AddrMode.OFFSET || mode === AddrMode.PRE) {
      const imm = code[b + F.IMM_LO] + extra;
      addc(lo, hi, imm, imm >> 31, 0, true);
      lo = R_LO; hi = R_HI;
    } else if (mode === AddrMode.POST) {
      if (extra !== 0) { addc(lo, hi, extra, 0, 0, true); lo = R_LO; hi = R_HI; }
    } else {
      const m = code[b + F.RM];
      let iLo = c.regLo[m], iHi = c.regHi[m];
      if (mode === AddrMode.SXTW) iHi = iLo >> 31;
      else if (mode === AddrMode.UXTW) iHi = 0;
      shift(iLo, iHi, Shift.LSL, (flags & SHAMT_MASK) >> SHAMT_SHIFT, true);
      addc(lo, hi, R_LO + 0, R_HI, 0, true);
      addc(R_LO, R_HI, extra, 0, 0, true);
      lo = R_LO; hi = R_HI;
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
    const mode = (flags & ADDR_MASK) >> ADDR_SHIFT;
    if (mode !== AddrMode.PRE && mode !== AddrMode.POST) return;
    const imm = this.code[b + F.IMM_LO];
    addc(c.regLo[rn], c.regHi[rn], imm, imm >> 31, 0, true);
    this.setReg(c, rn, R_LO, R_HI, c.regV[rn], c.regP[rn]);
  }

  private loadStore(c: CoreState, b: number, op: number, flags: number, sf: boolean, rt: number, rn: number): Step {
    const size = sf ? 8 : 4;
    const model = this.params.model;
    const pair = op === Op.LDP || op === Op.STP;
    if (op === Op.LDR || op === Op.LDP) {
      let ord: ReadOrd = (flags & FLAG_ACQ) !== 0 ? ReadOrd.A : (flags & FLAG_ACQPC) !== 0 ? ReadOrd.Q : ReadOrd.PLAIN;
      const ex = (flags & FLAG_EXCL) !== 0;
      if (ord < model.loadFloor) ord = model.loadFloor;
      if (ex && model.rmwFull) ord = ReadOrd.A;
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
    const rel = (flags & FLAG_REL) !== 0 || model.storeRelease;
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

  private readPre(c: CoreState, ord: ReadOrd): number {
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
  private candidates(c: CoreState, loc: number, lb: number): number {
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
  private planned(c: CoreState, k: number, loc: number): number {
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

  /** Read policy: newest with probability pNewest, else uniform. */
  private pick(k: number): number {
    if (k === 1 || chance(this.rng, this.params.pNewest)) return 0;
    return below(this.rng, k);
  }

  private record(choice: number): void {
    if (this.recLen < MAX_PLAN) this.rec[this.recLen++] = choice;
  }

  /** Value of message m for location loc: own buffered writes have timestamps above n. */
  private msgLo(loc: number, m: number): number {
    return m > this.n ? this.buf.lo[m - this.n - 1] : this.log.valueLo(loc, m);
  }

  private msgHi(loc: number, m: number): number {
    return m > this.n ? this.buf.hi[m - this.n - 1] : this.log.valueHi(loc, m);
  }

  /** The value a read of (loc, half, width) gets from message m (for traces, not the hot path). */
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
  private readFrom(c: CoreState, loc: number, half: number, sf: boolean, ord: ReadOrd, ex: boolean, noret: boolean, pre: number, m: number): void {
    const st = c.s;
    if (this.tracer !== null) this.tracer.read(this, c, loc, half, sf, m, m > this.n ? m : this.log.latest[loc]);
    if (this.timer !== null) this.timer.read(this, c, loc, m);
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
  private mergedLo = 0;
  private mergedHi = 0;
  private merge(c: CoreState, loc: number, half: number, sf: boolean, lo: number, hi: number): void {
    if (sf) { this.mergedLo = lo; this.mergedHi = hi; return; }
    const m = c.coh[loc];
    if (half === 0) { this.mergedLo = lo; this.mergedHi = this.msgHi(loc, m); }
    else { this.mergedLo = this.msgLo(loc, m); this.mergedHi = lo; }
  }

  /** The write's pre view (WRITE step 1). */
  private writePre(c: CoreState, rel: boolean, aP: number, dP: number): number {
    const st = c.s;
    let pre = max(max(aP, dP), max(st[S.V_CAP], st[S.V_WN]));
    if (rel) pre = max(pre, max(st[S.V_RO], st[S.V_WO]));
    return pre;
  }

  /** An own outstanding promise that this write can fulfil, oldest first, or 0. `after`: atomicity floor. */
  private fulfilable(c: CoreState, loc: number, lo: number, hi: number, pre: number, atomicFrom: number): number {
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
  otherWriteBetween(c: CoreState, loc: number, from: number, to: number): boolean {
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
  private write(c: CoreState, loc: number, half: number, sf: boolean, lo: number, hi: number, rel: boolean,
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
    if (this.timer !== null) this.timer.write(this, c, loc, t);
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

  // ---------------------------------------------------------------- exclusives

  /** Takes the plan's next choice for a binary decision, or -1 if not guided. */
  private plannedBit(c: CoreState): number {
    const st = c.s;
    if (st[S.N_PROM] === 0 || st[S.PLAN_POS] >= st[S.PLAN_LEN]) return -1;
    return c.plan[st[S.PLAN_POS]++];
  }

  private storeExclusive(c: CoreState, b: number, flags: number, sf: boolean, rt: number, rn: number): Step {
    const st = c.s;
    const model = this.params.model;
    const rs = this.code[b + F.RM];
    const size = sf ? 8 : 4;
    if (!this.address(c, b, flags, rn, size, 0)) return Step.ERROR;
    const loc = this.aLoc;
    const rel = (flags & FLAG_REL) !== 0 || model.storeRelease || model.rmwFull;
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
    if (model.rmwFull) {
      // TSO/SC: a locked RMW is a full barrier.
      st[S.V_RN] = max(st[S.V_RN], this.wTs);
      st[S.V_WN] = max(st[S.V_WN], this.wTs);
    }
    return Step.OK;
  }

  // ---------------------------------------------------------------- LSE atomics

  private atomic(c: CoreState, b: number, op: number, flags: number, sf: boolean, rt: number, rn: number): Step {
    const st = c.s;
    const model = this.params.model;
    const rs = this.code[b + F.RM];
    const size = sf ? 8 : 4;
    if (!this.address(c, b, flags, rn, size, 0)) return Step.ERROR;
    const loc = this.aLoc, half = this.aHalf;
    const isCas = op === Op.CAS;
    const noret = isCas ? rs === REG_ZR : rt === REG_ZR;
    let ordR: ReadOrd = (flags & FLAG_ACQ) !== 0 && !noret ? ReadOrd.A : ReadOrd.PLAIN;
    let rel = (flags & FLAG_REL) !== 0;
    if (model.rmwFull) { ordR = ReadOrd.A; rel = true; }
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
      if (ordR === ReadOrd.A && rel) {
        st[S.V_RN] = max(st[S.V_RN], this.wTs);
        st[S.V_WN] = max(st[S.V_WN], this.wTs);
      }
    }
    if (!noret) {
      const dst = isCas ? rs : rt;
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
      case Op.LDADD: addc(oLo, oHi, sLo, sHi, 0, sf); this.rmwLo = R_LO; this.rmwHi = R_HI; return true;
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
