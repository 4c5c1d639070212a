// A litmus outcome in the familiar herd7/litmus7 text shape, and herd's notation for a state.
import type { LitmusOutcome } from '../../campaign/litmus-run.ts';
import type { FinalState } from '../../litmus/state.ts';

/** herd's notation: `0:X0=1; [x]=2;`. */
export function stateText(s: FinalState): string {
  return Object.entries(s).map(([k, v]) => `${/^\d+:/.test(k) ? k : `[${k}]`}=${v};`).join(' ');
}

export function litmusText(o: LitmusOutcome, seconds: number): string {
  const lines: string[] = [];
  lines.push(`Test ${o.test} ${o.observed.verdict}`);
  lines.push(`States ${o.histogram.length}`);
  const sorted = [...o.histogram].sort((a, b) => (stateText(a.state) < stateText(b.state) ? -1 : 1));
  const w = String(Math.max(1, ...sorted.map((h) => h.count))).length;
  for (const h of sorted) lines.push(`${String(h.count).padStart(w)} :> ${stateText(h.state)}`);
  lines.push(o.observed.ok ? 'Ok' : 'No');
  lines.push('Witnesses');
  lines.push(`Positive: ${o.observed.positive} Negative: ${o.observed.negative}`);
  lines.push(`Condition ${o.condition}`);
  lines.push(`Observation ${o.test} ${o.observed.observation} ${o.observed.positive} ${o.observed.negative}`);
  lines.push(`Model ${o.model} Seed ${o.seed} Trials ${o.trials} Restarts ${o.restarts}${o.aborted ? ` Aborted ${o.aborted}` : ''}`);
  if (o.stopped) lines.push(`Stopped at the ${o.stopped} after ${o.trials} trials`);
  for (const e of o.errors) lines.push(`Error ${e}`);
  lines.push(`Time ${o.test} ${seconds.toFixed(2)}`);
  return lines.join('\n') + '\n';
}
