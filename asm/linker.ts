// The linker: assembled units (unit.ts) in, one Program (isa/program.ts) out. It keeps one copy
// of each comdat group, resolves symbols across units (a unit's local symbols first, then the
// global ones: a strong definition beats weak ones and common ones, commons are merged, an
// undefined weak symbol is 0), lays out code (pcs) and memory (byte addresses from DATA_BASE:
// each unit's sections in order of first appearance, then the init arrays, the commons, the
// GOT, the stacks), runs every unit's pending values, and reports undefined and duplicate
// symbols together, each with where it is used or defined. asm/README.md, "Linking", says the
// same for users.
import { evaluate, type Expr, type SymbolMeaning, type SymExpr } from './expressions.ts';
import { F, INSN_WORDS, Op, REG_SP } from '../isa/instructions.ts';
import { DATA_BASE, STACK_BYTES, type DataObject, type FunctionSymbol, type Program, type ThreadSpec } from '../isa/program.ts';
import { SourceError, type SourcePos } from '../isa/source-error.ts';
import { ErrorList } from './errors.ts';
import { MAX_CORE_LOCATIONS, MAX_CORES, MAX_INSTRUCTIONS, MAX_MEMORY_BYTES } from './limits.ts';
import { kindOf, type Kind, type KindMemo } from './value-kinds.ts';
import { type AsmUnit, type CommonDef, type EquDef, type LabelDef, type Section, type UnitLink, type UnitSymbol, type ValueKind, SYNTH, isAssemblerLocal } from './unit.ts';

export interface LinkOptions {
  /** The program's name (default: the first unit's file). */
  name?: string;
  /** Put a trap at pc 0 (the code starts at pc 1), so that a branch to a null function
   * pointer is an error instead of a jump to the first instruction. For compiled programs;
   * off by default (hand-written programs may start at pc 0). */
  nullGuard?: boolean;
  /** The errors a report shows in full (default MAX_REPORTED_ERRORS). */
  maxErrors?: number;
}

/** What a symbol reference resolves to. */
type Target =
  | { k: 'def'; unit: AsmUnit; sym: UnitSymbol }
  | { k: 'value'; v: bigint; kind: ValueKind };

/** Thrown (and caught) when a fixup uses an undefined global symbol: the use is recorded and
 * the fixup skipped, so every undefined symbol is reported once with all its uses. */
class Undefined {}
const UNDEFINED = new Undefined();

/** The uses listed in an "undefined symbol" error. */
const MAX_USES_SHOWN = 5;

export function linkUnits(units: readonly AsmUnit[], opts: LinkOptions = {}): Program {
  return new Linker(units, opts.maxErrors).link(opts);
}

class Linker {
  private readonly errors: ErrorList;
  private readonly globals = new Map<string, { unit: AsmUnit; sym: UnitSymbol }>();
  /** Linker-defined symbols (__init_array_start ...). */
  private readonly provided = new Map<string, bigint>();
  private readonly undefinedUses = new Map<string, { first: SymExpr; label: boolean; uses: string[] }>();
  private readonly got = new Map<string, { slot: number; value: bigint }>();
  private gotBase = 0;
  /** Equs of other units being evaluated (a cycle across units; evaluate() finds those within one). */
  private readonly visiting = new Set<string>();
  private readonly kindMemos = new Map<AsmUnit, KindMemo>();
  private endPos: SourcePos;

  constructor(private readonly units: readonly AsmUnit[], maxErrors?: number) {
    this.errors = new ErrorList(maxErrors);
    const last = units[units.length - 1];
    this.endPos = { file: last?.file ?? '<input>', line: 1, col: 1 };
  }

  link(opts: LinkOptions): Program {
    if (this.units.length === 0) throw new SourceError(this.endPos, 'no units', 'at least one unit to link');
    this.dropDuplicateGroups();
    this.collectGlobals();
    const codeLength = this.layoutCode(opts.nullGuard === true);
    this.layoutData();
    for (const u of this.units) u.link = this.unitLink(u);
    for (const u of this.units) {
      for (const f of u.fixups) {
        try {
          f();
        } catch (e) {
          if (e === UNDEFINED) continue;
          if (e instanceof SourceError) this.errors.addAll(e);
          else throw e;
        }
      }
    }
    this.reportUndefined();
    const threads = this.threads();
    this.errors.throwIfAny();
    return this.build(opts, codeLength, threads);
  }

  // ------------------------------------------------------------ symbols

  /** The first unit's copy of a comdat group is kept, the others dropped. */
  private dropDuplicateGroups(): void {
    const owner = new Map<string, AsmUnit>();
    for (const u of this.units) {
      for (const s of u.sections) {
        const g = s.spec.group;
        if (g === null) continue;
        const first = owner.get(g);
        if (first === undefined) owner.set(g, u);
        else if (first !== u) s.dropped = true;
      }
    }
  }

  private collectGlobals(): void {
    for (const u of this.units) {
      for (const sym of u.symbols.values()) {
        const def = sym.def;
        if (sym.binding === 'local' || def === null || def.k === 'discarded') continue;
        if (def.k === 'label' && def.section.dropped) continue;
        const old = this.globals.get(sym.name);
        if (old === undefined) {
          this.globals.set(sym.name, { unit: u, sym });
          continue;
        }
        const oldDef = old.sym.def!;
        const strong = (s: UnitSymbol): boolean => s.binding === 'global' && s.def !== null && s.def.k !== 'common';
        if (strong(old.sym) && strong(sym)) {
          this.errors.add(this.errorAt(def.where, sym.name, `duplicate symbol '${sym.name}' (also defined at ${oldDef.where})`));
        } else if (!strong(old.sym) && strong(sym)) {
          this.globals.set(sym.name, { unit: u, sym });
        } else if (oldDef.k === 'common' && def.k === 'common') {
          oldDef.size = Math.max(oldDef.size, def.size);
          oldDef.align = Math.max(oldDef.align, def.align);
        } else if (oldDef.k === 'common' && def.k !== 'common') {
          this.globals.set(sym.name, { unit: u, sym }); // a (weak) definition beats a common
        }
      }
    }
  }

  /** A SourceError at a "file:line:col" string. */
  private errorAt(where: string, found: string, detail: string): SourceError {
    const m = /^(.*):(\d+):(\d+)$/.exec(where);
    const pos = m ? { file: m[1], line: Number(m[2]), col: Number(m[3]) } : this.endPos;
    return new SourceError(pos, `'${found}'`, 'one definition', detail);
  }

  /** What s (a reference in unit u) resolves to; an undefined global is recorded as used
   * (as a branch target when `asLabel`) and UNDEFINED thrown. */
  private lookup(u: AsmUnit, s: SymExpr, asLabel = false): Target {
    const name = s.name;
    const sym = u.symbols.get(name);
    if (name.includes(SYNTH)) {
      if (sym?.def != null) return { k: 'def', unit: u, sym };
      const n = s.shown.slice(0, -1);
      return s.src.fail(s.at, s.shown, `a local label '${n}:' after this line`, `no local label '${n}:' after this reference to '${s.shown}'`);
    }
    if (sym?.def != null && sym.binding === 'local') return this.checkedDef(u, sym, s);
    const g = this.globals.get(name);
    if (g !== undefined) return this.checkedDef(g.unit, g.sym, s);
    if (sym?.def != null) return this.checkedDef(u, sym, s); // its own definition was discarded
    const provided = this.provided.get(name);
    if (provided !== undefined) return { k: 'value', v: provided, kind: 'data' };
    if (sym?.binding === 'weak') return { k: 'value', v: 0n, kind: 'abs' };
    if (isAssemblerLocal(name)) return s.src.fail(s.at, s.shown, 'a defined symbol', `undefined symbol '${s.shown}'`);
    let entry = this.undefinedUses.get(name);
    if (entry === undefined) {
      entry = { first: s, label: asLabel, uses: [] };
      this.undefinedUses.set(name, entry);
    }
    entry.uses.push(s.src.where(s.at));
    throw UNDEFINED;
  }

  private checkedDef(u: AsmUnit, sym: UnitSymbol, s: SymExpr): Target {
    const def = sym.def!;
    if (def.k === 'discarded') {
      return s.src.fail(s.at, s.shown, 'a symbol in a section of the program', `'${s.shown}' is defined in section ${def.section} (at ${def.where}), which hangar keeps out of the program (asm/README.md, "Sections")`);
    }
    if (def.k === 'label' && def.section.dropped) {
      return s.src.fail(s.at, s.shown, 'a symbol in a kept section', `'${s.shown}' is defined in a copy of comdat group '${def.section.spec.group}' that another unit's copy replaces`);
    }
    return { k: 'def', unit: u, sym };
  }

  /**
   * What a symbol referenced in unit u means to evaluate(): a value, or (a .equ of u itself)
   * its expression, which evaluate() computes once (memoised in u's Evaluation) and checks
   * for cycles. A .equ of another unit is evaluated there, with its own symbols.
   */
  private meaning(u: AsmUnit, s: SymExpr): SymbolMeaning {
    const t = this.lookup(u, s);
    if (t.k === 'def' && t.sym.def?.k === 'equ' && t.unit === u) return t.sym.def.expr;
    return this.value(t, s);
  }

  /** The same for kindOf(). */
  private kindMeaning(u: AsmUnit, s: SymExpr): Kind | Expr {
    const t = this.lookup(u, s);
    if (t.k === 'def' && t.sym.def?.k === 'equ' && t.unit === u) return t.sym.def.expr;
    return this.kind(t, s);
  }

  /** The value of a target (s: the reference, for messages; null from the symbol tables). */
  private value(t: Target, s: SymExpr | null): bigint {
    if (t.k === 'value') return t.v;
    const def = t.sym.def!;
    switch (def.k) {
      case 'label':
        return BigInt(labelValue(def));
      case 'common':
        return BigInt(def.address);
      case 'equ': {
        const u = t.unit;
        return this.withEqu(u, t.sym, def, s, () => evaluate(def.expr, (x) => this.meaning(u, x), u.evaluation));
      }
      default:
        return 0n;
    }
  }

  private kind(t: Target, s: SymExpr | null): ValueKind {
    if (t.k === 'value') return t.kind;
    const def = t.sym.def!;
    switch (def.k) {
      case 'label':
        return def.space === 'code' ? 'code' : 'data';
      case 'common':
        return 'data';
      case 'equ': {
        const u = t.unit;
        return this.withEqu(u, t.sym, def, s, () => this.kindOf(u, def.expr));
      }
      default:
        return 'abs';
    }
  }

  /** The kind of an expression of unit u (value-kinds.ts), memoised per unit for its .equs. */
  private kindOf(u: AsmUnit, e: Expr): ValueKind {
    let memo = this.kindMemos.get(u);
    if (memo === undefined) {
      memo = new WeakMap();
      this.kindMemos.set(u, memo);
    }
    return kindOf(e, {
      kindOf: (x) => this.kindMeaning(u, x),
      isCode: (k) => k === 'code',
      describe: (k) => (k === 'code' ? 'a code address' : 'a data address'),
    }, memo) as ValueKind;
  }

  private withEqu<T>(u: AsmUnit, sym: UnitSymbol, def: EquDef, s: SymExpr | null, f: () => T): T {
    const key = `${this.units.indexOf(u)}\u0000${sym.name}`;
    if (this.visiting.has(key)) {
      const what = `circular definition of '${sym.name}' (at ${def.where})`;
      if (s === null) throw this.errorAt(def.where, sym.name, what);
      s.src.fail(s.at, s.shown, 'a symbol that does not depend on itself', what);
    }
    this.visiting.add(key);
    try {
      return f();
    } finally {
      this.visiting.delete(key);
    }
  }

  private unitLink(u: AsmUnit): UnitLink {
    return {
      evaluate: (e) => evaluate(e, (x) => this.meaning(u, x), u.evaluation),
      kindOf: (e) => this.kindOf(u, e),
      codeTarget: (s) => {
        const t = this.lookup(u, s, true);
        const kind = this.kind(t, s);
        if (kind !== 'code') {
          if (t.k === 'def' && t.sym.def?.k === 'equ' && kind === 'abs') s.src.fail(s.at, s.shown, 'a code label', `'${s.shown}' is a .equ symbol, not a code label`);
          if (t.k === 'value') s.src.fail(s.at, s.shown, 'a code label', `'${s.shown}' is an undefined weak symbol (0), not a code label`);
          s.src.fail(s.at, s.shown, 'a code label', `'${s.shown}' is a data label; a branch needs a code label`);
        }
        return Number(this.value(t, s));
      },
      gotSlot: (s) => {
        const t = this.lookup(u, s);
        const key = t.k === 'def' ? `${this.units.indexOf(t.unit)}\u0000${t.sym.name}` : `value\u0000${s.name}`;
        let e = this.got.get(key);
        if (e === undefined) {
          e = { slot: this.gotBase + 8 * this.got.size, value: this.value(t, s) };
          this.got.set(key, e);
        }
        return BigInt(e.slot);
      },
    };
  }

  private reportUndefined(): void {
    for (const [name, u] of this.undefinedUses) {
      const others = u.uses.slice(1);
      const shown = others.slice(0, MAX_USES_SHOWN).join(', ');
      const more = others.length > MAX_USES_SHOWN ? ` and ${others.length - MAX_USES_SHOWN} more` : '';
      const also = others.length > 0 ? ` (also used at ${shown}${more})` : '';
      const s = u.first;
      this.errors.guard(() => s.src.fail(s.at, s.shown, `a defined ${u.label ? 'label' : 'symbol'}`, `undefined ${u.label ? 'label' : 'symbol'} '${name}'${also}`));
    }
  }

  // ------------------------------------------------------------ layout

  private layoutCode(nullGuard: boolean): number {
    let pc = nullGuard ? 1 : 0;
    for (const u of this.units) {
      for (const s of u.sections) {
        if (s.kind !== 'code' || s.dropped) continue;
        s.pcBase = pc;
        pc += s.insns.length;
      }
    }
    return pc;
  }

  /** Places every section's data, the init arrays and the commons; the GOT comes after them. */
  private layoutData(): void {
    let addr = DATA_BASE;
    const place = (s: Section): void => {
      addr = alignUp(addr, s.align);
      s.addrBase = addr;
      addr += s.bytes.length;
    };
    const inits: Section[] = [];
    for (const u of this.units) {
      for (const s of [...u.sections].sort((a, b) => a.order - b.order)) {
        if (s.dropped || s.kind === 'discard') continue;
        if (s.kind === 'init') inits.push(s);
        else if (s.kind !== 'code' || s.hasData) place(s);
      }
    }
    // The init arrays together, preinit first, then by priority (.init_array.NNNNN), then the
    // rest, as GNU ld's default script orders them.
    const rank = (s: Section): number => {
      if (s.spec.name.startsWith('.preinit_array')) return -1;
      const m = /^\.init_array\.(\d+)$/.exec(s.spec.name);
      return m ? Number(m[1]) : 1e9;
    };
    inits.sort((a, b) => rank(a) - rank(b));
    addr = alignUp(addr, 8);
    this.provided.set('__preinit_array_start', BigInt(addr));
    for (const s of inits) {
      if (rank(s) === -1) place(s);
    }
    this.provided.set('__preinit_array_end', BigInt(addr));
    this.provided.set('__init_array_start', BigInt(addr));
    for (const s of inits) {
      if (rank(s) !== -1) place(s);
    }
    this.provided.set('__init_array_end', BigInt(addr));
    // Commons: each unit's local ones, then the merged global ones.
    const commons: CommonDef[] = [];
    for (const global of [false, true]) {
      for (const u of this.units) {
        for (const sym of u.symbols.values()) {
          if (sym.def?.k !== 'common') continue;
          if (global ? this.globals.get(sym.name)?.sym === sym : sym.binding === 'local') commons.push(sym.def);
        }
      }
    }
    for (const c of commons) {
      addr = alignUp(addr, c.align);
      c.address = addr;
      addr += c.size;
    }
    this.gotBase = alignUp(addr, 8);
  }

  // ------------------------------------------------------------ threads

  private threads(): ThreadSpec[] {
    let cores: { n: number; where: string } | null = null;
    let stack: { bytes: number; where: string } | null = null;
    const decls: Array<{ unit: AsmUnit; name: string; src: AsmUnit['threads']['threads'][number]['src']; at: number }> = [];
    for (const u of this.units) {
      const t = u.threads;
      if (t.cores !== null) {
        if (cores !== null) this.errors.add(this.errorAt(t.cores.where, '.cores', `.cores given twice (first at ${cores.where})`));
        cores = t.cores;
      }
      if (t.stack !== null) {
        if (stack !== null) this.errors.add(this.errorAt(t.stack.where, '.stack', `.stack given twice (first at ${stack.where})`));
        stack = t.stack;
      }
      for (const d of t.threads) decls.push({ unit: u, ...d });
    }
    this.stackBytes = stack?.bytes ?? STACK_BYTES;
    this.coresWhere = cores?.where ?? (decls.length > 0 ? decls[0].src.where(decls[0].at) : null);
    if (decls.length > MAX_CORES) {
      const d = decls[MAX_CORES];
      this.errors.add(this.errorAt(d.src.where(d.at), '.thread', `more than ${MAX_CORES} threads: a program has at most ${MAX_CORES} cores`));
    }
    if (cores !== null && decls.length > 0) {
      this.errors.add(this.errorAt(cores.where, '.cores', `.cores cannot be combined with .thread (at ${decls[0].src.where(decls[0].at)})`));
    }
    if (decls.length > 0) {
      const out: ThreadSpec[] = [];
      for (const d of decls) {
        this.errors.guard(() => {
          const s: SymExpr = { k: 'sym', name: d.name, shown: d.name, src: d.src, at: d.at };
          let t: Target;
          try {
            t = this.lookup(d.unit, s);
          } catch (e) {
            if (e !== UNDEFINED) throw e;
            this.undefinedUses.delete(d.name);
            return d.src.fail(d.at, d.name, 'a code label', `undefined label '${d.name}' in .thread`);
          }
          if (this.kind(t, s) !== 'code') d.src.fail(d.at, d.name, 'a code label', `'${d.name}' is a data label; .thread needs a code label`);
          out.push({ name: d.name, entry: Number(this.value(t, s)), initRegs: [] });
        });
      }
      return out;
    }
    const entry = this.entry();
    const n = cores?.n ?? 1;
    const out: ThreadSpec[] = [];
    for (let i = 0; i < n; i++) out.push({ name: `core${i}`, entry, initRegs: [[0, i, 0]] });
    return out;
  }

  private stackBytes = STACK_BYTES;
  /** Where the cores come from (.cores or the first .thread), for messages. */
  private coresWhere: string | null = null;

  /** The global `_start`, else the first unit's local one, else pc 0. */
  private entry(): number {
    const g = this.globals.get('_start');
    const candidates = g !== undefined ? [g] : this.units.map((unit) => ({ unit, sym: unit.symbols.get('_start') })).filter((c) => c.sym !== undefined);
    for (const c of candidates) {
      const def = c.sym!.def;
      if (def?.k === 'label' && def.space === 'code' && !def.section.dropped) return labelValue(def);
    }
    return 0;
  }

  // ------------------------------------------------------------ the program

  private build(opts: LinkOptions, codeLength: number, threads: ThreadSpec[]): Program {
    const stackBytes = this.stackBytes;
    const gotEnd = this.gotBase + 8 * this.got.size;
    const used = gotEnd - DATA_BASE;
    const dataBytes = (used + 15) & ~15;
    const total = dataBytes + threads.length * stackBytes;
    if (total > MAX_MEMORY_BYTES) {
      throw new SourceError(this.endPos, `${total} bytes`, `at most ${MAX_MEMORY_BYTES} bytes`, `data and stacks need ${total} bytes; the limit is ${MAX_MEMORY_BYTES}`);
    }
    if ((total / 8) * threads.length > MAX_CORE_LOCATIONS) {
      const where = this.coresWhere ?? `${this.endPos.file}:${this.endPos.line}:${this.endPos.col}`;
      throw new SourceError(this.endPos, `${threads.length} cores`, 'fewer cores or less memory', `${threads.length} cores (${where}) with ${total} bytes of data and stacks need more emulator state than hangar allows: cores × 8-byte words must be at most ${MAX_CORE_LOCATIONS}`);
    }
    if (codeLength + 1 > MAX_INSTRUCTIONS) {
      throw new SourceError(this.endPos, `${codeLength} instructions`, `at most ${MAX_INSTRUCTIONS} instructions`, `the units have ${codeLength} instructions together; a program has at most ${MAX_INSTRUCTIONS}`);
    }
    const image = new Uint8Array(total);
    const initArray: number[] = [];
    const sections = this.units.flatMap((u) => u.sections).filter((s) => !s.dropped && s.kind !== 'discard' && (s.kind !== 'code' || s.hasData));
    for (const s of sections) image.set(s.bytes.data.subarray(0, s.bytes.length), s.addrBase - DATA_BASE);
    const view = new DataView(image.buffer);
    for (const e of this.got.values()) view.setBigUint64(e.slot - DATA_BASE, BigInt.asUintN(64, e.value), true);
    const inits = sections.filter((s) => s.kind === 'init').sort((a, b) => a.addrBase - b.addrBase);
    for (const s of inits) for (const e of s.entries) initArray.push(Number(view.getBigInt64(s.addrBase - DATA_BASE + e.offset, true)));
    const words = total / 8;
    const initLo = new Int32Array(words);
    const initHi = new Int32Array(words);
    for (let i = 0; i < words; i++) {
      initLo[i] = view.getInt32(8 * i, true);
      initHi[i] = view.getInt32(8 * i + 4, true);
    }
    threads.forEach((t, i) => {
      if (stackBytes > 0) t.initRegs.push([REG_SP, DATA_BASE + dataBytes + (i + 1) * stackBytes, 0]);
    });

    const n = codeLength + 1;
    const code = new Int32Array(n * INSN_WORDS);
    const mainFile = this.units[0].file;
    const files: string[] = [mainFile];
    const fileIndex = new Map<string, number>([[mainFile, 0]]);
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
    const cFiles: string[] = [];
    const cIndex = new Map<string, number>();
    const cFile = new Int32Array(n).fill(-1), cLine = new Int32Array(n), cCol = new Int32Array(n);
    let anyLoc = false;
    for (const u of this.units) {
      const unitC = new Map<number, number>();
      for (const [num, name] of u.cFiles) {
        let k = cIndex.get(name);
        if (k === undefined) {
          k = cFiles.length;
          cFiles.push(name);
          cIndex.set(name, k);
        }
        unitC.set(num, k);
      }
      for (const s of u.sections) {
        if (s.kind !== 'code' || s.dropped) continue;
        s.insns.forEach((insn, i) => {
          const pc = s.pcBase + i;
          code.set(insn.rec, pc * INSN_WORDS);
          src.file[pc] = indexOf(insn.src.file);
          src.line[pc] = insn.src.line;
          src.col[pc] = insn.src.colAt(insn.at);
          src.text[pc] = insn.src.text.slice(insn.at).trim();
          // The outermost macro invocation: where the instruction comes from in the program's terms.
          const chain = insn.src.expansion;
          if (chain.length) src.via[pc] = chain[chain.length - 1];
          if (insn.cFile >= 0) {
            anyLoc = true;
            cFile[pc] = unitC.get(insn.cFile) ?? -1;
            cLine[pc] = insn.cLine;
            cCol[pc] = insn.cCol;
          }
        });
      }
    }
    if (opts.nullGuard === true) {
      code[F.OP] = Op.TRAP;
      code[F.EXTRA] = 2;
      src.file[0] = 0;
      src.line[0] = 1;
      src.col[0] = 1;
      src.text[0] = 'udf (null function pointer guard)';
    }
    const end = n - 1;
    code[end * INSN_WORDS + F.OP] = Op.HALT;
    const lastUnit = this.units[this.units.length - 1];
    src.file[end] = indexOf(lastUnit.end.file);
    src.line[end] = lastUnit.end.line;
    src.col[end] = lastUnit.end.col;
    src.text[end] = 'hlt (end of code)';
    const sourceMap = anyLoc ? { ...src, cFiles, cFile, cLine, cCol } : src;

    const { symbols, labels, functions, objects } = this.symbolTables(codeLength);
    const program: Program = { name: opts.name ?? mainFile, code, length: n, src: sourceMap, threads, initLo, initHi, symbols, labels };
    if (functions.length > 0) program.functions = functions;
    if (objects.length > 0) program.objects = objects;
    if (initArray.length > 0) program.initArray = initArray;
    return program;
  }

  /** symbols / labels (name -> address / pc; a local name that another unit also has is
   * `name@file`), and the functions and data objects with their extents. */
  private symbolTables(codeLength: number): { symbols: Record<string, number>; labels: Record<string, number>; functions: FunctionSymbol[]; objects: DataObject[] } {
    const symbols: Record<string, number> = {};
    const labels: Record<string, number> = {};
    const functions: FunctionSymbol[] = [];
    const objects: DataObject[] = [];
    const owners = new Map<string, AsmUnit>();
    for (const u of this.units) {
      for (const sym of u.symbols.values()) {
        const def = sym.def;
        if (def === null || sym.name.includes(SYNTH) || def.k === 'discarded') continue;
        if (def.k === 'label' && def.section.dropped) continue;
        if (sym.binding !== 'local' && this.globals.get(sym.name)?.sym !== sym) continue; // lost to another definition
        let v: bigint, kind: ValueKind;
        try {
          const t: Target = { k: 'def', unit: u, sym };
          kind = this.kind(t, null);
          v = this.value(t, null);
        } catch (e) {
          if (e === UNDEFINED || e instanceof SourceError) continue; // an alias of something undefined or bad: reported where it is used
          throw e;
        }
        if (kind !== 'code' && kind !== 'data') continue;
        const taken = owners.get(sym.name);
        const key = taken === undefined || taken === u ? sym.name : `${sym.name}@${u.file}`;
        if (taken === undefined) owners.set(sym.name, u);
        if (kind === 'code') labels[key] = Number(v);
        else symbols[key] = Number(v);
        if (isAssemblerLocal(sym.name)) continue;
        const size = this.size(u, sym);
        if (kind === 'code' && sym.type === 'function') {
          functions.push({ name: key, start: Number(v), end: size === null ? -1 : Number(v) + size, unit: u.file });
        } else if (kind === 'data' && (sym.type === 'object' || size !== null || def.k === 'common')) {
          objects.push({ name: key, address: Number(v), size: size ?? (def.k === 'common' ? def.size : 0), unit: u.file });
        }
      }
    }
    functions.sort((a, b) => a.start - b.start);
    // Without a .size a function ends where the next begins (or at the end of the code).
    functions.forEach((f, i) => {
      if (f.end < 0) f.end = i + 1 < functions.length ? functions[i + 1].start : codeLength;
    });
    objects.sort((a, b) => a.address - b.address || a.size - b.size);
    return { symbols, labels, functions, objects };
  }

  /** The value of `.size sym, expr`, or null (none, or not a number). */
  private size(u: AsmUnit, sym: UnitSymbol): number | null {
    if (sym.size === null) return null;
    let v: bigint | null = null;
    this.errors.guard(() => {
      try {
        v = u.link!.evaluate(sym.size!.expr);
      } catch (e) {
        if (e !== UNDEFINED) throw e;
      }
    });
    return v === null ? null : Number(v);
  }
}

function labelValue(def: LabelDef): number {
  return def.space === 'code' ? def.section.pcBase + def.offset : def.section.addrBase + def.offset;
}

function alignUp(a: number, n: number): number {
  return Math.ceil(a / n) * n;
}
