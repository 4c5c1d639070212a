// A core worker: runs the run phase of its emulated cores, epoch after epoch, on the machine's
// shared buffers. It is told its machine once (comlink `configure`), then each epoch it waits
// for the coordinator's GO, reads the epoch's arguments from the control array, calls
// runCorePhase for each of its cores, writes each core's Boundary into machine.boundary and
// reports done. Parameters, log columns after growth and error texts travel on a second
// MessagePort read synchronously (receiveMessageOnPort), so no per-epoch message is needed.
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { CoreState } from '../core/core-state.ts';
import { Executor, type KernelCalls } from '../core/executor.ts';
import { MessageLog } from '../memory/message-log.ts';
import type { TrialParams } from '../model/params.ts';
import { Boundary, runCorePhase } from '../machine/run-phase.ts';
import { heapAlloc } from '../memory/alloc.ts';
import { WriteBuffer } from '../memory/write-buffer.ts';
import { serve } from './comlink.ts';
import { Cmd, Ctl, Spin, waitChange, type Fault } from './control.ts';

/** What the coordinator posts on the sync port. */
export type SyncMessage =
  | { kind: 'params'; gen: number; params: TrialParams }
  | { kind: 'log'; gen: number; cols: Int32Array[]; capacity: number };

/** What a worker posts back: the text of a Boundary.ERROR. */
export interface ErrorMessage {
  core: number;
  epoch: number;
  message: string;
}

export interface CoreSetup {
  id: number;
  state: Int32Array;
  buf: Int32Array[];
}

export interface WorkerConfig {
  code: Int32Array;
  /** Program.validLanes (litmus variables' bounds), or null. */
  validLanes: Int32Array | null;
  locations: number;
  log: { cols: Int32Array[]; capacity: number; gen: number };
  cores: CoreSetup[];
  boundary: Int32Array;
  /** Longest spin before sleeping, µs (long only when every spinning thread has a host core). */
  spinUs: number;
  fault?: Fault;
}

const { w, ctl, control, sync } = workerData as { w: number; ctl: Int32Array; control: MessagePort; sync: MessagePort };

// System calls are boundary ops, run by the coordinator: the run phase never calls the kernel.
const noKernel: KernelCalls = {
  call() {
    throw new Error('system call in a run phase (it must stop at the boundary)');
  },
};

interface Slot {
  core: CoreState;
  buf: WriteBuffer;
  /** The buffer's location column as configured: a run-phase buffer must never grow. */
  loc: Int32Array;
}

let exec: Executor | undefined;
let log: MessageLog | undefined;
let slots: Slot[] = [];
let boundary: Int32Array = new Int32Array(0);
let params: TrialParams | undefined;
let paramsGen = -1;
let logGen = -1;
let spin = new Spin(0);
let fault: Fault | undefined;
let serving = false;
/** The last GO value acted on. */
let seen = 0;

const api = {
  configure(cfg: WorkerConfig): void {
    log = MessageLog.view(cfg.log.cols, cfg.log.capacity);
    logGen = cfg.log.gen;
    params = undefined;
    paramsGen = -1;
    slots = cfg.cores.map((c) => {
      const buf = new WriteBuffer(0, heapAlloc, c.buf);
      return { core: new CoreState(c.id, cfg.locations, c.state), buf, loc: buf.loc };
    });
    boundary = cfg.boundary;
    spin = new Spin(cfg.spinUs);
    fault = cfg.fault;
    // The executor's params are replaced before the first epoch (see applySync).
    exec = new Executor(cfg.code, log, undefined as unknown as TrialParams, noKernel);
    exec.validLanes = cfg.validLanes;
    // Messages of an earlier machine, if any, are stale.
    while (receiveMessageOnPort(sync) !== undefined);
    // The coordinator bumps GO for this machine's first epoch only after configure returns.
    seen = Atomics.load(ctl, Ctl.GO);
    // Start the loop after comlink has sent this call's reply.
    if (slots.length > 0 && !serving) {
      serving = true;
      setImmediate(() => void serveEpochs());
    }
  },
  ping(): number {
    return w;
  },
};

/** Picks up parameters and log columns the coordinator posted for this epoch. */
function applySync(): void {
  for (let tries = 0; ctl[Ctl.PARAMS_GEN] !== paramsGen || ctl[Ctl.LOG_GEN] !== logGen; tries++) {
    const m = receiveMessageOnPort(sync);
    if (m === undefined) {
      // Posted before GO, so it is queued already; a miss would be an engine bug, not a race.
      if (tries > 1000) throw new Error(`worker ${w}: parameters or log columns of this epoch never arrived`);
      continue;
    }
    const msg = m.message as SyncMessage;
    if (msg.kind === 'params') {
      params = msg.params;
      paramsGen = msg.gen;
      exec!.params = params;
    } else {
      log!.adopt(msg.cols, msg.capacity);
      logGen = msg.gen;
    }
  }
}

function injectFault(f: Fault): void {
  if (f.kind === 'throw') throw new Error(`injected fault in epoch ${f.epoch}`);
  if (f.kind === 'exit') process.exit(3);
  if (f.kind === 'stall') for (;;);
  const hoard: number[][] = [];
  for (;;) hoard.push(new Array(1 << 16).fill(hoard.length + 0.5));
}

function runEpoch(seq: number): void {
  const e = ctl[Ctl.EPOCH];
  const n0 = ctl[Ctl.N0];
  const seed = ctl[Ctl.SEED_HI] * 4294967296 + (ctl[Ctl.SEED_LO] >>> 0);
  const attempt = ctl[Ctl.ATTEMPT];
  let sync0: unknown;
  try {
    applySync();
  } catch (err) {
    sync0 = err;
  }
  for (const s of slots) {
    const c = s.core.id;
    let b: Boundary;
    try {
      if (sync0 !== undefined) throw sync0;
      if (fault !== undefined && fault.core === c && fault.epoch === e) injectFault(fault);
      b = runCorePhase(exec!, s.core, s.buf, params!, seed, attempt, e, n0);
      if (b === Boundary.ERROR) sync.postMessage({ core: c, epoch: e, message: exec!.error } satisfies ErrorMessage);
      if (s.buf.loc !== s.loc) throw new Error('the run-phase write buffer outgrew its shared columns');
    } catch (err) {
      b = Boundary.ERROR;
      const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      sync.postMessage({ core: c, epoch: e, message: `its worker thread (worker ${w}) threw in the run phase: ${what}` } satisfies ErrorMessage);
    }
    boundary[c] = b;
  }
  Atomics.store(ctl, Ctl.DONE_BASE + w, seq);
  if (Atomics.sub(ctl, Ctl.PENDING, 1) === 1 && Atomics.load(ctl, Ctl.COORD_WAITING) !== 0) Atomics.notify(ctl, Ctl.PENDING);
}

// Atomics.waitAsync (ES2024; in Node since 16) is missing from the ES2022 lib the project uses.
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> | string };
}).waitAsync;

/** How long a worker sleeps synchronously on GO before yielding to control messages. */
const HOT_MS = 20;

/**
 * The epoch loop. While epochs keep coming it never leaves this function (spin, then sleep on
 * GO); after HOT_MS without one, or on PARK, it waits asynchronously so comlink calls get in.
 */
async function serveEpochs(): Promise<void> {
  while (slots.length > 0) {
    for (;;) {
      const v = waitChange(ctl, Ctl.GO, seen, spin, HOT_MS, Ctl.WAITERS);
      if (v === seen) break;
      seen = v;
      if (ctl[Ctl.CMD] === Cmd.PARK) break;
      runEpoch(v);
    }
    if (Atomics.load(ctl, Ctl.GO) === seen) {
      Atomics.add(ctl, Ctl.WAITERS, 1);
      const r = waitAsync(ctl, Ctl.GO, seen);
      if (r.async) await r.value;
      Atomics.sub(ctl, Ctl.WAITERS, 1);
    }
  }
  serving = false;
}

export type CoreWorkerApi = typeof api;

serve(api, control);
