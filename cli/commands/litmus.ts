// `hangar litmus`: herd7 litmus tests, many trials each (on a trial pool with --jobs), printed
// in herd's shape or as JSON; with --expected, compared with a reference's allowed states.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compare, readExpectations } from '../../campaign/expectations.ts';
import { litmusRunner } from '../../campaign/pool/litmus-task.ts';
import { defaultJobs } from '../../campaign/pool/trial-pool.ts';
import { SourceError } from '../../isa/source-error.ts';
import { readLitmus, type LitmusTest } from '../../litmus/parser.ts';
import { defineCommand } from '../command.ts';
import type { Io } from '../io.ts';
import { described, EXPECTED, JOBS, JSON_OUT, MODEL, SEED, TIME_LIMIT, TRIALS, UsageError, withDefault, WORKER_MEMORY, type Values } from '../options.ts';
import { comparisonText, coverageJson, coverageText, noEntryText, type Coverage } from '../reporters/expectations-text.ts';
import { litmusJson } from '../reporters/litmus-json.ts';
import { litmusText } from '../reporters/litmus-text.ts';

const OPTIONS = {
  model: described(MODEL, 'memory model (default: armv8 for AArch64 tests, tso for X86)'),
  trials: withDefault(TRIALS, 2000),
  seed: withDefault(SEED, 1),
  json: described(JSON_OUT, 'one JSON object per line per test'),
  expected: EXPECTED,
  jobs: withDefault(JOBS, defaultJobs(), 'worker threads running trials in parallel (results do not depend on it)'),
  timeLimit: described(TIME_LIMIT, 'stop after this much wall-clock time: the test running reports the trials it ran, later tests are skipped'),
  workerMemory: WORKER_MEMORY,
};

/** Litmus files named directly, or found (sorted, recursively) under directories; a directory
 * reached twice through symbolic links is walked once. */
export function collectLitmusFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walked = new Set<string>();
  const walk = (p: string, top: boolean): void => {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      if (!top) return; // a dangling link inside a directory
      throw new UsageError(`${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
    }
    if (st.isDirectory()) {
      const real = realpathSync(p);
      if (walked.has(real)) return;
      walked.add(real);
      for (const e of readdirSync(p).sort()) walk(join(p, e), false);
    } else if (top || p.endsWith('.litmus')) out.push(p);
  };
  for (const p of paths) walk(p, true);
  if (out.length === 0) throw new UsageError(`no .litmus files in ${paths.join(', ')}`);
  return out;
}

/** Exit status: 2 if a file could not be read or parsed (the others still run), else 1 if a
 * test failed (a forbidden state, a trial that did not end ok), else 0. */
async function runLitmus(io: Io, paths: string[], o: Values<typeof OPTIONS>): Promise<number> {
  let failed = 0;
  let badInput = 0;
  const expected = o.expected ? readExpectations(o.expected) : undefined;
  const total: Coverage = { allowed: 0, reached: 0, forbidden: 0, tests: 0 };
  if (o.jobs === 1 && o.workerMemory !== undefined) throw new UsageError('--worker-memory: for --jobs 2 or more only (--jobs 1 runs the trials on this thread)');
  const files = collectLitmusFiles(paths);
  const runner = litmusRunner(o.jobs, files, o.workerMemory);
  const deadline = o.timeLimit === undefined ? undefined : Date.now() + o.timeLimit * 1000;
  try {
    for (const [n, file] of files.entries()) {
      if (deadline !== undefined && Date.now() > deadline) {
        io.err(`hangar: the time limit (${o.timeLimit} s) was reached: ${files.length - n} test(s) not run, from ${file}\n`);
        break;
      }
      let t: LitmusTest;
      try {
        t = readLitmus(file);
      } catch (e) {
        if (!(e instanceof SourceError)) throw e;
        io.err(`hangar: ${e.message}\n`);
        badInput++;
        continue;
      }
      const start = performance.now();
      let r;
      try {
        r = await runner.run(t, file, { model: o.model, trials: o.trials, seed: o.seed, ...(deadline !== undefined ? { deadline } : {}) });
      } catch (e) {
        // A worker of the pool died or threw: the pool is gone, so the remaining tests cannot run.
        io.err(`hangar: ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
        return 1;
      }
      const secs = (performance.now() - start) / 1000;
      const cmp = expected ? compare(r, expected) : undefined;
      if (cmp) {
        total.tests++;
        total.allowed += cmp.allowed;
        total.reached += cmp.reached;
        total.forbidden += cmp.forbidden.length;
        if (cmp.forbidden.length) failed++;
      }
      if (o.json) io.out(litmusJson(r, cmp) + '\n');
      else {
        io.out(litmusText(r, secs));
        if (cmp) io.out(comparisonText(cmp, file));
        else if (expected) io.out(noEntryText(r.test));
        io.out('\n');
      }
      if (r.errors.length) failed++;
    }
    if (expected) io.out(o.json ? coverageJson(total) : coverageText(total));
  } finally {
    await runner.close();
  }
  return badInput ? 2 : failed ? 1 : 0;
}

export const litmusCommand = defineCommand({
  name: 'litmus',
  description: 'run herd7 litmus tests and print the final states reached',
  argument: ['<paths...>', '.litmus files or directories'],
  options: OPTIONS,
  run: (io, paths: string[], o) => runLitmus(io, paths, o),
});
