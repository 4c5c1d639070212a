// Campaign output people can read (issue 12 item 5): without --json a campaign prints the first
// --show-hangs hangs of each program × target cell with their replay commands, then one line
// per cell saying how many more were found and where they are saved; --out and --json keep
// every record.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'hangar-output-'));
// A frequent hang: about every other trial hangs on each target.
const PROGRAM = 'aio-wait-kick/pre-2022';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const records = (f: string): Array<Record<string, unknown>> => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Per cell: the hang lines printed, the "N more" count printed, the hang records in --out. */
function perCell(out: string, file: string, target: string) {
  const printed = out.split('\n').filter((l) => l.startsWith(`hang: ${PROGRAM} on ${target}, `));
  for (const l of printed) expect(l).toMatch(new RegExp(`replay: npx hangar replay ${escape(PROGRAM)} --target ${target} --seed \\d+$`));
  const more = new RegExp(`^${escape(PROGRAM)} on ${target}: (\\d+) more hang\\(s\\) not shown \\(--show-hangs \\d+\\), in ${escape(file)}$`, 'm').exec(out);
  const saved = records(file).filter((r) => r.type === 'hang' && r.target === target);
  return { printed: printed.length, more: more ? Number(more[1]) : 0, saved };
}

describe('campaign output on a terminal', () => {
  it('prints the first 3 hangs of each cell, then how many more, exactly the hangs in --out', async () => {
    const f = join(dir, 'default.jsonl');
    const r = await cli(['campaign', PROGRAM, '--target', 'all', '--trials', '120', '--seed', '4', '--jobs', '1', '--out', f]);
    expect(r.code).toBe(0);
    const summary = records(f).at(-1) as { cells: Array<{ target: string; hangs: number }> };
    expect(summary.cells.length).toBe(3);
    let hanging = 0;
    for (const c of summary.cells) {
      const { printed, more, saved } = perCell(r.out, f, c.target);
      expect(printed + more, c.target).toBe(saved.length);
      expect(saved.length, c.target).toBe(c.hangs);
      expect(printed, c.target).toBe(Math.min(3, c.hangs));
      if (c.hangs > 3) hanging++;
    }
    expect(hanging, 'cells with more hangs than are shown').toBeGreaterThan(0);
    expect(r.out.split('\n').filter((l) => l.startsWith('hang: ')).length).toBeLessThanOrEqual(9);
  }, 60_000);

  it('--show-hangs N shows the first N hangs, in the order found; 0 shows only the count', async () => {
    for (const n of [0, 1, 7]) {
      const f = join(dir, `show-${n}.jsonl`);
      const r = await cli(['campaign', PROGRAM, '--target', 'x86-tso', '--trials', '100', '--seed', '5', '--jobs', '1', '--out', f, '--show-hangs', String(n)]);
      expect(r.code).toBe(0);
      const { printed, more, saved } = perCell(r.out, f, 'x86-tso');
      expect(saved.length).toBeGreaterThan(n);
      expect(printed).toBe(n);
      expect(more).toBe(saved.length - n);
      const seeds = [...r.out.matchAll(/^hang: .* seed (\d+) \(trial/gm)].map((m) => Number(m[1]));
      expect(seeds).toEqual(saved.slice(0, n).map((h) => h.seed));
    }
  }, 60_000);

  it('without --out the count says the rest are not saved', async () => {
    const r = await cli(['campaign', PROGRAM, '--target', 'x86-tso', '--trials', '60', '--seed', '5', '--jobs', '1', '--show-hangs', '1']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^aio-wait-kick\/pre-2022 on x86-tso: \d+ more hang\(s\) not shown \(--show-hangs 1\), not saved \(add --out FILE to keep them all\)$/m);
  }, 60_000);

  it('--json prints every record, byte for byte what --out writes, whatever --show-hangs says', async () => {
    const f = join(dir, 'json.jsonl');
    const r = await cli(['campaign', PROGRAM, '--target', 'x86-tso', '--trials', '100', '--seed', '5', '--jobs', '1', '--json', '--show-hangs', '1', '--out', f]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(readFileSync(f, 'utf8'));
    const hangs = records(f).filter((x) => x.type === 'hang');
    expect(hangs.length).toBeGreaterThan(1);
    expect(r.out).not.toMatch(/more hang\(s\) not shown/);
  }, 60_000);

  it('a --show-hangs that is not a count is a usage error', async () => {
    const r = await cli(['campaign', PROGRAM, '--show-hangs', 'many']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/option '--show-hangs <n>' argument 'many' is invalid/);
  });
});
