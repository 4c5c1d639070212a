// A replay trace holds what the trial did, not what a promise lookahead imagined: in a load
// buffering outcome (which needs a promise) each core of LB executed exactly one load.
import { describe, expect, it } from 'vitest';
import { finalState, litmusParamsFor, locationNames, newMachine, parseLitmus, replay, runTrial, trialSeed } from '../index.ts';

const LB = `AArch64 LB-trace
{ 0:X1=x; 0:X3=y; 1:X1=y; 1:X3=x; }
 P0          | P1          ;
 LDR W0,[X1] | LDR W0,[X1] ;
 MOV W2,#1   | MOV W2,#1   ;
 STR W2,[X3] | STR W2,[X3] ;
exists (0:X0=1 /\\ 1:X0=1)`;

describe('tracer', () => {
  it('records only executed reads, never a promise lookahead', () => {
    const t = parseLitmus(LB, 'lb.litmus');
    const pf = litmusParamsFor('armv8');
    const m = newMachine(t.program, pf);
    let seed = -1;
    for (let i = 0; i < 5000 && seed < 0; i++) {
      const s = trialSeed(12, i);
      if (runTrial(m, s, pf).verdict === 'ok') {
        const st = finalState(t, m, locationNames(t));
        if (st['0:X0'] === 1n && st['1:X0'] === 1n) seed = s;
      }
    }
    expect(seed, 'an LB outcome (needs a promise)').toBeGreaterThanOrEqual(0);
    const { result: r, events } = replay(t.program, pf, seed);
    expect(r.verdict).toBe('ok');
    const reads = events.filter((e) => e.kind === 'read');
    expect(reads.map((e) => e.core).sort()).toEqual([0, 1]);
  });
});
