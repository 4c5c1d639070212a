// The data plane of the threads layout: one shared Int32Array through which the coordinator
// starts an epoch's run phase in every worker and learns when all of them are done. Nothing
// else crosses threads per epoch (emu/README.md §Worker layout).
//
// Waiting follows shared/design/platform-notes.md: spin on Atomics.load (long only when every
// thread has a host core of its own, and adaptively: see Spin), then sleep in Atomics.wait;
// notify only when someone registered as a waiter.

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

/** Longest spin before sleeping, when spinning pays: longer than a typical run phase or commit
 * (tens of µs), so a handoff is a cache-line transfer instead of a futex wake-up. */
export const SPIN_US = 200;
/** When threads outnumber host cores: catch short epochs without holding a host core long. */
export const SHORT_SPIN_US = 20;

/**
 * Adaptive spin-then-sleep. A wait spins for `us` microseconds before sleeping. A spin that
 * catches the other side after d µs sets the spin to at least 2d; one that misses halves it;
 * every 64th wait probes with the longest spin, so that a spin too short to ever catch can grow
 * again. On a quiet host the handoffs stay in the spin; when this process effectively gets one
 * host core (a loaded host) the partner cannot run while we spin, spins miss, and the spin
 * shrinks to ~1 µs instead of holding the core the partner needs.
 */
export class Spin {
  us: number;
  private waits = 0;
  constructor(readonly maxUs: number) {
    this.us = maxUs;
  }

  /** Spins until ctl[slot] !== seen (or, with untilZero, until it is 0) or the spin runs out;
   * returns the value seen last. */
  spin(ctl: Int32Array, slot: number, seen: number, untilZero = false): number {
    let v = Atomics.load(ctl, slot);
    if (this.maxUs <= 0 || (untilZero ? v === 0 : v !== seen)) return v;
    const probe = (++this.waits & 63) === 0;
    const t0 = performance.now();
    const until = t0 + (probe ? this.maxUs : this.us) / 1000;
    for (;;) {
      for (let i = 0; i < 64; i++) {
        v = Atomics.load(ctl, slot);
        if (untilZero ? v === 0 : v !== seen) {
          const d = (performance.now() - t0) * 1000;
          if (2 * d > this.us) this.us = Math.min(this.maxUs, 2 * d);
          return v;
        }
      }
      if (performance.now() > until) break;
    }
    if (!probe && this.us > 1) this.us /= 2;
    return v;
  }
}

/**
 * Waits until ctl[slot] !== seen: spins (see Spin), then sleeps for at most `timeoutMs`,
 * registered in ctl[waiters] so that the other side notifies. Returns the value seen last
 * (=== seen on timeout).
 */
export function waitChange(ctl: Int32Array, slot: number, seen: number, spin: Spin, timeoutMs: number, waiters: number): number {
  const v = spin.spin(ctl, slot, seen);
  if (v !== seen) return v;
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
  /** throw: an exception in the run phase; exit: process.exit(3); oom: allocate until the heap
   * limit; stall: loop forever. */
  kind: 'throw' | 'exit' | 'oom' | 'stall';
  core: number;
  epoch: number;
}
