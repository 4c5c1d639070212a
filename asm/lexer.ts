// Source text and tokens of the assembler.
//
// A statement travels through the preprocessor as a SrcText: its text plus where every
// character came from (file, line and a column per character), so an error found after
// comment removal, `;` splitting or macro substitution still points at the right column of
// the line the user wrote. Tokens are offsets into one SrcText.

import { SourceError, quote, type SourcePos } from '../isa/source-error.ts';

export class SrcText {
  /**
   * @param col0 column of text[0] when there is no column map
   * @param colMap column of every character plus one for the end (text.length + 1 entries),
   *   or null when the text is an unchanged piece of one source line
   * @param expansion the chain of macro invocations this text comes from, innermost first
   */
  constructor(
    readonly text: string,
    readonly file: string,
    readonly line: number,
    private readonly col0: number,
    private readonly colMap: readonly number[] | null,
    readonly expansion: readonly string[],
  ) {}

  colAt(i: number): number {
    if (this.colMap === null) return this.col0 + Math.max(0, i);
    if (this.colMap.length === 0) return this.col0;
    return this.colMap[Math.min(Math.max(i, 0), this.colMap.length - 1)];
  }

  pos(i: number): SourcePos {
    return { file: this.file, line: this.line, col: this.colAt(i) };
  }

  /** "file:line:col" of character i, for messages that refer to another place. */
  where(i: number): string {
    return `${this.file}:${this.line}:${this.colAt(i)}`;
  }

  slice(start: number, end: number): SrcText {
    if (this.colMap === null) {
      return new SrcText(this.text.slice(start, end), this.file, this.line, this.col0 + start, null, this.expansion);
    }
    const map = this.colMap.slice(start, end + 1);
    return new SrcText(this.text.slice(start, end), this.file, this.line, this.colAt(start), map, this.expansion);
  }

  /** Another text of the same length at the same positions (a character replaced for a
   * sub-parser, e.g. '@' in `@progbits`). */
  withText(text: string): SrcText {
    if (text.length !== this.text.length) throw new Error('SrcText.withText: the length must not change');
    return new SrcText(text, this.file, this.line, this.col0, this.colMap, this.expansion);
  }

  /** The same text attributed to another macro invocation chain. */
  withExpansion(expansion: readonly string[]): SrcText {
    return new SrcText(this.text, this.file, this.line, this.col0, this.colMap, expansion);
  }

  /** The text without leading and trailing blanks (columns kept). */
  trim(): SrcText {
    let a = 0;
    let b = this.text.length;
    while (a < b && isBlank(this.text.charCodeAt(a))) a++;
    while (b > a && isBlank(this.text.charCodeAt(b - 1))) b--;
    return a === 0 && b === this.text.length ? this : this.slice(a, b);
  }

  /** Throws the SourceError for character i. `found` is shown quoted. */
  fail(i: number, found: string, expected: string, detail?: string): never {
    const shown = quote(found);
    const what = (detail ?? `expected ${expected}, found ${shown}`) + expansionNote(this.expansion);
    throw new SourceError(this.pos(i), shown, expected, what);
  }
}

export function expansionNote(chain: readonly string[]): string {
  if (chain.length === 0) return '';
  // Runaway recursion makes long chains: show the innermost levels and the outermost one.
  if (chain.length <= 4) return ` (in ${chain.join(', in ')})`;
  return ` (in ${chain.slice(0, 2).join(', in ')}, ... ${chain.length - 3} more levels ..., in ${chain[chain.length - 1]})`;
}

export function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

/** The first position at or after p in s that is not a blank. */
export function skipBlanks(s: SrcText, p: number): number {
  while (p < s.text.length && isBlank(s.text.charCodeAt(p))) p++;
  return p;
}

const IDENT_START = /[A-Za-z_.$]/;
const IDENT_RE = /[A-Za-z_.$][A-Za-z0-9_.$]*/y;

export type TokKind = 'ident' | 'num' | 'local' | 'str' | 'punct' | 'end';

export interface Token {
  kind: TokKind;
  /** The token as written. */
  text: string;
  start: number;
  end: number;
  /** 'num': the value. */
  value: bigint;
  /** 'str': the decoded string; 'local': 'b' or 'f'. */
  str: string;
}

const PUNCT2 = ['<<', '>>', '==', '!=', '<>', '<=', '>=', '&&', '||'];
const PUNCT1 = '#,[]!=:(){}+-*/%&|^~<>';
const U64_MAX = (1n << 64n) - 1n;

/** Splits a statement into tokens; the last token is always 'end'. */
export function tokenize(src: SrcText, from = 0): Token[] {
  const s = src.text;
  const out: Token[] = [];
  let i = from;
  const tok = (kind: TokKind, start: number, end: number, value = 0n, str = ''): void => {
    out.push({ kind, text: s.slice(start, end), start, end, value, str });
  };
  while (i < s.length) {
    const c = s[i];
    if (isBlank(s.charCodeAt(i))) {
      i++;
      continue;
    }
    if (IDENT_START.test(c)) {
      IDENT_RE.lastIndex = i;
      IDENT_RE.exec(s);
      tok('ident', i, IDENT_RE.lastIndex);
      i = IDENT_RE.lastIndex;
      continue;
    }
    if (c >= '0' && c <= '9') {
      let j = i;
      while (j < s.length && /[A-Za-z0-9_]/.test(s[j])) j++;
      const word = s.slice(i, j);
      const n = parseNumber(word);
      if (n !== null) {
        if (n > U64_MAX) src.fail(i, word, 'a number that fits in 64 bits');
        tok('num', i, j, n);
      } else if (/^\d+[bfBF]$/.test(word)) {
        tok('local', i, j, 0n, word[word.length - 1].toLowerCase());
      } else {
        src.fail(i, word, 'a number (decimal, 0x hex, 0b binary or 0 octal) or a local label reference like 1b/1f');
      }
      i = j;
      continue;
    }
    if (c === '"') {
      const [value, end] = readString(src, i);
      tok('str', i, end, 0n, value);
      i = end;
      continue;
    }
    const two = s.slice(i, i + 2);
    if (PUNCT2.includes(two)) {
      tok('punct', i, i + 2);
      i += 2;
    } else if (PUNCT1.includes(c)) {
      tok('punct', i, i + 1);
      i += 1;
    } else {
      const ch = String.fromCodePoint(s.codePointAt(i)!);
      src.fail(i, ch, 'an operand, an operator or end of line', `unexpected character ${describeChar(ch)}`);
    }
  }
  tok('end', s.length, s.length);
  return out;
}

/** A character as messages show it: quoted, with its code point unless it is printable ASCII
 * (a no-break space or a control character looks like nothing, or like a space). */
export function describeChar(ch: string): string {
  const code = ch.codePointAt(0)!;
  return code > 0x20 && code < 0x7f ? quote(ch) : `${quote(ch)} (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** GNU as number syntax: 0x hex, 0b binary, leading 0 = octal, else decimal. */
function parseNumber(w: string): bigint | null {
  if (/^0[xX][0-9A-Fa-f]+$/.test(w)) return BigInt(w);
  if (/^0[bB][01]+$/.test(w)) return BigInt(w);
  if (/^0[0-7]+$/.test(w)) return BigInt('0o' + w.slice(1));
  if (/^(0|[1-9][0-9]*)$/.test(w)) return BigInt(w);
  return null;
}

/** Reads a "..." string starting at `start` (the quote); returns its value and end offset. */
function readString(src: SrcText, start: number): [string, number] {
  const s = src.text;
  let value = '';
  let i = start + 1;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') return [value, i + 1];
    if (c === '\\' && i + 1 < s.length) {
      const e = s[i + 1];
      value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : e;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  return src.fail(start, s.slice(start), 'a closing \'"\'', 'unterminated string');
}

/** A read position in a token list. */
export class Cursor {
  i = 0;
  constructor(
    readonly src: SrcText,
    readonly toks: Token[],
  ) {}

  peek(k = 0): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)];
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.i++;
    return t;
  }

  isPunct(p: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'punct' && t.text === p;
  }

  eat(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.i++;
    return true;
  }

  expect(p: string, expected = `'${p}'`): Token {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== p) this.failAt(t, expected);
    return this.next();
  }

  atEnd(): boolean {
    return this.peek().kind === 'end';
  }

  expectEnd(): void {
    if (!this.atEnd()) this.failAt(this.peek(), 'end of line');
  }

  /** Fails at token t, showing the rest of the statement from t (up to the next comma). */
  failAt(t: Token, expected: string, detail?: string): never {
    return this.src.fail(t.start, this.textFrom(t), expected, detail);
  }

  /** The text of the operand that starts at token t (up to a top-level comma or the end). */
  textFrom(t: Token): string {
    if (t.kind === 'end') return '';
    let depth = 0;
    let k = this.toks.indexOf(t);
    let end = t.end;
    for (; k < this.toks.length; k++) {
      const u = this.toks[k];
      if (u.kind === 'end') break;
      if (u.kind === 'punct') {
        if (u.text === '[' || u.text === '(') depth++;
        else if (u.text === ']' || u.text === ')') depth--;
        else if (u.text === ',' && depth <= 0) break;
        if (depth < 0) break;
      }
      end = u.end;
    }
    return this.src.text.slice(t.start, end);
  }
}
