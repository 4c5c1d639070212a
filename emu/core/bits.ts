// Bit operations of the core step on 32-bit halves: bitfield moves (UBFM/SBFM/BFM and their
// aliases), EXTR, bit counts (CLZ/CLS), bit and byte reversal (RBIT, REV, REV16, REV32).
// Like arith.ts, results go into the scratch array R (R[LO], R[HI]); nothing allocates.
// Semantics: Arm ARM (DDI 0487), the pseudocode of each instruction (DecodeBitMasks for the
// bitfield moves, written here as their field-extract / field-insert meaning).
import { Shift } from '../../isa/instructions.ts';
import { HI, LO, R, shift } from './arith.ts';

const LSL = Shift.LSL, LSR = Shift.LSR;

/** Which bitfield move: replace the register with the zero- or sign-extended field, or insert. */
export const UBFM = 0, SBFM = 1, BFM = 2;

/** Low word of a mask of the low n bits (n = 0..64). */
function onesLo(n: number): number {
  return n >= 32 ? -1 : n <= 0 ? 0 : (-1 >>> (32 - n)) | 0;
}

/** High word of a mask of the low n bits (n = 0..64). */
function onesHi(n: number): number {
  return n <= 32 ? 0 : n >= 64 ? -1 : (-1 >>> (64 - n)) | 0;
}

/**
 * UBFM / SBFM / BFM Rd, Rn, #r, #s on M = 64 (sf) or 32 bits, into R. With s >= r the field is
 * bits s..r of n, placed at bit 0 (UBFX, SBFX, BFXIL, and LSR/ASR #r with s = M-1); with s < r it
 * is bits s..0 of n, placed at bit M-r (UBFIZ, SBFIZ, BFI, LSL). UBFM zero-extends the field,
 * SBFM sign-extends it from its top bit, BFM writes it into d, keeping d's other bits.
 */
export function bitfield(kind: number, nLo: number, nHi: number, dLo: number, dHi: number, r: number, s: number, sf: boolean): void {
  const m = sf ? 64 : 32;
  let width: number, pos: number, fLo: number, fHi: number;
  if (s >= r) {
    width = s - r + 1;
    pos = 0;
    shift(nLo, nHi, LSR, r, sf);
    fLo = R[LO];
    fHi = R[HI];
  } else {
    width = s + 1;
    pos = m - r;
    fLo = nLo;
    fHi = sf ? nHi : 0;
  }
  const mLo = onesLo(width), mHi = onesHi(width);
  fLo &= mLo;
  fHi &= mHi;
  if (kind === SBFM && width < m) {
    const top = width - 1;
    const sign = (top < 32 ? fLo >>> top : fHi >>> (top - 32)) & 1;
    if (sign !== 0) {
      fLo |= ~mLo;
      fHi = sf ? fHi | ~mHi : 0;
    }
  }
  shift(fLo, fHi, LSL, pos, sf);
  fLo = R[LO];
  fHi = R[HI];
  if (kind !== BFM) return; // R holds the placed field
  shift(mLo, mHi, LSL, pos, sf);
  const kLo = R[LO], kHi = R[HI];
  R[LO] = (dLo & ~kLo) | fLo;
  R[HI] = sf ? (dHi & ~kHi) | fHi : 0;
}

/** EXTR Rd, Rn, Rm, #lsb: bits lsb+M-1..lsb of the concatenation n:m, into R. */
export function extract(nLo: number, nHi: number, mLo: number, mHi: number, lsb: number, sf: boolean): void {
  if (lsb === 0) {
    R[LO] = mLo;
    R[HI] = sf ? mHi : 0;
    return;
  }
  if (!sf) {
    R[LO] = (mLo >>> lsb) | (nLo << (32 - lsb));
    R[HI] = 0;
    return;
  }
  shift(mLo, mHi, LSR, lsb, true);
  const aLo = R[LO], aHi = R[HI];
  shift(nLo, nHi, LSL, 64 - lsb, true);
  R[LO] |= aLo;
  R[HI] |= aHi;
}

/** CLZ: leading zero bits of the 64- or 32-bit value. */
export function countLeadingZeros(lo: number, hi: number, sf: boolean): number {
  if (!sf) return Math.clz32(lo);
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

/** CLS: leading bits after the sign bit that equal it (the Arm ARM's CountLeadingSignBits:
 * CLZ of x<M-1:1> EOR x<M-2:0>, an M-1 bit value). */
export function countLeadingSigns(lo: number, hi: number, sf: boolean): number {
  if (!sf) return Math.clz32((lo ^ (lo >>> 1)) & 0x7fffffff) - 1;
  const zLo = lo ^ ((lo >>> 1) | (hi << 31));
  const zHi = (hi ^ (hi >>> 1)) & 0x7fffffff;
  return countLeadingZeros(zLo, zHi, true) - 1;
}

function reverseBits32(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  return reverseBytes32(x);
}

function reverseBytes32(x: number): number {
  return ((x >>> 24) | ((x >>> 8) & 0xff00) | ((x & 0xff00) << 8) | (x << 24)) | 0;
}

function reverseHalfwordBytes(x: number): number {
  return (((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8)) | 0;
}

/** RBIT: the bits in reverse order, into R. */
export function reverseBits(lo: number, hi: number, sf: boolean): void {
  if (!sf) {
    R[LO] = reverseBits32(lo);
    R[HI] = 0;
    return;
  }
  R[LO] = reverseBits32(hi);
  R[HI] = reverseBits32(lo);
}

/** Which byte reversal: the whole register, each halfword, each word (X only). */
export const REV_ALL = 0, REV_HALVES = 1, REV_WORDS = 2;

/** REV / REV16 / REV32, into R. */
export function reverseBytes(kind: number, lo: number, hi: number, sf: boolean): void {
  if (kind === REV_HALVES) {
    R[LO] = reverseHalfwordBytes(lo);
    R[HI] = sf ? reverseHalfwordBytes(hi) : 0;
  } else if (kind === REV_WORDS || !sf) {
    R[LO] = reverseBytes32(lo);
    R[HI] = sf ? reverseBytes32(hi) : 0;
  } else {
    R[LO] = reverseBytes32(hi);
    R[HI] = reverseBytes32(lo);
  }
}
