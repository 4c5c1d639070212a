// A litmus outcome as one JSON object (one line per test of `hangar litmus --json`), with the
// comparison with a reference when there is one.
import type { Comparison } from '../../campaign/expectations.ts';
import type { LitmusOutcome } from '../../campaign/litmus-run.ts';

export function litmusJson(o: LitmusOutcome, expected?: Comparison): string {
  return JSON.stringify({
    test: o.test,
    arch: o.arch,
    model: o.model,
    seed: o.seed,
    trials: o.trials,
    histogram: o.histogram,
    condition: o.condition,
    observed: o.observed.verdict,
    ok: o.observed.ok,
    observation: o.observed.observation,
    positive: o.observed.positive,
    negative: o.observed.negative,
    aborted: o.aborted,
    restarts: o.restarts,
    errors: o.errors,
    ...(o.stopped ? { stopped: o.stopped } : {}),
    ...(expected ? { expected } : {}),
  });
}
