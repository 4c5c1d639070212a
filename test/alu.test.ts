// The instructions compilers use beyond hangar's first set, executed by the core step and
// compared with BigInt references written from the Arm ARM pseudocode (not from the
// executor's code): the multiply-accumulate family, SMULH/UMULH, SDIV/UDIV (zero divisor,
// overflow), the bitfield moves through DecodeBitMasks, EXTR/ROR, BIC/ORN/EON/BICS, ADC/SBC
// and their flags, CCMP/CCMN, CLZ/CLS/RBIT/REV*, BLR, MRS/MSR TPIDR_EL0, the hint space as
// NOPs, BRK as an error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { S } from '../emu/core/core-state.ts';
import { type Machine } from '../emu/machine/machine.ts';
import { assemble, newMachine, programParamsFor } from '../index.ts';
import { announceFuzzSeed, fuzzRuns } from './support/fuzz.ts';

announceFuzzSeed('alu');

const M64 = (1n << 64n) - 1n;
const M32 = (1n << 32n) - 1n;
const paramsFor = programParamsFor('armv8', 10_000);
const machines = new Map<string, Machine>();

interface Outcome {
  /** Register r, unsigned 64-bit. */
  x(r: number): bigint;
  nzcv: number;
  verdict: string;
  error?: string;
  core: Machine['cores'][number];
}

/** Runs `text` on one core with the given X registers (unsigned or signed BigInt) and NZCV. */
function run(text: string, regs: Array<[number, bigint]> = [], nzcv = 0): Outcome {
  let m = machines.get(text);
  if (m === undefined) {
    m = newMachine(assemble(`${text}\n`, { file: 'alu.s' }), paramsFor);
    machines.set(text, m);
  }
  m.program.threads[0].initRegs = regs.map(([r, v]) => [r, Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n))]);
  m.reset(1, 0, paramsFor(1, 0));
  m.cores[0].s[S.NZCV] = nzcv;
  const out = m.run();
  const core = m.cores[0];
  return { x: (r) => BigInt.asUintN(64, core.reg(r)), nzcv: core.s[S.NZCV], verdict: out.verdict, error: out.error, core };
}

const u64 = fc.oneof(fc.bigInt({ min: 0n, max: M64 }), fc.constantFrom(0n, 1n, M64, 1n << 63n, (1n << 63n) - 1n, M32, 1n << 32n, 0x80000000n));
const sx = (v: bigint, bits: number): bigint => BigInt.asIntN(bits, v);
const ux = (v: bigint, bits: number): bigint => BigInt.asUintN(bits, v);

describe('multiply and divide', () => {
  it('MADD / MSUB / MNEG / MUL, 64- and 32-bit', () => {
    fc.assert(
      fc.property(u64, u64, u64, (n, m, a) => {
        const regs: Array<[number, bigint]> = [[1, n], [2, m], [3, a]];
        expect(run('madd x0, x1, x2, x3', regs).x(0)).toBe(ux(a + n * m, 64));
        expect(run('msub x0, x1, x2, x3', regs).x(0)).toBe(ux(a - n * m, 64));
        expect(run('mneg x0, x1, x2', regs).x(0)).toBe(ux(-n * m, 64));
        expect(run('madd w0, w1, w2, w3', regs).x(0)).toBe(ux(ux(a, 32) + ux(n, 32) * ux(m, 32), 32));
        expect(run('msub w0, w1, w2, w3', regs).x(0)).toBe(ux(ux(a, 32) - ux(n, 32) * ux(m, 32), 32));
      }),
      fuzzRuns(300),
    );
  });

  it('SMADDL / UMADDL / SMSUBL / UMSUBL / SMULL / UMULL / SMNEGL / UMNEGL', () => {
    fc.assert(
      fc.property(u64, u64, u64, (n, m, a) => {
        const regs: Array<[number, bigint]> = [[1, n], [2, m], [3, a]];
        const sp = sx(n, 32) * sx(m, 32), up = ux(n, 32) * ux(m, 32);
        expect(run('smaddl x0, w1, w2, x3', regs).x(0)).toBe(ux(a + sp, 64));
        expect(run('umaddl x0, w1, w2, x3', regs).x(0)).toBe(ux(a + up, 64));
        expect(run('smsubl x0, w1, w2, x3', regs).x(0)).toBe(ux(a - sp, 64));
        expect(run('umsubl x0, w1, w2, x3', regs).x(0)).toBe(ux(a - up, 64));
        expect(run('smull x0, w1, w2', regs).x(0)).toBe(ux(sp, 64));
        expect(run('umull x0, w1, w2', regs).x(0)).toBe(ux(up, 64));
        expect(run('smnegl x0, w1, w2', regs).x(0)).toBe(ux(-sp, 64));
        expect(run('umnegl x0, w1, w2', regs).x(0)).toBe(ux(-up, 64));
      }),
      fuzzRuns(300),
    );
  });

  it('SMULH / UMULH: the high 64 bits of the 128-bit product', () => {
    fc.assert(
      fc.property(u64, u64, (n, m) => {
        const regs: Array<[number, bigint]> = [[1, n], [2, m]];
        expect(run('umulh x0, x1, x2', regs).x(0)).toBe((n * m) >> 64n);
        expect(run('smulh x0, x1, x2', regs).x(0)).toBe(ux((sx(n, 64) * sx(m, 64)) >> 64n, 64));
      }),
      fuzzRuns(1000),
    );
  });

  const quotient = (a: bigint, b: bigint): bigint => (b === 0n ? 0n : a / b); // BigInt division truncates toward zero
  const divisor = fc.oneof(u64, fc.bigInt({ min: 0n, max: 1000n }), fc.constantFrom(0n, M64, M32, 1n << 31n));

  it('SDIV / UDIV: truncated toward zero, 0 for a zero divisor, MIN / -1 = MIN', () => {
    fc.assert(
      fc.property(u64, divisor, (n, m) => {
        const regs: Array<[number, bigint]> = [[1, n], [2, m]];
        expect(run('udiv x0, x1, x2', regs).x(0)).toBe(quotient(n, m));
        expect(run('sdiv x0, x1, x2', regs).x(0)).toBe(ux(quotient(sx(n, 64), sx(m, 64)), 64));
        expect(run('udiv w0, w1, w2', regs).x(0)).toBe(quotient(ux(n, 32), ux(m, 32)));
        expect(run('sdiv w0, w1, w2', regs).x(0)).toBe(ux(quotient(sx(n, 32), sx(m, 32)), 32));
      }),
      fuzzRuns(1500),
    );
  });

  it('division corner cases', () => {
    const min64 = 1n << 63n, min32 = 1n << 31n;
    expect(run('sdiv x0, x1, x2', [[1, min64], [2, M64]]).x(0)).toBe(min64);
    expect(run('sdiv w0, w1, w2', [[1, min32], [2, M64]]).x(0)).toBe(min32);
    expect(run('udiv x0, x1, x2', [[1, M64], [2, 0n]]).x(0)).toBe(0n);
    expect(run('sdiv x0, x1, x2', [[1, 5n], [2, 0n]]).x(0)).toBe(0n);
    expect(run('udiv x0, x1, x2', [[1, M64], [2, 3n]]).x(0)).toBe(M64 / 3n);
    expect(run('udiv x0, x1, x2', [[1, M64], [2, M64 - 1n]]).x(0)).toBe(1n);
    expect(run('udiv x0, x1, x2', [[1, (1n << 53n) + 1n], [2, 1n]]).x(0)).toBe((1n << 53n) + 1n);
    expect(run('sdiv x0, x1, x2', [[1, ux(-7n, 64)], [2, 2n]]).x(0)).toBe(ux(-3n, 64));
    // A W division ignores the upper halves of its operands.
    expect(run('udiv w0, w1, w2', [[1, (5n << 32n) | 10n], [2, (7n << 32n) | 3n]]).x(0)).toBe(3n);
  });
});

/** The Arm ARM's DecodeBitMasks for the bitfield moves (immN = sf), and the three operations. */
function bitfieldRef(kind: 'u' | 's' | 'b', dst: bigint, src: bigint, r: number, s: number, m: 32 | 64): bigint {
  const ones = (k: number): bigint => (1n << BigInt(k)) - 1n;
  const ror = (x: bigint, k: number): bigint => ux((x >> BigInt(k)) | (x << BigInt(m - k)), m);
  const d = (s - r) & (m - 1);
  const wmask = ror(ones(s + 1), r);
  const tmask = ones(d + 1);
  const srcM = ux(src, m), dstM = ux(dst, m);
  if (kind === 'u') return ror(srcM, r) & wmask & tmask;
  const bot = kind === 'b' ? (dstM & ~wmask & ux(-1n, m)) | (ror(srcM, r) & wmask) : ror(srcM, r) & wmask;
  const top = kind === 'b' ? dstM : (srcM >> BigInt(s)) & 1n ? ux(-1n, m) : 0n;
  return ux((top & ~tmask) | (bot & tmask), m);
}

describe('bitfield moves', () => {
  const widths = fc.constantFrom(32 as const, 64 as const);
  it('UBFM / SBFM / BFM for every immr, imms (against DecodeBitMasks)', () => {
    fc.assert(
      fc.property(widths, fc.nat(63), fc.nat(63), u64, u64, (m, r0, s0, src, dst) => {
        const r = r0 % m, s = s0 % m;
        const R = m === 64 ? 'x' : 'w';
        const regs: Array<[number, bigint]> = [[1, src], [0, dst]];
        for (const kind of ['u', 's', 'b'] as const) {
          const got = run(`${kind === 'b' ? '' : kind}bfm ${R}0, ${R}1, #${r}, #${s}`, regs).x(0);
          expect(got, `${kind}bfm ${m} r=${r} s=${s}`).toBe(bitfieldRef(kind, dst, src, r, s, m));
        }
      }),
      fuzzRuns(400),
    );
  });

  it('the aliases extract and insert fields', () => {
    fc.assert(
      fc.property(widths, fc.nat(63), fc.nat(63), u64, u64, (m, l0, w0, src, dst) => {
        const lsb = l0 % m, width = 1 + (w0 % (m - lsb));
        const R = m === 64 ? 'x' : 'w';
        const regs: Array<[number, bigint]> = [[1, src], [0, dst]];
        const field = (ux(src, m) >> BigInt(lsb)) & ((1n << BigInt(width)) - 1n);
        const low = ux(src, m) & ((1n << BigInt(width)) - 1n);
        const mask = ((1n << BigInt(width)) - 1n);
        expect(run(`ubfx ${R}0, ${R}1, #${lsb}, #${width}`, regs).x(0)).toBe(field);
        expect(run(`sbfx ${R}0, ${R}1, #${lsb}, #${width}`, regs).x(0)).toBe(ux(sx(field, width), m));
        expect(run(`ubfiz ${R}0, ${R}1, #${lsb}, #${width}`, regs).x(0)).toBe(ux(low << BigInt(lsb), m));
        expect(run(`sbfiz ${R}0, ${R}1, #${lsb}, #${width}`, regs).x(0)).toBe(ux(sx(low, width) << BigInt(lsb), m));
        expect(run(`bfi ${R}0, ${R}1, #${lsb}, #${width}`, regs).x(0)).toBe(ux((ux(dst, m) & ~(mask << BigInt(lsb))) | (low << BigInt(lsb)), m));
        expect(run(`bfxil ${R}0, ${R}1, #${lsb}, #${width}`, regs).x(0)).toBe(ux((ux(dst, m) & ~mask) | field, m));
        expect(run(`bfc ${R}0, #${lsb}, #${width}`, regs).x(0)).toBe(ux(ux(dst, m) & ~(mask << BigInt(lsb)), m));
      }),
      fuzzRuns(300),
    );
  });

  it('extends', () => {
    fc.assert(
      fc.property(u64, (v) => {
        const regs: Array<[number, bigint]> = [[1, v]];
        expect(run('sxtb x0, w1', regs).x(0)).toBe(ux(sx(v, 8), 64));
        expect(run('sxth x0, w1', regs).x(0)).toBe(ux(sx(v, 16), 64));
        expect(run('sxtw x0, w1', regs).x(0)).toBe(ux(sx(v, 32), 64));
        expect(run('sxtb w0, w1', regs).x(0)).toBe(ux(sx(v, 8), 32));
        expect(run('sxth w0, w1', regs).x(0)).toBe(ux(sx(v, 16), 32));
        expect(run('uxtb w0, w1', regs).x(0)).toBe(ux(v, 8));
        expect(run('uxth w0, w1', regs).x(0)).toBe(ux(v, 16));
        expect(run('uxtw x0, w1', regs).x(0)).toBe(ux(v, 32));
      }),
      fuzzRuns(300),
    );
  });

  it('EXTR and ROR', () => {
    fc.assert(
      fc.property(u64, u64, fc.nat(63), (n, m, k) => {
        const regs: Array<[number, bigint]> = [[1, n], [2, m], [3, BigInt(k + 64 * 5)]];
        const cat = (ux(n, 64) << 64n) | ux(m, 64);
        expect(run(`extr x0, x1, x2, #${k}`, regs).x(0)).toBe(ux(cat >> BigInt(k), 64));
        const k32 = k % 32;
        const cat32 = (ux(n, 32) << 32n) | ux(m, 32);
        expect(run(`extr w0, w1, w2, #${k32}`, regs).x(0)).toBe(ux(cat32 >> BigInt(k32), 32));
        const rot = (x: bigint, s: number, w: number): bigint => ux((ux(x, w) >> BigInt(s)) | (ux(x, w) << BigInt(w - s)), w);
        expect(run(`ror x0, x1, #${k}`, regs).x(0)).toBe(rot(n, k, 64));
        expect(run(`ror w0, w1, #${k32}`, regs).x(0)).toBe(rot(n, k32, 32));
        // By register: the amount is taken modulo the width.
        expect(run('ror x0, x1, x3', regs).x(0)).toBe(rot(n, k, 64));
        expect(run('rorv w0, w1, w3', regs).x(0)).toBe(rot(n, (k + 64 * 5) % 32, 32));
      }),
      fuzzRuns(300),
    );
  });
});

describe('extended-register operands', () => {
  it('ADD / SUB / CMP with UXTB..SXTX and a left shift', () => {
    const ext: Record<string, (v: bigint) => bigint> = {
      uxtb: (v) => ux(v, 8), uxth: (v) => ux(v, 16), uxtw: (v) => ux(v, 32), uxtx: (v) => ux(v, 64),
      sxtb: (v) => sx(v, 8), sxth: (v) => sx(v, 16), sxtw: (v) => sx(v, 32), sxtx: (v) => sx(v, 64),
    };
    fc.assert(
      fc.property(u64, u64, fc.constantFrom(...Object.keys(ext)), fc.nat(4), (n, m, e, k) => {
        const regs: Array<[number, bigint]> = [[1, n], [2, m]];
        const r = e.endsWith('x') ? 'x' : 'w';
        const op2 = ux(ext[e](m) << BigInt(k), 64);
        expect(run(`add x0, x1, ${r}2, ${e} #${k}`, regs).x(0)).toBe(ux(n + op2, 64));
        expect(run(`sub x0, x1, ${r}2, ${e} #${k}`, regs).x(0)).toBe(ux(n - op2, 64));
        const w = ext[e](m);
        if (!e.endsWith('x')) expect(run(`add w0, w1, w2, ${e} #${k}`, regs).x(0)).toBe(ux(n + (ux(w, 32) << BigInt(k)), 32));
        expect(run(`cmp x1, ${r}2, ${e} #${k}`, regs).nzcv).toBe(addWithCarry(n, ~op2, 1, 64).nzcv);
      }),
      fuzzRuns(300),
    );
  });
});

/** N Z C V of a 64- or 32-bit add of a, b and carry (the Arm ARM's AddWithCarry). */
function addWithCarry(a: bigint, b: bigint, carry: number, w: number): { result: bigint; nzcv: number } {
  const ua = ux(a, w), ub = ux(b, w);
  const usum = ua + ub + BigInt(carry);
  const ssum = sx(a, w) + sx(b, w) + BigInt(carry);
  const result = ux(usum, w);
  const n = Number((result >> BigInt(w - 1)) & 1n), z = result === 0n ? 1 : 0;
  const c = ux(usum, w) === usum ? 0 : 1, v = sx(result, w) === ssum ? 0 : 1;
  return { result, nzcv: (n << 3) | (z << 2) | (c << 1) | v };
}

const nzcvs = fc.nat(15);

describe('logic, carries and conditional compares', () => {
  it('BIC / ORN / EON / BICS with shifted operands', () => {
    fc.assert(
      fc.property(u64, u64, fc.nat(31), (n, m, k) => {
        const regs: Array<[number, bigint]> = [[1, n], [2, m]];
        const m2 = ux(m << BigInt(k), 64);
        expect(run(`bic x0, x1, x2, lsl #${k}`, regs).x(0)).toBe(n & ~m2 & M64);
        expect(run(`orn x0, x1, x2, lsl #${k}`, regs).x(0)).toBe((n | ~m2) & M64);
        expect(run(`eon x0, x1, x2, lsl #${k}`, regs).x(0)).toBe((n ^ ~m2) & M64);
        expect(run('mvn w0, w1, lsr #3', regs).x(0)).toBe(~(ux(n, 32) >> 3n) & M32);
        const b = run('bics w0, w1, w2', regs);
        const r = ux(n, 32) & ~ux(m, 32) & M32;
        expect(b.x(0)).toBe(r);
        expect(b.nzcv).toBe((Number(r >> 31n) << 3) | (r === 0n ? 4 : 0));
        // The immediate forms are AND/ORR/EOR of the inverted immediate.
        expect(run('bic x0, x1, #0xff00', regs).x(0)).toBe(n & ~0xff00n & M64);
        expect(run('orn w0, w1, #0xf', regs).x(0)).toBe((ux(n, 32) | ~0xfn) & M32);
      }),
      fuzzRuns(300),
    );
  });

  it('ADC / ADCS / SBC / SBCS / NGC use and set the carry', () => {
    fc.assert(
      fc.property(u64, u64, nzcvs, (n, m, flags) => {
        const regs: Array<[number, bigint]> = [[1, n], [2, m]];
        const carry = (flags >> 1) & 1;
        for (const w of [64, 32]) {
          const R = w === 64 ? 'x' : 'w';
          const add = addWithCarry(n, m, carry, w), sub = addWithCarry(n, ~m, carry, w);
          expect(run(`adc ${R}0, ${R}1, ${R}2`, regs, flags).x(0)).toBe(add.result);
          const adcs = run(`adcs ${R}0, ${R}1, ${R}2`, regs, flags);
          expect([adcs.x(0), adcs.nzcv]).toEqual([add.result, add.nzcv]);
          expect(run(`sbc ${R}0, ${R}1, ${R}2`, regs, flags).x(0)).toBe(sub.result);
          const sbcs = run(`sbcs ${R}0, ${R}1, ${R}2`, regs, flags);
          expect([sbcs.x(0), sbcs.nzcv]).toEqual([sub.result, sub.nzcv]);
          expect(run(`ngc ${R}0, ${R}2`, regs, flags).x(0)).toBe(addWithCarry(0n, ~m, carry, w).result);
          // Without S the flags stay.
          expect(run(`adc ${R}0, ${R}1, ${R}2`, regs, flags).nzcv).toBe(flags);
        }
      }),
      fuzzRuns(300),
    );
  });

  /** Whether condition `cond` holds for nzcv (the Arm ARM's ConditionHolds). */
  const holds = (cond: number, nzcv: number): boolean => {
    const n = (nzcv >> 3) & 1, z = (nzcv >> 2) & 1, c = (nzcv >> 1) & 1, v = nzcv & 1;
    const base = [z === 1, c === 1, n === 1, v === 1, c === 1 && z === 0, n === v, n === v && z === 0, true][cond >> 1];
    return (cond & 1) === 1 && cond !== 15 ? !base : base;
  };
  const CONDS = ['eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];

  it('CCMP / CCMN: the comparison when the condition holds, else the immediate flags', () => {
    fc.assert(
      fc.property(u64, u64, nzcvs, nzcvs, fc.nat(15), fc.nat(31), (n, m, flags, imm, cond, i5) => {
        const regs: Array<[number, bigint]> = [[1, n], [2, m]];
        for (const w of [64, 32]) {
          const R = w === 64 ? 'x' : 'w';
          const h = holds(cond, flags);
          expect(run(`ccmp ${R}1, ${R}2, #${imm}, ${CONDS[cond]}`, regs, flags).nzcv).toBe(h ? addWithCarry(n, ~m, 1, w).nzcv : imm);
          expect(run(`ccmn ${R}1, ${R}2, #${imm}, ${CONDS[cond]}`, regs, flags).nzcv).toBe(h ? addWithCarry(n, m, 0, w).nzcv : imm);
          expect(run(`ccmp ${R}1, #${i5}, #${imm}, ${CONDS[cond]}`, regs, flags).nzcv).toBe(h ? addWithCarry(n, ~BigInt(i5), 1, w).nzcv : imm);
        }
      }),
      fuzzRuns(300),
    );
  });
});

describe('bit counts and reversal', () => {
  const clz = (v: bigint, w: number): bigint => {
    let k = 0n;
    for (let i = w - 1; i >= 0 && ((v >> BigInt(i)) & 1n) === 0n; i--) k++;
    return k;
  };
  const reverse = (v: bigint, w: number, unit: number): bigint => {
    let out = 0n;
    for (let i = 0; i < w / unit; i++) out |= ((v >> BigInt(i * unit)) & ((1n << BigInt(unit)) - 1n)) << BigInt(w - unit - i * unit);
    return out;
  };
  const perChunk = (v: bigint, w: number, chunk: number, f: (c: bigint) => bigint): bigint => {
    let out = 0n;
    for (let i = 0; i < w; i += chunk) out |= f((v >> BigInt(i)) & ((1n << BigInt(chunk)) - 1n)) << BigInt(i);
    return out;
  };
  const values = fc.oneof(u64, fc.nat(64).map((k) => (k === 64 ? 0n : 1n << BigInt(k))), fc.nat(64).map((k) => ux(-(1n << BigInt(k)), 64)));

  it('CLZ / CLS / RBIT / REV / REV16 / REV32', () => {
    fc.assert(
      fc.property(values, (v) => {
        const regs: Array<[number, bigint]> = [[1, v]];
        for (const w of [64, 32]) {
          const R = w === 64 ? 'x' : 'w', x = ux(v, w);
          expect(run(`clz ${R}0, ${R}1`, regs).x(0)).toBe(clz(x, w));
          // CLS: leading bits after the sign bit equal to it.
          const sign = (x >> BigInt(w - 1)) & 1n;
          expect(run(`cls ${R}0, ${R}1`, regs).x(0)).toBe(clz(sign ? ~x & ((1n << BigInt(w)) - 1n) : x, w) - 1n);
          expect(run(`rbit ${R}0, ${R}1`, regs).x(0)).toBe(reverse(x, w, 1));
          expect(run(`rev ${R}0, ${R}1`, regs).x(0)).toBe(reverse(x, w, 8));
          expect(run(`rev16 ${R}0, ${R}1`, regs).x(0)).toBe(perChunk(x, w, 16, (c) => reverse(c, 16, 8)));
        }
        expect(run('rev32 x0, x1', regs).x(0)).toBe(perChunk(v, 64, 32, (c) => reverse(c, 32, 8)));
        expect(run('rev64 x0, x1', regs).x(0)).toBe(reverse(v, 64, 8));
      }),
      fuzzRuns(300),
    );
  });
});

describe('branches, system registers, hints and traps', () => {
  it('BLR calls a function pointer and links; a data address is an error', () => {
    const ok = run('adr x1, f\nblr x1\nmov x2, #7\nhlt #0\nf: mov x3, #5\nret');
    expect(ok.verdict).toBe('ok');
    expect([ok.x(2), ok.x(3), ok.x(30)]).toEqual([7n, 5n, 2n]);
    const bad = run('.data\nv: .quad 0\n.text\nadrp x1, v\nadd x1, x1, :lo12:v\nblr x1');
    expect(bad.verdict).toBe('error');
    expect(bad.error).toMatch(/branch to a non-code address 0x100000 \(code addresses are instruction indices/);
  });

  it('MSR / MRS TPIDR_EL0 keep a per-core value', () => {
    const r = run('mov x1, #0x1234\nmovk x1, #0xabcd, lsl #48\nmsr tpidr_el0, x1\nmrs x2, tpidr_el0\nmrs x3, s3_3_c13_c0_2');
    expect(r.verdict).toBe('ok');
    expect(r.x(2)).toBe(0xabcd000000001234n);
    expect(r.x(3)).toBe(0xabcd000000001234n);
    expect([r.core.s[S.TPIDR_LO], r.core.s[S.TPIDR_HI]]).toEqual([0x1234, 0xabcd0000 | 0]);
  });

  it('the hint space runs as NOPs', () => {
    const r = run('mov x0, #1\npaciasp\nbti c\nhint 34\nhint #25\nautiasp\nxpaclri\nwfe\nwfi\nsev\nsevl\nyield\ncsdb\nesb\nmov x1, #2');
    expect(r.verdict).toBe('ok');
    expect([r.x(0), r.x(1), r.x(30)]).toEqual([1n, 2n, 0n]);
  });

  it('BRK and UDF end the trial with an error', () => {
    expect(run('brk #1000').error).toMatch(/trap: 'brk #1000' executed/);
    expect(run('udf #3').error).toMatch(/trap: 'udf #3' executed/);
  });
});
