// `hangar replay`: the trial's verdict, the last memory events of its trace and the
// explanation of the reorderings it depended on, as text or one JSON object.
import type { Workload } from '../../campaign/workload.ts';
import { traceLines } from '../../emu/observe/explain.ts';
import type { Replay } from '../../emu/observe/replay.ts';

export function replayJson(w: Workload, seed: number, rp: Replay): string {
  const r = rp.result;
  return JSON.stringify({ program: w.name, target: w.target?.name, model: w.model, seed, verdict: r.verdict, traceHash: r.traceHash, explanation: rp.explanation.lines, missed: rp.explanation.missed }) + '\n';
}

/** `trace`: how many of the last memory events to list (0: none). */
export function replayText(w: Workload, seed: number, rp: Replay, trace: number): string {
  const r = rp.result;
  let s = `Replay of ${w.name} on ${w.target?.name ?? w.model}${w.modelGiven && w.target ? ` under model ${w.model}` : ''}, seed ${seed}: verdict ${r.verdict}${r.error ? ` (${r.error})` : ''}, traceHash ${r.traceHash}\n`;
  if (w.entry && r.verdict === 'hang') s += `A hang here means: ${w.entry.hangMeaning}.\n`;
  if (trace > 0) {
    s += `\nTrace (last ${trace} memory events; e<epoch> core<n> instruction  effect):\n`;
    for (const l of traceLines(rp.machine, rp.events, trace)) s += `  ${l}\n`;
  }
  s += '\nExplanation:\n';
  for (const l of rp.explanation.lines) s += `${l}\n`;
  return s;
}
