// `hangar replay`: one trial with its trace and the explanation of the reorderings it depended
// on (inline: the tracer observes the coordinator's executor; the trace is the untraced one).
import { loadWorkload } from '../../campaign/workload.ts';
import { replay } from '../../emu/observe/replay.ts';
import { defineCommand } from '../command.ts';
import { DEFINE, described, JSON_OUT, MAX_STEPS, MODEL, parseDefines, required, SEED, TARGET, TRACE, withDefault } from '../options.ts';
import { replayJson, replayText } from '../reporters/replay-report.ts';

export const replayCommand = defineCommand({
  name: 'replay',
  description: 'run one trial with its trace and an explanation of the reorderings it depended on',
  argument: ['<program|file>', 'a program name or an assembly file'],
  options: {
    target: described(TARGET, 'armv8-llsc (the default), armv8-lse or x86-tso'),
    model: described(MODEL, 'memory model (default: the target\'s; as given to run)'),
    seed: required(SEED, 'the seed to replay'),
    trace: withDefault(TRACE, 60),
    maxSteps: MAX_STEPS,
    define: described(DEFINE, 'assembler symbols (as given to run)'),
    json: JSON_OUT,
  },
  run(io, spec: string, o) {
    const w = loadWorkload(spec, { target: o.target, model: o.model, maxSteps: o.maxSteps, defines: parseDefines(o.define) });
    const rp = replay(w.program, w.paramsFor, o.seed);
    io.out(o.json ? replayJson(w, o.seed, rp) : replayText(w, o.seed, rp, o.trace));
    return 0;
  },
});
