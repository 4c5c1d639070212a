// The QEMU programs hangar hunts hangs in, and the targets each one is assembled for: data,
// read by the commands (campaign/workload.ts assembles a program for a target).
//
// A program is a version file (programs/<primitive>/<version>.s: the story of that QEMU version
// and the switches where QEMU changed) over its primitive's programs/<primitive>/common.s,
// written once against the macro library in programs/lib/; a target picks, through
// `.if TARGET_*`, which instructions each QEMU atomic becomes and which memory model runs them
// (programs/README.md). `expected` is the verdict a fixed-seed campaign should reach: 'hang' =
// a hang is found within 10 000 trials, 'none' = no hang in at least 10 000 trials.
import { fileURLToPath } from 'node:url';

export type TargetName = 'armv8-llsc' | 'armv8-lse' | 'x86-tso';
export type Expectation = 'hang' | 'none';

export interface Target {
  name: TargetName;
  /** The memory model the engine runs the program under, by its name in emu/model (MODELS);
   * campaign/workload.ts checks at compile time that it is one. */
  model: 'armv8' | 'tso';
  /** Passed to the assembler: exactly one of the three is 1. */
  defines: Readonly<Record<'TARGET_LLSC' | 'TARGET_LSE' | 'TARGET_X86', number>>;
  description: string;
}

export const TARGETS: readonly Target[] = [
  {
    name: 'armv8-llsc',
    model: 'armv8',
    defines: { TARGET_LLSC: 1, TARGET_LSE: 0, TARGET_X86: 0 },
    description: 'AArch64 without LSE: seq-cst RMWs are LDAXR/STLXR loops, smp_mb is DMB ISH',
  },
  {
    name: 'armv8-lse',
    model: 'armv8',
    defines: { TARGET_LLSC: 0, TARGET_LSE: 1, TARGET_X86: 0 },
    description: 'AArch64 with LSE: seq-cst RMWs are SWPAL/CASAL/LD<op>AL with a real destination',
  },
  {
    name: 'x86-tso',
    model: 'tso',
    defines: { TARGET_LLSC: 0, TARGET_LSE: 0, TARGET_X86: 1 },
    description: "x86-TSO: RMWs are LOCK'd (AL atomics), smp_mb is MFENCE, other fences are empty",
  },
];

export interface ProgramEntry {
  /** '<primitive>/<version>', the file's path under programs/ without '.s'. */
  name: string;
  /** Absolute path of the source file. */
  file: string;
  /** Number of emulated cores (the file's `.cores`). */
  cores: number;
  description: string;
  /** What a `hang` verdict means for this program. */
  hangMeaning: string;
  expected: Readonly<Record<TargetName, Expectation>>;
}

const HANG_EVERYWHERE = { 'armv8-llsc': 'hang', 'armv8-lse': 'hang', 'x86-tso': 'hang' } as const;
const HANG_ON_LLSC = { 'armv8-llsc': 'hang', 'armv8-lse': 'none', 'x86-tso': 'none' } as const;
const NO_HANG = { 'armv8-llsc': 'none', 'armv8-lse': 'none', 'x86-tso': 'none' } as const;

/** This folder, where the programs' sources are: also when this module runs from the build
 * (dist/programs/catalog.js, bin/build.mjs), which holds modules only. */
const PROGRAMS_DIR = new URL(import.meta.url.endsWith('.ts') ? './' : '../../programs/', import.meta.url);

function entry(name: string, cores: number, expected: ProgramEntry['expected'], description: string, hangMeaning: string): ProgramEntry {
  const file = fileURLToPath(new URL(`./${name}.s`, PROGRAMS_DIR));
  return { name, file, cores, description, hangMeaning, expected };
}

const QEMU_EVENT_HANG =
  'the waiter sleeps in FUTEX_WAIT on an EV_BUSY event although the setter already published the round and returned from qemu_event_set';
const AIO_NOTIFY_HANG =
  'the event loop sleeps in ppoll with the bottom half scheduled, and the producer read notify_me == 0 so it never wrote the event notifier';
const AIO_WAIT_HANG =
  'the main thread sleeps in aio_poll (ppoll) inside AIO_WAIT_WHILE although the condition is already false, and the kicker read num_waiters == 0 so it never kicked';
const BH_HANG =
  'the event loop sleeps with a scheduled bottom half queued and nobody notifies it, or a bottom half never delivers its producer\'s round';

export const PROGRAMS: readonly ProgramEntry[] = [
  entry('qemu-event/v7.2', 2, HANG_ON_LLSC,
    'QemuEvent set/reset/wait of QEMU 7.2: no barrier after reset\'s qatomic_or, so the waiter\'s condition check can pass the LDAXR/STLXR store',
    QEMU_EVENT_HANG),
  entry('qemu-event/v8.0', 2, NO_HANG,
    'QemuEvent of QEMU 8.0: smp_mb__after_rmw after reset\'s (now unconditional) qatomic_or and after set\'s xchg; wait uses a load-acquire',
    QEMU_EVENT_HANG),
  entry('aio-notify/pre-2020', 2, HANG_ON_LLSC,
    'AioContext notify_me protocol before "async: use explicit memory barriers" (QEMU 5.0-rc): the glib prepare path announces itself with atomic_or, a seq-cst RMW assumed to be a full barrier',
    AIO_NOTIFY_HANG),
  entry('aio-notify/post-2020', 2, NO_HANG,
    'notify_me protocol after "async: use explicit memory barriers" (QEMU 5.0): single-writer relaxed update of notify_me followed by smp_mb',
    AIO_NOTIFY_HANG),
  entry('aio-notify/pre-2020-aio-poll', 2, NO_HANG,
    'control: aio_poll of the same pre-2020 version, where qemu_lockcnt_inc\'s cmpxchg (LDAXR after the STLXR) happens to order atomic_add(notify_me) before the BH check',
    AIO_NOTIFY_HANG),
  entry('aio-wait-kick/pre-2022', 2, HANG_EVERYWHERE,
    'AIO_WAIT_WHILE / aio_wait_kick before "aio_wait_kick: add missing memory barrier": no barrier on either side, so even x86 can reorder the kicker\'s condition store and num_waiters load',
    AIO_WAIT_HANG),
  entry('aio-wait-kick/2022', 2, NO_HANG,
    'AIO_WAIT_WHILE / aio_wait_kick of QEMU 7.1-7.2: smp_mb after the waiter\'s qatomic_inc and before the kicker\'s num_waiters read',
    AIO_WAIT_HANG),
  entry('aio-wait-kick/2023', 2, NO_HANG,
    'AIO_WAIT_WHILE / aio_wait_kick of QEMU 8.0: the waiter\'s smp_mb becomes smp_mb__after_rmw (DMB on ARM, nothing on x86)',
    AIO_WAIT_HANG),
  entry('bh-enqueue/v7.2', 3, NO_HANG,
    'control: bottom-half enqueue (fetch_or, lock-free push, aio_notify) and aio_poll/aio_bh_poll dequeue (xchg, fetch_and) of QEMU 7.2, two producers',
    BH_HANG),
  entry('bh-enqueue/v1-patch', 3, NO_HANG,
    'control: bh-enqueue/v7.2 plus the smp_mb__after_rmw after fetch_or and fetch_and proposed in v1 of the 2023 series (dropped in v2)',
    BH_HANG),
  entry('qspinlock/correct', 2, NO_HANG,
    'a queued spinlock in the shape of Linux\'s qspinlock: 32-bit CAS fast path, 16-bit tail exchange and byte store of the locked byte in the MCS slow path, store-release of the locked byte to unlock, all on one lock word; its harness checks mutual exclusion (programs/qspinlock/README.md)',
    'a core spins forever in the slow path waiting for the lock word, its MCS node or its successor'),
];

export function findProgram(name: string): ProgramEntry | undefined {
  return PROGRAMS.find((p) => p.name === name);
}

export function findTarget(name: string): Target | undefined {
  return TARGETS.find((t) => t.name === name);
}
