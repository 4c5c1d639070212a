// Stress campaigns: many seeded trials of programs × targets, hangs reported as they are found.
//
// Trial i of every cell uses trialSeed(S, i), so a hang's seed replays it with
// `hangar replay <program> --target T --seed <seed>` whatever the shard or job count.
// `--shard k/N` runs the trials i with i % N == k; merging the shards' JSONL gives the same
// hangs and counts as the unsharded run (merge.ts). Records go out as they are found
// (onRecord; the CLI writes them with jsonl.ts, which a SIGKILL cannot cut short).
import { PROGRAMS, TARGETS, type TargetName } from '../programs/catalog.ts';
import { trialSeed } from '../emu/model/prng.ts';
import { runTrial, type TrialResult } from '../emu/machine/trial.ts';
import { layoutMachine } from '../emu/threads/layout.ts';
import { campaignId, RECORD_FORMAT, type CampaignSummary, type CellSummary, type HangRecord, type Shard, type StartRecord } from './records.ts';
import { trialLayout, type LayoutRequest } from './trial-layout.ts';
import { DEFAULT_MAX_STEPS, loadWorkload } from './workload.ts';

export type { CampaignSummary, CellSummary, HangRecord, Shard, StartRecord } from './records.ts';

export interface Cell {
  program: string;
  target: TargetName;
}

export interface CampaignOptions {
  cells: Cell[];
  trials: number;
  seed: number;
  shard?: Shard;
  stopOnFirst?: boolean;
  maxSteps?: number;
  /** Called for every hang/error/budget record as soon as it is found. */
  onRecord?: (r: HangRecord) => void;
  /** Called after every trial (progress). */
  onTrial?: (done: number, total: number) => void;
  /** Checked between trials: stop early (Ctrl-C). */
  shouldStop?: () => boolean;
  /** Runs a cell's trials, e.g. on a pool of workers; default inlineRunner(). */
  runner?: CellRunner;
  /** Assembler symbols for every program (e.g. ROUNDS). */
  defines?: Record<string, number>;
}

/** The trial indices a run covers: 0..trials-1, or those with i % count == index. */
export interface TrialRange {
  trials: number;
  shard?: Shard;
}

export function* indicesOf(r: TrialRange): Generator<number> {
  const step = r.shard ? r.shard.count : 1;
  for (let i = r.shard ? r.shard.index : 0; i < r.trials; i += step) yield i;
}

/** The trial index at position `pos` of the range (0 ≤ pos < countOf(r)). */
export function indexAt(r: TrialRange, pos: number): number {
  return r.shard ? r.shard.index + pos * r.shard.count : pos;
}

export function countOf(r: TrialRange): number {
  if (!r.shard) return r.trials;
  return Math.max(0, Math.ceil((r.trials - r.shard.index) / r.shard.count));
}

/** Runs the trials of a cell in index order, handing each result to `each` (false: stop). */
export type CellRunner = (cell: Cell, range: TrialRange, seed: number, maxSteps: number | undefined, each: (i: number, r: TrialResult) => boolean, defines?: Record<string, number>) => Promise<void>;

/** Lets signal handlers (Ctrl-C), the progress bar and worker messages run between trials. */
export class Yielder {
  private last = performance.now();
  constructor(private readonly everyMs: number) {}
  async maybe(): Promise<void> {
    if (performance.now() - this.last < this.everyMs) return;
    await new Promise((res) => setImmediate(res));
    this.last = performance.now();
  }
}

/** Runs a cell's trials on this thread, one after another, each in the layout `req` asks for
 * (the threads layout puts the trial's cores on workers; trialLayout). */
export function inlineRunner(req: LayoutRequest = {}): CellRunner {
  return async (cell, range, seed, maxSteps, each, defines) => {
    const w = loadWorkload(cell.program, { target: cell.target, maxSteps, defines });
    const laid = await layoutMachine(w.program, w.paramsFor, trialLayout(req, w.program.threads.length, 1));
    try {
      const y = new Yielder(50);
      for (const i of indicesOf(range)) {
        const r = runTrial(laid.machine, trialSeed(seed, i), w.paramsFor);
        if (!each(i, r)) return;
        await y.maybe();
      }
    } finally {
      await laid.close();
    }
  };
}

export function allCells(programs: string[] | undefined, target: string): Cell[] {
  const names = programs && programs.length ? programs : PROGRAMS.map((p) => p.name);
  const targets = target === 'all' ? TARGETS.map((t) => t.name) : [target as TargetName];
  return names.flatMap((program) => targets.map((t) => ({ program, target: t })));
}

/** The command line that replays a trial of a cell (printed with every hang). */
export function replayCommandLine(program: string, target: string, seed: number, defines?: Record<string, number>, model?: string): string {
  const d = defines && Object.keys(defines).length ? ` --define ${Object.entries(defines).map(([k, v]) => `${k}=${v}`).join(' ')}` : '';
  return `npx hangar replay ${program} --target ${target}${model ? ` --model ${model}` : ''} --seed ${seed}${d}`;
}

/** The start record of a campaign: its identity (id, seed, trials, budget, symbols), shard and cells. */
export function campaignStart(o: Pick<CampaignOptions, 'cells' | 'trials' | 'seed' | 'shard' | 'stopOnFirst' | 'maxSteps' | 'defines'>): StartRecord {
  const identity = { seed: o.seed, trials: o.trials, maxSteps: o.maxSteps ?? DEFAULT_MAX_STEPS, defines: o.defines ?? {} };
  return {
    type: 'start', format: RECORD_FORMAT, campaign: campaignId(identity), ...identity, shard: o.shard ?? null, stopOnFirst: o.stopOnFirst === true,
    cells: o.cells.map((c) => ({ program: c.program, target: c.target })),
  };
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignSummary> {
  const start = campaignStart(o);
  const runner = o.runner ?? inlineRunner();
  const range: TrialRange = { trials: o.trials, shard: o.shard };
  const total = countOf(range) * o.cells.length;
  let done = 0;
  let complete = true;
  const cells: CellSummary[] = [];
  for (const cell of o.cells) {
    const entry = PROGRAMS.find((p) => p.name === cell.program);
    const s: CellSummary = {
      program: cell.program, target: cell.target, trials: 0, hangs: 0, errors: 0, budget: 0,
      firstHangTrial: null, firstHangSeed: null, firstHangMs: null, expected: entry?.expected[cell.target],
    };
    cells.push(s);
    if (o.shouldStop?.()) { complete = false; break; }
    const t0 = performance.now();
    let stoppedEarly = false;
    await runner(cell, range, o.seed, o.maxSteps, (i, r) => {
      s.trials++;
      done++;
      if (r.verdict === 'hang' || r.verdict === 'error' || r.verdict === 'budget') {
        if (r.verdict === 'hang') {
          s.hangs++;
          if (s.firstHangTrial === null || i < s.firstHangTrial) {
            s.firstHangTrial = i;
            s.firstHangSeed = r.seed;
            s.firstHangMs = Math.round(performance.now() - t0);
          }
        } else if (r.verdict === 'error') s.errors++;
        else s.budget++;
        o.onRecord?.({
          type: r.verdict, campaign: start.campaign, campaignSeed: o.seed, shard: start.shard,
          program: cell.program, target: cell.target, trial: i, seed: r.seed, verdict: r.verdict,
          traceHash: r.traceHash, steps: r.steps, epochs: r.epochs, error: r.error,
          replay: replayCommandLine(cell.program, cell.target, r.seed, o.defines),
        });
      }
      o.onTrial?.(done, total);
      if (o.shouldStop?.()) { stoppedEarly = true; return false; }
      if (o.stopOnFirst && r.verdict === 'hang') return false;
      return true;
    }, o.defines);
    if (stoppedEarly) { complete = false; break; }
  }
  const { campaign, seed, trials, maxSteps, defines, shard } = start;
  return { type: 'summary', format: RECORD_FORMAT, campaign, seed, trials, maxSteps, defines, shard, complete, stopped: null, cells };
}
