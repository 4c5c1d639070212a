// Keeping long runs in bounded memory: drop the messages no core can ever read again.
//
// A non-newest message m is readable only while the message after it is younger than the
// fairness horizon (emu/README.md §Fairness); epochs only advance, so once
// `now - tick(succ(m)) >= K` it never will be again, and neither will any older message to
// the same location (ticks grow with timestamps). Those messages are removed, the survivors
// renumbered 1..n', and every stored view v becomes rank(v) = the number of survivors with
// timestamp <= v. Views are only ever compared with timestamps of messages that can still
// matter, and rank preserves every such comparison (for a survivor t: v < t iff rank(v) <
// rank(t)), so no choice any core can make changes: pruning is invisible in the trace (the
// traceHash is a rolling hash of appends, so it is the same with and without pruning).
// Pruning is skipped while any core holds a promise (promise timestamps must stay exact).
//
// Mixed sizes: coherence is per byte, so a message is kept while some byte lane of it is
// still readable: it is the newest message covering the lane, or the next message covering
// the lane is within the horizon. In a granule whose messages all cover the same lanes the
// next covering message is simply the next one, as above. A lane's initial value is gone once
// the first message covering it is older than the horizon.
import { NUM_REGS } from '../../isa/instructions.ts';
import { CoreState, LANE_WORDS, L_COH, L_FWD_P, L_FWD_TS, L_FWD_V, L_FWD_X, S, SLOT_WORDS, TIMESTAMP_SLOTS, XCL_LANE_SLOTS } from '../core/core-state.ts';
import { SHAPE_MIXED, type MessageLog } from '../memory/message-log.ts';

export class Pruner {
  /** Prune when the log is at least this long and has doubled since the last pruning. */
  private next: number;
  private rank = new Int32Array(0);
  private keep = new Uint8Array(0);
  private readonly laneTick = new Int32Array(8);
  /** Total messages dropped (for reports). */
  dropped = 0;

  constructor(private readonly minLength = 4096) {
    this.next = minLength;
  }

  reset(): void {
    this.next = this.minLength;
    this.dropped = 0;
  }

  /** Prunes if due (`extraViews` applies the renumbering to views held outside the cores); returns whether it did. */
  maybePrune(log: MessageLog, cores: CoreState[], now: number, horizon: number, extraViews: (map: (v: number) => number) => void): boolean {
    if (log.length < this.next) return false;
    for (const c of cores) if (c.s[S.N_PROM] !== 0) return false;
    const n = log.length;
    if (this.rank.length < n + 1) this.rank = new Int32Array(2 * n + 2);
    const rank = this.rank;
    // Mark: a message survives if it is the newest of its location or its successor is
    // still within the horizon (per lane in a granule of mixed footprints).
    let kept = 0;
    rank[0] = 0;
    if (log.mixedGranules === 0) {
      for (let t = 1; t <= n; t++) {
        const s = log.next[t];
        const keep = s === 0 || now - log.tick[s] < horizon;
        if (keep) kept++;
        rank[t] = keep ? kept : -kept - 1; // negative: dropped (rank of the survivor below is -r-1)
      }
    } else {
      if (this.keep.length < n + 1) this.keep = new Uint8Array(2 * n + 2);
      const keepOf = this.keep;
      for (let t = 1; t <= n; t++) {
        if ((log.shape[log.loc[t]] & SHAPE_MIXED) !== 0) continue;
        const s = log.next[t];
        keepOf[t] = s === 0 || now - log.tick[s] < horizon ? 1 : 0;
      }
      for (let loc = 0; loc < log.latest.length; loc++) if ((log.shape[loc] & SHAPE_MIXED) !== 0) markMixed(log, loc, now, horizon, keepOf, this.laneTick);
      for (let t = 1; t <= n; t++) {
        const keep = keepOf[t] === 1;
        if (keep) kept++;
        rank[t] = keep ? kept : -kept - 1;
      }
    }
    if (kept === n) {
      this.next = 2 * n;
      return false;
    }
    const map = (v: number): number => (v <= 0 ? v : rank[v] >= 0 ? rank[v] : -rank[v] - 1);
    // Initial values whose first overwrite is beyond the horizon are gone too (per lane).
    for (let loc = 0; loc < log.latest.length; loc++) {
      const sh = log.shape[loc];
      let left = sh & 0xff & ~log.initGone[loc];
      for (let f = log.first[loc]; f !== 0 && left !== 0; f = log.next[f]) {
        const lanes = log.mask[f] & left;
        if (lanes === 0) continue;
        if (now - log.tick[f] >= horizon) log.initGone[loc] |= lanes;
        left &= ~log.mask[f];
      }
    }
    // Compact the columns in place (new index <= old index) and relink per location.
    log.latest.fill(0);
    log.first.fill(0);
    for (let t = 1; t <= n; t++) {
      const r = rank[t];
      if (r < 0) continue;
      const loc = log.loc[t];
      log.loc[r] = loc;
      log.lo[r] = log.lo[t];
      log.hi[r] = log.hi[t];
      log.tid[r] = log.tid[t];
      log.tick[r] = log.tick[t];
      log.flags[r] = log.flags[t];
      log.pc[r] = log.pc[t];
      log.mask[r] = log.mask[t];
      log.link(r, loc);
    }
    log.length = kept;
    for (const c of cores) remapCore(c, map, rank);
    extraViews(map);
    this.dropped += n - kept;
    this.next = Math.max(this.minLength, 2 * kept);
    return true;
  }
}

/** keep[t] for the messages of a granule of mixed footprints: newest to oldest, with the tick
 * of the next message covering each lane (-1: none yet). */
function markMixed(log: MessageLog, loc: number, now: number, horizon: number, keep: Uint8Array, laneTick: Int32Array): void {
  laneTick.fill(-1);
  for (let m = log.latest[loc]; m !== 0; m = log.prev[m]) {
    const mk = log.mask[m];
    let k = 0;
    for (let l = 0; l < 8; l++) {
      if (((mk >> l) & 1) === 0) continue;
      if (laneTick[l] < 0 || now - laneTick[l] < horizon) k = 1;
      laneTick[l] = log.tick[m];
    }
    keep[m] = k;
  }
}

function remapCore(c: CoreState, map: (v: number) => number, rank: Int32Array): void {
  const st = c.s;
  for (const k of TIMESTAMP_SLOTS) st[k] = map(st[k]);
  if (st[S.XCL_LANES] !== 0) for (const k of XCL_LANE_SLOTS) st[k] = map(st[k]);
  for (let r = 0; r < NUM_REGS; r++) {
    c.regV[r] = map(c.regV[r]);
    c.regP[r] = map(c.regP[r]);
  }
  for (let loc = 0; loc < c.locations; loc++) {
    c.coh[loc] = map(c.coh[loc]);
    // The forward bank names one exact message: if it is gone, nothing can read it anyway.
    const f = c.fwdTs[loc];
    c.fwdTs[loc] = f > 0 && rank[f] < 0 ? -1 : map(f);
    c.fwdV[loc] = map(c.fwdV[loc]);
    c.fwdP[loc] = map(c.fwdP[loc]);
    c.fwdX[loc] = map(c.fwdX[loc]);
  }
  const L = c.lanes;
  for (let slot = 0; slot < c.s[S.N_SPLIT]; slot++) {
    for (let k = 0; k < 8; k++) {
      const b = slot * SLOT_WORDS + 1 + k * LANE_WORDS;
      L[b + L_COH] = map(L[b + L_COH]);
      const f = L[b + L_FWD_TS];
      L[b + L_FWD_TS] = f > 0 && rank[f] < 0 ? -1 : map(f);
      L[b + L_FWD_V] = map(L[b + L_FWD_V]);
      L[b + L_FWD_P] = map(L[b + L_FWD_P]);
      L[b + L_FWD_X] = map(L[b + L_FWD_X]);
    }
  }
}
