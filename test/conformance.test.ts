// Soundness and completeness against herd7 (../shared/litmus): every AArch64, x86 and
// mixed-size AArch64 test of the corpus, run from fixed seeds. A state outside herd's allowed
// set fails the suite with a replay command for the trial that produced it; coverage of allowed
// states is reported per corpus and family and may not fall below the floors recorded in
// test/coverage-floors.json (the single-size corpora at the top level, the mixed-size one under
// "aarch64-mixed", whose families are its own: a mixed MP is not a single-size MP).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { byFamily, checkTest, type TestCoverage } from './support/conformance.ts';
import { corpusOrSkipReason, repoRoot } from './support/corpus.ts';
import { stateText } from '../cli/reporters/litmus-text.ts';

const TRIALS = Number(process.env.HANGAR_CONFORMANCE_TRIALS ?? 2500);
const SEED = 20261125;
interface Floors { overall: number; families: Record<string, number> }
const allFloors: Floors & { 'aarch64-mixed': Floors } = JSON.parse(readFileSync(join(repoRoot, 'test/coverage-floors.json'), 'utf8'));
/** The single-size corpora share one set of floors; the mixed-size corpus has its own. */
const GROUPS: Array<{ name: string; archs: string[]; floors: Floors }> = [
  { name: 'single-size', archs: ['aarch64', 'x86'], floors: allFloors },
  { name: 'aarch64-mixed', archs: ['aarch64-mixed'], floors: allFloors['aarch64-mixed'] },
];

const { corpus, skipReason, failReason } = corpusOrSkipReason();
if (skipReason) console.warn(`conformance: skipped: ${skipReason}`);

describe.skipIf(!corpus && !failReason)('herd7 conformance', () => {
  it('has the corpus', () => {
    expect(failReason).toBeUndefined();
  });
  if (!corpus) return;

  const results = new Map<string, TestCoverage[]>();
  for (const arch of Object.keys(corpus.files)) {
    describe(arch, () => {
      for (const file of corpus.files[arch]) {
        const name = file.slice(file.lastIndexOf('/') + 1, -'.litmus'.length);
        it(`${name}: no state outside herd's allowed set`, () => {
          const r = checkTest(corpus, arch, file, TRIALS, SEED);
          results.set(arch, [...(results.get(arch) ?? []), r]);
          expect(r.errors, 'trials ended in error').toEqual([]);
          // Promise restarts are bounded: a trial aborts only when its promise could not be kept.
          expect(r.restarts / TRIALS, 'restart rate').toBeLessThan(0.25);
          expect(r.aborted, 'trials given up').toBe(0);
          expect(r.forbidden, `forbidden states (replay each with its command)`).toEqual([]);
        });
      }
    });
  }

  for (const group of GROUPS) {
    it(`reaches the allowed states of the ${group.name} corpus (coverage floors)`, () => {
      const archs = group.archs.filter((a) => corpus.files[a] !== undefined);
      const mine = archs.flatMap((a) => results.get(a) ?? []);
      expect(mine.length).toBe(archs.reduce((a, f) => a + corpus.files[f].length, 0));
      const fam = byFamily(mine);
      const allowed = fam.reduce((a, f) => a + f.allowed, 0);
      const reached = fam.reduce((a, f) => a + f.reached, 0);
      const lines = fam.map((f) => `  ${f.family.padEnd(10)} ${f.reached}/${f.allowed} (${((100 * f.reached) / f.allowed).toFixed(1)}%)`);
      const missing = mine.filter((r) => r.missing.length).map((r) => `  ${r.name}: ${r.missing.map((s) => stateText(s)).join('  ')}`);
      const restarts = mine.reduce((a, r) => a + r.restarts, 0);
      console.log(
        `conformance (${group.name}): ${reached}/${allowed} allowed states reached (${((100 * reached) / allowed).toFixed(2)}%), ` +
          `${TRIALS} trials per test, ${restarts} promise restarts in all\n${lines.join('\n')}\nuncovered:\n${missing.join('\n') || '  none'}`,
      );
      expect(reached / allowed).toBeGreaterThanOrEqual(Math.max(0.95, group.floors.overall));
      for (const f of fam) {
        const floor = group.floors.families[f.family];
        expect(floor, `no recorded floor for family ${f.family}`).toBeDefined();
        expect(f.reached / f.allowed, `coverage of family ${f.family}`).toBeGreaterThanOrEqual(floor);
      }
    });
  }
});
