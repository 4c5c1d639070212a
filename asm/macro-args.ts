// Macro arguments for the preprocessor: a macro's parameters, splitting an invocation's (or an
// .irp's) arguments, binding them to the parameters (defaults, :req, :vararg, keywords) and
// substituting them into the body (\arg, \(), \@), as GNU as does.
import { SrcText, skipBlanks } from './lexer.ts';

const PARAM_NAME = /[A-Za-z_$][A-Za-z0-9_$]*/y;

export interface MacroParam {
  name: string;
  dflt: string;
  required: boolean;
  vararg: boolean;
}

export interface MacroDef {
  name: string;
  params: MacroParam[];
  body: SrcText[];
  where: string;
}

export function unquote(t: string): string {
  return t.length >= 2 && t[0] === '"' && t[t.length - 1] === '"' ? t.slice(1, -1) : t;
}

/** Splits text from p at top-level commas (outside [], (), {} and strings); with
 * `commasOnly` false and no comma present, at blanks (GNU as allows `m a b`). */
export function splitArgs(s: SrcText, p: number, commasOnly: boolean): Array<{ text: string; at: number }> {
  const t = s.text;
  const pieces: Array<{ text: string; at: number }> = [];
  const cut = (a: number, b: number): void => {
    const piece = s.slice(a, b);
    const trimmed = piece.text.trim();
    const lead = piece.text.length - piece.text.trimStart().length;
    pieces.push({ text: trimmed, at: a + lead });
  };
  let depth = 0;
  let inString = false;
  let start = p;
  let sawComma = false;
  for (let i = p; i < t.length; i++) {
    const c = t[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '(' || c === '{') depth++;
    else if (c === ']' || c === ')' || c === '}') depth--;
    else if (c === ',' && depth <= 0) {
      cut(start, i);
      start = i + 1;
      sawComma = true;
    }
  }
  if (skipBlanks(s, start) < t.length || sawComma) cut(start, t.length);
  if (sawComma || commasOnly) return pieces;
  // No comma: blank-separated pieces.
  const out: Array<{ text: string; at: number }> = [];
  for (const piece of pieces) {
    const re = /"(?:\\.|[^"\\])*"?|[^ \t"]+/g;
    for (let m = re.exec(piece.text); m !== null; m = re.exec(piece.text)) out.push({ text: m[0], at: piece.at + m.index });
  }
  return out;
}

/** Binds the invocation's arguments to the macro's parameters. */
export function bindArguments(m: MacroDef, s: SrcText, argAt: number): Map<string, string> {
  const args = new Map<string, string>();
  const p = skipBlanks(s, argAt);
  const vararg = m.params.length > 0 && m.params[m.params.length - 1].vararg ? m.params[m.params.length - 1] : null;
  const pieces = splitArgs(s, p, m.params.length <= 1 && vararg === null);
  let next = 0;
  for (let k = 0; k < pieces.length; k++) {
    const piece = pieces[k];
    const kw = /^([A-Za-z_$][A-Za-z0-9_$]*)\s*=(?!=)\s*([^]*)$/.exec(piece.text);
    if (kw !== null && m.params.some((x) => x.name === kw[1])) {
      args.set(kw[1], unquote(kw[2]));
      continue;
    }
    while (next < m.params.length && args.has(m.params[next].name)) next++;
    const param = m.params[next];
    if (param === undefined) {
      s.fail(piece.at, piece.text, `end of line (macro '${m.name}' takes ${m.params.length} argument${m.params.length === 1 ? '' : 's'})`);
    }
    if (param.vararg) {
      args.set(param.name, s.text.slice(piece.at).trim());
      break;
    }
    args.set(param.name, unquote(piece.text));
    next++;
  }
  for (const param of m.params) {
    const v = args.get(param.name) ?? '';
    if (v === '' && param.required) {
      s.fail(s.text.length, '', `a value for the required parameter '${param.name}' of macro '${m.name}'`);
    }
    if (v === '') args.set(param.name, param.dflt);
  }
  return args;
}

/** How long a substituted statement may grow, and how to say so. */
export interface SubstitutionLimit {
  chars: number;
  what: string;
}

const NO_LIMIT: SubstitutionLimit = { chars: Infinity, what: '' };

/**
 * Replaces \param, \@ (the expansion counter) and \() (nothing) in a body statement. Columns
 * of substituted text map to the \param reference in the body.
 */
export function substitute(b: SrcText, args: Map<string, string>, counter: number | null, chain: readonly string[], what: string, limit: SubstitutionLimit = NO_LIMIT): SrcText {
  const t = b.text;
  let out = '';
  const cols: number[] = [];
  const put = (text: string, col: number): void => {
    // Arguments that contain references to themselves (`m \a\a`) double at every level.
    if (out.length + text.length > limit.chars) {
      b.withExpansion(chain).fail(0, b.text, 'a shorter expansion', `${what} expands past ${limit.what}: runaway substitution?`);
    }
    out += text;
    for (let k = 0; k < text.length; k++) cols.push(col);
  };
  let inString = false;
  for (let i = 0; i < t.length; ) {
    const c = t[i];
    if (c === '"') inString = !inString;
    if (c !== '\\') {
      put(c, b.colAt(i));
      i++;
      continue;
    }
    const col = b.colAt(i);
    if (t[i + 1] === '@' && counter !== null) {
      put(String(counter), col);
      i += 2;
      continue;
    }
    if (t.startsWith('()', i + 1)) {
      i += 3;
      continue;
    }
    PARAM_NAME.lastIndex = i + 1;
    const m = PARAM_NAME.exec(t);
    if (m !== null && args.has(m[0])) {
      put(args.get(m[0]) ?? '', col);
      i += 1 + m[0].length;
      continue;
    }
    if (m !== null && !inString) {
      const known = [...args.keys()].map((k) => '\\' + k).join(', ') || 'none';
      b.withExpansion(chain).fail(i, '\\' + m[0], `a parameter of ${what} (${known})`);
    }
    // A backslash that is not a substitution (string escapes): keep it and the next character.
    put(t.slice(i, i + 2), col);
    i += 2;
  }
  cols.push(b.colAt(t.length));
  return new SrcText(out, b.file, b.line, b.colAt(0), cols, chain);
}

