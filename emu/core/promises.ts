// Promises: how a core makes a write visible before program-order-earlier instructions
// (load buffering, R→W and W→W reordering). Promising-ARM (Pulte et al., PLDI 2019): a core
// may append a message early, provided it can later fulfil it by executing alone.
//
// An attempt runs a lookahead: a clone of the core executes alone (SOLO mode) for up to
// `lookahead` instructions against the log plus a private buffer. Writes that could have been
// written now (pre view and coherence within the log, and not waiting on an own buffered
// write) are candidates; one is appended as a promise. The lookahead's choices become the
// core's plan, which guides its reads while the promise is outstanding. Guidance only biases
// choices: soundness rests on the trial being discarded if any promise is left unfulfilled.
import { MSG_PROMISE } from '../memory/message-log.ts';
import { WriteBuffer } from '../memory/write-buffer.ts';
import { below, type Rng } from '../model/prng.ts';
import { CoreState, MAX_PLAN, MAX_PROMISES, S } from './core-state.ts';
import type { Executor } from './executor.ts';
import { Mode } from './phase.ts';

export class PromiseMaker {
  private readonly scratch: CoreState;
  private readonly lookBuf = new WriteBuffer(256);

  constructor(locations: number) {
    this.scratch = new CoreState(-1, locations);
  }

  /** Tries to add one promise for core c in epoch e; returns true if one was made. */
  attempt(ex: Executor, c: CoreState, rng: Rng, lookahead: number, e: number): boolean {
    if (c.s[S.N_PROM] >= MAX_PROMISES) return false;
    const n = ex.log.length;
    const sc = this.scratch;
    sc.copyFrom(c);
    sc.id = c.id;
    ex.begin(Mode.SOLO, n, e, this.lookBuf, rng);
    // The lookahead is hypothetical: keep it out of replay traces and cycle counts.
    const observer = ex.observer;
    ex.observer = null;
    try {
      return this.lookahead(ex, c, sc, rng, lookahead, n);
    } finally {
      ex.observer = observer;
    }
  }

  private lookahead(ex: Executor, c: CoreState, sc: CoreState, rng: Rng, lookahead: number, n: number): boolean {
    const log = ex.log;
    const before = c.s[S.N_PROM];
    // Run alone; any stop (system call, halt, error, abort) just ends the lookahead.
    let fulfilledAt = before === 0 ? 0 : -1;
    const w = ex.recWrites;
    for (let i = 0; i < lookahead; i++) {
      const promBefore = sc.s[S.N_PROM];
      const r = ex.step(sc);
      if (sc.s[S.N_PROM] === 0 && promBefore !== 0) fulfilledAt = ex.recLen;
      if (r !== 0) break;
    }
    if (fulfilledAt < 0) return false;
    let k = 0;
    for (let i = 0; i < w.length; i++) if (w.promisable[i] === 1) k++;
    if (k === 0) return false;
    let j = below(rng, k);
    let i = 0;
    for (; i < w.length; i++) if (w.promisable[i] === 1 && j-- === 0) break;
    const t = log.append(w.loc[i], w.mask[i], w.lo[i], w.hi[i], c.id, ex.epoch, MSG_PROMISE, w.pc[i]);
    c.s[S.PROM0 + c.s[S.N_PROM]] = t;
    c.s[S.N_PROM]++;
    const planLen = Math.min(MAX_PLAN, Math.max(w.choicePos[i], fulfilledAt));
    c.plan.set(ex.rec.subarray(0, planLen));
    c.s[S.PLAN_LEN] = planLen;
    c.s[S.PLAN_POS] = 0;
    return true;
  }
}
