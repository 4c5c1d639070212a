// A core's own writes that are not yet in the shared log: during an epoch's run phase (merged
// by the coordinator at the end of the epoch) and during a promise lookahead (thrown away).
// Entry i has the provisional timestamp base + i + 1.
import { heapAlloc, type Alloc } from './alloc.ts';

export class WriteBuffer {
  /** meta[0] = number of entries (a shared word, so the coordinator sees a worker's count). */
  readonly meta: Int32Array;
  loc: Int32Array;
  lo: Int32Array;
  hi: Int32Array;
  /** The byte lanes of the granule the write covers (its value is lane-positioned). */
  mask: Int32Array;
  /** The storing instruction. */
  pc: Int32Array;
  private readonly alloc: Alloc;

  constructor(capacity = 64, alloc: Alloc = heapAlloc, cols?: Int32Array[]) {
    this.alloc = alloc;
    if (cols) {
      [this.meta, this.loc, this.lo, this.hi, this.mask, this.pc] = cols;
      return;
    }
    this.meta = alloc(1);
    this.loc = alloc(capacity);
    this.lo = alloc(capacity);
    this.hi = alloc(capacity);
    this.mask = alloc(capacity);
    this.pc = alloc(capacity);
  }

  columns(): Int32Array[] {
    return [this.meta, this.loc, this.lo, this.hi, this.mask, this.pc];
  }

  get length(): number {
    return this.meta[0];
  }

  clear(): void {
    this.meta[0] = 0;
  }

  push(loc: number, mask: number, lo: number, hi: number, pc: number): number {
    const i = this.meta[0];
    if (i === this.loc.length) this.grow();
    this.meta[0] = i + 1;
    this.loc[i] = loc;
    this.lo[i] = lo;
    this.hi[i] = hi;
    this.mask[i] = mask;
    this.pc[i] = pc;
    return i;
  }

  private grow(): void {
    // Run-phase buffers are sized for the largest budget and never grow; lookahead ones may.
    const g = (a: Int32Array): Int32Array => {
      const b = this.alloc(a.length * 2);
      b.set(a);
      return b;
    };
    this.loc = g(this.loc);
    this.lo = g(this.lo);
    this.hi = g(this.hi);
    this.mask = g(this.mask);
    this.pc = g(this.pc);
  }
}
