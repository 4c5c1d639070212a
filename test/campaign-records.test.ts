// Campaign records that cannot be miscounted (issue 14 items 11-13, deliverables 2 and 3):
// every record names its campaign, merge deduplicates and separates campaigns and says what is
// incomplete or skipped, --out refuses another campaign's file, a printed hang is a saved hang,
// a failed write ends the campaign, and SIGTERM/SIGHUP stop like SIGINT.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/corpus.ts';
import { classify, main, mergeCampaigns, readJsonl } from '../index.ts';

const bin = join(repoRoot, 'bin/hangar.mjs');
const dir = mkdtempSync(join(tmpdir(), 'hangar-records-'));
const PROGRAM = ['aio-wait-kick/pre-2022', '--target', 'x86-tso'];

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const campaign = (out: string, seed: number, trials = 40, extra: string[] = []) =>
  cli(['campaign', ...PROGRAM, '--trials', String(trials), '--seed', String(seed), '--jobs', '1', '--out', out, ...extra]);

const lines = (f: string): Array<Record<string, unknown>> => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

describe('campaign records', () => {
  it('name their campaign, shard and trial; start and summary records say what the campaign is', async () => {
    const f = join(dir, 'named.jsonl');
    expect((await campaign(f, 9, 40, ['--shard', '1/2'])).code).toBe(0);
    const recs = lines(f);
    expect(recs[0]).toMatchObject({ type: 'start', format: 2, seed: 9, trials: 40, shard: { index: 1, count: 2 }, cells: [{ program: 'aio-wait-kick/pre-2022', target: 'x86-tso' }] });
    const id = recs[0].campaign;
    expect(id).toMatch(/^c[0-9a-f]{16}$/);
    const hangs = recs.filter((r) => r.type === 'hang');
    expect(hangs.length).toBeGreaterThan(0);
    for (const h of hangs) expect(h).toMatchObject({ campaign: id, campaignSeed: 9, shard: { index: 1, count: 2 }, program: 'aio-wait-kick/pre-2022', target: 'x86-tso' });
    for (const h of hangs) expect((h.trial as number) % 2).toBe(1);
    expect(recs.at(-1)).toMatchObject({ type: 'summary', campaign: id, complete: true, stopped: null });
    for (const r of recs) expect(classify(r).kind).toBe('record');
  });

  it('merge a.jsonl a.jsonl counts every trial once and says so', async () => {
    const f = join(dir, 'twice.jsonl');
    expect((await campaign(f, 5)).code).toBe(0);
    const once = mergeCampaigns(readJsonl(f));
    const twice = mergeCampaigns([...readJsonl(f), ...readJsonl(f)]);
    expect(twice.campaigns).toEqual(once.campaigns);
    expect(twice.duplicates).toBeGreaterThan(0);
    const r = await cli(['merge', f, f]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/duplicate record\(s\) counted once/);
    expect(r.out).toContain(`aio-wait-kick/pre-2022  x86-tso  40      ${once.campaigns[0].cells[0].hangs} `);
  });

  it('re-running a campaign on its own --out appends, and merge still counts each trial once', async () => {
    const f = join(dir, 'rerun.jsonl');
    await campaign(f, 6);
    const first = mergeCampaigns(readJsonl(f)).campaigns[0];
    const again = await campaign(f, 6);
    expect(again.code).toBe(0);
    expect(again.err).toMatch(/already holds a run of this campaign .*merge counts each trial once/);
    const both = mergeCampaigns(readJsonl(f)).campaigns;
    expect(both).toEqual([first]);
  });

  it('a campaign of another seed on an existing --out is refused unless --append, and merge keeps them apart', async () => {
    const f = join(dir, 'two-seeds.jsonl');
    await campaign(f, 7);
    const refused = await campaign(f, 8);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/^hangar: --out .*two-seeds\.jsonl already holds records of campaign c[0-9a-f]{16} \(seed 7, 40 trials\); add --append/);
    expect(lines(f).filter((r) => r.campaignSeed === 8 || r.seed === 8)).toEqual([]);
    const appended = await campaign(f, 8, 40, ['--append']);
    expect(appended.code).toBe(0);
    expect(appended.err).toMatch(/note: appending campaign/);
    const m = mergeCampaigns(readJsonl(f));
    expect(m.campaigns.map((c) => [c.seed, c.cells[0].trials])).toEqual([[7, 40], [8, 40]]);
    for (const c of m.campaigns) expect(c.records.every((r) => r.campaignSeed === c.seed)).toBe(true);
    const text = await cli(['merge', f]);
    expect(text.out).toMatch(/These files hold 2 campaigns; each is shown on its own/);
  });

  it('an interrupted or killed run is reported as incomplete, with what is missing', async () => {
    // Stopped: a time limit shorter than the run.
    const f = join(dir, 'stopped.jsonl');
    const r = await campaign(f, 3, 100_000_000, ['--time-limit', '0.5']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Stopped at the time limit \(0\.5 s\): partial summary/);
    expect(lines(f).at(-1)).toMatchObject({ type: 'summary', complete: false, stopped: 'time limit' });
    const m = await cli(['merge', f]);
    expect(m.code).toBe(1);
    expect(m.out).toMatch(/: INCOMPLETE \(/);
    expect(m.out).toMatch(/the run of aio-wait-kick\/pre-2022 on x86-tso: stopped \(time limit\) after \d+ trial\(s\)/);
    // Killed: the summary never written (and one shard of two missing altogether).
    const k = join(dir, 'killed.jsonl');
    await campaign(k, 4, 40, ['--shard', '0/2']);
    writeFileSync(k, readFileSync(k, 'utf8').split('\n').filter((l) => !l.includes('"type":"summary"')).join('\n') + '\n{"type":"ha');
    const km = await cli(['merge', k]);
    expect(km.code).toBe(1);
    expect(km.out).toMatch(/shard 0\/2 of aio-wait-kick\/pre-2022 on x86-tso: no summary \(killed\?\); \d+ record\(s\) of it are counted, its trials are not/);
    expect(km.out).toMatch(/1 of the 2 shards of aio-wait-kick\/pre-2022 on x86-tso are missing \(no record of them in these files: 1\/2\)/);
    expect(km.err).toMatch(/killed\.jsonl:\d+:1: skipped: not JSON \(truncated by a killed campaign\?\)/);
  });

  it('merge of files that are not campaign output fails clearly', async () => {
    const passwd = await cli(['merge', '/etc/passwd']);
    expect(passwd.code).toBe(2);
    expect(passwd.err).toMatch(/hangar: no campaign records in \/etc\/passwd/);
    const zero = await cli(['merge', '/dev/zero']);
    expect(zero.code).toBe(2);
    expect(zero.err).toBe('hangar: cannot read /dev/zero: it is a character device, not a regular file\n');
  });

  it('an --out file that is not campaign output is refused too', async () => {
    const f = join(dir, 'notes.txt');
    writeFileSync(f, 'my notes\nmore notes\n');
    const r = await campaign(f, 12, 5);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/already holds 2 line\(s\) that are not campaign records; add --append/);
    expect(readFileSync(f, 'utf8')).toBe('my notes\nmore notes\n');
  });

  it('a campaign appended after a killed one starts on a line of its own', async () => {
    const f = join(dir, 'glued.jsonl');
    writeFileSync(f, '{"type":"hang","campai');
    const r = await campaign(f, 11, 20, ['--append']);
    expect(r.code).toBe(0);
    const read = readJsonl(f);
    expect(read[0].bad).toMatch(/not JSON/);
    expect(read.slice(1).every((l) => l.bad === undefined)).toBe(true);
  });
});

describe('write failures end the campaign with a clear message and a non-zero status', () => {
  it('/dev/full: nothing runs', async () => {
    const r = await cli(['campaign', ...PROGRAM, '--trials', '10', '--jobs', '1', '--out', '/dev/full']);
    expect(r.code).toBe(74);
    expect(r.err).toBe('hangar: cannot write /dev/full: ENOSPC (ENOSPC: no space left on device, write); no trial was run\n');
    expect(r.out).toBe('');
  });

  it('a directory it cannot write, and a directory as --out', async () => {
    let target = '/sys/hangar-campaign.jsonl'; // root writes anywhere else
    if (process.getuid?.() !== 0) {
      const ro = mkdtempSync(join(tmpdir(), 'hangar-ro-'));
      chmodSync(ro, 0o555);
      target = join(ro, 'out.jsonl');
    }
    const r = await cli(['campaign', ...PROGRAM, '--trials', '10', '--jobs', '1', '--out', target]);
    expect(r.code).toBe(74);
    expect(r.err).toMatch(/^hangar: cannot open .*out\.jsonl|^hangar: cannot open \/sys\/hangar-campaign\.jsonl for writing: EACCES/);
    const d = await cli(['campaign', ...PROGRAM, '--trials', '10', '--jobs', '1', '--out', dir]);
    expect(d.code).toBe(2);
    expect(d.err).toBe(`hangar: --out ${dir} is a directory\n`);
  });

  it('a full disk mid-run (a file size limit): every hang printed is in the file, whole; exit 74', async () => {
    const f = join(dir, 'full.jsonl');
    // RLIMIT_FSIZE stands for a disk that fills up: writes past 2 KiB fail with EFBIG.
    const child = spawn('sh', ['-c', `trap "" XFSZ; ulimit -f 2; exec "${process.execPath}" "${bin}" campaign ${PROGRAM.join(' ')} --trials 2000 --seed 3 --jobs 1 --out "${f}"`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
    expect(code).toBe(74);
    expect(err).toMatch(/hangar: cannot write .*full\.jsonl: EFBIG .*the campaign stops, .* keeps the \d+ record\(s\) written before/);
    expect(err).toMatch(/^not saved: hang: /m);
    const text = readFileSync(f, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const saved = new Set(readJsonl(f).map((l) => (l.value as { seed?: number }).seed));
    const printed = [...out.matchAll(/^hang: .* seed (\d+) \(trial/gm)].map((m) => Number(m[1]));
    expect(printed.length).toBeGreaterThan(0);
    for (const s of printed) expect(saved.has(s), `printed hang ${s} is in the file`).toBe(true);
  }, 60_000);
});

describe('SIGTERM and SIGHUP stop a campaign like SIGINT', () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  async function stopWith(signal: NodeJS.Signals, jobs: number): Promise<{ code: number | null; out: string; file: string }> {
    const file = join(dir, `signal-${signal}-${jobs}.jsonl`);
    const child = spawn(process.execPath, [bin, 'campaign', ...PROGRAM, '--trials', '100000000', '--seed', '3', '--jobs', String(jobs), '--out', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    const t0 = Date.now();
    while (!/^hang: /m.test(out)) {
      if (Date.now() - t0 > 60_000) throw new Error('no hang within 60 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill(signal);
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    return { code, out, file };
  }

  // A run in the worker layout and a litmus run on a pool have no summary to print: they end
  // with the signal's status, their workers with them.
  for (const [what, args] of [
    ['run --layout threads', ['run', 'qemu-event/v8.0', '--define', 'ROUNDS=1000000', '--max-steps', '100000000', '--layout', 'threads', '--workers', '1']],
    ['litmus --jobs 2', ['litmus', join(dir, 'count.litmus'), '--trials', '100000', '--jobs', '2']],
  ] as const) {
    it(`SIGTERM ends ${what} with exit 143`, async () => {
      writeFileSync(join(dir, 'count.litmus'), 'AArch64 CountForever\n{ }\n P0 ;\n L0: ;\n ADD X0,X0,#1 ;\n B L0 ;\nexists (0:X0=0)\n');
      const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      await new Promise((r) => setTimeout(r, 2500));
      expect(child.exitCode).toBe(null);
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((r) => child.once('exit', (c, sig) => r(c ?? (sig === 'SIGTERM' ? 143 : -1))));
      expect(code).toBe(143);
    }, 60_000);
  }

  for (const [signal, status] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    for (const jobs of [1, 2]) {
      it(`${signal} with --jobs ${jobs}: partial summary, summary record, exit ${status}`, async () => {
        const r = await stopWith(signal, jobs);
        expect(r.code).toBe(status);
        expect(r.out).toMatch(new RegExp(`Interrupted \\(${signal}\\): partial summary`));
        expect(r.out).toMatch(/aio-wait-kick\/pre-2022\s+x86-tso\s+\d+\s+\d+/);
        expect(lines(r.file).at(-1)).toMatchObject({ type: 'summary', complete: false, stopped: signal });
      }, 90_000);
    }
  }
});
