// An assembled translation unit (an object file, in memory): its sections with their
// instructions and bytes, its symbols, and the work that waits for the linker (values that
// need every label's address). The assembler (assembler.ts) fills it; the linker (linker.ts)
// lays the units out, resolves symbols across them and runs that work.
import type { Evaluation, Expr, SymExpr } from './expressions.ts';
import type { SrcText } from './lexer.ts';
import type { SectionKind, SectionSpec } from './sections.ts';
import type { SourcePos } from '../isa/source-error.ts';

/** Grows a byte buffer (data of a section). */
export class Bytes {
  data = new Uint8Array(64);
  length = 0;

  /** Appends n bytes of `fill`; returns the offset of the first. */
  append(n: number, fill: number): number {
    const at = this.length;
    const need = at + n;
    if (need > this.data.length) {
      const grown = new Uint8Array(Math.max(need, this.data.length * 2));
      grown.set(this.data.subarray(0, at));
      this.data = grown;
    }
    this.data.fill(fill, at, need);
    this.length = need;
    return at;
  }
}

/** One instruction as assembled: its record and where it came from. */
export interface Insn {
  rec: Int32Array;
  src: SrcText;
  at: number;
  /** The `.loc` in force: unit file number (-1: none), line, column. */
  cFile: number;
  cLine: number;
  cCol: number;
}

export class Section {
  readonly insns: Insn[] = [];
  /** Data bytes; for a code section, its literal area (data directives in the section). */
  readonly bytes = new Bytes();
  /** Largest alignment asked for in the section's data (its start is aligned to it). */
  align = 1;
  /** Whether any byte was emitted (a code section without data takes no memory). */
  hasData = false;
  /** Place in the unit's memory layout: a data section's is when it was opened, a code
   * section's literal area's when its first datum came (see UnitAssembler.emit). */
  order = 0;
  /** Set by the linker: first pc, first byte address, dropped as a duplicate comdat group. */
  pcBase = 0;
  addrBase = 0;
  dropped = false;
  /** init sections: offsets of the 8-byte entries (function pointers). */
  readonly entries: Array<{ offset: number }> = [];

  constructor(readonly spec: SectionSpec) {}

  get kind(): SectionKind {
    return this.spec.kind;
  }
}

/** Where a label points: an instruction of a code section, or a byte of a section's data. */
export interface LabelDef {
  k: 'label';
  section: Section;
  space: 'code' | 'data';
  offset: number;
  where: string;
}
export interface EquDef {
  k: 'equ';
  expr: Expr;
  where: string;
}
/** `.comm` / `.lcomm`: bytes the linker allocates (merged with other units' for a global). */
export interface CommonDef {
  k: 'common';
  size: number;
  align: number;
  where: string;
  /** Set by the linker. */
  address: number;
}
/** A label in a discarded section (debug info, unwind tables): it has no address. */
export interface DiscardedDef {
  k: 'discarded';
  section: string;
  where: string;
}
export type SymbolDef = LabelDef | EquDef | CommonDef | DiscardedDef;

export type Binding = 'local' | 'global' | 'weak';

export interface UnitSymbol {
  name: string;
  def: SymbolDef | null;
  /** From .globl/.global, .weak, .local; local when none was given. */
  binding: Binding;
  /** `.type name, %function` / `%object`. */
  type: 'function' | 'object' | null;
  /** `.size name, expr`. */
  size: { expr: Expr; src: SrcText; at: number } | null;
}

/** Work for the linker: runs with every symbol known. */
export type Fixup = () => void;

/** Names the assembler makes up (numeric local labels, '.') contain this, never source names. */
export const SYNTH = '\u0002';

/** `.L` names are assembler-local (GNU as): never in the symbol table, never global. */
export function isAssemblerLocal(name: string): boolean {
  return name.startsWith('.L') || name.includes(SYNTH);
}

export interface UnitThreads {
  cores: { n: number; where: string } | null;
  threads: Array<{ name: string; src: SrcText; at: number }>;
  stack: { bytes: number; where: string } | null;
}

/** An assembled unit, ready to link. */
export interface AsmUnit {
  readonly file: string;
  /** Sections in order of first appearance. */
  readonly sections: readonly Section[];
  readonly symbols: ReadonlyMap<string, UnitSymbol>;
  /** `.file N "name"`: the unit's file table for `.loc`. */
  readonly cFiles: ReadonlyMap<number, string>;
  readonly fixups: readonly Fixup[];
  readonly threads: UnitThreads;
  /** The memo of the unit's evaluations (its .equ expressions are shared by all of them). */
  readonly evaluation: Evaluation;
  /** Where the unit's text ends (the position of the HALT the linker appends). */
  readonly end: SourcePos;
  /** Resolves a symbol of this unit once the linker has set `link` (see linker.ts). */
  link: UnitLink | null;
}

/** What the linker gives a unit to resolve its symbols. */
export interface UnitLink {
  /** The value of an expression of this unit (its symbols resolved for this unit). */
  evaluate(e: Expr): bigint;
  /** What kind of value it is: a code or data address, a count of instructions, a number. */
  kindOf(e: Expr): ValueKind;
  /** The address of the GOT slot of a symbol referenced in this unit. */
  gotSlot(s: SymExpr): bigint;
  /** The pc of a branch target: fails unless s is a code address. */
  codeTarget(s: SymExpr): number;
}

/** What a value is: a data address, a code address (a pc), a difference of code addresses (a
 * count of instructions), or a plain number. */
export type ValueKind = 'data' | 'code' | 'codeDelta' | 'abs';
