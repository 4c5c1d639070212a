// 64-bit arithmetic on 32-bit halves, for the core step (bit operations: bits.ts). Registers are pairs of int32 (lo, hi)
// so that the step never builds a BigInt or any other object: results go into the scratch
// array R (one per thread: the step loop is single-threaded), read back at once by the caller.
import { Shift } from '../../isa/instructions.ts';

// Module-local aliases of imported bindings (see access.ts).
const LSL = Shift.LSL, LSR = Shift.LSR, ASR = Shift.ASR;

/** Results of the last helper: R[LO], R[HI] (int32 halves) and R[NZCV] (flags, N Z C V = bits 3..0). */
export const R = new Int32Array(3);
export const LO = 0;
export const HI = 1;
export const NZCV = 2;

export const max = (a: number, b: number): number => (a > b ? a : b);

/** a + b + cin, 64-bit (sf) or 32-bit (zero-extended), with the flags ADDS/SUBS set. */
export function addc(aLo: number, aHi: number, bLo: number, bHi: number, cin: number, sf: boolean): void {
  if (sf) {
    const l = (aLo >>> 0) + (bLo >>> 0) + cin;
    const c1 = l > 0xffffffff ? 1 : 0;
    const h = (aHi >>> 0) + (bHi >>> 0) + c1;
    const lo = l | 0, hi = h | 0;
    const c = h > 0xffffffff ? 1 : 0;
    const v = (~(aHi ^ bHi) & (aHi ^ hi)) >>> 31;
    R[LO] = lo;
    R[HI] = hi;
    R[NZCV] = ((hi >>> 31) << 3) | ((lo | hi) === 0 ? 4 : 0) | (c << 1) | v;
  } else {
    const l = (aLo >>> 0) + (bLo >>> 0) + cin;
    const lo = l | 0;
    const c = l > 0xffffffff ? 1 : 0;
    const v = (~(aLo ^ bLo) & (aLo ^ lo)) >>> 31;
    R[LO] = lo;
    R[HI] = 0;
    R[NZCV] = ((lo >>> 31) << 3) | (lo === 0 ? 4 : 0) | (c << 1) | v;
  }
}

/** lo:hi shifted by s (Shift: LSL, LSR, ASR, ROR), 64-bit or 32-bit. */
export function shift(lo: number, hi: number, type: number, s: number, sf: boolean): void {
  if (!sf) {
    s &= 31;
    if (s === 0) { R[LO] = lo; R[HI] = 0; return; }
    switch (type) {
      case LSL: R[LO] = lo << s; break;
      case LSR: R[LO] = lo >>> s; break;
      case ASR: R[LO] = lo >> s; break;
      default: R[LO] = (lo >>> s) | (lo << (32 - s)); // ROR
    }
    R[HI] = 0;
    return;
  }
  s &= 63;
  if (s === 0) { R[LO] = lo; R[HI] = hi; return; }
  switch (type) {
    case LSL:
      if (s < 32) { R[HI] = (hi << s) | (lo >>> (32 - s)); R[LO] = lo << s; } else { R[HI] = lo << (s - 32); R[LO] = 0; }
      return;
    case LSR:
      if (s < 32) { R[LO] = (lo >>> s) | (hi << (32 - s)); R[HI] = hi >>> s; } else { R[LO] = hi >>> (s - 32); R[HI] = 0; }
      return;
    case ASR:
      if (s < 32) { R[LO] = (lo >>> s) | (hi << (32 - s)); R[HI] = hi >> s; } else { R[LO] = hi >> (s - 32); R[HI] = hi >> 31; }
      return;
    default: {
      // ROR: (x >>> s) | (x << (64 - s))
      shift(lo, hi, LSR, s, true);
      const aLo = R[LO], aHi = R[HI];
      shift(lo, hi, LSL, 64 - s, true);
      R[LO] |= aLo;
      R[HI] |= aHi;
    }
  }
}

/**
 * The low 64 bits of a × b (the same for signed and unsigned operands), exactly: the low
 * word is Math.imul, the high word is the high half of the unsigned 32×32 product of the low
 * words (four 16×16 partial products, each exact in a double) plus the low words of the cross
 * products. 32-bit MUL takes R[LO] only.
 */
export function mul64(aLo: number, aHi: number, bLo: number, bHi: number): void {
  const carry = umulHigh32(aLo, bLo); // < 2^32: the high word of aLo × bLo
  R[LO] = Math.imul(aLo, bLo);
  R[HI] = (carry + Math.imul(aLo, bHi) + Math.imul(aHi, bLo)) | 0;
}

/** The high word (as a non-negative number below 2^32) of the unsigned 32×32 product a × b:
 * four 16×16 partial products, each exact in a double. */
function umulHigh32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const t0 = a0 * b0;
  const t1 = a1 * b0 + (t0 >>> 16);
  const t2 = a0 * b1 + (t1 & 0xffff);
  return a1 * b1 + (t1 >>> 16) + (t2 >>> 16);
}

const TWO32 = 4294967296;

/**
 * The high 64 bits of the 128-bit product of a and b (SMULH when signed, UMULH when not), into
 * R[LO]/R[HI]. Unsigned: the four 32×32 partial products summed word by word (every sum below
 * 2^35, exact in a double). Signed: the unsigned high part minus b when a < 0 and minus a when
 * b < 0 (the two's complement correction), modulo 2^64.
 */
export function mulHigh(aLo: number, aHi: number, bLo: number, bHi: number, signed: boolean): void {
  const p0h = umulHigh32(aLo, bLo);
  const p1l = Math.imul(aLo, bHi) >>> 0, p1h = umulHigh32(aLo, bHi);
  const p2l = Math.imul(aHi, bLo) >>> 0, p2h = umulHigh32(aHi, bLo);
  const p3l = Math.imul(aHi, bHi) >>> 0, p3h = umulHigh32(aHi, bHi);
  const mid = p0h + p1l + p2l;
  const low = p3l + p1h + p2h + Math.floor(mid / TWO32);
  let lo = low >>> 0;
  let hi = (p3h + Math.floor(low / TWO32)) | 0;
  if (signed) {
    if (aHi < 0) { addc(lo, hi, ~bLo, ~bHi, 1, true); lo = R[LO]; hi = R[HI]; }
    if (bHi < 0) { addc(lo, hi, ~aLo, ~aHi, 1, true); lo = R[LO]; hi = R[HI]; }
  }
  R[LO] = lo | 0;
  R[HI] = hi;
}

/** Below 2^53: doubles divide exactly (a quotient q of a dividend below 2^53 is never rounded
 * across an integer). */
const EXACT = 2 ** 53;

/**
 * SDIV/UDIV: a / b truncated toward zero, 64-bit (sf) or 32-bit, into R[LO]/R[HI]. A zero
 * divisor gives 0 and the most negative value divided by -1 gives itself, as the Arm ARM
 * defines (no trap, no flags). Operands below 2^53 in magnitude use a double division; larger
 * ones a 64-step shift-and-subtract on the halves.
 */
export function divide(aLo: number, aHi: number, bLo: number, bHi: number, signed: boolean, sf: boolean): void {
  if (!sf) {
    R[HI] = 0;
    if (bLo === 0) R[LO] = 0;
    else R[LO] = signed ? Math.trunc(aLo / bLo) | 0 : Math.floor((aLo >>> 0) / (bLo >>> 0)) | 0;
    return;
  }
  if ((bLo | bHi) === 0) {
    R[LO] = 0;
    R[HI] = 0;
    return;
  }
  let negative = false;
  if (signed && aHi < 0) { addc(~aLo, ~aHi, 1, 0, 0, true); aLo = R[LO]; aHi = R[HI]; negative = true; }
  if (signed && bHi < 0) { addc(~bLo, ~bHi, 1, 0, 0, true); bLo = R[LO]; bHi = R[HI]; negative = !negative; }
  const a = (aHi >>> 0) * TWO32 + (aLo >>> 0), b = (bHi >>> 0) * TWO32 + (bLo >>> 0);
  let qLo: number, qHi: number;
  if (a < EXACT && b < EXACT) {
    const q = Math.floor(a / b);
    qLo = q >>> 0;
    qHi = Math.floor(q / TWO32);
  } else {
    qLo = 0; qHi = 0;
    let rLo = 0, rHi = 0;
    for (let i = 63; i >= 0; i--) {
      rHi = (rHi << 1) | (rLo >>> 31);
      rLo = (rLo << 1) | ((i >= 32 ? aHi >>> (i - 32) : aLo >>> i) & 1);
      // r >= b (unsigned)?
      if ((rHi >>> 0) > (bHi >>> 0) || ((rHi >>> 0) === (bHi >>> 0) && (rLo >>> 0) >= (bLo >>> 0))) {
        addc(rLo, rHi, ~bLo, ~bHi, 1, true);
        rLo = R[LO]; rHi = R[HI];
        if (i >= 32) qHi |= 1 << (i - 32);
        else qLo |= 1 << i;
      }
    }
  }
  if (negative) { addc(~qLo, ~qHi, 1, 0, 0, true); return; }
  R[LO] = qLo | 0;
  R[HI] = qHi | 0;
}

/** Whether condition `cond` (Cond) holds for the flags nzcv. */
export function condHolds(nzcv: number, cond: number): boolean {
  const n = (nzcv >> 3) & 1, z = (nzcv >> 2) & 1, c = (nzcv >> 1) & 1, v = nzcv & 1;
  let r: boolean;
  switch (cond >> 1) {
    case 0: r = z === 1; break; // EQ
    case 1: r = c === 1; break; // CS
    case 2: r = n === 1; break; // MI
    case 3: r = v === 1; break; // VS
    case 4: r = c === 1 && z === 0; break; // HI
    case 5: r = n === v; break; // GE
    case 6: r = z === 0 && n === v; break; // GT
    default: return true; // AL, NV
  }
  return (cond & 1) === 1 ? !r : r;
}
