// `hangar campaign`: seeded trials of programs × targets, on a trial pool with --jobs (trials
// start on this thread while the pool's workers start), each trial inline or in the threads
// layout (--layout, --workers; chosen per program when not given: campaign/trial-layout.ts);
// each hang is written to --out as found and the first --show-hangs of each cell printed with
// its replay command, then the summary table and how many more each cell found. A hang is printed only once its record is on disk; a write that fails ends the
// campaign (exit 74). SIGINT, SIGTERM and SIGHUP print the partial summary and exit 128 + n;
// --time-limit stops the same way at the limit.
import { Presets, SingleBar } from 'cli-progress';
import { allCells, campaignStart, inlineRunner, runCampaign, type CampaignSummary, type CellRunner, type HangRecord, type StartRecord } from '../../campaign/campaign.ts';
import { JsonlWriter, WriteError } from '../../campaign/jsonl.ts';
import { checkOutFile } from '../../campaign/out-file.ts';
import { PROGRAM_TASKS, poolRunner } from '../../campaign/pool/program-task.ts';
import { defaultJobs, TrialPool } from '../../campaign/pool/trial-pool.ts';
import type { StopReason } from '../../campaign/records.ts';
import { catchStopSignals, signalExitStatus, type StopSignal } from '../../campaign/signals.ts';
import { loadWorkload, targetNamed } from '../../campaign/workload.ts';
import { PROGRAMS } from '../../programs/catalog.ts';
import { defineCommand } from '../command.ts';
import type { Io } from '../io.ts';
import {
  APPEND, DEFINE, described, JOBS, JSON_OUT, LAYOUT, MAX_STEPS, OUT, parseDefines, parseShard, SEED, SHARD, SHOW_HANGS, STOP_ON_FIRST, TARGET, TIME_LIMIT, TRIALS, UsageError, withDefault, WORKER_MEMORY, WORKERS, type Values,
} from '../options.ts';
import { summaryTable } from '../reporters/campaign-table.ts';
import { errorLine, hangLine } from '../reporters/hang-line.ts';
import { HangList } from '../reporters/hang-list.ts';

const OPTIONS = {
  target: withDefault(TARGET, 'all', 'a target or all'),
  trials: withDefault(TRIALS, 1000, 'trials per program and target'),
  seed: withDefault(SEED, 1, 'campaign seed (trial i uses a seed derived from it and i)'),
  jobs: described(JOBS, 'trials at the same time, each on a worker thread (default: host cores; 1 with --layout threads)'),
  layout: described(LAYOUT, 'inline: a trial\'s cores on one thread; threads: on worker threads (same records; default: from the host\'s and the program\'s cores)'),
  workers: described(WORKERS, 'worker threads per trial of the threads layout (default: one per core the host has room for)'),
  shard: SHARD,
  out: OUT,
  append: APPEND,
  maxSteps: described(MAX_STEPS, 'step budget of one trial'),
  stopOnFirst: STOP_ON_FIRST,
  timeLimit: TIME_LIMIT,
  define: described(DEFINE, 'assembler symbols for every program (e.g. ROUNDS=64)'),
  showHangs: withDefault(SHOW_HANGS, 3),
  json: described(JSON_OUT, 'JSON lines on stdout instead of the table'),
  workerMemory: WORKER_MEMORY,
};

export type CampaignCliOptions = Values<typeof OPTIONS>;

/** Exit status of a campaign whose --out could not be written (sysexits EX_IOERR). */
export const EXIT_WRITE_ERROR = 74;

/** Runs a campaign on a trial pool of --jobs workers (on this thread for --jobs 1). */
async function runCampaignCommand(io: Io, programs: string[], o: CampaignCliOptions): Promise<number> {
  // Check the arguments and the --out file before starting any worker.
  const shard = parseShard(o.shard);
  const defines = parseDefines(o.define);
  if (o.target !== 'all') targetNamed(o.target);
  for (const p of programs) {
    if (p.endsWith('.litmus')) throw new UsageError(`campaign runs programs and assembly files; run the litmus test ${p} with \`hangar litmus\``);
    if (!PROGRAMS.some((q) => q.name === p)) loadWorkload(p, { target: o.target === 'all' ? undefined : o.target, defines });
  }
  const jobs = o.jobs ?? (o.layout === 'threads' ? 1 : defaultJobs());
  const req = { layout: o.layout, workers: o.workers };
  if (jobs === 1 && o.workerMemory !== undefined) throw new UsageError('--worker-memory: for --jobs 2 or more only (--jobs 1 runs the trials on this thread)');
  const cells = allCells(programs, o.target);
  const start = campaignStart({ cells, trials: o.trials, seed: o.seed, shard, stopOnFirst: o.stopOnFirst, maxSteps: o.maxSteps, defines });
  let out: JsonlWriter | undefined;
  if (o.out) {
    const note = checkOutFile(o.out, start, o.append === true);
    if (note) io.err(`${note}\n`);
    try {
      out = new JsonlWriter(o.out);
      out.write(start);
    } catch (e) {
      out?.close();
      if (!(e instanceof WriteError)) throw e;
      io.err(`hangar: ${e.message}; no trial was run\n`);
      return EXIT_WRITE_ERROR;
    }
  }
  // Trials start here; the pool starts in the background after the first ones (poolRunner).
  const pooled = jobs > 1 ? poolRunner(() => TrialPool.launch({ jobs, handlers: [PROGRAM_TASKS], exitOnSigint: false, heapMb: o.workerMemory }), req) : undefined;
  try {
    return await campaign(io, o, { start, cells, out, runner: pooled ? pooled.runner : inlineRunner(req) });
  } finally {
    await pooled?.close();
    out?.close();
  }
}

interface CampaignRun {
  start: StartRecord;
  cells: ReturnType<typeof allCells>;
  out?: JsonlWriter;
  runner?: CellRunner;
}

async function campaign(io: Io, o: CampaignCliOptions, a: CampaignRun): Promise<number> {
  const { start, cells, out, runner } = a;
  const shard = start.shard ?? undefined;
  const tty = !o.json && process.stderr.isTTY === true;
  const bar = tty ? new SingleBar({ format: 'campaign [{bar}] {value}/{total} trials | {hangs} hangs | {eta_formatted} left', hideCursor: true }, Presets.shades_classic) : undefined;
  let hangs = 0;
  const shown = new HangList(o.showHangs);
  let stop: StopReason | null = null;
  let writeFailure: WriteError | null = null;
  const deadline = o.timeLimit === undefined ? Infinity : performance.now() + o.timeLimit * 1000;
  const release = catchStopSignals((s: StopSignal) => {
    stop ??= s;
  });
  const save = (rec: unknown): boolean => {
    if (out === undefined) return true;
    try {
      out.write(rec);
      return true;
    } catch (e) {
      if (!(e instanceof WriteError)) throw e;
      if (writeFailure === null) {
        writeFailure = e;
        io.err(`${bar ? '\r\x1b[K' : ''}hangar: ${e.message}; the campaign stops, ${out.path} keeps the ${out.written} record(s) written before\n`);
      }
      stop ??= 'write error';
      return false;
    }
  };
  const emit = (rec: HangRecord): void => {
    if (writeFailure !== null) return; // stopping: the trials still in flight are not reported
    // Printed only once saved: a hang on the screen is a hang in the file.
    if (!save(rec)) {
      io.err(`not saved: ${rec.type === 'hang' ? hangLine(rec) : errorLine(rec)}`);
      return;
    }
    if (o.json) io.out(JSON.stringify(rec) + '\n');
    else if (rec.type === 'hang') {
      hangs++;
      // On a terminal, print above the progress bar.
      const line = shown.line(rec);
      if (line) io.out(`${bar ? '\r\x1b[K' : ''}${line}`);
    } else if (rec.type === 'error') io.out(errorLine(rec));
  };
  // --json prints what --out writes: the start record, the records, the summary.
  if (o.json) io.out(JSON.stringify(start) + '\n');
  const cellsTotal = cells.length * (shard ? Math.ceil(o.trials / shard.count) : o.trials);
  bar?.start(cellsTotal, 0, { hangs: 0 });
  let summary: CampaignSummary;
  try {
    summary = await runCampaign({
      cells, trials: o.trials, seed: o.seed, shard, stopOnFirst: o.stopOnFirst, maxSteps: o.maxSteps, runner, defines: start.defines,
      onRecord: emit,
      onTrial: (done) => bar?.update(done, { hangs }),
      shouldStop: () => {
        if (stop === null && performance.now() > deadline) stop = 'time limit';
        return stop !== null;
      },
    });
  } finally {
    bar?.stop();
    release();
  }
  if (!summary.complete) summary.stopped = stop;
  // After a failed write the summary may still fit (space freed); it says the run stopped.
  save(summary);
  if (o.json) io.out(JSON.stringify(summary) + '\n');
  else {
    const what = stop === null || summary.complete ? 'Summary'
      : stop === 'time limit' ? `Stopped at the time limit (${o.timeLimit} s): partial summary`
      : stop === 'write error' ? `Stopped: ${out?.path} could not be written: partial summary`
      : `Interrupted (${stop}): partial summary`;
    io.out(`\n${what} (campaign ${start.campaign}, seed ${o.seed}, ${o.trials} trials per cell${shard ? `, shard ${shard.index}/${shard.count}` : ''}):\n`);
    io.out(summaryTable(summary.cells));
    io.out(shown.rest(out?.path));
  }
  if (writeFailure !== null) return EXIT_WRITE_ERROR;
  if (stop !== null && stop !== 'time limit' && stop !== 'write error' && !summary.complete) return signalExitStatus(stop);
  const unexpected = summary.cells.some((c) => c.errors > 0);
  return unexpected ? 1 : 0;
}

export const campaignCommand = defineCommand({
  name: 'campaign',
  description: 'stress programs × targets with seeded trials; report each hang with its replay command',
  argument: ['[programs...]', 'program names (default: all built-in programs)'],
  options: OPTIONS,
  run: (io, programs: string[], o) => runCampaignCommand(io, programs, o),
});
