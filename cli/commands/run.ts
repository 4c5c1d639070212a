// `hangar run`: one trial of a program, an assembly file or a litmus test, in the inline or
// the threads layout (the same trace either way); prints its verdict (and a litmus test's final
// state) and traceHash.
import { resolve } from 'node:path';
import { finalState, locationNames } from '../../campaign/litmus-run.ts';
import { loadWorkload } from '../../campaign/workload.ts';
import { runTrial } from '../../emu/machine/trial.ts';
import { layoutMachine, layoutTrial } from '../../emu/threads/layout.ts';
import { defineCommand } from '../command.ts';
import type { Io } from '../io.ts';
import { DEFINE, described, JSON_OUT, LAYOUT, MAX_STEPS, MODEL, parseDefines, SEED, TARGET, UsageError, withDefault, WORKER_MEMORY, WORKERS, type Values } from '../options.ts';
import { litmusTrialJson, litmusTrialText, programTrialJson, programTrialText } from '../reporters/trial-report.ts';

const OPTIONS = {
  target: described(TARGET, 'armv8-llsc (the default), armv8-lse or x86-tso (programs and assembly files)'),
  model: described(MODEL, 'memory model (default: the target\'s, or from the litmus arch)'),
  seed: withDefault(SEED, 1),
  maxSteps: described(MAX_STEPS, 'step budget of a program trial'),
  define: described(DEFINE, 'assembler symbols for programs (e.g. ROUNDS=1000 NCORES=16)'),
  json: JSON_OUT,
  layout: withDefault(LAYOUT, 'threads'),
  workers: WORKERS,
  workerMemory: WORKER_MEMORY,
};

type RunOptions = Values<typeof OPTIONS>;

/** --workers and --worker-memory are for the threads layout: refused with the inline one. */
function checkLayoutOptions(o: RunOptions): void {
  if (o.layout !== 'inline') return;
  const given = [o.workers !== undefined && '--workers', o.workerMemory !== undefined && '--worker-memory'].filter((x) => x !== false);
  if (given.length > 0) throw new UsageError(`${given.join(' and ')}: for --layout threads only (--layout inline runs every core on this thread)`);
}

async function runLitmusTest(io: Io, file: string, o: RunOptions): Promise<number> {
  // Refuses the options that are for programs only.
  const w = loadWorkload(file, { target: o.target, model: o.model, maxSteps: o.maxSteps, defines: o.define === undefined ? undefined : parseDefines(o.define) });
  const t = w.litmus!;
  const model = w.model;
  const paramsFor = w.paramsFor;
  const laid = await layoutMachine(t.program, paramsFor, { layout: o.layout, workers: o.workers, heapMb: o.workerMemory });
  const m = laid.machine;
  let r;
  try {
    r = runTrial(m, o.seed, paramsFor);
  } finally {
    await laid.close();
  }
  const state = r.verdict === 'ok' ? finalState(t, m, locationNames(t)) : undefined;
  io.out(o.json ? litmusTrialJson(t.name, model, o.seed, r, state) : litmusTrialText(t.name, model, o.seed, r, state));
  return r.verdict === 'ok' ? 0 : 1;
}

async function runProgram(io: Io, spec: string, o: RunOptions): Promise<number> {
  const w = loadWorkload(spec, { target: o.target, model: o.model, maxSteps: o.maxSteps, defines: parseDefines(o.define) });
  const { r } = await layoutTrial({ layout: o.layout, workers: o.workers, heapMb: o.workerMemory })(w, o.seed);
  io.out(o.json ? programTrialJson(w, o.seed, r) : programTrialText(w, o.seed, r));
  return r.verdict === 'ok' ? 0 : 1;
}

export const runCommand = defineCommand({
  name: 'run',
  description: 'run one trial and print its verdict (final state for litmus tests) and traceHash',
  argument: ['<program|file>', 'a program name (see `hangar list`), an assembly file or a .litmus file'],
  options: OPTIONS,
  run: (io, file: string, o) => {
    checkLayoutOptions(o);
    return file.endsWith('.litmus') ? runLitmusTest(io, resolve(file), o) : runProgram(io, file, o);
  },
});
