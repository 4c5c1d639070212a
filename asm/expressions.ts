// Assembler expressions: numbers, symbols and GNU as operators, in 64-bit two's complement.
//
// Precedence follows GNU as, not C (binutils manual, "Infix Operators"), from tightest:
//   * / % << >>      then   | & ^      then   + - == != <> < <= > >=      then   && ||
// so `1 + 1 << 2` is 5 and `a + b & c` is `a + (b & c)`. Comparisons give -1 for true and 0
// for false, && and || give 1 or 0 (as GNU as does). `>>` is a logical shift; shifting by 64 or
// more gives 0; / and % are signed and truncate toward zero. `:lo12:expr` is expr & 0xfff.
//
// Parsing folds as it goes: .equ symbols are replaced by their values through the ExprEnv, and
// constant subtrees are computed at once, so what is left for later is label arithmetic.

import type { Cursor, SrcText } from './lexer.ts';

export interface NumExpr {
  k: 'num';
  v: bigint;
}
export interface SymExpr {
  k: 'sym';
  /** The name to look up (a synthetic name for numeric local labels). */
  name: string;
  /** The reference as written, for messages ("1f", "buf"). */
  shown: string;
  src: SrcText;
  at: number;
}
export interface UnaryExpr {
  k: 'un';
  op: string;
  e: Expr;
}
export interface BinaryExpr {
  k: 'bin';
  op: string;
  a: Expr;
  b: Expr;
  src: SrcText;
  at: number;
}
export interface Lo12Expr {
  k: 'lo12';
  e: Expr;
}
export type Expr = NumExpr | SymExpr | UnaryExpr | BinaryExpr | Lo12Expr;

export interface ExprEnv {
  /** An identifier: its .equ value, the current location for '.', or a symbol to resolve later. */
  symbol(name: string, src: SrcText, at: number): Expr;
  /** A numeric local label reference such as 1b or 1f (label "1", dir 'b'). */
  localRef(label: string, dir: 'b' | 'f', src: SrcText, at: number): Expr;
}

const LEVELS: readonly (readonly string[])[] = [
  ['&&', '||'],
  ['+', '-', '==', '!=', '<>', '<', '<=', '>', '>='],
  ['|', '&', '^'],
  ['*', '/', '%', '<<', '>>'],
];
/** Nesting limit for parentheses and unary operators (keeps the parser's recursion bounded). */
const MAX_NESTING = 200;
const MASK64 = (1n << 64n) - 1n;

export function num(v: bigint): NumExpr {
  return { k: 'num', v: BigInt.asIntN(64, v) };
}

/** Parses an expression starting at the cursor; stops before a token that cannot continue it. */
export function parseExpr(cur: Cursor, env: ExprEnv, what = 'an expression'): Expr {
  return parseLevel(cur, env, 0, 0, what);
}

function parseLevel(cur: Cursor, env: ExprEnv, level: number, depth: number, what: string): Expr {
  if (level === LEVELS.length) return parseUnary(cur, env, depth, what);
  let a = parseLevel(cur, env, level + 1, depth, what);
  for (;;) {
    const t = cur.peek();
    if (t.kind !== 'punct' || !LEVELS[level].includes(t.text)) return a;
    cur.next();
    const b = parseLevel(cur, env, level + 1, depth, what);
    a = binary(t.text, a, b, cur.src, t.start);
  }
}

function parseUnary(cur: Cursor, env: ExprEnv, depth: number, what: string): Expr {
  const t = cur.peek();
  if (depth > MAX_NESTING) cur.failAt(t, 'a less deeply nested expression', 'expression nested too deeply');
  if (t.kind === 'punct') {
    if (t.text === '-' || t.text === '~' || t.text === '!' || t.text === '+') {
      cur.next();
      return unary(t.text, parseUnary(cur, env, depth + 1, what));
    }
    if (t.text === '(') {
      cur.next();
      const e = parseLevel(cur, env, 0, depth + 1, what);
      cur.expect(')', "')'");
      return e;
    }
    if (t.text === ':') {
      cur.next();
      const r = cur.peek();
      if (r.kind !== 'ident' || r.text.toLowerCase() !== 'lo12') cur.failAt(r, "'lo12' (the only relocation operator hangar knows)");
      cur.next();
      cur.expect(':', "':' after ':lo12'");
      const e = parseLevel(cur, env, 0, depth + 1, what);
      return e.k === 'num' ? num(e.v & 0xfffn) : { k: 'lo12', e };
    }
  }
  if (t.kind === 'num') {
    cur.next();
    return num(t.value);
  }
  if (t.kind === 'ident') {
    cur.next();
    return env.symbol(t.text, cur.src, t.start);
  }
  if (t.kind === 'local') {
    cur.next();
    return env.localRef(t.text.slice(0, -1), t.str === 'b' ? 'b' : 'f', cur.src, t.start);
  }
  return cur.failAt(t, what);
}

function unary(op: string, e: Expr): Expr {
  if (e.k !== 'num') return { k: 'un', op, e };
  return num(applyUnary(op, e.v));
}

function binary(op: string, a: Expr, b: Expr, src: SrcText, at: number): Expr {
  if (a.k === 'num' && b.k === 'num') return num(applyBinary(op, a.v, b.v, src, at));
  return { k: 'bin', op, a, b, src, at };
}

function applyUnary(op: string, v: bigint): bigint {
  switch (op) {
    case '-':
      return BigInt.asIntN(64, -v);
    case '~':
      return BigInt.asIntN(64, ~v);
    case '!':
      return v === 0n ? 1n : 0n;
    default:
      return v;
  }
}

function applyBinary(op: string, a: bigint, b: bigint, src: SrcText, at: number): bigint {
  let r: bigint;
  switch (op) {
    case '*': r = a * b; break;
    case '/':
    case '%':
      if (b === 0n) src.fail(at, op, 'a non-zero divisor', 'division by zero');
      r = op === '/' ? a / b : a % b;
      break;
    case '<<': r = b < 0n || b >= 64n ? 0n : a << b; break;
    case '>>': r = b < 0n || b >= 64n ? 0n : (a & MASK64) >> b; break;
    case '|': r = a | b; break;
    case '&': r = a & b; break;
    case '^': r = a ^ b; break;
    case '+': r = a + b; break;
    case '-': r = a - b; break;
    case '==': r = a === b ? -1n : 0n; break;
    case '!=':
    case '<>': r = a !== b ? -1n : 0n; break;
    case '<': r = a < b ? -1n : 0n; break;
    case '<=': r = a <= b ? -1n : 0n; break;
    case '>': r = a > b ? -1n : 0n; break;
    case '>=': r = a >= b ? -1n : 0n; break;
    case '&&': r = a !== 0n && b !== 0n ? 1n : 0n; break;
    case '||': r = a !== 0n || b !== 0n ? 1n : 0n; break;
    default: r = 0n;
  }
  return BigInt.asIntN(64, r);
}

/** What a symbol left in an expression stands for: a value (a label), or the expression of a
 * .equ defined after its use, which evaluate() evaluates in turn. */
export type SymbolMeaning = bigint | Expr;

/** Evaluation steps (nodes computed) and the values of the shared expressions; one per
 * assembly, so that an expression shared by many others (`.equ a1, a0+a0`, ...,
 * `.equ a60, a59+a59`) is computed once, not once per path to it. Only .equ expressions are
 * shared between expressions (a use of a symbol is its expression itself or a reference to
 * it), so only theirs are kept; the other nodes are memoised for one evaluation. */
export interface Evaluation {
  /** The expressions of .equ symbols (add each as it is defined). */
  shared: WeakSet<Expr>;
  memo: Map<Expr, bigint>;
  steps: number;
}

export function newEvaluation(): Evaluation {
  return { shared: new WeakSet(), memo: new Map(), steps: 0 };
}

/**
 * Evaluates an expression whose remaining symbols `resolve` can give meanings to. Iterative (an
 * explicit stack holding the path from the root, so a 200 000-term sum cannot overflow the call
 * stack) and memoised (linear in the number of distinct nodes). A .equ whose expression
 * depends on itself is a SourceError at the reference that closes the cycle.
 */
export function evaluate(e: Expr, resolve: (s: SymExpr) => SymbolMeaning, ev: Evaluation = newEvaluation()): bigint {
  const done = ev.memo.get(e);
  if (done !== undefined) return done;
  const local = new Map<Expr, bigint>();
  const memo = {
    get: (x: Expr): bigint | undefined => local.get(x) ?? ev.memo.get(x),
    set: (x: Expr, v: bigint): void => void (ev.shared.has(x) ? ev.memo : local).set(x, v),
  };
  /** The path from e to the node being computed: each entry's first missing child comes next. */
  const path: Expr[] = [e];
  /** .equ expressions on the path (a symbol resolving to one of them closes a cycle). */
  const open = new Set<Expr>();
  /** Per symbol node on the path: the expression it stands for. */
  const meaning = new Map<SymExpr, Expr>();
  const value = (x: Expr): bigint | undefined => memo.get(x);
  while (path.length > 0) {
    const x = path[path.length - 1];
    let v: bigint | undefined;
    let child: Expr | undefined;
    switch (x.k) {
      case 'num':
        v = x.v;
        break;
      case 'sym': {
        let target = meaning.get(x);
        if (target === undefined) {
          const r = resolve(x);
          if (typeof r === 'bigint') {
            v = BigInt.asIntN(64, r);
            break;
          }
          if (open.has(r)) x.src.fail(x.at, x.shown, 'a symbol that does not depend on itself', `circular definition of '${x.shown}'`);
          target = r;
          meaning.set(x, r);
          if (value(r) === undefined) {
            open.add(r);
            child = r;
            break;
          }
        }
        v = value(target);
        // Back at a symbol whose expression is still being computed: it contains itself.
        if (v === undefined) x.src.fail(x.at, x.shown, 'a symbol that does not depend on itself', `circular definition of '${x.shown}'`);
        open.delete(target);
        meaning.delete(x);
        break;
      }
      case 'un':
      case 'lo12': {
        const a = value(x.e);
        if (a === undefined) child = x.e;
        else v = x.k === 'un' ? applyUnary(x.op, a) : a & 0xfffn;
        break;
      }
      case 'bin': {
        const a = value(x.a);
        const b = a === undefined ? undefined : value(x.b);
        if (a === undefined) child = x.a;
        else if (b === undefined) child = x.b;
        else v = applyBinary(x.op, a, b, x.src, x.at);
        break;
      }
    }
    if (child !== undefined) {
      path.push(child);
      continue;
    }
    ev.steps++;
    memo.set(x, v!);
    path.pop();
  }
  return memo.get(e)!;
}

/** The first symbol left in an expression (for "not a constant" messages); iterative. */
export function firstSymbol(e: Expr): SymExpr | null {
  const todo: Expr[] = [e];
  const seen = new Set<Expr>();
  while (todo.length > 0) {
    const x = todo.pop()!;
    if (seen.has(x)) continue;
    seen.add(x);
    switch (x.k) {
      case 'sym':
        return x;
      case 'un':
      case 'lo12':
        todo.push(x.e);
        break;
      case 'bin':
        todo.push(x.b, x.a); // a first
        break;
    }
  }
  return null;
}
