// Mutations of valid inputs, as fast-check arbitraries: byte flips, truncation, line
// duplication and deletion, huge numbers, deep nesting, long lines, Unicode, fragments of the
// input's own language. A fuzz input is a seed text with one to four mutations applied; its
// `how` says what was done (for reports), and the same fast-check seed gives the same inputs.
import fc from 'fast-check';

export interface Mutated {
  text: string;
  /** The seed's name and the mutations, e.g. "programs/qemu-event/v7.2.s: flip@120, dup-line@4x3". */
  how: string;
}

/** What a mutation may insert, per language: punctuation, keywords, directives... */
export interface Vocabulary {
  /** Fragments of the language (tokens, keywords, directives). */
  fragments: readonly string[];
  /** Openers and closers used for deep nesting, e.g. ['(', ')'] or ['.if 1\n', '.endif\n']. */
  nesting: ReadonlyArray<readonly [string, string]>;
}

/** Characters that look like nothing, or like a blank, or are not plain ASCII. */
const UNICODE = ['\u00a0', '\u2003', '\u200b', '\u202e', '\ufeff', '\u0301', '\u00e9', '\u{1F600}', '\u0000', '\u001b', '\ud800', '\r', '\t', '\v', '\f', '\u2028'];

const HUGE_NUMBERS = ['99999999999999999999999999', '0x' + 'f'.repeat(40), '-18446744073709551617', '18446744073709551615', '0b' + '1'.repeat(70), '07777777777777777777777777', '1e400', '9007199254740993', '-0'];

type Edit = (text: string) => { text: string; how: string };

/** The largest input a mutation makes (1 MiB of text). */
export const MAX_INPUT_CHARS = 1 << 20;

function at(text: string, r: number): number {
  return text.length === 0 ? 0 : Math.floor(r * (text.length + 1));
}

function lines(text: string): string[] {
  return text.split('\n');
}

/** One mutation (a function of the text, drawn with its parameters). */
function edit(v: Vocabulary): fc.Arbitrary<Edit> {
  const pos = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
  const fragment = fc.constantFrom(...v.fragments);
  return fc.oneof(
    // Byte flips: a character replaced by another (any code unit, or printable ASCII).
    fc.tuple(pos, fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0x20, max: 0x7e }))).map(([p, c]): Edit => (t) => {
      const i = Math.min(at(t, p), Math.max(0, t.length - 1));
      return { text: t.slice(0, i) + String.fromCharCode(c) + t.slice(i + 1), how: `flip@${i}` };
    }),
    // Truncation.
    pos.map((p): Edit => (t) => ({ text: t.slice(0, at(t, p)), how: `truncate@${at(t, p)}` })),
    // Line duplication (once or many times) and deletion.
    fc.tuple(pos, fc.constantFrom(1, 2, 50, 2000)).map(([p, k]): Edit => (t) => {
      const ls = lines(t);
      const i = Math.floor(p * ls.length);
      // As many copies as fit in an input.
      const n = Math.min(k, Math.floor((MAX_INPUT_CHARS - t.length) / ((ls[i]?.length ?? 0) + 1)));
      if (n < 1) return { text: t, how: `dup-line@${i}x0` };
      return { text: [...ls.slice(0, i + 1), ...Array<string>(n).fill(ls[i] ?? ''), ...ls.slice(i + 1)].join('\n'), how: `dup-line@${i}x${n}` };
    }),
    pos.map((p): Edit => (t) => {
      const ls = lines(t);
      const i = Math.floor(p * ls.length);
      return { text: [...ls.slice(0, i), ...ls.slice(i + 1)].join('\n'), how: `del-line@${i}` };
    }),
    // Huge numbers: in place of a number of the text, or anywhere.
    fc.tuple(pos, fc.constantFrom(...HUGE_NUMBERS)).map(([p, n]): Edit => (t) => {
      const nums = [...t.matchAll(/\b\d+\b/g)];
      if (nums.length === 0) return { text: t.slice(0, at(t, p)) + n + t.slice(at(t, p)), how: `huge@${at(t, p)}` };
      const m = nums[Math.floor(p * nums.length)];
      return { text: t.slice(0, m.index) + n + t.slice(m.index! + m[0].length), how: `huge-number@${m.index}` };
    }),
    // Deep nesting.
    fc.tuple(pos, fc.constantFrom(...v.nesting), fc.constantFrom(10, 300, 5000, 100_000)).map(([p, [open, close], k]): Edit => (t) => {
      const i = at(t, p);
      return { text: t.slice(0, i) + open.repeat(k) + t.slice(i) + close.repeat(k), how: `nest@${i}x${k}` };
    }),
    // Long lines: a fragment repeated on one line.
    fc.tuple(pos, fragment, fc.constantFrom(1000, 100_000, 400_000)).map(([p, f, k]): Edit => (t) => {
      const i = at(t, p);
      const reps = Math.max(1, Math.floor(k / Math.max(1, f.length)));
      return { text: t.slice(0, i) + f.repeat(reps) + t.slice(i), how: `long-line@${i}x${reps}` };
    }),
    // Unicode.
    fc.tuple(pos, fc.constantFrom(...UNICODE), fc.constantFrom(1, 3)).map(([p, u, k]): Edit => (t) => {
      const i = at(t, p);
      return { text: t.slice(0, i) + u.repeat(k) + t.slice(i), how: `unicode@${i}:U+${u.codePointAt(0)!.toString(16)}` };
    }),
    // Fragments of the language.
    fc.tuple(pos, fragment).map(([p, f]): Edit => (t) => {
      const i = at(t, p);
      return { text: t.slice(0, i) + f + t.slice(i), how: `insert@${i}:${JSON.stringify(f).slice(0, 20)}` };
    }),
  );
}

/** Inputs: a seed (name, text) with one to four mutations applied in turn. */
export function mutated(seeds: ReadonlyArray<{ name: string; text: string }>, v: Vocabulary): fc.Arbitrary<Mutated> {
  if (seeds.length === 0) throw new Error('mutated: no seed inputs');
  return fc.tuple(fc.constantFrom(...seeds), fc.array(edit(v), { minLength: 1, maxLength: 4 })).map(([seed, edits]) => {
    let text = seed.text;
    const hows: string[] = [];
    for (const e of edits) {
      const r = e(text);
      // Inputs stay within what a file may hold (an edit that would pass it is left out).
      if (r.text.length > MAX_INPUT_CHARS) continue;
      text = r.text;
      hows.push(r.how);
    }
    return { text, how: `${seed.name}: ${hows.join(', ')}` };
  });
}
