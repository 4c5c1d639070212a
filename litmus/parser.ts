// The litmus front end: reads a herd7-style .litmus file (AArch64 or X86) into a Program the
// cores can run, plus what to observe at the end and the condition to judge it by.
//
// The file is turned into assembler input: one `.quad` per memory location, one `.thread` per
// litmus thread with its cells in order (labels renamed per thread so threads can reuse them),
// each thread ending in `hlt #0`. Initial register values go into the threads' initRegs after
// assembly, once location addresses are known.

import { assembleLines, type AsmLine, type AssemblyWork } from '../asm/assembler.ts';
import {
  parseFinalSection,
  TokenScanner,
  varKey,
  type Condition,
  type ConditionContext,
  type Prop,
  type Token,
  type VarRef,
} from './condition.ts';
import { DATA_BASE, type Program, type ThreadSpec } from '../isa/program.ts';
import { asType, C_TYPE_NAMES, cType, type CType, UNDECLARED } from './state.ts';
import { SourceError, type SourcePos } from '../isa/source-error.ts';
import { FileReadError, readTextFile } from '../isa/source-file.ts';
import { refuseUnicodeBlanks } from './blanks.ts';
import { LocalLabels } from './local-labels.ts';
import {
  parseX86Insn,
  translateX86,
  x86Locations,
  x86RegName,
  X86_LOC_REG_BASE,
  X86_MAX_LOCATIONS,
  X86_REGS,
  type X86Insn,
} from './x86.ts';

export type { Value } from './condition.ts';

/** A variable of the final state, with the type it is printed at (its declaration, or
 * UNDECLARED). */
export type ObservedVar =
  | { key: string; kind: 'reg'; thread: number; reg: number; type: CType }
  | { key: string; kind: 'mem'; loc: string; addr: number; type: CType };

export type LitmusArch = 'AArch64' | 'X86';

export interface LitmusTest {
  name: string;
  arch: LitmusArch;
  file: string;
  program: Program;
  /** The variables named in the condition plus the `locations` clause, keyed like the states
   * of expected.json: "1:X0" (always the X name), "0:EAX", "x". */
  observed: ObservedVar[];
  condition: Condition;
  /** herd's `filter`: a trial counts only if its final state satisfies it (over filterVars). */
  filter?: Prop;
  filterVars: ObservedVar[];
}

/** Reads and parses a litmus file; an unreadable file is a SourceError at path:1:1. */
export function readLitmus(path: string): LitmusTest {
  let text: string;
  try {
    text = readTextFile(path);
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    throw new SourceError({ file: path, line: 1, col: 1 }, 'an unreadable file', 'a readable litmus file', e.message);
  }
  return parseLitmus(text, path);
}

/** The work of parsing one litmus test (filled in as it goes, also when it fails). */
export interface LitmusWork {
  /** Tokens of the init block and the final condition. */
  tokens: number;
  /** The assembly of the generated program. */
  assembly: AssemblyWork;
}

/** Parses a litmus test; any problem with the text is a SourceError. */
export function parseLitmus(text: string, file: string, work?: LitmusWork): LitmusTest {
  const scanners: TokenScanner[] = [];
  try {
    return parse(text, file, scanners, work?.assembly);
  } finally {
    if (work !== undefined) work.tokens = scanners.reduce((n, sc) => n + sc.scanned, 0);
  }
}

function parse(text: string, file: string, scanners: TokenScanner[], work: AssemblyWork | undefined): LitmusTest {
  const src = new Source(refuseUnicodeBlanks(blankComments(text, file), file), file);
  const header = parseHeader(src);
  const regs = header.arch === 'AArch64' ? A64_REGS : X86_REG_SYNTAX;

  const initScan = new TokenScanner(src.text, header.initStart + 1, src.text.length, src.where);
  scanners.push(initScan);
  const init = parseInit(initScan, src.where(header.initStart));
  const code = parseCode(src, initScan.offset, header.arch);
  checkInit(init, code.threads.length, regs);
  // Declared types: what a variable's value is read back as, and how large a location is.
  const types = new Map<string, CType>();
  for (const e of init) {
    if (e.type === undefined) continue;
    types.set(e.target.kind === 'mem' ? e.target.loc : `${e.target.thread}:${regs.parse(e.target.reg)!.canon}`, e.type);
  }
  const typeOf = (v: VarRef): CType => types.get(varKey(v)) ?? UNDECLARED;
  const ctx: ConditionContext = {
    threads: code.threads.length,
    canonReg: (name) => regs.parse(name)?.canon,
    regExpected: regs.expected,
    normalize: (v, value) => asType(value, typeOf(v)),
  };
  const finalScan = new TokenScanner(src.text, code.finalStart, src.text.length, src.where);
  scanners.push(finalScan);
  const final = parseFinalSection(finalScan, ctx);

  // Every name used as an address is a location, laid out in order of first appearance.
  const locations = new Map<string, SourcePos>();
  const mentions = [
    ...init.flatMap((e) => [e.target, e.value].flatMap((x) => (x.kind === 'mem' || x.kind === 'loc' ? [x] : []))),
    ...code.mentions,
    ...final.mentions,
  ];
  for (const { loc, pos } of mentions) {
    if (/^P[0-9]+(__|$)/.test(loc)) {
      throw new SourceError(pos, `'${loc}'`, 'a location name', `location name '${loc}' clashes with the code labels of the threads (P<n>, P<n>__label)`);
    }
    if (!locations.has(loc)) locations.set(loc, pos);
  }

  const headerPos = src.where(header.archOffset);
  const program = assemble(file, headerPos, locations, code.threads, work);
  const addressOf = (loc: string): number => {
    const addr = program.symbols[loc];
    const index = (addr - DATA_BASE) / 8;
    if (addr === undefined || !Number.isInteger(index) || index < 0 || index >= program.initLo.length) {
      throw new SourceError(locations.get(loc) ?? headerPos, `'${loc}'`, 'a location the assembler laid out', `internal: location '${loc}' has no data word`);
    }
    return addr;
  };

  // Each location has its own 8-byte slot; a declared one may be accessed within its size only
  // (herd: out-of-bound access).
  const validLanes = new Int32Array(program.initLo.length).fill(0xff);
  for (const loc of locations.keys()) {
    const t = types.get(loc);
    if (t !== undefined && t.bytes < 8) validLanes[(addressOf(loc) - DATA_BASE) / 8] = (1 << t.bytes) - 1;
  }
  program.validLanes = validLanes;

  // Initial values: memory words directly (little-endian, at the declared size), registers per thread.
  const initRegs: Array<Array<[number, number, number]>> = code.threads.map(() => []);
  for (const e of init) {
    const v = e.value.kind === 'num' ? e.value.num : BigInt(addressOf(e.value.loc));
    if (e.target.kind === 'mem') {
      const index = (addressOf(e.target.loc) - DATA_BASE) / 8;
      const bytes = types.get(e.target.loc)?.bytes ?? 8;
      [program.initLo[index], program.initHi[index]] = halves(BigInt.asUintN(8 * bytes, v), 64);
    } else {
      const r = regs.parse(e.target.reg)!;
      initRegs[e.target.thread].push([r.index, ...halves(v, r.width)]);
    }
  }
  // X86 code addresses memory through registers preloaded with the locations' addresses.
  for (const [loc, reg] of code.x86LocRegs) {
    for (const list of initRegs) list.push([reg, addressOf(loc), 0]);
  }
  program.threads = code.threads.map((t, i): ThreadSpec => {
    const entry = program.labels[`P${i}`];
    if (entry === undefined) throw new SourceError(t.pos, `'P${i}'`, 'a thread label the assembler defined', `internal: no code label P${i}`);
    return { name: `P${i}`, entry, initRegs: initRegs[i].sort((a, b) => a[0] - b[0]) };
  });

  const observer = (): { vars: Map<string, ObservedVar>; observe: (v: VarRef) => void } => {
    const vars = new Map<string, ObservedVar>();
    const observe = (v: VarRef): void => {
      const key = varKey(v);
      if (vars.has(key)) return;
      const type = typeOf(v);
      if (v.kind === 'reg') vars.set(key, { key, kind: 'reg', thread: v.thread, reg: regs.parse(v.reg)!.index, type });
      else vars.set(key, { key, kind: 'mem', loc: v.loc, addr: addressOf(v.loc), type });
    };
    return { vars, observe };
  };
  const state = observer();
  forEachAtom(final.condition.prop, state.observe);
  final.locations.forEach(state.observe);
  const filtered = observer();
  if (final.filter) forEachAtom(final.filter, filtered.observe);

  return {
    name: header.name, arch: header.arch, file, program, observed: [...state.vars.values()], condition: final.condition,
    filter: final.filter, filterVars: [...filtered.vars.values()],
  };
}

/** Assembles the locations (one zeroed word each; initial values are patched in afterwards)
 * and the threads, each started by `.thread` and ended by `hlt #0`. */
function assemble(file: string, headerPos: SourcePos, locations: Map<string, SourcePos>, threads: ThreadCode[], work: AssemblyWork | undefined): Program {
  const line = (pos: SourcePos, text: string): AsmLine => ({ text, file, line: pos.line, col: pos.col });
  // Litmus threads use no stack: `.stack 0` keeps the memory to the test's own locations.
  const lines: AsmLine[] = [line(headerPos, '.stack 0'), line(headerPos, '.data')];
  for (const [loc, pos] of locations) lines.push(line(pos, `${loc}: .quad 0`));
  lines.push(line(headerPos, '.text'));
  threads.forEach((t, i) => {
    lines.push(line(t.pos, `.thread P${i}`), line(t.pos, `P${i}:`), ...t.lines, line(t.pos, 'hlt #0'));
  });
  return assembleLines(lines, { file, work });
}

function forEachAtom(p: Prop, f: (v: VarRef) => void): void {
  if (p.kind === 'atom') f(p.target);
  else if (p.kind === 'not') forEachAtom(p.prop, f);
  else if (p.kind === 'and' || p.kind === 'or') p.props.forEach((q) => forEachAtom(q, f));
}

/** [lo, hi] 32-bit halves (two's complement) of v truncated to `width` bits and zero-extended. */
function halves(v: bigint, width: 32 | 64): [number, number] {
  const u = BigInt.asUintN(width, v);
  return [Number(BigInt.asIntN(32, u)), Number(BigInt.asIntN(32, u >> 32n))];
}

// ---------------------------------------------------------------------------------------------
// Registers

interface RegInfo {
  /** Register file index. */
  index: number;
  /** Name used in state keys. */
  canon: string;
  /** Bits a write of the initial value keeps (a W register zero-extends). */
  width: 32 | 64;
}

interface RegSyntax {
  parse(name: string): RegInfo | undefined;
  expected: string;
}

const A64_REGS: RegSyntax = {
  parse(name) {
    const m = /^([XxWw])([0-9]|[12][0-9]|30)$/.exec(name);
    if (!m) return undefined;
    return { index: Number(m[2]), canon: `X${Number(m[2])}`, width: m[1] === 'X' || m[1] === 'x' ? 64 : 32 };
  },
  expected: 'an AArch64 register (X0-X30 or W0-W30)',
};

const X86_REG_SYNTAX: RegSyntax = {
  parse(name) {
    const canon = x86RegName(name);
    return canon === undefined ? undefined : { index: X86_REGS[canon], canon, width: 32 };
  },
  expected: `an X86 register (${Object.keys(X86_REGS).join(', ')})`,
};

// ---------------------------------------------------------------------------------------------
// Source text

/** The text with comments blanked to spaces (line breaks kept, so offsets and positions are
 * unchanged) and offset -> file:line:col. */
class Source {
  private readonly lineStarts: number[] = [0];

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  readonly where = (offset: number): SourcePos => {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, col: offset - this.lineStarts[lo] + 1 };
  };
}

/** Replaces `(* ... *)` comments (nested, OCaml style, possibly spanning lines) and carriage
 * returns with spaces. A double-quoted string on one line is opaque: "(*" inside it is text. */
export function blankComments(text: string, file: string): string {
  const out = text.split('');
  const opens: number[] = [];
  let i = 0;
  while (i < text.length) {
    if (opens.length === 0 && text[i] === '"') {
      const close = text.indexOf('"', i + 1);
      const eol = text.indexOf('\n', i + 1);
      if (close >= 0 && (eol < 0 || close < eol)) {
        i = close + 1;
        continue;
      }
    }
    if (text.startsWith('(*', i)) {
      opens.push(i);
      out[i] = out[i + 1] = ' ';
      i += 2;
      continue;
    }
    if (opens.length > 0 && text.startsWith('*)', i)) {
      opens.pop();
      out[i] = out[i + 1] = ' ';
      i += 2;
      continue;
    }
    if (text[i] === '\r' || (opens.length > 0 && text[i] !== '\n')) out[i] = ' ';
    i++;
  }
  if (opens.length > 0) {
    const open = opens[opens.length - 1];
    const src = new Source(text, file);
    throw new SourceError(src.where(open), 'end of file', "'*)'", 'unterminated comment: expected \'*)\', found end of file');
  }
  return out.join('');
}

// ---------------------------------------------------------------------------------------------
// Header: "ARCH NAME", then quoted lines and Key=Value lines up to the '{' of the init block.

interface Header {
  arch: LitmusArch;
  name: string;
  archOffset: number;
  /** Offset of the '{'. */
  initStart: number;
}

function parseHeader(src: Source): Header {
  const text = src.text;
  let p = 0;
  // The first non-blank line names the architecture and the test.
  let arch: LitmusArch | undefined;
  let name = '';
  let archOffset = 0;
  for (;;) {
    if (p >= text.length) {
      throw new SourceError(src.where(text.length), 'end of file', "a header line 'AArch64 <name>' or 'X86 <name>'");
    }
    const eol = lineEnd(text, p);
    const line = text.slice(p, eol);
    if (line.trim() === '') {
      p = eol + 1;
      continue;
    }
    const words = [...line.matchAll(/\S+/g)];
    const [archWord, nameWord, extra] = words;
    archOffset = p + archWord.index!;
    if (archWord[0] !== 'AArch64' && archWord[0] !== 'X86') {
      throw new SourceError(src.where(archOffset), `'${archWord[0]}'`, "'AArch64' or 'X86'", `unknown architecture '${archWord[0]}': expected 'AArch64' or 'X86'`);
    }
    arch = archWord[0];
    if (nameWord === undefined) {
      throw new SourceError(src.where(p + line.trimEnd().length), 'end of line', 'a test name after the architecture');
    }
    if (!/^[A-Za-z0-9+.\-_]+$/.test(nameWord[0])) {
      throw new SourceError(src.where(p + nameWord.index!), `'${nameWord[0]}'`, 'a test name (letters, digits, + . - _)');
    }
    // A few herd7 tests repeat the file name in the header ("AArch64 T.litmus"); the test is "T".
    name = nameWord[0].replace(/\.litmus$/, '');
    if (extra !== undefined) {
      throw new SourceError(src.where(p + extra.index!), `'${extra[0]}'`, 'end of line after the test name');
    }
    p = eol + 1;
    break;
  }
  // Then, up to the '{': blank lines, a quoted string, Key=Value lines.
  for (;;) {
    if (p >= text.length) {
      throw new SourceError(src.where(text.length), 'end of file', "'{' starting the initial state");
    }
    const eol = lineEnd(text, p);
    const line = text.slice(p, eol);
    const lead = line.search(/\S/);
    if (lead < 0) {
      p = eol + 1;
      continue;
    }
    const rest = line.slice(lead);
    if (rest.startsWith('{')) return { arch, name, archOffset, initStart: p + lead };
    if (rest.startsWith('"')) {
      const close = rest.indexOf('"', 1);
      if (close < 0) throw new SourceError(src.where(p + line.length), 'end of line', "'\"' closing the quoted string");
      const after = rest.slice(close + 1).search(/\S/);
      if (after >= 0) {
        throw new SourceError(src.where(p + lead + close + 1 + after), `'${rest.slice(close + 1).trim()}'`, 'end of line after the quoted string');
      }
    } else if (!/^[A-Za-z][A-Za-z0-9_\-]*\s*=/.test(rest)) {
      throw new SourceError(src.where(p + lead), `'${rest.trim()}'`, "a Key=Value line, a quoted string or '{' starting the initial state");
    }
    p = eol + 1;
  }
}

function lineEnd(text: string, p: number): number {
  const e = text.indexOf('\n', p);
  return e < 0 ? text.length : e;
}

// ---------------------------------------------------------------------------------------------
// Init block: entries `[type] target [= value]` separated by ';', up to '}'.

interface InitEntry {
  target: { kind: 'reg'; thread: number; reg: string; pos: SourcePos; threadPos: SourcePos } | { kind: 'mem'; loc: string; pos: SourcePos };
  value: { kind: 'num'; num: bigint } | { kind: 'loc'; loc: string; pos: SourcePos };
  /** The declared type (`int8_t x`, `uint64_t 0:X0`, `int64_t *p`), if any. */
  type?: CType;
}

function parseInit(sc: TokenScanner, openPos: SourcePos): InitEntry[] {
  const entries: InitEntry[] = [];
  const startsTarget = (t: Token): boolean => t.kind === 'name' || t.kind === 'num' || (t.kind === 'punct' && t.text === '[');
  for (;;) {
    const t = sc.peek();
    if (t.kind === 'eof') {
      throw new SourceError(openPos, 'end of file', "'}'", "the initial state opened here is never closed: expected '}'");
    }
    if (sc.isPunct('}')) {
      sc.next();
      return entries;
    }
    if (sc.isPunct(';')) {
      sc.next();
      continue;
    }
    // An optional C type first ("int x=1", "uint64_t 0:X0", "int64_t *p=x").
    let type: CType | undefined;
    if (t.kind === 'name' && (startsTarget(sc.peek(1)) || sc.isPunct('*', 1))) {
      sc.next();
      const pointer = sc.isPunct('*');
      if (pointer) sc.next();
      type = cType(t.text, pointer);
      if (type === undefined) sc.fail(t, `a C integer type (${C_TYPE_NAMES.join(', ')})`, `unknown type '${t.text}'`);
    }
    const target = parseInitTarget(sc);
    let value: InitEntry['value'] = { kind: 'num', num: 0n };
    if (sc.isPunct('=')) {
      sc.next();
      const v = sc.next();
      if (v.kind === 'num') {
        if (v.num! < -(1n << 63n) || v.num! >= 1n << 64n) sc.fail(v, 'a 64-bit integer');
        value = { kind: 'num', num: v.num! };
      } else if (v.kind === 'name') {
        value = { kind: 'loc', loc: v.text, pos: sc.where(v.offset) };
      } else {
        sc.fail(v, 'an initial value (an integer or a location name)');
      }
    }
    entries.push({ target, value, type });
    if (!sc.isPunct(';') && !sc.isPunct('}')) sc.fail(sc.peek(), "';' or '}'");
  }
}

function parseInitTarget(sc: TokenScanner): InitEntry['target'] {
  const t = sc.next();
  if (t.kind === 'num') {
    if (!/^[0-9]+$/.test(t.text)) sc.fail(t, 'a thread number');
    sc.expectPunct(':', "':' after the thread number");
    const r = sc.next();
    if (r.kind !== 'name') sc.fail(r, 'a register name');
    return { kind: 'reg', thread: Number(t.text), reg: r.text, pos: sc.where(r.offset), threadPos: sc.where(t.offset) };
  }
  if (t.kind === 'name') return { kind: 'mem', loc: t.text, pos: sc.where(t.offset) };
  if (t.kind === 'punct' && t.text === '[') {
    const n = sc.next();
    if (n.kind !== 'name') sc.fail(n, 'a location name');
    sc.expectPunct(']');
    return { kind: 'mem', loc: n.text, pos: sc.where(n.offset) };
  }
  return sc.fail(t, "an initial state entry ('P:Reg=value', 'x=value' or a typed declaration)");
}

/** Checks thread numbers, register names and duplicates. */
function checkInit(init: InitEntry[], threads: number, regs: RegSyntax): void {
  const seen = new Set<string>();
  for (const e of init) {
    let key: string;
    let pos: SourcePos;
    if (e.target.kind === 'reg') {
      if (e.target.thread >= threads) {
        throw new SourceError(e.target.threadPos, `thread ${e.target.thread}`, `a thread number below ${threads}`, `unknown thread ${e.target.thread}: the test has ${threads} thread(s)`);
      }
      const r = regs.parse(e.target.reg);
      if (r === undefined) throw new SourceError(e.target.pos, `'${e.target.reg}'`, regs.expected);
      key = `${e.target.thread}:${r.canon}`;
      pos = e.target.threadPos;
    } else {
      key = e.target.loc;
      pos = e.target.pos;
    }
    if (seen.has(key)) throw new SourceError(pos, `'${key}'`, 'each register and location initialised at most once', `duplicate initial value for ${key}`);
    seen.add(key);
  }
}

// ---------------------------------------------------------------------------------------------
// Code: rows of '|'-separated cells, each row ended by ';'; the first row names the threads.

interface ThreadCode {
  /** Position of the thread's name in the header row. */
  pos: SourcePos;
  lines: AsmLine[];
}

interface Code {
  threads: ThreadCode[];
  /** Offset where the final section (locations clause / condition) starts. */
  finalStart: number;
  /** Locations named in X86 code, in order. */
  mentions: Array<{ loc: string; pos: SourcePos }>;
  /** X86: location -> register preloaded with its address. */
  x86LocRegs: Map<string, number>;
}

interface Cell {
  text: string;
  pos: SourcePos;
  /** Where the '|' before it is (for the first cell: where the row starts). */
  sep: SourcePos;
}

interface Row {
  cells: Cell[];
  /** Where the row's ';' is. */
  end: SourcePos;
}

/** One thing in a thread: a label definition or an instruction (X86 ones still untranslated). */
type Item = { kind: 'label'; name: string; pos: SourcePos } | { kind: 'a64'; text: string; pos: SourcePos } | { kind: 'x86'; insn: X86Insn };

const LABEL_DEF = /^([A-Za-z_.$][A-Za-z0-9_.$]*|[0-9]+)\s*:(?!:)\s*/;
const BRANCH_LAST_OPERAND = new Set(['b', 'bl', 'cbz', 'cbnz', 'tbz', 'tbnz']);

function parseCode(src: Source, start: number, arch: LitmusArch): Code {
  const { rows, finalStart } = splitRows(src, start);
  if (rows.length === 0) {
    const text = src.text;
    const found = finalStart < text.length ? `'${text.slice(finalStart, lineEnd(text, finalStart)).trim()}'` : 'end of file';
    throw new SourceError(src.where(finalStart), found, "the thread header row 'P0 | P1 | ... ;'");
  }
  const [header, ...body] = rows;
  header.cells.forEach((c, i) => {
    if (c.text !== `P${i}`) throw new SourceError(c.pos, c.text === '' ? 'an empty cell' : `'${c.text}'`, `the thread name 'P${i}'`);
  });
  const n = header.cells.length;

  const items: Item[][] = header.cells.map(() => []);
  /** Per thread: its named labels so far (duplicates are an error). */
  const named: Array<Set<string>> = header.cells.map(() => new Set());
  const code: Code = { threads: [], finalStart, mentions: [], x86LocRegs: new Map() };
  for (const row of body) {
    if (row.cells.length !== n) {
      // Too many: point at the '|' opening the first extra cell; too few: at the ';' that ends
      // the row early.
      const pos = row.cells.length > n ? row.cells[n].sep : row.end;
      throw new SourceError(pos, `${row.cells.length} cell(s)`, `${n} cell(s), one per thread`, `row has ${row.cells.length} cell(s), expected ${n} (one per thread)`);
    }
    row.cells.forEach((cell, i) => {
      const m = LABEL_DEF.exec(cell.text);
      if (m) {
        // Numeric local labels (1:) may repeat; named ones may not.
        if (!/^[0-9]/.test(m[1]) && named[i].has(m[1])) {
          throw new SourceError(cell.pos, `'${m[1]}'`, 'a label not yet defined in this thread', `label '${m[1]}' is defined twice in thread P${i}`);
        }
        items[i].push({ kind: 'label', name: m[1], pos: cell.pos });
        named[i].add(m[1]);
      }
      const text = m ? cell.text.slice(m[0].length) : cell.text;
      if (text === '') return;
      const pos = { ...cell.pos, col: cell.pos.col + (m ? m[0].length : 0) };
      if (arch === 'AArch64') {
        // Directives would let a cell reshape the generated program (sections, threads).
        if (text.startsWith('.')) {
          throw new SourceError(pos, `'${text}'`, 'an instruction or a label', `assembler directive '${text.split(/\s/)[0]}' in litmus code: expected an instruction or a label`);
        }
        items[i].push({ kind: 'a64', text, pos });
        return;
      }
      const insn = parseX86Insn(text, pos);
      for (const l of x86Locations(insn)) {
        code.mentions.push(l);
        if (code.x86LocRegs.has(l.loc)) continue;
        if (code.x86LocRegs.size === X86_MAX_LOCATIONS) {
          throw new SourceError(l.pos, `'${l.loc}'`, `at most ${X86_MAX_LOCATIONS} distinct locations in X86 code`);
        }
        code.x86LocRegs.set(l.loc, X86_LOC_REG_BASE + code.x86LocRegs.size);
      }
      items[i].push({ kind: 'x86', insn });
    });
  }

  items.forEach((its, i) => {
    const labels = new Set(its.flatMap((it) => (it.kind === 'label' ? [it.name] : [])));
    const locals = new LocalLabels(its.flatMap((it) => (it.kind === 'label' ? [it.name] : [])), i);
    const lines: AsmLine[] = [];
    const emit = (pos: SourcePos, text: string): void => void lines.push({ text, file: src.file, line: pos.line, col: pos.col });
    for (const it of its) {
      if (it.kind === 'label') emit(it.pos, locals.isLocal(it.name) ? `${locals.define(it.name)}:` : `P${i}__${it.name}:`);
      else if (it.kind === 'a64') emit(it.pos, locals.rename(renameBranchTarget(it.text, it.pos, labels, i), it.pos));
      else for (const a of translateX86(it.insn, (loc) => code.x86LocRegs.get(loc)!)) emit(it.insn.pos, a);
    }
    code.threads.push({ pos: header.cells[i].pos, lines });
  });
  return code;
}

/** Splits the code into rows (each ended by ';', one line may hold several) up to the first
 * line that starts the final section: a keyword (also `filter`, whose line may hold the
 * condition and its ';'), or a line with neither ';' nor '|'. */
function splitRows(src: Source, start: number): { rows: Row[]; finalStart: number } {
  const text = src.text;
  const rows: Row[] = [];
  for (let p = start; p < text.length; ) {
    const eol = lineEnd(text, p);
    const line = text.slice(p, eol);
    const lead = line.search(/\S/);
    if (lead >= 0) {
      const rest = line.slice(lead);
      if (/^(exists|forall|locations|filter|not\s+exists)(?![A-Za-z0-9_])/.test(rest) || rest.startsWith('~') || (!rest.includes(';') && !rest.includes('|'))) {
        return { rows, finalStart: p + lead };
      }
      const pieces = line.split(';');
      const last = pieces.pop()!;
      if (last.trim() !== '') {
        throw new SourceError(src.where(p + line.trimEnd().length), 'end of line', "';' at the end of the row");
      }
      let off = p;
      for (const piece of pieces) {
        const cells: Cell[] = [];
        let cellOff = off;
        for (const raw of piece.split('|')) {
          const l = raw.search(/\S/);
          const sep = src.where(cellOff === off ? off + Math.max(0, piece.search(/\S/)) : cellOff - 1);
          cells.push({ text: raw.trim(), pos: src.where(l < 0 ? cellOff : cellOff + l), sep });
          cellOff += raw.length + 1;
        }
        rows.push({ cells, end: src.where(off + piece.length) });
        off += piece.length + 1;
      }
    }
    p = eol + 1;
  }
  return { rows, finalStart: text.length };
}

/** Renames the label operand of a branch (its last operand) to the thread's own copy. */
function renameBranchTarget(text: string, pos: SourcePos, labels: Set<string>, thread: number): string {
  const mn = /^\S+/.exec(text)![0].toLowerCase();
  if (!BRANCH_LAST_OPERAND.has(mn) && !/^b\.[a-z]+$/.test(mn)) return text;
  const comma = text.lastIndexOf(',');
  const single = mn === 'b' || mn === 'bl' || mn.startsWith('b.');
  const start = comma >= 0 && !single ? comma + 1 : mn.length;
  const operand = text.slice(start);
  const lead = operand.search(/\S/);
  const target = operand.trim();
  if (!/^[A-Za-z_.$][A-Za-z0-9_.$]*$/.test(target)) return text;
  if (!labels.has(target)) {
    throw new SourceError({ ...pos, col: pos.col + start + lead }, `'${target}'`, `a label defined in thread P${thread}`, `undefined label '${target}' in thread P${thread}`);
  }
  return `${text.slice(0, start + lead)}P${thread}__${target}`;
}
