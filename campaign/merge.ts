// Merging campaign outputs (the JSONL of shards, of re-runs, of interrupted runs) so that
// nothing is miscounted:
//   * records are grouped by campaign (and by shard count: a run cut into 3 shards and one cut
//     into 4 cover the trials differently), and groups are never added together;
//   * a record is identified by (campaign, program, target, trial): a duplicate (the same file
//     given twice, a campaign re-run on its own --out) is counted once, a record that differs
//     from another of the same identity is a conflict;
//   * per shard and cell the summary that ran the most trials counts (runs go in trial order,
//     so it covers the others); hangs, errors and budgets are counted from the records;
//   * a group is complete only when every shard 0..N-1 has a summary that ran to the end for
//     every cell; otherwise it says which shard is missing or stopped, and why;
//   * every line that is not a record of a campaign is skipped, and said so.
// Trial i always uses trialSeed(S, i), so the merged shards equal one unsharded run.
import type { JsonlLine } from './jsonl.ts';
import {
  classify, recordKey, type CampaignRecord, type CampaignSummary, type Cell, type CellSummary, type HangRecord, type Shard,
} from './records.ts';

export interface MergedCampaign {
  /** The campaign id, or `legacy <file>` for records of an older hangar (no id: merged per file). */
  campaign: string;
  seed: number | null;
  trials: number | null;
  maxSteps: number | null;
  defines: Record<string, number>;
  /** How many shards the trials were cut into (1: not sharded). */
  shards: number;
  /** Deduplicated, sorted by program, target, trial. */
  records: HangRecord[];
  cells: CellSummary[];
  complete: boolean;
  /** Why it is not complete: missing shards, stopped runs, missing records. */
  incomplete: string[];
}

export interface MergeResult {
  campaigns: MergedCampaign[];
  /** Lines that are not records of a campaign. */
  skipped: Array<{ where: string; why: string }>;
  /** Records and summaries seen more than once (counted once). */
  duplicates: number;
  /** Records of the same identity that differ (different hangar versions?). */
  conflicts: string[];
  /** Steps of work the merge did (linear in the lines and the cells they name: tests bound it). */
  work: number;
}

interface Group {
  campaign: string;
  legacy: boolean;
  shards: number;
  identity: { seed: number; trials: number; maxSteps: number; defines: Record<string, number> } | null;
  /** Cells named by start records or summaries, in order of appearance. */
  cells: Map<string, Cell>;
  /** Shards that wrote a start record. */
  started: Set<number>;
  /** Per shard, per cell: the summary entry with the most trials, and whether its run completed. */
  summaries: Map<number, Map<string, { cell: CellSummary; complete: boolean; stopped: string | null; where: string }>>;
  records: Map<string, { r: HangRecord; where: string }>;
}

const cellKey = (c: Cell): string => `${c.program}\u0000${c.target}`;
const shardOf = (s: Shard | null): { index: number; count: number } => s ?? { index: 0, count: 1 };
const shardName = (k: number, n: number): string => (n === 1 ? 'the run' : `shard ${k}/${n}`);

/** Merges JSONL lines (from readJsonl) into campaigns. Never throws on what the lines hold. */
export function mergeCampaigns(lines: readonly JsonlLine[]): MergeResult {
  const groups = new Map<string, Group>();
  const skipped: MergeResult['skipped'] = [];
  const conflicts: string[] = [];
  let duplicates = 0;

  const groupOf = (campaign: string, legacy: boolean, shards: number): Group => {
    const key = `${campaign}\u0000${shards}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { campaign, legacy, shards, identity: null, cells: new Map(), started: new Set(), summaries: new Map(), records: new Map() };
      groups.set(key, g);
    }
    return g;
  };

  for (const l of lines) {
    const where = `${l.file}:${l.line}`;
    if (l.bad !== undefined) {
      skipped.push({ where, why: l.bad });
      continue;
    }
    const c = classify(l.value);
    let rec: CampaignRecord;
    let legacy = false;
    if (c.kind === 'other') {
      skipped.push({ where, why: c.why });
      continue;
    } else if (c.kind === 'legacy') {
      const r = fromLegacy(c.record, l.file);
      if (typeof r === 'string') {
        skipped.push({ where, why: r });
        continue;
      }
      rec = r;
      legacy = true;
    } else {
      rec = c.record;
    }
    const shard = shardOf(rec.shard);
    const g = groupOf(rec.campaign, legacy, shard.count);
    if (rec.type === 'start' || rec.type === 'summary') {
      g.identity ??= { seed: rec.seed, trials: rec.trials, maxSteps: rec.maxSteps, defines: rec.defines };
    }
    if (rec.type === 'start') {
      g.started.add(shard.index);
      for (const cell of rec.cells) if (!g.cells.has(cellKey(cell))) g.cells.set(cellKey(cell), { program: cell.program, target: cell.target });
    } else if (rec.type === 'summary') {
      let per = g.summaries.get(shard.index);
      if (per === undefined) g.summaries.set(shard.index, (per = new Map()));
      for (const cell of rec.cells) {
        const k = cellKey(cell);
        if (!g.cells.has(k)) g.cells.set(k, { program: cell.program, target: cell.target });
        // A cell the run reached counts as complete only if the whole run completed (a stopped
        // run's last cell is partial).
        const entry = { cell, complete: rec.complete, stopped: rec.stopped, where };
        const old = per.get(k);
        if (old === undefined) per.set(k, entry);
        else if (sameCounts(old.cell, cell) && old.complete === rec.complete) duplicates++;
        else if (cell.trials > old.cell.trials || (cell.trials === old.cell.trials && rec.complete && !old.complete)) per.set(k, entry);
      }
    } else {
      const k = recordKey(rec);
      const old = g.records.get(k);
      if (old === undefined) {
        g.records.set(k, { r: rec, where });
        if (!g.cells.has(cellKey(rec))) g.cells.set(cellKey(rec), { program: rec.program, target: rec.target });
      } else if (sameRecord(old.r, rec)) duplicates++;
      else conflicts.push(`${where}: trial ${rec.trial} of ${rec.program} on ${rec.target} (campaign ${rec.campaign}) differs from ${old.where} (${old.r.verdict} ${old.r.traceHash} vs ${rec.verdict} ${rec.traceHash}): written by different versions of hangar?`);
    }
  }
  const work = { steps: lines.length };
  const campaigns = [...groups.values()].map((g) => finish(g, work));
  return { campaigns, skipped, duplicates, conflicts, work: work.steps };
}

function sameCounts(a: CellSummary, b: CellSummary): boolean {
  return a.trials === b.trials && a.hangs === b.hangs && a.errors === b.errors && a.budget === b.budget && a.firstHangTrial === b.firstHangTrial;
}

function sameRecord(a: HangRecord, b: HangRecord): boolean {
  return a.type === b.type && a.seed === b.seed && a.verdict === b.verdict && a.traceHash === b.traceHash && a.steps === b.steps && a.epochs === b.epochs && (a.error ?? '') === (b.error ?? '');
}

/** Per cell and kind of problem, the shards named one by one before the rest are counted. */
const NAMED_SHARDS = 3;
/** Problems listed per campaign (the count is always exact). */
const LISTED_PROBLEMS = 50;

interface Tally {
  trials: number;
  expected?: CellSummary['expected'];
  records: HangRecord[];
  /** Shards with a summary entry for the cell. */
  summarized: Set<number>;
  /** Per shard: the cell's records, by verdict. */
  byShard: Map<number, { hang: number; error: number; budget: number }>;
}

/** The merged view of one group, in work linear in what the group holds. */
function finish(g: Group, work: { steps: number }): MergedCampaign {
  const records = [...g.records.values()].map((x) => x.r).sort((a, b) => (a.program < b.program ? -1 : a.program > b.program ? 1 : a.target < b.target ? -1 : a.target > b.target ? 1 : a.trial - b.trial));
  const problems: string[] = [];
  let problemCount = 0;
  const problem = (p: string): void => {
    if (problemCount++ < LISTED_PROBLEMS) problems.push(p);
  };
  const tallies = new Map<string, Tally>();
  for (const k of g.cells.keys()) tallies.set(k, { trials: 0, records: [], summarized: new Set(), byShard: new Map() });
  for (const r of records) {
    work.steps++;
    const t = tallies.get(cellKey(r))!;
    t.records.push(r);
    const s = shardOf(r.shard).index;
    let c = t.byShard.get(s);
    if (c === undefined) t.byShard.set(s, (c = { hang: 0, error: 0, budget: 0 }));
    c[r.type]++;
  }
  const named = (s: number, cell: Cell): string => `${shardName(s, g.shards)} of ${cell.program} on ${cell.target}`;
  for (const [s, per] of g.summaries) {
    for (const [k, e] of per) {
      work.steps++;
      const t = tallies.get(k)!;
      const cell = g.cells.get(k)!;
      t.summarized.add(s);
      t.trials += e.cell.trials;
      t.expected ??= e.cell.expected;
      if (!e.complete) problem(`${named(s, cell)}: stopped${e.stopped ? ` (${e.stopped})` : ''} after ${e.cell.trials} trial(s) (${e.where})`);
      const c = t.byShard.get(s) ?? { hang: 0, error: 0, budget: 0 };
      if (c.hang < e.cell.hangs || c.error < e.cell.errors || c.budget < e.cell.budget) {
        problem(`${named(s, cell)}: its summary counts ${e.cell.hangs} hang(s), ${e.cell.errors} error(s), ${e.cell.budget} budget(s), but only ${c.hang}, ${c.error}, ${c.budget} record(s) are here`);
      }
    }
  }
  const cells: CellSummary[] = [];
  for (const [k, cell] of g.cells) {
    work.steps++;
    const t = tallies.get(k)!;
    // Shards known to have run the cell without a summary of it: those with records, and
    // those that started (the shard count comes from the files and may be huge: only the
    // shards something is known of are visited, the others are counted as missing).
    const killed: number[] = [];
    let killedCount = 0;
    let startedSummarized = 0;
    for (const s of t.summarized) if (g.started.has(s)) startedSummarized++;
    let recordsOnly = 0;
    for (const [s, c] of t.byShard) {
      work.steps++;
      if (t.summarized.has(s)) continue;
      if (!g.started.has(s)) recordsOnly++;
      killedCount++;
      if (killed.length < NAMED_SHARDS) {
        killed.push(s);
        problem(`${named(s, cell)}: no summary (killed?); ${c.hang + c.error + c.budget} record(s) of it are counted, its trials are not`);
      }
    }
    const startedUnsummarized = g.started.size - startedSummarized - (killedCount - recordsOnly);
    let checked = 0;
    for (const s of g.started) {
      if (killed.length >= NAMED_SHARDS || checked++ > 1000) break;
      work.steps++;
      if (t.summarized.has(s) || t.byShard.has(s)) continue;
      killed.push(s);
      problem(`${named(s, cell)}: no summary (killed?); 0 record(s) of it are counted, its trials are not`);
    }
    const unnamed = killedCount + startedUnsummarized - killed.length;
    if (unnamed > 0) problem(`... and ${unnamed} more shard(s) of ${cell.program} on ${cell.target} with no summary (killed?)`);
    const known = g.started.size + (t.summarized.size - startedSummarized) + recordsOnly;
    const missing = g.shards - known;
    if (missing > 0) {
      const some: string[] = [];
      for (let s = 0; s < g.shards && some.length < NAMED_SHARDS && s < 1000; s++) {
        work.steps++;
        if (!g.started.has(s) && !t.summarized.has(s) && !t.byShard.has(s)) some.push(`${s}/${g.shards}`);
      }
      problem(`${missing} of the ${g.shards} shards of ${cell.program} on ${cell.target} are missing (no record of them in these files${some.length ? `: ${some.join(', ')}${missing > some.length ? ', ...' : ''}` : ''})`);
    }
    let first: HangRecord | null = null;
    const count = { hang: 0, error: 0, budget: 0 };
    for (const r of t.records) {
      count[r.type]++;
      if (r.type === 'hang' && (first === null || r.trial < first.trial)) first = r;
    }
    cells.push({
      program: cell.program, target: cell.target, trials: t.trials, hangs: count.hang, errors: count.error, budget: count.budget,
      firstHangTrial: first?.trial ?? null, firstHangSeed: first?.seed ?? null, firstHangMs: null, ...(t.expected ? { expected: t.expected } : {}),
    });
  }
  if (problemCount > problems.length) problems.push(`... and ${problemCount - problems.length} more problem(s)`);
  const id = g.identity;
  return {
    campaign: g.campaign, seed: id?.seed ?? null, trials: id?.trials ?? null, maxSteps: id?.maxSteps ?? null, defines: id?.defines ?? {},
    shards: g.shards, records, cells, complete: problemCount === 0, incomplete: problems,
  };
}

/** A record written before records named their campaign (format 1), as one of this format in
 * the campaign `legacy <file>`; or why it is not usable. */
function fromLegacy(o: Record<string, unknown>, file: string): CampaignRecord | string {
  const campaign = `legacy ${file}`;
  const shard = o.shard ?? null;
  const shardOk = shard === null || (typeof shard === 'object' && Number.isSafeInteger((shard as Shard).index) && Number.isSafeInteger((shard as Shard).count) && (shard as Shard).count >= 1 && (shard as Shard).index >= 0 && (shard as Shard).index < (shard as Shard).count);
  if (o.type === 'summary') {
    const probe = classify({ ...o, format: 2, campaign: 'c0000000000000000', maxSteps: 0, defines: {}, stopped: null, shard: shardOk ? shard : 'bad' });
    if (probe.kind !== 'record') return `an older summary record that is malformed (${probe.kind === 'other' ? probe.why : ''})`;
    const s = probe.record as CampaignSummary;
    // One file is one run: its shard is not needed to count it.
    return { ...s, campaign, maxSteps: 0, defines: {}, stopped: null, shard: null };
  }
  const probe = classify({ ...o, campaign: 'c0000000000000000', campaignSeed: 0, shard: null });
  if (probe.kind !== 'record') return `an older ${String(o.type)} record that is malformed (${probe.kind === 'other' ? probe.why : ''})`;
  const r = probe.record as HangRecord;
  return { ...r, campaign, campaignSeed: 0, shard: null } satisfies HangRecord;
}

