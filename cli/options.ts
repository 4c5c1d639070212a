// The options of the hangar commands, each declared once: its flags, how its value is parsed
// and checked, what help says about it. A command picks the options it takes (with its own
// help wording or default where it needs one) and gets their values typed (Values). Bad values
// are usage errors: one line, exit status 2, never a stack trace.
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Shard } from '../campaign/campaign.ts';
import { isModelName, type ModelName } from '../emu/model/memory-model.ts';
import { parseSeed } from '../emu/model/prng.ts';
import { isLayout, type Layout } from '../emu/threads/layout.ts';

/** Bad input on the command line (reported as `hangar: <message>`, exit status 2). */
export class UsageError extends Error {}

export interface OptionSpec<T> {
  /** commander's flags, e.g. '--seed <s>'. */
  readonly flags: string;
  readonly description: string;
  readonly parse?: (value: string) => T;
  readonly default?: T;
  readonly mandatory?: boolean;
}

/** An option whose value is always there: it has a default or is mandatory. */
export interface PresentOption<T> extends OptionSpec<T> {
  readonly present: true;
}

/** The parsed values of a command's options, by option name. */
export type Values<O> = {
  [K in keyof O]: O[K] extends PresentOption<infer T> ? T : O[K] extends OptionSpec<infer T> ? T | undefined : never;
};

/** The option with a command's own help wording. */
export function described<T>(spec: OptionSpec<T>, description: string): OptionSpec<T> {
  return { ...spec, description };
}

/** The option with a default (shown in help). */
export function withDefault<T>(spec: OptionSpec<T>, value: T, description = spec.description): PresentOption<T> {
  return { ...spec, description, default: value, present: true };
}

/** The option, required. */
export function required<T>(spec: OptionSpec<T>, description = spec.description): PresentOption<T> {
  return { ...spec, description, mandatory: true, present: true };
}

/** Adds a command's options; each name must be the one commander gives the flag (--max-steps: maxSteps). */
export function addOptions(cmd: Command, specs: Record<string, OptionSpec<unknown>>): Command {
  for (const [name, spec] of Object.entries(specs)) {
    const o = new Option(spec.flags, spec.description);
    if (spec.parse) o.argParser(spec.parse);
    if (spec.default !== undefined) o.default(spec.default);
    if (spec.mandatory) o.makeOptionMandatory();
    if (o.attributeName() !== name) throw new Error(`option ${spec.flags} is declared as '${name}', but commander calls it '${o.attributeName()}'`);
    cmd.addOption(o);
  }
  return cmd;
}

// ---------------------------------------------------------------- value parsers

function seedArg(v: string): number {
  const s = parseSeed(v);
  if (s === undefined) throw new InvalidArgumentError('expected a non-negative integer below 2^53.');
  return s;
}

function countArg(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError('expected a positive integer.');
  return Number(v);
}

function secondsArg(v: string): number {
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0 || !Number.isFinite(Number(v))) throw new InvalidArgumentError('expected a positive number of seconds.');
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

/** `--shard k/N`: the trials i with i % N == k. */
export function parseShard(s: string | undefined): Shard | undefined {
  if (s === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(s);
  if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new UsageError(`--shard expects k/N with 0 <= k < N (e.g. 0/4), found '${s}'`);
  return { index: Number(m[1]), count: Number(m[2]) };
}

/** Repeated `--define NAME=VALUE`: assembler symbols. */
export function parseDefines(list: string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of list ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(-?(?:0x[0-9a-fA-F]+|\d+))$/.exec(d);
    if (!m) throw new UsageError(`--define expects NAME=INTEGER (e.g. ROUNDS=1000), found '${d}'`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

// ---------------------------------------------------------------- the options

export const SEED: OptionSpec<number> = { flags: '--seed <s>', description: 'seed', parse: seedArg };
export const TRIALS: OptionSpec<number> = { flags: '--trials <n>', description: 'trials per test', parse: countArg };
export const TARGET: OptionSpec<string> = { flags: '--target <target>', description: 'armv8-llsc, armv8-lse or x86-tso' };
export const MODEL: OptionSpec<ModelName> = { flags: '--model <model>', description: 'memory model', parse: modelArg };
export const MAX_STEPS: OptionSpec<number> = { flags: '--max-steps <n>', description: 'step budget', parse: countArg };
export const DEFINE: OptionSpec<string[]> = { flags: '--define <NAME=VALUE...>', description: 'assembler symbols' };
/** `-I DIR`: where `.include` looks after the including file's directory (AssembleOptions.includePaths). */
export const INCLUDE: OptionSpec<string[]> = { flags: '-I, --include <dir...>', description: 'directories searched for .include files (after the including file\'s own)' };
export const JSON_OUT: OptionSpec<true> = { flags: '--json', description: 'print one JSON object' };
export const JOBS: OptionSpec<number> = { flags: '--jobs <n>', description: 'worker threads for trials', parse: countArg };
export const LAYOUT: OptionSpec<Layout> = { flags: '--layout <layout>', description: 'inline: every core on this thread; threads: each core in a worker thread (same trace)', parse: layoutArg };
export const WORKERS: OptionSpec<number> = { flags: '--workers <n>', description: 'worker threads of the threads layout (default: one per core, at most the host cores)', parse: countArg };
export const EXPECTED: OptionSpec<string> = { flags: '--expected <file>', description: "compare with a reference's allowed states (herd's expected.json format): coverage, forbidden states" };
export const SHARD: OptionSpec<string> = { flags: '--shard <k/N>', description: 'run only the trials i with i % N == k (0 <= k < N)' };
export const OUT: OptionSpec<string> = { flags: '--out <file.jsonl>', description: 'write JSON lines: a start record, one per hang as found, then a summary (a file holding another campaign is refused without --append)' };
export const APPEND: OptionSpec<true> = { flags: '--append', description: 'add to an --out file that holds records of another campaign (merge shows them separately)' };
export const TIME_LIMIT: OptionSpec<number> = { flags: '--time-limit <seconds>', description: 'stop after this much wall-clock time with a partial summary (checked between trials)', parse: secondsArg };
export const WORKER_MEMORY: OptionSpec<number> = { flags: '--worker-memory <MiB>', description: 'heap limit of each worker thread (default: a share of half the host memory, 256-4096)', parse: countArg };
/** `--show-hangs n`: how many hangs of each program × target cell a campaign prints (0: none). */
export const SHOW_HANGS: OptionSpec<number> = {
  flags: '--show-hangs <n>',
  description: 'print the first n hangs of each program/target with their replay commands, then how many more (0: only the count; all are in --out)',
  parse: (v) => (/^\d+$/.test(v) ? Number(v) : countArg(v)),
};
export const STOP_ON_FIRST: OptionSpec<true> = { flags: '--stop-on-first', description: 'stop each program/target at its first hang' };
export const TRACE: OptionSpec<number> = {
  flags: '--trace <n>',
  description: 'print the last n memory events (0: none)',
  parse: (v) => (/^\d+$/.test(v) ? Number(v) : countArg(v)),
};
