// Merging campaign outputs (e.g. the JSONL of shards): the merged hangs and counts equal those
// of one unsharded run with the same seed, since trial i always uses trialSeed(S, i).
import type { CampaignSummary, CellSummary, HangRecord } from './campaign.ts';

/** Merges shard outputs: hangs deduplicated by (program, target, trial); counts added. */
export function mergeRecords(lines: unknown[]): { records: HangRecord[]; summary: CampaignSummary } {
  const records = new Map<string, HangRecord>();
  const cells = new Map<string, CellSummary>();
  let seed = 0, trials = 0, complete = true;
  for (const l of lines) {
    const o = l as { type?: string };
    if (o.type === 'summary') {
      const s = o as CampaignSummary;
      seed = s.seed;
      trials = Math.max(trials, s.trials);
      complete &&= s.complete;
      for (const c of s.cells) {
        const k = `${c.program}\u0000${c.target}`;
        const m = cells.get(k);
        if (!m) { cells.set(k, { ...c, firstHangMs: null }); continue; }
        m.trials += c.trials;
        m.hangs += c.hangs;
        m.errors += c.errors;
        m.budget += c.budget;
        if (c.firstHangTrial !== null && (m.firstHangTrial === null || c.firstHangTrial < m.firstHangTrial)) {
          m.firstHangTrial = c.firstHangTrial;
          m.firstHangSeed = c.firstHangSeed;
        }
      }
    } else if (o.type === 'hang' || o.type === 'error' || o.type === 'budget') {
      const r = o as HangRecord;
      records.set(`${r.program}\u0000${r.target}\u0000${r.trial}`, r);
    }
  }
  const sorted = [...records.values()].sort((a, b) => (a.program < b.program ? -1 : a.program > b.program ? 1 : a.target < b.target ? -1 : a.target > b.target ? 1 : a.trial - b.trial));
  return { records: sorted, summary: { type: 'summary', seed, trials, shard: null, complete, cells: [...cells.values()] } };
}
