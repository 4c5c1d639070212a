// Sections: what `.section name, "flags", @type, ...` says, and what hangar does with the
// section (the rule of asm/README.md, "Sections"):
//   code     instructions (flags with x, or .text*); data directives in it go to a literal area
//            that is placed in memory like a data section (code is not in memory)
//   data     laid out in emulated memory (.data*, .rodata*, other allocatable sections)
//   bss      zero-filled memory (@nobits, .bss*, .sbss*); non-zero data is an error
//   init     .init_array / .preinit_array: function pointers the runtime calls before main
//   discard  kept out of emulated memory: not allocatable (no a flag: .debug_*, .comment,
//            .note.GNU-stack), notes (.note*), unwind tables (.eh_frame*, .gcc_except_table*:
//            hangar has no unwinder and throws no exception); their contents are parsed for
//            syntax, never evaluated, and a label in them cannot be used elsewhere
// A section of a comdat group (flag G) is kept once per program: the linker keeps the first
// unit's copy of each group and drops the others'.
import { Cursor, type SrcText, tokenize } from './lexer.ts';

export type SectionKind = 'code' | 'data' | 'bss' | 'init' | 'discard';

export interface SectionSpec {
  name: string;
  kind: SectionKind;
  /** Comdat group name (flag G), or null. */
  group: string | null;
  /** For messages: "file:line:col" of the directive that opened it. */
  where: string;
}

/** Default flags of well-known section names (as GNU as gives them). */
function defaultKind(name: string): SectionKind | null {
  if (/^\.(text|init|fini)(\.|$)/.test(name)) return 'code';
  if (/^\.(bss|sbss)(\.|$)/.test(name)) return 'bss';
  if (/^\.(init_array|preinit_array)(\.|$)/.test(name)) return 'init';
  if (/^\.(data|rodata|sdata|fini_array|data\.rel\.ro)(\.|$)/.test(name)) return 'data';
  if (/^\.(debug|zdebug|note|comment|eh_frame|gcc_except_table|stab|llvm_addrsig|ARM\.attributes|gnu\.attributes)(\.|_|$)/.test(name)) return 'discard';
  return null;
}

/** Always discarded whatever their flags: notes and unwind tables. */
function alwaysDiscarded(name: string): boolean {
  return /^\.(note|eh_frame|gcc_except_table|debug|zdebug|comment)(\.|_|$)/.test(name);
}

/** Thread-local storage sections: not supported (no TLS model). */
function threadLocal(name: string, flags: string): boolean {
  return flags.includes('T') || /^\.(tdata|tbss)(\.|$)/.test(name);
}

/**
 * Parses the operands of `.section` (from offset `from` of src):
 *   name[, "flags"[, @type[, entsize (flag M)][, group (flag G)[, comdat]][, linked symbol (flag o)]]]
 * and classifies the section. Fails (SourceError) on bad syntax, on thread-local sections and
 * on an unknown section name without flags (whose fate hangar would otherwise have to guess).
 */
export function parseSection(src: SrcText, from: number): SectionSpec {
  const cur = typeCursor(src, from);
  const t = cur.peek();
  let name: string;
  if (t.kind === 'str') {
    name = t.str;
    cur.next();
  } else if (t.kind === 'ident') {
    // Section names may contain '-' (.note.GNU-stack): take the text up to a comma or blank.
    const start = t.start;
    while (!cur.atEnd() && !cur.isPunct(',') && (cur.peek().start === start || cur.peek().start === cur.toks[cur.i - 1].end)) cur.next();
    name = src.text.slice(start, cur.toks[cur.i - 1].end);
  } else {
    return cur.failAt(t, 'a section name');
  }
  const where = src.where(t.start);
  let flags: string | null = null;
  let type: string | null = null;
  let group: string | null = null;
  if (cur.eat(',')) {
    const f = cur.peek();
    if (f.kind !== 'str') cur.failAt(f, 'section flags in double quotes, like "aw" or "ax"');
    flags = f.str;
    cur.next();
    const bad = /[^awxMSGTRoe?]/.exec(flags);
    if (bad) cur.src.fail(f.start, f.text, 'section flags from a, w, x, M, S, G, T, R, o, e', `unknown section flag '${bad[0]}' in ${f.text}`);
    if (cur.eat(',')) {
      const at = cur.peek();
      if (!cur.eat('%')) cur.failAt(at, 'a section type like @progbits or @nobits');
      const ty = cur.peek();
      if (ty.kind !== 'ident') cur.failAt(ty, 'a section type like @progbits or @nobits');
      type = ty.text.toLowerCase();
      cur.next();
      if (!['progbits', 'nobits', 'note', 'init_array', 'fini_array', 'preinit_array', 'unwind'].includes(type)) {
        src.fail(ty.start, ty.text, 'a section type (@progbits, @nobits, @note, @init_array, @fini_array, @preinit_array)');
      }
      if (flags.includes('M')) {
        cur.expect(',', "',' and the entry size of a mergeable section (flag M)");
        const n = cur.peek();
        if (n.kind !== 'num') cur.failAt(n, 'the entry size of a mergeable section (flag M)');
        cur.next();
      }
      if (flags.includes('G')) {
        cur.expect(',', "',' and the group name (flag G)");
        const g = cur.peek();
        if (g.kind !== 'ident' && g.kind !== 'str') cur.failAt(g, 'a group name (flag G)');
        group = g.kind === 'str' ? g.str : g.text;
        cur.next();
        if (cur.eat(',')) {
          const c = cur.peek();
          if (c.kind !== 'ident' || c.text !== 'comdat') cur.failAt(c, "'comdat'");
          cur.next();
        }
      }
      if (flags.includes('o')) {
        cur.expect(',', "',' and the linked-to symbol (flag o)");
        const s = cur.peek();
        if (s.kind !== 'ident') cur.failAt(s, 'a symbol (flag o)');
        cur.next();
      }
      if (cur.eat(',')) {
        const u = cur.peek();
        if (u.kind !== 'ident' || u.text !== 'unique') cur.failAt(u, "'unique' and an id");
        cur.next();
        cur.expect(',', "',' and a unique id");
        if (cur.peek().kind !== 'num') cur.failAt(cur.peek(), 'a unique id');
        cur.next();
      }
    } else if (flags.includes('G')) {
      cur.failAt(cur.peek(), "',' @type and the group name (flag G)");
    }
  }
  cur.expectEnd();
  if (threadLocal(name, flags ?? '')) {
    src.fail(t.start, name, 'a section hangar supports', `thread-local storage (section '${name}') is not supported: hangar has no TLS model`);
  }
  return { name, kind: classify(name, flags, type, src, t.start), group, where };
}

/** A cursor over the operands from `from`, where the `@` of ELF types (@progbits, @function)
 * reads as the `%` GNU as also accepts (the lexer has no '@'; strings are left alone). */
export function typeCursor(src: SrcText, from: number): Cursor {
  let text = '';
  let quoted = false;
  for (let i = 0; i < src.text.length; i++) {
    const c = src.text[i];
    if (c === '"' && src.text[i - 1] !== '\\') quoted = !quoted;
    text += i >= from && c === '@' && !quoted ? '%' : c;
  }
  const s = src.withText(text);
  return new Cursor(s, tokenize(s, from));
}

function classify(name: string, flags: string | null, type: string | null, src: SrcText, at: number): SectionKind {
  if (alwaysDiscarded(name) || type === 'note') return 'discard';
  if (type === 'init_array' || type === 'preinit_array') return 'init';
  const known = defaultKind(name);
  if (flags === null) {
    if (known === null) {
      return src.fail(at, name, 'a section name hangar knows (.text*, .data*, .rodata*, .bss*, .init_array, .debug_*, .note*...) or flags ("a..." to place it in memory, "" to discard it)');
    }
    return known;
  }
  if (!flags.includes('a')) return 'discard';
  if (flags.includes('x')) return 'code';
  if (type === 'nobits' || known === 'bss') return 'bss';
  if (known === 'init') return 'init';
  return 'data';
}
