// What kind of value an expression computes, so that arithmetic that means nothing in
// hangar's layout is an error instead of a silently wrong number. Code and data are separate
// address spaces here (a code address is an instruction index, a data address a byte address:
// asm/README.md, "Code addresses"), so:
//   address ± number         an address of the same space
//   address - address        of one space: a number (a count of instructions for code,
//                            'codeDelta'; of bytes for data); of two spaces: an error
//   codeDelta ± number       a codeDelta (a jump-table entry, a function size)
//   anything else on a code address or a codeDelta (× / % << >> & | ^, comparisons,
//                            negation): an error, e.g. the compressed jump tables of a switch,
//                            GCC's `(.L3 - .Lrtx4) / 4` and Clang's `(.LBB1_4 - .LBB1_2) >> 2`,
//                            which assume 4-byte instructions (-fno-jump-tables avoids them)
//   data addresses otherwise act as numbers (their values are fixed once linked), except in
//   `strict` mode, where addresses are not known yet: the assembler's constants, with one
//   space per section (`. - start` inside a section is a number, `start & 7` is not)
// Iterative and memoised like evaluate() (expressions.ts): a 100 000-term sum or a chain of
// .equ that doubles at each step costs one step per node.
import { firstSymbol, type Expr, type SymExpr } from './expressions.ts';

/** 'abs' (a number), 'codeDelta', or the name of an address space. */
export type Kind = string;
export const ABS = 'abs';
export const CODE_DELTA = 'codeDelta';

export interface Spaces {
  /** The kind of a symbol, or the expression it stands for (a .equ's), to take it from. */
  kindOf(s: SymExpr): Kind | Expr;
  isCode(kind: Kind): boolean;
  /** How to name a space in messages ("a code address", "an address in .data"). */
  describe(kind: Kind): string;
  /** Addresses are not known: only ± on them (the assembler's constants). */
  strict?: boolean;
}

/** Kinds of expressions shared between evaluations (.equ expressions), kept across calls. */
export type KindMemo = WeakMap<Expr, Kind>;

/** The kind of e; fails (SourceError at the operator or symbol) on meaningless arithmetic. */
export function kindOf(e: Expr, sp: Spaces, shared?: KindMemo): Kind {
  const special = (k: Kind): boolean => k === CODE_DELTA || sp.isCode(k) || (sp.strict === true && k !== ABS);
  const local = new Map<Expr, Kind>();
  const get = (x: Expr): Kind | undefined => local.get(x) ?? shared?.get(x);
  const path: Expr[] = [e];
  const meaning = new Map<SymExpr, Expr>();
  const open = new Set<Expr>();
  while (path.length > 0) {
    const x = path[path.length - 1];
    let k: Kind | undefined;
    let child: Expr | undefined;
    if (get(x) !== undefined) {
      path.pop();
      continue;
    }
    switch (x.k) {
      case 'num':
        k = ABS;
        break;
      case 'sym': {
        let target = meaning.get(x);
        if (target === undefined) {
          const r = sp.kindOf(x);
          if (typeof r === 'string') {
            k = r;
            break;
          }
          if (open.has(r)) x.src.fail(x.at, x.shown, 'a symbol that does not depend on itself', `circular definition of '${x.shown}'`);
          meaning.set(x, r);
          if (get(r) === undefined) {
            open.add(r);
            child = r;
            break;
          }
          target = r;
        }
        k = get(target);
        open.delete(target);
        meaning.delete(x);
        if (shared !== undefined && k !== undefined) shared.set(target, k);
        break;
      }
      case 'lo12': {
        const a = get(x.e);
        if (a === undefined) child = x.e;
        else k = ABS;
        break;
      }
      case 'un': {
        const a = get(x.e);
        if (a === undefined) child = x.e;
        else if (!special(a)) k = x.op === '+' ? a : ABS;
        else refuse(x, sp, a, `'${x.op}'`);
        break;
      }
      case 'bin': {
        const a = get(x.a);
        const b = a === undefined ? undefined : get(x.b);
        if (a === undefined) child = x.a;
        else if (b === undefined) child = x.b;
        else k = binaryKind(x, a, b, sp, special);
        break;
      }
    }
    if (child !== undefined) {
      path.push(child);
      continue;
    }
    local.set(x, k!);
    path.pop();
  }
  return get(e)!;
}

function binaryKind(x: Extract<Expr, { k: 'bin' }>, a: Kind, b: Kind, sp: Spaces, special: (k: Kind) => boolean): Kind {
  if (a === ABS && b === ABS) return ABS;
  if (x.op === '+' || x.op === '-') {
    if (b === ABS) return a;
    if (x.op === '+' && a === ABS) return b;
    if (x.op === '-' && a === b) return a === CODE_DELTA || sp.isCode(a) ? CODE_DELTA : ABS;
    if (a !== ABS && (special(a) || special(b))) {
      const expected = x.op === '+' ? 'an address plus a number' : 'a difference of two addresses of one space';
      return x.src.fail(x.at, x.op, expected, `'${x.op}' of ${sp.describe(a)} and ${sp.describe(b)}${x.op === '-' ? ': they are in different address spaces, or not known until the program is linked' : ''} (asm/README.md, "Code addresses")`);
    }
  }
  if (special(a) || special(b)) return refuse(x, sp, special(a) ? a : b, `'${x.op}'`);
  return ABS;
}

function refuse(e: Expr, sp: Spaces, k: Kind, op: string): never {
  const what = k === CODE_DELTA ? 'a difference of code addresses (a count of instructions in hangar, not of bytes)' : sp.describe(k);
  const pos = e.k === 'bin' ? { src: e.src, at: e.at } : firstSymbol(e);
  // GCC's `(.L3 - .Lrtx4) / 4` and Clang's `(.LBB1_4 - .LBB1_2) >> 2` are compressed jump
  // tables (a switch): they assume 4-byte instructions.
  const table = k === CODE_DELTA && (op === "'/'" || op === "'>>'") ? '; a compressed jump table of a switch: compile with -fno-jump-tables' : '';
  const why = sp.isCode(k) || k === CODE_DELTA
    ? 'code addresses are instruction indices and code is not in memory, so this arithmetic has no meaning here (asm/README.md, "Code addresses")'
    : 'the address is not known until the program is linked (a constant is needed here)';
  const detail = `${op} applied to ${what}: ${why}${table}`;
  if (pos === null) throw new Error(`value-kinds: no position for ${detail}`);
  return pos.src.fail(pos.at, op.replace(/'/g, ''), 'arithmetic on numbers', detail);
}
