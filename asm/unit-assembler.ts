// The assembler of one translation unit: statements from the preprocessor (preprocessor.ts)
// become the sections, symbols and pending values of an AsmUnit (unit.ts); encoders/ encode
// the instructions, data.ts the bytes of data directives, sections.ts what a section is. Every
// value that needs a label's address waits for the linker (linker.ts), which lays the units
// out. A bad statement is recorded and assembly goes on, so one run reports every error of the
// file (errors.ts). The syntax, the sections rule, the layout and the code-address model are
// documented in asm/README.md.

import * as path from 'node:path';
import { Cursor, SrcText, tokenize, type Token } from './lexer.ts';
import { num, parseExpr, type ExprEnv } from './expressions.ts';
import { ENCODERS, SIMD_FP_MNEMONIC, UNSUPPORTED_MNEMONICS, type EncodeContext } from './encoders/table.ts';
import { INSN_WORDS } from '../isa/instructions.ts';
import { parseOperands, type ImmOperand, type LiteralOperand } from './operands.ts';
import { Preprocessor, type PreprocessorWork, type SourceLine, type Stmt } from './preprocessor.ts';
import { SourceError, type SourcePos } from '../isa/source-error.ts';
import { readTextFile } from '../isa/source-file.ts';
import { nearest } from './suggest.ts';
import { ErrorList } from './errors.ts';
import { parseSection, typeCursor } from './sections.ts';
import { sleb128, stringBytes, uleb128 } from './data.ts';
import { LineInfo } from './line-info.ts';
import { applyReloc, relocAllowed } from './relocations.ts';
import { parseCommon, parseType, symbolName, symbolNames } from './symbol-directives.ts';
import { SYNTH, type AsmUnit, type Binding, type UnitThreads, isAssemblerLocal } from './unit.ts';
import { type PendingAlign, UnitLayout } from './unit-layout.ts';
import { MAX_CORES, MAX_INSTRUCTIONS, MAX_MEMORY_BYTES, MAX_STACK_BYTES } from './limits.ts';

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
  /** For .include; default: the file system (regular files only, at most MAX_SOURCE_BYTES),
   * relative to the including file's directory. */
  readFile?: (path: string, fromFile: string) => { text: string; file: string };
  /** Directories searched for `.include "name"` after the including file's directory, in
   * order (the `-I DIR` of GNU as). */
  includePaths?: string[];
  /** The errors a report shows in full (default MAX_REPORTED_ERRORS); the rest are counted. */
  maxErrors?: number;
  /** Filled with the work the assembly did (also when it fails): tests bound it. With
   * assemble(), evaluation steps include those of linking. */
  work?: AssemblyWork;
}

/** The work of one assembly; each count is bounded by a limit of the assembler. */
export interface AssemblyWork extends PreprocessorWork {
  /** Expression nodes computed (memoised: at most one per node). */
  evalSteps: number;
  instructions: number;
}

/** Largest .align (2^16 bytes). */
const MAX_ALIGN_LOG2 = 16;

function defaultReadFile(p: string, fromFile: string): { text: string; file: string } {
  const file = path.isAbsolute(p) ? p : path.join(path.dirname(fromFile), p);
  return { text: readTextFile(file), file };
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
/** Assembles one unit from its lines; throws the errors found (AssemblyErrors when several). */
export function assembleUnitLines(lines: AsmLine[], opts: AssembleOptions): AsmUnit {
  const asm = new UnitAssembler(opts ?? { file: '<input>' });
  try {
    return asm.run(lines);
  } finally {
    if (opts?.work !== undefined) Object.assign(opts.work, asm.work());
  }
}

class UnitAssembler extends UnitLayout {
  private readonly file: string;
  private readonly readFile: (path: string, fromFile: string) => { text: string; file: string };
  private readonly includePaths: readonly string[];
  private readonly errors: ErrorList;
  private readonly lines = new LineInfo();
  private readonly threads: UnitThreads = { cores: null, threads: [], stack: null };
  /** Names given to `.local`: their `.comm` stays in this unit. */
  private readonly localDeclared = new Set<string>();
  private endPos: SourcePos;

  constructor(opts: AssembleOptions) {
    super(typeof opts.file === 'string' ? opts.file : '<input>');
    this.file = typeof opts.file === 'string' ? opts.file : '<input>';
    this.readFile = opts.readFile ?? defaultReadFile;
    this.includePaths = Array.isArray(opts.includePaths) ? opts.includePaths.map(String) : [];
    this.errors = new ErrorList(opts.maxErrors);
    this.endPos = { file: this.file, line: 1, col: 1 };
    for (const [name, v] of Object.entries(opts.defines ?? {})) {
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
        throw new SourceError(this.endPos, String(v), `an integer for define '${name}'`);
      }
      this.symbol(name).def = { k: 'equ', expr: num(BigInt(v)), where: 'the defines option' };
    }
  }

  private pp: Preprocessor | null = null;
  private instructions = 0;

  work(): AssemblyWork {
    const pp = this.pp?.work ?? { sourceChars: 0, statements: 0, expandedChars: 0 };
    return { ...pp, evalSteps: this.evaluation.steps, instructions: this.instructions };
  }

  run(lines: AsmLine[]): AsmUnit {
    const input: SourceLine[] = [];
    for (const l of Array.isArray(lines) ? lines : []) {
      input.push({ text: String(l?.text ?? ''), file: String(l?.file ?? this.file), line: Number(l?.line) || 1, col: Number(l?.col) || 1 });
    }
    const last = input[input.length - 1];
    if (last !== undefined) this.endPos = { file: last.file, line: last.line, col: last.col };
    const pp = (this.pp = new Preprocessor(input, this.file, {
      constant: (src, from) => this.constantAt(src, from),
      isDefined: (name) => this.symbols.get(name)?.def != null,
      readFile: (p, from) => this.readInclude(p, from),
    }));
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
      cFiles: this.lines.files,
      fixups: this.fixups,
      threads: this.threads,
      evaluation: this.evaluation,
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
    this.evaluation.shared.add(expr);
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

  private constantAt(src: SrcText, from: number): bigint {
    const cur = new Cursor(src, tokenize(src, from));
    const e = parseExpr(cur, this.env);
    cur.expectEnd();
    return this.constant(e);
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
    if (this.instructions >= MAX_INSTRUCTIONS) src.fail(at, written, `at most ${MAX_INSTRUCTIONS} instructions`, `more than ${MAX_INSTRUCTIONS} instructions`);
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
    const loc = this.lines.current;
    sec.insns.push({ rec, src, at, cFile: loc.file, cLine: loc.line, cCol: loc.col });
    this.instructions++;
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
      this.fixup(() => {
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
    this.fixup(() => apply(this.unit!.link!.codeTarget(e)));
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
      case '.file':
        this.lines.file(src, nameEnd);
        return;
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
        for (const t of symbolNames(cur)) this.bind(t, d === '.weak' ? 'weak' : d === '.local' ? 'local' : 'global', src);
        return;

      case '.size': {
        const t = symbolName(cur);
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
        this.lines.loc(cur);
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
        // One error for a program with too many threads: at the first one past the limit.
        this.threads.threads.push({ name: t.text, src, at: t.start });
        if (this.threads.threads.length === MAX_CORES + 1) src.fail(at, written, `at most ${MAX_CORES} .thread directives`, `more than ${MAX_CORES} threads: a program has at most ${MAX_CORES} cores`);
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
        if (sec.kind === 'init' && size === 8) sec.entries.push({ offset });
        // The closure may wait for the linker: it keeps the statement, not its tokens.
        const src = cur.src, at = first.start;
        this.later(e, (v, kind) => {
          if (size < 8 && (v < -(1n << (bits - 1n)) || v > (1n << bits) - 1n)) {
            src.fail(at, src.text.slice(at, end), `a value that fits in ${size} byte${size === 1 ? '' : 's'}`);
          }
          if (sec.kind === 'bss' && v !== 0n) src.fail(at, src.text.slice(at, end), 'zero', `non-zero data in ${sec.spec.name}, a @nobits (zero-filled) section`);
          if (sec.kind === 'init' && (size !== 8 || kind !== 'code')) {
            src.fail(at, src.text.slice(at, end), `a function (a code label) in an 8-byte entry of ${sec.spec.name}`);
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

  /** `.type name, %function | @object | ...`. */
  private typeDirective(cur: Cursor): void {
    const { name, type } = parseType(cur);
    const sym = this.symbol(name.text);
    if (type !== null) sym.type = type;
  }

  /** `.comm name, size[, align]` (global unless `.local`), `.lcomm name, size[, align]`. */
  private common(cur: Cursor, local: boolean, src: SrcText): void {
    const { name: t, size, align } = parseCommon(cur, (what) => this.constExpr(cur, what), MAX_MEMORY_BYTES, 1 << MAX_ALIGN_LOG2);
    const sym = this.symbol(t.text);
    const old = sym.def;
    if (old != null && old.k !== 'common') src.fail(t.start, t.text, 'a new symbol name', `symbol '${t.text}' is already defined (at ${old.where})`);
    if (old != null && old.k === 'common') {
      // A common symbol repeated in one unit: the largest size and alignment.
      old.size = Math.max(old.size, size);
      old.align = Math.max(old.align, align);
    } else {
      sym.def = { k: 'common', size, align, where: src.where(t.start), address: 0 };
    }
    // `.comm` makes a global common symbol unless `.local` came first (or it is a .L name).
    if (local) sym.binding = 'local';
    else if (sym.binding === 'local' && !this.localDeclared.has(t.text) && !isAssemblerLocal(t.text)) sym.binding = 'global';
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
