// The shared memory of the machine: an append-only log of write messages (Promising-ARM's
// memory). A message's timestamp is its index (1-based; 0 stands for the initial value of every
// location). Messages to one location form a doubly linked list in coherence order, which is
// timestamp order. Columns are flat Int32Arrays so the log can live in a SharedArrayBuffer.
//
// Cores never append during an epoch's run phase; only the coordinator does, between epochs.
import { heapAlloc, type Alloc } from './alloc.ts';

/** Message flag bits. */
export const MSG_PROMISE = 1; // appended as a promise (still outstanding or since fulfilled)
export const MSG_KERNEL = 2; // written by the kernel (futex/eventfd emulation)

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
  /** Rolling hash and count of every message appended, in order (the trace survives pruning). */
  appended = 0;
  hashA = 0;
  hashB = 0;
  /** Per location: newest and oldest message (0 = none: the initial value is newest). */
  latest: Int32Array;
  first: Int32Array;
  /** Per location: 1 once pruning removed the initial value (no longer readable). */
  initGone: Int32Array;
  /** Initial value of every location. */
  initLo: Int32Array;
  initHi: Int32Array;

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
    this.latest = alloc(initLo.length);
    this.first = alloc(initLo.length);
    this.initGone = alloc(initLo.length);
    this.initLo = alloc(initLo.length);
    this.initHi = alloc(initHi.length);
    this.initLo.set(initLo);
    this.initHi.set(initHi);
  }

  /** The column buffers, for handing to a worker. */
  columns(): Int32Array[] {
    return [this.loc, this.lo, this.hi, this.tid, this.tick, this.prev, this.next, this.flags, this.pc, this.latest, this.first, this.initGone, this.initLo, this.initHi];
  }

  /** A read-only view of another log's columns (a worker's view of the coordinator's log). */
  static view(cols: Int32Array[], capacity: number): MessageLog {
    const log = Object.create(MessageLog.prototype) as MessageLog;
    log.adopt(cols, capacity);
    return log;
  }

  adopt(cols: Int32Array[], capacity: number): void {
    [this.loc, this.lo, this.hi, this.tid, this.tick, this.prev, this.next, this.flags, this.pc, this.latest, this.first, this.initGone, this.initLo, this.initHi] = cols;
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
  }

  append(loc: number, lo: number, hi: number, tid: number, tick: number, flags: number, pc: number): number {
    if (this.length === this.capacity) this.grow();
    const t = ++this.length;
    this.appended++;
    this.pc[t] = pc;
    let a = this.hashA, b = this.hashB;
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

  /** Makes t the newest message of loc in the per-location lists. */
  link(t: number, loc: number): void {
    const p = this.latest[loc];
    this.prev[t] = p;
    this.next[t] = 0;
    if (p !== 0) this.next[p] = t;
    else this.first[loc] = t;
    this.latest[loc] = t;
  }

  /** The newest message to `loc` with timestamp ≤ t (0 = the initial value). */
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
    this.capacity = cap;
    this.generation++;
  }
}
