// Block translation (emu/core/blocks.ts) does what the step does: random register-only blocks
// (every op a block may hold, W and X forms, immediates, shifted and extended registers, flags, selects,
// barriers under each model, every branch kind) run from random core states, once step by step
// and once as a translated block, for every budget up to past the block's length, must leave
// the whole core state (registers, views, flags, pc, step count, everything else) identical.
// From a fixed, printed seed (test/support/fuzz.ts: HANGAR_FUZZ_SEED for another).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { announceFuzzSeed, fuzzRuns } from './support/fuzz.ts';
import { assemble, Machine, MODELS, programParams } from '../index.ts';
import { blocksOf, blockSource, HOT, MIN_BLOCK } from '../emu/core/blocks.ts';
import { CoreState, S } from '../emu/core/core-state.ts';
import { Mode } from '../emu/core/phase.ts';
import { WriteBuffer } from '../emu/memory/write-buffer.ts';
import { Stream } from '../emu/model/prng.ts';
import type { ModelName } from '../emu/model/memory-model.ts';

announceFuzzSeed('blocks');

const X = fc.integer({ min: 0, max: 12 }).map((r) => `x${r}`);
const W = fc.integer({ min: 0, max: 12 }).map((r) => `w${r}`);
const ZR = fc.constantFrom('xzr', 'wzr');
const CONDS = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le'];
const COND = fc.constantFrom(...CONDS, 'al');
const CSET_COND = fc.constantFrom(...CONDS); // cset takes no AL
const SHIFTED = fc.tuple(fc.constantFrom('lsl', 'lsr', 'asr'), fc.integer({ min: 0, max: 31 })).map(([k, n]) => `, ${k} #${n}`);

/** One register-only instruction, in W or X form. */
const straight: fc.Arbitrary<string> = fc.boolean().chain((x) => {
  const R = x ? X : W;
  const bits = x ? 63 : 31;
  return fc.oneof(
    fc.tuple(R, fc.integer({ min: 0, max: 0xffff })).map(([d, i]) => `mov ${d}, #${i}`),
    fc.tuple(R, fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(...(x ? [0, 16, 32, 48] : [0, 16]))).map(([d, i, s]) => `movk ${d}, #${i}, lsl #${s}`),
    fc.tuple(fc.constantFrom('add', 'sub', 'adds', 'subs'), R, R, fc.integer({ min: 0, max: 4095 })).map(([o, d, n, i]) => `${o} ${d}, ${n}, #${i}`),
    fc.tuple(fc.constantFrom('add', 'sub', 'adds', 'subs', 'and', 'ands', 'orr', 'eor'), R, R, R, fc.option(SHIFTED, { nil: '' })).map(([o, d, n, m, s]) => `${o} ${d}, ${n}, ${m}${s}`),
    fc.tuple(fc.constantFrom('and', 'ands', 'orr', 'eor'), R, R, fc.constantFrom('#1', '#0xff', '#0xf0', '#0x7ffffffe')).map(([o, d, n, i]) => `${o} ${d}, ${n}, ${i}`),
    fc.tuple(fc.constantFrom('lsl', 'lsr', 'asr', 'ror'), R, R, fc.integer({ min: 0, max: bits })).map(([o, d, n, i]) => `${o} ${d}, ${n}, #${i}`),
    fc.tuple(fc.constantFrom('lsl', 'lsr', 'asr', 'ror'), R, R, R).map(([o, d, n, m]) => `${o} ${d}, ${n}, ${m}`),
    // Extended register (ADD/SUB): a W source extended to the destination's width, shifted 0-4.
    fc.tuple(fc.constantFrom('add', 'sub', 'adds', 'subs'), R, R, W, fc.constantFrom('uxtb', 'uxth', 'uxtw', 'sxtb', 'sxth', 'sxtw'), fc.integer({ min: 0, max: 4 }))
      .map(([o, d, n, m, e, k]) => `${o} ${d}, ${n}, ${m}, ${e} #${k}`),
    fc.tuple(fc.constantFrom('add', 'sub'), X, X, X, fc.constantFrom('uxtx', 'sxtx'), fc.integer({ min: 0, max: 4 })).map(([o, d, n, m, e, k]) => (x ? `${o} ${d}, ${n}, ${m}, ${e} #${k}` : 'nop')),
    fc.tuple(R, R, R).map(([d, n, m]) => `mul ${d}, ${n}, ${m}`),
    fc.tuple(fc.constantFrom('csel', 'csinc', 'csinv', 'csneg'), R, R, R, COND).map(([o, d, n, m, c]) => `${o} ${d}, ${n}, ${m}, ${c}`),
    fc.tuple(R, CSET_COND).map(([d, c]) => `cset ${d}, ${c}`),
    fc.tuple(fc.constantFrom('cmp', 'cmn', 'tst'), R, R).map(([o, n, m]) => `${o} ${n}, ${m}`),
    fc.tuple(fc.constantFrom('add', 'orr'), ZR, R, R).map(([o, z, n, m]) => (x === z.startsWith('x') ? `${o} ${z}, ${n}, ${m}` : 'nop')),
    fc.constantFrom('nop', 'dmb ish', 'dmb ishld', 'dmb ishst', 'isb', 'clrex'),
  );
});

/** What ends the block: a branch of each kind, to the block's start or past it, or nothing. */
const ending = fc.oneof(
  fc.constantFrom('b top', 'b out', 'bl out'),
  COND.map((c) => `b.${c} top`),
  fc.tuple(fc.constantFrom('cbz', 'cbnz'), fc.oneof(X, W)).map(([o, r]) => `${o} ${r}, top`),
  fc.tuple(fc.constantFrom('tbz', 'tbnz'), X, fc.integer({ min: 0, max: 63 })).map(([o, r, b]) => `${o} ${r}, #${b}, top`),
  fc.constant('ldr x1, [x20]'), // a memory instruction: the block ends before it
);

const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const view = fc.integer({ min: 0, max: 40 });
/** A core state: registers (x20 points at memory), their views, flags and every view slot. */
const state = fc.record({
  lo: fc.array(i32, { minLength: 31, maxLength: 31 }),
  hi: fc.array(i32, { minLength: 31, maxLength: 31 }),
  v: fc.array(view, { minLength: 31, maxLength: 31 }),
  p: fc.array(view, { minLength: 31, maxLength: 31 }),
  nzcv: fc.integer({ min: 0, max: 15 }),
  slots: fc.array(view, { minLength: 11, maxLength: 11 }),
  xcl: fc.integer({ min: -1, max: 3 }),
});

const SLOTS = [S.FLAGS_V, S.FLAGS_P, S.V_RO, S.V_RO_LD, S.V_WO, S.V_RN, S.V_WN, S.V_CAP, S.V_REL, S.XCL_TS, S.XCL_V];

type State = typeof state extends fc.Arbitrary<infer T> ? T : never;

function load(c: CoreState, s: State, pc: number): void {
  for (let r = 0; r < 31; r++) {
    c.regLo[r] = s.lo[r];
    c.regHi[r] = s.hi[r];
    c.regV[r] = s.v[r];
    c.regP[r] = s.p[r];
  }
  c.regLo[20] = 0x100000;
  c.regHi[20] = 0;
  c.s[S.NZCV] = s.nzcv;
  SLOTS.forEach((k, i) => (c.s[k] = s.slots[i]));
  c.s[S.XCL_LOC] = s.xcl;
  c.s[S.PC] = pc;
  c.s[S.STEPS] = 1000;
}

describe('block translation', () => {
  it('a translated block leaves the core exactly as the steps do, for every budget', () => {
    fc.assert(
      fc.property(fc.array(straight, { minLength: 0, maxLength: 24 }), ending, state, fc.constantFrom<ModelName>('armv8', 'tso', 'sc'), (body, end, s, model) => {
        const src = `.cores 1\n.data\nmem: .quad 0\n.text\n_start:\n nop\ntop:\n ${[...body, end].join('\n ')}\nout:\n nop\n svc #0\n`;
        const program = assemble(src, { file: 'block.s' });
        const params = { ...programParams(MODELS[model], 1, 0, 1000), pPromise: 0 };
        const m = new Machine(program, params);
        const ex = m.exec;
        const start = 1; // the instruction after `_start: nop`
        const f = blocksOf(program.code).translateNow(start);
        const len = body.length + (end.startsWith('ldr') ? 0 : 1);
        if (len === 0) {
          expect(f).toBeNull();
          return;
        }
        expect(f, blockSource(program.code, program.length, start, 1) ?? 'no block').not.toBeNull();
        const a = m.cores[0], b = new CoreState(0, a.locations);
        for (let max = 1; max <= len + 1; max++) {
          load(a, s, start);
          b.copyFrom(a);
          ex.begin(Mode.RUN, m.log.length, 1, new WriteBuffer(8), new Stream().reset(1, 0, 0, 1, 2));
          let stepped = 0;
          for (; stepped < Math.min(max, len); stepped++) expect(ex.step(a)).toBe(0);
          const ran = f!(ex, b, max);
          expect(ran).toBe(stepped);
          expect(Array.from(b.buffer), `${src}\nbudget ${max}`).toEqual(Array.from(a.buffer));
        }
      }),
      fuzzRuns(400),
    );
  });

  it('the run loop uses blocks once a pc is hot, and gives the same trial either way', () => {
    const body = ['lsl x7, x5, #13', 'eor x5, x5, x7', 'lsr x7, x5, #7', 'eor x5, x5, x7', 'add x6, x6, x5', 'mul x8, x6, x5', 'orr x6, x6, x8', 'subs x4, x4, #1', 'b.ne 1b'];
    const src = `.cores 2\n.data\nout: .quad 0, 0\n.text\n_start:\n ldr x1, =out\n mov x4, #1000\n mov x5, #1\n1: ${body.join('\n ')}\n str x6, [x1]\n mov x8, #93\n mov x0, #0\n svc #0\n`;
    const program = assemble(src, { file: 'hot.s' });
    const paramsFor = (seed: number, attempt: number) => programParams(MODELS.armv8, seed, attempt, 100_000);
    const plain = new Machine(program, paramsFor(0, 0));
    plain.exec.blocks = null;
    const fast = new Machine(program, paramsFor(0, 0));
    const cache = blocksOf(program.code);
    const before = cache.translated;
    for (let seed = 1; seed <= 5; seed++) {
      const run = (m: Machine) => {
        m.reset(seed, 0, paramsFor(seed, 0));
        const o = m.run();
        return { o, h: m.traceHash(o.verdict) };
      };
      expect(run(fast)).toEqual(run(plain));
    }
    expect(body.length).toBeGreaterThanOrEqual(MIN_BLOCK);
    expect(cache.translated - before, `translated after ${HOT} visits`).toBeGreaterThan(0);
  });
});
