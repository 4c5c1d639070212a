// The campaign summary table: program × target → trials, hangs, first hang's seed, time to
// first hang, expected verdict and whether the run agrees with it.
import type { CellSummary } from '../../campaign/campaign.ts';

/** The campaign summary table. */
export function summaryTable(cells: CellSummary[]): string {
  const rows = [['program', 'target', 'trials', 'hangs', 'first hang seed', 'time to first', 'expected', '']];
  for (const c of cells) {
    const verdict = c.hangs > 0 ? 'hang' : 'none';
    const mark = c.expected === undefined ? '' : c.expected === verdict ? 'ok' : (c.expected === 'hang' ? 'NOT FOUND (yet)' : 'UNEXPECTED HANG');
    rows.push([
      c.program, c.target, String(c.trials), String(c.hangs) + (c.errors ? ` (+${c.errors} errors)` : '') + (c.budget ? ` (+${c.budget} budget)` : ''),
      c.firstHangSeed === null ? '-' : String(c.firstHangSeed), c.firstHangMs === null ? '-' : `${(c.firstHangMs / 1000).toFixed(2)} s`,
      c.expected ?? '-', mark,
    ]);
  }
  const w = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
  return rows.map((r) => r.map((x, k) => x.padEnd(w[k])).join('  ').trimEnd()).join('\n') + '\n';
}
