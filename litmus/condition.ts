// The final condition of a litmus test: its syntax tree, parser, evaluator and printer, plus
// the small token scanner the litmus front end also uses for the init block.
//
// Grammar (herd7's, as described in the corpus README):
//   final      := [ 'locations' '[' [ var { ';' var } [';'] ] ']' ] quantifier prop [';']
//   quantifier := 'exists' | '~exists' | 'forall'          ('~' may also be written 'not')
//   prop       := and { '\/' and }
//   and        := unary { '/\' unary }
//   unary      := ('~' | 'not') unary | '(' prop ')' | 'true' | 'false' | atom
//   atom       := var ('=' | '==' | '<>') value
//   var        := P ':' register | location | '[' location ']'
//   value      := integer (decimal or 0x hex, optionally negative) | location
// `/\` binds tighter than `\/`, negation tighter than both; `a <> v` is `not (a = v)`.

import { SourceError, type SourcePos } from '../isa/source-error.ts';

/** A value in a final state: a number, or a location name (the register holds its address). */
export type Value = number | string;

/** A variable of the final state: a thread's register or a memory location. */
export type VarRef =
  | { kind: 'reg'; thread: number; /** Canonical name, e.g. "X1" or "EAX". */ reg: string }
  | { kind: 'mem'; loc: string };

export type Prop =
  | { kind: 'atom'; target: VarRef; value: Value }
  | { kind: 'not'; prop: Prop }
  | { kind: 'and'; props: Prop[] }
  | { kind: 'or'; props: Prop[] }
  | { kind: 'true' }
  | { kind: 'false' };

export type Quantifier = 'exists' | '~exists' | 'forall';

export interface Condition {
  quantifier: Quantifier;
  prop: Prop;
}

/** The key of a variable in a final state: "1:X0", "0:EAX", "x". */
export function varKey(v: VarRef): string {
  return v.kind === 'reg' ? `${v.thread}:${v.reg}` : v.loc;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** Truth of `prop` in one final state (keyed like varKey). A variable missing from the state
 * equals nothing. Numbers compare by value, location names by name. */
export function evalProp(prop: Prop, state: Record<string, Value>): boolean {
  switch (prop.kind) {
    case 'atom': {
      const v = state[varKey(prop.target)];
      return v !== undefined && typeof v === typeof prop.value && v === prop.value;
    }
    case 'not':
      return !evalProp(prop.prop, state);
    case 'and':
      return prop.props.every((p) => evalProp(p, state));
    case 'or':
      return prop.props.some((p) => evalProp(p, state));
    case 'true':
      return true;
    case 'false':
      return false;
  }
}

export interface ConditionResult {
  /** Allowed iff at least one state satisfies the proposition. */
  verdict: 'Allowed' | 'Forbidden';
  /** herd7's Ok/No: the proposition checked under its quantifier. */
  ok: boolean;
  /** How many states satisfy the proposition: none, some (not all), all. */
  observation: 'Never' | 'Sometimes' | 'Always';
}

/** Judges a set of final states against the condition. With no states at all the proposition
 * is satisfied by none: Forbidden, Never (and a `forall` holds vacuously). */
export function conditionHolds(c: Condition, states: Record<string, Value>[]): ConditionResult {
  const satisfied = states.filter((s) => evalProp(c.prop, s)).length;
  const observation = satisfied === 0 ? 'Never' : satisfied === states.length ? 'Always' : 'Sometimes';
  const ok =
    c.quantifier === 'exists' ? satisfied > 0 : c.quantifier === '~exists' ? satisfied === 0 : satisfied === states.length;
  return { verdict: satisfied > 0 ? 'Allowed' : 'Forbidden', ok, observation };
}

// ---------------------------------------------------------------------------------------------
// Printing, the way herd7 prints a parsed condition: the whole proposition in parentheses after
// the quantifier, `not (...)` always parenthesised, an `\/` parenthesised under `/\`, memory as
// `[x]`, numbers in decimal.

export function printCondition(c: Condition): string {
  return `${c.quantifier} (${printProp(c.prop, 'top')})`;
}

export function printProp(p: Prop, above: 'top' | 'and' | 'or' = 'top'): string {
  switch (p.kind) {
    case 'atom':
      return `${p.target.kind === 'reg' ? varKey(p.target) : `[${p.target.loc}]`}=${p.value}`;
    case 'not':
      return `not (${printProp(p.prop, 'top')})`;
    case 'true':
      return 'true';
    case 'false':
      return 'false';
    case 'and':
      return p.props.map((q) => printProp(q, 'and')).join(' /\\ ');
    case 'or': {
      const s = p.props.map((q) => printProp(q, 'or')).join(' \\/ ');
      return above === 'and' ? `(${s})` : s;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Tokens

export interface Token {
  kind: 'num' | 'name' | 'punct' | 'eof';
  text: string;
  /** Offset of the first character in the scanned text. */
  offset: number;
  /** Value of a 'num' token. */
  num?: bigint;
}

const PUNCTS = ['/\\', '\\/', '<>', '==', '{', '}', '[', ']', '(', ')', ';', ':', '=', '~'];

/** How a token is quoted in messages. */
export function describeToken(t: Token): string {
  return t.kind === 'eof' ? 'end of file' : `'${t.text.length > 40 ? t.text.slice(0, 37) + '...' : t.text}'`;
}

/**
 * Scans tokens on demand from `text` (comments already blanked out), so that a caller can stop
 * at a closing brace and hand the rest of the text to another parser. Integers are decimal or
 * 0x-hex with an optional leading '-'; names are C identifiers.
 */
export class TokenScanner {
  private pos: number;
  private buffer: Token[] = [];
  /** Tokens scanned so far (the work, for tests that bound it). */
  scanned = 0;

  constructor(
    readonly text: string,
    start: number,
    private readonly end: number,
    readonly where: (offset: number) => SourcePos,
  ) {
    this.pos = start;
  }

  peek(k = 0): Token {
    while (this.buffer.length <= k) this.buffer.push(this.scan());
    return this.buffer[k];
  }

  next(): Token {
    const t = this.peek();
    this.buffer.shift();
    return t;
  }

  isPunct(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'punct' && t.text === text;
  }

  isName(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'name' && t.text === text;
  }

  /** Consumes the punctuation `text` or throws "expected <what>". */
  expectPunct(text: string, what = `'${text}'`): Token {
    if (!this.isPunct(text)) this.fail(this.peek(), what);
    return this.next();
  }

  fail(t: Token, expected: string, detail?: string): never {
    throw new SourceError(this.where(t.offset), describeToken(t), expected, detail);
  }

  /** Offset just after the last consumed token (only valid when nothing is buffered). */
  get offset(): number {
    return this.buffer.length > 0 ? this.buffer[0].offset : this.pos;
  }

  private scan(): Token {
    this.scanned++;
    const s = this.text;
    let i = this.pos;
    while (i < this.end && /\s/.test(s[i])) i++;
    if (i >= this.end) {
      this.pos = i;
      return { kind: 'eof', text: '', offset: this.end };
    }
    const start = i;
    const c = s[i];
    if (/[0-9]/.test(c) || (c === '-' && i + 1 < this.end && /[0-9]/.test(s[i + 1]))) {
      if (c === '-') i++;
      const hex = s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X');
      if (hex) i += 2;
      const digit = hex ? /[0-9a-fA-F]/ : /[0-9]/;
      const firstDigit = i;
      while (i < this.end && digit.test(s[i])) i++;
      // A number must not run into a name ("12ab", "0x").
      if (i === firstDigit || (i < this.end && /[A-Za-z0-9_]/.test(s[i]))) {
        while (i < this.end && /[A-Za-z0-9_]/.test(s[i])) i++;
        const text = s.slice(start, i);
        throw new SourceError(this.where(start), `'${text}'`, 'a decimal or 0x-hexadecimal integer');
      }
      const text = s.slice(start, i);
      this.pos = i;
      const neg = text.startsWith('-');
      const mag = BigInt(neg ? text.slice(1) : text);
      return { kind: 'num', text, offset: start, num: neg ? -mag : mag };
    }
    if (/[A-Za-z_]/.test(c)) {
      while (i < this.end && /[A-Za-z0-9_]/.test(s[i])) i++;
      this.pos = i;
      return { kind: 'name', text: s.slice(start, i), offset: start };
    }
    for (const p of PUNCTS) {
      if (s.startsWith(p, i) && i + p.length <= this.end) {
        this.pos = i + p.length;
        return { kind: 'punct', text: p, offset: start };
      }
    }
    const ch = String.fromCodePoint(s.codePointAt(i)!);
    throw new SourceError(this.where(start), `'${ch}'`, 'a name, a number or punctuation', `unexpected character '${ch}'`);
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing

export interface ConditionContext {
  /** Number of threads: register atoms must name one of them. */
  threads: number;
  /** Canonical name of a register of the test's architecture ("w3" -> "X3"), or undefined if
   * `name` is not a register the condition can observe. */
  canonReg(name: string): string | undefined;
  /** Shown in the error for a bad register, e.g. "an AArch64 register X0-X30 or W0-W30". */
  regExpected: string;
}

/** A location name mentioned in the final section, with where it first appears. */
export interface LocationMention {
  loc: string;
  pos: SourcePos;
}

export interface FinalSection {
  /** Variables of the `locations [...]` clause, in order. */
  locations: VarRef[];
  condition: Condition;
  /** Every location named (as a variable or as a value), in order of appearance. */
  mentions: LocationMention[];
}

const KEYWORDS = new Set(['exists', 'forall', 'not', 'true', 'false', 'locations']);

/** Deepest nesting of parentheses and negations in a condition (herd7's tests use a few). */
export const MAX_CONDITION_NESTING = 256;

/** Parses everything after the code: optional locations clause, the condition, optional ';'.
 * Anything after that but whitespace is an error. */
export function parseFinalSection(sc: TokenScanner, ctx: ConditionContext): FinalSection {
  const mentions: LocationMention[] = [];
  const locations: VarRef[] = [];

  const parseVar = (): VarRef => {
    const t = sc.peek();
    if (t.kind === 'punct' && t.text === '[') {
      sc.next();
      const name = sc.next();
      if (name.kind !== 'name') sc.fail(name, 'a location name');
      sc.expectPunct(']');
      mentions.push({ loc: name.text, pos: sc.where(name.offset) });
      return { kind: 'mem', loc: name.text };
    }
    if (t.kind === 'num') {
      sc.next();
      if (!/^[0-9]+$/.test(t.text)) sc.fail(t, 'a thread number');
      const thread = Number(t.text);
      if (thread >= ctx.threads) {
        sc.fail(t, `a thread number below ${ctx.threads}`, `unknown thread ${t.text}: the test has ${ctx.threads} thread(s)`);
      }
      sc.expectPunct(':', `':' after the thread number`);
      const r = sc.next();
      const reg = r.kind === 'name' ? ctx.canonReg(r.text) : undefined;
      if (reg === undefined) sc.fail(r, ctx.regExpected);
      return { kind: 'reg', thread, reg };
    }
    if (t.kind === 'name' && !KEYWORDS.has(t.text)) {
      sc.next();
      mentions.push({ loc: t.text, pos: sc.where(t.offset) });
      return { kind: 'mem', loc: t.text };
    }
    return sc.fail(t, `a register 'P:Reg', a location 'x' or '[x]'`);
  };

  const parseValue = (): Value => {
    const t = sc.next();
    if (t.kind === 'num') {
      const v = BigInt.asIntN(64, t.num!);
      if (t.num! < -(1n << 63n) || t.num! >= 1n << 64n || v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
        sc.fail(t, 'an integer of at most 53 bits', `value ${t.text} is out of the range a condition can compare`);
      }
      return Number(v);
    }
    if (t.kind === 'name' && !KEYWORDS.has(t.text)) {
      mentions.push({ loc: t.text, pos: sc.where(t.offset) });
      return t.text;
    }
    return sc.fail(t, 'a value (an integer or a location name)');
  };

  const parseAtom = (): Prop => {
    const target = parseVar();
    const op = sc.peek();
    if (op.kind === 'punct' && (op.text === '=' || op.text === '==' || op.text === '<>')) {
      sc.next();
      const atom: Prop = { kind: 'atom', target, value: parseValue() };
      return op.text === '<>' ? { kind: 'not', prop: atom } : atom;
    }
    return sc.fail(op, `'=' or '<>'`);
  };

  const isNot = (): boolean => sc.isPunct('~') || sc.isName('not');

  // Parentheses and negations nest through recursion: bounded, so that no input can exhaust
  // the stack (and the evaluator and printer, also recursive, stay within it too).
  let depth = 0;
  const parseUnary = (): Prop => {
    if (depth > MAX_CONDITION_NESTING) {
      sc.fail(sc.peek(), `a condition nested at most ${MAX_CONDITION_NESTING} deep`, `condition nested more than ${MAX_CONDITION_NESTING} deep (parentheses and negations)`);
    }
    depth++;
    const p = parseNested();
    depth--;
    return p;
  };

  const parseNested = (): Prop => {
    if (isNot()) {
      sc.next();
      return { kind: 'not', prop: parseUnary() };
    }
    if (sc.isPunct('(')) {
      const open = sc.next();
      const p = parseOr();
      if (!sc.isPunct(')')) {
        const at = sc.where(open.offset);
        sc.fail(sc.peek(), `')'`, `expected ')' to close the '(' at ${at.line}:${at.col}, found ${describeToken(sc.peek())}`);
      }
      sc.next();
      return p;
    }
    if (sc.isName('true')) {
      sc.next();
      return { kind: 'true' };
    }
    if (sc.isName('false')) {
      sc.next();
      return { kind: 'false' };
    }
    return parseAtom();
  };

  // n-ary connectives; a parenthesised operand of the same connective is flattened into it,
  // which changes neither the meaning nor the printed form.
  const parseAnd = (): Prop => {
    const props = [parseUnary()];
    while (sc.isPunct('/\\')) {
      sc.next();
      props.push(parseUnary());
    }
    return join('and', props);
  };

  const parseOr = (): Prop => {
    const props = [parseAnd()];
    while (sc.isPunct('\\/')) {
      sc.next();
      props.push(parseAnd());
    }
    return join('or', props);
  };

  if (sc.isName('locations')) {
    sc.next();
    sc.expectPunct('[', `'[' after 'locations'`);
    while (!sc.isPunct(']')) {
      locations.push(parseVar());
      if (sc.isPunct(';')) sc.next();
      else if (!sc.isPunct(']')) sc.fail(sc.peek(), `';' or ']'`);
    }
    sc.next();
  }

  let quantifier: Quantifier;
  if (sc.isName('exists')) {
    sc.next();
    quantifier = 'exists';
  } else if (sc.isName('forall')) {
    sc.next();
    quantifier = 'forall';
  } else if ((sc.isPunct('~') || sc.isName('not')) && sc.isName('exists', 1)) {
    sc.next();
    sc.next();
    quantifier = '~exists';
  } else {
    return sc.fail(sc.peek(), `a quantifier ('exists', '~exists' or 'forall')`);
  }
  const prop = parseOr();
  if (sc.isPunct(';')) sc.next();
  const rest = sc.peek();
  if (rest.kind !== 'eof') sc.fail(rest, 'end of file after the condition');
  return { locations, condition: { quantifier, prop }, mentions };
}

function join(kind: 'and' | 'or', props: Prop[]): Prop {
  if (props.length === 1) return props[0];
  return { kind, props: props.flatMap((p) => (p.kind === kind ? p.props : [p])) };
}
