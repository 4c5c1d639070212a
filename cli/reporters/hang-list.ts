// The hangs a campaign prints as found: the first few of each program × target cell with their
// replay commands, then one line per cell saying how many more were found and where they are.
import type { HangRecord } from '../../campaign/campaign.ts';
import { hangLine } from './hang-line.ts';

export class HangList {
  private readonly shown = new Map<string, number>();
  private readonly more = new Map<string, { program: string; target: string; count: number }>();

  /** Prints at most `limit` hangs per cell. */
  constructor(private readonly limit: number) {}

  /** The line to print for a saved hang, or '' once its cell has shown `limit` of them. */
  line(rec: HangRecord): string {
    const cell = `${rec.program}\n${rec.target}`;
    const n = this.shown.get(cell) ?? 0;
    if (n < this.limit) {
      this.shown.set(cell, n + 1);
      return hangLine(rec);
    }
    const m = this.more.get(cell) ?? { program: rec.program, target: rec.target, count: 0 };
    m.count++;
    this.more.set(cell, m);
    return '';
  }

  /** One line per cell with hangs not printed: how many, and where they are (the --out file). */
  rest(outPath: string | undefined): string {
    let s = '';
    for (const m of this.more.values()) {
      const where = outPath === undefined ? 'not saved (add --out FILE to keep them all)' : `in ${outPath}`;
      s += `${m.program} on ${m.target}: ${m.count} more hang(s) not shown (--show-hangs ${this.limit}), ${where}\n`;
    }
    return s;
  }
}
