// Conformance against herd7: run every corpus test, fail on any state outside the allowed
// set (soundness) and measure which allowed states were reached (completeness).
import { basename, relative } from 'node:path';
import type { Corpus } from './corpus.ts';
import { repoRoot } from './corpus.ts';
import { type FinalState, readLitmus, runLitmus, stateKey } from '../../index.ts';

export interface TestCoverage {
  name: string;
  family: string;
  allowed: number;
  reached: number;
  missing: FinalState[];
  /** Forbidden states observed, each with the seed of a trial that produced it. */
  forbidden: Array<{ state: FinalState; seed: number; traceHash: string; replay: string }>;
  aborted: number;
  restarts: number;
  errors: string[];
}

export function checkTest(corpus: Corpus, arch: string, file: string, trials: number, seed: number): TestCoverage {
  const t = readLitmus(file);
  const exp = corpus.expected[arch][t.name];
  if (!exp) throw new Error(`${file}: no expectation for ${t.name}`);
  const allowed = new Set(exp.states.map(stateKey));
  const firstSeed = new Map<string, { seed: number; traceHash: string }>();
  const out = runLitmus(t, {
    trials,
    seed,
    observe: (_i, r, s) => {
      if (!s) return;
      const k = stateKey(s);
      if (!firstSeed.has(k)) firstSeed.set(k, { seed: r.seed, traceHash: r.traceHash });
    },
  });
  const seen = new Set(out.histogram.map((h) => stateKey(h.state)));
  const forbidden = out.histogram
    .filter((h) => !allowed.has(stateKey(h.state)))
    .map((h) => {
      const f = firstSeed.get(stateKey(h.state))!;
      return { state: h.state, seed: f.seed, traceHash: f.traceHash, replay: `npx hangar run ${relative(repoRoot, file)} --seed ${f.seed}` };
    });
  const missing = exp.states.filter((s) => !seen.has(stateKey(s)));
  return {
    name: t.name || basename(file),
    family: exp.family,
    allowed: allowed.size,
    reached: allowed.size - missing.length,
    missing,
    forbidden,
    aborted: out.aborted,
    restarts: out.restarts,
    errors: out.errors,
  };
}

export interface FamilyCoverage {
  family: string;
  allowed: number;
  reached: number;
}

export function byFamily(results: TestCoverage[]): FamilyCoverage[] {
  const m = new Map<string, FamilyCoverage>();
  for (const r of results) {
    const f = m.get(r.family) ?? { family: r.family, allowed: 0, reached: 0 };
    f.allowed += r.allowed;
    f.reached += r.reached;
    m.set(r.family, f);
  }
  return [...m.values()].sort((a, b) => a.family.localeCompare(b.family));
}
