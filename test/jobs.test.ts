// `--jobs N`: litmus trials on a pool of worker threads. The output must not depend on N
// (trial i uses trialSeed(S, i) and chunks merge in trial order), and a pool whose worker dies
// must fail the run instead of hanging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ownLitmusFiles } from './support/own-litmus.ts';
import { LITMUS_TASKS, mergeChunks, runLitmusOnPool } from '../campaign/pool/litmus-task.ts';
import { chunks, TrialPool } from '../campaign/pool/trial-pool.ts';
import { main, readLitmus, runLitmus } from '../index.ts';

const own = (name: string): string => {
  const f = ownLitmusFiles().find((p) => p.endsWith(`/${name}.litmus`));
  if (!f) throw new Error(`no own litmus test ${name}`);
  return f;
};

// Tests with promises and restarts (LB+datas), four threads (IRIW), exclusives, LSE atomics, x86.
const FILES = ['LB', 'LB+datas', 'IRIW', 'Atom+llsc-incs', 'SB+ldaddal-pos', 'MP+dmb.ish+po'].map(own).concat(ownLitmusFiles('x86').slice(0, 2));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

let pool: TrialPool;
beforeAll(async () => {
  pool = await TrialPool.start({ jobs: 2, handlers: [LITMUS_TASKS] });
});
afterAll(async () => {
  await pool?.close();
});

describe('litmus --jobs', () => {
  it('--jobs 1 and --jobs 2 print the same JSON', async () => {
    const args = ['litmus', ...FILES, '--json', '--trials', '500', '--seed', '9'];
    const one = await cli([...args, '--jobs', '1']);
    const two = await cli([...args, '--jobs', '2']);
    expect(one.err).toBe('');
    expect(two.err).toBe('');
    expect(one.code).toBe(0);
    const lines = one.out.trim().split('\n');
    expect(lines.length).toBe(FILES.length);
    // Meaningful only if the histograms have several states and some trials restarted.
    expect(lines.some((l) => (JSON.parse(l) as { restarts: number }).restarts > 0)).toBe(true);
    expect(lines.filter((l) => (JSON.parse(l) as { histogram: unknown[] }).histogram.length > 1).length).toBeGreaterThanOrEqual(FILES.length - 1);
    expect(two.out).toBe(one.out);
  });

  it('the pool gives the in-process outcome, first-seen order included, for uneven chunkings too', async () => {
    for (const f of FILES.slice(0, 4)) {
      const t = readLitmus(f);
      const whole = runLitmus(t, { trials: 300, seed: 4 });
      const pooled = await runLitmusOnPool(pool, t, { file: f, text: readFileSync(f, 'utf8') }, { trials: 300, seed: 4 });
      expect(JSON.stringify(pooled)).toBe(JSON.stringify(whole));
      // Merging is independent of where the chunks are cut.
      const cuts = [[0, 37], [37, 190], [190, 300]].map(([a, b]) => ({ ...runLitmus(t, { trials: b - a, seed: 4, from: a }), ran: b - a }));
      const merged = mergeChunks(cuts);
      expect(JSON.stringify(merged.histogram)).toBe(JSON.stringify(whole.histogram));
      expect([merged.aborted, merged.restarts, merged.errors]).toEqual([whole.aborted, whole.restarts, whole.errors]);
    }
  });

  it('chunks cover every trial once, in order', () => {
    for (const [trials, jobs] of [[1, 4], [49, 2], [2000, 2], [2001, 3], [10, 1]]) {
      const cs = chunks(trials, jobs);
      let next = 0;
      for (const c of cs) {
        expect(c.from).toBe(next);
        expect(c.count).toBeGreaterThan(0);
        next += c.count;
      }
      expect(next).toBe(trials);
    }
  });
});

describe('trial pool failures', () => {
  // Handler modules are URLs: a data: module keeps these test-only handlers out of the project.
  const faulty = 'data:text/javascript,' + encodeURIComponent(
    `export const taskHandlers = {
       boom: () => { throw new Error('handler failed on purpose'); },
       exit: () => process.exit(5),
       echo: (t) => t.from,
     };`,
  );

  it('a handler that throws rejects its task; the pool keeps working', async () => {
    const p = await TrialPool.start({ jobs: 1, handlers: [faulty] });
    try {
      await expect(p.run({ kind: 'boom', seed: 1, from: 0, count: 1 })).rejects.toThrow(/handler failed on purpose/);
      await expect(p.run({ kind: 'nope', seed: 1, from: 0, count: 1 })).rejects.toThrow(/no handler for tasks of kind 'nope'/);
      expect(await p.map([3, 1, 2].map((from) => ({ kind: 'echo', seed: 1, from, count: 1 })))).toEqual([3, 1, 2]);
    } finally {
      await p.close();
    }
  });

  it('a worker that exits fails its task and every queued one, naming the worker and the trials', async () => {
    const p = await TrialPool.start({ jobs: 2, handlers: [faulty] });
    try {
      const tasks = [{ kind: 'exit', seed: 7, from: 100, count: 50 }, ...Array.from({ length: 6 }, (_, i) => ({ kind: 'echo', seed: 7, from: i, count: 1 }))];
      await expect(p.map(tasks)).rejects.toThrow(/worker \d exited with code 5 while running exit trials 100\.\.149 of seed 7/);
      await expect(p.run({ kind: 'echo', seed: 1, from: 0, count: 1 })).rejects.toThrow(/exited with code 5/);
    } finally {
      await p.close();
    }
  });

  it('a pool whose workers cannot load their handlers fails to start (and terminates them)', async () => {
    await expect(TrialPool.start({ jobs: 1, handlers: ['data:text/javascript,export const nothing = 1;'] })).rejects.toThrow(/exports no taskHandlers/);
  });
});
