// The X86 subset of litmus tests, translated to AArch64 assembly so the same cores can run it
// (the engine runs X86 tests under TSO, which supplies the ordering; the translation only has to
// keep each thread's own semantics).
//
// Supported (Intel syntax, case-insensitive): MOV reg,[x] | MOV [x],$imm | MOV [x],reg |
// MOV reg,$imm | MOV reg,reg | MFENCE | XCHG [x],reg | XCHG reg,[x] | XCHG reg,reg.
// Registers are 32 bits wide and live in W registers; each memory location's address is
// preloaded (through the thread's initial registers) into its own X register.

import { SourceError, type SourcePos } from '../isa/source-error.ts';

/** x86 register -> AArch64 register number (used as Wn). */
export const X86_REGS: Readonly<Record<string, number>> = {
  EAX: 0,
  EBX: 1,
  ECX: 2,
  EDX: 3,
  ESI: 4,
  EDI: 5,
  EBP: 6,
};

/** Scratch register for immediates stored to memory. */
export const X86_TEMP_REG = 15;
/** The k-th location used by X86 code has its address in X(X86_LOC_REG_BASE + k). */
export const X86_LOC_REG_BASE = 16;
/** X16..X30. */
export const X86_MAX_LOCATIONS = 31 - X86_LOC_REG_BASE;

/** Canonical (upper-case) name of an x86 register, or undefined. */
export function x86RegName(name: string): string | undefined {
  const up = name.toUpperCase();
  return up in X86_REGS ? up : undefined;
}

export type X86Operand =
  | { kind: 'reg'; reg: string; pos: SourcePos }
  | { kind: 'mem'; loc: string; pos: SourcePos }
  | { kind: 'imm'; value: bigint; pos: SourcePos };

export interface X86Insn {
  mnemonic: 'MOV' | 'MFENCE' | 'XCHG';
  operands: X86Operand[];
  /** Position of the mnemonic. */
  pos: SourcePos;
}

/** Parses one instruction; `pos` is where text[0] is. */
export function parseX86Insn(text: string, pos: SourcePos): X86Insn {
  const at = (i: number): SourcePos => ({ file: pos.file, line: pos.line, col: pos.col + i });
  const m = /^([A-Za-z]+)(.*)$/s.exec(text);
  if (!m) {
    throw new SourceError(pos, `'${text}'`, 'an X86 instruction (MOV, MFENCE or XCHG)');
  }
  const mnemonic = m[1].toUpperCase();
  if (mnemonic !== 'MOV' && mnemonic !== 'MFENCE' && mnemonic !== 'XCHG') {
    throw new SourceError(pos, `'${m[1]}'`, 'an X86 instruction (MOV, MFENCE or XCHG)', `unsupported X86 instruction '${m[1]}': expected MOV, MFENCE or XCHG`);
  }
  const rest = m[2];
  const restStart = m[1].length;
  if (mnemonic === 'MFENCE') {
    if (rest.trim() !== '') {
      throw new SourceError(at(restStart + rest.search(/\S/)), `'${rest.trim()}'`, 'end of instruction after MFENCE');
    }
    return { mnemonic, operands: [], pos };
  }
  if (rest !== '' && !/^\s/.test(rest)) {
    throw new SourceError(at(restStart), `'${rest}'`, `a space after ${mnemonic}`);
  }
  // Split the operands at top-level commas (none appear inside brackets in this subset).
  const operands: X86Operand[] = [];
  let start = restStart;
  for (const piece of rest.split(',')) {
    const lead = piece.search(/\S/);
    const trimmed = piece.trim();
    const opPos = at(lead < 0 ? start + piece.length : start + lead);
    if (trimmed === '') throw new SourceError(opPos, 'nothing', `an operand of ${mnemonic}`);
    operands.push(parseOperand(trimmed, opPos));
    start += piece.length + 1;
  }
  if (operands.length !== 2) {
    throw new SourceError(pos, `${operands.length} operand(s)`, `2 operands for ${mnemonic}`);
  }
  const [dst, src] = operands;
  if (dst.kind === 'imm') throw new SourceError(dst.pos, 'an immediate', `a register or [location] as the destination of ${mnemonic}`);
  if (dst.kind === 'mem' && src.kind === 'mem') throw new SourceError(src.pos, 'a second memory operand', 'a register or an immediate');
  if (mnemonic === 'XCHG' && src.kind === 'imm') throw new SourceError(src.pos, 'an immediate', 'a register or [location] operand of XCHG');
  return { mnemonic, operands, pos };
}

function parseOperand(s: string, pos: SourcePos): X86Operand {
  const mem = /^\[\s*([A-Za-z_][A-Za-z0-9_]*)\s*\]$/.exec(s);
  if (mem) return { kind: 'mem', loc: mem[1], pos };
  const imm = /^\$\s*(-?)(0[xX][0-9a-fA-F]+|[0-9]+)$/.exec(s);
  if (imm) {
    const value = BigInt(imm[2]) * (imm[1] ? -1n : 1n);
    if (value < -(1n << 31n) || value >= 1n << 32n) throw new SourceError(pos, `'${s}'`, 'a 32-bit immediate');
    return { kind: 'imm', value, pos };
  }
  const reg = x86RegName(s);
  if (reg !== undefined) return { kind: 'reg', reg, pos };
  throw new SourceError(pos, `'${s}'`, `a register (${Object.keys(X86_REGS).join(', ')}), [location] or $immediate`);
}

/** Locations the instruction accesses. */
export function x86Locations(insn: X86Insn): Array<{ loc: string; pos: SourcePos }> {
  return insn.operands.flatMap((o) => (o.kind === 'mem' ? [{ loc: o.loc, pos: o.pos }] : []));
}

/** AArch64 assembly for one X86 instruction; `locReg` gives the X register holding a
 * location's address. */
export function translateX86(insn: X86Insn, locReg: (loc: string) => number): string[] {
  if (insn.mnemonic === 'MFENCE') return ['dmb sy'];
  const [dst, src] = insn.operands;
  const w = (o: X86Operand): string => `w${X86_REGS[(o as { reg: string }).reg]}`;
  const addr = (o: X86Operand): string => `[x${locReg((o as { loc: string }).loc)}]`;
  if (insn.mnemonic === 'XCHG') {
    // Implicitly locked on x86: an acquire-release swap.
    if (dst.kind === 'mem') return [`swpal ${w(src)}, ${w(src)}, ${addr(dst)}`];
    if (src.kind === 'mem') return [`swpal ${w(dst)}, ${w(dst)}, ${addr(src)}`];
    const t = `w${X86_TEMP_REG}`;
    return [`mov ${t}, ${w(src)}`, `mov ${w(src)}, ${w(dst)}`, `mov ${w(dst)}, ${t}`];
  }
  // MOV
  if (dst.kind === 'reg') {
    if (src.kind === 'mem') return [`ldr ${w(dst)}, ${addr(src)}`];
    if (src.kind === 'imm') return moveImmediate(w(dst), src.value);
    return [`mov ${w(dst)}, ${w(src)}`];
  }
  if (src.kind === 'imm') return [...moveImmediate(`w${X86_TEMP_REG}`, src.value), `str w${X86_TEMP_REG}, ${addr(dst)}`];
  return [`str ${w(src)}, ${addr(dst)}`];
}

/** A 32-bit immediate into a W register: one MOV when it fits 16 bits, else MOVZ + MOVK. */
function moveImmediate(wreg: string, value: bigint): string[] {
  const v = BigInt.asUintN(32, value);
  if (v < 0x10000n) return [`mov ${wreg}, #${v}`];
  return [`movz ${wreg}, #${v & 0xffffn}`, `movk ${wreg}, #${v >> 16n}, lsl #16`];
}
