// The preprocessor of the assembler: turns source lines into statements for the assembler.
//
// It removes comments (`//`, `/* */` across lines, `#` as the first character of a line), splits
// lines at `;`, peels `name:` and `1:` labels off statements, and runs the text-level
// directives: .include, .macro/.endm/.exitm/.purgem, .rept/.irp/.endr, .if*/.elseif/.else/
// .endif and .error. Everything else goes to the assembler, which pulls statements one at a
// time; because of that pull, `.if` and `.ifdef` see every .equ and label defined before them.
//
// Every statement keeps the file, line and columns of the text the user wrote; statements that
// come out of a macro keep the body line's position and name the invocation chain.

import { MAX_SOURCE_BYTES } from '../isa/source-file.ts';
import { SrcText, isBlank, skipBlanks, tokenize } from './lexer.ts';
import { bindArguments, splitArgs, substitute, unquote, type MacroDef, type MacroParam, type SubstitutionLimit } from './macro-args.ts';

/** One line of source text with its position (col = column of text[0]). */
export interface SourceLine {
  text: string;
  file: string;
  line: number;
  col: number;
}

export type Stmt =
  /** `name:` or `1:` */
  | { kind: 'label'; name: string; src: SrcText; at: number }
  /** `name = expr` */
  | { kind: 'assign'; name: string; src: SrcText; at: number; valueAt: number }
  /** A mnemonic or an assembler directive; name is in lower case, operands start at nameEnd. */
  | { kind: 'op'; name: string; src: SrcText; at: number; nameEnd: number };

export interface PreprocessorHooks {
  /** The value of the absolute expression in src from offset `from` to the end. */
  constant(src: SrcText, from: number): bigint;
  /** Whether a label or .equ symbol of that name is defined so far. */
  isDefined(name: string): boolean;
  readFile(path: string, fromFile: string): { text: string; file: string };
}

/** Limits that keep runaway macros and includes from hanging or exhausting memory. */
export const MAX_MACRO_DEPTH = 100;
export const MAX_EXPANDED_STATEMENTS = 100_000;
export const MAX_INCLUDE_DEPTH = 32;
/** The longest source line, and the longest statement a macro or .irp substitution may make. */
export const MAX_LINE_CHARS = 1 << 18;
/** Characters all macro and .irp substitutions of one assembly may produce in all. */
export const MAX_EXPANDED_CHARS = 1 << 22;
/** Characters of source text (the main file and every .include) one assembly may read. */
export const MAX_SOURCE_CHARS = MAX_SOURCE_BYTES;

/** The work one assembly did, for tests that bound it (the limits above bound each count). */
export interface PreprocessorWork {
  /** Source characters read (the main file and includes). */
  sourceChars: number;
  /** Statements handed to the assembler or to a directive, expanded ones included. */
  statements: number;
  /** Characters produced by macro and .irp substitution. */
  expandedChars: number;
}

const WORD = /[A-Za-z_.$][A-Za-z0-9_.$]*/y;
const LABEL = /([A-Za-z_.$][A-Za-z0-9_.$]*|[0-9]+):/y;
const ASSIGN = /([A-Za-z_.$][A-Za-z0-9_.$]*)[ \t]*=(?!=)/y;

interface Frame {
  kind: 'file' | 'macro' | 'rept';
  stmts: SrcText[];
  i: number;
  /** 'file': its name (include cycles). */
  file: string;
  /** Depth of the .if stack when the frame started (.exitm restores it). */
  condDepth: number;
}

interface CondState {
  /** Lines are assembled now. */
  active: boolean;
  /** One branch has been taken already (later .elseif/.else are skipped). */
  taken: boolean;
  /** The enclosing region is active. */
  outer: boolean;
  sawElse: boolean;
  src: SrcText;
}

interface Collecting {
  kind: 'macro' | 'rept';
  depth: number;
  src: SrcText;
  body: SrcText[];
  /** 'macro': the definition being built. */
  macro: MacroDef | null;
  /** 'rept': one substitution per repetition (for .irp) or plain repeat count. */
  count: number;
  irp: { param: string; values: string[] } | null;
}

/** Splits source lines into trimmed, non-empty statements without comments. */
export function splitStatements(lines: readonly SourceLine[]): SrcText[] {
  const out: SrcText[] = [];
  let openComment: SrcText | null = null;
  for (const ln of lines) {
    const t = ln.text;
    const whole = new SrcText(t, ln.file, ln.line, ln.col, null, []);
    if (t.length > MAX_LINE_CHARS) whole.fail(MAX_LINE_CHARS, t.slice(MAX_LINE_CHARS, MAX_LINE_CHARS + 20), `a line of at most ${MAX_LINE_CHARS} characters`, `line longer than ${MAX_LINE_CHARS} characters`);
    if (openComment === null && /^[ \t]*#/.test(t)) continue;
    let clean = '';
    let inString = false;
    for (let i = 0; i < t.length; ) {
      if (openComment !== null) {
        const end = t.indexOf('*/', i);
        const stop = end < 0 ? t.length : end + 2;
        clean += ' '.repeat(stop - i);
        i = stop;
        if (end >= 0) openComment = null;
        continue;
      }
      const c = t[i];
      if (inString) {
        if (c === '\\' && i + 1 < t.length) {
          clean += t.slice(i, i + 2);
          i += 2;
          continue;
        }
        if (c === '"') inString = false;
      } else if (c === '"') {
        inString = true;
      } else if (c === '/' && t[i + 1] === '/') {
        clean += ' '.repeat(t.length - i);
        break;
      } else if (c === '/' && t[i + 1] === '*') {
        openComment = whole.slice(i, i + 2);
        clean += '  ';
        i += 2;
        continue;
      }
      clean += c;
      i++;
    }
    for (const piece of splitSemicolons(new SrcText(clean, ln.file, ln.line, ln.col, null, []))) out.push(piece);
  }
  if (openComment !== null) openComment.fail(0, '/*', "'*/'", 'unterminated /* comment');
  return out;
}

/** Splits at `;` outside strings; returns the trimmed, non-empty pieces. */
export function splitSemicolons(s: SrcText): SrcText[] {
  const out: SrcText[] = [];
  const t = s.text;
  let start = 0;
  let inString = false;
  for (let i = 0; i <= t.length; i++) {
    const c = t[i];
    if (inString && i < t.length) {
      if (c === '\\' && i + 1 < t.length) i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === ';' || i === t.length) {
      const piece = s.slice(start, i).trim();
      if (piece.text.length > 0) out.push(piece);
      start = i + 1;
    }
  }
  return out;
}

/** Offset just past the labels at the start of s, and the labels. */
function peelLabels(s: SrcText): { labels: Array<{ name: string; at: number }>; rest: number } {
  const labels: Array<{ name: string; at: number }> = [];
  let p = 0;
  for (;;) {
    LABEL.lastIndex = p;
    const m = LABEL.exec(s.text);
    if (m === null) return { labels, rest: p };
    labels.push({ name: m[1], at: p });
    p = LABEL.lastIndex;
    while (p < s.text.length && isBlank(s.text.charCodeAt(p))) p++;
  }
}

/** The word (identifier) at offset p, or ''. */
function wordAt(s: SrcText, p: number): string {
  WORD.lastIndex = p;
  const m = WORD.exec(s.text);
  return m === null ? '' : m[0];
}

export class Preprocessor {
  private readonly frames: Frame[] = [];
  private readonly queue: Stmt[] = [];
  private readonly macros = new Map<string, MacroDef>();
  private readonly conds: CondState[] = [];
  private collecting: Collecting | null = null;
  private expandedStatements = 0;
  private expansions = 0;
  private done = false;
  readonly work: PreprocessorWork = { sourceChars: 0, statements: 0, expandedChars: 0 };

  constructor(
    lines: readonly SourceLine[],
    mainFile: string,
    private readonly hooks: PreprocessorHooks,
  ) {
    for (const l of lines) this.work.sourceChars += l.text.length + 1;
    this.frames.push({ kind: 'file', stmts: splitStatements(lines), i: 0, file: mainFile, condDepth: 0 });
  }

  /** The next statement for the assembler, or undefined at the end of the input. */
  next(): Stmt | undefined {
    for (;;) {
      const q = this.queue.shift();
      if (q !== undefined) return q;
      if (this.done) return undefined;
      const s = this.pull();
      if (s === undefined) {
        this.finish();
        this.done = true;
        return undefined;
      }
      this.process(s);
    }
  }

  private pull(): SrcText | undefined {
    while (this.frames.length > 0) {
      const f = this.frames[this.frames.length - 1];
      if (f.i < f.stmts.length) {
        const s = f.stmts[f.i++];
        this.work.statements++;
        if (f.kind !== 'file' && ++this.expandedStatements > MAX_EXPANDED_STATEMENTS) {
          s.fail(0, s.text, 'fewer expanded statements', `more than ${MAX_EXPANDED_STATEMENTS} statements from macro/.rept expansion: runaway recursion?`);
        }
        return s;
      }
      this.frames.pop();
    }
    return undefined;
  }

  private finish(): void {
    const c = this.collecting;
    if (c !== null) {
      const what = c.kind === 'macro' ? `.macro '${c.macro?.name ?? ''}' (missing .endm)` : `${wordAt(c.src, 0)} (missing .endr)`;
      c.src.fail(0, c.src.text, c.kind === 'macro' ? "'.endm'" : "'.endr'", `unterminated ${what}`);
    }
    const open = this.conds[this.conds.length - 1];
    if (open !== undefined) open.src.fail(0, open.src.text, "'.endif'", 'unterminated .if (missing .endif)');
  }

  private active(): boolean {
    return this.conds.length === 0 || this.conds[this.conds.length - 1].active;
  }

  private process(s: SrcText): void {
    if (this.collecting !== null) {
      this.collect(this.collecting, s);
      return;
    }
    const { labels, rest } = peelLabels(s);
    const word = wordAt(s, rest);
    const directive = word.toLowerCase();
    const wordEnd = rest + word.length;
    if (!this.active()) {
      if (isConditional(directive)) this.conditional(s, directive, rest, wordEnd);
      return;
    }
    for (const l of labels) this.queue.push({ kind: 'label', name: l.name, src: s, at: l.at });
    if (rest >= s.text.length) return;
    ASSIGN.lastIndex = rest;
    const assign = ASSIGN.exec(s.text);
    if (assign !== null) {
      this.queue.push({ kind: 'assign', name: assign[1], src: s, at: rest, valueAt: ASSIGN.lastIndex });
      return;
    }
    if (word === '') s.fail(rest, s.text.slice(rest), 'a label, an instruction or a directive');
    if (isConditional(directive)) {
      this.conditional(s, directive, rest, wordEnd);
      return;
    }
    switch (directive) {
      case '.include':
        this.include(s, wordEnd);
        return;
      case '.macro':
        this.startMacro(s, rest, wordEnd);
        return;
      case '.rept':
      case '.irp':
        this.startRept(s, directive, rest, wordEnd);
        return;
      case '.endm':
      case '.endr':
        s.fail(rest, word, 'a statement', `${word} without ${directive === '.endm' ? '.macro' : '.rept/.irp'}`);
        return;
      case '.exitm':
        this.exitMacro(s, rest);
        return;
      case '.purgem': {
        const name = wordAt(s, skipBlanks(s, wordEnd));
        if (!this.macros.delete(name.toLowerCase())) s.fail(skipBlanks(s, wordEnd), name, 'the name of a defined macro');
        return;
      }
      case '.error':
      case '.err': {
        const toks = tokenize(s, wordEnd);
        const msg = toks[0].kind === 'str' ? toks[0].str : `${word} directive`;
        s.fail(rest, word, 'no .error', msg);
        return;
      }
      case '.warning':
        return;
    }
    const macro = this.macros.get(directive);
    if (macro !== undefined) {
      this.expand(macro, s, rest, wordEnd);
      return;
    }
    this.queue.push({ kind: 'op', name: directive, src: s, at: rest, nameEnd: wordEnd });
  }

  // ------------------------------------------------------------ conditionals

  private conditional(s: SrcText, d: string, at: number, argAt: number): void {
    const top = this.conds[this.conds.length - 1];
    if (d === '.else' || d === '.elseif' || d === '.endif') {
      if (top === undefined) s.fail(at, d, 'a preceding .if', `${d} without .if`);
      if (d === '.endif') {
        this.conds.pop();
        return;
      }
      if (top.sawElse) s.fail(at, d, '.endif', `${d} after .else`);
      if (d === '.else') {
        top.sawElse = true;
        top.active = top.outer && !top.taken;
        top.taken = true;
        if (argAt < s.text.length && s.text.slice(argAt).trim() !== '') s.fail(skipBlanks(s, argAt), s.text.slice(skipBlanks(s, argAt)), 'end of line');
        return;
      }
      const v = top.outer && !top.taken ? this.test('.if', s, argAt) : false;
      top.active = v;
      top.taken ||= v;
      return;
    }
    const outer = this.active();
    const v = outer ? this.test(d, s, argAt) : false;
    this.conds.push({ active: v, taken: v, outer, sawElse: false, src: s });
  }

  /** Evaluates the condition of .if<kind>. */
  private test(d: string, s: SrcText, argAt: number): boolean {
    const p = skipBlanks(s, argAt);
    switch (d) {
      case '.ifdef':
      case '.ifndef':
      case '.ifnotdef': {
        const name = wordAt(s, p);
        if (name === '' || skipBlanks(s, p + name.length) < s.text.length) s.fail(p, s.text.slice(p), 'one symbol name');
        return this.hooks.isDefined(name) === (d === '.ifdef');
      }
      case '.ifb':
      case '.ifnb':
        return (p >= s.text.length) === (d === '.ifb');
      case '.ifc':
      case '.ifnc':
      case '.ifeqs':
      case '.ifnes': {
        const parts = splitArgs(s, p, true);
        if (parts.length !== 2) s.fail(p, s.text.slice(p), 'two strings separated by a comma');
        const same = unquote(parts[0].text) === unquote(parts[1].text);
        return same === (d === '.ifc' || d === '.ifeqs');
      }
    }
    if (p >= s.text.length) s.fail(p, '', 'an expression');
    const v = this.hooks.constant(s, p);
    switch (d) {
      case '.ifeq': return v === 0n;
      case '.ifgt': return v > 0n;
      case '.ifge': return v >= 0n;
      case '.iflt': return v < 0n;
      case '.ifle': return v <= 0n;
      default: return v !== 0n; // .if, .ifne, .elseif
    }
  }

  // ------------------------------------------------------------ .include

  private include(s: SrcText, argAt: number): void {
    const toks = tokenize(s, argAt);
    const t = toks[0];
    if (t.kind !== 'str') s.fail(t.start, s.text.slice(t.start), 'a file name in double quotes');
    if (toks[1].kind !== 'end') s.fail(toks[1].start, s.text.slice(toks[1].start), 'end of line');
    const files = this.frames.filter((f) => f.kind === 'file');
    if (files.length >= MAX_INCLUDE_DEPTH) s.fail(t.start, t.text, 'a shallower include nesting', `.include nested more than ${MAX_INCLUDE_DEPTH} deep`);
    let got: { text: string; file: string };
    try {
      got = this.hooks.readFile(t.str, s.file);
      if (typeof got?.text !== 'string' || typeof got.file !== 'string') throw new Error('readFile returned no text');
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return s.fail(t.start, t.text, 'a readable file', `cannot include ${t.text}: ${why}`);
    }
    if (files.some((f) => f.file === got.file)) {
      const chain = files.map((f) => f.file).join(' -> ');
      s.fail(t.start, t.text, 'a file that is not already being included', `include cycle: ${chain} -> ${got.file}`);
    }
    this.work.sourceChars += got.text.length;
    if (this.work.sourceChars > MAX_SOURCE_CHARS) {
      s.fail(t.start, t.text, 'less source text', `.include of ${t.text} makes the program's source text longer than ${MAX_SOURCE_CHARS} characters`);
    }
    const lines = got.text.split(/\r?\n/).map((text, i) => ({ text, file: got.file, line: i + 1, col: 1 }));
    this.frames.push({ kind: 'file', stmts: splitStatements(lines), i: 0, file: got.file, condDepth: this.conds.length });
  }

  // ------------------------------------------------------------ macros and repeats

  private startMacro(s: SrcText, at: number, argAt: number): void {
    const p = skipBlanks(s, argAt);
    const name = wordAt(s, p);
    if (name === '') s.fail(p, s.text.slice(p), 'a macro name');
    const key = name.toLowerCase();
    const old = this.macros.get(key);
    if (old !== undefined) s.fail(p, name, 'a new macro name', `macro '${name}' is already defined at ${old.where}`);
    const params: MacroParam[] = [];
    let q = p + name.length;
    if (s.text[skipBlanks(s, q)] === ',') q = skipBlanks(s, q) + 1;
    for (const piece of splitArgs(s, q, false)) {
      const m = /^([A-Za-z_$][A-Za-z0-9_$]*)(?::(req|vararg))?(?:\s*=\s*([^]*))?$/i.exec(piece.text);
      if (m === null) s.fail(piece.at, piece.text, 'a parameter name, optionally with :req, :vararg or =default');
      if (params.some((x) => x.name === m[1])) s.fail(piece.at, m[1], 'a new parameter name', `duplicate macro parameter '${m[1]}'`);
      if (params.length > 0 && params[params.length - 1].vararg) s.fail(piece.at, piece.text, 'end of line (a :vararg parameter must be the last)');
      const qual = (m[2] ?? '').toLowerCase();
      params.push({ name: m[1], dflt: unquote(m[3] ?? ''), required: qual === 'req', vararg: qual === 'vararg' });
    }
    const macro: MacroDef = { name, params, body: [], where: s.where(at) };
    this.collecting = { kind: 'macro', depth: 1, src: s.slice(at, s.text.length), body: macro.body, macro, count: 0, irp: null };
  }

  private startRept(s: SrcText, d: string, at: number, argAt: number): void {
    const head = s.slice(at, s.text.length);
    if (d === '.rept') {
      const p = skipBlanks(s, argAt);
      if (p >= s.text.length) s.fail(p, '', 'a repeat count');
      const n = this.hooks.constant(s, p);
      if (n < 0n || n > BigInt(MAX_EXPANDED_STATEMENTS)) s.fail(p, s.text.slice(p), `a repeat count 0..${MAX_EXPANDED_STATEMENTS}`);
      this.collecting = { kind: 'rept', depth: 1, src: head, body: [], macro: null, count: Number(n), irp: null };
      return;
    }
    const parts = splitArgs(s, skipBlanks(s, argAt), true);
    const param = parts[0]?.text ?? '';
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(param)) s.fail(parts[0]?.at ?? argAt, param, 'a parameter name');
    const values = parts.slice(1).map((x) => unquote(x.text));
    this.collecting = { kind: 'rept', depth: 1, src: head, body: [], macro: null, count: values.length, irp: { param, values } };
  }

  private collect(c: Collecting, s: SrcText): void {
    const d = wordAt(s, peelLabels(s).rest).toLowerCase();
    if (c.kind === 'macro') {
      if (d === '.macro') c.depth++;
      else if (d === '.endm') c.depth--;
    } else if (d === '.rept' || d === '.irp' || d === '.irpc') {
      c.depth++;
    } else if (d === '.endr') {
      c.depth--;
    }
    if (c.depth > 0) {
      c.body.push(s);
      return;
    }
    this.collecting = null;
    if (c.macro !== null) {
      this.macros.set(c.macro.name.toLowerCase(), c.macro);
      return;
    }
    if (c.count * c.body.length + this.expandedStatements > MAX_EXPANDED_STATEMENTS) {
      c.src.fail(0, c.src.text, 'a smaller repeat', `.rept/.irp would expand to more than ${MAX_EXPANDED_STATEMENTS} statements`);
    }
    const chain = [`${wordAt(c.src, 0)} at ${c.src.where(0)}`, ...c.src.expansion];
    const stmts: SrcText[] = [];
    for (let k = 0; k < c.count; k++) {
      for (const b of c.body) {
        if (c.irp === null) {
          // Not copied, but processed again: the repeated text counts against the budget too.
          this.work.expandedChars += b.text.length;
          if (this.work.expandedChars > MAX_EXPANDED_CHARS) {
            c.src.fail(0, c.src.text, 'a smaller repeat', `.rept expands past the ${MAX_EXPANDED_CHARS} characters all expansions of a program may produce`);
          }
          stmts.push(b.withExpansion(chain));
        }
        else this.substituted(stmts, substitute(b, new Map([[c.irp.param, c.irp.values[k]]]), null, chain, `.irp`, this.charsLeft()));
      }
    }
    this.frames.push({ kind: 'rept', stmts, i: 0, file: '', condDepth: this.conds.length });
  }

  private expand(m: MacroDef, s: SrcText, at: number, argAt: number): void {
    const depth = this.frames.filter((f) => f.kind === 'macro').length;
    if (depth >= MAX_MACRO_DEPTH) {
      s.fail(at, m.name, 'a shallower macro nesting', `macro '${m.name}' nested more than ${MAX_MACRO_DEPTH} deep: runaway recursion?`);
    }
    const args = bindArguments(m, s, argAt);
    const chain = [`macro '${m.name}' invoked at ${s.where(at)}`, ...s.expansion];
    const counter = this.expansions++;
    const stmts: SrcText[] = [];
    for (const b of m.body) this.substituted(stmts, substitute(b, args, counter, chain, `macro '${m.name}'`, this.charsLeft()));
    this.frames.push({ kind: 'macro', stmts, i: 0, file: '', condDepth: this.conds.length });
  }

  /** How long the next substituted statement may be: within the line limit and the budget. */
  private charsLeft(): SubstitutionLimit {
    const left = MAX_EXPANDED_CHARS - this.work.expandedChars;
    return left < MAX_LINE_CHARS
      ? { chars: left, what: `the ${MAX_EXPANDED_CHARS} characters all expansions of a program may produce` }
      : { chars: MAX_LINE_CHARS, what: `${MAX_LINE_CHARS} characters in one statement` };
  }

  /** Counts a substituted statement against the budget and adds its pieces to `stmts`. */
  private substituted(stmts: SrcText[], s: SrcText): void {
    this.work.expandedChars += s.text.length;
    for (const piece of splitSemicolons(s)) stmts.push(piece);
  }

  private exitMacro(s: SrcText, at: number): void {
    let k = this.frames.length - 1;
    while (k >= 0 && this.frames[k].kind !== 'macro') k--;
    if (k < 0) s.fail(at, '.exitm', 'a statement', '.exitm outside a macro');
    this.conds.length = Math.min(this.conds.length, this.frames[k].condDepth);
    this.frames.length = k;
  }
}

const CONDITIONALS = new Set([
  '.if', '.ifdef', '.ifndef', '.ifnotdef', '.ifb', '.ifnb', '.ifc', '.ifnc', '.ifeqs', '.ifnes',
  '.ifeq', '.ifne', '.ifgt', '.ifge', '.iflt', '.ifle', '.else', '.elseif', '.endif',
]);

function isConditional(d: string): boolean {
  return CONDITIONALS.has(d);
}

