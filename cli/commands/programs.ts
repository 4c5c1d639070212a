// The program commands of the CLI: list, run (programs), replay, campaign, merge.
import { SingleBar, Presets } from 'cli-progress';
import { availableParallelism } from 'node:os';
import { PROGRAM_TASKS, poolRunner } from '../../campaign/pool/program-task.ts';
import { TrialPool } from '../../campaign/pool/trial-pool.ts';
import { readFileSync } from 'node:fs';
import { PROGRAMS, TARGETS } from '../../programs/catalog.ts';
import {
  allCells, runCampaign, type CampaignSummary, type CellRunner, type HangRecord, type Shard,
} from '../../campaign/campaign.ts';
import { JsonlWriter } from '../../campaign/jsonl.ts';
import { mergeRecords } from '../../campaign/merge.ts';
import { summaryTable } from '../reporters/campaign-table.ts';
import { explain, traceLines } from '../../emu/observe/explain.ts';
import type { Machine } from '../../emu/machine/machine.ts';
import { Tracer } from '../../emu/observe/tracer.ts';
import { newMachine, runTrial, type TrialResult } from '../../emu/machine/trial.ts';
import { loadWorkload, parseDefines, targetNamed, WorkloadError, type Workload } from '../../campaign/workload.ts';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

export function listCommand(io: Io, o: { json?: boolean }): number {
  if (o.json) {
    for (const p of PROGRAMS) {
      io.out(JSON.stringify({ name: p.name, cores: p.cores, description: p.description, hangMeaning: p.hangMeaning, expected: p.expected }) + '\n');
    }
    return 0;
  }
  io.out('Programs (hangar run|replay|campaign <program> --target T):\n');
  const w = Math.max(...PROGRAMS.map((p) => p.name.length));
  for (const p of PROGRAMS) {
    const exp = TARGETS.map((t) => `${t.name}: ${p.expected[t.name]}`).join(', ');
    io.out(`  ${p.name.padEnd(w)}  ${p.cores} cores  ${p.description}\n  ${''.padEnd(w)}  expected: ${exp}\n`);
  }
  io.out('Targets:\n');
  for (const t of TARGETS) io.out(`  ${t.name.padEnd(11)} (${t.model} model) ${t.description}\n`);
  return 0;
}

/** Runs one trial of a workload; the machine is returned for reports. */
export type TrialRunner = (w: Workload, seed: number, tracer?: Tracer) => Promise<{ r: TrialResult; m: Machine }>;

export const inlineTrial: TrialRunner = async (w, seed, tracer) => {
  const m = newMachine(w.program, w.paramsFor);
  if (tracer) m.exec.observer = tracer;
  return { r: runTrial(m, seed, w.paramsFor), m };
};

export async function runProgramCommand(io: Io, spec: string, o: { target?: string; seed: number; json?: boolean; maxSteps?: number; define?: string[] }, run: TrialRunner = inlineTrial): Promise<number> {
  const w = loadWorkload(spec, { target: o.target, maxSteps: o.maxSteps, defines: parseDefines(o.define) });
  const { r } = await run(w, o.seed);
  if (o.json) {
    io.out(JSON.stringify({ program: w.name, target: w.target?.name, model: w.model, seed: o.seed, verdict: r.verdict, error: r.error, traceHash: r.traceHash, steps: r.steps, epochs: r.epochs, attempts: r.attempts }) + '\n');
  } else {
    io.out(`Program ${w.name} target ${w.target?.name ?? '-'} (model ${w.model}) seed ${o.seed}\n`);
    io.out(`Verdict ${r.verdict}${r.error ? `: ${r.error}` : ''}\n`);
    io.out(`Steps ${r.steps} Epochs ${r.epochs} Attempts ${r.attempts + 1}\n`);
    io.out(`traceHash ${r.traceHash}\n`);
    if (r.verdict === 'hang') io.out(`Explain it: npx hangar replay ${w.name} --target ${w.target?.name} --seed ${o.seed}\n`);
  }
  return r.verdict === 'ok' ? 0 : 1;
}

export async function replayCommand(io: Io, spec: string, o: { target?: string; seed: number; trace: number; json?: boolean; maxSteps?: number; define?: string[] }, run: TrialRunner = inlineTrial): Promise<number> {
  const w = loadWorkload(spec, { target: o.target, maxSteps: o.maxSteps, defines: parseDefines(o.define) });
  const tracer = new Tracer();
  const { r, m } = await run(w, o.seed, tracer);
  const ex = explain(m, tracer.events, r.verdict);
  if (o.json) {
    io.out(JSON.stringify({ program: w.name, target: w.target?.name, seed: o.seed, verdict: r.verdict, traceHash: r.traceHash, explanation: ex.lines, missed: ex.missed }) + '\n');
    return 0;
  }
  io.out(`Replay of ${w.name} on ${w.target?.name ?? w.model}, seed ${o.seed}: verdict ${r.verdict}${r.error ? ` (${r.error})` : ''}, traceHash ${r.traceHash}\n`);
  if (w.entry && r.verdict === 'hang') io.out(`A hang here means: ${w.entry.hangMeaning}.\n`);
  if (o.trace > 0) {
    io.out(`\nTrace (last ${o.trace} memory events; e<epoch> core<n> instruction  effect):\n`);
    for (const l of traceLines(m, tracer.events, o.trace)) io.out(`  ${l}\n`);
  }
  io.out('\nExplanation:\n');
  for (const l of ex.lines) io.out(`${l}\n`);
  return 0;
}

export function parseShard(s: string | undefined): Shard | undefined {
  if (s === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(s);
  if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new WorkloadError(`--shard expects k/N with 0 <= k < N (e.g. 0/4), found '${s}'`);
  return { index: Number(m[1]), count: Number(m[2]) };
}

export interface CampaignCliOptions {
  target: string;
  trials: number;
  seed: number;
  jobs?: number;
  shard?: string;
  out?: string;
  json?: boolean;
  stopOnFirst?: boolean;
  maxSteps?: number;
  define?: string[];
}

export async function campaignCommand(io: Io, programs: string[], o: CampaignCliOptions, runner?: CellRunner): Promise<number> {
  const jobs = o.jobs ?? availableParallelism();
  // Validate the arguments before starting any worker.
  parseShard(o.shard);
  parseDefines(o.define);
  if (o.target !== 'all') targetNamed(o.target);
  for (const p of programs) if (!PROGRAMS.some((q) => q.name === p)) loadWorkload(p, { target: o.target === 'all' ? undefined : o.target, defines: parseDefines(o.define) });
  let pool: TrialPool | undefined;
  try {
    if (!runner && jobs > 1) {
      pool = await TrialPool.start({ jobs, handlers: [PROGRAM_TASKS], exitOnSigint: false });
      runner = poolRunner(pool);
    }
    return await campaign(io, programs, o, runner);
  } finally {
    await pool?.close();
  }
}

async function campaign(io: Io, programs: string[], o: CampaignCliOptions, runner?: CellRunner): Promise<number> {
  if (o.target !== 'all') targetNamed(o.target);
  for (const p of programs) if (!PROGRAMS.some((q) => q.name === p)) loadWorkload(p, { target: o.target === 'all' ? undefined : o.target, defines: parseDefines(o.define) });
  const shard = parseShard(o.shard);
  const defines = parseDefines(o.define);
  const cells = allCells(programs, o.target);
  const out = o.out ? new JsonlWriter(o.out) : undefined;
  const tty = !o.json && process.stderr.isTTY === true;
  const bar = tty ? new SingleBar({ format: 'campaign [{bar}] {value}/{total} trials | {hangs} hangs | {eta_formatted} left', hideCursor: true }, Presets.shades_classic) : undefined;
  let hangs = 0;
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
  };
  process.once('SIGINT', onSigint);
  const emit = (rec: HangRecord): void => {
    out?.write(rec);
    if (o.json) io.out(JSON.stringify(rec) + '\n');
    else if (rec.type === 'hang') {
      hangs++;
      // On a terminal, print above the progress bar.
      io.out(`${bar ? '\r\x1b[K' : ''}hang: ${rec.program} on ${rec.target}, seed ${rec.seed} (trial ${rec.trial})  replay: ${rec.replay}\n`);
    } else if (rec.type === 'error') io.out(`error: ${rec.program} on ${rec.target}, seed ${rec.seed}: ${rec.error}\n`);
  };
  const cellsTotal = cells.length * (shard ? Math.ceil(o.trials / shard.count) : o.trials);
  bar?.start(cellsTotal, 0, { hangs: 0 });
  let summary: CampaignSummary;
  try {
    summary = await runCampaign({
      cells, trials: o.trials, seed: o.seed, shard, stopOnFirst: o.stopOnFirst, maxSteps: o.maxSteps, runner, defines,
      onRecord: emit,
      onTrial: (done) => bar?.update(done, { hangs }),
      shouldStop: () => interrupted,
    });
  } finally {
    bar?.stop();
    process.removeListener('SIGINT', onSigint);
  }
  out?.write(summary);
  out?.close();
  if (o.json) io.out(JSON.stringify(summary) + '\n');
  else {
    io.out(`\n${interrupted ? 'Interrupted: partial summary' : 'Summary'} (seed ${o.seed}, ${o.trials} trials per cell${shard ? `, shard ${shard.index}/${shard.count}` : ''}):\n`);
    io.out(summaryTable(summary.cells));
  }
  if (interrupted) return 130;
  const unexpected = summary.cells.some((c) => c.errors > 0);
  return unexpected ? 1 : 0;
}

export function mergeCommand(io: Io, files: string[], o: { json?: boolean }): number {
  const lines: unknown[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      throw new WorkloadError(`cannot read ${f}: ${(e as Error).message}`);
    }
    text.split('\n').forEach((l, i) => {
      if (!l.trim()) return;
      try {
        lines.push(JSON.parse(l));
      } catch {
        // A campaign killed mid-write can leave a truncated last line: skip it, say so.
        io.err(`${f}:${i + 1}:1: skipped a line that is not JSON (truncated by a killed campaign?)\n`);
      }
    });
  }
  const { records, summary } = mergeRecords(lines);
  if (o.json) {
    for (const r of records) io.out(JSON.stringify(r) + '\n');
    io.out(JSON.stringify(summary) + '\n');
  } else {
    for (const r of records) if (r.type === 'hang') io.out(`hang: ${r.program} on ${r.target}, seed ${r.seed} (trial ${r.trial})  replay: ${r.replay}\n`);
    io.out(`\nMerged summary of ${files.length} file(s)${summary.complete ? '' : ' (some runs were interrupted)'}:\n`);
    io.out(summaryTable(summary.cells));
  }
  return 0;
}
