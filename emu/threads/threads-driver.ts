// The threads layout's coordinator side: a RunPhaseDriver that runs each epoch's run phase in
// worker threads over the machine's SharedArrayBuffers (emu/README.md §Worker layout).
//
//   const driver = await ThreadsDriver.start({ workers: 2 });
//   const m = await threadsMachine(program, params, driver);   // Machine on sharedAlloc
//   runTrial(m, seed, paramsFor);                                 // same traceHash as inline
//   await driver.close();
//
// Per epoch: the arguments go into the control array, GO is bumped, every worker runs
// runCorePhase for its cores (core c on worker c % N) and decrements PENDING; the coordinator
// waits for zero. Parameters and log columns (after MessageLog.grow) are posted on each
// worker's sync port before GO only when they changed. A driver is attached to one machine at
// a time and can be re-attached to another (tests reuse one set of workers for many programs).
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import type { Program } from '../../isa/program.ts';
import { sharedAlloc } from '../memory/alloc.ts';
import { Machine, type RunPhaseDriver } from '../machine/machine.ts';
import type { TrialParams } from '../model/params.ts';
import { Boundary } from '../machine/run-phase.ts';
import { connect, type Remote } from './comlink.ts';
import { Cmd, coresOf, Ctl, MAX_WORKERS, SHORT_SPIN_US, Spin, SPIN_US, spinPays, type Fault } from './control.ts';
import type { CoreWorkerApi, ErrorMessage, SyncMessage, WorkerConfig } from './core-worker.ts';

export interface ThreadsOptions {
  /** Worker threads; cores are dealt onto them round-robin (N may be below the core count). */
  workers: number;
  /** Microseconds to spin before sleeping on the control array (default: SPIN_US when
   * workers + 1 ≤ host cores, else SHORT_SPIN_US). */
  spinUs?: number;
  /** Heap limits per worker (a worker that exceeds them ends the run with `error`). */
  resourceLimits?: ResourceLimits;
  /**
   * A run phase is at most MAX_BUDGET instructions per core (or one lookahead), milliseconds
   * of work: a worker silent for this long is stuck (an engine bug), and the run ends with
   * `error` instead of hanging. Default 60 s.
   */
  stallMs?: number;
}

export interface AttachOptions {
  /** Use only the first k workers (default: all); the others stay idle. */
  workers?: number;
  /** Test hook: make the worker of a core fail in a given epoch. */
  fault?: Fault;
}

/**
 * The default worker count for a machine with `cores` emulated cores: one per host core left
 * after the coordinator's, so that every thread can spin on its own host core (with more
 * threads than host cores every handoff is a futex wake-up: see README, Worker layout).
 */
export function defaultWorkers(cores: number): number {
  return Math.max(1, Math.min(cores, availableParallelism() - 1));
}

/** A Machine in the threads layout: its state in SharedArrayBuffers, its run phases in `driver`. */
export async function threadsMachine(program: Program, params: TrialParams, driver: ThreadsDriver, opts?: AttachOptions): Promise<Machine> {
  const m = new Machine(program, params, { alloc: sharedAlloc, driver });
  await driver.attach(m, opts);
  return m;
}

export class ThreadsDriver implements RunPhaseDriver {
  readonly workers: number;
  private readonly ctl: Int32Array;
  private readonly supervisor: Worker;
  private readonly control: MessagePort[];
  private readonly remotes: Remote<CoreWorkerApi>[];
  private readonly sync: MessagePort[];
  private readonly failPort: MessagePort;
  private readonly spinOpt?: number;
  private readonly stallMs: number;
  private spin = new Spin(0);
  private machine?: Machine;
  /** Workers that have cores of the attached machine (the first `active` ones). */
  private active = 0;
  private seq = 0;
  private lastParams?: TrialParams;
  private paramsGen = 0;
  private logGeneration = -1;
  private logGen = 0;
  /** Why the driver can no longer run (a worker died, or it was closed). */
  private failure?: string;
  private readonly dead = new Set<number>();
  private readonly errors = new Map<number, string>();
  private readonly died: Promise<never>;
  private rejectDied!: (e: Error) => void;

  private constructor(opts: ThreadsOptions) {
    const n = opts.workers;
    if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS) throw new RangeError(`workers must be an integer in 1..${MAX_WORKERS}, not ${n}`);
    this.workers = n;
    this.spinOpt = opts.spinUs;
    this.stallMs = opts.stallMs ?? 60_000;
    this.ctl = sharedAlloc(Ctl.SIZE);
    this.died = new Promise<never>((_, reject) => (this.rejectDied = reject));
    this.died.catch(() => {});
    const workerEnds: Array<{ control: MessagePort; sync: MessagePort }> = [];
    this.control = [];
    this.sync = [];
    for (let w = 0; w < n; w++) {
      const c = new MessageChannel();
      const s = new MessageChannel();
      this.control.push(c.port1);
      this.sync.push(s.port1);
      workerEnds.push({ control: c.port2, sync: s.port2 });
    }
    const fail = new MessageChannel();
    this.failPort = fail.port1;
    this.supervisor = new Worker(new URL('./supervisor.mjs', import.meta.url), {
      workerData: {
        ctl: this.ctl,
        slots: { PENDING: Ctl.PENDING, DEAD_COUNT: Ctl.DEAD_COUNT, DEAD_BASE: Ctl.DEAD_BASE },
        workers: workerEnds,
        failPort: fail.port2,
        resourceLimits: opts.resourceLimits,
        entry: new URL('./core-worker.ts', import.meta.url).href,
      },
      transferList: [...workerEnds.flatMap((e) => [e.control, e.sync]), fail.port2],
    });
    this.supervisor.on('message', (m: { kind: string; worker: number; cause: string }) => {
      if (m.kind === 'died') this.fail(`worker ${m.worker} ${m.cause}`);
    });
    this.supervisor.on('error', (e) => this.fail(`the worker supervisor threw ${e.message}`));
    this.supervisor.on('exit', (code) => this.fail(`the worker supervisor exited with code ${code}`));
    // Idle workers must not keep the process alive; control calls ref them while they run.
    this.supervisor.unref();
    this.remotes = this.control.map((p) => connect<CoreWorkerApi>(p));
    for (const p of [...this.control, ...this.sync, this.failPort]) p.unref();
  }

  /** Starts the workers and waits until each has loaded its code. */
  static async start(opts: ThreadsOptions): Promise<ThreadsDriver> {
    const d = new ThreadsDriver(opts);
    try {
      await d.call(() => Promise.all(d.remotes.map((r) => r.ping())));
    } catch (e) {
      await d.close();
      throw e;
    }
    return d;
  }

  private fail(cause: string): void {
    if (this.failure === undefined) this.failure = cause;
    this.rejectDied(new Error(`threads layout: ${cause}`));
  }

  /** Runs a control-plane exchange; rejects instead of waiting forever if a worker dies. */
  private async call<T>(f: () => Promise<T>): Promise<T> {
    if (this.failure !== undefined) throw new Error(`threads layout: ${this.failure}`);
    this.supervisor.ref();
    for (const p of this.control) p.ref();
    try {
      return await Promise.race([f(), this.died]);
    } finally {
      for (const p of this.control) p.unref();
      this.supervisor.unref();
    }
  }

  /** Makes the workers wait for control messages instead of epochs. */
  private park(): void {
    this.ctl[Ctl.CMD] = Cmd.PARK;
    this.go();
  }

  private go(): void {
    this.seq = (this.seq + 1) | 0;
    Atomics.store(this.ctl, Ctl.GO, this.seq);
    if (Atomics.load(this.ctl, Ctl.WAITERS) > 0) Atomics.notify(this.ctl, Ctl.GO);
  }

  /** Hands `m`'s shared buffers to the workers; from now on this driver runs m's run phases. */
  async attach(m: Machine, opts: AttachOptions = {}): Promise<void> {
    const use = opts.workers ?? this.workers;
    if (!Number.isInteger(use) || use < 1 || use > this.workers) throw new RangeError(`attach: workers must be in 1..${this.workers}, not ${use}`);
    if (m.driver !== this) throw new Error('attach: the machine was not built with this driver');
    if (!(m.boundary.buffer instanceof SharedArrayBuffer)) throw new Error('attach: the machine must be built with sharedAlloc');
    this.park();
    this.machine = undefined;
    const n = m.cores.length;
    this.active = Math.min(use, n);
    const spinUs = this.spinOpt ?? (spinPays(this.active, availableParallelism()) ? SPIN_US : SHORT_SPIN_US);
    this.spin = new Spin(spinUs);
    this.logGen++;
    this.logGeneration = m.log.generation;
    this.ctl[Ctl.LOG_GEN] = this.logGen;
    this.lastParams = undefined;
    // Replies to an earlier machine are stale now.
    for (const p of this.sync) while (receiveMessageOnPort(p) !== undefined);
    this.errors.clear();
    const configs = this.remotes.map((_, w): WorkerConfig => ({
      code: m.program.code,
      validLanes: m.program.validLanes ?? null,
      locations: m.log.locations,
      log: { cols: m.log.columns(), capacity: m.log.capacity, gen: this.logGen },
      cores: (w < this.active ? coresOf(w, this.active, n) : []).map((c) => ({ id: c, state: m.cores[c].buffer, buf: m.bufs[c].columns() })),
      boundary: m.boundary,
      spinUs,
      fault: opts.fault,
    }));
    await this.call(() => Promise.all(this.remotes.map((r, w) => r.configure(configs[w]))));
    this.machine = m;
  }

  runPhase(m: Machine, n0: number, e: number): void {
    if (this.failure !== undefined || m !== this.machine) {
      const why = this.failure !== undefined ? `the threads layout cannot run: ${this.failure}` : 'the threads driver is not attached to this machine (call attach)';
      for (let c = 0; c < m.cores.length; c++) {
        m.boundary[c] = Boundary.ERROR;
        this.errors.set(c, why);
      }
      return;
    }
    const ctl = this.ctl;
    if (m.log.generation !== this.logGeneration) {
      // The log grew into new buffers: the workers' views must follow before they read it.
      this.logGeneration = m.log.generation;
      this.post({ kind: 'log', gen: ++this.logGen, cols: m.log.columns(), capacity: m.log.capacity });
      ctl[Ctl.LOG_GEN] = this.logGen;
    }
    if (m.params !== this.lastParams) {
      this.lastParams = m.params;
      this.post({ kind: 'params', gen: ++this.paramsGen, params: m.params });
      ctl[Ctl.PARAMS_GEN] = this.paramsGen;
    }
    ctl[Ctl.CMD] = Cmd.RUN;
    ctl[Ctl.EPOCH] = e;
    ctl[Ctl.N0] = n0;
    ctl[Ctl.SEED_LO] = m.seed >>> 0;
    ctl[Ctl.SEED_HI] = Math.floor(m.seed / 4294967296);
    ctl[Ctl.ATTEMPT] = m.attempt;
    Atomics.store(ctl, Ctl.PENDING, this.active);
    this.go();
    this.awaitWorkers(m);
  }

  private post(msg: SyncMessage): void {
    for (let w = 0; w < this.active; w++) this.sync[w].postMessage(msg);
  }

  /** Waits until every worker finished this epoch, or one died (never forever). */
  private awaitWorkers(m: Machine): void {
    const ctl = this.ctl;
    let since = 0;
    let p = this.spin.spin(ctl, Ctl.PENDING, this.active, true);
    for (;;) {
      if (p === 0) return;
      if (Atomics.load(ctl, Ctl.DEAD_COUNT) !== 0) return this.onDeath(m);
      Atomics.store(ctl, Ctl.COORD_WAITING, 1);
      // The supervisor notifies PENDING when a worker dies; the timeout is only a backstop.
      if (Atomics.wait(ctl, Ctl.PENDING, p, 200) === 'timed-out') {
        if (since === 0) since = performance.now();
        else if (performance.now() - since > this.stallMs) return this.onStall(m);
      }
      Atomics.store(ctl, Ctl.COORD_WAITING, 0);
      p = Atomics.load(ctl, Ctl.PENDING);
    }
  }

  /** A worker never finished its run phase: stop every worker and report its cores. */
  private onStall(m: Machine): void {
    Atomics.store(this.ctl, Ctl.COORD_WAITING, 0);
    const stuck: number[] = [];
    for (let w = 0; w < this.active; w++) if (Atomics.load(this.ctl, Ctl.DONE_BASE + w) !== this.seq) stuck.push(w);
    this.fail(`worker ${stuck.join(', ')} did not finish epoch ${this.ctl[Ctl.EPOCH]} within ${this.stallMs} ms`);
    // Terminating the supervisor ends its core workers; nothing else may touch the buffers.
    this.supervisor.removeAllListeners('exit');
    void this.supervisor.terminate();
    for (const w of stuck) {
      const cores = coresOf(w, this.active, m.cores.length);
      for (const c of cores) {
        m.boundary[c] = Boundary.ERROR;
        this.errors.set(c, `its worker thread (worker ${w}, cores ${cores.join(', ')}) did not finish epoch ${this.ctl[Ctl.EPOCH]} within ${this.stallMs} ms (stopped)`);
      }
    }
  }

  /** A worker died mid-epoch: let the others finish, then report its cores as errors. */
  private onDeath(m: Machine): void {
    const ctl = this.ctl;
    for (let r = receiveMessageOnPort(this.failPort); r !== undefined; r = receiveMessageOnPort(this.failPort)) {
      const { worker, cause } = r.message as { worker: number; cause: string };
      this.dead.add(worker);
      if (this.failure === undefined) this.failure = `worker ${worker} ${cause}`;
      const cores = coresOf(worker, this.active, m.cores.length);
      for (const c of cores) this.errors.set(c, `its worker thread (worker ${worker}, cores ${cores.join(', ')}) ${cause} in epoch ${ctl[Ctl.EPOCH]}`);
    }
    // Live workers may still be writing their cores' state; wait for them (or their death).
    for (let w = 0; w < this.active; w++) {
      while (Atomics.load(ctl, Ctl.DONE_BASE + w) !== this.seq && Atomics.load(ctl, Ctl.DEAD_BASE + w) === 0) {
        Atomics.wait(ctl, Ctl.PENDING, Atomics.load(ctl, Ctl.PENDING), 20);
      }
      if (Atomics.load(ctl, Ctl.DEAD_BASE + w) !== 0 && !this.dead.has(w)) return this.onDeath(m);
    }
    for (const w of this.dead) for (const c of coresOf(w, this.active, m.cores.length)) m.boundary[c] = Boundary.ERROR;
  }

  errorOf(_m: Machine, core: number): string {
    for (const p of this.sync) {
      for (let r = receiveMessageOnPort(p); r !== undefined; r = receiveMessageOnPort(p)) {
        const msg = r.message as ErrorMessage;
        this.errors.set(msg.core, msg.message);
      }
    }
    return this.errors.get(core) ?? 'its run phase failed without a message';
  }

  /** Terminates every worker. The driver cannot run afterwards. */
  async close(): Promise<void> {
    if (this.failure === undefined) this.failure = 'the threads driver was closed';
    this.rejectDied(new Error('threads layout: closed'));
    this.supervisor.removeAllListeners('exit');
    await this.supervisor.terminate();
    for (const p of [...this.control, ...this.sync, this.failPort]) p.close();
  }
}
