// The operands of the symbol-table directives: `.globl`/`.weak`/`.local` name lists,
// `.type name, %function` and `.comm name, size[, align]`. Parsing only: the unit assembler
// records what they say.
import type { Cursor, Token } from './lexer.ts';

/** A symbol name (not '.'). */
export function symbolName(cur: Cursor): Token {
  const t = cur.peek();
  if (t.kind !== 'ident' || t.text === '.') cur.failAt(t, 'a symbol name');
  cur.next();
  return t;
}

/** `name[, name...]` to the end of the statement. */
export function symbolNames(cur: Cursor): Token[] {
  const out = [symbolName(cur)];
  while (cur.eat(',')) out.push(symbolName(cur));
  cur.expectEnd();
  return out;
}

/**
 * `.type name, %function | @object | ...` (also STT_FUNC and "function"; the cursor reads '@'
 * as '%'): the name and its type, null for %notype. Indirect functions and thread-local
 * objects are refused.
 */
export function parseType(cur: Cursor): { name: Token; type: 'function' | 'object' | null } {
  const name = symbolName(cur);
  cur.expect(',', "',' and a symbol type like %function or %object");
  const at = cur.peek();
  cur.eat('%');
  const ty = cur.peek();
  const word = ty.kind === 'ident' ? ty.text : ty.kind === 'str' ? ty.str : '';
  const fn = /^(function|stt_func|gnu_indirect_function|stt_gnu_ifunc)$/i.test(word);
  const obj = /^(object|stt_object|tls_object|stt_tls|common|stt_common|notype|stt_notype|gnu_unique_object)$/i.test(word);
  if (!fn && !obj) cur.failAt(at, 'a symbol type (%function, %object, %tls_object, %common, %notype, %gnu_indirect_function)');
  cur.next();
  cur.expectEnd();
  if (/indirect|ifunc/i.test(word)) cur.src.fail(ty.start, word, 'a symbol type hangar supports', `'${name.text}' is an indirect function (ifunc): not supported (no dynamic loader)`);
  if (/tls/i.test(word)) cur.src.fail(ty.start, word, 'a symbol type hangar supports', `'${name.text}' is thread-local: not supported (hangar has no TLS model)`);
  return { name, type: /notype/i.test(word) ? null : fn ? 'function' : 'object' };
}

/** `.comm`/`.lcomm name, size[, align]`, with the constant of each expression from
 * `constant`; the alignment (bytes) must be a power of two up to maxAlign. */
export function parseCommon(cur: Cursor, constant: (what: string) => bigint, maxSize: number, maxAlign: number): { name: Token; size: number; align: number } {
  const name = symbolName(cur);
  cur.expect(',', "',' and a size");
  const s = cur.peek();
  const size = constant('a size in bytes');
  if (size < 0n || size > BigInt(maxSize)) cur.src.fail(s.start, cur.textFrom(s), `a size 0..${maxSize}`);
  let align = 1n;
  if (cur.eat(',')) {
    const a = cur.peek();
    align = constant('an alignment in bytes');
    if (align < 1n || align > BigInt(maxAlign) || (align & (align - 1n)) !== 0n) cur.src.fail(a.start, cur.textFrom(a), `a power of two 1..${maxAlign}`);
  } else {
    // Without an alignment: the largest power of two up to the size, at most 16.
    while (align * 2n <= size && align < 16n) align *= 2n;
  }
  cur.expectEnd();
  return { name, size: Number(size), align: Number(align) };
}
