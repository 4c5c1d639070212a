// The assembler of one translation unit: statements from the preprocessor (preprocessor.ts)
// become the sections, symbols and pending values of an AsmUnit (unit.ts); encoders/ encode
// the instructions, data.ts the bytes of data directives, sections.ts what a section is. Every
// value that needs a label's address waits for the linker (linker.ts), which lays the units
// out. A bad statement is recorded and assembly goes on, so one run reports every error of the
// file (errors.ts). The syntax, the sections rule, the layout and the code-address model are
// documented in asm/README.md.

import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { Cursor, SrcText, tokenize, type Token } from './lexer.ts';
import { evaluate, firstSymbol, num, parseExpr, type Expr, type ExprEnv, type SymExpr } from './expressions.ts';
import { ENCODERS, SIMD_FP_MNEMONIC, UNSUPPORTED_MNEMONICS, type EncodeContext } from './encoders/table.ts';
import { INSN_WORDS } from '../isa/instructions.ts';
import { parseOperands, type ImmOperand, type LiteralOperand } from './operands.ts';
import { Preprocessor, type SourceLine, type Stmt } from './preprocessor.ts';
import { SourceError, type SourcePos } from '../isa/source-error.ts';
import { nearest } from './suggest.ts';
import { ErrorList } from './errors.ts';
import { parseSection, typeCursor, type SectionSpec } from './sections.ts';
import { sleb128, stringBytes, uleb128 } from './data.ts';
import { ABS, kindOf, type Kind } from './value-kinds.ts';
import { SYNTH, Section, type AsmUnit, type Binding, type Fixup, type LabelDef, type UnitSymbol, type UnitThreads, isAssemblerLocal } from './unit.ts';
import { MAX_CORES, MAX_MEMORY_BYTES, MAX_STACK_BYTES } from './limits.ts';

export interface AsmLine {
  text: string;
  file: string;
  line: number;
  /** 1-based column of text[0] in that file. */
  col: number;
}

export interface AssembleOptions {
  /** Name used in messages and the source map. */
  file: string;
  /** Predefined .equ symbols, e.g. {TARGET_LLSC: 1} for .if. */
  defines?: Record<string, number>;
  /** For .include; default: the file system, relative to the including file's directory. */
  readFile?: (path: string, fromFile: string) => { text: string; file: string };
  /** Directories searched for `.include "name"` after the including file's directory, in
   * order (the `-I DIR` of GNU as). */
  includePaths?: string[];
  /** The errors a report shows in full (default MAX_REPORTED_ERRORS); the rest are counted. */
  maxErrors?: number;
}

/** Largest .align (2^16 bytes). */
const MAX_ALIGN_LOG2 = 16;

function defaultReadFile(p: string, fromFile: string): { text: string; file: string } {
  const file = path.isAbsolute(p) ? p : path.join(path.dirname(fromFile), p);
  return { text: readFileSync(file, 'utf8'), file };
}

const DATA_SIZES: Record<string, number> = {
  '.byte': 1, '.hword': 2, '.short': 2, '.2byte': 2, '.half': 2, '.word': 4, '.long': 4, '.int': 4,
  '.4byte': 4, '.quad': 8, '.xword': 8, '.dword': 8, '.8byte': 8,
};
/** Accepted without effect on the program (debug and unwind information, toolchain notes). */
const IGNORED_DIRECTIVES = new Set([
  '.ident', '.arch', '.arch_extension', '.cpu', '.ltorg', '.pool', '.addrsig', '.addrsig_sym', '.loc_mark_labels',
  '.protected', '.internal', '.hidden', '.variant_pcs',
]);
const KNOWN_DIRECTIVES = [
  '.text', '.data', '.bss', '.section', '.pushsection', '.popsection', '.previous', '.zero', '.skip', '.space', '.fill',
  '.align', '.p2align', '.balign', '.equ', '.set', '.equiv', '.cores', '.thread', '.stack', '.include', '.macro', '.endm',
  '.rept', '.irp', '.endr', '.if', '.ifdef', '.ifndef', '.else', '.elseif', '.endif', '.error', '.exitm', '.string',
  '.asciz', '.ascii', '.uleb128', '.sleb128', '.globl', '.global', '.weak', '.local', '.type', '.size', '.comm', '.lcomm',
  '.file', '.loc', ...Object.keys(DATA_SIZES), ...IGNORED_DIRECTIVES,
];
/** Relocation operators each kind of instruction takes (GNU as: the relocation must fit the
 * instruction's immediate field). */
function relocAllowed(mnemonic: string, reloc: string): boolean {
  if (reloc.startsWith('abs_g')) return /^mov[zkn]$/.test(mnemonic);
  if (reloc === 'got' || reloc.startsWith('pg_hi21')) return mnemonic === 'adrp';
  if (reloc === 'got_lo12') return mnemonic === 'ldr';
  return /^(add|adds|ld|st|prfm)/.test(mnemonic); // lo12
}

/** Assembles one unit from its lines; throws the errors found (AssemblyErrors when several). */
export function assembleUnitLines(lines: AsmLine[], opts: AssembleOptions): AsmUnit {
  const asm = new UnitAssembler(opts ?? { file: '<input>' });
  return asm.run(lines);
}

interface PendingAlign {
  bytes: number;
  fill: number;
  max: bigint | null;
}

class UnitAssembler {
  private readonly file: string;
  private readonly readFile: (path: string, fromFile: string) => { text: string; file: string };
  private readonly includePaths: readonly string[];
  private readonly errors: ErrorList;
  private readonly sections: Section[] = [];
  private readonly sectionByKey = new Map<string, Section>();
  private section: Section;
  private previous: Section;
  private readonly stack: Section[] = [];
  private readonly symbols = new Map<string, UnitSymbol>();
  /** Numeric local label -> synthetic names of its definitions, in order. */
  private readonly locals = new Map<string, string[]>();
  private synthCount = 0;
  /** Labels of a code section waiting for what comes next: an instruction or data. */
  private pending: Array<{ name: string; where: string }> = [];
  private pendingAlign: PendingAlign | null = null;
  private readonly fixups: Fixup[] = [];
  private readonly cFiles = new Map<number, string>();
  private loc = { file: -1, line: 0, col: 0 };
  private readonly threads: UnitThreads = { cores: null, threads: [], stack: null };
  /** The next Section.order. */
  private layoutOrder = 0;
  /** Names given to `.local`: their `.comm` stays in this unit. */
  private readonly localDeclared = new Set<string>();
  private endPos: SourcePos;
  private unit: AsmUnit | null = null;

  constructor(opts: AssembleOptions) {
    this.file = typeof opts.file === 'string' ? opts.file : '<input>';
    this.readFile = opts.readFile ?? defaultReadFile;
    this.includePaths = Array.isArray(opts.includePaths) ? opts.includePaths.map(String) : [];
    this.errors = new ErrorList(opts.maxErrors);
    this.endPos = { file: this.file, line: 1, col: 1 };
    this.section = this.open({ name: '.text', kind: 'code', group: null, where: `${this.file}:1:1` });
    this.previous = this.section;
    for (const [name, v] of Object.entries(opts.defines ?? {})) {
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
        throw new SourceError(this.endPos, String(v), `an integer for define '${name}'`);
      }
      this.symbol(name).def = { k: 'equ', expr: num(BigInt(v)), where: 'the defines option' };
    }
  }

  run(lines: AsmLine[]): AsmUnit {
    const input: SourceLine[] = [];
    for (const l of Array.isArray(lines) ? lines : []) {
      input.push({ text: String(l?.text ?? ''), file: String(l?.file ?? this.file), line: Number(l?.line) || 1, col: Number(l?.col) || 1 });
    }
    const last = input[input.length - 1];
    if (last !== undefined) this.endPos = { file: last.file, line: last.line, col: last.col };
    const pp = new Preprocessor(input, this.file, {
      constant: (src, from) => this.constantAt(src, from),
      isDefined: (name) => this.symbols.get(name)?.def != null,
      readFile: (p, from) => this.readInclude(p, from),
    });
    let lastError = '';
    for (;;) {
      let s: Stmt | undefined;
      try {
        s = pp.next();
      } catch (e) {
        if (!(e instanceof SourceError)) throw this.internal(e, null);
        // The preprocessor moved past the bad statement; the same error twice means it cannot.
        if (e.message === lastError) break;
        lastError = e.message;
        this.errors.add(e);
        continue;
      }
      if (s === undefined) break;
      const stmt = s;
      try {
        this.statement(stmt);
      } catch (e) {
        if (e instanceof SourceError) this.errors.addAll(e);
        else this.errors.add(this.internal(e, stmt));
      }
    }
    this.bindPending();
    this.errors.throwIfAny();
    const unit: AsmUnit = {
      file: this.file,
      sections: this.sections,
      symbols: this.symbols,
      cFiles: this.cFiles,
      fixups: this.fixups,
      threads: this.threads,
      end: this.endPos,
      link: null,
    };
    this.unit = unit;
    return unit;
  }

  private internal(e: unknown, s: Stmt | null): SourceError {
    const why = e instanceof Error ? e.message : String(e);
    const pos = s === null ? this.endPos : s.src.pos(s.at);
    return new SourceError(pos, 'input the assembler could not handle', 'valid assembler input', `internal assembler error: ${why}`);
  }

  /** `.include "p"`: next to the including file first, then in each include path. */
  private readInclude(p: string, from: string): { text: string; file: string } {
    try {
      return this.readFile(p, from);
    } catch (first) {
      if (path.isAbsolute(p) || this.includePaths.length === 0) throw first;
      for (const dir of this.includePaths) {
        try {
          return this.readFile(path.resolve(dir, p), from);
        } catch {
          // try the next directory
        }
      }
      const why = first instanceof Error ? first.message : String(first);
      throw new Error(`${why} (also searched ${this.includePaths.join(', ')})`);
    }
  }

  // ------------------------------------------------------------ statements

  private statement(s: Stmt): void {
    switch (s.kind) {
      case 'label':
        this.defineLabel(s.name, s.src, s.at);
        return;
      case 'assign':
        this.defineEqu(s.name, s.src, s.at, s.valueAt, false);
        return;
      case 'op':
        if (s.name.startsWith('.')) this.directive(s.name, s.src, s.at, s.nameEnd);
        else this.instruction(s.name, s.src, s.at, s.nameEnd);
        return;
    }
  }

  private symbol(name: string): UnitSymbol {
    let sym = this.symbols.get(name);
    if (sym === undefined) {
      sym = { name, def: null, binding: 'local', type: null, size: null };
      this.symbols.set(name, sym);
    }
    return sym;
  }

  private defineLabel(name: string, src: SrcText, at: number): void {
    const where = src.where(at);
    if (/^[0-9]+$/.test(name)) {
      const defs = this.locals.get(name) ?? [];
      const synth = localName(name, defs.length);
      defs.push(synth);
      this.locals.set(name, defs);
      this.placeLabel(synth, where);
      return;
    }
    const old = this.symbols.get(name)?.def;
    if (old != null) src.fail(at, name, 'a new label name', `duplicate label '${name}' (first defined at ${old.where})`);
    this.placeLabel(name, where);
  }

  /** Defines a label at the current position (in a code section: at what comes next). */
  private placeLabel(name: string, where: string): void {
    const sec = this.section;
    if (sec.kind === 'discard') {
      this.symbol(name).def = { k: 'discarded', section: sec.spec.name, where };
    } else if (sec.kind === 'code') {
      this.symbol(name).def = { k: 'label', section: sec, space: 'code', offset: -1, where };
      this.pending.push({ name, where });
    } else {
      this.symbol(name).def = { k: 'label', section: sec, space: 'data', offset: sec.bytes.length, where };
    }
  }

  /** Binds the pending labels of the current code section to its next instruction or datum. */
  private bindPending(space: 'code' | 'data' = 'code'): void {
    if (this.pending.length === 0) return;
    const sec = this.section;
    const offset = space === 'code' ? sec.insns.length : sec.bytes.length;
    for (const p of this.pending) this.symbols.get(p.name)!.def = { k: 'label', section: sec, space, offset, where: p.where };
    this.pending = [];
  }

  private defineEqu(name: string, src: SrcText, at: number, valueAt: number, equiv: boolean): void {
    if (name === '.') src.fail(at, name, 'a symbol name', "setting the location counter '.' is not supported");
    const old = this.symbols.get(name)?.def;
    if (old != null && (old.k !== 'equ' || equiv)) {
      src.fail(at, name, 'a new symbol name', `symbol '${name}' is already defined (at ${old.where})`);
    }
    const cur = new Cursor(src, tokenize(src, valueAt));
    if (cur.atEnd()) cur.failAt(cur.peek(), 'an expression');
    const expr = parseExpr(cur, this.env);
    cur.expectEnd();
    this.symbol(name).def = { k: 'equ', expr, where: src.where(at) };
  }

  // ------------------------------------------------------------ expressions

  private readonly env: ExprEnv = {
    symbol: (name, src, at) => {
      if (name === '.') {
        if (this.section.kind === 'discard') return num(0n);
        const synth = `.${SYNTH}${this.synthCount++}`;
        const sec = this.section;
        const code = sec.kind === 'code';
        this.symbol(synth).def = { k: 'label', section: sec, space: code ? 'code' : 'data', offset: code ? sec.insns.length : sec.bytes.length, where: src.where(at) };
        return { k: 'sym', name: synth, shown: '.', src, at };
      }
      const def = this.symbols.get(name)?.def;
      if (def != null && def.k === 'equ') return def.expr;
      return { k: 'sym', name, shown: name, src, at };
    },
    localRef: (label, dir, src, at) => {
      const defs = this.locals.get(label) ?? [];
      if (dir === 'b') {
        const last = defs[defs.length - 1];
        if (last === undefined) src.fail(at, `${label}b`, `a local label '${label}:' defined before this line`);
        return { k: 'sym', name: last, shown: `${label}b`, src, at };
      }
      return { k: 'sym', name: localName(label, defs.length), shown: `${label}f`, src, at };
    },
  };

  /**
   * A value known now: numbers, .equ symbols defined before, and differences of labels of
   * one section defined before (`. - start`).
   */
  private constant(e: Expr): bigint {
    if (e.k === 'num') return e.v;
    const expected = 'a constant (numbers and .equ symbols defined earlier)';
    const offsets = new Map<string, { kind: Kind; offset: number }>();
    const known = (s: SymExpr): { kind: Kind; offset: number } => {
      const got = offsets.get(s.name);
      if (got !== undefined) return got;
      const def = this.symbols.get(s.name)?.def;
      if (def == null || def.k !== 'label' || def.offset < 0) {
        if (def != null) s.src.fail(s.at, s.shown, expected, `'${s.shown}' is a label; a constant is needed here`);
        return s.src.fail(s.at, s.shown, expected, `undefined symbol '${s.shown}' (a constant is needed here: numbers and .equ symbols defined earlier)`);
      }
      const k = { kind: `${this.sections.indexOf(def.section)}:${def.space}`, offset: def.offset };
      offsets.set(s.name, k);
      return k;
    };
    const kind = kindOf(e, {
      kindOf: (s) => known(s).kind,
      isCode: (k) => k.endsWith(':code'),
      describe: (k) => (k.endsWith(':code') ? 'a code address' : `an address in ${this.sections[Number(k.split(':')[0])]?.spec.name ?? 'a section'}`),
    });
    if (kind !== ABS && kind !== 'codeDelta') {
      const s = firstSymbol(e)!;
      s.src.fail(s.at, s.shown, expected, `'${s.shown}' is a label; a constant is needed here`);
    }
    return evaluate(e, (s) => BigInt(known(s).offset));
  }

  private constantAt(src: SrcText, from: number): bigint {
    const cur = new Cursor(src, tokenize(src, from));
    const e = parseExpr(cur, this.env);
    cur.expectEnd();
    return this.constant(e);
  }

  /** Calls apply with the value of e now if it is a number, else once the program is linked
   * (with its kind: a data or code address, or a number). */
  private later(e: Expr, apply: (v: bigint, kind: Kind) => void): void {
    if (e.k === 'num') {
      apply(e.v, ABS);
      return;
    }
    this.fixups.push(() => {
      const link = this.unit!.link!;
      const kind = kindOf(e, { kindOf: (s) => link.kind(s), isCode: (k) => k === 'code', describe: (k) => (k === 'code' ? 'a code address' : 'a data address') });
      apply(evaluate(e, (s) => link.value(s)), kind);
    });
  }

  // ------------------------------------------------------------ instructions

  private instruction(name: string, src: SrcText, at: number, nameEnd: number): void {
    const encode = ENCODERS.get(name);
    const written = src.text.slice(at, nameEnd);
    if (encode === undefined) {
      if (UNSUPPORTED_MNEMONICS.has(name)) {
        src.fail(at, written, 'an instruction hangar models', `'${written}' is an AArch64 instruction that hangar does not model`);
      }
      if (SIMD_FP_MNEMONIC.test(name)) {
        src.fail(at, written, 'an instruction hangar models', `'${written}' is a floating-point or SIMD instruction: hangar models the general-purpose registers only`);
      }
      const hint = nearest(name, [...ENCODERS.keys()]);
      src.fail(at, written, 'an instruction, a directive or a macro', `unknown mnemonic '${written}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
    }
    const sec = this.section;
    if (sec.kind !== 'code') {
      const what = sec.kind === 'discard' ? `section ${sec.spec.name}, which hangar keeps out of the program` : `${sec.spec.name}, a data section`;
      src.fail(at, written, 'a data directive', `instructions must be in a code section such as .text (the current section is ${what})`);
    }
    const cur = new Cursor(src, tokenize(src, nameEnd));
    const ops = parseOperands(cur, this.env);
    const rec = new Int32Array(INSN_WORDS);
    const ctx: EncodeContext = {
      src,
      mnemonic: name,
      mnemonicSpan: { start: at, end: nameEnd },
      ops,
      rec,
      constant: (o: ImmOperand) => this.operandConstant(o, name, src),
      value: (o: ImmOperand | LiteralOperand, apply) => this.operandValue(o, name, src, apply),
      codeTarget: (o: ImmOperand, apply) => this.codeTarget(o, src, apply),
    };
    encode(ctx);
    this.pendingAlign = null;
    this.bindPending('code');
    sec.insns.push({ rec, src, at, cFile: this.loc.file, cLine: this.loc.line, cCol: this.loc.col });
  }

  private checkReloc(o: ImmOperand, mnemonic: string, src: SrcText): void {
    if (o.reloc !== null && !relocAllowed(mnemonic, o.reloc)) {
      src.fail(o.start, src.text.slice(o.start, o.end), 'an operand without this relocation operator', `relocation operator ':${o.reloc}:' is not allowed in '${mnemonic}'`);
    }
  }

  private operandConstant(o: ImmOperand, mnemonic: string, src: SrcText): bigint {
    this.checkReloc(o, mnemonic, src);
    const v = this.constant(o.e);
    if (o.reloc === null) return v;
    if (o.reloc === 'got' || o.reloc === 'got_lo12') src.fail(o.start, src.text.slice(o.start, o.end), `a symbol after :${o.reloc}:`);
    return applyReloc(o.reloc, v, () => this.relocRange(o, src));
  }

  private relocRange(o: ImmOperand, src: SrcText): never {
    const shown = `:${o.reloc}:`;
    return src.fail(o.start, src.text.slice(o.start, o.end), `a value that fits in ${shown}`, `the value of ${src.text.slice(o.start, o.end)} does not fit in ${shown} (use ${shown.replace(/:$/, '_nc:')} for a part of a larger value)`);
  }

  private operandValue(o: ImmOperand | LiteralOperand, mnemonic: string, src: SrcText, apply: (v: bigint) => void): void {
    if (o.k === 'lit' || o.reloc === null) {
      this.later(o.e, (v) => apply(v));
      return;
    }
    this.checkReloc(o, mnemonic, src);
    const reloc = o.reloc;
    if (reloc === 'got' || reloc === 'got_lo12') {
      const e = o.e;
      if (e.k !== 'sym') src.fail(o.start, src.text.slice(o.start, o.end), `a symbol alone after :${reloc}: (a GOT slot holds one symbol's address)`);
      this.fixups.push(() => {
        const slot = this.unit!.link!.gotSlot(e);
        apply(reloc === 'got' ? slot : slot & 0xfffn);
      });
      return;
    }
    this.later(o.e, (v) => apply(applyReloc(reloc, v, () => this.relocRange(o, src))));
  }

  private codeTarget(o: ImmOperand, src: SrcText, apply: (pc: number) => void): void {
    const e = o.e;
    if (o.word !== null && e.k !== 'sym') {
      src.fail(o.start, o.word, 'a code label', `'${o.word}' is a .equ symbol, not a code label`);
    }
    if (e.k !== 'sym') {
      src.fail(o.start, src.text.slice(o.start, o.end), 'a code label (branch targets are labels, 1b/1f or \'.\', without arithmetic)');
    }
    this.fixups.push(() => apply(this.unit!.link!.codeTarget(e)));
  }

  // ------------------------------------------------------------ directives

  private directive(d: string, src: SrcText, at: number, nameEnd: number): void {
    if (d.startsWith('.cfi_') || IGNORED_DIRECTIVES.has(d)) return;
    const written = src.text.slice(at, nameEnd);
    switch (d) {
      case '.section':
      case '.pushsection': {
        const spec = parseSection(src, nameEnd);
        if (d === '.pushsection') this.stack.push(this.section);
        this.switchTo(spec, src, at);
        return;
      }
      case '.popsection': {
        const top = this.stack.pop();
        if (top === undefined) src.fail(at, written, 'a .pushsection before', '.popsection without .pushsection');
        this.switchTo(top.spec, src, at);
        return;
      }
      case '.previous':
        this.switchTo(this.previous.spec, src, at);
        return;
      case '.type':
        this.typeDirective(typeCursor(src, nameEnd));
        return;
      case '.file': {
        // Clang's 128-bit md5 checksum is no 64-bit number: blank it before tokenizing.
        const m = /\bmd5\s+0x[0-9A-Fa-f]+\s*$/.exec(src.text.slice(nameEnd));
        const text = m === null ? src : src.withText(src.text.slice(0, nameEnd + m.index) + ' '.repeat(m[0].length));
        this.fileDirective(new Cursor(text, tokenize(text, nameEnd)), m !== null);
        return;
      }
    }
    const cur = new Cursor(src, tokenize(src, nameEnd));
    const size = DATA_SIZES[d];
    if (size !== undefined) {
      this.dataValues(cur, size);
      return;
    }
    switch (d) {
      case '.text':
      case '.data':
      case '.bss':
        cur.expectEnd();
        this.switchTo({ name: d, kind: d === '.text' ? 'code' : d === '.bss' ? 'bss' : 'data', group: null, where: src.where(at) }, src, at);
        return;
      case '.zero':
      case '.skip':
      case '.space': {
        const first = cur.peek();
        const n = this.constExpr(cur, 'a byte count');
        const fill = cur.eat(',') ? this.constExpr(cur, 'a fill byte') : 0n;
        cur.expectEnd();
        if (n < 0n || n > BigInt(MAX_MEMORY_BYTES)) src.fail(first.start, cur.textFrom(first), `a byte count 0..${MAX_MEMORY_BYTES}`);
        this.emit(Number(n), Number(fill & 0xffn), src, at);
        return;
      }
      case '.fill':
        this.fillDirective(cur, src, at);
        return;
      case '.align':
      case '.p2align':
      case '.balign':
        this.alignDirective(d, cur, src, at);
        return;
      case '.string':
      case '.asciz':
      case '.ascii':
        this.strings(cur, d !== '.ascii', src, at);
        return;
      case '.uleb128':
      case '.sleb128':
        this.leb128(cur, d === '.sleb128', src, at);
        return;
      case '.equ':
      case '.set':
      case '.equiv': {
        const t = cur.peek();
        if (t.kind !== 'ident') cur.failAt(t, 'a symbol name');
        cur.next();
        const comma = cur.expect(',', "',' and a value");
        this.defineEqu(t.text, src, t.start, comma.end, d === '.equiv');
        return;
      }
      case '.globl':
      case '.global':
      case '.weak':
      case '.local':
        for (const t of this.names(cur)) this.bind(t, d === '.weak' ? 'weak' : d === '.local' ? 'local' : 'global', src);
        return;

      case '.size': {
        const t = this.name(cur);
        const comma = cur.expect(',', "',' and a size");
        if (cur.atEnd()) cur.failAt(cur.peek(), 'a size');
        const expr = parseExpr(cur, this.env, 'a size');
        cur.expectEnd();
        this.symbol(t.text).size = { expr, src, at: comma.end };
        return;
      }
      case '.comm':
      case '.lcomm':
        this.common(cur, d === '.lcomm', src);
        return;
      case '.loc':
        this.locDirective(cur);
        return;
      case '.cores':
        this.coresDirective(cur, src, at);
        return;
      case '.thread': {
        const t = cur.peek();
        if (t.kind !== 'ident' || t.text === '.') cur.failAt(t, 'a code label');
        cur.next();
        cur.expectEnd();
        if (this.threads.cores !== null) src.fail(at, written, 'no .thread', `.thread cannot be combined with .cores (at ${this.threads.cores.where})`);
        this.threads.threads.push({ name: t.text, src, at: t.start });
        return;
      }
      case '.stack': {
        const first = cur.peek();
        const n = this.constExpr(cur, 'a stack size in bytes');
        cur.expectEnd();
        if (this.threads.stack !== null) src.fail(at, written, 'one .stack', `.stack given twice (first at ${this.threads.stack.where})`);
        if (n < 0n || n > BigInt(MAX_STACK_BYTES) || n % 16n !== 0n) src.fail(first.start, cur.textFrom(first), `a multiple of 16 in 0..${MAX_STACK_BYTES}`);
        this.threads.stack = { bytes: Number(n), where: src.where(at) };
        return;
      }
    }
    const hint = nearest(d, KNOWN_DIRECTIVES);
    src.fail(at, written, 'a directive hangar supports', `unknown directive '${written}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
  }

  // ------------------------------------------------------------ sections

  private open(spec: SectionSpec): Section {
    const key = `${spec.name}\u0000${spec.group ?? ''}`;
    let sec = this.sectionByKey.get(key);
    if (sec === undefined) {
      sec = new Section(spec);
      sec.order = this.layoutOrder++;
      this.sectionByKey.set(key, sec);
      this.sections.push(sec);
    }
    return sec;
  }

  private switchTo(spec: SectionSpec, src: SrcText, at: number): void {
    const key = `${spec.name}\u0000${spec.group ?? ''}`;
    const old = this.sectionByKey.get(key);
    if (old !== undefined && old.kind !== spec.kind) {
      src.fail(at, spec.name, `the section's first kind (${old.kind})`, `section ${spec.name} was opened as ${old.kind} at ${old.spec.where} and is now ${spec.kind}`);
    }
    this.bindPending('code');
    this.pendingAlign = null;
    const sec = this.open(spec);
    if (sec !== this.section) this.previous = this.section;
    this.section = sec;
  }

  /** Appends n bytes of fill to the current section's data (nothing in a discarded one);
   * returns the offset of the first, or -1 when discarded. */
  private emit(n: number, fill: number, src: SrcText, at: number): number {
    const sec = this.section;
    if (sec.kind === 'discard') return -1;
    if (sec.kind === 'bss' && fill !== 0) src.fail(at, src.text.slice(at), 'zero bytes', `non-zero data in ${sec.spec.name}, a @nobits (zero-filled) section`);
    if (sec.kind === 'code') {
      const a = this.pendingAlign;
      this.pendingAlign = null;
      if (a !== null) this.pad(a);
      this.bindPending('data');
    }
    if (sec.bytes.length + n > MAX_MEMORY_BYTES) src.fail(at, src.text.slice(at), `at most ${MAX_MEMORY_BYTES} bytes of data`, `the data would exceed ${MAX_MEMORY_BYTES} bytes`);
    this.hasData(sec);
    return sec.bytes.append(n, fill);
  }

  /** The section takes memory; a code section's literal area is placed where its first
   * datum came. */
  private hasData(sec: Section): void {
    if (sec.hasData) return;
    sec.hasData = true;
    if (sec.kind === 'code') sec.order = this.layoutOrder++;
  }

  private pad(a: PendingAlign): void {
    const sec = this.section;
    const padding = (a.bytes - (sec.bytes.length % a.bytes)) % a.bytes;
    // As in GNU as, no padding at all when more than the maximum would be needed.
    if (a.max !== null && BigInt(padding) > a.max) return;
    if (a.bytes > sec.align) sec.align = a.bytes;
    this.hasData(sec);
    sec.bytes.append(padding, a.fill);
  }

  private alignDirective(d: string, cur: Cursor, src: SrcText, at: number): void {
    const first = cur.peek();
    const n = this.constExpr(cur, 'an alignment');
    const fill = cur.eat(',') && !cur.isPunct(',') ? this.constExpr(cur, 'a fill byte') : 0n;
    const max = cur.eat(',') ? this.constExpr(cur, 'a maximum padding') : null;
    cur.expectEnd();
    let bytes: number;
    if (d === '.balign') {
      if (n < 1n || n > BigInt(1 << MAX_ALIGN_LOG2) || (n & (n - 1n)) !== 0n) src.fail(first.start, cur.textFrom(first), `a power of two 1..${1 << MAX_ALIGN_LOG2}`);
      bytes = Number(n);
    } else {
      if (n < 0n || n > BigInt(MAX_ALIGN_LOG2)) src.fail(first.start, cur.textFrom(first), `an alignment exponent 0..${MAX_ALIGN_LOG2} (2^N bytes)`);
      bytes = 1 << Number(n);
    }
    const a: PendingAlign = { bytes, fill: Number(fill & 0xffn), max };
    const sec = this.section;
    if (sec.kind === 'discard') return;
    // In code the alignment is for instructions (which have no bytes), unless data follows.
    if (sec.kind === 'code') this.pendingAlign = a;
    else {
      if (sec.kind === 'bss' && a.fill !== 0) src.fail(at, src.text.slice(at), 'a zero fill', `non-zero fill in ${sec.spec.name}, a @nobits (zero-filled) section`);
      this.pad(a);
    }
  }

  // ------------------------------------------------------------ data

  private constExpr(cur: Cursor, what: string): bigint {
    if (cur.atEnd() || cur.isPunct(',')) cur.failAt(cur.peek(), what);
    return this.constant(parseExpr(cur, this.env, what));
  }

  private dataValues(cur: Cursor, size: number): void {
    if (cur.atEnd()) cur.failAt(cur.peek(), 'a value');
    const sec = this.section;
    for (;;) {
      const first = cur.peek();
      const e = parseExpr(cur, this.env, 'a value');
      const end = cur.toks[Math.max(0, cur.i - 1)].end;
      const offset = this.emit(size, 0, cur.src, first.start);
      if (offset >= 0) {
        const bits = BigInt(8 * size);
        if (sec.kind === 'init' && size === 8) sec.entries.push({ offset, src: cur.src, at: first.start });
        this.later(e, (v, kind) => {
          if (size < 8 && (v < -(1n << (bits - 1n)) || v > (1n << bits) - 1n)) {
            cur.src.fail(first.start, cur.src.text.slice(first.start, end), `a value that fits in ${size} byte${size === 1 ? '' : 's'}`);
          }
          if (sec.kind === 'bss' && v !== 0n) cur.src.fail(first.start, cur.src.text.slice(first.start, end), 'zero', `non-zero data in ${sec.spec.name}, a @nobits (zero-filled) section`);
          if (sec.kind === 'init' && (size !== 8 || kind !== 'code')) {
            cur.src.fail(first.start, cur.src.text.slice(first.start, end), `a function (a code label) in an 8-byte entry of ${sec.spec.name}`);
          }
          const data = sec.bytes.data;
          for (let k = 0; k < size; k++) data[offset + k] = Number((v >> BigInt(8 * k)) & 0xffn);
        });
      }
      if (cur.atEnd()) return;
      cur.expect(',', "',' or end of line");
    }
  }

  private strings(cur: Cursor, terminate: boolean, src: SrcText, at: number): void {
    if (cur.atEnd()) cur.failAt(cur.peek(), 'a string in double quotes');
    for (;;) {
      const t = cur.peek();
      if (t.kind !== 'str') cur.failAt(t, 'a string in double quotes');
      cur.next();
      const bytes = stringBytes(t.text, src, t.start);
      if (terminate) bytes.push(0);
      this.putBytes(bytes, src, at);
      if (cur.atEnd()) return;
      cur.expect(',', "',' or end of line");
    }
  }

  private leb128(cur: Cursor, signed: boolean, src: SrcText, at: number): void {
    if (cur.atEnd()) cur.failAt(cur.peek(), 'a value');
    for (;;) {
      const first = cur.peek();
      const e = parseExpr(cur, this.env, 'a value');
      // Only in kept sections is the value needed (debug info is never evaluated).
      if (this.section.kind !== 'discard') {
        const v = this.constant(e);
        if (!signed && v < 0n) src.fail(first.start, cur.textFrom(first), 'a non-negative value for .uleb128');
        this.putBytes(signed ? sleb128(v) : uleb128(v), src, at);
      }
      if (cur.atEnd()) return;
      cur.expect(',', "',' or end of line");
    }
  }

  private putBytes(bytes: number[], src: SrcText, at: number): void {
    if (this.section.kind === 'bss' && bytes.some((b) => b !== 0)) src.fail(at, src.text.slice(at), 'zero bytes', `non-zero data in ${this.section.spec.name}, a @nobits (zero-filled) section`);
    const offset = this.emit(bytes.length, 0, src, at);
    if (offset < 0) return;
    this.section.bytes.data.set(bytes, offset);
  }

  /** .fill repeat[, size[, value]]: repeat copies of the low `size` (<= 8) bytes of value. */
  private fillDirective(cur: Cursor, src: SrcText, at: number): void {
    const first = cur.peek();
    const repeat = this.constExpr(cur, 'a repeat count');
    let size = 1n;
    let value = 0n;
    if (cur.eat(',')) {
      const s = cur.peek();
      size = this.constExpr(cur, 'a size 0..8');
      if (size < 0n || size > 8n) src.fail(s.start, cur.textFrom(s), 'a size 0..8');
      if (cur.eat(',')) value = this.constExpr(cur, 'a value');
    }
    cur.expectEnd();
    const n = repeat * size;
    if (repeat < 0n || n > BigInt(MAX_MEMORY_BYTES)) src.fail(first.start, cur.textFrom(first), `a repeat count giving at most ${MAX_MEMORY_BYTES} bytes`);
    const one: number[] = [];
    // GNU as: a value wider than 4 bytes is not kept beyond its low 4 bytes (the rest is 0).
    for (let k = 0n; k < size; k++) one.push(k < 4n ? Number((value >> (8n * k)) & 0xffn) : 0);
    const bytes: number[] = [];
    for (let r = 0n; r < repeat; r++) bytes.push(...one);
    this.putBytes(bytes, src, at);
  }

  // ------------------------------------------------------------ symbols

  private name(cur: Cursor): Token {
    const t = cur.peek();
    if (t.kind !== 'ident' || t.text === '.') cur.failAt(t, 'a symbol name');
    cur.next();
    return t;
  }

  private names(cur: Cursor): Token[] {
    const out = [this.name(cur)];
    while (cur.eat(',')) out.push(this.name(cur));
    cur.expectEnd();
    return out;
  }

  private bind(t: Token, binding: Binding, src: SrcText): void {
    const sym = this.symbol(t.text);
    if (binding !== 'local' && isAssemblerLocal(t.text)) {
      // .L names never reach the symbol table (GNU as), so they cannot be global.
      src.fail(t.start, t.text, 'a symbol that is not an assembler-local .L name', `'${t.text}' is an assembler-local (.L) name and cannot be ${binding}`);
    }
    if (binding === 'local') this.localDeclared.add(t.text);
    // .weak wins over .globl (GNU as: a symbol declared both is weak).
    if (binding === 'weak' || sym.binding !== 'weak') sym.binding = binding;
  }

  /** `.type name, %function | @object | ...` (also STT_FUNC, "function"). */
  private typeDirective(cur: Cursor): void {
    const t = this.name(cur);
    cur.expect(',', "',' and a symbol type like %function or %object");
    const at = cur.peek();
    cur.eat('%');
    const ty = cur.peek();
    const word = ty.kind === 'ident' ? ty.text : ty.kind === 'str' ? ty.str : '';
    const type = /^(function|stt_func|gnu_indirect_function|stt_gnu_ifunc)$/i.test(word) ? 'function' : /^(object|stt_object|tls_object|stt_tls|common|stt_common|notype|stt_notype|gnu_unique_object)$/i.test(word) ? 'object' : null;
    if (type === null) cur.failAt(at, 'a symbol type (%function, %object, %tls_object, %common, %notype, %gnu_indirect_function)');
    cur.next();
    cur.expectEnd();
    if (/indirect|ifunc/i.test(word)) cur.src.fail(ty.start, word, 'a symbol type hangar supports', `'${t.text}' is an indirect function (ifunc): not supported (no dynamic loader)`);
    if (/tls/i.test(word)) cur.src.fail(ty.start, word, 'a symbol type hangar supports', `'${t.text}' is thread-local: not supported (hangar has no TLS model)`);
    const sym = this.symbol(t.text);
    if (!/notype/i.test(word)) sym.type = type;
  }

  /** `.comm name, size[, align]` (global unless `.local`), `.lcomm name, size[, align]`. */
  private common(cur: Cursor, local: boolean, src: SrcText): void {
    const t = this.name(cur);
    cur.expect(',', "',' and a size");
    const s = cur.peek();
    const size = this.constExpr(cur, 'a size in bytes');
    if (size < 0n || size > BigInt(MAX_MEMORY_BYTES)) src.fail(s.start, cur.textFrom(s), `a size 0..${MAX_MEMORY_BYTES}`);
    let align = 1n;
    if (cur.eat(',')) {
      const a = cur.peek();
      align = this.constExpr(cur, 'an alignment in bytes');
      if (align < 1n || align > BigInt(1 << MAX_ALIGN_LOG2) || (align & (align - 1n)) !== 0n) src.fail(a.start, cur.textFrom(a), `a power of two 1..${1 << MAX_ALIGN_LOG2}`);
    } else {
      // GNU as on ELF: without an alignment, the largest power of two up to the size (max 16).
      while (align * 2n <= size && align < 16n) align *= 2n;
    }
    cur.expectEnd();
    const sym = this.symbol(t.text);
    const old = sym.def;
    if (old != null && old.k !== 'common') src.fail(t.start, t.text, 'a new symbol name', `symbol '${t.text}' is already defined (at ${old.where})`);
    if (old != null && old.k === 'common') {
      // A common symbol repeated in one unit: the largest size and alignment.
      old.size = Math.max(old.size, Number(size));
      old.align = Math.max(old.align, Number(align));
    } else {
      sym.def = { k: 'common', size: Number(size), align: Number(align), where: src.where(t.start), address: 0 };
    }
    // `.comm` makes a global common symbol unless `.local` came first (or it is a .L name).
    if (local) sym.binding = 'local';
    else if (sym.binding === 'local' && !this.localDeclared.has(t.text) && !isAssemblerLocal(t.text)) sym.binding = 'global';
  }

  // ------------------------------------------------------------ source positions

  /** `.file "name"` (the unit's source: nothing to do) or `.file N ["dir"] "name" [md5 V]`
   * (the md5 already blanked). A name relative to its directory is joined to it, and a path
   * under the compilation directory (file 0's, DWARF 5) is made relative to it, so that GCC
   * and Clang name the files alike. */
  private fileDirective(cur: Cursor, md5: boolean): void {
    const t = cur.peek();
    if (t.kind === 'str') {
      cur.next();
      cur.expectEnd();
      return;
    }
    if (t.kind !== 'num') cur.failAt(t, 'a file number or a file name in double quotes');
    cur.next();
    const a = cur.peek();
    if (a.kind !== 'str') cur.failAt(a, 'a file name in double quotes');
    cur.next();
    let name = a.str;
    const n = Number(t.value);
    if (cur.peek().kind === 'str') {
      const b = cur.next();
      if (n === 0 && path.posix.isAbsolute(a.str)) this.compDir = path.posix.normalize(a.str);
      name = path.posix.isAbsolute(b.str) || a.str === '' ? b.str : path.posix.join(a.str, b.str);
    }
    if (!cur.atEnd()) cur.failAt(cur.peek(), md5 ? 'end of line' : "'md5' and a checksum, or end of line");
    name = path.posix.normalize(name);
    if (this.compDir !== null && name.startsWith(this.compDir + '/')) name = name.slice(this.compDir.length + 1);
    this.cFiles.set(n, name);
  }

  /** The compilation directory, from `.file 0 "dir" "name"`. */
  private compDir: string | null = null;

  /** `.loc file line [column] [options]`: the position of the instructions that follow. */
  private locDirective(cur: Cursor): void {
    const f = cur.peek();
    if (f.kind !== 'num') cur.failAt(f, 'a file number');
    cur.next();
    const l = cur.peek();
    if (l.kind !== 'num') cur.failAt(l, 'a line number');
    cur.next();
    let col = 0;
    if (cur.peek().kind === 'num') col = Number(cur.next().value);
    // Options (basic_block, prologue_end, epilogue_begin, is_stmt N, isa N, discriminator N,
    // view V) describe the line table only.
    while (!cur.atEnd()) {
      const o = cur.peek();
      if (o.kind !== 'ident' || !/^(basic_block|prologue_end|epilogue_begin|is_stmt|isa|discriminator|view)$/.test(o.text)) {
        cur.failAt(o, 'a .loc option (basic_block, prologue_end, epilogue_begin, is_stmt, isa, discriminator, view)');
      }
      cur.next();
      if (o.text === 'view' || o.text === 'is_stmt' || o.text === 'isa' || o.text === 'discriminator') {
        cur.eat('-');
        const v = cur.peek();
        if (v.kind !== 'num' && v.kind !== 'ident') cur.failAt(v, `a value after ${o.text}`);
        cur.next();
      }
    }
    const n = Number(f.value);
    if (!this.cFiles.has(n)) cur.src.fail(f.start, f.text, 'a file number declared by .file', `file number ${n} has no .file ${n} "name" before it`);
    this.loc = { file: n, line: Number(l.value), col };
  }

  private coresDirective(cur: Cursor, src: SrcText, at: number): void {
    const first = cur.peek();
    const n = this.constExpr(cur, 'a number of cores');
    cur.expectEnd();
    const written = src.text.slice(at, first.start).trim();
    const t = this.threads;
    if (t.cores !== null) src.fail(at, written, 'one .cores', `.cores given twice (first at ${t.cores.where})`);
    if (t.threads.length > 0) src.fail(at, written, 'no .cores', `.cores cannot be combined with .thread (at ${t.threads[0].src.where(t.threads[0].at)})`);
    if (n < 1n || n > BigInt(MAX_CORES)) src.fail(first.start, cur.textFrom(first), `a number of cores 1..${MAX_CORES}`);
    t.cores = { n: Number(n), where: src.where(at) };
  }
}

function localName(label: string, k: number): string {
  return `${label}${SYNTH}${k}`;
}

/** The value a relocation operator gives (outOfRange fails for a value that does not fit). */
function applyReloc(reloc: string, v: bigint, outOfRange: () => never): bigint {
  if (reloc === 'lo12' || reloc === 'got_lo12') return v & 0xfffn;
  if (reloc.startsWith('abs_g')) {
    const g = BigInt(reloc[5]);
    const u = BigInt.asUintN(64, v);
    if (!reloc.endsWith('_nc') && g < 3n && u >> (16n * (g + 1n)) !== 0n) outOfRange();
    return (u >> (16n * g)) & 0xffffn;
  }
  return v; // got, pg_hi21: ADRP takes the page
}
