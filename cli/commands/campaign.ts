// `hangar campaign`: seeded trials of programs × targets, on a trial pool with --jobs; each
// hang is printed (and appended to --out) as found with its replay command, then the summary
// table. Ctrl-C prints the partial summary and exits 130.
import { Presets, SingleBar } from 'cli-progress';
import { allCells, runCampaign, type CampaignSummary, type CellRunner, type HangRecord } from '../../campaign/campaign.ts';
import { JsonlWriter } from '../../campaign/jsonl.ts';
import { PROGRAM_TASKS, poolRunner } from '../../campaign/pool/program-task.ts';
import { defaultJobs, TrialPool } from '../../campaign/pool/trial-pool.ts';
import { loadWorkload, targetNamed } from '../../campaign/workload.ts';
import { PROGRAMS } from '../../programs/catalog.ts';
import { defineCommand } from '../command.ts';
import type { Io } from '../io.ts';
import {
  DEFINE, described, JOBS, JSON_OUT, MAX_STEPS, OUT, parseDefines, parseShard, SEED, SHARD, STOP_ON_FIRST, TARGET, TRIALS, withDefault, type Values,
} from '../options.ts';
import { summaryTable } from '../reporters/campaign-table.ts';
import { errorLine, hangLine } from '../reporters/hang-line.ts';

const OPTIONS = {
  target: withDefault(TARGET, 'all', 'a target or all'),
  trials: withDefault(TRIALS, 1000, 'trials per program and target'),
  seed: withDefault(SEED, 1, 'campaign seed (trial i uses a seed derived from it and i)'),
  jobs: JOBS,
  shard: SHARD,
  out: OUT,
  maxSteps: described(MAX_STEPS, 'step budget of one trial'),
  stopOnFirst: STOP_ON_FIRST,
  define: described(DEFINE, 'assembler symbols for every program (e.g. ROUNDS=64)'),
  json: described(JSON_OUT, 'JSON lines on stdout instead of the table'),
};

export type CampaignCliOptions = Values<typeof OPTIONS>;

/** Runs a campaign on a trial pool of --jobs workers (inline for --jobs 1). */
async function runCampaignCommand(io: Io, programs: string[], o: CampaignCliOptions): Promise<number> {
  // Check the arguments before starting any worker.
  const shard = parseShard(o.shard);
  const defines = parseDefines(o.define);
  if (o.target !== 'all') targetNamed(o.target);
  for (const p of programs) if (!PROGRAMS.some((q) => q.name === p)) loadWorkload(p, { target: o.target === 'all' ? undefined : o.target, defines });
  const jobs = o.jobs ?? defaultJobs();
  let pool: TrialPool | undefined;
  let runner: CellRunner | undefined;
  try {
    if (jobs > 1) {
      pool = await TrialPool.start({ jobs, handlers: [PROGRAM_TASKS], exitOnSigint: false });
      runner = poolRunner(pool);
    }
    return await campaign(io, programs, o, { shard, defines, runner });
  } finally {
    await pool?.close();
  }
}

async function campaign(io: Io, programs: string[], o: CampaignCliOptions, a: { shard: ReturnType<typeof parseShard>; defines: Record<string, number>; runner?: CellRunner }): Promise<number> {
  const { shard, defines, runner } = a;
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
      io.out(`${bar ? '\r\x1b[K' : ''}${hangLine(rec)}`);
    } else if (rec.type === 'error') io.out(errorLine(rec));
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

export const campaignCommand = defineCommand({
  name: 'campaign',
  description: 'stress programs × targets with seeded trials; report each hang with its replay command',
  argument: ['[programs...]', 'program names (default: all built-in programs)'],
  options: OPTIONS,
  run: (io, programs: string[], o) => runCampaignCommand(io, programs, o),
});
