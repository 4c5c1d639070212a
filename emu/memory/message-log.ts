// The shared memory of the machine: an append-only log of write messages (Promising-ARM's
// memory). A message's timestamp is its index (1-based; 0 stands for the initial value of every
// byte). A location is an 8-byte granule; a message is one write access and covers the byte
// lanes of its mask (an aligned access of 1, 2, 4 or 8 bytes lies in one granule), with its
// value lane-positioned in lo/hi (byte k of the granule at bits 8k.., other lanes 0).
// Messages to one granule, whatever their masks, form a doubly linked list in timestamp order;
// per byte, the messages covering it in that order are its coherence order (emu/README.md
// "Mixed-size accesses"). Columns are flat Int32Arrays so the log can live in a
// SharedArrayBuffer.
//
// Cores never append during an epoch's run phase; only the coordinator does, between epochs.
import { heapAlloc, type Alloc } from './alloc.ts';

/** Message flag bits. */
export const MSG_PROMISE = 1; // appended as a promise (still outstanding or since fulfilled)
export const MSG_KERNEL = 2; // written by the kernel (futex/eventfd emulation)

/** Bit of shape[g] for a granule written with more than one lane mask (its low 8 bits are
 * then the union of the masks: the lanes ever written). */
export const SHAPE_MIXED = 0x100;

/** Lanes of a 64-bit value (lo, hi) outside mask R cleared. */
export function maskLo(lo: number, R: number): number {
  const m = R & 0xf;
  return m === 0xf ? lo : m === 0 ? 0 : lo & (((m & 1) !== 0 ? 0xff : 0) | ((m & 2) !== 0 ? 0xff00 : 0) | ((m & 4) !== 0 ? 0xff0000 : 0) | ((m & 8) !== 0 ? 0xff000000 : 0));
}

export function maskHi(hi: number, R: number): number {
  return maskLo(hi, R >>> 4);
}

export class MessageLog {
  /** Number of messages; timestamps run 1..length. */
  length = 0;
  capacity: number;
  loc: Int32Array;
  lo: Int32Array;
  hi: Int32Array;
  tid: Int32Array;
  /** Epoch in which the message was appended (fairness). */
  tick: Int32Array;
  /** Previous / next message to the same location (0 = none). */
  prev: Int32Array;
  next: Int32Array;
  flags: Int32Array;
  /** Instruction (pc) that wrote the message, for explanations. */
  pc: Int32Array;
  /** Byte lanes of its granule the message covers (bit k: byte k). */
  mask: Int32Array;
  /** Rolling hash and count of every message appended, in order (the trace survives pruning). */
  appended = 0;
  hashA = 0;
  hashB = 0;
  /** Per location: newest and oldest message (0 = none: the initial value is newest). */
  latest: Int32Array;
  first: Int32Array;
  /** Per location: the lanes whose initial value pruning removed (no longer readable). */
  initGone: Int32Array;
  /** Per location: 0 (never written), the one lane mask every message so far had, or
   * SHAPE_MIXED | the union of the masks (so shape & 0xff is always the lanes ever written). Reads and writes of a granule whose messages all have their own footprint
   * take the uniform path (one message per read, today's candidates and draws). */
  shape: Int32Array;
  /** Initial value of every location. */
  initLo: Int32Array;
  initHi: Int32Array;

  /** Granules whose shape is SHAPE_MIXED (pruning takes its single-size path while 0). */
  mixedGranules = 0;

  /** Bumped whenever the columns are reallocated (workers must pick up the new buffers). */
  generation = 0;
  private readonly alloc: Alloc;

  constructor(initLo: Int32Array, initHi: Int32Array, capacity = 1024, alloc: Alloc = heapAlloc) {
    this.alloc = alloc;
    this.capacity = capacity;
    this.loc = alloc(capacity + 1);
    this.lo = alloc(capacity + 1);
    this.hi = alloc(capacity + 1);
    this.tid = alloc(capacity + 1);
    this.tick = alloc(capacity + 1);
    this.prev = alloc(capacity + 1);
    this.next = alloc(capacity + 1);
    this.flags = alloc(capacity + 1);
    this.pc = alloc(capacity + 1);
    this.mask = alloc(capacity + 1);
    this.latest = alloc(initLo.length);
    this.first = alloc(initLo.length);
    this.initGone = alloc(initLo.length);
    this.shape = alloc(initLo.length);
    this.initLo = alloc(initLo.length);
    this.initHi = alloc(initHi.length);
    this.initLo.set(initLo);
    this.initHi.set(initHi);
  }

  /** The column buffers, for handing to a worker. */
  columns(): Int32Array[] {
    return [this.loc, this.lo, this.hi, this.tid, this.tick, this.prev, this.next, this.flags, this.pc, this.mask, this.latest, this.first, this.initGone, this.shape, this.initLo, this.initHi];
  }

  /** A read-only view of another log's columns (a worker's view of the coordinator's log). */
  static view(cols: Int32Array[], capacity: number): MessageLog {
    const log = Object.create(MessageLog.prototype) as MessageLog;
    log.adopt(cols, capacity);
    return log;
  }

  adopt(cols: Int32Array[], capacity: number): void {
    [this.loc, this.lo, this.hi, this.tid, this.tick, this.prev, this.next, this.flags, this.pc, this.mask, this.latest, this.first, this.initGone, this.shape, this.initLo, this.initHi] = cols;
    this.capacity = capacity;
  }

  get locations(): number {
    return this.initLo.length;
  }

  reset(): void {
    this.length = 0;
    this.appended = 0;
    this.hashA = 0x811c9dc5;
    this.hashB = 0x01000193;
    this.latest.fill(0);
    this.first.fill(0);
    this.initGone.fill(0);
    this.shape.fill(0);
    this.mixedGranules = 0;
  }

  /** Appends a write of mask R to granule loc (value lane-positioned); returns its timestamp. */
  append(loc: number, R: number, lo: number, hi: number, tid: number, tick: number, flags: number, pc: number): number {
    if (this.length === this.capacity) this.grow();
    const t = ++this.length;
    this.appended++;
    this.pc[t] = pc;
    this.mask[t] = R;
    if (this.shape[loc] !== R) this.reshape(loc, R);
    let a = this.hashA, b = this.hashB;
    // The mask enters the hash only where hangar could not write it before mixed sizes (byte
    // and halfword stores): a 64-bit or a 32-bit store hashes as it always did.
    if (R !== 0xff && R !== 0x0f && R !== 0xf0) a = Math.imul(a ^ (R << 8), 0x01000193);
    a = Math.imul(a ^ loc, 0x01000193); b = Math.imul(b ^ lo, 0x5bd1e995);
    a = Math.imul(a ^ hi, 0x01000193); b = Math.imul(b ^ tid, 0x5bd1e995);
    a = Math.imul(a ^ tick, 0x01000193); b = Math.imul((b ^ (b >>> 15)) + a, 0x5bd1e995);
    this.hashA = a;
    this.hashB = b;
    this.loc[t] = loc;
    this.lo[t] = lo;
    this.hi[t] = hi;
    this.tid[t] = tid;
    this.tick[t] = tick;
    this.flags[t] = flags;
    this.link(t, loc);
    return t;
  }

  /** A message of mask R to loc, whose shape is not R: the first, or a mixed granule. */
  private reshape(loc: number, R: number): void {
    const sh = this.shape[loc];
    if (sh === 0) {
      this.shape[loc] = R;
      return;
    }
    if ((sh & SHAPE_MIXED) === 0) this.mixedGranules++;
    this.shape[loc] = SHAPE_MIXED | sh | R;
  }

  /** Makes t the newest message of loc in the per-location lists. */
  link(t: number, loc: number): void {
    const p = this.latest[loc];
    this.prev[t] = p;
    this.next[t] = 0;
    if (p !== 0) this.next[p] = t;
    else this.first[loc] = t;
    this.latest[loc] = t;
  }

  /** The newest message to `loc` with timestamp ≤ t (0 = the initial value), whatever its lanes. */
  lastAtOrBefore(loc: number, t: number): number {
    let m = this.latest[loc];
    while (m > t) m = this.prev[m];
    return m;
  }

  /** The message after m (0 = the initial value) in loc's coherence order, 0 if none. */
  successor(loc: number, m: number): number {
    return m === 0 ? this.first[loc] : this.next[m];
  }

  valueLo(loc: number, m: number): number {
    return m === 0 ? this.initLo[loc] : this.lo[m];
  }

  valueHi(loc: number, m: number): number {
    return m === 0 ? this.initHi[loc] : this.hi[m];
  }

  /** The newest byte of every lane of loc, as (lo, hi): each from the newest message covering
   * it, or the initial value (the kernel's view of a word, the final memory). */
  newestBytes(loc: number): [number, number] {
    let lo = 0, hi = 0, left = 0xff;
    for (let m = this.latest[loc]; m !== 0 && left !== 0; m = this.prev[m]) {
      const take = this.mask[m] & left;
      if (take === 0) continue;
      lo |= maskLo(this.lo[m], take);
      hi |= maskHi(this.hi[m], take);
      left &= ~take;
    }
    if (left !== 0) {
      lo |= maskLo(this.initLo[loc], left);
      hi |= maskHi(this.initHi[loc], left);
    }
    return [lo, hi];
  }

  /** Does message t change a byte of its lanes, against the newest value of each before it? */
  changesValue(t: number): boolean {
    const loc = this.loc[t];
    let left = this.mask[t];
    const p = this.prev[t];
    // The common case: the previous message has the same lanes (values outside them are 0).
    if (p !== 0 && this.mask[p] === left) return this.lo[p] !== this.lo[t] || this.hi[p] !== this.hi[t];
    for (let m = this.prev[t]; m !== 0 && left !== 0; m = this.prev[m]) {
      const take = this.mask[m] & left;
      if (take === 0) continue;
      if (maskLo(this.lo[m] ^ this.lo[t], take) !== 0 || maskHi(this.hi[m] ^ this.hi[t], take) !== 0) return true;
      left &= ~take;
    }
    return left !== 0 && (maskLo(this.initLo[loc] ^ this.lo[t], left) !== 0 || maskHi(this.initHi[loc] ^ this.hi[t], left) !== 0);
  }

  private grow(): void {
    const cap = this.capacity * 2;
    const g = (a: Int32Array): Int32Array => {
      const b = this.alloc(cap + 1);
      b.set(a);
      return b;
    };
    this.loc = g(this.loc);
    this.lo = g(this.lo);
    this.hi = g(this.hi);
    this.tid = g(this.tid);
    this.tick = g(this.tick);
    this.prev = g(this.prev);
    this.next = g(this.next);
    this.flags = g(this.flags);
    this.pc = g(this.pc);
    this.mask = g(this.mask);
    this.capacity = cap;
    this.generation++;
  }
}
