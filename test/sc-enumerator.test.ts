// Tests of the SC enumerator (test/support/sc-enumerator.ts), the oracle for hangar's SC mode.
//
// Programs are packed by hand into the decoded format (no assembler involved), and every
// expected result below is derived by reasoning about SC (or about the Arm ARM for single
// instructions), written next to it, never by running the enumerator.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { enumerateSc, scStates, type ScOptions } from './support/sc-enumerator.ts';
import { ADDR_SHIFT, AddrMode, Cond, F, FLAG_EXCL, FLAG_IMM2, FLAG_SF, INSN_WORDS, Op, REG_ZR, SHAMT_SHIFT, Shift, SHTYPE_SHIFT, sizeFlags } from '../isa/instructions.ts';
import { DATA_BASE } from '../isa/program.ts';
import { type ObservedVar } from '../litmus/parser.ts';
import { parseExactJson, UNDECLARED } from '../litmus/state.ts';
import { parseLitmus, type Program, stateKey } from '../index.ts';

// ---- a tiny hand packer ----

/** size: bytes per access of a memory op (default: the register width, 8 with X, 4 without). */
interface Insn { op: Op; rt?: number; rn?: number; rm?: number; flags?: number; imm?: bigint | number; extra?: number; size?: 1 | 2 | 4 | 8 }
interface ThreadCode {
  code: Insn[];
  /** Initial registers: a number/bigint value, or a location name (its address). */
  regs?: Record<number, bigint | number | string>;
}

const X = FLAG_SF;
const ZR = REG_ZR;
const BRANCHES = new Set([Op.B, Op.BCOND, Op.BL, Op.CBZ, Op.CBNZ, Op.TBZ, Op.TBNZ]);
const MEMORY = new Set([Op.LDR, Op.STR, Op.STXR, Op.LDP, Op.STP, Op.SWP, Op.CAS, Op.LDADD, Op.LDCLR, Op.LDEOR, Op.LDSET, Op.LDSMAX, Op.LDSMIN, Op.LDUMAX, Op.LDUMIN]);

/** Packs threads (branch targets thread-local, a HALT appended to each) and named 8-byte
 * locations (in order from DATA_BASE) into a Program. */
function build(threads: ThreadCode[], locs: Record<string, bigint | number> = {}): Program {
  const symbols: Record<string, number> = {};
  const names = Object.keys(locs);
  names.forEach((n, i) => { symbols[n] = DATA_BASE + 8 * i; });
  const value = (v: bigint | number | string): bigint =>
    BigInt.asUintN(64, typeof v === 'string' ? BigInt(symbols[v]) : BigInt(v));
  const lo = (v: bigint): number => Number(BigInt.asIntN(32, v));
  const hi = (v: bigint): number => Number(BigInt.asIntN(32, v >> 32n));

  const all: Insn[] = [];
  const specs = threads.map((th, t) => {
    const entry = all.length;
    for (const i of [...th.code, { op: Op.HALT }]) {
      all.push(BRANCHES.has(i.op) ? { ...i, imm: Number(i.imm) + entry } : i);
    }
    const initRegs = Object.entries(th.regs ?? {}).map(([r, v]): [number, number, number] =>
      [Number(r), lo(value(v)), hi(value(v))]);
    return { name: `P${t}`, entry, initRegs };
  });
  const code = new Int32Array(all.length * INSN_WORDS);
  all.forEach((i, pc) => {
    const imm = BigInt.asUintN(64, BigInt(i.imm ?? 0));
    let flags = i.flags ?? 0;
    if (MEMORY.has(i.op)) flags |= sizeFlags(i.size ?? ((flags & FLAG_SF) !== 0 ? 8 : 4));
    code.set([i.op, i.rt ?? 0, i.rn ?? 0, i.rm ?? 0, flags, lo(imm), hi(imm), i.extra ?? 0], pc * INSN_WORDS);
  });
  return {
    name: 'hand-built',
    code,
    length: all.length,
    src: {
      files: ['hand-built'],
      file: new Int32Array(all.length),
      line: Int32Array.from(all, (_, pc) => pc + 1),
      col: new Int32Array(all.length).fill(1),
      text: all.map((i) => Op[i.op]),
    },
    threads: specs,
    initLo: Int32Array.from(names, (n) => lo(value(locs[n]))),
    initHi: Int32Array.from(names, (n) => hi(value(locs[n]))),
    symbols,
    labels: {},
  };
}

const movi = (rt: number, imm: bigint | number, flags = X): Insn => ({ op: Op.MOVI, rt, imm, flags });
const ldr = (rt: number, rn: number, flags = X): Insn => ({ op: Op.LDR, rt, rn, flags });
const str = (rt: number, rn: number, flags = X): Insn => ({ op: Op.STR, rt, rn, flags });
const ldxr = (rt: number, rn: number): Insn => ({ op: Op.LDR, rt, rn, flags: X | FLAG_EXCL });
const stxr = (rs: number, rt: number, rn: number): Insn => ({ op: Op.STXR, rt, rn, rm: rs, flags: X });
const addi = (rt: number, rn: number, imm: bigint | number, flags = X): Insn => ({ op: Op.ADD, rt, rn, imm, flags: flags | FLAG_IMM2 });
const cbnz = (rt: number, target: number, flags = X): Insn => ({ op: Op.CBNZ, rt, imm: target, flags });
const shift = (type: Shift, amount: number): number => (type << SHTYPE_SHIFT) | (amount << SHAMT_SHIFT);
const mode = (m: AddrMode): number => m << ADDR_SHIFT;
/** CSET rd, c == CSINC rd, zr, zr, invert(c). */
const cset = (rt: number, c: Cond): Insn => ({ op: Op.CSINC, rt, rn: ZR, rm: ZR, extra: c ^ 1, flags: X });

/** Observed variables "T:Xn" (registers) and location names (memory). */
function observe(p: Program, ...keys: string[]): ObservedVar[] {
  return keys.map((key) => {
    const m = /^(\d+):X(\d+)$/.exec(key);
    return m ? { key, kind: 'reg', thread: Number(m[1]), reg: Number(m[2]), type: UNDECLARED } : { key, kind: 'mem', loc: key, addr: p.symbols[key], type: UNDECLARED };
  });
}

/** The SC states over `keys`, with the (small) integers as numbers, for readable expectations. */
function states(p: Program, keys: string[], opts?: ScOptions) {
  return small(scStates({ program: p, observed: observe(p, ...keys) }, opts));
}

function small(states: Record<string, bigint | string>[]): Record<string, number | string>[] {
  return states.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
}

/** The single final state of a deterministic (single-thread) program. */
function only(p: Program, opts?: ScOptions) {
  const finals = enumerateSc(p, opts);
  expect(finals).toHaveLength(1);
  return finals[0];
}

// ---- multi-thread shapes ----

describe.each([true, false])('SC interleavings (reduceLocalSteps: %s)', (reduceLocalSteps) => {
  it('SB: at least one load sees the other thread\'s store', () => {
    // The load that comes last in the total order follows both stores (its own by program order,
    // the other by the other thread's program order), so 0:X2 = 1:X2 = 0 is impossible.
    // P0 then P1 gives (0,1), P1 then P0 gives (1,0), both stores then both loads gives (1,1).
    const sb = (mine: string, other: string): ThreadCode =>
      ({ regs: { 1: mine, 3: other }, code: [movi(0, 1), str(0, 1), ldr(2, 3)] });
    const p = build([sb('x', 'y'), sb('y', 'x')], { x: 0, y: 0 });
    expect(states(p, ['0:X2', '1:X2'], { reduceLocalSteps })).toEqual([
      { '0:X2': 0, '1:X2': 1 }, { '0:X2': 1, '1:X2': 0 }, { '0:X2': 1, '1:X2': 1 },
    ]);
  });

  it('MP: seeing the flag implies seeing the data', () => {
    // If P1 reads y = 1, P0's store to x came before (program order), and P1's read of x comes
    // after its read of y, so it reads 1: (1,0) is impossible. (0,0): P1 runs first; (0,1): P1's
    // first read between P0's stores; (1,1): P0 runs first.
    const p = build([
      { regs: { 1: 'x', 3: 'y' }, code: [movi(0, 1), str(0, 1), str(0, 3)] },
      { regs: { 1: 'y', 3: 'x' }, code: [ldr(0, 1), ldr(2, 3)] },
    ], { x: 0, y: 0 });
    expect(states(p, ['1:X0', '1:X2'], { reduceLocalSteps })).toEqual([
      { '1:X0': 0, '1:X2': 0 }, { '1:X0': 0, '1:X2': 1 }, { '1:X0': 1, '1:X2': 1 },
    ]);
  });

  it('SUBS + B.NE spin-wait: the reader leaves the loop only after the flag, so it sees the data', () => {
    // P0 spins until it reads flag = 1; P1's data store precedes its flag store, so P0's later
    // data read returns 42. The spin loop revisits states, which the search must not loop on.
    const p = build([
      {
        regs: { 1: 'flag', 3: 'data' },
        code: [ldr(0, 1), { op: Op.SUBS, rt: ZR, rn: 0, imm: 1, flags: X | FLAG_IMM2 },
          { op: Op.BCOND, extra: Cond.NE, imm: 0 }, ldr(2, 3)],
      },
      { regs: { 1: 'data', 3: 'flag' }, code: [movi(0, 42), str(0, 1), movi(0, 1), str(0, 3)] },
    ], { data: 0, flag: 0 });
    expect(states(p, ['0:X0', '0:X2'], { reduceLocalSteps })).toEqual([{ '0:X0': 1, '0:X2': 42 }]);
  });

  it('a spin-wait that can never end has no final state (and the search terminates)', () => {
    const p = build([{ regs: { 1: 'flag' }, code: [ldr(0, 1), cbnz(0, 3), { op: Op.B, imm: 0 }] }], { flag: 0 });
    expect(enumerateSc(p, { reduceLocalSteps })).toEqual([]);
  });

  it('a CBNZ loop counts to 10', () => {
    // X0 = 10; loop { X1 += 1; X0 -= 1 } while X0 != 0; then x = X1: ten iterations.
    const p = build([{
      regs: { 2: 'x' },
      code: [movi(0, 10), addi(1, 1, 1), { op: Op.SUB, rt: 0, rn: 0, imm: 1, flags: X | FLAG_IMM2 }, cbnz(0, 1), str(1, 2)],
    }], { x: 0 });
    const f = only(p, { reduceLocalSteps });
    expect(f.memory.get(DATA_BASE)).toBe(10n);
    expect(f.regs[0][0]).toBe(0n);
    expect(f.regs[0][1]).toBe(10n);
  });

  it('CAS: the first CAS wins, the second fails and does not write', () => {
    // Both compare against 0; whichever runs first sees 0 and writes its new value, the other
    // then sees that value (not 0), fails, and gets it back in Rs. So (x, 0:X0, 1:X0) is
    // (1, 0, 1) or (2, 2, 0); x = 0 (nobody wrote) or a state where both old values are 0 is
    // impossible.
    const cas = (v: number): ThreadCode => ({ regs: { 1: 'x', 2: v }, code: [{ op: Op.CAS, rm: 0, rt: 2, rn: 1, flags: X }] });
    const p = build([cas(1), cas(2)], { x: 0 });
    expect(states(p, ['x', '0:X0', '1:X0'], { reduceLocalSteps })).toEqual([
      { x: 1, '0:X0': 0, '1:X0': 1 }, { x: 2, '0:X0': 2, '1:X0': 0 },
    ]);
  });

  it('two LDADDs: both increments land, each thread sees the other\'s or nothing', () => {
    // Atomic: the first sees 0, the second sees the first's addend; x = 1 + 2.
    const add = (v: number): ThreadCode => ({ regs: { 1: 'x', 2: v }, code: [{ op: Op.LDADD, rm: 2, rt: 0, rn: 1, flags: X }] });
    const p = build([add(1), add(2)], { x: 0 });
    expect(states(p, ['x', '0:X0', '1:X0'], { reduceLocalSteps })).toEqual([
      { x: 3, '0:X0': 0, '1:X0': 1 }, { x: 3, '0:X0': 2, '1:X0': 0 },
    ]);
  });
});

// ---- exclusives ----

describe.each([true, false])('LDXR/STXR (reduceLocalSteps: %s)', (reduceLocalSteps) => {
  const retryIncrement: ThreadCode = { regs: { 1: 'x' }, code: [ldxr(0, 1), addi(0, 0, 1), stxr(2, 0, 1), cbnz(2, 0, 0)] };
  const oneShotIncrement: ThreadCode = { regs: { 1: 'x' }, code: [ldxr(0, 1), addi(0, 0, 1), stxr(2, 0, 1)] };

  for (const spuriousStxrFailure of [false, true]) {
    it(`a retry-loop increment on two threads always ends with x = 2 (spurious failures ${spuriousStxrFailure ? 'on' : 'off'})`, () => {
      // A STXR fails if the other thread's STXR wrote x since this LDXR; the loop then retries
      // from the new value, so no increment is lost, and each loop exits with status 0.
      const p = build([retryIncrement, retryIncrement], { x: 0 });
      expect(states(p, ['x', '0:X2', '1:X2'], { reduceLocalSteps, spuriousStxrFailure })).toEqual([{ x: 2, '0:X2': 0, '1:X2': 0 }]);
    });
  }

  it('straight-line increments: the later STXR fails when the pairs overlap', () => {
    // Not overlapping: both succeed, x = 2. Overlapping (both LDXRs before the first STXR): the
    // first STXR succeeds (nobody wrote x since its LDXR), which breaks the other's monitor,
    // so the other fails: x = 1 with statuses (0,1) or (1,0). Both failing needs a spurious
    // failure.
    const p = build([oneShotIncrement, oneShotIncrement], { x: 0 });
    const strict = [
      { x: 1, '0:X2': 0, '1:X2': 1 }, { x: 1, '0:X2': 1, '1:X2': 0 }, { x: 2, '0:X2': 0, '1:X2': 0 },
    ];
    expect(states(p, ['x', '0:X2', '1:X2'], { reduceLocalSteps, spuriousStxrFailure: false })).toEqual(strict);
    // With spurious failures every STXR may also fail: the only new outcome is both failing
    // (x = 0); one failing spuriously and the other succeeding gives the x = 1 states again.
    expect(states(p, ['x', '0:X2', '1:X2'], { reduceLocalSteps })).toEqual([{ x: 0, '0:X2': 1, '1:X2': 1 }, ...strict]);
  });

  it('another thread\'s plain store between LDXR and STXR makes the STXR fail', () => {
    // P1's store of 5 before P0's LDXR: P0 reads 5, writes 6, succeeds (x=6, X0=6, s=0).
    // Between LDXR and STXR: P0's STXR fails (x=5, X0=1, s=1).
    // After P0's STXR: P0 wrote 1, then 5 overwrites it (x=5, X0=1, s=0).
    const p = build([oneShotIncrement, { regs: { 1: 'x' }, code: [movi(0, 5), str(0, 1)] }], { x: 0 });
    expect(states(p, ['x', '0:X0', '0:X2'], { reduceLocalSteps, spuriousStxrFailure: false })).toEqual([
      { x: 5, '0:X0': 1, '0:X2': 0 }, { x: 5, '0:X0': 1, '0:X2': 1 }, { x: 6, '0:X0': 6, '0:X2': 0 },
    ]);
  });

  it('the thread\'s own store between LDXR and STXR does not break the pair (herd7\'s atomicity)', () => {
    const p = build([{ regs: { 1: 'x', 3: 7, 4: 9 }, code: [ldxr(0, 1), str(3, 1), stxr(2, 4, 1)] }], { x: 0 });
    const f = enumerateSc(p, { reduceLocalSteps, spuriousStxrFailure: false });
    expect(f).toHaveLength(1);
    expect(f[0].regs[0][2]).toBe(0n);
    expect(f[0].memory.get(DATA_BASE)).toBe(9n);
  });

  it('CLREX, a STXR to another address, or a STXR without LDXR fails', () => {
    const p = build([{
      regs: { 1: 'x', 3: 'y', 4: 9 },
      code: [
        ldxr(0, 1), { op: Op.CLREX }, stxr(2, 4, 1), // cleared: fails
        ldxr(0, 1), stxr(5, 4, 3), // other address: fails (and clears the monitor)
        stxr(6, 4, 1), // no LDXR since: fails
      ],
    }], { x: 1, y: 2 });
    const f = enumerateSc(p, { reduceLocalSteps, spuriousStxrFailure: false });
    expect(f).toHaveLength(1);
    expect([f[0].regs[0][2], f[0].regs[0][5], f[0].regs[0][6]]).toEqual([1n, 1n, 1n]);
    expect([f[0].memory.get(DATA_BASE), f[0].memory.get(DATA_BASE + 8)]).toEqual([1n, 2n]);
  });
});

// ---- single-instruction semantics (values worked out from the Arm ARM pseudocode) ----

describe('instruction semantics', () => {
  it('moves and arithmetic, 64- and 32-bit', () => {
    const f = only(build([{
      regs: { 10: 3 },
      code: [
        movi(0, 0x123456789abcdef0n),
        { op: Op.MOVK, rt: 0, imm: 0xbeef, extra: 16, flags: X }, // 0x12345678beefdef0
        movi(1, -1, 0), // W1 = 0xffffffff, upper half zero
        addi(2, 1, 1, 0), // W: 0xffffffff + 1 wraps to 0
        addi(3, 1, 1), // X: 0x1_0000_0000
        { op: Op.ADD, rt: 4, rn: 3, rm: 3, flags: X | shift(Shift.LSL, 4) }, // 17 * 2^32
        { op: Op.SUB, rt: 5, rn: ZR, imm: 1, flags: X | FLAG_IMM2 }, // 0 - 1 = -1
        movi(6, -16),
        { op: Op.SUB, rt: 7, rn: ZR, rm: 6, flags: X | shift(Shift.ASR, 1) }, // -(-16 >> 1) = 8
        { op: Op.ORR, rt: 8, rn: ZR, rm: 10, flags: X | shift(Shift.ROR, 4) }, // 3 ror 4 = 0x3000...0
        { op: Op.AND, rt: 9, rn: 0, imm: 0xffff, flags: X | FLAG_IMM2 }, // 0xdef0
        { op: Op.EOR, rt: 11, rn: 9, imm: 0xff, flags: X | FLAG_IMM2 }, // 0xde0f
        { op: Op.MUL, rt: 12, rn: 10, rm: 10, flags: X }, // 9
        { op: Op.MUL, rt: 13, rn: 6, rm: 10, flags: 0 }, // W: 0xfffffff0 * 3 mod 2^32 = 0xffffffd0
        { op: Op.MOVK, rt: 14, imm: 0xabcd, extra: 16, flags: 0 }, // W: 0xabcd0000
        { op: Op.ADD, rt: 15, rn: 1, rm: 1, flags: 0 | shift(Shift.LSL, 4) }, // W: 0xffffffff * 17 mod 2^32 = 0xffffffef
      ],
    }]));
    expect(f.regs[0].slice(0, 16)).toEqual([
      0x12345678beefdef0n, 0xffffffffn, 0n, 0x100000000n, 0x1100000000n, 0xffffffffffffffffn,
      0xfffffffffffffff0n, 8n, 0x3000000000000000n, 0xdef0n, 3n, 0xde0fn, 9n, 0xffffffd0n, 0xabcd0000n, 0xffffffefn,
    ]);
  });

  it('shifts by immediate and by register (amount modulo the width)', () => {
    const f = only(build([{
      regs: { 1: -16, 2: 3, 3: 67, 4: 0x80000000 },
      code: [
        { op: Op.ASR, rt: 5, rn: 1, imm: 2, flags: X | FLAG_IMM2 }, // -4
        { op: Op.LSR, rt: 6, rn: 1, imm: 60, flags: X | FLAG_IMM2 }, // 0xf
        { op: Op.LSL, rt: 7, rn: 6, rm: 2, flags: X }, // 0x78
        { op: Op.LSL, rt: 8, rn: 6, rm: 3, flags: X }, // 67 mod 64 = 3: 0x78
        { op: Op.ASR, rt: 9, rn: 4, rm: 3, flags: 0 }, // W: 67 mod 32 = 3, 0x80000000 asr 3 = 0xf0000000
        { op: Op.LSL, rt: 10, rn: 4, imm: 1, flags: FLAG_IMM2 }, // W: bit 31 shifted out = 0
      ],
    }]));
    expect(f.regs[0].slice(5, 11)).toEqual([0xfffffffffffffffcn, 0xfn, 0x78n, 0x78n, 0xf0000000n, 0n]);
  });

  it('flags of ADDS/SUBS/ANDS and the conditional selects', () => {
    const f = only(build([{
      regs: { 1: -1, 2: 0x80000000, 3: 3, 4: 0xf },
      code: [
        // -1 + 1 = 0: Z, C (unsigned carry out), no V, no N.
        { op: Op.ADDS, rt: ZR, rn: 1, imm: 1, flags: X | FLAG_IMM2 },
        cset(10, Cond.EQ), cset(11, Cond.CS), cset(12, Cond.VS), cset(13, Cond.MI),
        // W: 0x80000000 - 1 = 0x7fffffff: signed overflow (V), no borrow (C), not N, not Z.
        { op: Op.SUBS, rt: 5, rn: 2, imm: 1, flags: FLAG_IMM2 },
        cset(14, Cond.VS), cset(15, Cond.CS), cset(16, Cond.MI), cset(17, Cond.GE), // GE: N == V is false
        { op: Op.CSINV, rt: 18, rn: 2, rm: ZR, extra: Cond.VS, flags: X }, // VS holds: X2
        { op: Op.CSNEG, rt: 19, rn: ZR, rm: 3, extra: Cond.VC, flags: X }, // VC fails: -3
        // 3 - 15 (X): negative, borrow (C clear), LT, LS (unsigned lower).
        { op: Op.SUBS, rt: ZR, rn: 3, rm: 4, flags: X },
        cset(20, Cond.LT), cset(21, Cond.CC), cset(22, Cond.LS), cset(23, Cond.HI),
        // ANDS: -1 & 0x80000000 (X) is positive nonzero; C and V cleared.
        { op: Op.ANDS, rt: 24, rn: 1, rm: 2, flags: X },
        cset(25, Cond.PL), cset(26, Cond.NE), cset(27, Cond.CS), cset(28, Cond.GT),
        { op: Op.CSEL, rt: 29, rn: 3, rm: 4, extra: Cond.MI, flags: X }, // MI fails: X4
        // 3 - 3: Z and C set, N = V = 0: not GT, LE, GE, not HI.
        { op: Op.SUBS, rt: ZR, rn: 3, rm: 3, flags: X },
        cset(6, Cond.GT), cset(7, Cond.LE), cset(8, Cond.GE), cset(9, Cond.HI),
      ],
    }]));
    const r = f.regs[0];
    expect(r.slice(10, 14)).toEqual([1n, 1n, 0n, 0n]);
    expect(r[5]).toBe(0x7fffffffn);
    expect(r.slice(14, 20)).toEqual([1n, 1n, 0n, 0n, 0x80000000n, 0xfffffffffffffffdn]);
    expect(r.slice(20, 24)).toEqual([1n, 1n, 1n, 0n]);
    expect(r.slice(24, 30)).toEqual([0x80000000n, 1n, 1n, 0n, 1n, 0xfn]);
    expect(r.slice(6, 10)).toEqual([0n, 1n, 1n, 0n]);
  });

  it('branches: BL/RET, BR, TBZ/TBNZ, CBZ on W and X', () => {
    // Each block that runs sets a register; skipped blocks would set X20.
    const f = only(build([{
      regs: { 6: 0b100, 7: 0x100000000 },
      code: [
        /* 0 */ { op: Op.BL, imm: 4 },
        /* 1 */ movi(1, 11),
        /* 2 */ movi(8, 7), // index of the BR target
        /* 3 */ { op: Op.B, imm: 6 },
        /* 4 */ movi(2, 22), // subroutine
        /* 5 */ { op: Op.RET, rn: 30 },
        /* 6 */ { op: Op.BR, rn: 8 },
        /* 7 */ { op: Op.TBZ, rt: 6, extra: 2, imm: 9 }, // bit 2 set: falls through
        /* 8 */ { op: Op.TBNZ, rt: 6, extra: 2, imm: 10 }, // taken
        /* 9 */ movi(20, 1),
        /* 10 */ { op: Op.CBZ, rt: 7, imm: 12, flags: 0 }, // W7 = 0: taken
        /* 11 */ movi(20, 2),
        /* 12 */ { op: Op.CBZ, rt: 7, imm: 14, flags: X }, // X7 != 0: falls through
        /* 13 */ movi(3, 33),
        /* 14 */ { op: Op.TBZ, rt: 7, extra: 32, imm: 16 }, // bit 32 set: falls through
        /* 15 */ movi(4, 44),
      ],
    }]));
    const r = f.regs[0];
    expect([r[1], r[2], r[3], r[4], r[20], r[30]]).toEqual([11n, 22n, 33n, 44n, 0n, 1n]);
  });

  it('addressing modes, writeback, 4-byte halves, LDP/STP', () => {
    const f = only(build([{
      regs: { 1: 'a', 2: 0x1111, 3: 'c', 4: 0x2222, 5: 'a', 6: 3, 8: 0x5fffffffen, 9: 'c', 11: 0x100000001, 14: 'd', 15: -1, 16: 0xdeadbeef00000009n, 17: 'a' },
      code: [
        { op: Op.STR, rt: 2, rn: 1, imm: 8, flags: X | mode(AddrMode.PRE) }, // b = 0x1111, X1 = &b
        { op: Op.STR, rt: 4, rn: 3, imm: -16, flags: X | mode(AddrMode.POST) }, // c = 0x2222, X3 = &a
        { op: Op.LDR, rt: 7, rn: 5, rm: 6, flags: X | mode(AddrMode.REG) | shift(Shift.LSL, 3) }, // d
        { op: Op.LDR, rt: 10, rn: 9, rm: 8, flags: X | mode(AddrMode.SXTW) | shift(Shift.LSL, 3) }, // W8 = -2: c - 16 = a
        { op: Op.LDR, rt: 12, rn: 5, rm: 11, flags: X | mode(AddrMode.UXTW) | shift(Shift.LSL, 3) }, // W11 = 1: b
        { op: Op.LDR, rt: 13, rn: 14, imm: 4, flags: 0 }, // high half of d
        { op: Op.LDR, rt: 15, rn: 14, flags: 0 }, // low half of d, zero-extended
        { op: Op.STR, rt: 16, rn: 14, imm: 4, flags: 0 }, // high half of d = 9
        { op: Op.LDR, rt: 18, rn: 14, imm: -8, flags: X | mode(AddrMode.PRE) }, // c, X14 = &c
        { op: Op.STP, rt: 2, rm: 4, rn: 17, flags: X }, // a = 0x1111, b = 0x2222
        { op: Op.LDP, rt: 19, rm: 21, rn: 17, imm: 8, flags: X | mode(AddrMode.POST) }, // a, b; X17 = &b
        { op: Op.LDP, rt: 22, rm: 23, rn: 17, imm: -8, flags: mode(AddrMode.PRE) }, // W: low halves of a; X17 = &a
      ],
    }], { a: 0xaaa, b: 0, c: 0, d: 0x700004444n }));
    const r = f.regs[0];
    const A = BigInt(DATA_BASE);
    expect([r[1], r[3], r[14], r[17]]).toEqual([A + 8n, A, A + 16n, A]);
    expect([r[7], r[10], r[12], r[13], r[15], r[18]]).toEqual([0x700004444n, 0xaaan, 0x1111n, 7n, 0x4444n, 0x2222n]);
    expect([r[19], r[21], r[22], r[23]]).toEqual([0x1111n, 0x2222n, 0x1111n, 0n]);
    expect([...f.memory.entries()].sort((x, y) => x[0] - y[0])).toEqual([
      [DATA_BASE, 0x1111n], [DATA_BASE + 8, 0x2222n], [DATA_BASE + 16, 0x2222n], [DATA_BASE + 24, 0x900004444n],
    ]);
  });

  it('LSE atomics: old value to Rt, new value per op, nothing to ZR; W forms wrap in their half', () => {
    const f = only(build([{
      regs: { 1: 'x', 2: 3, 3: 5, 4: 6, 8: 1, 10: 100, 12: 1, 14: 'y' },
      code: [
        { op: Op.LDADD, rm: 2, rt: 5, rn: 1, flags: X }, // 12 + 3 = 15, X5 = 12
        { op: Op.LDCLR, rm: 3, rt: 6, rn: 1, flags: X }, // 0b1111 & ~0b0101 = 0b1010, X6 = 15
        { op: Op.LDEOR, rm: 4, rt: 7, rn: 1, flags: X }, // 0b1010 ^ 0b0110 = 0b1100, X7 = 10
        { op: Op.LDSET, rm: 8, rt: 9, rn: 1, flags: X }, // 12 | 1 = 13, X9 = 12
        { op: Op.SWP, rm: 10, rt: 11, rn: 1, flags: X }, // 100, X11 = 13
        { op: Op.LDADD, rm: 2, rt: ZR, rn: 1, flags: X }, // STADD: 103
        { op: Op.LDADD, rm: 12, rt: 13, rn: 14, flags: 0 }, // W: 0xffffffff + 1 = 0 in the low half, X13 = 0xffffffff
        { op: Op.CAS, rm: 15, rt: 10, rn: 14, imm: 0, flags: X }, // compare 0 against 0x5_00000000: fails, X15 = old
      ],
    }], { x: 12, y: 0x5ffffffffn }));
    const r = f.regs[0];
    expect([r[5], r[6], r[7], r[9], r[11], r[13], r[15]]).toEqual([12n, 15n, 10n, 12n, 13n, 0xffffffffn, 0x500000000n]);
    expect([f.memory.get(DATA_BASE), f.memory.get(DATA_BASE + 8)]).toEqual([103n, 0x500000000n]);
  });
});

// ---- projection and limits ----

describe('scStates and limits', () => {
  it('reports addresses as location names and values as signed numbers', () => {
    const p = build([{ regs: { 1: 'y', 2: -5 }, code: [str(2, 1)] }], { x: 0, y: 0 });
    expect(states(p, ['0:X1', '0:X2', 'y', 'x'])).toEqual([{ '0:X1': 'y', '0:X2': -5, y: -5, x: 0 }]);
  });

  it('a word written with 0 is the same state as a word never written', () => {
    // P0 writes 0 to z (outside the initialised locations) only if it read x = 0, then clears
    // X0; P1 sets x = 1. Both orders end with the same registers, x = 1 and z = 0: one state.
    const z = DATA_BASE + 8;
    const p = build([
      { regs: { 1: 'x', 3: z }, code: [ldr(0, 1), { op: Op.CBNZ, rt: 0, imm: 3, flags: X }, str(ZR, 3), movi(0, 0)] },
      { regs: { 1: 'x' }, code: [movi(2, 1), str(2, 1)] },
    ], { x: 0 });
    expect(enumerateSc(p)).toHaveLength(1);
  });

  it('throws instead of running forever on an unbounded loop', () => {
    const p = build([{ code: [addi(0, 0, 1), { op: Op.B, imm: 0 }] }]);
    expect(() => enumerateSc(p)).toThrow(/more than 1000 instructions/);
    expect(() => enumerateSc(p, { maxStates: 100 })).toThrow(/more than 100 SC states/);
  });

  it('rejects SVC and misaligned accesses', () => {
    expect(() => enumerateSc(build([{ code: [{ op: Op.SVC }] }]))).toThrow(/SVC is unsupported/);
    expect(() => enumerateSc(build([{ regs: { 1: 'x' }, code: [{ op: Op.LDR, rt: 0, rn: 1, imm: 4, flags: X }] }], { x: 0 })))
      .toThrow(/misaligned 8-byte access/);
  });
});

// ---- through the litmus front end ----

describe('litmus tests', () => {
  it('SB written as a litmus test', () => {
    // As the hand-built SB above: every state but (0,0).
    const t = parseLitmus(`AArch64 SB-sc
{ 0:X1=x; 0:X3=y; 1:X1=y; 1:X3=x; }
 P0          | P1          ;
 MOV W0,#1   | MOV W0,#1   ;
 STR W0,[X1] | STR W0,[X1] ;
 LDR W2,[X3] | LDR W2,[X3] ;
exists (0:X2=0 /\\ 1:X2=0)
`, 'sb-sc.litmus');
    const got = small(scStates(t));
    expect(got).toHaveLength(3);
    expect(got).toEqual(expect.arrayContaining([
      { '0:X2': 0, '1:X2': 1 }, { '0:X2': 1, '1:X2': 0 }, { '0:X2': 1, '1:X2': 1 },
    ]));
  });

  it('an exclusive increment racing a plain store, with an address observed', () => {
    // P1's store of 7 before P0's LDXR: P0 reads 7, writes 8 (X0=8, s=0, x=8). Between LDXR
    // and STXR: the STXR fails (X0=6, s=1, x=7). After the STXR: 7 overwrites 6 (X0=6, s=0,
    // x=7). A spurious failure adds P1 first then P0 failing (X0=8, s=1, x=7). 1:X3 always
    // holds the address of y.
    const t = parseLitmus(`AArch64 XINC-sc
{ x=5; 0:X1=x; 1:X1=x; 1:X3=y; }
 P0               | P1          ;
 LDXR X0,[X1]     | MOV X2,#7   ;
 ADD X0,X0,#1     | STR X2,[X1] ;
 STXR W4,X0,[X1]  |             ;
locations [1:X3;]
exists (0:X0=6 /\\ 0:X4=0 /\\ x=8)
`, 'xinc-sc.litmus');
    const got = small(scStates(t));
    expect(got).toHaveLength(4);
    expect(got).toEqual(expect.arrayContaining([
      { '0:X0': 8, '0:X4': 0, x: 8, '1:X3': 'y' }, { '0:X0': 6, '0:X4': 1, x: 7, '1:X3': 'y' },
      { '0:X0': 6, '0:X4': 0, x: 7, '1:X3': 'y' }, { '0:X0': 8, '0:X4': 1, x: 7, '1:X3': 'y' },
    ]));
  });

  it('CAS races with a branch on the result', () => {
    // The first CAS sees 0 and writes; its thread falls through to MOV W5,#1. The second sees
    // the winner's value, so CBNZ skips its MOV.
    const t = parseLitmus(`AArch64 CAS-sc
{ 0:X1=x; 1:X1=x; }
 P0               | P1               ;
 MOV W0,#0        | MOV W0,#0        ;
 MOV W2,#1        | MOV W2,#2        ;
 CAS W0,W2,[X1]   | CAS W0,W2,[X1]   ;
 CBNZ W0,Lfail    | CBNZ W0,Lfail    ;
 MOV W5,#1        | MOV W5,#1        ;
 Lfail:           | Lfail:           ;
exists (0:X5=1 /\\ 1:X5=1 /\\ x=1)
`, 'cas-sc.litmus');
    const got = small(scStates(t));
    expect(got).toHaveLength(2);
    expect(got).toEqual(expect.arrayContaining([{ '0:X5': 1, '1:X5': 0, x: 1 }, { '0:X5': 0, '1:X5': 1, x: 2 }]));
  });
});

// ---- the shared herd7 corpus: SC must be a subset of ARMv8 ----

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sharedLitmus = process.env.HANGAR_SHARED_LITMUS ?? path.resolve(repoRoot, '../shared/litmus');
const corpusRequired = process.env.HANGAR_SHARED_LITMUS !== undefined;
/** Enumerate only tests this small, and give up on a test past this many states. */
const CORPUS_MAX_THREADS = 4;
const CORPUS_MAX_STATES = 200_000;

// Both AArch64 corpora: SC (with mixed sizes: each access whole at one step) must be a subset
// of what herd7's aarch64.cat allows (with -variant mixed for the mixed-size corpus).
for (const corpusName of ['aarch64', 'aarch64-mixed']) {
  const corpusDir = path.join(sharedLitmus, corpusName);
  const corpusPresent = existsSync(path.join(corpusDir, 'expected.json'));
  describe(`herd7 corpus ${corpusName}`, () => {
    it.skipIf(!corpusPresent && !corpusRequired)(
      `SC states are ARMv8-allowed states, with and without the local-step reduction${corpusPresent ? '' : ` (skipped: no corpus at ${corpusDir}; set HANGAR_SHARED_LITMUS to require it)`}`,
      () => {
        expect(corpusPresent, `litmus corpus expected at ${corpusDir}`).toBe(true);
        const expected = parseExactJson(readFileSync(path.join(corpusDir, 'expected.json'), 'utf8')) as
          Record<string, { states: Record<string, bigint | string>[] }>;
        const files = readdirSync(corpusDir).filter((f) => f.endsWith('.litmus'));
        expect(files.length).toBeGreaterThan(0);
        let enumerated = 0;
        const tooBig: string[] = [];
        const started = performance.now();
        for (const file of files) {
          const test = parseLitmus(readFileSync(path.join(corpusDir, file), 'utf8'), file);
          const herd = expected[test.name];
          if (!herd || test.program.threads.length > CORPUS_MAX_THREADS) continue;
          let sc;
          try {
            sc = scStates(test, { maxStates: CORPUS_MAX_STATES });
          } catch (e) {
            if (e instanceof Error && /more than/.test(e.message)) { tooBig.push(test.name); continue; }
            throw e;
          }
          enumerated++;
          // Every terminating program has at least one SC execution.
          expect(sc.length, test.name).toBeGreaterThan(0);
          // The local-step reduction loses nothing: the full interleaving gives the same states.
          expect(scStates(test, { maxStates: CORPUS_MAX_STATES, reduceLocalSteps: false }), test.name).toEqual(sc);
          const allowed = new Set(herd.states.map(stateKey));
          const outside = sc.filter((s) => !allowed.has(stateKey(s)));
          expect(outside, `${test.name}: SC states that herd7's ARMv8 model forbids`).toEqual([]);
        }
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        console.log(`sc-enumerator: ${enumerated}/${files.length} corpus tests enumerated in ${seconds} s` +
          (tooBig.length > 0 ? `; over the state limit: ${tooBig.join(', ')}` : ''));
        expect(enumerated).toBeGreaterThan(0);
      },
      60_000,
    );
  });
}
