// Mixed-size memory in long programs (emu/README.md, "Mixed-size accesses"): disjoint fields of
// one 8-byte word written at different sizes by different cores never clobber each other;
// pruning keeps the trace of a granule with mixed footprints unchanged (the tracer keeps the
// log whole, so a replay is the trial without pruning); the per-core lane-table limit is a
// clear error.
import { describe, expect, it } from 'vitest';
import { DATA_BASE } from '../isa/program.ts';
import { assemble, Machine, MODELS, programParams, replay, runTrial, type ParamsFor } from '../index.ts';

const ITERS = 3000;

/** Core 0 increments byte 0 of `w`, core 1 the halfword at byte 2, each with a plain load and
 * store; both also read the whole word (a mixed-size read of the other core's field). */
const FIELDS = `
    .cores 2
    .stack 0
    .data
    .align 3
w:  .quad 0
    .text
_start:
    ldr x1, =w
    movz x4, #${ITERS}
    cbz x0, 1f
2:  ldrh w5, [x1, #2]
    add w5, w5, #1
    strh w5, [x1, #2]
    ldr x6, [x1]
    subs x4, x4, #1
    b.ne 2b
    b 3f
1:  ldrb w5, [x1]
    add w5, w5, #1
    strb w5, [x1]
    ldr w6, [x1]
    subs x4, x4, #1
    b.ne 1b
3:  mov x0, #0
    mov x8, #93
    svc #0
`;

describe('mixed-size memory in long runs', () => {
  const program = assemble(FIELDS, { file: 'fields.s' });
  const paramsFor: ParamsFor = (s, a) => ({ ...programParams(MODELS.armv8, s, a, 1e7), pPromise: 0 });

  it('keeps disjoint fields apart, prunes, and pruning does not change the trace', () => {
    const m = new Machine(program, paramsFor(0, 0));
    for (const seed of [1, 2, 3]) {
      const r = runTrial(m, seed, paramsFor);
      expect(r.verdict).toBe('ok');
      const [lo] = m.finalWord((program.symbols.w - DATA_BASE) / 8);
      expect(lo & 0xff, 'core 0\'s byte').toBe(ITERS & 0xff);
      expect(lo >>> 16, 'core 1\'s halfword').toBe(ITERS);
      expect(m.pruner.dropped, 'the log was pruned').toBeGreaterThan(0);
      expect(replay(program, paramsFor, seed).result.traceHash, 'the trace without pruning').toBe(r.traceHash);
    }
  });

  it('gives a clear error when one core splits more granules than its lane tables hold', () => {
    const src = `
    .stack 0
    .data
    .align 3
big: .zero ${(4096 + 1) * 8}
    .text
    ldr x0, =big
    movz x2, #${4096 + 1}
1:  strb w1, [x0]
    strh w1, [x0]
    add x0, x0, #8
    subs x2, x2, #1
    b.ne 1b
    mov x8, #93
    svc #0
`;
    const p = assemble(src, { file: 'split.s' });
    const m = new Machine(p, paramsFor(0, 0));
    const r = runTrial(m, 1, paramsFor);
    expect(r.verdict).toBe('error');
    expect(r.error).toMatch(/split\.s:10:5: core 0: more than 4096 8-byte granules accessed with different sizes by one core .* \(at 'strh w1, \[x0\]'\)/);
  });
});
