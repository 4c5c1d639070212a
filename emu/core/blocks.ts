// Block translation: straight-line register-only code (moves, ALU, multiplies, selects,
// barriers, and a branch that ends the block) translated once into a JavaScript function that
// runs the whole block, as QEMU's TCG and v86 translate basic blocks. The executor's run loop
// (executor.ts run) calls a block instead of stepping through it; everything else (memory
// accesses, store-exclusives, atomics, system calls, BR/RET, HALT) goes through the ordinary
// step.
//
// A block does exactly what the steps would: each instruction is emitted from the same rules
// as in Executor.step, with its decoded fields folded into constants and the same helpers
// (arith.ts) computing the results, so registers, views, flags, the pc and the step count end
// the same, and no random draw is involved (register-only code draws nothing). What the step
// does around an instruction that a block can skip:
//   - the status check: register-only code cannot change the status;
//   - the observer: blocks run only when there is none (tracer, timer: step by step);
//   - the promise check: blocks run only when the core has no outstanding promise (a branch
//     can raise vCap past a promise);
//   - "ran past the end of the code": a block never falls through past the last instruction
//     and never contains a branch whose target (or fall-through) lies past it;
//   - the budget: a block takes the instructions the run phase has left (`max`) and stops
//     after that many.
// Code is read-only, so blocks are cached per program (per code array) and never invalidated;
// a pc is translated once it has started a run-loop iteration HOT times, and only if its block
// is at least MIN_BLOCK long (below: why).
import * as isa from '../../isa/instructions.ts';
import * as mm from '../model/memory-model.ts';
import * as arith from './arith.ts';
import * as cs from './core-state.ts';
import type { CoreState } from './core-state.ts';
import type { TrialParams } from '../model/params.ts';

const { Barrier, EXTEND_MASK, EXTEND_SHIFT, Extend, F, FLAG_EXTEND, FLAG_IMM2, FLAG_SF, INSN_WORDS, Op, OP_NAMES, REG_ZR, SHAMT_MASK, SHAMT_SHIFT, SHTYPE_MASK, SHTYPE_SHIFT, Shift } = isa;
const { S } = cs;

/** Runs the block for at most `max` (≥ 1) instructions; returns how many it ran. */
export type BlockFn = (ex: { params: TrialParams }, c: CoreState, max: number) => number;

// When a block pays (measured with process CPU time on fixed work, README.md "Engine speed"):
// a call into a generated function costs about what a few steps do, and cold functions cost
// more until V8 has optimised each of them. Blocks of 1-2 instructions between memory
// accesses won ~15% on the load/store loop but lost 30-50% on 300-trial QEMU campaign cells
// and 10-20% on a long QEMU run; with 4+ instructions, the run still lost ~8% (its hottest
// blocks average 4 instructions per call, half of them cut short by the budget). From 8
// instructions on, translated after 4096 visits, blocks cost nothing measurable on the QEMU
// programs and the long loops and run register-only code ~3x faster.
/** Starts of a run-loop iteration at a pc before it is translated. */
export const HOT = 4096;
/** Shortest block worth a function. */
export const MIN_BLOCK = 8;
/** Longest block (a longer straight line is several blocks). */
export const MAX_BLOCK = 64;

/** The blocks of one program's code. */
export class BlockCache {
  private readonly code: Int32Array;
  private readonly length: number;
  /** Per pc: the block starting there, null if none can (its first instruction is not register-only), undefined if not tried yet. */
  private readonly fns: Array<BlockFn | null | undefined>;
  private readonly hits: Int32Array;
  /** Per pc: 1 if a block of at least MIN_BLOCK instructions starts there (read by the run
   * loop before it asks for the block: most pcs of memory-heavy code are not). */
  readonly starts: Uint8Array;
  /** Blocks translated (for tests and benchmarks). */
  translated = 0;

  constructor(code: Int32Array) {
    this.code = code;
    this.length = code.length / INSN_WORDS;
    this.fns = new Array<BlockFn | null | undefined>(this.length).fill(undefined);
    this.hits = new Int32Array(this.length);
    this.starts = new Uint8Array(this.length);
    for (let pc = 0; pc < this.length; pc++) this.starts[pc] = blockLength(code, this.length, pc) >= MIN_BLOCK ? 1 : 0;
  }

  /** The block starting at pc, or null (step instead). */
  at(pc: number): BlockFn | null {
    const f = this.fns[pc];
    if (f !== undefined) return f;
    if (++this.hits[pc] < HOT) return null;
    const g = this.translate(pc);
    this.fns[pc] = g;
    return g;
  }

  /** The block at pc translated now, whatever its count and however short (tests, benchmarks). */
  translateNow(pc: number): BlockFn | null {
    const g = this.translate(pc, 1);
    this.fns[pc] = g;
    return g;
  }

  private translate(pc: number, min = MIN_BLOCK): BlockFn | null {
    const src = blockSource(this.code, this.length, pc, min);
    if (src === null) return null;
    this.translated++;
    return new Function(...HELPER_NAMES, src)(...HELPERS) as BlockFn;
  }
}

const caches = new WeakMap<Int32Array, BlockCache>();

/** The block cache of a program's code (one per code array, shared by its executors). */
export function blocksOf(code: Int32Array): BlockCache {
  let b = caches.get(code);
  if (!b) {
    b = new BlockCache(code);
    caches.set(code, b);
  }
  return b;
}

// What the generated code calls: the step's own helpers.
const HELPER_NAMES = ['addc', 'shift', 'mul64', 'condHolds', 'R', 'barrierKind', 'fullBarrier', 'raiseFloors'];
const HELPERS = [arith.addc, arith.shift, arith.mul64, arith.condHolds, arith.R, mm.barrierKind, cs.fullBarrier, cs.raiseFloors];
const LO = arith.LO, HI = arith.HI;

/** Instructions a block may contain before its end (their step never stops, fails or draws). */
function straight(op: number): boolean {
  switch (op) {
    case Op.NOP: case Op.MOVI: case Op.MOVK:
    case Op.ADD: case Op.SUB: case Op.ADDS: case Op.SUBS:
    case Op.AND: case Op.ANDS: case Op.ORR: case Op.EOR:
    case Op.LSL: case Op.LSR: case Op.ASR: case Op.ROR: case Op.MUL:
    case Op.CSEL: case Op.CSINC: case Op.CSINV: case Op.CSNEG:
    case Op.DMB: case Op.ISB: case Op.CLREX:
      return true;
    default:
      return false;
  }
}

/** Branches with a target known at translation time: they end a block. */
function staticBranch(op: number): boolean {
  return op === Op.B || op === Op.BL || op === Op.BCOND || op === Op.CBZ || op === Op.CBNZ || op === Op.TBZ || op === Op.TBNZ;
}

const mx = (a: string, b: string): string => `(${a} > ${b} ? ${a} : ${b})`;

/** Whether the instruction at pc can be in a block, and whether it ends it: 0 no, 1 yes, 2 yes and it ends it. */
function admits(code: Int32Array, length: number, pc: number): 0 | 1 | 2 {
  const b = pc * INSN_WORDS;
  const op = code[b];
  const branch = staticBranch(op);
  if (!straight(op) && !branch) return 0;
  // Never fall through past the end, never branch there: the step would fail.
  if (pc + 1 >= length && !(op === Op.B || op === Op.BL)) return 0;
  if (branch && code[b + F.IMM_LO] >= length) return 0;
  return branch ? 2 : 1;
}

/** The number of instructions of the block that would start at pc. */
export function blockLength(code: Int32Array, length: number, start: number): number {
  let n = 0;
  for (let pc = start; pc < length && n < MAX_BLOCK; pc++) {
    const a = admits(code, length, pc);
    if (a === 0) break;
    n++;
    if (a === 2) break;
  }
  return n;
}

/** The source of the block starting at pc, or null if it would be shorter than `min`. */
export function blockSource(code: Int32Array, length: number, start: number, min = MIN_BLOCK): string | null {
  const lines: string[] = [
    'return function block(ex, c, max) {',
    '  const st = c.s, rl = c.regLo, rh = c.regHi, rv = c.regV, rp = c.regP;',
    '  let lo = 0, hi = 0, v = 0, p = 0, v2 = 0, p2 = 0, b0 = 0, b1 = 0, l = 0, h = 0, nz = 0;',
  ];
  let n = 0;
  let end = `${start}`; // the pc after the block, as an expression
  for (let pc = start; pc < length && n < MAX_BLOCK; pc++) {
    const b = pc * INSN_WORDS;
    const op = code[b];
    const a = admits(code, length, pc);
    if (a === 0) break;
    const branch = a === 2;
    if (n > 0) lines.push(`  if (max === ${n}) { st[${S.PC}] = ${pc}; st[${S.STEPS}] += ${n}; return ${n}; }`);
    lines.push(`  // pc ${pc}: ${OP_NAMES[op]}`);
    lines.push(...instruction(code, b, pc).map((l) => `  ${l}`));
    n++;
    if (branch) {
      end = 'next';
      break;
    }
    end = `${pc + 1}`;
  }
  if (n === 0 || n < min) return null;
  lines.push(`  st[${S.PC}] = ${end}; st[${S.STEPS}] += ${n}; return ${n};`, '};');
  return lines.join('\n');
}

/** setReg of the step: nothing for the zero register. */
function setReg(r: number, lo: string, hi: string, v: string, p: string): string[] {
  if (r === REG_ZR) return [];
  return [`rl[${r}] = ${lo}; rh[${r}] = ${hi}; rv[${r}] = ${v}; rp[${r}] = ${p};`];
}

/**
 * arith.shift(lo, hi, type, amount, sf) with a constant type and amount, as expressions of the
 * int32 halves (lo, hi: expressions without side effects, e.g. `rl[3]`).
 */
export function constShift(lo: string, hi: string, type: number, amount: number, sf: boolean): { lo: string; hi: string } {
  if (!sf) {
    const s = amount & 31;
    if (s === 0) return { lo, hi: '0' };
    switch (type) {
      case Shift.LSL: return { lo: `(${lo} << ${s})`, hi: '0' };
      case Shift.LSR: return { lo: `((${lo} >>> ${s}) | 0)`, hi: '0' };
      case Shift.ASR: return { lo: `(${lo} >> ${s})`, hi: '0' };
      default: return { lo: `((${lo} >>> ${s}) | (${lo} << ${32 - s}))`, hi: '0' };
    }
  }
  const s = amount & 63;
  if (s === 0) return { lo, hi };
  switch (type) {
    case Shift.LSL:
      return s < 32 ? { lo: `(${lo} << ${s})`, hi: `((${hi} << ${s}) | (${lo} >>> ${32 - s}))` } : { lo: '0', hi: `(${lo} << ${s - 32})` };
    case Shift.LSR:
      return s < 32 ? { lo: `((${lo} >>> ${s}) | (${hi} << ${32 - s}))`, hi: `((${hi} >>> ${s}) | 0)` } : { lo: `((${hi} >>> ${s - 32}) | 0)`, hi: '0' };
    case Shift.ASR:
      return s < 32 ? { lo: `((${lo} >>> ${s}) | (${hi} << ${32 - s}))`, hi: `(${hi} >> ${s})` } : { lo: `(${hi} >> ${s - 32})`, hi: `(${hi} >> 31)` };
    default: {
      // ROR: (x >>> s) | (x << (64 - s)), as arith.shift composes it.
      const r = constShift(lo, hi, Shift.LSR, s, true), l = constShift(lo, hi, Shift.LSL, 64 - s, true);
      return { lo: `(${r.lo} | ${l.lo})`, hi: `(${r.hi} | ${l.hi})` };
    }
  }
}

/**
 * The second operand of an ALU op into the temporaries b0/b1 (int32 halves) and its views into
 * v2/p2, as Executor.operand2.
 */
function operand2(code: Int32Array, b: number, flags: number, sf: boolean): string[] {
  if ((flags & FLAG_IMM2) !== 0) return [`b0 = ${code[b + F.IMM_LO]}; b1 = ${sf ? code[b + F.IMM_HI] : 0}; v2 = 0; p2 = 0;`];
  const m = code[b + F.RM];
  const amt = (flags & SHAMT_MASK) >> SHAMT_SHIFT;
  if ((flags & FLAG_EXTEND) !== 0) {
    // Extended register: extend RM into b0/b1, then shift it left.
    const ext: Record<number, string> = {
      [Extend.UXTB]: `b0 = rl[${m}] & 0xff; b1 = 0;`,
      [Extend.UXTH]: `b0 = rl[${m}] & 0xffff; b1 = 0;`,
      [Extend.UXTW]: `b0 = rl[${m}]; b1 = 0;`,
      [Extend.SXTB]: `b0 = (rl[${m}] << 24) >> 24; b1 = b0 >> 31;`,
      [Extend.SXTH]: `b0 = (rl[${m}] << 16) >> 16; b1 = b0 >> 31;`,
      [Extend.SXTW]: `b0 = rl[${m}]; b1 = b0 >> 31;`,
    };
    const kind = (flags & EXTEND_MASK) >>> EXTEND_SHIFT;
    const sh = constShift('b0', 'b1', Shift.LSL, amt, sf);
    return [ext[kind] ?? `b0 = rl[${m}]; b1 = rh[${m}];`, `l = ${sh.lo}; h = ${sh.hi}; b0 = l; b1 = h; v2 = rv[${m}]; p2 = rp[${m}];`];
  }
  const type = (flags & SHTYPE_MASK) >> SHTYPE_SHIFT;
  const sh = constShift(`rl[${m}]`, `rh[${m}]`, type, amt, sf);
  return [`b0 = ${sh.lo}; b1 = ${sh.hi}; v2 = rv[${m}]; p2 = rp[${m}];`];
}

/**
 * arith.addc(a0:a1 + b0:b1 + cin) into lo/hi, and its flags into nz when `flags`; sf constant.
 * `a0`, `a1` are side-effect-free expressions; b0/b1 the temporaries.
 */
function addc(a0: string, a1: string, cin: number, sf: boolean, flags: boolean): string[] {
  if (sf) {
    const out = [`l = (${a0} >>> 0) + (b0 >>> 0) + ${cin}; h = (${a1} >>> 0) + (b1 >>> 0) + (l > 0xffffffff ? 1 : 0); lo = l | 0; hi = h | 0;`];
    if (flags) out.push(`nz = ((hi >>> 31) << 3) | ((lo | hi) === 0 ? 4 : 0) | ((h > 0xffffffff ? 1 : 0) << 1) | ((~(${a1} ^ b1) & (${a1} ^ hi)) >>> 31);`);
    return out;
  }
  const out = [`l = (${a0} >>> 0) + (b0 >>> 0) + ${cin}; lo = l | 0; hi = 0;`];
  if (flags) out.push(`nz = ((lo >>> 31) << 3) | (lo === 0 ? 4 : 0) | ((l > 0xffffffff ? 1 : 0) << 1) | ((~(${a0} ^ b0) & (${a0} ^ lo)) >>> 31);`);
  return out;
}

/** One instruction, as Executor.step does it; a branch leaves its target in `next`. */
function instruction(code: Int32Array, b: number, pc: number): string[] {
  const op = code[b];
  const flags = code[b + F.FLAGS];
  const sf = (flags & FLAG_SF) !== 0;
  const rt = code[b + F.RT], rn = code[b + F.RN], rm = code[b + F.RM];
  const imm = code[b + F.IMM_LO], immHi = code[b + F.IMM_HI], extra = code[b + F.EXTRA];
  const out: string[] = [];
  switch (op) {
    case Op.NOP:
      return out;
    case Op.MOVI:
      return setReg(rt, `${imm}`, `${sf ? immHi : 0}`, '0', '0');
    case Op.MOVK: {
      const sh = extra, k = imm & 0xffff;
      out.push(`lo = rl[${rt}]; hi = rh[${rt}];`);
      if (sh < 32) out.push(`lo = (lo & ${~(0xffff << sh)}) | ${k << sh};`);
      else out.push(`hi = (hi & ${~(0xffff << (sh - 32))}) | ${k << (sh - 32)};`);
      out.push(...setReg(rt, 'lo', sf ? 'hi' : '0', `rv[${rt}]`, `rp[${rt}]`));
      return out;
    }
    case Op.ADD: case Op.SUB: case Op.ADDS: case Op.SUBS: {
      const sub = op === Op.SUB || op === Op.SUBS;
      const setsFlags = op === Op.ADDS || op === Op.SUBS;
      out.push(...operand2(code, b, flags, sf));
      if (sub) out.push('b0 = ~b0; b1 = ~b1;');
      // The sums read rn before rt is written (rt may be rn).
      out.push(...addc(`rl[${rn}]`, `rh[${rn}]`, sub ? 1 : 0, sf, setsFlags));
      out.push(`v = rv[${rn}]; v = ${mx('v', 'v2')}; p = rp[${rn}]; p = ${mx('p', 'p2')};`);
      out.push(...setReg(rt, 'lo', 'hi', 'v', 'p'));
      if (setsFlags) out.push(`st[${S.NZCV}] = nz; st[${S.FLAGS_V}] = v; st[${S.FLAGS_P}] = p;`);
      return out;
    }
    case Op.AND: case Op.ANDS: case Op.ORR: case Op.EOR: {
      out.push(...operand2(code, b, flags, sf));
      const sym = op === Op.ORR ? '|' : op === Op.EOR ? '^' : '&';
      out.push(`lo = rl[${rn}] ${sym} b0; hi = ${sf ? `rh[${rn}] ${sym} b1` : '0'};`);
      out.push(`v = rv[${rn}]; v = ${mx('v', 'v2')}; p = rp[${rn}]; p = ${mx('p', 'p2')};`);
      out.push(...setReg(rt, 'lo', 'hi', 'v', 'p'));
      if (op === Op.ANDS) out.push(`st[${S.NZCV}] = ((${sf ? 'hi' : 'lo'} >>> 31) << 3) | ((lo | hi) === 0 ? 4 : 0); st[${S.FLAGS_V}] = v; st[${S.FLAGS_P}] = p;`);
      return out;
    }
    case Op.LSL: case Op.LSR: case Op.ASR: case Op.ROR: {
      const type = op === Op.LSL ? Shift.LSL : op === Op.LSR ? Shift.LSR : op === Op.ASR ? Shift.ASR : Shift.ROR;
      out.push(`v = rv[${rn}]; p = rp[${rn}];`);
      if ((flags & FLAG_IMM2) !== 0) {
        const sh = constShift(`rl[${rn}]`, `rh[${rn}]`, type, imm, sf);
        out.push(`lo = ${sh.lo}; hi = ${sh.hi};`);
      } else {
        out.push(`v2 = rv[${rm}]; v = ${mx('v', 'v2')}; p2 = rp[${rm}]; p = ${mx('p', 'p2')};`);
        out.push(`shift(rl[${rn}], rh[${rn}], ${type}, rl[${rm}], ${sf}); lo = R[${LO}]; hi = R[${HI}];`);
      }
      out.push(...setReg(rt, 'lo', 'hi', 'v', 'p'));
      return out;
    }
    case Op.MUL:
      out.push(`mul64(rl[${rn}], rh[${rn}], rl[${rm}], rh[${rm}]);`);
      out.push(`v = rv[${rn}]; v2 = rv[${rm}]; v = ${mx('v', 'v2')}; p = rp[${rn}]; p2 = rp[${rm}]; p = ${mx('p', 'p2')};`);
      out.push(...setReg(rt, `R[${LO}]`, sf ? `R[${HI}]` : '0', 'v', 'p'));
      return out;
    case Op.CSEL: case Op.CSINC: case Op.CSINV: case Op.CSNEG: {
      out.push(`v = st[${S.FLAGS_V}]; p = st[${S.FLAGS_P}]; v2 = ${mx('v', 'p')};`); // v2: fPlus
      out.push(`if (condHolds(st[${S.NZCV}], ${extra})) {`);
      out.push(...setReg(rt, `rl[${rn}]`, sf ? `rh[${rn}]` : '0', `rv[${rn}]`, `(p = rp[${rn}], ${mx('p', 'v2')})`).map((l) => `  ${l}`));
      out.push('} else {');
      out.push(`  lo = rl[${rm}]; hi = ${sf ? `rh[${rm}]` : '0'};`);
      if (op === Op.CSINC) out.push(`  addc(lo, hi, 1, 0, 0, ${sf}); lo = R[${LO}]; hi = R[${HI}];`);
      else if (op === Op.CSINV) out.push(`  lo = ~lo; hi = ${sf ? '~hi' : '0'};`);
      else if (op === Op.CSNEG) out.push(`  addc(~lo, ~hi, 1, 0, 0, ${sf}); lo = R[${LO}]; hi = R[${HI}];`);
      out.push(...setReg(rt, 'lo', 'hi', `rv[${rm}]`, `(p = rp[${rm}], ${mx('p', 'v2')})`).map((l) => `  ${l}`));
      out.push('}');
      return out;
    }
    case Op.DMB:
      out.push(`switch (barrierKind(ex.params.model, ${extra})) {`);
      out.push(`  case ${Barrier.FULL}: fullBarrier(st); break;`);
      out.push(`  case ${Barrier.LD}: raiseFloors(st, st[${S.V_RO_LD}]); break;`);
      out.push(`  default: v = st[${S.V_WN}]; v2 = st[${S.V_WO}]; st[${S.V_WN}] = ${mx('v', 'v2')};`);
      out.push('}');
      return out;
    case Op.ISB:
      out.push(`v = st[${S.V_RN}]; v2 = st[${S.V_CAP}]; st[${S.V_RN}] = ${mx('v', 'v2')};`);
      return out;
    case Op.CLREX:
      out.push(`st[${S.XCL_LOC}] = -1;`);
      return out;
    // ---- the branch that ends the block: its target goes to `next`
    case Op.B:
      out.push(`const next = ${imm};`);
      return out;
    case Op.BL:
      out.push(...setReg(30, `${pc + 1}`, '0', '0', '0'));
      out.push(`const next = ${imm};`);
      return out;
    case Op.BCOND:
      out.push(`v = st[${S.FLAGS_V}]; p = st[${S.FLAGS_P}]; v = ${mx('v', 'p')}; v2 = st[${S.V_CAP}]; st[${S.V_CAP}] = ${mx('v2', 'v')};`);
      out.push(`const next = condHolds(st[${S.NZCV}], ${extra}) ? ${imm} : ${pc + 1};`);
      return out;
    case Op.CBZ: case Op.CBNZ: case Op.TBZ: case Op.TBNZ: {
      out.push(`v = rv[${rt}]; p = rp[${rt}]; v = ${mx('v', 'p')}; v2 = st[${S.V_CAP}]; st[${S.V_CAP}] = ${mx('v2', 'v')};`);
      let zero: string;
      if (op === Op.CBZ || op === Op.CBNZ) zero = sf ? `(rl[${rt}] === 0 && rh[${rt}] === 0)` : `(rl[${rt}] === 0)`;
      else zero = `(((${extra < 32 ? `rl[${rt}] >>> ${extra}` : `rh[${rt}] >>> ${extra - 32}`}) & 1) === 0)`;
      const taken = op === Op.CBZ || op === Op.TBZ ? zero : `!${zero}`;
      out.push(`const next = ${taken} ? ${imm} : ${pc + 1};`);
      return out;
    }
    default:
      throw new Error(`blocks: op ${op} is not register-only`);
  }
}
