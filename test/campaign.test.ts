// Campaigns: shards partition the trials (their merge equals the unsharded run), every hang is
// on disk as soon as it is reported (a SIGKILL loses none), Ctrl-C prints a partial summary
// and exits non-zero.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/corpus.ts';
import { main, mergeCampaigns, readJsonl } from '../index.ts';
import { inlineRunner, type CellRunner, type TrialRange } from '../campaign/campaign.ts';
import { poolRunner, PROGRAM_TASKS } from '../campaign/pool/program-task.ts';
import { TrialPool } from '../campaign/pool/trial-pool.ts';
import { trialLayout } from '../campaign/trial-layout.ts';
import type { TrialResult } from '../emu/machine/trial.ts';

const bin = join(repoRoot, 'bin/hangar.mjs');

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

function jsonl(path: string): unknown[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

describe('campaign', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-campaign-'));
  const args = ['campaign', 'aio-wait-kick/pre-2022', 'qemu-event/v7.2', '--target', 'armv8-llsc', '--trials', '120', '--seed', '9'];

  it('merging the shards equals the unsharded run', async () => {
    const whole = join(dir, 'whole.jsonl');
    expect((await cli([...args, '--out', whole])).code).toBe(0);
    const shards = [0, 1, 2].map((k) => join(dir, `shard${k}.jsonl`));
    for (const [k, f] of shards.entries()) expect((await cli([...args, '--shard', `${k}/3`, '--out', f])).code).toBe(0);
    const a = mergeCampaigns(readJsonl(whole)).campaigns;
    const b = mergeCampaigns(shards.flatMap((f) => readJsonl(f))).campaigns;
    expect(a.length).toBe(1);
    expect(b.length).toBe(1);
    expect([a[0].complete, b[0].complete, b[0].shards]).toEqual([true, true, 3]);
    expect(b[0].campaign).toBe(a[0].campaign);
    expect(a[0].records.filter((r) => r.type === 'hang').length).toBeGreaterThan(3);
    // Records name their shard; otherwise the merged shards equal the whole run.
    const unshard = (rs: typeof a[0]['records']) => rs.map((r) => ({ ...r, shard: null }));
    expect(unshard(b[0].records)).toEqual(unshard(a[0].records));
    expect(b[0].cells).toEqual(a[0].cells);
    // The merge command agrees with the library.
    const m = await cli(['merge', ...shards, '--json']);
    expect(m.code).toBe(0);
    const lines = m.out.trim().split('\n').map((l) => JSON.parse(l));
    const merged = lines.find((l) => l.type === 'merged');
    expect(merged.cells.map((c: { hangs: number }) => c.hangs)).toEqual(a[0].cells.map((c) => c.hangs));
  });

  it('--jobs 1 and --jobs 2 find the same hangs with the same seeds and counts', async () => {
    const f1 = join(dir, 'jobs1.jsonl');
    const f2 = join(dir, 'jobs2.jsonl');
    expect((await cli([...args, '--jobs', '1', '--out', f1])).code).toBe(0);
    expect((await cli([...args, '--jobs', '2', '--out', f2])).code).toBe(0);
    const a = jsonl(f1), b = jsonl(f2);
    expect(b.length).toBe(a.length);
    const strip = (xs: unknown[]) => xs.map((x) => JSON.stringify(x, (k, v) => (k === 'firstHangMs' ? null : v)));
    expect(strip(b)).toEqual(strip(a));
  });

  it('the same seed gives the same records in every layout, worker count and job count', async () => {
    const strip = (xs: unknown[]) => xs.map((x) => JSON.stringify(x, (k, v) => (k === 'firstHangMs' ? null : v)));
    const run = async (name: string, extra: string[]): Promise<string[]> => {
      const f = join(dir, `layout-${name}.jsonl`);
      expect((await cli([...args, '--trials', '40', ...extra, '--out', f])).code).toBe(0);
      return strip(jsonl(f));
    };
    const want = await run('inline', ['--layout', 'inline', '--jobs', '1']);
    expect(want.filter((l) => l.includes('"type":"hang"')).length).toBeGreaterThan(3);
    expect(await run('threads-1x2', ['--layout', 'threads', '--workers', '2', '--jobs', '1'])).toEqual(want);
    expect(await run('threads-2x1', ['--layout', 'threads', '--workers', '1', '--jobs', '2'])).toEqual(want);
    expect(await run('inline-2', ['--layout', 'inline', '--jobs', '2'])).toEqual(want);
    expect(await run('default', [])).toEqual(want);
  });

  it('trials run on this thread until the pool is up, then on the pool: the same records either way', async () => {
    const cell = { program: 'aio-wait-kick/pre-2022', target: 'armv8-lse' as const };
    const range: TrialRange = { trials: 150, shard: { index: 1, count: 2 } };
    const collect = async (runner: CellRunner): Promise<string[]> => {
      const got: string[] = [];
      await runner(cell, range, 11, undefined, (i: number, r: TrialResult) => {
        // What a campaign records: a pool returns only the verdict of an `ok` trial.
        got.push(r.verdict === 'ok' ? `${i} ${r.seed} ok` : `${i} ${r.seed} ${r.verdict} ${r.steps} ${r.epochs} ${r.traceHash}`);
        return true;
      });
      return got;
    };
    const want = await collect(inlineRunner());
    expect(want).toHaveLength(75);
    expect(want.filter((l) => l.includes(' hang ')).length).toBeGreaterThan(3);
    // A pool that never comes up: every trial runs here.
    const never = { isReady: false, ready: new Promise<void>(() => {}), jobs: 2, run: () => { throw new Error('not up'); } } as unknown as TrialPool;
    expect(await collect(poolRunner(() => never, {}, { launchAfterMs: 0 }).runner)).toEqual(want);
    // A pool that is up: every trial runs on it, in blocks of 8, 16, 32, 64 (here 3).
    const pool = await TrialPool.start({ jobs: 2, handlers: [PROGRAM_TASKS] });
    try {
      expect(await collect(poolRunner(() => pool, {}, { blockSize: 3, launchAfterMs: 0 }).runner)).toEqual(want);
    } finally {
      await pool.close();
    }
    // One started after the first trials, and up while later ones run here.
    const late = poolRunner(() => TrialPool.launch({ jobs: 2, handlers: [PROGRAM_TASKS] }), {}, { launchAfterMs: 5 });
    try {
      expect(await collect(late.runner)).toEqual(want);
    } finally {
      await late.close();
    }
  });

  it('chooses the threads layout only for many cores with a host core for every thread', () => {
    expect(trialLayout({}, 2, 1, 64)).toEqual({ layout: 'inline', workers: 0 });
    expect(trialLayout({}, 12, 2, 2)).toEqual({ layout: 'inline', workers: 0 });
    expect(trialLayout({}, 12, 1, 16)).toEqual({ layout: 'threads', workers: 12 });
    expect(trialLayout({}, 12, 2, 16)).toEqual({ layout: 'inline', workers: 0 });
    expect(trialLayout({ layout: 'threads' }, 12, 1, 2)).toEqual({ layout: 'threads', workers: 1 });
    expect(trialLayout({ layout: 'threads', workers: 4 }, 2, 1, 2)).toEqual({ layout: 'threads', workers: 2 });
    expect(trialLayout({ layout: 'inline' }, 12, 1, 16)).toEqual({ layout: 'inline', workers: 0 });
  });

  it('rejects a bad shard and an unknown program with a clear message', async () => {
    const r1 = await cli(['campaign', '--shard', '3/3', '--trials', '1']);
    expect(r1.code).toBe(2);
    expect(r1.err).toMatch(/--shard expects k\/N with 0 <= k < N/);
    const r2 = await cli(['campaign', 'no-such/program', '--trials', '1']);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/unknown program 'no-such\/program'/);
  });

  const children: ReturnType<typeof spawn>[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  function start(extra: string[]): { child: ReturnType<typeof spawn>; out: () => string } {
    const child = spawn(process.execPath, [bin, 'campaign', 'aio-wait-kick/pre-2022', '--target', 'x86-tso', '--trials', '100000000', '--seed', '3', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    return { child, out: () => out };
  }

  async function until(cond: () => boolean, ms = 60_000): Promise<void> {
    const t0 = Date.now();
    while (!cond()) {
      if (Date.now() - t0 > ms) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('a SIGKILLed campaign keeps every hang it reported', async () => {
    const f = join(dir, 'killed.jsonl');
    const { child, out } = start(['--out', f, '--show-hangs', '100']);
    await until(() => (out().match(/^hang: /gm) ?? []).length >= 5);
    const reported = (out().match(/seed (\d+) \(trial (\d+)\)/g) ?? []).map((s) => s.replace(/\D+(\d+)\D+(\d+)\D*/, '$1:$2'));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(f)).toBe(true);
    const onDisk = new Set(jsonl(f).map((r) => { const h = r as { seed: number; trial: number }; return `${h.seed}:${h.trial}`; }));
    for (const r of reported) expect(onDisk.has(r), r).toBe(true);
  }, 90_000);

  it('Ctrl-C prints the partial summary and exits non-zero', async () => {
    const { child, out } = start([]);
    await until(() => /^hang: /m.test(out()));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(130);
    expect(out()).toMatch(/Interrupted \(SIGINT\): partial summary/);
    expect(out()).toMatch(/aio-wait-kick\/pre-2022\s+x86-tso\s+\d+\s+\d+/);
  }, 90_000);
});
