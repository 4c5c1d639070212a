// The core step's 64-bit arithmetic on 32-bit halves (emu/core/arith.ts) against BigInt: the
// exact MUL product, additions with their flags, shifts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addc, HI, LO, mul64, NZCV, R, shift } from '../emu/core/arith.ts';
import { announceFuzzSeed, fuzzRuns } from './support/fuzz.ts';

const M64 = (1n << 64n) - 1n;
const toBig = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
const halves = (v: bigint): [number, number] => [Number(v & 0xffffffffn) | 0, Number((v >> 32n) & 0xffffffffn) | 0];
const word = fc.oneof(fc.integer({ min: -0x80000000, max: 0x7fffffff }), fc.constantFrom(0, 1, -1, 0x7fffffff, -0x80000000, 0xffff, 0x10000));

announceFuzzSeed('arith');

describe('64-bit arithmetic on halves', () => {
  it('mul64 is the exact low 64 bits of the product', () => {
    fc.assert(
      fc.property(word, word, word, word, (aLo, aHi, bLo, bHi) => {
        mul64(aLo, aHi, bLo, bHi);
        const want = (toBig(aLo, aHi) * toBig(bLo, bHi)) & M64;
        expect(toBig(R[LO], R[HI])).toBe(want);
      }),
      fuzzRuns(5000),
    );
  });

  it('mul64: corner cases', () => {
    for (const [a, b] of [[M64, M64], [1n << 63n, 2n], [0xffffffffn, 0xffffffffn], [0x100000000n, 0x100000000n], [123456789123n, 987654321987n]]) {
      const [aLo, aHi] = halves(a), [bLo, bHi] = halves(b);
      mul64(aLo, aHi, bLo, bHi);
      expect(toBig(R[LO], R[HI])).toBe((a * b) & M64);
    }
  });

  it('addc: sum and N, Z, C, V of ADDS', () => {
    fc.assert(
      fc.property(word, word, word, word, fc.constantFrom(0, 1), (aLo, aHi, bLo, bHi, cin) => {
        addc(aLo, aHi, bLo, bHi, cin, true);
        const a = toBig(aLo, aHi), b = toBig(bLo, bHi);
        const sum = a + b + BigInt(cin);
        expect(toBig(R[LO], R[HI])).toBe(sum & M64);
        const s = BigInt.asIntN(64, a) + BigInt.asIntN(64, b) + BigInt(cin);
        const n = (sum >> 63n) & 1n, z = (sum & M64) === 0n ? 1 : 0, c = sum > M64 ? 1 : 0, v = s !== BigInt.asIntN(64, sum & M64) ? 1 : 0;
        expect(R[NZCV]).toBe((Number(n) << 3) | (z << 2) | (c << 1) | v);
      }),
      fuzzRuns(2000),
    );
  });

  it('shift: LSL, LSR, ASR, ROR by 0..63 on 64 bits', () => {
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 63 }), fc.constantFrom(0, 1, 2, 3), (lo, hi, s, type) => {
        shift(lo, hi, type, s, true);
        const x = toBig(lo, hi), k = BigInt(s);
        const want = type === 0 ? (x << k) & M64 : type === 1 ? x >> k : type === 2 ? BigInt.asUintN(64, BigInt.asIntN(64, x) >> k) : ((x >> k) | (x << ((64n - k) % 64n))) & M64;
        expect(toBig(R[LO], R[HI])).toBe(want);
      }),
      fuzzRuns(2000),
    );
  });
});
