// The engine's in-place xoroshiro128+ (emu/model/prng.ts Stream) produces, bit for bit, what
// pure-rand's xoroshiro128plus produces from the same state, for many keys: the seeds of every
// trial recorded anywhere (README, JSONL files, the golden sample) keep their meaning.
import { describe, expect, it } from 'vitest';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { fmix32, hashKey, Purpose, Stream, stream } from '../emu/model/prng.ts';
import { trialSeed } from '../index.ts';

/** The state Stream.reset derives from a key, as pure-rand takes it. */
function stateOf(seed: number, attempt: number, core: number, epoch: number, purpose: Purpose): number[] {
  const h = hashKey(seed >>> 0, Math.floor(seed / 4294967296) >>> 0, attempt, core, epoch, purpose);
  return [fmix32(h ^ 0x243f6a88), fmix32(h + 0x85a308d3), fmix32(h ^ 0x13198a2e), fmix32(h + 0x03707344) | 1];
}

describe('Stream (in-place xoroshiro128+)', () => {
  it('equals pure-rand over 2000 keys, 64 outputs each, re-keying one stream in place', () => {
    const s = new Stream();
    const purposes = [Purpose.BUDGET, Purpose.RUN, Purpose.MERGE, Purpose.BOUNDARY_ORDER, Purpose.BOUNDARY, Purpose.LOOKAHEAD, Purpose.PARAMS];
    let compared = 0;
    for (let k = 0; k < 2000; k++) {
      const seed = trialSeed(k, k * 7);
      const key = [seed, k % 5, (k % 9) - 1, k * 13, purposes[k % purposes.length]] as const;
      s.reset(...key);
      const ref = xoroshiro128plusFromState(stateOf(...key));
      for (let i = 0; i < 64; i++) {
        const a = s.next(), b = ref.next();
        if (a !== b) expect(a, `key ${key.join(',')}, output ${i}`).toBe(b);
        compared++;
      }
    }
    expect(compared).toBe(2000 * 64);
  });

  it('equals pure-rand from arbitrary states, extreme words included', () => {
    const words = [0, 1, -1, 0x7fffffff, -0x80000000, 0x12345678, -0x543210fe];
    const s = new Stream();
    for (const a of words) for (const b of words) for (const c of words) {
      const st = [a, b, c, 0x9e3779b9 | 0];
      s.setState(st[0], st[1], st[2], st[3]);
      const ref = xoroshiro128plusFromState(st);
      for (let i = 0; i < 16; i++) expect(s.next()).toBe(ref.next());
    }
  });

  it('stream() and a re-keyed stream agree; different keys differ', () => {
    const a = stream(42, 0, 1, 7, Purpose.RUN);
    const b = new Stream().reset(42, 0, 1, 7, Purpose.RUN);
    const c = new Stream().reset(42, 0, 1, 8, Purpose.RUN);
    const xs = Array.from({ length: 8 }, () => a.next());
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(xs);
  });
});
