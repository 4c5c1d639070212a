// `hangar run`: one trial's verdict, final state (litmus tests), step counts and traceHash, as
// text or one JSON object.
import { replayCommandLine } from '../../campaign/campaign.ts';
import type { Workload } from '../../campaign/workload.ts';
import type { TrialResult } from '../../emu/machine/trial.ts';
import type { ModelName } from '../../emu/model/memory-model.ts';
import type { FinalState } from '../../litmus/state.ts';
import { stateText } from './litmus-text.ts';

export function litmusTrialJson(test: string, model: ModelName, seed: number, r: TrialResult, state: FinalState | undefined): string {
  return JSON.stringify({ test, model, seed, verdict: r.verdict, error: r.error, state, traceHash: r.traceHash, attempts: r.attempts, epochs: r.epochs, steps: r.steps }) + '\n';
}

export function litmusTrialText(test: string, model: ModelName, seed: number, r: TrialResult, state: FinalState | undefined): string {
  let s = `Test ${test} model ${model} seed ${seed}\n`;
  s += verdictLine(r);
  if (state) s += `State ${stateText(state)}\n`;
  return s + countsLines(r);
}

export function programTrialJson(w: Workload, seed: number, r: TrialResult): string {
  return JSON.stringify({ program: w.name, target: w.target?.name, model: w.model, seed, verdict: r.verdict, error: r.error, traceHash: r.traceHash, steps: r.steps, epochs: r.epochs, attempts: r.attempts }) + '\n';
}

export function programTrialText(w: Workload, seed: number, r: TrialResult): string {
  let s = `Program ${w.name} target ${w.target?.name ?? '-'} (model ${w.model}) seed ${seed}\n`;
  s += verdictLine(r) + countsLines(r);
  if (r.verdict === 'hang') s += `Explain it: ${replayCommandLine(w.name, w.target?.name ?? 'armv8-llsc', seed, w.defines, w.modelGiven ? w.model : undefined)}\n`;
  return s;
}

function verdictLine(r: TrialResult): string {
  return `Verdict ${r.verdict}${r.error ? `: ${r.error}` : ''}\n`;
}

function countsLines(r: TrialResult): string {
  return `Steps ${r.steps} Epochs ${r.epochs} Attempts ${r.attempts + 1}\ntraceHash ${r.traceHash}\n`;
}
