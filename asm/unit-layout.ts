// Where a unit's statements put things: its sections and symbols, the current section, the
// labels of a code section that wait for what comes next (an instruction gives them a pc, a
// datum an address), pending alignment, and the values that wait for the linker. The unit
// assembler (unit-assembler.ts) builds on it; asm/README.md, "Sections", states the rules.
import { evaluate, firstSymbol, newEvaluation, type Expr, type SymExpr } from './expressions.ts';
import type { SrcText } from './lexer.ts';
import { type SectionSpec } from './sections.ts';
import { ABS, CODE_DELTA, kindOf, type Kind } from './value-kinds.ts';
import { Section, isAssemblerLocal, type AsmUnit, type Fixup, type LabelDef, type UnitSymbol } from './unit.ts';
import { MAX_MEMORY_BYTES } from './limits.ts';

export interface PendingAlign {
  bytes: number;
  fill: number;
  max: bigint | null;
}

export class UnitLayout {
  protected readonly sections: Section[] = [];
  protected readonly sectionByKey = new Map<string, Section>();
  protected section: Section;
  protected previous: Section;
  protected readonly stack: Section[] = [];
  protected readonly symbols = new Map<string, UnitSymbol>();
  /** Numeric local label -> synthetic names of its definitions, in order. */
  protected readonly locals = new Map<string, string[]>();
  protected synthCount = 0;
  /** Labels of a code section waiting for what comes next: an instruction or data. */
  protected pending: Array<{ name: string; where: string }> = [];
  protected pendingAlign: PendingAlign | null = null;
  protected readonly fixups: Fixup[] = [];
  /** The memo of the unit's evaluations (the linker's too: AsmUnit.evaluation). */
  protected readonly evaluation = newEvaluation();
  /** The next Section.order. */
  protected layoutOrder = 0;
  protected unit: AsmUnit | null = null;

  constructor(file: string) {
    this.section = this.open({ name: '.text', kind: 'code', group: null, where: `${file}:1:1` });
    this.previous = this.section;
  }

  /** Work for the linker, on behalf of the current section: none if the linker drops the
   * section (a duplicate comdat group, whose labels are gone). */
  protected fixup(f: Fixup): void {
    const sec = this.section;
    this.fixups.push(() => {
      if (!sec.dropped) f();
    });
  }

  protected symbol(name: string): UnitSymbol {
    let sym = this.symbols.get(name);
    if (sym === undefined) {
      sym = { name, def: null, binding: 'local', type: null, size: null };
      this.symbols.set(name, sym);
    }
    return sym;
  }

  /** Defines a label at the current position (in a code section: at what comes next). */
  protected placeLabel(name: string, where: string): void {
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
  protected bindPending(space: 'code' | 'data' = 'code'): void {
    if (this.pending.length === 0) return;
    const sec = this.section;
    const offset = space === 'code' ? sec.insns.length : sec.bytes.length;
    for (const p of this.pending) this.symbols.get(p.name)!.def = { k: 'label', section: sec, space, offset, where: p.where };
    this.pending = [];
  }

  /**
   * Calls apply with the value of e and its kind (a data or code address, a number): at once
   * when e is a number or a difference of labels of one section placed already, else once the
   * program is linked. An address of labels placed already waits as (section, offset), not as
   * the expression (a program of 100 000 such values keeps no trees).
   */
  protected later(e: Expr, apply: (v: bigint, kind: Kind) => void): void {
    if (e.k === 'num') {
      apply(e.v, ABS);
      return;
    }
    const local = this.placedValue(e);
    if (local !== null) {
      const { kind, offset, section } = local;
      if (section === null) apply(offset, kind);
      else this.fixup(() => apply(BigInt(kind === 'code' ? section.pcBase : section.addrBase) + offset, kind));
      return;
    }
    this.fixup(() => {
      const link = this.unit!.link!;
      const v = link.evaluate(e);
      apply(v, link.kindOf(e));
    });
  }

  /** e as an offset from one section of this unit (section null: a number), when its symbols
   * are assembler-local labels placed already (their addresses cannot change or be replaced
   * by another unit's); else null. */
  private placedValue(e: Expr): { kind: Kind; offset: bigint; section: Section | null } | null {
    const s = firstSymbol(e);
    if (s === null || !placedLocal(this.symbols, e)) return null;
    let kind: Kind;
    try {
      kind = this.sectionKind(e);
    } catch {
      return null; // the linker's rules decide (two code sections are one space there)
    }
    const offset = evaluate(e, (x) => BigInt((this.symbols.get(x.name)!.def as LabelDef).offset), this.evaluation);
    if (kind === ABS || kind === CODE_DELTA) return { kind: kind === ABS ? 'abs' : 'codeDelta', offset, section: null };
    const [index, space] = kind.split(':');
    return { kind: space === 'code' ? 'code' : 'data', offset, section: this.sections[Number(index)] };
  }

  /** The kind of e with one address space per section (strict: addresses are not known). */
  private sectionKind(e: Expr, known: (s: SymExpr) => LabelDef = (x) => this.symbols.get(x.name)!.def as LabelDef): Kind {
    return kindOf(e, {
      kindOf: (x) => {
        const def = known(x);
        return `${this.sections.indexOf(def.section)}:${def.space}`;
      },
      isCode: (k) => k.endsWith(':code'),
      describe: (k) => (k.endsWith(':code') ? 'a code address' : `an address in ${this.sections[Number(k.split(':')[0])]?.spec.name ?? 'a section'}`),
      strict: true,
    });
  }

  protected open(spec: SectionSpec): Section {
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

  protected switchTo(spec: SectionSpec, src: SrcText, at: number): void {
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
  protected emit(n: number, fill: number, src: SrcText, at: number): number {
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
  protected hasData(sec: Section): void {
    if (sec.hasData) return;
    sec.hasData = true;
    if (sec.kind === 'code') sec.order = this.layoutOrder++;
  }

  protected pad(a: PendingAlign): void {
    const sec = this.section;
    const padding = (a.bytes - (sec.bytes.length % a.bytes)) % a.bytes;
    // As in GNU as, no padding at all when more than the maximum would be needed.
    if (a.max !== null && BigInt(padding) > a.max) return;
    if (a.bytes > sec.align) sec.align = a.bytes;
    this.hasData(sec);
    sec.bytes.append(padding, a.fill);
  }

  protected putBytes(bytes: number[], src: SrcText, at: number): void {
    if (this.section.kind === 'bss' && bytes.some((b) => b !== 0)) src.fail(at, src.text.slice(at), 'zero bytes', `non-zero data in ${this.section.spec.name}, a @nobits (zero-filled) section`);
    const offset = this.emit(bytes.length, 0, src, at);
    if (offset < 0) return;
    this.section.bytes.data.set(bytes, offset);
  }

  /**
   * A value known now: numbers, .equ symbols defined before, and differences of labels of
   * one section defined before (`. - start`).
   */
  protected constant(e: Expr): bigint {
    if (e.k === 'num') return e.v;
    const expected = 'a constant (numbers and .equ symbols defined earlier)';
    const known = (x: SymExpr): LabelDef => {
      const def = this.symbols.get(x.name)?.def;
      if (def == null || def.k !== 'label' || def.offset < 0) {
        if (def != null) x.src.fail(x.at, x.shown, expected, `'${x.shown}' is a label; a constant is needed here`);
        return x.src.fail(x.at, x.shown, expected, `undefined symbol '${x.shown}' (a constant is needed here: numbers and .equ symbols defined earlier)`);
      }
      return def;
    };
    const kind = this.sectionKind(e, known);
    if (kind !== ABS && kind !== CODE_DELTA) {
      const s = firstSymbol(e)!;
      s.src.fail(s.at, s.shown, expected, `'${s.shown}' is a label; a constant is needed here`);
    }
    return evaluate(e, (x) => BigInt(known(x).offset), this.evaluation);
  }

}

/** Whether every symbol of e is an assembler-local label (.L or synthetic) placed already;
 * iterative (a 100 000-term sum). */
function placedLocal(symbols: ReadonlyMap<string, UnitSymbol>, e: Expr): boolean {
  const todo: Expr[] = [e];
  const seen = new Set<Expr>();
  while (todo.length > 0) {
    const x = todo.pop()!;
    if (seen.has(x)) continue;
    seen.add(x);
    if (x.k === 'sym') {
      const def = symbols.get(x.name)?.def;
      if (!isAssemblerLocal(x.name) || def == null || def.k !== 'label' || def.offset < 0) return false;
    } else if (x.k === 'un' || x.k === 'lo12') todo.push(x.e);
    else if (x.k === 'bin') todo.push(x.a, x.b);
  }
  return true;
}
