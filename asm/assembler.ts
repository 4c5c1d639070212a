// The GNU-as-style AArch64 assembler of hangar: source text -> Program (isa/program.ts). The
// statements come from the preprocessor (preprocessor.ts), instructions are encoded by
// encoders/; this module runs the directives, lays out code, data and stacks, and resolves
// symbols. The syntax it accepts, its extensions (.cores, .thread, .stack), the memory layout
// and its errors are documented in asm/README.md.

import * as path from 'node:path';
import { Cursor, SrcText, tokenize } from './lexer.ts';
import { evaluate, firstSymbol, newEvaluation, num, parseExpr, type Expr, type ExprEnv, type SymbolMeaning, type SymExpr } from './expressions.ts';
import { ENCODERS, UNSUPPORTED_MNEMONICS, type EncodeContext } from './encoders/table.ts';
import { F, INSN_WORDS, Op, REG_SP } from '../isa/instructions.ts';
import { parseOperands, type ImmOperand, type LiteralOperand } from './operands.ts';
import { Preprocessor, type PreprocessorWork, type SourceLine, type Stmt } from './preprocessor.ts';
import { DATA_BASE, MAX_CORE_LOCATIONS, MAX_CORES, STACK_BYTES, type Program, type ThreadSpec } from '../isa/program.ts';
import { SourceError, type SourcePos } from '../isa/source-error.ts';
import { readTextFile } from '../isa/source-file.ts';
import { nearest } from './suggest.ts';

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
  /** Filled with the work the assembly did (also when it fails): tests bound it. */
  work?: AssemblyWork;
}

/** The work of one assembly; each count is bounded by a limit of the assembler. */
export interface AssemblyWork extends PreprocessorWork {
  /** Expression nodes computed after pass 1 (memoised: at most one per node). */
  evalSteps: number;
  instructions: number;
}

export { MAX_CORES };
/** The most instructions one program may have. */
export const MAX_INSTRUCTIONS = 1 << 20;
export const MAX_STACK_BYTES = 1 << 20;
/** Bytes of data plus stacks a program may use. */
export const MAX_MEMORY_BYTES = 1 << 25;
/** Largest .align (2^16 bytes). */
const MAX_ALIGN_LOG2 = 16;

/** Assembles a whole source file. */
export function assemble(source: string, opts: AssembleOptions): Program {
  const file = opts?.file ?? '<input>';
  const text = typeof source === 'string' ? source.replace(/^\uFEFF/, '') : '';
  const lines = text.split(/\r?\n/).map((t, i) => ({ text: t, file, line: i + 1, col: 1 }));
  return assembleLines(lines, opts);
}

/** Assembles lines that come from elsewhere (each with its own file position). */
export function assembleLines(lines: AsmLine[], opts: AssembleOptions): Program {
  let asm: Assembler | null = null;
  try {
    asm = new Assembler(opts ?? { file: '<input>' });
    return asm.run(lines);
  } catch (e) {
    if (e instanceof SourceError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    const pos = asm?.position() ?? { file: String(opts?.file ?? '<input>'), line: 1, col: 1 };
    throw new SourceError(pos, 'input the assembler could not handle', 'valid assembler input', `internal assembler error: ${why}`);
  } finally {
    if (opts?.work !== undefined && asm !== null) Object.assign(opts.work, asm.work());
  }
}

interface Label {
  text: boolean;
  /** pc (text) or byte address (data). */
  value: number;
  where: string;
}

interface Equ {
  expr: Expr;
  where: string;
}

type Section = 'text' | 'data';

/** The separator of synthetic label names (numeric local labels, '.'), never in source names. */
const SYNTH = '\u0002';

function defaultReadFile(p: string, fromFile: string): { text: string; file: string } {
  const file = path.isAbsolute(p) ? p : path.join(path.dirname(fromFile), p);
  return { text: readTextFile(file), file };
}

const IGNORED_DIRECTIVES = new Set([
  '.global', '.globl', '.local', '.weak', '.hidden', '.protected', '.internal', '.type', '.size',
  '.file', '.ident', '.loc', '.arch', '.arch_extension', '.cpu', '.ltorg', '.pool', '.warning',
]);
const DATA_SIZES: Record<string, number> = {
  '.byte': 1, '.hword': 2, '.short': 2, '.2byte': 2, '.half': 2, '.word': 4, '.long': 4, '.int': 4,
  '.4byte': 4, '.quad': 8, '.xword': 8, '.dword': 8, '.8byte': 8,
};
const KNOWN_DIRECTIVES = [
  '.text', '.data', '.bss', '.section', '.zero', '.skip', '.space', '.align', '.p2align', '.balign',
  '.equ', '.set', '.equiv', '.cores', '.thread', '.stack', '.include', '.macro', '.endm', '.rept',
  '.irp', '.endr', '.if', '.ifdef', '.ifndef', '.else', '.elseif', '.endif', '.error', '.exitm',
  ...Object.keys(DATA_SIZES), ...IGNORED_DIRECTIVES,
];

class Assembler {
  private readonly file: string;
  private readonly readFile: (path: string, fromFile: string) => { text: string; file: string };
  private section: Section = 'text';
  private readonly insns: Array<{ rec: Int32Array; src: SrcText; at: number }> = [];
  private data = new Uint8Array(256);
  private dataLen = 0;
  private readonly labels = new Map<string, Label>();
  private readonly equs = new Map<string, Equ>();
  /** Numeric local label -> synthetic names of its definitions, in order. */
  private readonly locals = new Map<string, string[]>();
  /** Evaluations after pass 1, when every label is known: one memo for all of them. */
  private readonly evaluation = newEvaluation();
  /** Work that needs every label: evaluations and range checks of label expressions. */
  private readonly deferred: Array<() => void> = [];
  private cores: { n: number; where: string } | null = null;
  private readonly threadDecls: Array<{ name: string; src: SrcText; at: number }> = [];
  private stack: { bytes: number; where: string } | null = null;
  /** The statement being worked on, for internal-error positions. */
  private current: { src: SrcText; at: number } | null = null;
  private endPos: SourcePos;
  private pp: Preprocessor | null = null;

  constructor(opts: AssembleOptions) {
    this.file = typeof opts.file === 'string' ? opts.file : '<input>';
    this.readFile = opts.readFile ?? defaultReadFile;
    this.endPos = { file: this.file, line: 1, col: 1 };
    for (const [name, v] of Object.entries(opts.defines ?? {})) {
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
        throw new SourceError(this.endPos, String(v), `an integer for define '${name}'`);
      }
      this.equs.set(name, { expr: num(BigInt(v)), where: 'the defines option' });
    }
  }

  work(): AssemblyWork {
    const pp = this.pp?.work ?? { sourceChars: 0, statements: 0, expandedChars: 0 };
    return { ...pp, evalSteps: this.evaluation.steps, instructions: this.insns.length };
  }

  position(): SourcePos {
    return this.current === null ? this.endPos : this.current.src.pos(this.current.at);
  }

  run(lines: AsmLine[]): Program {
    const input: SourceLine[] = [];
    for (const l of Array.isArray(lines) ? lines : []) {
      input.push({ text: String(l?.text ?? ''), file: String(l?.file ?? this.file), line: Number(l?.line) || 1, col: Number(l?.col) || 1 });
    }
    const last = input[input.length - 1];
    if (last !== undefined) this.endPos = { file: last.file, line: last.line, col: last.col };
    const pp = (this.pp = new Preprocessor(input, this.file, {
      constant: (src, from) => this.constantAt(src, from),
      isDefined: (name) => this.labels.has(name) || this.equs.has(name),
      readFile: this.readFile,
    }));
    for (let s = pp.next(); s !== undefined; s = pp.next()) {
      this.current = { src: s.src, at: s.at };
      this.statement(s);
    }
    this.current = null;
    for (const work of this.deferred) work();
    return this.build();
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
      this.labels.set(synth, this.here(where));
      return;
    }
    const old = this.labels.get(name)?.where ?? this.equs.get(name)?.where;
    if (old !== undefined) src.fail(at, name, 'a new label name', `duplicate label '${name}' (first defined at ${old})`);
    this.labels.set(name, this.here(where));
  }

  private here(where: string): Label {
    return this.section === 'text'
      ? { text: true, value: this.insns.length, where }
      : { text: false, value: DATA_BASE + this.dataLen, where };
  }

  private defineEqu(name: string, src: SrcText, at: number, valueAt: number, equiv: boolean): void {
    if (name === '.') src.fail(at, name, 'a symbol name', "setting the location counter '.' is not supported");
    const label = this.labels.get(name);
    if (label !== undefined || (equiv && this.equs.has(name))) {
      const first = label?.where ?? this.equs.get(name)?.where;
      src.fail(at, name, 'a new symbol name', `symbol '${name}' is already defined (at ${first})`);
    }
    const cur = new Cursor(src, tokenize(src, valueAt));
    if (cur.atEnd()) cur.failAt(cur.peek(), 'an expression');
    const expr = parseExpr(cur, this.env);
    cur.expectEnd();
    this.evaluation.shared.add(expr);
    this.equs.set(name, { expr, where: src.where(at) });
  }

  // ------------------------------------------------------------ expressions

  private readonly env: ExprEnv = {
    symbol: (name, src, at) => {
      if (name === '.') {
        if (this.section === 'data') return num(BigInt(DATA_BASE + this.dataLen));
        const synth = `.${SYNTH}${this.insns.length}`;
        if (!this.labels.has(synth)) this.labels.set(synth, this.here(src.where(at)));
        return { k: 'sym', name: synth, shown: '.', src, at };
      }
      const q = this.equs.get(name);
      if (q !== undefined) return q.expr;
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

  /** A value known now: numbers and .equ symbols defined before. */
  private constant(e: Expr): bigint {
    if (e.k === 'num') return e.v;
    const s = firstSymbol(e);
    if (s === null) return evaluate(e, () => 0n);
    const expected = 'a constant (numbers and .equ symbols defined earlier)';
    if (this.labels.has(s.name)) s.src.fail(s.at, s.shown, expected, `'${s.shown}' is a label; a constant is needed here`);
    return s.src.fail(s.at, s.shown, expected, `undefined symbol '${s.shown}' (a constant is needed here: numbers and .equ symbols defined earlier)`);
  }

  private constantAt(src: SrcText, from: number): bigint {
    const cur = new Cursor(src, tokenize(src, from));
    const e = parseExpr(cur, this.env);
    cur.expectEnd();
    return this.constant(e);
  }

  /** What a symbol left after pass 1 stands for: a label's value, or the expression of a .equ
   * defined after its use (evaluate() evaluates it, memoised, and catches cycles). */
  private resolve(s: SymExpr): SymbolMeaning {
    const l = this.labels.get(s.name);
    if (l !== undefined) return BigInt(l.value);
    const q = this.equs.get(s.name);
    if (q !== undefined) return q.expr;
    return this.undefinedSymbol(s, 'symbol');
  }

  private undefinedSymbol(s: SymExpr, what: string): never {
    if (s.name.includes(SYNTH)) {
      const n = s.shown.slice(0, -1);
      return s.src.fail(s.at, s.shown, `a local label '${n}:' after this line`, `no local label '${n}:' after this reference to '${s.shown}'`);
    }
    return s.src.fail(s.at, s.shown, `a defined ${what}`, `undefined ${what} '${s.shown}'`);
  }

  /** Calls apply with the value of e now if it is constant, else once every label is known. */
  private later(e: Expr, apply: (v: bigint) => void): void {
    if (e.k === 'num') {
      apply(e.v);
      return;
    }
    // Only labels defined already (their values never change): evaluate now, and let the
    // expression go (100 000 deferred trees would be kept to the end of pass 1).
    if (this.onlyDefinedLabels(e)) {
      apply(evaluate(e, (s) => this.resolve(s), this.evaluation));
      return;
    }
    this.deferred.push(() => apply(evaluate(e, (s) => this.resolve(s), this.evaluation)));
  }

  /** Whether every symbol left in e is a label defined so far. */
  private onlyDefinedLabels(e: Expr): boolean {
    const todo: Expr[] = [e];
    const seen = new Set<Expr>();
    while (todo.length > 0) {
      const x = todo.pop()!;
      if (seen.has(x)) continue;
      seen.add(x);
      if (x.k === 'sym') {
        if (!this.labels.has(x.name)) return false;
      } else if (x.k === 'un' || x.k === 'lo12') todo.push(x.e);
      else if (x.k === 'bin') todo.push(x.a, x.b);
    }
    return true;
  }

  // ------------------------------------------------------------ instructions

  private instruction(name: string, src: SrcText, at: number, nameEnd: number): void {
    const encode = ENCODERS.get(name);
    if (encode === undefined) {
      const written = src.text.slice(at, nameEnd);
      if (UNSUPPORTED_MNEMONICS.has(name)) {
        src.fail(at, written, 'an instruction hangar models', `'${written}' is an AArch64 instruction that hangar does not model`);
      }
      const hint = nearest(name, [...ENCODERS.keys()]);
      src.fail(at, written, 'an instruction, a directive or a macro', `unknown mnemonic '${written}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
    }
    if (this.section !== 'text') {
      src.fail(at, src.text.slice(at, nameEnd), 'a data directive', 'instructions must be in .text (the current section is .data)');
    }
    if (this.insns.length >= MAX_INSTRUCTIONS) src.fail(at, src.text.slice(at, nameEnd), `at most ${MAX_INSTRUCTIONS} instructions`, `more than ${MAX_INSTRUCTIONS} instructions`);
    const cur = new Cursor(src, tokenize(src, nameEnd));
    const ops = parseOperands(cur, this.env);
    const rec = new Int32Array(INSN_WORDS);
    const ctx: EncodeContext = {
      src,
      mnemonic: name,
      mnemonicSpan: { start: at, end: nameEnd },
      ops,
      rec,
      constant: (o: ImmOperand) => this.constant(o.e),
      value: (o: ImmOperand | LiteralOperand, apply) => this.later(o.e, apply),
      codeTarget: (o: ImmOperand, apply) => this.codeTarget(o, src, apply),
    };
    encode(ctx);
    this.insns.push({ rec, src, at });
  }

  private codeTarget(o: ImmOperand, src: SrcText, apply: (pc: number) => void): void {
    const e = o.e;
    if (o.word !== null && e.k !== 'sym') {
      src.fail(o.start, o.word, 'a code label', `'${o.word}' is a .equ symbol, not a code label`);
    }
    if (e.k !== 'sym') {
      src.fail(o.start, src.text.slice(o.start, o.end), 'a code label (branch targets are labels, 1b/1f or \'.\', without arithmetic)');
    }
    this.deferred.push(() => {
      const l = this.labels.get(e.name);
      if (l === undefined) {
        if (this.equs.has(e.name)) e.src.fail(e.at, e.shown, 'a code label', `'${e.shown}' is a .equ symbol, not a code label`);
        this.undefinedSymbol(e, 'label');
      }
      if (!l.text) e.src.fail(e.at, e.shown, 'a code label', `'${e.shown}' is a data label; a branch needs a code label`);
      apply(l.value);
    });
  }

  // ------------------------------------------------------------ directives

  private directive(d: string, src: SrcText, at: number, nameEnd: number): void {
    // Ignored directives may use syntax hangar does not parse (`.type f, %function`).
    if (IGNORED_DIRECTIVES.has(d) || d.startsWith('.cfi_')) return;
    const written = src.text.slice(at, nameEnd);
    if (d === '.section') {
      this.sectionDirective(src, nameEnd);
      return;
    }
    const cur = new Cursor(src, tokenize(src, nameEnd));
    const size = DATA_SIZES[d];
    if (size !== undefined) {
      this.needData(src, at, written);
      this.dataValues(cur, size);
      return;
    }
    switch (d) {
      case '.text':
      case '.data':
      case '.bss':
        cur.expectEnd();
        this.section = d === '.text' ? 'text' : 'data';
        return;
      case '.zero':
      case '.skip':
      case '.space': {
        this.needData(src, at, written);
        const n = this.constExpr(cur, 'a byte count');
        const fill = cur.eat(',') ? this.constExpr(cur, 'a fill byte') : 0n;
        cur.expectEnd();
        if (n < 0n || n > BigInt(MAX_MEMORY_BYTES)) src.fail(cur.toks[0].start, src.text.slice(cur.toks[0].start), `a byte count 0..${MAX_MEMORY_BYTES}`);
        this.fill(Number(n), Number(fill & 0xffn), src, at);
        return;
      }
      case '.align':
      case '.p2align':
      case '.balign': {
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
        const padding = (bytes - (this.dataLen % bytes)) % bytes;
        // As in GNU as, no padding at all when more than the maximum would be needed.
        if (this.section === 'data' && (max === null || BigInt(padding) <= max)) this.fill(padding, Number(fill & 0xffn), src, at);
        return;
      }
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
      case '.cores':
        this.coresDirective(cur, src, at);
        return;
      case '.thread': {
        const t = cur.peek();
        if (t.kind !== 'ident' || t.text === '.') cur.failAt(t, 'a code label');
        cur.next();
        cur.expectEnd();
        if (this.cores !== null) src.fail(at, written, 'no .thread', `.thread cannot be combined with .cores (at ${this.cores.where})`);
        if (this.threadDecls.length >= MAX_CORES) src.fail(at, written, `at most ${MAX_CORES} .thread directives`, `more than ${MAX_CORES} threads: a program has at most ${MAX_CORES} cores`);
        this.threadDecls.push({ name: t.text, src, at: t.start });
        return;
      }
      case '.stack': {
        const first = cur.peek();
        const n = this.constExpr(cur, 'a stack size in bytes');
        cur.expectEnd();
        if (this.stack !== null) src.fail(at, written, 'one .stack', `.stack given twice (first at ${this.stack.where})`);
        if (n < 0n || n > BigInt(MAX_STACK_BYTES) || n % 16n !== 0n) src.fail(first.start, cur.textFrom(first), `a multiple of 16 in 0..${MAX_STACK_BYTES}`);
        this.stack = { bytes: Number(n), where: src.where(at) };
        return;
      }
    }
    const hint = nearest(d, KNOWN_DIRECTIVES);
    src.fail(at, written, 'a directive hangar supports', `unknown directive '${written}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
  }

  private needData(src: SrcText, at: number, written: string): void {
    if (this.section !== 'data') {
      src.fail(at, written, 'an instruction', `${written} needs .data (hangar's .text holds decoded instructions only)`);
    }
  }

  private constExpr(cur: Cursor, what: string): bigint {
    if (cur.atEnd() || cur.isPunct(',')) cur.failAt(cur.peek(), what);
    return this.constant(parseExpr(cur, this.env, what));
  }

  /** .section name[, flags...]: only the name matters (flags like "aw",@progbits are skipped). */
  private sectionDirective(src: SrcText, from: number): void {
    let p = from;
    while (p < src.text.length && /\s/.test(src.text[p])) p++;
    const m = /^"?([^\s,"]*)"?/.exec(src.text.slice(p));
    const name = m?.[1] ?? '';
    if (/^\.text(\.|$)/.test(name)) this.section = 'text';
    else if (/^\.(data|bss|rodata|sdata|sbss)(\.|$)/.test(name)) this.section = 'data';
    else src.fail(p, src.text.slice(p).split(',')[0], 'a section name (.text, .data, .bss or .rodata, possibly with a suffix)');
  }

  private coresDirective(cur: Cursor, src: SrcText, at: number): void {
    const first = cur.peek();
    const n = this.constExpr(cur, 'a number of cores');
    cur.expectEnd();
    const written = src.text.slice(at, first.start).trim();
    if (this.cores !== null) src.fail(at, written, 'one .cores', `.cores given twice (first at ${this.cores.where})`);
    if (this.threadDecls.length > 0) src.fail(at, written, 'no .cores', `.cores cannot be combined with .thread (at ${this.threadDecls[0].src.where(this.threadDecls[0].at)})`);
    if (n < 1n || n > BigInt(MAX_CORES)) src.fail(first.start, cur.textFrom(first), `a number of cores 1..${MAX_CORES}`);
    this.cores = { n: Number(n), where: src.where(at) };
  }

  private dataValues(cur: Cursor, size: number): void {
    if (cur.atEnd()) cur.failAt(cur.peek(), 'a value');
    for (;;) {
      const first = cur.peek();
      const e = parseExpr(cur, this.env, 'a value');
      const end = cur.toks[Math.max(0, cur.i - 1)].end;
      const offset = this.dataLen;
      this.fill(size, 0, cur.src, first.start);
      const bits = BigInt(8 * size);
      // The closure may wait for pass 1 to end: it keeps the statement, not its tokens.
      const src = cur.src, at = first.start;
      this.later(e, (v) => {
        if (size < 8 && (v < -(1n << (bits - 1n)) || v > (1n << bits) - 1n)) {
          src.fail(at, src.text.slice(at, end), `a value that fits in ${size} byte${size === 1 ? '' : 's'}`);
        }
        for (let k = 0; k < size; k++) this.data[offset + k] = Number((v >> BigInt(8 * k)) & 0xffn);
      });
      if (cur.atEnd()) return;
      cur.expect(',', "',' or end of line");
    }
  }

  private fill(n: number, byte: number, src: SrcText, at: number): void {
    const need = this.dataLen + n;
    if (need > MAX_MEMORY_BYTES) src.fail(at, src.text.slice(at), `at most ${MAX_MEMORY_BYTES} bytes of data`, `the data would exceed ${MAX_MEMORY_BYTES} bytes`);
    if (need > this.data.length) {
      const grown = new Uint8Array(Math.max(need, this.data.length * 2));
      grown.set(this.data.subarray(0, this.dataLen));
      this.data = grown;
    }
    this.data.fill(byte, this.dataLen, need);
    this.dataLen = need;
  }

  // ------------------------------------------------------------ the program

  private build(): Program {
    const threads = this.threads();
    const stackBytes = this.stack?.bytes ?? STACK_BYTES;
    const dataBytes = (this.dataLen + 15) & ~15;
    const total = dataBytes + threads.length * stackBytes;
    if (total > MAX_MEMORY_BYTES) {
      throw new SourceError(this.endPos, `${total} bytes`, `at most ${MAX_MEMORY_BYTES} bytes`, `data and stacks need ${total} bytes; the limit is ${MAX_MEMORY_BYTES}`);
    }
    if ((total / 8) * threads.length > MAX_CORE_LOCATIONS) {
      const where = this.cores?.where ?? (this.threadDecls.length ? this.threadDecls[0].src.where(this.threadDecls[0].at) : `${this.endPos.file}:${this.endPos.line}:${this.endPos.col}`);
      throw new SourceError(this.endPos, `${threads.length} cores`, 'fewer cores or less memory', `${threads.length} cores (${where}) with ${total} bytes of data and stacks need more emulator state than hangar allows: cores × 8-byte words must be at most ${MAX_CORE_LOCATIONS}`);
    }
    const words = total / 8;
    const initLo = new Int32Array(words);
    const initHi = new Int32Array(words);
    const view = new DataView(this.data.buffer, 0, this.data.length);
    for (let i = 0; i * 8 < this.dataLen; i++) {
      initLo[i] = this.dataLen >= i * 8 + 4 ? view.getInt32(i * 8, true) : partial(this.data, i * 8, this.dataLen);
      initHi[i] = this.dataLen >= i * 8 + 8 ? view.getInt32(i * 8 + 4, true) : partial(this.data, i * 8 + 4, this.dataLen);
    }
    threads.forEach((t, i) => {
      if (stackBytes > 0) t.initRegs.push([REG_SP, DATA_BASE + dataBytes + (i + 1) * stackBytes, 0]);
    });

    const n = this.insns.length + 1;
    const code = new Int32Array(n * INSN_WORDS);
    const files: string[] = [this.file];
    const fileIndex = new Map<string, number>([[this.file, 0]]);
    const indexOf = (f: string): number => {
      let k = fileIndex.get(f);
      if (k === undefined) {
        k = files.length;
        files.push(f);
        fileIndex.set(f, k);
      }
      return k;
    };
    const src = { files, file: new Int32Array(n), line: new Int32Array(n), col: new Int32Array(n), text: new Array<string>(n), via: new Array<string>(n).fill('') };
    this.insns.forEach((insn, pc) => {
      code.set(insn.rec, pc * INSN_WORDS);
      src.file[pc] = indexOf(insn.src.file);
      src.line[pc] = insn.src.line;
      src.col[pc] = insn.src.colAt(insn.at);
      src.text[pc] = insn.src.text.slice(insn.at).trim();
      // The outermost macro invocation: where the instruction comes from in the program's terms.
      const chain = insn.src.expansion;
      if (chain.length) src.via[pc] = chain[chain.length - 1];
    });
    const end = n - 1;
    code[end * INSN_WORDS + F.OP] = Op.HALT;
    src.file[end] = indexOf(this.endPos.file);
    src.line[end] = this.endPos.line;
    src.col[end] = this.endPos.col;
    src.text[end] = 'hlt (end of code)';

    const symbols: Record<string, number> = {};
    const labels: Record<string, number> = {};
    for (const [name, l] of this.labels) {
      if (name.includes(SYNTH)) continue;
      if (l.text) labels[name] = l.value;
      else symbols[name] = l.value;
    }
    return { name: this.file, code, length: n, src, threads, initLo, initHi, symbols, labels };
  }

  private threads(): ThreadSpec[] {
    if (this.threadDecls.length > 0) {
      return this.threadDecls.map((t): ThreadSpec => {
        const src: SrcText = t.src;
        const l = this.labels.get(t.name);
        if (l === undefined) return src.fail(t.at, t.name, 'a code label', `undefined label '${t.name}' in .thread`);
        if (!l.text) return src.fail(t.at, t.name, 'a code label', `'${t.name}' is a data label; .thread needs a code label`);
        return { name: t.name, entry: l.value, initRegs: [] };
      });
    }
    const start = this.labels.get('_start');
    const entry = start !== undefined && start.text ? start.value : 0;
    const n = this.cores?.n ?? 1;
    const out: ThreadSpec[] = [];
    for (let i = 0; i < n; i++) out.push({ name: `core${i}`, entry, initRegs: [[0, i, 0]] });
    return out;
  }
}

function localName(label: string, k: number): string {
  return `${label}${SYNTH}${k}`;
}

/** Little-endian int32 from up to 4 bytes at `from`, bytes at or past `end` read as 0. */
function partial(bytes: Uint8Array, from: number, end: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) if (from + k < end) v |= bytes[from + k] << (8 * k);
  return v | 0;
}
