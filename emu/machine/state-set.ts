// The architectural states one core had at the epoch boundaries of a quiet period (the hang
// detector's spin check): exact fingerprints in a flat arena with an open-addressing index, so
// that checking a boundary costs a hash over the core's registers and allocates nothing, and
// forgetting them all (a value changed) is a counter bump. Equality is exact, word by word:
// a hash collision can never pass for a repeated state.
import * as cs from '../core/core-state.ts';
import type { CoreState } from '../core/core-state.ts';

const { S } = cs; // local aliases: see emu/core/access.ts

/** Fingerprint words before the registers: pc, flags, the exclusive monitor's address (or -1),
 * the effects count, TPIDR_EL0's halves. */
const HEAD = 6;

export class StateSet {
  /** Words per fingerprint: HEAD, then every register's halves. */
  private readonly words: number;
  /** At most `limit` states: a new one beyond them starts the set over. */
  private readonly limit: number;
  /** Entries: the fingerprint's words, then the step count when first seen. */
  private arena: Int32Array;
  /** Per entry: its hash (compared before the words; rehashing does not recompute it). */
  private hashes = new Int32Array(32);
  private count = 0;
  /** Index slot → entry + 1, valid when its stamp is the current one. */
  private slots = new Int32Array(64);
  private stamps = new Int32Array(64);
  private stamp = 1;
  /** Scratch: the fingerprint being looked up. */
  private readonly key: Int32Array;

  constructor(regs: number, limit: number) {
    this.limit = limit;
    this.words = HEAD + 2 * regs;
    this.key = new Int32Array(this.words);
    this.arena = new Int32Array(32 * (this.words + 1));
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.count = 0;
    this.stamp++;
  }

  /** After seen() found the state: the core's step count when the state was first recorded. */
  firstSteps = 0;

  /** Whether the core's current state was seen before in this period (then firstSteps says
   * when); a new state is recorded with the core's current step count. */
  seen(c: CoreState): boolean {
    const k = this.key;
    const st = c.s;
    const lo = c.regLo, hi = c.regHi;
    k[0] = st[S.PC];
    k[1] = st[S.NZCV];
    k[2] = st[S.XCL_LOC] >= 0 ? st[S.XCL_ADDR] : -1;
    k[3] = st[S.EFFECTS];
    k[4] = st[S.TPIDR_LO];
    k[5] = st[S.TPIDR_HI];
    let h = 0x811c9dc5;
    for (let i = 0; i < HEAD; i++) h = Math.imul(h ^ k[i], 0x01000193);
    for (let r = 0, n = lo.length; r < n; r++) {
      const a = lo[r], b = hi[r];
      k[HEAD + 2 * r] = a;
      k[HEAD + 1 + 2 * r] = b;
      h = Math.imul(Math.imul(h ^ a, 0x01000193) ^ b, 0x01000193);
    }
    h ^= h >>> 15;
    const mask = this.slots.length - 1;
    const stride = this.words + 1;
    const arena = this.arena;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      if (this.stamps[s] !== this.stamp) {
        if (this.count >= this.limit) {
          this.clear();
          s = h & mask; // every slot is free now: the state's own
        }
        this.insert(s, h, st[S.STEPS]);
        return false;
      }
      const e = this.slots[s] - 1;
      if (this.hashes[e] !== h) continue; // a different state (equal hashes: compare the words)
      const o = e * stride;
      let i = 0;
      while (i < this.words && arena[o + i] === k[i]) i++;
      if (i === this.words) {
        this.firstSteps = arena[o + this.words];
        return true;
      }
    }
  }

  private insert(slot: number, hash: number, steps: number): void {
    const stride = this.words + 1;
    if ((this.count + 1) * stride > this.arena.length) {
      const a = new Int32Array(this.arena.length * 2);
      a.set(this.arena);
      this.arena = a;
      const h = new Int32Array(this.hashes.length * 2);
      h.set(this.hashes);
      this.hashes = h;
    }
    const o = this.count * stride;
    this.arena.set(this.key, o);
    this.arena[o + this.words] = steps;
    this.hashes[this.count] = hash;
    this.count++;
    this.slots[slot] = this.count;
    this.stamps[slot] = this.stamp;
    if (this.count * 2 > this.slots.length) this.rehash();
  }

  /** Doubles the index (the arena keeps its order). */
  private rehash(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size);
    this.stamps = new Int32Array(size);
    this.stamp = 1;
    const mask = size - 1;
    for (let e = 0; e < this.count; e++) {
      let s = this.hashes[e] & mask;
      while (this.stamps[s] === this.stamp) s = (s + 1) & mask;
      this.slots[s] = e + 1;
      this.stamps[s] = this.stamp;
    }
  }
}
