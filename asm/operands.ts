// Operands of an AArch64 instruction as written: registers, immediates, memory references,
// shift/extend modifiers and `=literal`. Parsing here is the same for every mnemonic; what
// an instruction accepts is checked by its encoder (encoders/).

import { Cursor, type Token } from './lexer.ts';
import { parseExpr, type Expr, type ExprEnv } from './expressions.ts';
import { REG_SP, REG_ZR } from '../isa/instructions.ts';

export interface Reg {
  /** Register-file index: 0..30, REG_ZR (31) or REG_SP (32). */
  idx: number;
  /** A W (32-bit) name: W0-W30, WZR, WSP. */
  w: boolean;
  /** As written. */
  name: string;
}

export function isZr(r: Reg): boolean {
  return r.idx === REG_ZR;
}
export function isSp(r: Reg): boolean {
  return r.idx === REG_SP;
}

/** Looks a register name up (case-insensitive); undefined when it is not one. */
export function regByName(name: string): Reg | undefined {
  const n = name.toLowerCase();
  const m = /^([wx])([0-9]{1,2})$/.exec(n);
  if (m) {
    const k = Number(m[2]);
    if (k > 30 || (m[2].length === 2 && m[2][0] === '0')) return undefined;
    return { idx: k, w: m[1] === 'w', name };
  }
  switch (n) {
    case 'xzr': return { idx: REG_ZR, w: false, name };
    case 'wzr': return { idx: REG_ZR, w: true, name };
    case 'sp': return { idx: REG_SP, w: false, name };
    case 'wsp': return { idx: REG_SP, w: true, name };
    case 'lr': return { idx: 30, w: false, name };
    case 'fp': return { idx: 29, w: false, name };
    case 'ip0': return { idx: 16, w: false, name };
    case 'ip1': return { idx: 17, w: false, name };
    default: return undefined;
  }
}

/** Shift and extend keywords that may follow a register operand. */
const MODIFIERS = new Set(['lsl', 'lsr', 'asr', 'ror', 'uxtw', 'sxtw', 'uxtx', 'sxtx', 'uxtb', 'uxth', 'sxtb', 'sxth', 'msl']);

interface Span {
  /** Offsets of the operand in the statement text. */
  start: number;
  end: number;
}

export interface RegOperand extends Span {
  k: 'reg';
  reg: Reg;
}
export interface ImmOperand extends Span {
  k: 'imm';
  e: Expr;
  /** Written with '#'. */
  hash: boolean;
  /** The identifier when the operand is one bare word (condition and barrier names). */
  word: string | null;
  /** A relocation operator before the expression (`:lo12:sym`, `#:abs_g1_nc:sym`), lower case. */
  reloc: Reloc | null;
}

/** The relocation operators hangar evaluates (asm/README.md, "Relocation operators"). */
export const RELOCS = [
  'lo12', 'got', 'got_lo12', 'pg_hi21', 'pg_hi21_nc',
  'abs_g0', 'abs_g0_nc', 'abs_g1', 'abs_g1_nc', 'abs_g2', 'abs_g2_nc', 'abs_g3',
] as const;
export type Reloc = (typeof RELOCS)[number];
export interface LiteralOperand extends Span {
  k: 'lit';
  e: Expr;
}
export interface ModifierOperand extends Span {
  k: 'mod';
  /** Lower-case keyword: lsl, lsr, asr, ror, uxtw, sxtw, ... */
  kind: string;
  amount: ImmOperand | null;
}
export interface MemOperand extends Span {
  k: 'mem';
  base: Reg;
  baseSpan: Span;
  /** The second element inside the brackets, if any. */
  offset: ImmOperand | RegOperand | null;
  /** A shift/extend after an index register: [Xn, Xm, LSL #3]. */
  mod: ModifierOperand | null;
  /** Followed by '!'. */
  writeback: boolean;
}
export type Operand = RegOperand | ImmOperand | LiteralOperand | ModifierOperand | MemOperand;

/** Parses a comma-separated operand list up to the end of the statement. */
export function parseOperands(cur: Cursor, env: ExprEnv): Operand[] {
  const ops: Operand[] = [];
  if (cur.atEnd()) return ops;
  for (;;) {
    ops.push(parseOperand(cur, env));
    if (cur.atEnd()) return ops;
    if (!cur.eat(',')) cur.failAt(cur.peek(), "',' or end of line");
  }
}

function endOfPrevious(cur: Cursor): number {
  return cur.toks[Math.max(0, cur.i - 1)].end;
}

function parseOperand(cur: Cursor, env: ExprEnv): Operand {
  const t = cur.peek();
  if (t.kind === 'punct' && t.text === '[') return parseMem(cur, env);
  if (t.kind === 'punct' && t.text === '=') {
    cur.next();
    const e = parseExpr(cur, env, 'a value or symbol after \'=\'');
    return { k: 'lit', e, start: t.start, end: endOfPrevious(cur) };
  }
  if (t.kind === 'ident') {
    const reg = regByName(t.text);
    if (reg) {
      cur.next();
      return { k: 'reg', reg, start: t.start, end: t.end };
    }
    if (MODIFIERS.has(t.text.toLowerCase()) && startsAmountOrEnds(cur.peek(1))) return parseModifier(cur, env);
  }
  return parseImm(cur, env);
}

function startsAmountOrEnds(t: Token): boolean {
  return t.kind === 'end' || t.kind === 'num' || (t.kind === 'punct' && (t.text === '#' || t.text === ',' || t.text === ']'));
}

/** Relocation operators of thread-local storage and PC-relative forms: refused by name. */
const UNSUPPORTED_RELOC = /^(tprel|dtprel|tlsdesc|tlsgd|tlsld|gottprel|tlsie|prel_g|abs_g[0-2]_s|got_page|gotpage|gotoff|ld_prel)/;

function parseReloc(cur: Cursor): Reloc | null {
  if (!cur.isPunct(':') || cur.peek(1).kind !== 'ident' || !cur.isPunct(':', 2)) return null;
  const r = cur.peek(1);
  const name = r.text.toLowerCase();
  const known = (RELOCS as readonly string[]).includes(name);
  if (!known) {
    const why = UNSUPPORTED_RELOC.test(name) ? `relocation operator ':${r.text}:' is not supported (hangar has no thread-local storage and no PC-relative data relocations)` : `unknown relocation operator ':${r.text}:'`;
    cur.failAt(r, `a relocation operator (${RELOCS.map((x) => `:${x}:`).join(', ')})`, why);
  }
  cur.next();
  cur.next();
  cur.next();
  return name as Reloc;
}

function parseImm(cur: Cursor, env: ExprEnv): ImmOperand {
  const t = cur.peek();
  const hash = cur.eat('#');
  const reloc = parseReloc(cur);
  const first = cur.peek();
  if (hash && first.kind === 'ident' && regByName(first.text) !== undefined) cur.failAt(first, "an immediate value after '#'");
  const e = parseExpr(cur, env, hash ? 'an immediate value after \'#\'' : 'an operand');
  const end = endOfPrevious(cur);
  const word = !hash && reloc === null && first.kind === 'ident' && cur.i > 0 && cur.toks[cur.i - 1] === first ? first.text : null;
  return { k: 'imm', e, hash, word, reloc, start: t.start, end };
}

function parseModifier(cur: Cursor, env: ExprEnv): ModifierOperand {
  const t = cur.next();
  const n = cur.peek();
  let amount: ImmOperand | null = null;
  if (n.kind === 'num' || (n.kind === 'punct' && n.text === '#')) amount = parseImm(cur, env);
  return { k: 'mod', kind: t.text.toLowerCase(), amount, start: t.start, end: endOfPrevious(cur) };
}

function parseMem(cur: Cursor, env: ExprEnv): MemOperand {
  const open = cur.next();
  const b = cur.peek();
  const base = b.kind === 'ident' ? regByName(b.text) : undefined;
  if (!base || base.w || isZr(base)) cur.failAt(b, 'a base register (X0-X30 or SP)');
  cur.next();
  const baseSpan = { start: b.start, end: b.end };
  let offset: ImmOperand | RegOperand | null = null;
  let mod: ModifierOperand | null = null;
  if (cur.eat(',')) {
    const o = cur.peek();
    const idx = o.kind === 'ident' ? regByName(o.text) : undefined;
    if (idx) {
      cur.next();
      offset = { k: 'reg', reg: idx, start: o.start, end: o.end };
      if (cur.eat(',')) {
        const m = cur.peek();
        if (m.kind !== 'ident' || !MODIFIERS.has(m.text.toLowerCase())) cur.failAt(m, 'LSL, UXTW or SXTW');
        mod = parseModifier(cur, env);
      }
    } else {
      offset = parseImm(cur, env);
    }
  }
  cur.expect(']', "']'");
  const writeback = cur.eat('!');
  return { k: 'mem', base, baseSpan, offset, mod, writeback, start: open.start, end: endOfPrevious(cur) };
}
