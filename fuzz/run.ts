// Running the fuzz targets: N mutated inputs spread over the targets, each input from its own
// seed (a hash of the run's seed and its index, so that input j of seed S is the same
// everywhere and one failure replays alone), and the figures: inputs, crashes, internal errors, inputs over their
// work bounds, time. `npm run fuzz -- --inputs N [--seed S] [--target NAME] [--shared DIR]`
// runs it outside the test suite (test/fuzz-corpus.test.ts runs a fixed sample inside it).
import fc from 'fast-check';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { trialSeed } from '../emu/model/prng.ts';
import { mutated } from './mutations.ts';
import { fuzzTargets, repoRoot, type FuzzTarget } from './targets.ts';

export interface TargetFigures {
  target: string;
  inputs: number;
  accepted: number;
  rejected: number;
  crashes: number;
  internal: number;
  overBound: number;
  ms: number;
}

export interface Failure {
  target: string;
  /** The run's seed and the input's index: `--seed S --only j` replays it. */
  seed: number;
  index: number;
  how: string;
  what: string;
}

export interface FuzzReport {
  seed: number;
  figures: TargetFigures[];
  failures: Failure[];
}

/** Input j of the run with seed S for target t. */
export function fuzzInput(t: FuzzTarget, seed: number, j: number): { text: string; how: string; file: string } {
  const seedFiles = new Map(t.seeds.map((s) => [s.name, s.file]));
  // Input j's own seed, hashed from (S, j): runs from nearby seeds share no inputs.
  const [m] = fc.sample(mutated(t.seeds, t.vocabulary), { numRuns: 1, seed: trialSeed(seed, j) | 0 });
  const name = m.how.slice(0, m.how.indexOf(': '));
  return { text: m.text, how: m.how, file: seedFiles.get(name) ?? name };
}

/** Runs `inputs` inputs per target (or only input `only`). */
export function runFuzz(targets: FuzzTarget[], opts: { inputs: number; seed: number; only?: number; onInput?: (t: string, j: number) => void }): FuzzReport {
  const figures: TargetFigures[] = [];
  const failures: Failure[] = [];
  for (const t of targets) {
    const f: TargetFigures = { target: t.name, inputs: 0, accepted: 0, rejected: 0, crashes: 0, internal: 0, overBound: 0, ms: 0 };
    const t0 = performance.now();
    const from = opts.only ?? 0;
    const to = opts.only === undefined ? opts.inputs : opts.only + 1;
    for (let j = from; j < to; j++) {
      opts.onInput?.(t.name, j);
      const input = fuzzInput(t, opts.seed, j);
      const fail = (what: string): void => void failures.push({ target: t.name, seed: opts.seed, index: j, how: input.how, what });
      let out;
      try {
        out = t.run(input.text, input.file);
      } catch (e) {
        // A target's run must judge everything itself; this is a bug of the harness or target.
        out = { result: 'crash' as const, detail: `escaped the target: ${e instanceof Error ? e.stack : String(e)}`, work: [] };
      }
      f.inputs++;
      if (out.result === 'accepted') f.accepted++;
      else if (out.result === 'rejected') f.rejected++;
      else if (out.result === 'internal') {
        f.internal++;
        fail(`internal error: ${out.detail}`);
      } else {
        f.crashes++;
        fail(`crash: ${out.detail}`);
      }
      const over = out.work.filter((w) => !(w.count <= w.bound));
      if (over.length > 0) {
        f.overBound++;
        fail(`over its bound: ${over.map((w) => `${w.what} ${w.count} > ${w.bound}`).join(', ')}`);
      }
    }
    f.ms = Math.round(performance.now() - t0);
    figures.push(f);
  }
  return { seed: opts.seed, figures, failures };
}

/** The figures as a table. */
export function figuresTable(r: FuzzReport): string {
  const rows = [['target', 'inputs', 'accepted', 'rejected', 'crashes', 'internal errors', 'over bound', 'time'], ...r.figures.map((f) => [
    f.target, String(f.inputs), String(f.accepted), String(f.rejected), String(f.crashes), String(f.internal), String(f.overBound), `${(f.ms / 1000).toFixed(1)} s`,
  ])];
  const sum = (k: keyof TargetFigures): string => String(r.figures.reduce((n, f) => n + (f[k] as number), 0));
  rows.push(['all', sum('inputs'), sum('accepted'), sum('rejected'), sum('crashes'), sum('internal'), sum('overBound'), `${(r.figures.reduce((n, f) => n + f.ms, 0) / 1000).toFixed(1)} s`]);
  const w = rows[0].map((_, k) => Math.max(...rows.map((x) => x[k].length)));
  return rows.map((x) => x.map((c, k) => (k === 0 ? c.padEnd(w[k]) : c.padStart(w[k]))).join('  ')).join('\n') + '\n';
}

const DEFAULT_SEED = 20261202;

function usage(msg: string): number {
  process.stderr.write(`fuzz: ${msg}\nusage: npm run fuzz -- --inputs N [--seed S | --seed random] [--target assembler|litmus|jsonl] [--only J] [--shared DIR]\n`);
  return 2;
}

/** `npm run fuzz -- --inputs N`: exit status 1 if any input crashed, failed internally or went over its bound. */
export async function main(argv: string[]): Promise<number> {
  let inputs = 1000;
  let seed = process.env.HANGAR_FUZZ_SEED === 'random' ? (Math.random() * 2 ** 31) | 0 : process.env.HANGAR_FUZZ_SEED ? Number(process.env.HANGAR_FUZZ_SEED) : DEFAULT_SEED;
  let only: number | undefined;
  let target: string | undefined;
  let shared: string | undefined = existsSync(resolve(repoRoot, '../shared/litmus')) ? resolve(repoRoot, '../shared/litmus') : undefined;
  if (process.env.HANGAR_SHARED_LITMUS) shared = process.env.HANGAR_SHARED_LITMUS;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = argv[i + 1];
    const int = (): number | undefined => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
    if (a === '--inputs' && int() !== undefined) inputs = int()!;
    else if (a === '--seed' && v === 'random') seed = (Math.random() * 2 ** 31) | 0;
    else if (a === '--seed' && v !== undefined && /^-?\d+$/.test(v)) seed = Number(v);
    else if (a === '--only' && int() !== undefined) only = int();
    else if (a === '--target' && v !== undefined) target = v;
    else if (a === '--shared' && v !== undefined) shared = v === 'none' ? undefined : v;
    else return usage(`unknown or incomplete argument '${a}'`);
    i++;
  }
  if (!Number.isSafeInteger(seed)) return usage('the seed must be an integer');
  const all = await fuzzTargets({ sharedLitmus: shared });
  const targets = target === undefined ? all : all.filter((t) => t.name === target);
  if (targets.length === 0) return usage(`no target '${target}'`);
  // N inputs in all, spread evenly over the targets.
  const per = Math.ceil(inputs / targets.length);
  process.stdout.write(`fuzz: seed ${seed}, ${only === undefined ? `${per} inputs per target` : `input ${only} only`} (${targets.map((t) => `${t.name}: ${t.seeds.length} seeds`).join(', ')})\n`);
  let last = 0;
  const r = runFuzz(targets, {
    inputs: per, seed, only,
    onInput: (t, j) => {
      if (process.stderr.isTTY && performance.now() - last > 500) {
        last = performance.now();
        process.stderr.write(`\r${t} ${j}/${per}   `);
      }
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  process.stdout.write(figuresTable(r));
  for (const f of r.failures.slice(0, 20)) process.stdout.write(`FAIL ${f.target} input ${f.index} (--seed ${f.seed} --only ${f.index} --target ${f.target}): ${f.how}\n  ${f.what.split('\n')[0]}\n`);
  if (r.failures.length > 20) process.stdout.write(`... and ${r.failures.length - 20} more failures\n`);
  return r.failures.length > 0 ? 1 : 0;
}
