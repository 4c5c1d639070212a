// The explanation of a hang tells the reordering in the program's terms.
import { beforeAll, describe, expect, it } from 'vitest';
import { finalState, litmusParamsFor, loadWorkload, locationNames, newMachine, parseLitmus, replay, runTrial, trialSeed } from '../index.ts';

describe('explanation of qemu-event/v7.2 on armv8-llsc', () => {
  const w = loadWorkload('qemu-event/v7.2', { target: 'armv8-llsc' });
  let seed = -1;
  beforeAll(() => {
    const m = newMachine(w.program, w.paramsFor);
    for (let i = 0; i < 2000 && seed < 0; i++) if (runTrial(m, trialSeed(4, i), w.paramsFor).verdict === 'hang') seed = trialSeed(4, i);
  });

  it('finds a hang to explain', () => {
    expect(seed).toBeGreaterThanOrEqual(0);
  });

  it("names the waiter's early flag load, the STLXR it passed, and the setter's stale read", () => {
    const { result: r, machine: m, explanation: e } = replay(w.program, w.paramsFor, seed);
    expect(r.verdict).toBe('hang');
    const text = e.lines.join('\n');
    const src = m.program.src;
    const at = (pc: number): string => src.text[pc];
    // The waiter's condition check (a plain load of `flag`) was satisfied before its own
    // store-exclusive (EV_FREE into the event word) became visible...
    const waiter = e.missed.find((x) => x.beforeOwnStorePc !== undefined);
    expect(waiter, text).toBeDefined();
    expect(at(waiter!.pc)).toMatch(/^ldr\s/);
    expect(at(waiter!.beforeOwnStorePc!)).toMatch(/^stlxr\s/);
    expect(text).toMatch(/read flag = \d+/);
    expect(text).toMatch(/in qemu_event_reset/);
    // ...and the setter read the event word without seeing that EV_FREE store.
    const setter = e.missed.find((x) => x.core !== waiter!.core);
    expect(setter, text).toBeDefined();
    expect(setter!.storeCore).toBe(waiter!.core);
    expect(at(setter!.storePc)).toMatch(/^stlxr\s/);
    expect(text).toMatch(/read ev_value = 0 .* in qemu_event_set/);
    // Both cores end asleep, and the report says where.
    expect(text).toMatch(/core \d .* blocked: futex wait on 0x[0-9a-f]+ \(ev_value\)/);
  });
});

describe('explanation of a mixed-size read', () => {
  // P0's word read may take bytes 0-1 from P1's first halfword store and bytes 2-3 from the
  // initial value; P1's second store then overwrites bytes 2-3.
  const t = parseLitmus(`AArch64 mixed-explain
{ uint32_t x; 0:X0=x; 1:X0=x; }
 P0          | P1              ;
 LDR W2,[X0] | MOV W1,#1       ;
             | STRH W1,[X0]    ;
             | DMB ISH         ;
             | STRH W1,[X0,#2] ;
exists (0:X2=1)
`, 'mixed-explain.litmus');
  const pf = litmusParamsFor('armv8');

  it('names which bytes of the read came from which store', () => {
    const m = newMachine(t.program, pf);
    let seed = -1;
    for (let i = 0; i < 3000 && seed < 0; i++) {
      const s = trialSeed(9, i);
      if (runTrial(m, s, pf).verdict === 'ok' && finalState(t, m, locationNames(t))['0:X2'] === 1n) seed = s;
    }
    expect(seed, 'a trial where the word read took one halfword store').toBeGreaterThanOrEqual(0);
    const { explanation: e, events } = replay(t.program, pf, seed);
    const read = events.find((x) => x.kind === 'read' && x.core === 0);
    expect(read).toMatchObject({ off: 0, size: 4, value: 1n });
    const text = e.lines.join('\n');
    expect(text).toMatch(/core 0 \(P0\) read x = 1 at mixed-explain\.litmus:4 'LDR W2,\[X0\]'/);
    expect(text).toMatch(/its bytes: bytes 0-1 from core 1 \(P1\)'s mixed-explain\.litmus:5 'STRH W1,\[X0\]', bytes 2-3 from the initial value\./);
    expect(text).toMatch(/overwritten: core 1 \(P1\)'s mixed-explain\.litmus:7 'STRH W1,\[X0,#2\]' .*, which wrote x = 65537/);
  });
});
