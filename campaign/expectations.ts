// Comparing litmus outcomes with a reference simulator's allowed states (herd7's, in the
// expected.json format of a litmus corpus: {test: {states: [...]}}). Only this reporting layer
// reads expectations; the engine never does.
import { FileReadError, readTextFile } from '../isa/source-file.ts';
import { stateKey, type FinalState } from '../litmus/state.ts';
import type { LitmusOutcome } from './litmus-run.ts';

export interface Expectations {
  [test: string]: { states: FinalState[] };
}

export class ExpectationError extends Error {}

/** The largest expectations file read (the reference corpus's are below 1 MiB). */
const MAX_EXPECTATIONS_BYTES = 64 << 20;

export function readExpectations(path: string): Expectations {
  let text: string;
  try {
    text = readTextFile(path, MAX_EXPECTATIONS_BYTES);
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    throw new ExpectationError(e.message);
  }
  try {
    const o = JSON.parse(text) as Expectations;
    if (typeof o !== 'object' || o === null) throw new Error('not an object');
    return o;
  } catch (e) {
    throw new ExpectationError(`${path}: expected a JSON object {test: {states: [...]}}: ${(e as Error).message}`);
  }
}

export interface Comparison {
  allowed: number;
  reached: number;
  missing: FinalState[];
  forbidden: FinalState[];
}

export function compare(o: LitmusOutcome, exp: Expectations): Comparison | undefined {
  const e = exp[o.test];
  if (!e || !Array.isArray(e.states)) return undefined;
  const allowed = new Set(e.states.map(stateKey));
  const seen = new Set(o.histogram.map((h) => stateKey(h.state)));
  return {
    allowed: allowed.size,
    reached: [...allowed].filter((k) => seen.has(k)).length,
    missing: e.states.filter((s) => !seen.has(stateKey(s))),
    forbidden: o.histogram.filter((h) => !allowed.has(stateKey(h.state))).map((h) => h.state),
  };
}
