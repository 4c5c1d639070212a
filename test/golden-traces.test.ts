// Nothing observable changes unless a change means it to: a fresh golden sample (traceHashes,
// verdicts, final states, steps, command output, emulated cycles; test/support/golden.ts says
// what is in it) must equal test/fixtures/golden-traces.json entry by entry. A failure names
// every entry that differs. After a change that is meant to change traces, regenerate with
// `npx tsx test/support/golden.ts` and say why in the commit.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeGolden, GOLDEN_FILE, type Golden, type Group } from './support/golden.ts';

const expected = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as Golden;

/** Keys whose entries differ (or exist on one side only), with both values. */
function differences(want: Group, got: Group): string[] {
  const out: string[] = [];
  for (const k of new Set([...Object.keys(want), ...Object.keys(got)])) {
    const a = JSON.stringify(want[k]), b = JSON.stringify(got[k]);
    if (a !== b) out.push(`${k}:\n    fixture ${a ?? '(missing)'}\n    now     ${b ?? '(missing)'}`);
  }
  return out;
}

let actual: Golden;
beforeAll(async () => {
  actual = await computeGolden();
}, 60_000);

describe('golden trace sample', () => {
  for (const group of Object.keys(expected) as Array<keyof Golden>) {
    it(`${group}: every entry as recorded (${Object.keys(expected[group]).length} entries)`, () => {
      expect(Object.keys(expected[group]).length).toBeGreaterThan(0);
      expect(differences(expected[group], actual[group]), `entries of '${group}' that changed`).toEqual([]);
    });
  }

  it('the threads layout (2 workers) equals the inline layout for the same seeds', () => {
    for (const [k, v] of Object.entries(expected.threads)) expect(v, k).toEqual(expected.litmus[k]);
  });

  it('the sample covers what it promises', () => {
    expect(Object.keys(expected.litmus).length).toBeGreaterThan(300);
    expect(Object.values(expected.catalog).filter((e) => (e as { verdict: string }).verdict === 'hang').length).toBeGreaterThan(0);
    expect((Object.values(expected.long)[0] as { pruned: number }).pruned, 'the long run prunes its log').toBeGreaterThan(0);
  });
});
