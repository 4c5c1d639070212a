// The `hangar` command line. Parsing is commander's; each command is a small function that
// reads its inputs, runs the engine and prints. Bad input never escapes as a stack trace:
// SourceErrors and usage errors print one line and set a non-zero exit code.
import { Command, InvalidArgumentError, Option } from 'commander';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readLitmus, type LitmusTest } from '../litmus/parser.ts';
import { SourceError } from '../isa/source-error.ts';
import { defaultModel, finalState, locationNames } from '../campaign/litmus-run.ts';
import { litmusParamsFor } from '../emu/model/params.ts';
import { litmusJson, litmusText, stateText } from './reporters/litmus-text.ts';
import { isModelName, type ModelName } from '../emu/model/memory-model.ts';
import { parseSeed } from '../emu/model/prng.ts';
import { runTrial } from '../emu/machine/trial.ts';
import { litmusRunner } from '../campaign/pool/litmus-task.ts';
import { isLayout, layoutMachine, layoutTrial, type Layout } from '../emu/threads/layout.ts';
import { defaultJobs } from '../campaign/pool/trial-pool.ts';
import { campaignCommand, listCommand, mergeCommand, replayCommand, runProgramCommand } from './commands/programs.ts';
import { WorkloadError } from '../campaign/workload.ts';
import { compare, ExpectationError, readExpectations } from '../campaign/expectations.ts';

export class UsageError extends Error {}

function seedArg(v: string): number {
  const s = parseSeed(v);
  if (s === undefined) throw new InvalidArgumentError('expected a non-negative integer below 2^53.');
  return s;
}

function countArg(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError('expected a positive integer.');
  return Number(v);
}

function layoutArg(v: string): Layout {
  if (!isLayout(v)) throw new InvalidArgumentError('expected inline or threads.');
  return v;
}

function modelArg(v: string): ModelName {
  if (!isModelName(v)) throw new InvalidArgumentError('expected armv8, tso or sc.');
  return v;
}

/** Litmus files named directly, or found (sorted, recursively) under directories. */
export function collectLitmusFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, top: boolean): void => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UsageError(`${p}: no such file or directory`);
    }
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) walk(join(p, e), false);
    } else if (top || p.endsWith('.litmus')) out.push(p);
  };
  for (const p of paths) walk(p, true);
  if (out.length === 0) throw new UsageError(`no .litmus files in ${paths.join(', ')}`);
  return out;
}

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

async function litmusCommand(io: Io, paths: string[], o: { model?: ModelName; trials: number; seed: number; json?: boolean; jobs: number; expected?: string }): Promise<number> {
  let failed = 0;
  const expected = o.expected ? readExpectations(o.expected) : undefined;
  const total = { allowed: 0, reached: 0, forbidden: 0, tests: 0 };
  const files = collectLitmusFiles(paths);
  const runner = litmusRunner(o.jobs, files);
  try {
    for (const file of files) {
      let t: LitmusTest;
      try {
        t = readLitmus(file);
      } catch (e) {
        if (!(e instanceof SourceError)) throw e;
        io.err(`${e.message}\n`);
        failed++;
        continue;
      }
      const start = performance.now();
      let r;
      try {
        r = await runner.run(t, file, { model: o.model, trials: o.trials, seed: o.seed });
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
      if (o.json) io.out(cmp ? JSON.stringify({ ...JSON.parse(litmusJson(r)), expected: cmp }) + '\n' : litmusJson(r) + '\n');
      else {
        io.out(litmusText(r, secs));
        if (cmp) {
          io.out(`Expected ${cmp.reached}/${cmp.allowed} allowed states reached${cmp.forbidden.length ? `, ${cmp.forbidden.length} FORBIDDEN` : ''}\n`);
          for (const f of cmp.forbidden) io.out(`Forbidden ${stateText(f)}  (replay: find its trial with --json, then hangar run ${file} --seed <seed>)\n`);
          for (const mi of cmp.missing) io.out(`Missing ${stateText(mi)}\n`);
        } else if (expected) io.out(`Expected: no entry for ${r.test}\n`);
        io.out('\n');
      }
      if (r.errors.length) failed++;
    }
    if (expected) {
      const pct = total.allowed ? ((100 * total.reached) / total.allowed).toFixed(2) : '0';
      const line = `${total.tests} tests compared: ${total.reached}/${total.allowed} allowed states reached (${pct}%), ${total.forbidden} forbidden states observed`;
      if (o.json) io.out(JSON.stringify({ type: 'coverage', tests: total.tests, allowed: total.allowed, reached: total.reached, forbidden: total.forbidden }) + '\n');
      else io.out(`${line}\n`);
    }
  } finally {
    await runner.close();
  }
  return failed ? 1 : 0;
}

async function runCommand(io: Io, file: string, o: { model?: ModelName; seed: number; json?: boolean; layout: Layout; workers?: number }): Promise<number> {
  const t = readLitmus(file);
  const model = o.model ?? defaultModel(t);
  const paramsFor = litmusParamsFor(model);
  const laid = await layoutMachine(t.program, paramsFor, { layout: o.layout, workers: o.workers });
  const m = laid.machine;
  let r;
  try {
    r = runTrial(m, o.seed, paramsFor);
  } finally {
    await laid.close();
  }
  const state = r.verdict === 'ok' ? finalState(t, m, locationNames(t)) : undefined;
  if (o.json) {
    io.out(JSON.stringify({ test: t.name, model, seed: o.seed, verdict: r.verdict, error: r.error, state, traceHash: r.traceHash, attempts: r.attempts, epochs: r.epochs, steps: r.steps }) + '\n');
  } else {
    io.out(`Test ${t.name} model ${model} seed ${o.seed}\n`);
    io.out(`Verdict ${r.verdict}${r.error ? `: ${r.error}` : ''}\n`);
    if (state) io.out(`State ${stateText(state)}\n`);
    io.out(`Steps ${r.steps} Epochs ${r.epochs} Attempts ${r.attempts + 1}\n`);
    io.out(`traceHash ${r.traceHash}\n`);
  }
  return r.verdict === 'ok' ? 0 : 1;
}

export function buildProgram(io: Io, status: { code: number }): Command {
  const program = new Command();
  program
    .name('hangar')
    .description('Multicore ARMv8 emulator that hunts hangs caused by missing memory barriers')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError();

  program
    .command('litmus')
    .description('run herd7 litmus tests and print the final states reached')
    .argument('<paths...>', '.litmus files or directories')
    .addOption(new Option('--model <model>', 'memory model (default: armv8 for AArch64 tests, tso for X86)').argParser(modelArg))
    .option('--trials <n>', 'trials per test', countArg, 2000)
    .option('--seed <s>', 'seed', seedArg, 1)
    .option('--json', 'one JSON object per line per test')
    .option('--expected <file>', "compare with a reference's allowed states (herd's expected.json format): coverage, forbidden states")
    .option('--jobs <n>', 'worker threads running trials in parallel (results do not depend on it)', countArg, defaultJobs())
    .action(async (paths: string[], o) => {
      status.code = await litmusCommand(io, paths, o);
    });

  program
    .command('run')
    .description('run one trial and print its verdict (final state for litmus tests) and traceHash')
    .argument('<program|file>', 'a program name (see `hangar list`), an assembly file or a .litmus file')
    .option('--target <target>', 'armv8-llsc, armv8-lse or x86-tso (programs and assembly files)', 'armv8-llsc')
    .addOption(new Option('--model <model>', 'memory model (default: from the target or the litmus arch)').argParser(modelArg))
    .option('--seed <s>', 'seed', seedArg, 1)
    .option('--max-steps <n>', 'step budget of a program trial', countArg)
    .option('--define <NAME=VALUE...>', 'assembler symbols for programs (e.g. ROUNDS=1000 NCORES=16)')
    .option('--json', 'print one JSON object')
    .addOption(new Option('--layout <layout>', 'inline: every core on this thread; threads: each core in a worker thread (same trace)').argParser(layoutArg).default('threads'))
    .option('--workers <n>', 'worker threads of the threads layout (default: one per core, at most the host cores)', countArg)
    .action(async (file: string, o) => {
      if (!file.endsWith('.litmus')) {
        status.code = await runProgramCommand(io, file, o, layoutTrial(o));
        return;
      }
      status.code = await runCommand(io, resolve(file), o);
    });

  program
    .command('list')
    .description('list the built-in programs, their targets and expected verdicts')
    .option('--json', 'one JSON object per program')
    .action((o) => {
      status.code = listCommand(io, o);
    });

  program
    .command('replay')
    .description('run one trial with its trace and an explanation of the reorderings it depended on')
    .argument('<program|file>', 'a program name or an assembly file')
    .option('--target <target>', 'armv8-llsc, armv8-lse or x86-tso', 'armv8-llsc')
    .requiredOption('--seed <s>', 'the seed to replay', seedArg)
    .option('--trace <n>', 'print the last n memory events (0: none)', (v) => (/^\d+$/.test(v) ? Number(v) : countArg(v)), 60)
    .option('--max-steps <n>', 'step budget', countArg)
    .option('--define <NAME=VALUE...>', 'assembler symbols (as given to run)')
    .option('--json', 'print one JSON object')
    .action(async (file: string, o) => {
      status.code = await replayCommand(io, file, o);
    });

  program
    .command('campaign')
    .description('stress programs × targets with seeded trials; report each hang with its replay command')
    .argument('[programs...]', 'program names (default: all built-in programs)')
    .option('--target <target>', 'a target or all', 'all')
    .option('--trials <n>', 'trials per program and target', countArg, 1000)
    .option('--seed <s>', 'campaign seed (trial i uses a seed derived from it and i)', seedArg, 1)
    .option('--jobs <n>', 'worker threads for trials', countArg)
    .option('--shard <k/N>', 'run only the trials i with i % N == k (0 <= k < N)')
    .option('--out <file.jsonl>', 'append JSON lines: one per hang as found, then a summary')
    .option('--max-steps <n>', 'step budget of one trial', countArg)
    .option('--stop-on-first', 'stop each program/target at its first hang')
    .option('--define <NAME=VALUE...>', 'assembler symbols for every program (e.g. ROUNDS=64)')
    .option('--json', 'JSON lines on stdout instead of the table')
    .action(async (programs: string[], o) => {
      status.code = await campaignCommand(io, programs, o);
    });

  program
    .command('merge')
    .description('merge campaign JSONL files (e.g. shards) into one summary')
    .argument('<files...>', 'JSONL files written by campaign --out')
    .option('--json', 'JSON lines output')
    .action((files: string[], o) => {
      status.code = mergeCommand(io, files, o);
    });
  return program;
}

/** Entry point; returns the process exit code. */
export async function main(argv: string[], io: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): Promise<number> {
  const status = { code: 0 };
  const program = buildProgram(io, status);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return status.code;
  } catch (e) {
    const ce = e as { code?: string; exitCode?: number };
    if (typeof ce.code === 'string' && ce.code.startsWith('commander.')) {
      return ce.code === 'commander.helpDisplayed' || ce.code === 'commander.version' ? 0 : 2;
    }
    if (e instanceof SourceError || e instanceof UsageError || e instanceof WorkloadError || e instanceof ExpectationError) {
      io.err(`hangar: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
