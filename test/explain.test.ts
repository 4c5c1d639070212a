// The explanation of a hang tells the reordering in the program's terms.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWorkload, newMachine, replay, runTrial, trialSeed } from '../index.ts';

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
