// Seeded, splittable randomness. Every random choice the machine makes comes from a stream
// keyed by (trial seed, attempt, core, epoch, purpose): a core's stream for an epoch does not
// depend on what any other stream produced, so the order in which cores (or workers) run an
// epoch can never change a choice.
//
// The generator is xoroshiro128+ (Blackman and Vigna, "Scrambled linear pseudorandom number
// generators", ACM TOMS 2021): 128 bits of state, output the low 32 bits of s0 + s1. It is
// written here in place (Stream.reset re-keys an existing stream), so the run phase, the merge
// and the boundary ops allocate no generator per core and epoch; its output is bit for bit
// that of pure-rand's xoroshiro128plusFromState over the same state (test/prng.test.ts).

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
  return hashTail(hashHead(salt, a, b), c, d, e);
}

// hashKey in two halves: a stream re-keyed many times per trial (per core and epoch) keeps the
// head of (seed, attempt), which changes once per trial, and hashes only the tail.
function hashHead(salt: number, a: number, b: number): number {
  let h = fmix32(salt ^ 0x9e3779b9);
  h = fmix32(h ^ Math.imul(a | 0, 0xcc9e2d51));
  return fmix32(h ^ Math.imul(b | 0, 0x1b873593));
}

function hashTail(h: number, c: number, d: number, e: number): number {
  h = fmix32(h ^ Math.imul(c | 0, 0xe6546b64));
  h = fmix32(h ^ Math.imul(d | 0, 0x85ebca6b));
  return fmix32(h ^ Math.imul(e | 0, 0xc2b2ae35));
}

/** A keyed xoroshiro128+ stream that can be re-keyed in place. */
export class Stream implements Rng {
  // The state as 32-bit halves: s0 = (s0hi, s0lo), s1 = (s1hi, s1lo).
  private s0hi = 0;
  private s0lo = 0;
  private s1hi = 0;
  private s1lo = 0;

  // The key head of the last (seed, attempt) (see hashHead); seed -1 is never a seed.
  private headSeed = -1;
  private headAttempt = 0;
  private head = 0;

  /** Re-keys the stream to (seed, attempt, core, epoch, purpose). Seeds are integers in [0, 2^53). */
  reset(seed: number, attempt: number, core: number, epoch: number, purpose: Purpose): this {
    if (seed !== this.headSeed || attempt !== this.headAttempt) {
      this.head = hashHead(seed >>> 0, Math.floor(seed / 4294967296) >>> 0, attempt);
      this.headSeed = seed;
      this.headAttempt = attempt;
    }
    const h = hashTail(this.head, core, epoch, purpose);
    // Expand one well-mixed key into the 128-bit state (never all zero).
    this.setState(fmix32(h ^ 0x243f6a88), fmix32(h + 0x85a308d3), fmix32(h ^ 0x13198a2e), fmix32(h + 0x03707344) | 1);
    return this;
  }

  /** Sets the state to the words pure-rand's xoroshiro128plusFromState takes: [s0 high, s0 low, s1 high, s1 low]. */
  setState(s0hi: number, s0lo: number, s1hi: number, s1lo: number): void {
    this.s0hi = s0hi | 0;
    this.s0lo = s0lo | 0;
    this.s1hi = s1hi | 0;
    this.s1lo = s1lo | 0;
  }

  next(): number {
    const s0hi = this.s0hi, s0lo = this.s0lo;
    const out = (s0lo + this.s1lo) | 0; // the low word of s0 + s1
    // s1 ^= s0; s0 = rotl(s0, 24) ^ s1 ^ (s1 << 16); s1 = rotl(s1, 37)
    const xhi = this.s1hi ^ s0hi, xlo = this.s1lo ^ s0lo;
    this.s0hi = (s0hi << 24) ^ (s0lo >>> 8) ^ xhi ^ ((xhi << 16) | (xlo >>> 16));
    this.s0lo = (s0lo << 24) ^ (s0hi >>> 8) ^ xlo ^ (xlo << 16);
    this.s1hi = (xlo << 5) ^ (xhi >>> 27);
    this.s1lo = (xhi << 5) ^ (xlo >>> 27);
    return out;
  }
}

/** A fresh stream for one key (allocates: for per-trial draws; the step re-keys its streams). */
export function stream(seed: number, attempt: number, core: number, epoch: number, purpose: Purpose): Stream {
  return new Stream().reset(seed, attempt, core, epoch, purpose);
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
