// Host throughput: how many trials per second the emulator runs, per program, target and
// layout, with benchmark.js statistics. These figures depend on the machine and its load
// (unlike the emulated cycles of bench/barrier.ts).
import Benchmark from 'benchmark';
import { layoutMachine, loadWorkload, Machine, PROGRAMS, runTrial, trialSeed, type ParamsFor, type TargetName } from '../index.ts';

export interface HostRow {
  kind: 'host';
  program: string;
  target: TargetName;
  layout: 'inline' | 'threads';
  workers: number;
  /** Trials per second (benchmark.js mean) and its relative margin of error, in %. */
  trialsPerSec: number;
  rmePercent: number;
  samples: number;
  /** Mean emulated instructions per trial (over the seeds the benchmark cycles through). */
  stepsPerTrial: number;
  /** trialsPerSec × stepsPerTrial. */
  instructionsPerSec: number;
}

/** Seeds a benchmark cycles through: trials differ in length, the mean over these is stable. */
const SEEDS = Array.from({ length: 8 }, (_, i) => trialSeed(1, i));

export interface HostOptions {
  quick: boolean;
  /** Targets to measure (quick: one). */
  targets: TargetName[];
  /** Programs for the inline layout (default: every catalogued one). */
  programs?: string[];
  /** Programs for the threads layout (default: the inline ones). */
  threadsPrograms?: string[];
  onRow?: (r: HostRow) => void;
  onNote?: (s: string) => void;
}

function measure(name: string, machine: Machine, paramsFor: ParamsFor, quick: boolean): { hz: number; rme: number; samples: number; steps: number } {
  let i = 0;
  let steps = 0;
  let trials = 0;
  const fn = (): void => {
    const r = runTrial(machine, SEEDS[i++ & 7], paramsFor);
    steps += r.steps;
    trials++;
  };
  for (let w = 0; w < 8; w++) fn(); // warm the JIT before benchmark.js starts sampling
  steps = trials = 0;
  const b = new Benchmark(name, fn, quick ? { maxTime: 0.3, minSamples: 5, minTime: 0.02 } : { maxTime: 1.5, minSamples: 20 });
  b.run();
  if (b.error) throw b.error as Error;
  return { hz: b.hz, rme: b.stats.rme, samples: b.stats.sample.length, steps: trials ? steps / trials : 0 };
}

export async function runHostTable(o: HostOptions): Promise<HostRow[]> {
  const rows: HostRow[] = [];
  const layouts: Array<'inline' | 'threads'> = ['inline', 'threads'];
  const inlinePrograms = o.programs ?? PROGRAMS.map((p) => p.name);
  for (const layout of layouts) {
    for (const target of o.targets) {
      for (const name of layout === 'inline' ? inlinePrograms : o.threadsPrograms ?? inlinePrograms) {
        const w = loadWorkload(name, { target });
        let machine: Machine;
        let workers = 0;
        let close = async (): Promise<void> => {};
        if (layout === 'inline') machine = new Machine(w.program, w.paramsFor(0, 0));
        else {
          try {
            const laid = await layoutMachine(w.program, w.paramsFor, { layout: 'threads' });
            machine = laid.machine;
            workers = laid.workers;
            close = () => laid.close();
          } catch (e) {
            o.onNote?.(`threads layout failed on ${name}: ${(e as Error).message.split('\n')[0]}; skipping the threads layout`);
            return rows;
          }
        }
        try {
          const s = measure(`${name} ${target} ${layout}`, machine, w.paramsFor, o.quick);
          const row: HostRow = {
            kind: 'host', program: name, target, layout, workers,
            trialsPerSec: Math.round(s.hz * 10) / 10,
            rmePercent: Math.round(s.rme * 100) / 100,
            samples: s.samples,
            stepsPerTrial: Math.round(s.steps),
            instructionsPerSec: Math.round(s.hz * s.steps),
          };
          rows.push(row);
          o.onRow?.(row);
        } finally {
          await close();
        }
      }
    }
  }
  return rows;
}
