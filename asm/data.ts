// The byte encodings of data directives: GNU as string literals (.ascii, .asciz, .string)
// with their escapes, and LEB128 (.uleb128, .sleb128). Sources: the GNU as manual, "Strings"
// (escapes \b \f \n \r \t \" \\, \ and up to three octal digits, \x and hex digits) and
// "Uleb128"/"Sleb128"; the DWARF 5 standard, 7.6 (LEB128).
import type { SrcText } from './lexer.ts';

/**
 * The bytes of a string literal as written (with its quotes), from offset `at` of src for
 * messages. Characters outside ASCII are encoded as UTF-8; octal and hex escapes give one byte
 * each (their low 8 bits, as GNU as does).
 */
export function stringBytes(literal: string, src: SrcText, at: number): number[] {
  const out: number[] = [];
  const s = literal;
  const end = s.length - 1; // the closing quote
  for (let i = 1; i < end; ) {
    const c = s[i];
    if (c !== '\\') {
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      for (const b of Buffer.from(ch, 'utf8')) out.push(b);
      i += ch.length;
      continue;
    }
    const e = s[i + 1];
    if (e === undefined || i + 1 >= end) src.fail(at + i, '\\', 'an escape sequence after \\');
    if (e >= '0' && e <= '7') {
      let j = i + 1;
      let v = 0;
      while (j < end && j < i + 4 && s[j] >= '0' && s[j] <= '7') v = v * 8 + (s.charCodeAt(j++) - 48);
      out.push(v & 0xff);
      i = j;
      continue;
    }
    if (e === 'x' || e === 'X') {
      let j = i + 2;
      let v = 0;
      while (j < end && /[0-9A-Fa-f]/.test(s[j])) v = (v * 16 + parseInt(s[j++], 16)) & 0xff;
      if (j === i + 2) src.fail(at + i, s.slice(i, i + 2), 'hex digits after \\x');
      out.push(v);
      i = j;
      continue;
    }
    const simple: Record<string, number> = { b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '"': 34, '\\': 92, "'": 39, a: 7, e: 27 };
    const b = simple[e];
    if (b === undefined) {
      // GNU as keeps an unknown escape's character (with a warning).
      out.push(...Buffer.from(e, 'utf8'));
    } else {
      out.push(b);
    }
    i += 2;
  }
  return out;
}

/** The unsigned LEB128 encoding of v (v >= 0). */
export function uleb128(v: bigint): number[] {
  const out: number[] = [];
  let x = BigInt.asUintN(64, v);
  do {
    let byte = Number(x & 0x7fn);
    x >>= 7n;
    if (x !== 0n) byte |= 0x80;
    out.push(byte);
  } while (x !== 0n);
  return out;
}

/** The signed LEB128 encoding of v. */
export function sleb128(v: bigint): number[] {
  const out: number[] = [];
  let x = BigInt.asIntN(64, v);
  for (;;) {
    const byte = Number(x & 0x7fn);
    x >>= 7n;
    const done = (x === 0n && (byte & 0x40) === 0) || (x === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}
