// `hangar merge`: campaign JSONL files (shards, re-runs, interrupted runs) into one summary per
// campaign (campaign/merge.ts says how nothing is miscounted). Exit status: 0 when every
// campaign is complete, 1 when one is incomplete or records conflict, 2 when the files hold no
// campaign record at all or cannot be read.
import { mergeCampaigns, type MergedCampaign } from '../../campaign/merge.ts';
import { readJsonl, type JsonlLine } from '../../campaign/jsonl.ts';
import { FileReadError } from '../../isa/source-file.ts';
import { defineCommand } from '../command.ts';
import type { Io } from '../io.ts';
import { described, JSON_OUT, UsageError } from '../options.ts';
import { summaryTable } from '../reporters/campaign-table.ts';
import { hangLine } from '../reporters/hang-line.ts';

export const mergeCommand = defineCommand({
  name: 'merge',
  description: 'merge campaign JSONL files (shards, re-runs) into one summary per campaign',
  argument: ['<files...>', 'JSONL files written by campaign --out'],
  options: { json: described(JSON_OUT, 'JSON lines output') },
  run: (io, files: string[], o) => merge(io, files, o.json === true),
});

/** At most this many skipped lines are listed one by one. */
const LIST_SKIPPED = 10;

function merge(io: Io, files: string[], json: boolean): number {
  const lines: JsonlLine[] = [];
  for (const f of files) {
    try {
      for (const l of readJsonl(f)) lines.push(l);
    } catch (e) {
      if (!(e instanceof FileReadError)) throw e;
      throw new UsageError(e.message);
    }
  }
  const m = mergeCampaigns(lines);
  for (const s of m.skipped.slice(0, LIST_SKIPPED)) io.err(`${s.where}:1: skipped: ${s.why}\n`);
  if (m.skipped.length > LIST_SKIPPED) io.err(`... and ${m.skipped.length - LIST_SKIPPED} more skipped line(s)\n`);
  if (m.campaigns.length === 0) throw new UsageError(`no campaign records in ${files.join(', ')} (${m.skipped.length} line(s) skipped)`);
  for (const c of m.conflicts) io.err(`conflict: ${c}\n`);
  if (json) {
    for (const c of m.campaigns) {
      for (const r of c.records) io.out(JSON.stringify(r) + '\n');
      const { records: _records, ...rest } = c;
      io.out(JSON.stringify({ type: 'merged', ...rest }) + '\n');
    }
    io.out(JSON.stringify({ type: 'merge', files: files.length, campaigns: m.campaigns.length, duplicates: m.duplicates, skipped: m.skipped, conflicts: m.conflicts }) + '\n');
  } else {
    if (m.campaigns.length > 1) io.out(`These files hold ${m.campaigns.length} campaigns; each is shown on its own (counts are never added across campaigns).\n`);
    for (const c of m.campaigns) {
      io.out(`\n${header(c)}\n`);
      for (const why of c.incomplete) io.out(`  ${why}\n`);
      for (const r of c.records) if (r.type === 'hang') io.out(hangLine(r));
      io.out(summaryTable(c.cells));
    }
    const notes: string[] = [];
    if (m.duplicates) notes.push(`${m.duplicates} duplicate record(s) counted once`);
    if (m.skipped.length) notes.push(`${m.skipped.length} line(s) skipped`);
    io.out(`\nMerged ${files.length} file(s)${notes.length ? `: ${notes.join(', ')}` : ''}.\n`);
  }
  return m.conflicts.length > 0 || m.campaigns.some((c) => !c.complete) ? 1 : 0;
}

function header(c: MergedCampaign): string {
  const what = c.seed === null ? 'parameters unknown' : `seed ${c.seed}, ${c.trials} trials per cell${c.shards > 1 ? `, ${c.shards} shards` : ''}`;
  return `Campaign ${c.campaign} (${what}): ${c.complete ? 'complete' : `INCOMPLETE (${c.incomplete.length} problem(s); counts cover only what is here)`}`;
}
