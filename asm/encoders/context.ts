// What an encoder works with (the statement, its operands, the record it fills) and the
// operand checks every encoder uses: each failure is a SourceError pointing at the operand,
// saying what the A64 instruction accepts there.
import { Cond, F, FLAG_SF, SHAMT_SHIFT, SHTYPE_SHIFT, Shift } from '../../isa/instructions.ts';
import type { SrcText } from '../lexer.ts';
import { isSp, isZr, type ImmOperand, type LiteralOperand, type Operand, type Reg } from '../operands.ts';

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
export function bad(c: EncodeContext, s: Span, expected: string, detail?: string): never {
  return c.src.fail(s.start, spanText(c, s), expected, detail);
}

export function operand(c: EncodeContext, i: number, expected: string): Operand {
  const o = c.ops[i];
  if (o === undefined) {
    // Point just past the last thing written (the mnemonic when there are no operands at all:
    // an encoder may ask for a later operand first).
    const last = c.ops[c.ops.length - 1];
    const after = last === undefined ? c.mnemonicSpan.end + 1 : last.end;
    return c.src.fail(Math.min(after, c.src.text.length), '', last === undefined ? expected : `',' and ${expected}`);
  }
  return o;
}

export function noMoreThan(c: EncodeContext, n: number): void {
  if (c.ops.length > n) bad(c, c.ops[n], 'end of line');
}

export interface RegRule {
  sp?: boolean;
  zr?: boolean;
}
export const ZR_OK: RegRule = { zr: true };

function regWhat(rule: RegRule): string {
  return `a register (X0-X30${rule.zr ? ', XZR' : ''}${rule.sp ? ', SP' : ''})`;
}

/** Operand i must be a register; SP and ZR only where `rule` allows them. */
export function reg(c: EncodeContext, i: number, rule: RegRule = ZR_OK): Reg {
  const what = regWhat(rule);
  const o = operand(c, i, what);
  if (o.k === 'imm' && o.word !== null && /^[bhsdqvz]([0-9]|[12][0-9]|3[01])(\.[0-9]*[bhsdq])?$/i.test(o.word)) {
    bad(c, o, what, `'${o.word}' is a floating-point or SIMD register: hangar models the general-purpose registers only (expected ${what})`);
  }
  if (o.k !== 'reg') bad(c, o, what);
  allow(c, i, rule);
  return o.reg;
}

export function allow(c: EncodeContext, i: number, rule: RegRule): void {
  const o = c.ops[i];
  if (o.k !== 'reg') return;
  if ((isSp(o.reg) && !rule.sp) || (isZr(o.reg) && !rule.zr)) bad(c, o, regWhat(rule));
}

/** Register operand i must have the same width as `like` (operand j). */
export function sameWidth(c: EncodeContext, i: number, r: Reg, like: Reg): void {
  if (r.w === like.w) return;
  bad(c, c.ops[i], `${like.w ? 'a W' : 'an X'} register (to match '${like.name}')`);
}

export function xReg(c: EncodeContext, i: number, r: Reg): void {
  if (r.w) bad(c, c.ops[i], 'an X register');
}

export function imm(c: EncodeContext, i: number, expected: string): ImmOperand {
  const o = operand(c, i, expected);
  if (o.k !== 'imm') bad(c, o, expected);
  return o;
}

export function sf(r: Reg): number {
  return r.w ? 0 : FLAG_SF;
}

export function setImm64(rec: Int32Array, v: bigint): void {
  rec[F.IMM_LO] = Number(BigInt.asIntN(32, v));
  rec[F.IMM_HI] = Number(BigInt.asIntN(32, v >> 32n));
}

/** A MOV-style immediate for a W or X destination: checked to fit, truncated for W. */
export function widthValue(c: EncodeContext, o: Span, v: bigint, w: boolean): bigint {
  if (!w) return v;
  if (v < -(1n << 31n) || v > 0xffffffffn) bad(c, o, 'a 32-bit value for a W register');
  return BigInt.asUintN(32, v);
}

export function inRange(c: EncodeContext, o: Span, v: bigint, lo: bigint, hi: bigint, expected: string): number {
  if (v < lo || v > hi) bad(c, o, expected);
  return Number(v);
}

export const COND_NAMES: Record<string, Cond> = {
  eq: Cond.EQ, ne: Cond.NE, cs: Cond.CS, hs: Cond.CS, cc: Cond.CC, lo: Cond.CC, mi: Cond.MI, pl: Cond.PL,
  vs: Cond.VS, vc: Cond.VC, hi: Cond.HI, ls: Cond.LS, ge: Cond.GE, lt: Cond.LT, gt: Cond.GT, le: Cond.LE,
  al: Cond.AL, nv: Cond.NV,
};

export function cond(c: EncodeContext, i: number, invertible = false): Cond {
  const expected = invertible ? 'a condition other than AL/NV (EQ, NE, HS, LO, MI, PL, VS, VC, HI, LS, GE, LT, GT, LE)' : 'a condition (EQ, NE, HS, LO, MI, PL, VS, VC, HI, LS, GE, LT, GT, LE, AL)';
  const o = operand(c, i, expected);
  const k = o.k === 'imm' && !o.hash && o.word !== null ? COND_NAMES[o.word.toLowerCase()] : undefined;
  if (k === undefined || (invertible && (k === Cond.AL || k === Cond.NV))) bad(c, o, expected);
  return k;
}

export function invert(k: Cond): Cond {
  return (k ^ 1) as Cond;
}

const SHIFT_NAMES: Record<string, Shift> = { lsl: Shift.LSL, lsr: Shift.LSR, asr: Shift.ASR, ror: Shift.ROR };
export const ARITH_SHIFTS = [Shift.LSL, Shift.LSR, Shift.ASR];
export const LOGIC_SHIFTS = [Shift.LSL, Shift.LSR, Shift.ASR, Shift.ROR];

/** The optional `, <shift> #n` of a shifted-register operand (operand i), as FLAGS bits. */
export function shiftFlags(c: EncodeContext, i: number, w: boolean, allowed: readonly Shift[], maxAmount = w ? 31 : 63): number {
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
