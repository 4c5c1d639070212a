// Comparing litmus outcomes with a reference simulator's allowed states (herd7's, in the
// expected.json format of a litmus corpus: {test: {states: [...]}}). Only this reporting layer
// reads expectations; the engine never does.
import { readFileSync } from 'node:fs';
import type { LitmusOutcome } from './litmus-run.ts';

export type StateSet = Record<string, number | string>;
export interface Expectations {
  [test: string]: { states: StateSet[] };
}

export class ExpectationError extends Error {}

export function readExpectations(path: string): Expectations {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ExpectationError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const o = JSON.parse(text) as Expectations;
    if (typeof o !== 'object' || o === null) throw new Error('not an object');
    return o;
  } catch (e) {
    throw new ExpectationError(`${path}: expected a JSON object {test: {states: [...]}}: ${(e as Error).message}`);
  }
}

/** A state's key whatever the order of its fields. */
export function canonicalState(s: StateSet): string {
  return JSON.stringify(Object.keys(s).sort().map((k) => [k, s[k]]));
}

export interface Comparison {
  allowed: number;
  reached: number;
  missing: StateSet[];
  forbidden: StateSet[];
}

export function compare(o: LitmusOutcome, exp: Expectations): Comparison | undefined {
  const e = exp[o.test];
  if (!e || !Array.isArray(e.states)) return undefined;
  const allowed = new Set(e.states.map(canonicalState));
  const seen = new Set(o.histogram.map((h) => canonicalState(h.state)));
  return {
    allowed: allowed.size,
    reached: [...allowed].filter((k) => seen.has(k)).length,
    missing: e.states.filter((s) => !seen.has(canonicalState(s))),
    forbidden: o.histogram.filter((h) => !allowed.has(canonicalState(h.state))).map((h) => h.state),
  };
}
