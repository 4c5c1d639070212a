// Seeded, splittable randomness. Every random choice the machine makes comes from a stream
// keyed by (trial seed, attempt, core, epoch, purpose): a core's stream for an epoch does not
// depend on what any other stream produced, so the order in which cores (or workers) run an
// epoch can never change a choice. The generator itself is pure-rand's xoroshiro128+.
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';

export interface Rng {
  /** Uniform int in [-2^31, 2^31). */
  next(): number;
}

/** Purposes: which decision a stream feeds. Distinct keys give independent streams. */
export enum Purpose {
  BUDGET = 1,
  RUN = 2,
  MERGE = 3,
  BOUNDARY_ORDER = 4,
  BOUNDARY = 5,
  LOOKAHEAD = 6,
  TRIAL = 7,
  PARAMS = 8,
}

/** murmur3's 32-bit finaliser: a bijective avalanche mix. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Hash of a key tuple (each element an int32), seeded by `salt`. */
export function hashKey(salt: number, a: number, b: number, c: number, d: number, e: number): number {
  let h = fmix32(salt ^ 0x9e3779b9);
  h = fmix32(h ^ Math.imul(a | 0, 0xcc9e2d51));
  h = fmix32(h ^ Math.imul(b | 0, 0x1b873593));
  h = fmix32(h ^ Math.imul(c | 0, 0xe6546b64));
  h = fmix32(h ^ Math.imul(d | 0, 0x85ebca6b));
  h = fmix32(h ^ Math.imul(e | 0, 0xc2b2ae35));
  return h;
}

/** A fresh stream for one key. Seeds are integers in [0, 2^53). */
export function stream(seed: number, attempt: number, core: number, epoch: number, purpose: Purpose): Rng {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const h = hashKey(lo, hi, attempt, core, epoch, purpose);
  // Expand one well-mixed key into the generator's 128-bit state (never all zero).
  const s0 = fmix32(h ^ 0x243f6a88);
  const s1 = fmix32(h + 0x85a308d3);
  const s2 = fmix32(h ^ 0x13198a2e);
  const s3 = fmix32(h + 0x03707344) | 1;
  return xoroshiro128plusFromState([s0, s1, s2, s3]);
}

/** Uniform int in [0, n) for n ≤ 2^31. The modulo bias is below 2^-20 for the n used here. */
export function below(rng: Rng, n: number): number {
  return (rng.next() & 0x7fffffff) % n;
}

/** True with probability p. */
export function chance(rng: Rng, p: number): boolean {
  return (rng.next() >>> 0) < p * 4294967296;
}

/** Derives the seed of trial i of a campaign or litmus run started with seed S. */
export function trialSeed(seed: number, trial: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const a = hashKey(lo, hi, trial, 0x7415, 0, Purpose.TRIAL) >>> 0;
  const b = hashKey(a, lo, hi, trial, 1, Purpose.TRIAL) >>> 0;
  // 48 bits: printable, exact in a double, and collisions are negligible.
  return (b & 0xffff) * 4294967296 + a;
}

/** Parses a user-given seed: a non-negative integer below 2^53. */
export function parseSeed(text: string): number | undefined {
  if (!/^\d{1,16}$/.test(text.trim())) return undefined;
  const n = Number(text.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}
