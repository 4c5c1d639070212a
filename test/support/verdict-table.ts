// The verdict table, asserted per target: a HANG cell must show a hang within a
// fixed-seed campaign of at most 10 000 trials; a `none` cell must run at least 10 000 trials
// from a fixed seed without a hang (or an error). Each found hang must replay to the same
// traceHash.
import { describe, expect, it } from 'vitest';
import { loadWorkload, newMachine, PROGRAMS, runCampaign, runTrial, type TargetName } from '../../index.ts';

export const HANG_TRIALS = 10_000;
export const NONE_TRIALS = 10_000;
export const SEED = 2026;

export function verdictTable(target: TargetName): void {
  describe(`verdict table on ${target}`, () => {
    for (const p of PROGRAMS) {
      const expected = p.expected[target];
      it(`${p.name}: ${expected === 'hang' ? 'HANG found' : 'no hang'}`, async () => {
        const hangs: { seed: number; traceHash: string }[] = [];
        const s = await runCampaign({
          cells: [{ program: p.name, target }],
          trials: expected === 'hang' ? HANG_TRIALS : NONE_TRIALS,
          seed: SEED,
          stopOnFirst: expected === 'hang',
          onRecord: (r) => {
            if (r.type === 'hang') hangs.push({ seed: r.seed, traceHash: r.traceHash });
          },
        });
        const cell = s.cells[0];
        expect(cell.errors, 'trials that ended in error').toBe(0);
        expect(cell.budget, 'trials that ran out of steps').toBe(0);
        if (expected === 'hang') {
          expect(cell.hangs, `no hang in ${cell.trials} trials`).toBeGreaterThan(0);
          // The seed in the report replays the same execution.
          const w = loadWorkload(p.name, { target });
          const again = runTrial(newMachine(w.program, w.paramsFor), hangs[0].seed, w.paramsFor);
          expect(again.verdict).toBe('hang');
          expect(again.traceHash).toBe(hangs[0].traceHash);
        } else {
          expect(cell.trials).toBe(NONE_TRIALS);
          expect(cell.hangs, `hang seeds: ${hangs.map((h) => h.seed).join(', ')}`).toBe(0);
        }
      }, 300_000);
    }
  });
}
