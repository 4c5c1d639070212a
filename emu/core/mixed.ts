// Mixed-size reads (emu/README.md "Mixed-size accesses"): a read whose granule holds messages
// of other footprints, or that this core accessed with another footprint, may take each of its
// bytes from a different message. The legal choices are enumerated by read point (design:
// one read point per access, Flur et al. POPL 2017): for each point P in {pre} ∪ {messages
// overlapping the footprint above pre}, lane k takes the core's own latest write to it when
// that is newer than P and still its coherence point (forced forwarding), else the newest
// message covering k at or below P, which must be at or above the lane's coherence point, not
// an own outstanding promise, and fairness-eligible. Distinct tuples, newest point first; in
// a uniform granule this is the single-size candidate list in its order, so a program whose
// accesses never overlap draws exactly what it drew before mixed sizes.
import * as cs from './core-state.ts';
import type { CoreState } from './core-state.ts';
import * as la from './lookahead.ts';
import * as mm from '../model/memory-model.ts';
import * as phase from './phase.ts';
import { MemoryAccess } from './access.ts';
import * as arith from './arith.ts';
import * as prng from '../model/prng.ts';

// Module-local aliases of imported bindings (see access.ts).
const { S, L_COH, L_FWD_TS, L_FWD_V, L_FWD_P, L_FWD_EX, L_FWD_X } = cs;
const { OWN_LATEST } = la;
const { ReadOrd } = mm;
type ReadOrd = mm.ReadOrd;
const { Mode, Step } = phase;
type Step = phase.Step;
const { max } = arith;
const { chance } = prng;

export abstract class MixedAccess extends MemoryAccess {
  /** The tuples of the last enumeration: lane k of tuple i at tup[8 i + k]. */
  protected tup = new Int32Array(64);
  /** Messages of the granule overlapping the footprint, newest first, with their lanes in it
   * and whether each is an own outstanding promise. */
  private colTs = new Int32Array(32);
  private colMask = new Int32Array(32);
  private colProm = new Uint8Array(32);
  /** Per collected message: the lanes on which fairness lets a read take it. */
  private colFair = new Int32Array(32);
  /** Per lane, during the walk: the last message collected covering it, and the index of the
   * lane's coherence point among the collected; during the points: a cursor. */
  private readonly laneSucc = new Int32Array(8);
  private readonly cohIdx = new Int32Array(8);
  private readonly lanePtr = new Int32Array(8);
  /** Per lane of the footprint: the core's coherence point and forwarded write. */
  protected readonly laneCoh = new Int32Array(8);
  protected readonly laneFwd = new Int32Array(8);

  protected readMixed(c: CoreState, sf: boolean, signed: boolean, ord: ReadOrd, ex: boolean, noret: boolean): Step {
    const st = c.s;
    const pre = this.readPre(c, ord);
    const n = this.tuples(c, pre);
    let i = 0;
    if (n < 0) {
      // Every byte is an own buffered write: the one choice, as on the uniform path.
      if (this.mode === Mode.SOLO) this.record(OWN_LATEST);
      else if (st[S.N_PROM] !== 0 && st[S.PLAN_POS] < st[S.PLAN_LEN]) st[S.PLAN_POS]++;
    } else {
      if (n === 0) return Step.ABORT; // only own promises are left to read
      i = this.plannedTuple(c, n);
      if (i < 0) i = this.pick(n);
      if (this.mode === Mode.SOLO) this.record(this.tupleKey(i));
    }
    return this.readTuple(c, i, sf, signed, ord, ex, noret, pre);
  }

  /**
   * The legal lane tuples of a read of the last address with pre view `pre` into tup; returns
   * their number, or -1 when every lane of the footprint is an own buffered write (then tuple 0
   * is those writes: the only choice, and the uniform path takes it without a draw).
   */
  protected tuples(c: CoreState, pre: number): number {
    const log = this.log;
    const g = this.aLoc, R = this.aMask, n = this.n;
    const horizon = this.params.fairnessEpochs;
    let allBuffered = true;
    let done = 0; // lanes whose older messages can no longer be read
    for (let k = 0; k < 8; k++) {
      if (((R >> k) & 1) === 0) continue;
      this.laneCoh[k] = c.lane(g, k, L_COH);
      this.laneFwd[k] = c.lane(g, k, L_FWD_TS);
      this.laneSucc[k] = -1;
      this.cohIdx[k] = -1;
      if (this.laneCoh[k] <= n) allBuffered = false;
      else done |= 1 << k; // an own buffered write: always the one choice
    }
    if (allBuffered) {
      for (let k = 0; k < 8; k++) this.tup[k] = ((R >> k) & 1) !== 0 ? this.laneCoh[k] : 0;
      return -1;
    }
    const preC = pre > n ? n : pre;
    // Lanes no message ever covered hold their initial value: nothing to look for.
    const unwritten = R & ~log.shape[g] & ~done;
    done |= unwritten;
    // The messages overlapping R, newest first, with the lanes on which each is fair to read
    // (the lane's newest eligible message, or its successor on the lane is within the
    // horizon: emu/README.md §Fairness, per byte). The walk ends at the initial value, or once
    // every lane is done: it reached a message at or below pre, below the lane's coherence
    // point, or too old to read (then every older one on the lane is too).
    let na = 0, eligible = 0, exhausted = false;
    for (let m = log.latest[g]; ; m = log.prev[m]) {
      if (m === 0) { exhausted = true; break; }
      const mk = log.mask[m] & R;
      if (mk === 0) continue;
      if (na === this.colTs.length) this.growCollected();
      const prom = this.isOwnPromise(c, m);
      let fair = 0;
      for (let k = 0; k < 8; k++) {
        if (((mk >> k) & 1) === 0) continue;
        const ok = ((eligible >> k) & 1) === 0 || this.epoch - log.tick[this.laneSucc[k]] < horizon;
        if (ok) fair |= 1 << k;
        if (m === this.laneCoh[k]) this.cohIdx[k] = na;
        if (m <= preC || m < this.laneCoh[k] || !ok) done |= 1 << k;
        this.laneSucc[k] = m;
        if (!prom) eligible |= 1 << k;
      }
      this.colTs[na] = m;
      this.colMask[na] = mk;
      this.colProm[na] = prom ? 1 : 0;
      this.colFair[na] = fair;
      na++;
      if ((done & R) === R) break;
    }
    // The initial value of each lane: fair as the next message would be.
    let initFair = 0;
    for (let k = 0; k < 8; k++) {
      if (((R >> k) & 1) === 0) continue;
      if (((eligible >> k) & 1) === 0 || this.epoch - log.tick[this.laneSucc[k]] < horizon) initFair |= 1 << k;
      this.lanePtr[k] = 0;
    }
    let points = 0;
    while (points < na && this.colTs[points] > preC) points++;
    let nt = 0;
    for (let j = 0; j <= points; j++) {
      const P = j < points ? this.colTs[j] : preC;
      const from = j < points ? j : points;
      if (nt * 8 + 8 > this.tup.length) this.growTuples();
      const base = nt * 8;
      // 0: feasible; 1: not (an own promise in the way: a lower point may skip it); 2: not,
      // and no lower point is (coherence, fairness: both only get worse as P falls).
      let bad = 0;
      for (let k = 0; k < 8 && bad !== 2; k++) {
        if (((R >> k) & 1) === 0) { this.tup[base + k] = 0; continue; }
        const ck = this.laneCoh[k];
        if (ck > n) { this.tup[base + k] = ck; continue; }
        if (((unwritten >> k) & 1) !== 0) { this.tup[base + k] = 0; continue; }
        if (this.laneFwd[k] === ck && ck !== 0 && ck > P) {
          // Forced forwarding: the own latest write, which must itself be fair to read.
          const ci = this.cohIdx[k];
          if (ci < 0 || ((this.colFair[ci] >> k) & 1) === 0) bad = 2;
          this.tup[base + k] = ck;
          continue;
        }
        // The newest collected message at or below P covering k (lanePtr only moves down).
        let i = this.lanePtr[k];
        if (i < from) i = from;
        while (i < na && ((this.colMask[i] >> k) & 1) === 0) i++;
        this.lanePtr[k] = i;
        if (i === na) {
          if (!exhausted || ((log.initGone[g] >> k) & 1) !== 0 || ((initFair >> k) & 1) === 0 || ck > 0) bad = 2;
          this.tup[base + k] = 0;
          continue;
        }
        const t = this.colTs[i];
        this.tup[base + k] = t;
        if (t < ck || ((this.colFair[i] >> k) & 1) === 0) bad = 2;
        else if (this.colProm[i] !== 0) bad = 1;
      }
      if (bad === 2) break;
      if (bad === 1) continue;
      if (nt > 0) {
        let same = true;
        for (let k = 0; k < 8; k++) if (this.tup[base + k] !== this.tup[base - 8 + k]) { same = false; break; }
        if (same) continue;
      }
      nt++;
    }
    return nt;
  }

  /** The plan's encoding of tuple i: OWN_LATEST when every lane is the core's own latest write,
   * else the newest message of a lane that is not (a uniform read's message). */
  protected tupleKey(i: number): number {
    const R = this.aMask;
    let key = -1, own = true;
    for (let k = 0; k < 8; k++) {
      if (((R >> k) & 1) === 0) continue;
      const t = this.tup[8 * i + k];
      if (t === this.laneFwd[k] && t !== 0) continue;
      own = false;
      if (t > key) key = t;
    }
    return own ? OWN_LATEST : key;
  }

  /** Index of the planned tuple, or -1 (the plan's next entry is consumed as on the uniform path). */
  protected plannedTuple(c: CoreState, n: number): number {
    const st = c.s;
    if (st[S.N_PROM] === 0 || st[S.PLAN_POS] >= st[S.PLAN_LEN]) return -1;
    const want = c.plan[st[S.PLAN_POS]++];
    if (this.params.pIgnorePlan > 0 && chance(this.rng, this.params.pIgnorePlan)) return -1;
    for (let i = 0; i < n; i++) if (this.tupleKey(i) === want) return i;
    return -1;
  }

  /** The effects of reading tuple i (mixed-size plain reads and atomics). */
  protected readTuple(c: CoreState, i: number, sf: boolean, signed: boolean, ord: ReadOrd, ex: boolean, noret: boolean, pre: number): Step {
    const st = c.s;
    const g = this.aLoc, R = this.aMask;
    let post = pre, newest = 0, lo = 0, hi = 0;
    for (let k = 0; k < 8; k++) {
      if (((R >> k) & 1) === 0) continue;
      const t = this.tup[8 * i + k];
      this.rLanes[k] = t;
      if (t > newest) newest = t;
      if (t === this.laneFwd[k] && t !== 0) {
        let v = c.lane(g, k, L_FWD_V);
        if (c.lane(g, k, L_FWD_EX) !== 0 && ord !== ReadOrd.PLAIN) v = max(v, c.lane(g, k, L_FWD_X));
        post = max(post, v);
      } else post = max(post, t);
      const sh = 8 * (k & 3);
      if (k < 4) lo |= ((this.msgLo(g, t) >>> sh) & 0xff) << sh;
      else hi |= ((this.msgHi(g, t) >>> sh) & 0xff) << sh;
    }
    let p = post;
    for (let k = 0; k < 8; k++) {
      if (((R >> k) & 1) === 0) continue;
      const t = this.rLanes[k];
      if (t !== this.laneFwd[k] || t === 0) continue;
      const fp = c.lane(g, k, L_FWD_P);
      p = max(p, fp);
      if (fp > c.lane(g, k, L_FWD_V)) st[S.V_CAP] = max(st[S.V_CAP], fp);
    }
    this.setResult(lo, hi, sf, signed);
    this.rPost = post;
    this.rP = p;
    this.rTs = newest;
    if (!c.readLanes(g, R, this.rLanes)) return this.laneTablesFull(c);
    st[S.V_RO] = max(st[S.V_RO], post);
    if (!noret) st[S.V_RO_LD] = max(st[S.V_RO_LD], post);
    if (ord !== ReadOrd.PLAIN) {
      st[S.V_RN] = max(st[S.V_RN], post);
      st[S.V_WN] = max(st[S.V_WN], post);
    }
    st[S.V_CAP] = max(st[S.V_CAP], this.aP);
    if (ex) this.setMonitor(c, post, 0, this.rLanes);
    if (this.observer !== null) this.observer.read(this, c, g, this.aOff, this.aSize, newest);
    return Step.OK;
  }

  private growCollected(): void {
    const n = this.colTs.length * 2;
    const a = new Int32Array(n); a.set(this.colTs); this.colTs = a;
    const b = new Int32Array(n); b.set(this.colMask); this.colMask = b;
    const p = new Uint8Array(n); p.set(this.colProm); this.colProm = p;
    const f = new Int32Array(n); f.set(this.colFair); this.colFair = f;
  }

  private growTuples(): void {
    const a = new Int32Array(this.tup.length * 2);
    a.set(this.tup);
    this.tup = a;
  }
}
