// Encoders: one per mnemonic, from parsed operands to one decoded instruction record
// (isa/instructions.ts). Each encoder checks what the A64 instruction accepts (operand kinds,
// W/X consistency, SP/ZR where the encoding allows them, immediate ranges) and fills the record.
// Values that may involve labels are handed to the context and written once known.

import {
  ADDR_SHIFT,
  AddrMode,
  Barrier,
  Cond,
  F,
  FLAG_ACQ,
  FLAG_ACQPC,
  FLAG_EXCL,
  FLAG_IMM2,
  FLAG_REL,
  FLAG_SF,
  Op,
  REG_ZR,
  SHAMT_SHIFT,
  SHTYPE_SHIFT,
  Shift,
} from '../../isa/instructions.ts';
import type { SrcText } from '../lexer.ts';
import { isSp, isZr, type ImmOperand, type LiteralOperand, type MemOperand, type Operand, type Reg } from '../operands.ts';

export interface Span {
  start: number;
  end: number;
}

/** What an encoder works with: the statement, its operands and the record being filled. */
export interface EncodeContext {
  readonly src: SrcText;
  /** Lower case. */
  readonly mnemonic: string;
  readonly mnemonicSpan: Span;
  readonly ops: readonly Operand[];
  /** INSN_WORDS words, zero on entry. */
  readonly rec: Int32Array;
  /** A value that must be known now: numbers and .equ symbols defined earlier. */
  constant(o: ImmOperand): bigint;
  /** A value that may use labels: `apply` runs as soon as it is known (at once or after pass 1). */
  value(o: ImmOperand | LiteralOperand, apply: (v: bigint) => void): void;
  /** A branch target, which must be a code label (or '.'): `apply` gets its pc. */
  codeTarget(o: ImmOperand, apply: (pc: number) => void): void;
}

export type Encoder = (c: EncodeContext) => void;

// ---------------------------------------------------------------- operand helpers

function spanText(c: EncodeContext, s: Span): string {
  return c.src.text.slice(s.start, s.end);
}

/** Fails pointing at operand (or span) s. */
function bad(c: EncodeContext, s: Span, expected: string, detail?: string): never {
  return c.src.fail(s.start, spanText(c, s), expected, detail);
}

function operand(c: EncodeContext, i: number, expected: string): Operand {
  const o = c.ops[i];
  if (o === undefined) {
    const after = i === 0 ? c.mnemonicSpan.end : c.ops[c.ops.length - 1].end;
    // Point just past the last thing written.
    return c.src.fail(Math.min(after + (i === 0 ? 1 : 0), c.src.text.length), '', i === 0 ? expected : `',' and ${expected}`);
  }
  return o;
}

function noMoreThan(c: EncodeContext, n: number): void {
  if (c.ops.length > n) bad(c, c.ops[n], 'end of line');
}

interface RegRule {
  sp?: boolean;
  zr?: boolean;
}
const ZR_OK: RegRule = { zr: true };

function regWhat(rule: RegRule): string {
  return `a register (X0-X30${rule.zr ? ', XZR' : ''}${rule.sp ? ', SP' : ''})`;
}

/** Operand i must be a register; SP and ZR only where `rule` allows them. */
function reg(c: EncodeContext, i: number, rule: RegRule = ZR_OK): Reg {
  const what = regWhat(rule);
  const o = operand(c, i, what);
  if (o.k !== 'reg') bad(c, o, what);
  allow(c, i, rule);
  return o.reg;
}

function allow(c: EncodeContext, i: number, rule: RegRule): void {
  const o = c.ops[i];
  if (o.k !== 'reg') return;
  if ((isSp(o.reg) && !rule.sp) || (isZr(o.reg) && !rule.zr)) bad(c, o, regWhat(rule));
}

/** Register operand i must have the same width as `like` (operand j). */
function sameWidth(c: EncodeContext, i: number, r: Reg, like: Reg): void {
  if (r.w === like.w) return;
  bad(c, c.ops[i], `${like.w ? 'a W' : 'an X'} register (to match '${like.name}')`);
}

function xReg(c: EncodeContext, i: number, r: Reg): void {
  if (r.w) bad(c, c.ops[i], 'an X register');
}

function imm(c: EncodeContext, i: number, expected: string): ImmOperand {
  const o = operand(c, i, expected);
  if (o.k !== 'imm') bad(c, o, expected);
  return o;
}

function sf(r: Reg): number {
  return r.w ? 0 : FLAG_SF;
}

function setImm64(rec: Int32Array, v: bigint): void {
  rec[F.IMM_LO] = Number(BigInt.asIntN(32, v));
  rec[F.IMM_HI] = Number(BigInt.asIntN(32, v >> 32n));
}

/** A MOV-style immediate for a W or X destination: checked to fit, truncated for W. */
function widthValue(c: EncodeContext, o: Span, v: bigint, w: boolean): bigint {
  if (!w) return v;
  if (v < -(1n << 31n) || v > 0xffffffffn) bad(c, o, 'a 32-bit value for a W register');
  return BigInt.asUintN(32, v);
}

function inRange(c: EncodeContext, o: Span, v: bigint, lo: bigint, hi: bigint, expected: string): number {
  if (v < lo || v > hi) bad(c, o, expected);
  return Number(v);
}

const COND_NAMES: Record<string, Cond> = {
  eq: Cond.EQ, ne: Cond.NE, cs: Cond.CS, hs: Cond.CS, cc: Cond.CC, lo: Cond.CC, mi: Cond.MI, pl: Cond.PL,
  vs: Cond.VS, vc: Cond.VC, hi: Cond.HI, ls: Cond.LS, ge: Cond.GE, lt: Cond.LT, gt: Cond.GT, le: Cond.LE,
  al: Cond.AL, nv: Cond.NV,
};

function cond(c: EncodeContext, i: number, invertible = false): Cond {
  const expected = invertible ? 'a condition other than AL/NV (EQ, NE, HS, LO, MI, PL, VS, VC, HI, LS, GE, LT, GT, LE)' : 'a condition (EQ, NE, HS, LO, MI, PL, VS, VC, HI, LS, GE, LT, GT, LE, AL)';
  const o = operand(c, i, expected);
  const k = o.k === 'imm' && !o.hash && o.word !== null ? COND_NAMES[o.word.toLowerCase()] : undefined;
  if (k === undefined || (invertible && (k === Cond.AL || k === Cond.NV))) bad(c, o, expected);
  return k;
}

function invert(k: Cond): Cond {
  return (k ^ 1) as Cond;
}

const SHIFT_NAMES: Record<string, Shift> = { lsl: Shift.LSL, lsr: Shift.LSR, asr: Shift.ASR, ror: Shift.ROR };
const ARITH_SHIFTS = [Shift.LSL, Shift.LSR, Shift.ASR];
const LOGIC_SHIFTS = [Shift.LSL, Shift.LSR, Shift.ASR, Shift.ROR];

/** The optional `, <shift> #n` of a shifted-register operand (operand i), as FLAGS bits. */
function shiftFlags(c: EncodeContext, i: number, w: boolean, allowed: readonly Shift[], maxAmount = w ? 31 : 63): number {
  const o = c.ops[i];
  if (o === undefined) return 0;
  const kinds = allowed.map((k) => Shift[k]).join(', ');
  const expected = `a shift (${kinds} #amount)`;
  const type = o.k === 'mod' ? SHIFT_NAMES[o.kind] : undefined;
  if (o.k !== 'mod' || type === undefined || !allowed.includes(type)) bad(c, o, expected);
  if (o.amount === null) bad(c, o, `${expected}: the amount is missing`);
  const n = inRange(c, o.amount, c.constant(o.amount), 0n, BigInt(maxAmount), `a shift amount 0..${maxAmount}`);
  return (n << SHAMT_SHIFT) | (type << SHTYPE_SHIFT);
}

// ---------------------------------------------------------------- ALU

/** ADD/SUB/ADDS/SUBS and CMP/CMN (hasRd false: Rd is the zero register). `alt` is the
 * opposite operation, used for negative immediates as GNU as does (ADD #-4 = SUB #4). */
function addSub(op: Op, alt: Op, setsFlags: boolean, hasRd: boolean): Encoder {
  return (c) => {
    const ni = hasRd ? 1 : 0;
    const anyReg: RegRule = { sp: true, zr: true };
    const n = reg(c, ni, anyReg);
    const d = hasRd ? reg(c, 0, anyReg) : { idx: REG_ZR, w: n.w, name: n.w ? 'wzr' : 'xzr' };
    if (hasRd) sameWidth(c, ni, n, d);
    const o2 = operand(c, ni + 1, 'a register or an #immediate');
    const rec = c.rec;
    rec[F.OP] = op;
    rec[F.RT] = d.idx;
    rec[F.RN] = n.idx;
    if (o2.k === 'imm') {
      // Immediate form: Rd is SP-or-register for ADD/SUB, ZR-or-register for ADDS/SUBS; Rn may be SP.
      if (hasRd) allow(c, 0, setsFlags ? ZR_OK : { sp: true });
      allow(c, ni, { sp: true });
      noMoreThan(c, ni + 3);
      let shift12 = false;
      const sh = c.ops[ni + 2];
      if (sh !== undefined) {
        const expected = 'LSL #0 or LSL #12';
        if (sh.k !== 'mod' || sh.kind !== 'lsl' || sh.amount === null) bad(c, sh, expected);
        const amount = c.constant(sh.amount);
        if (amount !== 0n && amount !== 12n) bad(c, sh, expected);
        shift12 = amount === 12n;
      }
      rec[F.FLAGS] = sf(d) | FLAG_IMM2;
      c.value(o2, (v) => {
        const expected = shift12 ? 'an immediate 0..4095 (before LSL #12)' : 'an immediate 0..4095, or a multiple of 4096 up to 0xfff000';
        if (v < 0n) {
          v = -v;
          rec[F.OP] = alt;
        }
        if (shift12) v = BigInt(inRange(c, o2, v, 0n, 4095n, expected)) << 12n;
        else if (v > 4095n && ((v & 0xfffn) !== 0n || v > 0xfff000n)) bad(c, o2, expected);
        rec[F.IMM_LO] = Number(v);
      });
      return;
    }
    if (o2.k !== 'reg') bad(c, o2, 'a register or an #immediate');
    const m = o2.reg;
    sameWidth(c, ni + 1, m, hasRd ? d : n);
    allow(c, ni + 1, ZR_OK);
    noMoreThan(c, ni + 3);
    // With SP the A64 instruction is the extended-register form: only LSL #0..4 then.
    const extended = isSp(n) || (isSp(d) && !setsFlags);
    if (extended) {
      if (hasRd) allow(c, 0, setsFlags ? ZR_OK : { sp: true });
      allow(c, ni, { sp: true });
      rec[F.FLAGS] = sf(d) | shiftFlags(c, ni + 2, d.w, [Shift.LSL], 4);
    } else {
      if (hasRd) allow(c, 0, ZR_OK);
      allow(c, ni, ZR_OK);
      rec[F.FLAGS] = sf(d) | shiftFlags(c, ni + 2, d.w, ARITH_SHIFTS);
    }
    rec[F.RM] = m.idx;
  };
}

/** AND/ANDS/ORR/EOR and TST (hasRd false). Any immediate is accepted (no bitmask check). */
function logical(op: Op, setsFlags: boolean, hasRd: boolean): Encoder {
  return (c) => {
    const ni = hasRd ? 1 : 0;
    const n = reg(c, ni, ZR_OK);
    const d = hasRd ? reg(c, 0, { sp: true, zr: true }) : { idx: REG_ZR, w: n.w, name: n.w ? 'wzr' : 'xzr' };
    if (hasRd) sameWidth(c, ni, n, d);
    const o2 = operand(c, ni + 1, 'a register or an #immediate');
    const rec = c.rec;
    rec[F.OP] = op;
    rec[F.RT] = d.idx;
    rec[F.RN] = n.idx;
    if (o2.k === 'imm') {
      // The immediate form's Rd is SP-or-register (AND/ORR/EOR) or ZR-or-register (ANDS).
      if (hasRd) allow(c, 0, setsFlags ? ZR_OK : { sp: true });
      noMoreThan(c, ni + 2);
      rec[F.FLAGS] = sf(d) | FLAG_IMM2;
      c.value(o2, (v) => setImm64(rec, widthValue(c, o2, v, d.w)));
      return;
    }
    if (o2.k !== 'reg') bad(c, o2, 'a register or an #immediate');
    if (hasRd) allow(c, 0, ZR_OK);
    allow(c, ni + 1, ZR_OK);
    sameWidth(c, ni + 1, o2.reg, d);
    noMoreThan(c, ni + 3);
    rec[F.RM] = o2.reg.idx;
    rec[F.FLAGS] = sf(d) | shiftFlags(c, ni + 2, d.w, LOGIC_SHIFTS);
  };
}

function shiftOp(op: Op, registerOnly: boolean): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const n = reg(c, 1);
    sameWidth(c, 1, n, d);
    const expected = registerOnly ? 'a register' : 'a register or an #immediate shift amount';
    const o = operand(c, 2, expected);
    noMoreThan(c, 3);
    const rec = c.rec;
    rec[F.OP] = op;
    rec[F.RT] = d.idx;
    rec[F.RN] = n.idx;
    rec[F.FLAGS] = sf(d);
    if (o.k === 'reg') {
      allow(c, 2, ZR_OK);
      sameWidth(c, 2, o.reg, d);
      rec[F.RM] = o.reg.idx;
    } else if (o.k === 'imm' && !registerOnly) {
      rec[F.FLAGS] |= FLAG_IMM2;
      const max = d.w ? 31n : 63n;
      c.value(o, (v) => {
        rec[F.IMM_LO] = inRange(c, o, v, 0n, max, `a shift amount 0..${max}`);
      });
    } else {
      bad(c, o, expected);
    }
  };
}

function threeRegs(op: Op): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const n = reg(c, 1);
    const m = reg(c, 2);
    sameWidth(c, 1, n, d);
    sameWidth(c, 2, m, d);
    noMoreThan(c, 3);
    c.rec[F.OP] = op;
    c.rec[F.RT] = d.idx;
    c.rec[F.RN] = n.idx;
    c.rec[F.RM] = m.idx;
    c.rec[F.FLAGS] = sf(d);
  };
}

/** NEG/NEGS Rd, Rm{, shift} = SUB/SUBS Rd, ZR, Rm{, shift}. */
function neg(op: Op): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const m = reg(c, 1);
    sameWidth(c, 1, m, d);
    noMoreThan(c, 3);
    c.rec[F.OP] = op;
    c.rec[F.RT] = d.idx;
    c.rec[F.RN] = REG_ZR;
    c.rec[F.RM] = m.idx;
    c.rec[F.FLAGS] = sf(d) | shiftFlags(c, 2, d.w, ARITH_SHIFTS);
  };
}

/** MVN Rd, Rm = EOR Rd, Rm, #all-ones (the decoded format has no ORN). */
const mvn: Encoder = (c) => {
  const d = reg(c, 0);
  const m = reg(c, 1);
  sameWidth(c, 1, m, d);
  if (c.ops.length > 2) bad(c, c.ops[2], 'end of line', 'MVN with a shifted operand is not supported by hangar');
  c.rec[F.OP] = Op.EOR;
  c.rec[F.RT] = d.idx;
  c.rec[F.RN] = m.idx;
  c.rec[F.FLAGS] = sf(d) | FLAG_IMM2;
  setImm64(c.rec, d.w ? 0xffffffffn : -1n);
};

const mov: Encoder = (c) => {
  const d = reg(c, 0, { sp: true, zr: true });
  const o = operand(c, 1, 'a register or an #immediate');
  noMoreThan(c, 2);
  const rec = c.rec;
  rec[F.RT] = d.idx;
  rec[F.FLAGS] = sf(d);
  if (o.k === 'reg') {
    sameWidth(c, 1, o.reg, d);
    if (isSp(d) || isSp(o.reg)) {
      // MOV to/from SP is ADD Rd, Rn, #0, where register 31 means SP: no ZR here.
      allow(c, 0, { sp: true });
      allow(c, 1, { sp: true });
      rec[F.OP] = Op.ADD;
      rec[F.RN] = o.reg.idx;
      rec[F.FLAGS] |= FLAG_IMM2;
    } else {
      rec[F.OP] = Op.ORR;
      rec[F.RN] = REG_ZR;
      rec[F.RM] = o.reg.idx;
    }
    return;
  }
  if (o.k !== 'imm') bad(c, o, 'a register or an #immediate');
  rec[F.OP] = Op.MOVI;
  c.value(o, (v) => setImm64(rec, widthValue(c, o, v, d.w)));
};

/** MOVZ/MOVN/MOVK Rd, #imm16{, LSL #s}. */
function movWide(kind: 'z' | 'n' | 'k'): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const o = imm(c, 1, 'an #immediate 0..65535');
    noMoreThan(c, 3);
    let shift = 0;
    const sh = c.ops[2];
    const shifts = d.w ? 'LSL #0 or #16 (W register)' : 'LSL #0, #16, #32 or #48';
    if (sh !== undefined) {
      if (sh.k !== 'mod' || sh.kind !== 'lsl' || sh.amount === null) bad(c, sh, shifts);
      const s = c.constant(sh.amount);
      if (s !== 0n && s !== 16n && (d.w || (s !== 32n && s !== 48n))) bad(c, sh, shifts);
      shift = Number(s);
    }
    const rec = c.rec;
    rec[F.RT] = d.idx;
    rec[F.FLAGS] = sf(d);
    rec[F.OP] = kind === 'k' ? Op.MOVK : Op.MOVI;
    c.value(o, (v) => {
      const chunk = inRange(c, o, v, 0n, 0xffffn, 'an immediate 0..65535');
      if (kind === 'k') {
        rec[F.IMM_LO] = chunk;
        rec[F.EXTRA] = shift;
        return;
      }
      let value = BigInt(chunk) << BigInt(shift);
      if (kind === 'n') value = ~value;
      setImm64(rec, d.w ? BigInt.asUintN(32, value) : value);
    });
  };
}

// ---------------------------------------------------------------- conditional select

function csel(op: Op): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const n = reg(c, 1);
    const m = reg(c, 2);
    sameWidth(c, 1, n, d);
    sameWidth(c, 2, m, d);
    const k = cond(c, 3);
    noMoreThan(c, 4);
    fillCsel(c, op, d, n.idx, m.idx, k);
  };
}

function fillCsel(c: EncodeContext, op: Op, d: Reg, n: number, m: number, k: Cond): void {
  c.rec[F.OP] = op;
  c.rec[F.RT] = d.idx;
  c.rec[F.RN] = n;
  c.rec[F.RM] = m;
  c.rec[F.EXTRA] = k;
  c.rec[F.FLAGS] = sf(d);
}

/** CSET/CSETM Rd, cond = CSINC/CSINV Rd, ZR, ZR, !cond. */
function cset(op: Op): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const k = cond(c, 1, true);
    noMoreThan(c, 2);
    fillCsel(c, op, d, REG_ZR, REG_ZR, invert(k));
  };
}

/** CINC/CINV/CNEG Rd, Rn, cond = CSINC/CSINV/CSNEG Rd, Rn, Rn, !cond. */
function cinc(op: Op): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const n = reg(c, 1);
    sameWidth(c, 1, n, d);
    const k = cond(c, 2, true);
    noMoreThan(c, 3);
    fillCsel(c, op, d, n.idx, n.idx, invert(k));
  };
}

// ---------------------------------------------------------------- branches

function target(c: EncodeContext, i: number): ImmOperand {
  const o = operand(c, i, 'a code label');
  if (o.k !== 'imm' || o.hash) bad(c, o, 'a code label');
  return o;
}

function branch(op: Op, k: Cond | null): Encoder {
  return (c) => {
    const t = target(c, 0);
    noMoreThan(c, 1);
    c.rec[F.OP] = op;
    if (k !== null) c.rec[F.EXTRA] = k;
    c.codeTarget(t, (pc) => {
      c.rec[F.IMM_LO] = pc;
    });
  };
}

const br: Encoder = (c) => {
  const n = reg(c, 0, {});
  xReg(c, 0, n);
  noMoreThan(c, 1);
  c.rec[F.OP] = Op.BR;
  c.rec[F.RN] = n.idx;
};

const ret: Encoder = (c) => {
  c.rec[F.OP] = Op.RET;
  c.rec[F.RN] = 30;
  if (c.ops.length === 0) return;
  const n = reg(c, 0, {});
  xReg(c, 0, n);
  noMoreThan(c, 1);
  c.rec[F.RN] = n.idx;
};

function cbz(op: Op): Encoder {
  return (c) => {
    const t = reg(c, 0);
    const l = target(c, 1);
    noMoreThan(c, 2);
    c.rec[F.OP] = op;
    c.rec[F.RT] = t.idx;
    c.rec[F.FLAGS] = sf(t);
    c.codeTarget(l, (pc) => {
      c.rec[F.IMM_LO] = pc;
    });
  };
}

function tbz(op: Op): Encoder {
  return (c) => {
    const t = reg(c, 0);
    const max = t.w ? 31n : 63n;
    const b = imm(c, 1, `a bit number #0..${max}`);
    const bit = inRange(c, b, c.constant(b), 0n, max, `a bit number #0..${max}${t.w ? ' (W register)' : ''}`);
    const l = target(c, 2);
    noMoreThan(c, 3);
    c.rec[F.OP] = op;
    c.rec[F.RT] = t.idx;
    c.rec[F.EXTRA] = bit;
    c.rec[F.FLAGS] = sf(t);
    c.codeTarget(l, (pc) => {
      c.rec[F.IMM_LO] = pc;
    });
  };
}

/** ADR/ADRP Xd, sym: the address as a MOVI (a code label's address is its pc). */
function adr(page: boolean): Encoder {
  return (c) => {
    const d = reg(c, 0);
    xReg(c, 0, d);
    const o = imm(c, 1, 'a label or an address');
    noMoreThan(c, 2);
    c.rec[F.OP] = Op.MOVI;
    c.rec[F.RT] = d.idx;
    c.rec[F.FLAGS] = FLAG_SF;
    c.value(o, (v) => setImm64(c.rec, page ? v & ~0xfffn : v));
  };
}

// ---------------------------------------------------------------- system

function noOperands(op: Op): Encoder {
  return (c) => {
    noMoreThan(c, 0);
    c.rec[F.OP] = op;
  };
}

/** An optional or required `#imm` in lo..hi; returns its value (0 when absent). */
function sysImm(c: EncodeContext, i: number, hi: number, required: boolean): number {
  if (!required && c.ops[i] === undefined) return 0;
  const expected = `an #immediate 0..${hi}`;
  const o = imm(c, i, expected);
  noMoreThan(c, i + 1);
  return inRange(c, o, c.constant(o), 0n, BigInt(hi), expected);
}

const BARRIERS: Record<string, Barrier> = {
  sy: Barrier.FULL, ish: Barrier.FULL, osh: Barrier.FULL, nsh: Barrier.FULL,
  ld: Barrier.LD, ishld: Barrier.LD, oshld: Barrier.LD, nshld: Barrier.LD,
  st: Barrier.ST, ishst: Barrier.ST, oshst: Barrier.ST, nshst: Barrier.ST,
};
/** CRm values of the named options, for DMB #imm. */
const BARRIER_CRM: Record<number, Barrier> = {
  15: Barrier.FULL, 11: Barrier.FULL, 7: Barrier.FULL, 3: Barrier.FULL,
  13: Barrier.LD, 9: Barrier.LD, 5: Barrier.LD, 1: Barrier.LD,
  14: Barrier.ST, 10: Barrier.ST, 6: Barrier.ST, 2: Barrier.ST,
};

const barrier: Encoder = (c) => {
  const expected = 'a barrier option (SY, ISH, ISHLD, ISHST, LD, ST, OSH, OSHLD, OSHST, NSH, NSHLD, NSHST)';
  const o = operand(c, 0, expected);
  noMoreThan(c, 1);
  let kind: Barrier | undefined;
  if (o.k === 'imm' && o.hash) {
    const crm = c.constant(o);
    kind = crm >= 0n && crm <= 15n ? BARRIER_CRM[Number(crm)] : undefined;
  } else if (o.k === 'imm' && o.word !== null) {
    kind = BARRIERS[o.word.toLowerCase()];
  }
  if (kind === undefined) bad(c, o, expected);
  c.rec[F.OP] = Op.DMB;
  c.rec[F.EXTRA] = kind;
};

const isb: Encoder = (c) => {
  c.rec[F.OP] = Op.ISB;
  const o = c.ops[0];
  noMoreThan(c, 1);
  if (o === undefined) return;
  const ok = o.k === 'imm' && ((o.word !== null && o.word.toLowerCase() === 'sy') || (o.hash && c.constant(o) === 15n));
  if (!ok) bad(c, o, 'SY or nothing');
};

// ---------------------------------------------------------------- memory

/** PRFM <prfop>|#imm, [addr]: a hint with no architectural effect, so a NOP. */
const prefetch: Encoder = (c) => {
  const expected = 'a prefetch operation (like PLDL1KEEP or PSTL1STRM) or #0..31';
  const o = operand(c, 0, expected);
  const named = o.k === 'imm' && !o.hash && o.word !== null && /^p(ld|li|st)l[123](keep|strm)$/i.test(o.word);
  if (!named && !(o.k === 'imm' && o.hash && c.constant(o) >= 0n && c.constant(o) <= 31n)) bad(c, o, expected);
  mem(c, 1);
  noMoreThan(c, 2);
  c.rec[F.OP] = Op.NOP;
};

function mem(c: EncodeContext, i: number): MemOperand {
  const expected = 'a memory operand like [X1] or [X1, #8]';
  const o = operand(c, i, expected);
  if (o.k !== 'mem') bad(c, o, expected);
  return o;
}

/** [Xn] or [Xn, #0] only (exclusives, acquire/release, atomics). */
function baseOnly(c: EncodeContext, i: number): MemOperand {
  const m = mem(c, i);
  const expected = 'a memory operand [Xn] (no offset or writeback)';
  if (m.writeback || m.mod !== null) bad(c, m, expected);
  if (m.offset !== null && (m.offset.k !== 'imm' || c.constant(m.offset) !== 0n)) bad(c, m.offset, 'no offset (or #0)');
  noMoreThan(c, i + 1);
  return m;
}

function writebackConflict(c: EncodeContext, m: MemOperand, regs: Reg[], kind: string): void {
  if (isSp(m.base)) return;
  for (const r of regs) {
    if (r.idx === m.base.idx) {
      bad(c, m, `a base register different from '${r.name}'`, `${kind} with writeback where the base register is also a transfer register ('${r.name}') is CONSTRAINED UNPREDICTABLE in the Arm ARM; hangar rejects it`);
    }
  }
}

/** LDR/STR (and LDUR/STUR when `unscaled`): every addressing mode plus LDR =value. */
function loadStore(op: Op, unscaled: boolean): Encoder {
  return (c) => {
    const t = reg(c, 0);
    const rec = c.rec;
    rec[F.OP] = op;
    rec[F.RT] = t.idx;
    rec[F.FLAGS] = sf(t);
    const o1 = operand(c, 1, 'a memory operand like [X1] or [X1, #8]');
    if (o1.k === 'lit' && op === Op.LDR && !unscaled) {
      // LDR Rt, =value: a MOVI of the value (or address).
      noMoreThan(c, 2);
      rec[F.OP] = Op.MOVI;
      c.value(o1, (v) => setImm64(rec, widthValue(c, o1, v, t.w)));
      return;
    }
    const m = mem(c, 1);
    rec[F.RN] = m.base.idx;
    const size = t.w ? 4 : 8;
    const simm9 = 'an offset -256..255';
    const post = c.ops[2];
    noMoreThan(c, 3);
    if (post !== undefined) {
      if (unscaled) bad(c, post, 'end of line');
      if (post.k !== 'imm') bad(c, post, 'a post-index #offset -256..255');
      if (m.offset !== null || m.writeback) bad(c, m, "[Xn] before a post-index offset");
      writebackConflict(c, m, [t], 'a load/store');
      rec[F.FLAGS] |= AddrMode.POST << ADDR_SHIFT;
      c.value(post, (v) => {
        rec[F.IMM_LO] = inRange(c, post, v, -256n, 255n, simm9);
      });
      return;
    }
    if (m.offset === null) {
      if (m.writeback) bad(c, m, 'an offset before \']!\' (like [X1, #8]!)');
      return; // [Xn]: offset mode, offset 0
    }
    if (m.offset.k === 'imm') {
      const off = m.offset;
      if (m.writeback) {
        if (unscaled) bad(c, m, 'no writeback');
        writebackConflict(c, m, [t], 'a load/store');
        rec[F.FLAGS] |= AddrMode.PRE << ADDR_SHIFT;
        c.value(off, (v) => {
          rec[F.IMM_LO] = inRange(c, off, v, -256n, 255n, simm9);
        });
        return;
      }
      const max = BigInt(4095 * size);
      const scaledText = `an offset -256..255 or a multiple of ${size} in 0..${max}`;
      c.value(off, (v) => {
        if (unscaled) rec[F.IMM_LO] = inRange(c, off, v, -256n, 255n, simm9);
        else if ((v >= -256n && v <= 255n) || (v >= 0n && v <= max && v % BigInt(size) === 0n)) rec[F.IMM_LO] = Number(v);
        else bad(c, off, scaledText);
      });
      return;
    }
    // Register offset.
    if (unscaled) bad(c, m.offset, 'an #offset -256..255');
    if (m.writeback) bad(c, m, 'no writeback with a register offset');
    const x = m.offset.reg;
    if (isSp(x)) bad(c, m.offset, 'an index register (X0-X30, XZR, or W0-W30 with UXTW/SXTW)');
    const scale = t.w ? 2 : 3;
    let mode = AddrMode.REG;
    let amount = 0;
    const mod = m.mod;
    if (x.w) {
      if (mod === null || (mod.kind !== 'uxtw' && mod.kind !== 'sxtw')) {
        bad(c, mod ?? m.offset, 'UXTW or SXTW after a W index register');
      }
      mode = mod.kind === 'uxtw' ? AddrMode.UXTW : AddrMode.SXTW;
    } else if (mod !== null) {
      if (mod.kind !== 'lsl') bad(c, mod, mod.kind === 'sxtx' ? 'LSL (SXTX is not supported by hangar)' : 'LSL after an X index register (UXTW/SXTW need a W register)');
      if (mod.amount === null) bad(c, mod, `LSL #0 or LSL #${scale}`);
    }
    if (mod !== null && mod.amount !== null) {
      const a = c.constant(mod.amount);
      if (a !== 0n && a !== BigInt(scale)) bad(c, mod.amount, `a shift of #0 or #${scale} (the access size is ${size} bytes)`);
      amount = Number(a);
    }
    rec[F.RM] = x.idx;
    rec[F.FLAGS] |= (mode << ADDR_SHIFT) | (amount << SHAMT_SHIFT);
  };
}

/** LDAR/LDAPR/LDXR/LDAXR/STLR Rt, [Xn]. */
function acquireRelease(op: Op, flags: number): Encoder {
  return (c) => {
    const t = reg(c, 0);
    const m = baseOnly(c, 1);
    c.rec[F.OP] = op;
    c.rec[F.RT] = t.idx;
    c.rec[F.RN] = m.base.idx;
    c.rec[F.FLAGS] = sf(t) | flags;
  };
}

/** STXR/STLXR Ws, Rt, [Xn]. */
function storeExclusive(flags: number): Encoder {
  return (c) => {
    const s = reg(c, 0);
    if (!s.w) bad(c, c.ops[0], 'a W register for the status result');
    const t = reg(c, 1);
    const m = baseOnly(c, 2);
    if (s.idx === t.idx || s.idx === m.base.idx) {
      bad(c, c.ops[0], `a status register different from '${s.idx === t.idx ? t.name : m.base.name}'`,
        `the status register of ${c.mnemonic.toUpperCase()} must differ from the data and base registers (CONSTRAINED UNPREDICTABLE in the Arm ARM)`);
    }
    c.rec[F.OP] = Op.STXR;
    c.rec[F.RM] = s.idx;
    c.rec[F.RT] = t.idx;
    c.rec[F.RN] = m.base.idx;
    c.rec[F.FLAGS] = sf(t) | flags;
  };
}

/** LDP/STP (LDNP/STNP when offsetOnly). */
function pair(op: Op, offsetOnly: boolean): Encoder {
  return (c) => {
    const t1 = reg(c, 0);
    const t2 = reg(c, 1);
    sameWidth(c, 1, t2, t1);
    const m = mem(c, 2);
    const post = c.ops[3];
    noMoreThan(c, 4);
    const size = t1.w ? 4 : 8;
    const rec = c.rec;
    rec[F.OP] = op;
    rec[F.RT] = t1.idx;
    rec[F.RM] = t2.idx;
    rec[F.RN] = m.base.idx;
    rec[F.FLAGS] = sf(t1);
    if (op === Op.LDP && t1.idx === t2.idx && !isZr(t1)) {
      bad(c, c.ops[1], `a register different from '${t1.name}'`, 'LDP with the same register twice is CONSTRAINED UNPREDICTABLE in the Arm ARM; hangar rejects it');
    }
    if (m.offset !== null && m.offset.k !== 'imm') bad(c, m.offset, `an #offset (multiple of ${size})`);
    if (m.mod !== null) bad(c, m.mod, "']'");
    let off: ImmOperand | null = m.offset;
    let mode = AddrMode.OFFSET;
    if (post !== undefined) {
      if (offsetOnly) bad(c, post, 'end of line');
      if (post.k !== 'imm') bad(c, post, 'a post-index #offset');
      if (m.offset !== null || m.writeback) bad(c, m, '[Xn] before a post-index offset');
      mode = AddrMode.POST;
      off = post;
    } else if (m.writeback) {
      if (offsetOnly || m.offset === null) bad(c, m, offsetOnly ? 'no writeback' : "an offset before ']!'");
      mode = AddrMode.PRE;
    }
    if (mode !== AddrMode.OFFSET) writebackConflict(c, m, [t1, t2], op === Op.LDP ? 'LDP' : 'STP');
    rec[F.FLAGS] |= mode << ADDR_SHIFT;
    if (off === null) return;
    const o = off;
    const lo = BigInt(-64 * size);
    const hi = BigInt(63 * size);
    c.value(o, (v) => {
      if (v < lo || v > hi || v % BigInt(size) !== 0n) bad(c, o, `an offset that is a multiple of ${size} in ${lo}..${hi}`);
      rec[F.IMM_LO] = Number(v);
    });
  };
}

/** SWP/CAS/LD<op> Rs, Rt, [Xn]. */
function atomic(op: Op, flags: number): Encoder {
  return (c) => {
    const s = reg(c, 0);
    const t = reg(c, 1);
    sameWidth(c, 1, t, s);
    const m = baseOnly(c, 2);
    c.rec[F.OP] = op;
    c.rec[F.RM] = s.idx;
    c.rec[F.RT] = t.idx;
    c.rec[F.RN] = m.base.idx;
    c.rec[F.FLAGS] = sf(s) | flags;
  };
}

/** ST<op>{L} Rs, [Xn] = LD<op>{L} Rs, ZR, [Xn]. */
function atomicStore(op: Op, flags: number): Encoder {
  return (c) => {
    const s = reg(c, 0);
    const m = baseOnly(c, 1);
    c.rec[F.OP] = op;
    c.rec[F.RM] = s.idx;
    c.rec[F.RT] = REG_ZR;
    c.rec[F.RN] = m.base.idx;
    c.rec[F.FLAGS] = sf(s) | flags;
  };
}

// ---------------------------------------------------------------- the table

function buildTable(): Map<string, Encoder> {
  const t = new Map<string, Encoder>();
  t.set('add', addSub(Op.ADD, Op.SUB, false, true));
  t.set('sub', addSub(Op.SUB, Op.ADD, false, true));
  t.set('adds', addSub(Op.ADDS, Op.SUBS, true, true));
  t.set('subs', addSub(Op.SUBS, Op.ADDS, true, true));
  t.set('cmp', addSub(Op.SUBS, Op.ADDS, true, false));
  t.set('cmn', addSub(Op.ADDS, Op.SUBS, true, false));
  t.set('and', logical(Op.AND, false, true));
  t.set('ands', logical(Op.ANDS, true, true));
  t.set('orr', logical(Op.ORR, false, true));
  t.set('eor', logical(Op.EOR, false, true));
  t.set('tst', logical(Op.ANDS, true, false));
  t.set('lsl', shiftOp(Op.LSL, false));
  t.set('lsr', shiftOp(Op.LSR, false));
  t.set('asr', shiftOp(Op.ASR, false));
  t.set('lslv', shiftOp(Op.LSL, true));
  t.set('lsrv', shiftOp(Op.LSR, true));
  t.set('asrv', shiftOp(Op.ASR, true));
  t.set('mul', threeRegs(Op.MUL));
  t.set('neg', neg(Op.SUB));
  t.set('negs', neg(Op.SUBS));
  t.set('mvn', mvn);
  t.set('mov', mov);
  t.set('movz', movWide('z'));
  t.set('movn', movWide('n'));
  t.set('movk', movWide('k'));
  t.set('csel', csel(Op.CSEL));
  t.set('csinc', csel(Op.CSINC));
  t.set('csinv', csel(Op.CSINV));
  t.set('csneg', csel(Op.CSNEG));
  t.set('cset', cset(Op.CSINC));
  t.set('csetm', cset(Op.CSINV));
  t.set('cinc', cinc(Op.CSINC));
  t.set('cinv', cinc(Op.CSINV));
  t.set('cneg', cinc(Op.CSNEG));
  t.set('b', branch(Op.B, null));
  t.set('bl', branch(Op.BL, null));
  for (const [name, k] of Object.entries(COND_NAMES)) {
    t.set(`b.${name}`, branch(Op.BCOND, k));
    t.set(`b${name}`, branch(Op.BCOND, k));
  }
  t.set('br', br);
  t.set('ret', ret);
  t.set('cbz', cbz(Op.CBZ));
  t.set('cbnz', cbz(Op.CBNZ));
  t.set('tbz', tbz(Op.TBZ));
  t.set('tbnz', tbz(Op.TBNZ));
  t.set('adr', adr(false));
  t.set('adrp', adr(true));
  t.set('nop', noOperands(Op.NOP));
  t.set('prfm', prefetch);
  t.set('yield', noOperands(Op.NOP));
  t.set('isb', isb);
  t.set('dmb', barrier);
  t.set('dsb', barrier);
  t.set('clrex', (c) => {
    sysImm(c, 0, 15, false);
    c.rec[F.OP] = Op.CLREX;
  });
  t.set('svc', (c) => {
    c.rec[F.IMM_LO] = sysImm(c, 0, 0xffff, true);
    c.rec[F.OP] = Op.SVC;
  });
  t.set('hlt', (c) => {
    sysImm(c, 0, 0xffff, true);
    c.rec[F.OP] = Op.HALT;
  });
  t.set('ldr', loadStore(Op.LDR, false));
  t.set('str', loadStore(Op.STR, false));
  t.set('ldur', loadStore(Op.LDR, true));
  t.set('stur', loadStore(Op.STR, true));
  t.set('ldar', acquireRelease(Op.LDR, FLAG_ACQ));
  t.set('ldapr', acquireRelease(Op.LDR, FLAG_ACQPC));
  t.set('ldxr', acquireRelease(Op.LDR, FLAG_EXCL));
  t.set('ldaxr', acquireRelease(Op.LDR, FLAG_EXCL | FLAG_ACQ));
  t.set('stlr', acquireRelease(Op.STR, FLAG_REL));
  t.set('stxr', storeExclusive(0));
  t.set('stlxr', storeExclusive(FLAG_REL));
  t.set('ldp', pair(Op.LDP, false));
  t.set('stp', pair(Op.STP, false));
  t.set('ldnp', pair(Op.LDP, true));
  t.set('stnp', pair(Op.STP, true));
  const order: Record<string, number> = { '': 0, a: FLAG_ACQ, l: FLAG_REL, al: FLAG_ACQ | FLAG_REL };
  const lse: Array<[string, Op]> = [['swp', Op.SWP], ['cas', Op.CAS], ['ldadd', Op.LDADD], ['ldclr', Op.LDCLR], ['ldeor', Op.LDEOR], ['ldset', Op.LDSET]];
  for (const [name, op] of lse) {
    for (const [suffix, flags] of Object.entries(order)) t.set(name + suffix, atomic(op, flags));
    if (name.startsWith('ld')) {
      const st = 'st' + name.slice(2);
      t.set(st, atomicStore(op, 0));
      t.set(st + 'l', atomicStore(op, FLAG_REL));
    }
  }
  return t;
}

export const ENCODERS: ReadonlyMap<string, Encoder> = buildTable();

/** A64 mnemonics hangar knows of but does not model, for a clearer message than "unknown". */
export const UNSUPPORTED_MNEMONICS: ReadonlySet<string> = new Set([
  'ldrb', 'ldrh', 'ldrsb', 'ldrsh', 'ldrsw', 'strb', 'strh', 'ldarb', 'ldarh', 'stlrb', 'stlrh',
  'ldxrb', 'ldxrh', 'stxrb', 'stxrh', 'ldaxrb', 'ldaxrh', 'stlxrb', 'stlxrh', 'ldxp', 'stxp',
  'ldaxp', 'stlxp', 'casp', 'caspa', 'caspl', 'caspal', 'ldpsw', 'bic', 'bics', 'orn', 'eon',
  'madd', 'msub', 'mneg', 'smull', 'umull', 'smulh', 'umulh', 'sdiv', 'udiv', 'blr', 'wfe',
  'wfi', 'sev', 'sevl', 'ror', 'rorv', 'extr', 'ubfx', 'sbfx', 'bfi', 'bfxil', 'ubfm', 'sbfm',
  'bfm', 'sxtw', 'sxtb', 'sxth', 'uxtb', 'uxth', 'adc', 'adcs', 'sbc', 'sbcs', 'ngc', 'ccmp',
  'ccmn', 'cls', 'clz', 'rbit', 'rev', 'rev16', 'rev32', 'brk', 'hvc', 'smc', 'eret', 'mrs',
  'msr', 'dc', 'ic', 'tlbi', 'ldapur', 'stlur', 'ldlar', 'stllr',
]);
