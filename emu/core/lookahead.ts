// What a promise lookahead records (emu/core/promises.ts): the choices it made, in order (they
// become the promising core's plan), and every write it made, with whether it could have been
// promised at that point.

/** Choice encoding in plans and lookahead records: a read's message (>= 0), or the core's own latest write. */
export const OWN_LATEST = -1;

/** A write seen during a lookahead, for choosing a promise. */
export class LookaheadWrites {
  length = 0;
  loc = new Int32Array(256);
  mask = new Int32Array(256);
  lo = new Int32Array(256);
  hi = new Int32Array(256);
  /** 1 if the write could be promised now (pre and coherence views within the log). */
  promisable = new Int32Array(256);
  /** Choices recorded before this write completed. */
  choicePos = new Int32Array(256);
  pc = new Int32Array(256);
  push(loc: number, mask: number, lo: number, hi: number, promisable: number, choicePos: number, pc: number): void {
    if (this.length === this.loc.length) return; // bounded by the lookahead length anyway
    const i = this.length++;
    this.loc[i] = loc;
    this.mask[i] = mask;
    this.lo[i] = lo;
    this.hi[i] = hi;
    this.promisable[i] = promisable;
    this.choicePos[i] = choicePos;
    this.pc[i] = pc;
  }
}
