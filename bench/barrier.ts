// The barrier-cost table: emulated cycles per operation of each QEMU primitive's hot path, per
// version and target, alone and with two cores hammering it. Each case is a small program in
// bench/programs/ that loops ITERS times over one hot path; the timing model (timing/timer.ts)
// times it under the target's cost table, with a fixed seed, so every figure is the same on
// every run and machine.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble, findTarget, Machine, MODELS, programParams, runTrial, type ParamsFor, type Program, type TargetName, type TrialParams } from '../index.ts';
import { costTableForTarget } from './timing/cost-table.ts';
import { timedParams, Timer } from './timing/timer.ts';

export const ALL_TARGETS: readonly TargetName[] = ['armv8-llsc', 'armv8-lse', 'x86-tso'];

/** Iterations of the primitive per run; seed of every run. Fixed: the figures are part of the README. */
export const ITERS = 400;
export const SEED = 1;

export interface BarrierCase {
  /** The primitive and path, as the table shows it. */
  primitive: string;
  /** QEMU version (or shape) of that code. */
  version: string;
  /** Source under bench/programs/. */
  file: string;
  defines: Record<string, number>;
  /** Only these targets (default: all). */
  targets?: readonly TargetName[];
}

const c = (primitive: string, version: string, file: string, defines: Record<string, number>, targets?: readonly TargetName[]): BarrierCase =>
  ({ primitive, version, file, defines, targets });

export const CASES: readonly BarrierCase[] = [
  c('empty loop (baseline)', '-', 'loop.s', {}),
  c('qemu_event_set, already set', 'v7.2', 'qemu-event.s', { VERSION: 72, PATH: 1 }),
  c('qemu_event_set, already set', 'v8.0', 'qemu-event.s', { VERSION: 80, PATH: 1 }),
  c('qemu_event_reset, event free', 'v7.2', 'qemu-event.s', { VERSION: 72, PATH: 2 }),
  c('qemu_event_reset, event free', 'v8.0', 'qemu-event.s', { VERSION: 80, PATH: 2 }),
  c('qemu_event_set + qemu_event_reset', 'v7.2', 'qemu-event.s', { VERSION: 72, PATH: 3 }),
  c('qemu_event_set + qemu_event_reset', 'v8.0', 'qemu-event.s', { VERSION: 80, PATH: 3 }),
  c('AIO_WAIT_WHILE entry, condition false', 'pre-2022', 'aio-wait.s', { VERSION: 71, PATH: 1 }),
  c('AIO_WAIT_WHILE entry, condition false', '2022', 'aio-wait.s', { VERSION: 72, PATH: 1 }),
  c('AIO_WAIT_WHILE entry, condition false', '2023', 'aio-wait.s', { VERSION: 80, PATH: 1 }),
  c('aio_wait_kick, no waiter', 'pre-2022', 'aio-wait.s', { VERSION: 71, PATH: 2 }),
  c('aio_wait_kick, no waiter', '2022/2023', 'aio-wait.s', { VERSION: 72, PATH: 2 }),
  c('BH enqueue (qemu_bh_schedule, pending)', 'v7.2', 'bh-enqueue.s', { VERSION: 72 }),
  c('BH enqueue (qemu_bh_schedule, pending)', 'v1-patch', 'bh-enqueue.s', { VERSION: 1 }),
  c('qatomic_inc; read', '-', 'fences.s', { SHAPE: 1 }),
  c('qatomic_inc; smp_mb__after_rmw; read', '-', 'fences.s', { SHAPE: 2 }),
  c('qatomic_inc; smp_mb; read', '-', 'fences.s', { SHAPE: 3 }),
  c('qatomic_set; read', '-', 'fences.s', { SHAPE: 4 }),
  c('qatomic_set; smp_mb; read', '-', 'fences.s', { SHAPE: 5 }),
  c('store_release; load_acquire (STLR; LDAR)', '-', 'fences.s', { SHAPE: 6 }),
  c('STLR; LDAPR', '-', 'fences.s', { SHAPE: 7 }, ['armv8-llsc', 'armv8-lse']),
];

export function caseLabel(k: BarrierCase): string {
  return k.version === '-' ? k.primitive : `${k.primitive} [${k.version}]`;
}

export interface BarrierRow {
  kind: 'barrier';
  /** Unique with target and contended: the primitive and version. */
  case: string;
  primitive: string;
  version: string;
  target: TargetName;
  /** The cost table (bench/costs/<table>.json). */
  table: string;
  contended: boolean;
  iterations: number;
  seed: number;
  /** Emulated cycles of core 0 between bench_begin and bench_end, divided by iterations. */
  cyclesPerOp: number;
  instructionsPerOp: number;
  /** Cache-line transfers per operation. */
  transfersPerOp: number;
  /** Cycles per operation that ordering instructions spent waiting for earlier accesses. */
  orderWaitPerOp: number;
}

const PROGRAMS_DIR = fileURLToPath(new URL('./programs/', import.meta.url));

/** Bench runs switch off the engine's exploration aids (spurious store-exclusive failures,
 * promises): they search for executions, they are not hardware behaviour. Both only remove
 * choices, so every run is still an execution the model allows. */
export function benchParamsFor(model: TrialParams['model'], maxSteps: number): ParamsFor {
  return (seed, attempt) => ({ ...programParams(model, seed, attempt, maxSteps), pSpurious: 0, pPromise: 0 });
}

export function assembleCase(k: BarrierCase, target: TargetName, contended: boolean, iters = ITERS): Program {
  const t = findTarget(target)!;
  const file = PROGRAMS_DIR + k.file;
  const shown = relative(process.cwd(), file) || file;
  return assemble(readFileSync(file, 'utf8'), { file: shown, defines: { ...k.defines, ITERS: iters, CONTENDED: contended ? 1 : 0, ...t.defines } });
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Runs one case on one target and returns its row (throws if the run does not finish). */
export function runBarrierCase(k: BarrierCase, target: TargetName, contended: boolean, iters = ITERS, seed = SEED): BarrierRow {
  const program = assembleCase(k, target, contended, iters);
  const t = findTarget(target)!;
  const paramsFor = benchParamsFor(MODELS[t.model], 50 * iters * program.length + 100_000);
  const m = new Machine(program, paramsFor(seed, 0));
  const table = costTableForTarget(target);
  const timer = new Timer(m, table).attach();
  const wBegin = timer.watch(program.labels.bench_begin);
  const wEnd = timer.watch(program.labels.bench_end);
  const r = runTrial(m, seed, timedParams(timer, paramsFor));
  if (r.verdict !== 'ok') throw new Error(`${k.file} (${caseLabel(k)}) on ${target}${contended ? ', contended' : ''}: verdict ${r.verdict}${r.error ? `: ${r.error}` : ''}`);
  const a = timer.reachedAt(0, wBegin), b = timer.reachedAt(0, wEnd);
  if (a.cycles < 0 || b.cycles < 0) throw new Error(`${k.file}: core 0 did not pass bench_begin and bench_end`);
  return {
    kind: 'barrier',
    case: caseLabel(k),
    primitive: k.primitive,
    version: k.version,
    target,
    table: table.name,
    contended,
    iterations: iters,
    seed,
    cyclesPerOp: round3((b.cycles - a.cycles) / iters),
    instructionsPerOp: round3((b.instructions - a.instructions) / iters),
    transfersPerOp: round3((b.transfers - a.transfers) / iters),
    orderWaitPerOp: round3((b.orderWait - a.orderWait) / iters),
  };
}

/** Every case × target × {alone, contended}, in table order. */
export function runBarrierTable(onRow?: (r: BarrierRow) => void, iters = ITERS): BarrierRow[] {
  const rows: BarrierRow[] = [];
  for (const k of CASES) {
    for (const target of k.targets ?? ALL_TARGETS) {
      for (const contended of [false, true]) {
        const row = runBarrierCase(k, target, contended, iters);
        rows.push(row);
        onRow?.(row);
      }
    }
  }
  return rows;
}
