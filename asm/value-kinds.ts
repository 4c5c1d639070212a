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
//   data addresses otherwise act as numbers
// The assembler uses the same rules with one space per section for values it needs at once
// (`. - start` inside a section).
import { firstSymbol, type Expr, type SymExpr } from './expressions.ts';

/** 'abs' (a number), 'codeDelta', or the name of an address space. */
export type Kind = string;
export const ABS = 'abs';
export const CODE_DELTA = 'codeDelta';

/** What an address space's difference is: codeDelta for code spaces, a number otherwise. */
export interface Spaces {
  kindOf(s: SymExpr): Kind;
  isCode(kind: Kind): boolean;
  /** How to name a space in messages ("a code address", "an address in .data"). */
  describe(kind: Kind): string;
}

/** The kind of e; fails (SourceError at the operator or symbol) on meaningless arithmetic. */
export function kindOf(e: Expr, sp: Spaces): Kind {
  const special = (k: Kind): boolean => k === CODE_DELTA || sp.isCode(k);
  switch (e.k) {
    case 'num':
      return ABS;
    case 'sym':
      return sp.kindOf(e);
    case 'lo12':
      kindOf(e.e, sp);
      return ABS;
    case 'un': {
      const k = kindOf(e.e, sp);
      if (!special(k)) return e.op === '+' ? k : ABS;
      return refuse(e, sp, k, `'${e.op}'`);
    }
    case 'bin': {
      const a = kindOf(e.a, sp), b = kindOf(e.b, sp);
      if (a === ABS && b === ABS) return ABS;
      if (e.op === '+' || e.op === '-') {
        if (b === ABS) return a;
        if (e.op === '+' && a === ABS) return b;
        if (e.op === '-' && a === b) return special(a) ? CODE_DELTA : ABS;
        if (a !== ABS) {
          const expected = e.op === '+' ? 'an address plus a number' : 'a difference of two addresses of one space';
          return e.src.fail(e.at, e.op, expected, `'${e.op}' of ${sp.describe(a)} and ${sp.describe(b)}${e.op === '-' ? ': they are in different address spaces, or not known until the program is linked' : ''} (asm/README.md, "Code addresses")`);
        }
      }
      if (special(a) || special(b)) return refuse(e, sp, special(a) ? a : b, `'${e.op}'`);
      return ABS;
    }
  }
}

function refuse(e: Expr, sp: Spaces, k: Kind, op: string): never {
  const what = k === CODE_DELTA ? 'a difference of code addresses (a count of instructions in hangar, not of bytes)' : sp.describe(k);
  const pos = e.k === 'bin' ? { src: e.src, at: e.at } : firstSymbol(e);
  // GCC's `(.L3 - .Lrtx4) / 4` and Clang's `(.LBB1_4 - .LBB1_2) >> 2` are compressed jump
  // tables (a switch): they assume 4-byte instructions.
  const table = k === CODE_DELTA && (op === "'/'" || op === "'>>'") ? '; a compressed jump table of a switch: compile with -fno-jump-tables' : '';
  const detail = `${op} applied to ${what}: code addresses are instruction indices and code is not in memory, so this arithmetic has no meaning here (asm/README.md, "Code addresses")${table}`;
  if (pos === null) throw new Error(`value-kinds: no position for ${detail}`);
  return pos.src.fail(pos.at, op.replace(/'/g, ''), 'arithmetic on numbers', detail);
}
