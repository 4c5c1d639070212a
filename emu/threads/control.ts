// The data plane of the threads layout: one shared Int32Array through which the coordinator
// starts an epoch's run phase in every worker and learns when all of them are done. Nothing
// else crosses threads per epoch (emu/README.md §Worker layout).
//
// Waiting follows shared/design/platform-notes.md: spin on Atomics.load only when every
// spinning thread has a host core of its own, then sleep in Atomics.wait; notify only when
// someone registered as a waiter.

/** Slots of the control array. */
export const enum Ctl {
  /** Bumped by the coordinator to start a command; workers wait for it to change. */
  GO = 0,
  /** What GO asks for (Cmd). */
  CMD,
  /** The run phase's arguments: epoch, frozen log length, trial seed (two halves), attempt. */
  EPOCH,
  N0,
  SEED_LO,
  SEED_HI,
  ATTEMPT,
  /** Generations of the params and log columns last posted on the sync ports. */
  PARAMS_GEN,
  LOG_GEN,
  /** Workers still running this epoch's run phase. */
  PENDING,
  /** 1 while the coordinator sleeps on PENDING (the last worker then notifies). */
  COORD_WAITING,
  /** Workers asleep on GO (the coordinator notifies only if there are any). */
  WAITERS,
  /** Number of workers that died (set by the supervisor, which also notifies PENDING). */
  DEAD_COUNT,
  /** Per worker w: DONE_BASE + w = GO value of its last finished run phase; DEAD_BASE + w = 1 if it died. */
  DONE_BASE = 16,
  DEAD_BASE = DONE_BASE + 64,
  SIZE = DEAD_BASE + 64,
}

export const MAX_WORKERS = 64;

export const enum Cmd {
  /** Run this epoch's run phase for your cores. */
  RUN = 1,
  /** Stop waiting on GO and answer control messages (comlink) until the next command. */
  PARK = 2,
}

/** Spin iterations before sleeping, when spinning pays (~10 µs on the project's machine). */
export const SPIN = 2000;

/**
 * Waits until ctl[slot] !== seen, spinning `spin` times first, then sleeping for at most
 * `timeoutMs` in total. Returns the value it saw last (=== seen on timeout).
 */
export function waitChange(ctl: Int32Array, slot: number, seen: number, spin: number, timeoutMs: number, waiters: number): number {
  for (let i = 0; i < spin; i++) {
    const v = Atomics.load(ctl, slot);
    if (v !== seen) return v;
  }
  Atomics.add(ctl, waiters, 1);
  Atomics.wait(ctl, slot, seen, timeoutMs);
  Atomics.sub(ctl, waiters, 1);
  return Atomics.load(ctl, slot);
}

/** Worker w of n runs cores w, w + n, w + 2n, ... */
export function coresOf(w: number, workers: number, cores: number): number[] {
  const out: number[] = [];
  for (let c = w; c < cores; c += workers) out.push(c);
  return out;
}

/** Whether spinning pays: every thread that may spin (workers + coordinator) has a host core. */
export function spinPays(workers: number, hostCores: number): boolean {
  return workers + 1 <= hostCores;
}

/** A fault to inject in a worker, for tests of failure handling. */
export interface Fault {
  /** throw: an exception in the run phase; exit: process.exit(3); oom: allocate until the heap limit. */
  kind: 'throw' | 'exit' | 'oom';
  core: number;
  epoch: number;
}
