// The golden trace sample: what hangar observably does for a fixed set of seeds, so that a
// change meant to move code without changing behaviour is checked against it
// (test/golden-traces.test.ts compares a fresh sample with test/fixtures/golden-traces.json).
//
//   npx tsx test/support/golden.ts     # rewrites the fixture from the current code
//
// Rewrite the fixture only for a change that is meant to change traces, and say so in the
// commit. The sample:
//   - every litmus test of programs/litmus, seeds 1..3, one trial each through the path of
//     `hangar run <file> --seed S --json` (inline layout): verdict, final state, traceHash;
//   - every catalog program × target, trials 0..2 of seed 1 (trialSeed(1, i), as campaigns
//     run them): verdict, steps, traceHash;
//   - long runs: qemu-event/v8.0 with ROUNDS=5000 (a few 10^5 instructions, log pruning) and
//     the stress harness with NCORES=4;
//   - a few litmus tests in the threads layout with 2 workers (must equal their inline entry);
//   - command output that is deterministic: `list --json`, a `replay --json`, `litmus --json`;
//   - the timing model: every row of the barrier-cost bench (emulated cycles are deterministic).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBarrierTable } from '../../bench/barrier.ts';
import { repoRoot } from './corpus.ts';
import { ownLitmusFiles } from './own-litmus.ts';
import { loadWorkload, main, newMachine, PROGRAMS, runTrial, TARGETS, trialSeed } from '../../index.ts';

export const GOLDEN_FILE = join(repoRoot, 'test/fixtures/golden-traces.json');

export const LITMUS_SEEDS = [1, 2, 3];
export const CATALOG_SEED = 1;
export const CATALOG_TRIALS = 3;
/** Litmus tests also run in the threads layout (2 workers). */
export const THREADS_TESTS = ['LB', 'IRIW', 'SB+ldaddal-pos', 'MP+dmb.ish+po'];

/** One group of entries: key -> what was observed. */
export type Group = Record<string, unknown>;

export interface Golden {
  litmus: Group;
  catalog: Group;
  long: Group;
  threads: Group;
  cli: Group;
  barrier: Group;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

async function runJson(args: string[]): Promise<Record<string, unknown>> {
  const r = await cli(args);
  if (r.err !== '') throw new Error(`hangar ${args.join(' ')}: ${r.err}`);
  return JSON.parse(r.out) as Record<string, unknown>;
}

const rel = (f: string): string => relative(repoRoot, f);

async function litmusRun(file: string, seed: number, layout: string[]): Promise<unknown> {
  const j = await runJson(['run', file, '--seed', String(seed), '--json', ...layout]);
  return { verdict: j.verdict, state: j.state ?? null, traceHash: j.traceHash, steps: j.steps };
}

export async function litmusGroup(): Promise<Group> {
  const g: Group = {};
  for (const f of ownLitmusFiles()) {
    for (const s of LITMUS_SEEDS) g[`${rel(f)} seed ${s}`] = await litmusRun(f, s, ['--layout', 'inline']);
  }
  return g;
}

export async function threadsGroup(): Promise<Group> {
  const g: Group = {};
  for (const name of THREADS_TESTS) {
    const f = ownLitmusFiles('aarch64').find((p) => p.endsWith(`/${name}.litmus`));
    if (!f) throw new Error(`no own litmus test ${name}`);
    g[`${rel(f)} seed 1`] = await litmusRun(f, 1, ['--layout', 'threads', '--workers', '2']);
  }
  return g;
}

function trialEntry(spec: string, target: string, seed: number, opts: { maxSteps?: number; defines?: Record<string, number> } = {}, log = false): unknown {
  const w = loadWorkload(spec, { target, ...opts });
  const m = newMachine(w.program, w.paramsFor);
  const r = runTrial(m, seed, w.paramsFor);
  const e = { verdict: r.verdict, steps: r.steps, attempts: r.attempts, traceHash: r.traceHash };
  // Long runs: how many messages were appended and pruned (pruning must not change the trace).
  return log ? { ...e, appended: m.log.appended, pruned: m.pruner.dropped } : e;
}

export function catalogGroup(): Group {
  const g: Group = {};
  for (const p of PROGRAMS) {
    for (const t of TARGETS) {
      for (let i = 0; i < CATALOG_TRIALS; i++) g[`${p.name} ${t.name} trial ${i}`] = trialEntry(p.name, t.name, trialSeed(CATALOG_SEED, i));
    }
  }
  return g;
}

export function longGroup(): Group {
  return {
    'qemu-event/v8.0 ROUNDS=5000 armv8-llsc seed 7': trialEntry('qemu-event/v8.0', 'armv8-llsc', 7, { maxSteps: 2e9, defines: { ROUNDS: 5000 } }, true),
    'qemu-event-waiters NCORES=4 ROUNDS=200 armv8-lse seed 7': trialEntry(join(repoRoot, 'programs/stress/qemu-event-waiters.s'), 'armv8-lse', 7, { maxSteps: 2e9, defines: { NCORES: 4, ROUNDS: 200 } }, true),
  };
}

export async function cliGroup(): Promise<Group> {
  // Paths as a user in the repository would type them (reports print them).
  const litmus = ['SB', 'LB+datas', 'MP+dmb.ish+po'].map((n) => relative(process.cwd(), ownLitmusFiles('aarch64').find((p) => p.endsWith(`/${n}.litmus`))!));
  const lines = (s: string): unknown[] => s.trim().split('\n').map((l) => JSON.parse(l));
  // Help and usage errors, with the exit code. The default of --jobs is the host's core count.
  const text = async (args: string[]): Promise<unknown> => {
    const r = await cli(args);
    const mask = (s: string): string => s.replace(/(--jobs <n>[^]*?\(default: )\d+\)/, '$1N)');
    return { code: r.code, out: mask(r.out), err: mask(r.err) };
  };
  const usage: Group = {};
  for (const c of ['', 'litmus', 'run', 'list', 'replay', 'campaign', 'merge']) usage[`${c} --help`.trim()] = await text(c ? [c, '--help'] : ['--help']);
  for (const args of [['run', 'qemu-event/v7.2', '--seed', 'abc'], ['campaign', '--shard', '3/3'], ['litmus', 'no/such/dir'], ['run', 'no-such/program'], ['bogus'], ['run', 'x.litmus', '--model', 'power']]) {
    usage[args.join(' ')] = await text(args);
  }
  // Text reports (the litmus report's Time lines are wall-clock, so masked).
  const seedArgs = ['qemu-event/v7.2', '--target', 'armv8-llsc', '--seed', '63619242537535'];
  usage['run qemu-event/v7.2 (text)'] = await text(['run', ...seedArgs, '--layout', 'inline']);
  usage['replay qemu-event/v7.2 (text)'] = await text(['replay', ...seedArgs]);
  const lt = (await cli(['litmus', ...litmus, '--trials', '300', '--seed', '4', '--jobs', '1'])).out;
  usage['litmus SB LB+datas MP+dmb.ish+po (text)'] = lt.replace(/^Time (\S+) [\d.]+$/gm, 'Time $1 T');
  // --expected: reached, missing and forbidden states against a made-up reference.
  const dir = mkdtempSync(join(tmpdir(), 'hangar-golden-'));
  const exp = join(dir, 'expected.json');
  writeFileSync(exp, JSON.stringify({ SB: { states: [{ '0:X0': 0, '1:X0': 1 }, { '0:X0': 1, '1:X0': 0 }, { '0:X0': 1, '1:X0': 1 }, { '0:X0': 2, '1:X0': 2 }] } }));
  for (const json of [false, true]) {
    const r = await cli(['litmus', litmus[0], litmus[1], '--trials', '300', '--seed', '4', '--jobs', '1', '--expected', exp, ...(json ? ['--json'] : [])]);
    usage[`litmus SB LB+datas --expected${json ? ' --json' : ''}`] = { code: r.code, out: r.out.replace(/^Time (\S+) [\d.]+$/gm, 'Time $1 T'), err: r.err };
  }
  rmSync(dir, { recursive: true });
  return {
    ...usage,
    'list --json': lines((await cli(['list', '--json'])).out),
    'replay qemu-event/v7.2 armv8-llsc --json': await runJson(['replay', 'qemu-event/v7.2', '--target', 'armv8-llsc', '--seed', '63619242537535', '--json']),
    'litmus SB LB+datas MP+dmb.ish+po --json': lines((await cli(['litmus', ...litmus, '--trials', '300', '--seed', '4', '--jobs', '1', '--json'])).out),
  };
}

/** The timing model's figures (emulated cycles are deterministic): every barrier-bench row. */
export function barrierGroup(): Group {
  const g: Group = {};
  for (const r of runBarrierTable()) {
    g[`${r.case} ${r.target}${r.contended ? ' contended' : ''}`] = { cyclesPerOp: r.cyclesPerOp, instructionsPerOp: r.instructionsPerOp, transfersPerOp: r.transfersPerOp, orderWaitPerOp: r.orderWaitPerOp };
  }
  return g;
}

export async function computeGolden(): Promise<Golden> {
  return { litmus: await litmusGroup(), catalog: catalogGroup(), long: longGroup(), threads: await threadsGroup(), cli: await cliGroup(), barrier: barrierGroup() };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const g = await computeGolden();
  writeFileSync(GOLDEN_FILE, JSON.stringify(g, null, 1) + '\n');
  const n = Object.values(g).reduce((a, x) => a + Object.keys(x).length, 0);
  process.stdout.write(`wrote ${rel(GOLDEN_FILE)}: ${n} entries\n`);
}
