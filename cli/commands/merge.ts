// `hangar merge`: campaign JSONL files (e.g. shards) into one summary; a truncated last line
// (a killed campaign) is skipped with a warning naming its position.
import { readFileSync } from 'node:fs';
import { mergeRecords } from '../../campaign/merge.ts';
import { defineCommand } from '../command.ts';
import type { Io } from '../io.ts';
import { described, JSON_OUT, UsageError } from '../options.ts';
import { summaryTable } from '../reporters/campaign-table.ts';
import { hangLine } from '../reporters/hang-line.ts';

export const mergeCommand = defineCommand({
  name: 'merge',
  description: 'merge campaign JSONL files (e.g. shards) into one summary',
  argument: ['<files...>', 'JSONL files written by campaign --out'],
  options: { json: described(JSON_OUT, 'JSON lines output') },
  run: (io, files: string[], o) => merge(io, files, o.json === true),
});

function merge(io: Io, files: string[], json: boolean): number {
  const lines: unknown[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${f}: ${(e as Error).message}`);
    }
    text.split('\n').forEach((l, i) => {
      if (!l.trim()) return;
      try {
        lines.push(JSON.parse(l));
      } catch {
        // A campaign killed mid-write can leave a truncated last line: skip it, say so.
        io.err(`${f}:${i + 1}:1: skipped a line that is not JSON (truncated by a killed campaign?)\n`);
      }
    });
  }
  const { records, summary } = mergeRecords(lines);
  if (json) {
    for (const r of records) io.out(JSON.stringify(r) + '\n');
    io.out(JSON.stringify(summary) + '\n');
  } else {
    for (const r of records) if (r.type === 'hang') io.out(hangLine(r));
    io.out(`\nMerged summary of ${files.length} file(s)${summary.complete ? '' : ' (some runs were interrupted)'}:\n`);
    io.out(summaryTable(summary.cells));
  }
  return 0;
}
