// The machine: a program's cores, the shared message log, and the epoch scheduler that drives
// them (emu/README.md §Scheduler). One epoch:
//   1. run phase: each running core executes a seeded budget of instructions against the log
//      as it was at the start of the epoch plus its own buffered writes, or spends the epoch
//      attempting a promise; it stops early at instructions that need the whole machine
//      (store-exclusive, atomics, system calls) and at reads that must see this epoch's writes;
//   2. commit: the cores' buffered writes are merged into the log in a seeded interleaving
//      that keeps each core's order, the cores' views are remapped to the final timestamps,
//      then the stopped instructions (boundary ops) run one at a time in a seeded order.
// Every random choice comes from a stream keyed by (seed, attempt, core, epoch, purpose), so
// the run phase of a core is a pure function of its state, the frozen log and its streams:
// running cores one after another or in parallel workers gives the same trace.
import { MAX_CORE_LOCATIONS, MAX_CORES, type Program } from '../../isa/program.ts';
import * as cs from '../core/core-state.ts';
import { CoreState } from '../core/core-state.ts';
import { Executor } from '../core/executor.ts';
import { Mode, Step } from '../core/phase.ts';
import { PromiseMaker } from '../core/promises.ts';
import { heapAlloc, type Alloc } from '../memory/alloc.ts';
import { MessageLog } from '../memory/message-log.ts';
import { WriteBuffer } from '../memory/write-buffer.ts';
import { MAX_BUDGET, type TrialParams } from '../model/params.ts';
import { below, Purpose, Stream } from '../model/prng.ts';
import { HangDetector } from './hang-detector.ts';
import { Kernel, type KernelHost } from './kernel.ts';
import { Pruner } from './pruning.ts';
import { Boundary, runCorePhase } from './run-phase.ts';
import { TraceState } from './trace-hash.ts';

const { S, Status, TIMESTAMP_SLOTS, XCL_LANE_SLOTS } = cs; // local aliases: see emu/core/access.ts

export type Verdict = 'ok' | 'hang' | 'budget' | 'error' | 'abort';

/** Instructions a litmus trial runs before spins are proven from what cores can read. */
const SPIN_PROOF_STEPS = 256;

/**
 * Runs the run phase of every running core for one epoch, leaving each core's request in
 * machine.boundary. The inline driver runs them here; emu/threads runs them in workers.
 */
export interface RunPhaseDriver {
  runPhase(m: Machine, n0: number, e: number): void;
  /** The message of a core whose run phase reported Boundary.ERROR. */
  errorOf(m: Machine, core: number): string;
}

export const inlineDriver: RunPhaseDriver = {
  runPhase(m, n0, e) {
    for (let c = 0; c < m.cores.length; c++) {
      m.boundary[c] = runCorePhase(m.exec, m.cores[c], m.bufs[c], m.params, m.seed, m.attempt, e, n0);
    }
  },
  errorOf(m) {
    return m.exec.error;
  },
};

export interface MachineOptions {
  alloc?: Alloc;
  driver?: RunPhaseDriver;
}

export interface RunOutcome {
  verdict: Verdict;
  error?: string;
  epochs: number;
  steps: number;
}

export class Machine implements KernelHost {
  readonly program: Program;
  readonly log: MessageLog;
  readonly cores: CoreState[];
  readonly kernel: Kernel;
  readonly exec: Executor;
  readonly hang: HangDetector;
  params: TrialParams;
  seed = 0;
  attempt = 0;
  epoch = 0;
  driver: RunPhaseDriver;
  readonly bufs: WriteBuffer[];
  /** Per core: what it asks of this epoch's commit (run-phase.ts Boundary). */
  readonly boundary: Int32Array;
  private readonly boundaryBuf = new WriteBuffer(8);
  /** Drops unreadable messages in long runs (off while tracing: the trace reads the log). */
  readonly pruner = new Pruner();
  private readonly promises: PromiseMaker;
  /** The coordinator's stream (merge, boundary order, boundary ops), re-keyed for each use. */
  private readonly rng = new Stream();
  private readonly order: Int32Array;
  private readonly remaining: Int32Array;
  private readonly cursor: Int32Array;
  private finalTs: Int32Array[];
  private readonly remapped: Int32Array;
  private remapStamp = 0;
  /** Pruning renumbers the kernel's views too (one closure per machine, not one per epoch). */
  private readonly remapKernelViews = (map: (v: number) => number): void => this.kernel.remapViews(map);

  constructor(program: Program, params: TrialParams, opts: MachineOptions = {}) {
    checkLimits(program);
    const alloc = opts.alloc ?? heapAlloc;
    this.driver = opts.driver ?? inlineDriver;
    this.program = program;
    this.params = params;
    this.log = new MessageLog(program.initLo, program.initHi, 1024, alloc);
    const nCores = program.threads.length;
    this.cores = program.threads.map((_, i) => new CoreState(i, this.log.locations, alloc(CoreState.words(this.log.locations))));
    this.bufs = program.threads.map(() => new WriteBuffer(2 * MAX_BUDGET + 4, alloc));
    this.finalTs = program.threads.map(() => new Int32Array(64));
    this.kernel = new Kernel(this);
    this.exec = new Executor(program.code, this.log, params, this.kernel);
    this.exec.validLanes = program.validLanes ?? null;
    this.hang = new HangDetector(this.cores, this.log);
    this.promises = new PromiseMaker(this.log.locations);
    this.boundary = alloc(nCores);
    this.order = new Int32Array(nCores);
    this.remaining = new Int32Array(nCores);
    this.cursor = new Int32Array(nCores);
    this.remapped = new Int32Array(this.log.locations);
  }

  reset(seed: number, attempt: number, params: TrialParams): void {
    this.seed = seed;
    this.attempt = attempt;
    this.params = params;
    this.exec.params = params;
    this.epoch = 0;
    this.log.reset();
    this.kernel.reset();
    this.hang.reset();
    this.pruner.reset();
    // A trial that ended mid-epoch (abort, error) leaves buffered writes behind.
    for (const b of this.bufs) b.clear();
    this.boundaryBuf.clear();
    for (let i = 0; i < this.cores.length; i++) {
      const t = this.program.threads[i];
      this.cores[i].reset(t.entry, t.initRegs);
    }
  }

  /** Runs epochs until every core is done, a verdict is reached, or the step budget runs out. */
  run(): RunOutcome {
    const cores = this.cores;
    const exec = this.exec;
    const p = this.params;
    for (;;) {
      const e = ++this.epoch;
      const n0 = this.log.length;
      // ---- run phase (each core independently) ----
      this.driver.runPhase(this, n0, e);
      for (let c = 0; c < cores.length; c++) {
        const b = this.boundary[c];
        if (b === Boundary.ABORT) return this.finish(Step.ABORT);
        if (b === Boundary.ERROR) {
          this.exec.error = this.driver.errorOf(this, c);
          this.exec.errorCore = c;
          this.exec.errorPc = cores[c].s[S.PC]; // a failing instruction does not advance the pc
          return this.finish(Step.ERROR);
        }
      }
      // ---- commit ----
      const merged = this.merge(n0, e);
      if (merged !== Step.OK) return this.finish(merged);
      const r = this.boundaryOps(e);
      if (r !== Step.OK) return this.finish(r);
      // Litmus spin proofs start once a trial has run far longer than a loop-free test does.
      this.hang.endEpoch(e, this.kernel.changes, p.fairnessEpochs, p.readableSpins && this.steps >= SPIN_PROOF_STEPS);
      const observer = exec.observer;
      if (observer === null || !observer.keepsLog) {
        if (this.pruner.maybePrune(this.log, cores, e, p.fairnessEpochs, this.remapKernelViews)) observer?.renumbered();
      }
      let live = 0;
      for (let c = 0; c < cores.length; c++) {
        const s = cores[c].s[S.STATUS];
        if (s === Status.RUNNING || s === Status.BLOCKED) live++;
      }
      if (live === 0) {
        for (const core of cores) if (core.s[S.N_PROM] !== 0) return this.finish(Step.ABORT);
        return { verdict: 'ok', epochs: e, steps: this.steps };
      }
      if (this.hang.isHung()) return { verdict: 'hang', epochs: e, steps: this.steps };
      if (this.steps >= p.maxSteps || e >= p.maxSteps) return { verdict: 'budget', epochs: e, steps: this.steps };
    }
  }

  private finish(r: Step): RunOutcome {
    if (r === Step.ABORT) return { verdict: 'abort', epochs: this.epoch, steps: this.steps };
    const ex = this.exec;
    const src = this.program.src;
    const pc = ex.errorPc;
    const where = pc >= 0 && pc < src.text.length ? `${src.files[src.file[pc]]}:${src.line[pc]}:${src.col[pc]}: ` : '';
    const core = ex.errorCore >= 0 ? `core ${ex.errorCore}` : 'machine';
    const text = pc >= 0 && pc < src.text.length ? ` (at '${src.text[pc]}')` : '';
    return { verdict: 'error', error: `${where}${core}: ${ex.error}${text}`, epochs: this.epoch, steps: this.steps };
  }

  /** Total instructions executed by all cores. */
  get steps(): number {
    let n = 0;
    for (let c = 0; c < this.cores.length; c++) n += this.cores[c].s[S.STEPS];
    return n;
  }

  /** Appends the cores' buffered writes in a seeded interleaving and remaps their views. */
  private merge(n0: number, e: number): Step {
    const cores = this.cores;
    let total = 0;
    for (let c = 0; c < cores.length; c++) {
      const len = this.bufs[c].length;
      this.remaining[c] = len;
      this.cursor[c] = 0;
      total += len;
      if (this.finalTs[c].length < len) this.finalTs[c] = new Int32Array(len * 2);
    }
    if (total === 0) return Step.OK;
    // With one writer the interleaving is that core's order whatever the draws, and nothing
    // else reads the merge stream (the boundary ops re-key it): draw nothing.
    let writers = 0;
    for (let c = 0; c < cores.length; c++) if (this.remaining[c] !== 0) writers++;
    const rng = writers > 1 ? this.rng.reset(this.seed, this.attempt, -1, e, Purpose.MERGE) : null;
    const log = this.log;
    for (let left = total; left > 0; left--) {
      // Weighted by what is left: every interleaving that keeps each core's order is possible.
      let x = rng !== null ? below(rng, left) : 0;
      let c = 0;
      while (x >= this.remaining[c]) x -= this.remaining[c++];
      const buf = this.bufs[c];
      const i = this.cursor[c]++;
      this.remaining[c]--;
      const loc = buf.loc[i];
      const t = log.append(loc, buf.mask[i], buf.lo[i], buf.hi[i], c, e, 0, buf.pc[i]);
      this.finalTs[c][i] = t;
      this.hang.wrote(loc, t, e);
    }
    for (let c = 0; c < cores.length; c++) {
      if (this.bufs[c].length !== 0) this.remap(cores[c], this.bufs[c], n0, this.finalTs[c]);
      this.bufs[c].clear();
    }
    return Step.OK;
  }

  /**
   * Replaces the provisional timestamps (above n0) in core c's state with final ones. A run
   * phase puts provisional timestamps only in the timestamp slots (TIMESTAMP_SLOTS: a slot that
   * never holds one maps to itself) and in coh and fwdTs of the granules it wrote (of their
   * lanes when split): register views and the other forward-bank columns come from reads, whose
   * pre view never passes n0.
   */
  private remap(core: CoreState, buf: WriteBuffer, n0: number, fin: Int32Array): void {
    const st = core.s;
    for (let k = 0; k < TIMESTAMP_SLOTS.length; k++) {
      const v = st[TIMESTAMP_SLOTS[k]];
      if (v > n0) st[TIMESTAMP_SLOTS[k]] = fin[v - n0 - 1];
    }
    if (st[S.XCL_LANES] !== 0) {
      for (let k = 0; k < XCL_LANE_SLOTS.length; k++) {
        const v = st[XCL_LANE_SLOTS[k]];
        if (v > n0) st[XCL_LANE_SLOTS[k]] = fin[v - n0 - 1];
      }
    }
    // A location written twice must be remapped once: a final timestamp can exceed n0 too.
    const stamp = ++this.remapStamp;
    for (let i = 0; i < buf.length; i++) {
      const loc = buf.loc[i];
      if (this.remapped[loc] === stamp) continue;
      this.remapped[loc] = stamp;
      if (core.coh[loc] > n0) core.coh[loc] = fin[core.coh[loc] - n0 - 1];
      if (core.fwdTs[loc] > n0) core.fwdTs[loc] = fin[core.fwdTs[loc] - n0 - 1];
      const sp = core.split[loc];
      if (sp !== 0) {
        const L = core.lanes;
        for (let k = 0; k < 8; k++) {
          const b = (sp - 1) * cs.SLOT_WORDS + 1 + k * cs.LANE_WORDS;
          if (L[b + cs.L_COH] > n0) L[b + cs.L_COH] = fin[L[b + cs.L_COH] - n0 - 1];
          if (L[b + cs.L_FWD_TS] > n0) L[b + cs.L_FWD_TS] = fin[L[b + cs.L_FWD_TS] - n0 - 1];
        }
      }
    }
  }

  /** Executes the stopped instructions and promise attempts, one at a time in a seeded order. */
  private boundaryOps(e: number): Step {
    const cores = this.cores;
    let k = 0;
    for (let c = 0; c < cores.length; c++) if (this.boundary[c] !== Boundary.NONE) this.order[k++] = c;
    if (k === 0) return Step.OK;
    // One op: no order to draw, and the stream is re-keyed for the op below.
    const rng = k > 1 ? this.rng.reset(this.seed, this.attempt, -1, e, Purpose.BOUNDARY_ORDER) : this.rng;
    for (let i = k - 1; i > 0; i--) {
      const j = below(rng, i + 1);
      const t = this.order[i];
      this.order[i] = this.order[j];
      this.order[j] = t;
    }
    const exec = this.exec;
    for (let i = 0; i < k; i++) {
      const c = this.order[i];
      const core = cores[c];
      // The order is drawn: the same stream now feeds this op (keyed by its core).
      const r = rng.reset(this.seed, this.attempt, c, e, Purpose.BOUNDARY);
      if (this.boundary[c] === Boundary.PROMISE) {
        const before = this.log.length;
        this.promises.attempt(exec, core, r, this.params.lookahead, e);
        // A promised write is a message like any other: the hang detector sees it (a new value
        // ends a quiet period).
        for (let t = before + 1; t <= this.log.length; t++) this.hang.wrote(this.log.loc[t], t, e);
        continue;
      }
      exec.begin(Mode.BOUNDARY, this.log.length, e, this.boundaryBuf, r);
      const res = exec.step(core);
      // The buffer's provisional timestamps n+1.. are final: append in order.
      const buf = this.boundaryBuf;
      for (let j = 0; j < buf.length; j++) {
        const t = this.log.append(buf.loc[j], buf.mask[j], buf.lo[j], buf.hi[j], c, e, 0, buf.pc[j]);
        this.hang.wrote(buf.loc[j], t, e);
      }
      buf.clear();
      if (res === Step.ABORT || res === Step.ERROR) return res;
    }
    return Step.OK;
  }

  /** A kernel write (kernel.ts) was appended: the hang detector sees every append. */
  wrote(loc: number, t: number): void {
    this.hang.wrote(loc, t, this.epoch);
  }

  /** Newest value of every byte of granule loc (the final memory), lane by lane. */
  finalWord(loc: number): [number, number] {
    return this.log.newestBytes(loc);
  }

  /** What the trial's traceHash covers, copied out of the machine (trace-hash.ts). */
  traceState(verdict: Verdict): TraceState {
    return new TraceState(this.log, this.attempt, this.epoch, this.cores, verdict);
  }

  /** A stable hash of everything the trial did: every message appended, in order (rolling,
   * so it survives pruning), each core's final registers and state, the verdict. */
  traceHash(verdict: Verdict): string {
    return this.traceState(verdict).hash();
  }
}

/** The one core limit and the state budget, whatever made the program (the front ends report
 * them at the source; this catches a Program built by hand). */
function checkLimits(p: Program): void {
  const cores = p.threads.length;
  if (cores < 1 || cores > MAX_CORES) throw new RangeError(`${p.name}: ${cores} cores; a program has 1 to ${MAX_CORES}`);
  if (cores * p.initLo.length > MAX_CORE_LOCATIONS) {
    throw new RangeError(`${p.name}: ${cores} cores × ${p.initLo.length} memory words exceed the ${MAX_CORE_LOCATIONS} the machine allows`);
  }
}
