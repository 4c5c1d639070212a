// `hangar litmus --expected`: per test, how many of the reference's allowed states were
// reached, and every forbidden and missing state; at the end, the coverage over all tests.
import type { Comparison } from '../../campaign/expectations.ts';
import { stateText } from './litmus-text.ts';

/** Totals over the compared tests. */
export interface Coverage {
  tests: number;
  allowed: number;
  reached: number;
  forbidden: number;
}

export function comparisonText(cmp: Comparison, file: string): string {
  let s = `Expected ${cmp.reached}/${cmp.allowed} allowed states reached${cmp.forbidden.length ? `, ${cmp.forbidden.length} FORBIDDEN` : ''}\n`;
  for (const f of cmp.forbidden) s += `Forbidden ${stateText(f)}  (replay: find its trial with --json, then hangar run ${file} --seed <seed>)\n`;
  for (const m of cmp.missing) s += `Missing ${stateText(m)}\n`;
  return s;
}

export function noEntryText(test: string): string {
  return `Expected: no entry for ${test}\n`;
}

export function coverageText(t: Coverage): string {
  const pct = t.allowed ? ((100 * t.reached) / t.allowed).toFixed(2) : '0';
  return `${t.tests} tests compared: ${t.reached}/${t.allowed} allowed states reached (${pct}%), ${t.forbidden} forbidden states observed\n`;
}

export function coverageJson(t: Coverage): string {
  return JSON.stringify({ type: 'coverage', tests: t.tests, allowed: t.allowed, reached: t.reached, forbidden: t.forbidden }) + '\n';
}
