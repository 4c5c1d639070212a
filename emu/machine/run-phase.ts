// One core's run phase in one epoch. It reads only the core's state, the log frozen at n0 and
// streams keyed by (seed, attempt, core, epoch), and writes only the core's state and write
// buffer: the inline layout calls it for each core in turn, a worker calls it for its cores,
// and the result is the same.
import * as cs from '../core/core-state.ts';
import type { CoreState } from '../core/core-state.ts';
import type { Executor } from '../core/executor.ts';
import * as phase from '../core/phase.ts';
import type { WriteBuffer } from '../memory/write-buffer.ts';
import * as params_ from '../model/params.ts';
import type { TrialParams } from '../model/params.ts';
import * as prng from '../model/prng.ts';

// Local aliases of imported bindings (see emu/core/access.ts).
const { S, Status } = cs;
const { Mode, Step } = phase;
const { drawBudget } = params_;
const { chance, Purpose } = prng;

/** What a core asks of the commit phase (stored per core in a shared Int32Array). */
export enum Boundary {
  NONE = 0,
  /** Its next instruction needs the whole machine (store-exclusive, atomic, system call). */
  INSN = 1,
  /** It spends the epoch attempting a promise. */
  PROMISE = 2,
  /** The run phase aborted the trial (unfulfillable promise). */
  ABORT = 3,
  /** The run phase hit an error; the message is in the executor. */
  ERROR = 4,
}

export function runCorePhase(exec: Executor, core: CoreState, buf: WriteBuffer, params: TrialParams, seed: number, attempt: number, e: number, n0: number): Boundary {
  if (core.s[S.STATUS] !== Status.RUNNING) return Boundary.NONE;
  const c = core.id;
  const rb = exec.phaseStream.reset(seed, attempt, c, e, Purpose.BUDGET);
  if (params.pPromise > 0 && chance(rb, params.pPromise)) return Boundary.PROMISE;
  const budget = drawBudget(params, c, rb);
  if (budget === 0) return Boundary.NONE;
  exec.begin(Mode.RUN, n0, e, buf, rb); // the same stream goes on to drive the burst
  const r = exec.run(core, budget);
  switch (r) {
    case Step.STOP: return Boundary.INSN;
    case Step.ABORT: return Boundary.ABORT;
    case Step.ERROR: return Boundary.ERROR;
    default: return Boundary.NONE;
  }
}
