// System calls (SVC #0, Linux AArch64 ABI: x8 = number, x0.. = arguments, result in x0).
// Each call is one step of the whole machine, executed by the coordinator between epochs
// (a boundary op), so the kernel never races with itself and its choices are seeded.
//
// Emulated code reaches no host resource: the calls below act on emulated state only, and any
// other number is an `error` verdict.
//
// Arguments are read at the width of their C type in the Linux prototype
// (include/linux/syscalls.h): a pointer or a size_t in full 64 bits (an address with any bit
// above 31 set is outside emulated memory), an int in its low 32 bits, as the kernel's syscall
// wrappers truncate them (AAPCS64 leaves the upper half of a 32-bit argument unspecified). The
// call number is checked in full: Linux arm64 truncates x8 to an int (arch/arm64/kernel/
// syscall.c, el0_svc_common), but a number with upper bits set is a bug in the program, so it
// is an `error` rather than a call to whatever its low half names.
//
// futex follows the kernel's documented ordering (futex(2); kernel/futex/waitwake.c): the
// value check and the enqueue are atomic with respect to wakers, and both sides contain full
// barriers. We model that as: full barrier, read the newest value, compare and block, full
// barrier on return; a wake hands the waker's views to the woken core.
import { DATA_BASE } from '../../isa/program.ts';
import { CoreState, fullBarrier, raiseFloors, S, Status } from '../core/core-state.ts';
import type { Executor, KernelCalls } from '../core/executor.ts';
import { Step } from '../core/phase.ts';
import { MSG_KERNEL, type MessageLog } from '../memory/message-log.ts';

/** What the kernel needs of the machine it runs in. */
export interface KernelHost {
  readonly cores: readonly CoreState[];
  readonly log: MessageLog;
  /** The current epoch (kernel writes are stamped with it). */
  readonly epoch: number;
  /** A kernel write was appended to the log (the hang detector sees every append). */
  wrote(loc: number, t: number): void;
}

export const SYS = {
  eventfd2: 19,
  read: 63,
  write: 64,
  ppoll: 73,
  exit: 93,
  exit_group: 94,
  futex: 98,
  sched_yield: 124,
} as const;

export const FUTEX_WAIT = 0;
export const FUTEX_WAKE = 1;
export const FUTEX_PRIVATE_FLAG = 128;
/** eventfd2 flags: only close-on-exec changes nothing hangar models. */
export const EFD_CLOEXEC = 0x80000;
const EAGAIN = 11;
const EINVAL = 22;
const EBADF = 9;

/** What a blocked core waits for (CoreState S.WAIT_KIND). */
export enum Wait {
  NONE = 0,
  FUTEX = 1,
  EVENTFD_READ = 2,
  POLL = 3,
}

const FIRST_FD = 3;
const MAX_EVENTFDS = 64;

export class Kernel implements KernelCalls {
  private readonly m: KernelHost;
  /** FIFO of blocked futex waiters: core ids, with the location each waits on. */
  private futexQueue: number[] = [];
  /** eventfd counters (as JS numbers: programs add small values). */
  private counters: number[] = [];
  /** Per eventfd: the join of its writers' views. The kernel's eventfd lock orders a write
   * before any read or poll that sees its count, so that reader acquires them. */
  eventRel: number[] = [];
  /** Per blocked eventfd reader: the buffer address it reads into. */
  private readBuf = new Map<number, number>();
  /** Kernel state changes (wakes, exits, eventfd counts, new eventfds): value-changing events
   * for the hang detector. */
  changes = 0;

  constructor(m: KernelHost) {
    this.m = m;
  }

  reset(): void {
    this.futexQueue = [];
    this.counters = [];
    this.eventRel = [];
    this.readBuf.clear();
    this.changes = 0;
  }

  /** Applies a pruning renumbering to the views the kernel holds. */
  remapViews(map: (v: number) => number): void {
    for (let i = 0; i < this.eventRel.length; i++) this.eventRel[i] = map(this.eventRel[i]);
  }

  /** Why a core is blocked, for reports. */
  describeWait(c: CoreState): string {
    const arg = c.s[S.WAIT_ARG];
    switch (c.s[S.WAIT_KIND]) {
      case Wait.FUTEX: return `futex wait on 0x${(DATA_BASE + arg * 4).toString(16)}`;
      case Wait.EVENTFD_READ: return `read() of eventfd ${arg}, whose counter is 0`;
      case Wait.POLL: return `ppoll() on eventfd ${arg}, whose counter is 0`;
      default: return 'not blocked';
    }
  }

  call(ex: Executor, c: CoreState): Step {
    const before = this.changes;
    const r = ex.observer === null ? this.dispatch(ex, c) : this.observed(ex, c);
    // A call that changed kernel state or blocked counts as an effect (no spinning through it).
    if (this.changes !== before || c.s[S.STATUS] !== Status.RUNNING) c.s[S.EFFECTS]++;
    return r;
  }

  private observed(ex: Executor, c: CoreState): Step {
    const pc = c.s[S.PC], nr = c.regLo[8], args = [c.regLo[0], c.regLo[1], c.regLo[2]];
    const r = this.dispatch(ex, c);
    const st = c.s[S.STATUS];
    const result = st === Status.BLOCKED ? `blocked: ${this.describeWait(c)}` : st === Status.EXITED ? 'exited' : r === Step.ERROR ? 'error' : String(c.regLo[0]);
    ex.observer!.syscall(this.m.epoch, c, pc, nr, args, result);
    return r;
  }

  private dispatch(ex: Executor, c: CoreState): Step {
    const nr = c.regLo[8];
    if (c.regHi[8] !== 0) return ex.fail(`system call number ${hex64(c, 8)} does not fit in 32 bits (Linux would run call ${nr >>> 0}; hangar treats the upper bits as a bug)`, c);
    // The int arguments (fd, op, val, flags, status): their low 32 bits.
    const a0 = c.regLo[0], a1 = c.regLo[1], a2 = c.regLo[2];
    fullBarrier(c.s);
    let res: number;
    switch (nr) {
      case SYS.exit:
      case SYS.exit_group:
        c.s[S.EXIT_CODE] = a0;
        c.s[S.STATUS] = Status.EXITED;
        this.changes++;
        return this.done(c, false);
      case SYS.sched_yield:
        res = 0;
        break;
      case SYS.futex: {
        const op = a1 & ~FUTEX_PRIVATE_FLAG;
        const w = this.word(ex, c, 0);
        if (w < 0) return Step.ERROR;
        // The timeout (x3) is a pointer: NULL in all 64 bits.
        if (op === FUTEX_WAIT) {
          if (c.regLo[3] !== 0 || c.regHi[3] !== 0) return ex.fail('futex: timeouts are not supported', c);
          const cur = this.readNewest(c, w);
          if (cur !== a2) { res = -EAGAIN; break; }
          this.block(c, Wait.FUTEX, w);
          return this.done(c, true);
        }
        if (op === FUTEX_WAKE) {
          res = 0;
          const q: number[] = [];
          for (const id of this.futexQueue) {
            const t = this.m.cores[id];
            if (res < (a2 >>> 0) && t.s[S.WAIT_ARG] === w) {
              this.wake(c, t, 0);
              res++;
            } else q.push(id);
          }
          this.futexQueue = q;
          break;
        }
        return ex.fail(`futex: unsupported operation ${a1}`, c);
      }
      case SYS.eventfd2:
        if ((a1 & ~EFD_CLOEXEC) !== 0) return ex.fail(`eventfd2: flags 0x${(a1 >>> 0).toString(16)} are not supported (EFD_SEMAPHORE and EFD_NONBLOCK change read(2), which hangar does not model)`, c);
        if (this.counters.length >= MAX_EVENTFDS) { res = -EINVAL; break; }
        this.counters.push(a0 >>> 0);
        this.eventRel.push(0);
        this.changes++;
        res = FIRST_FD + this.counters.length - 1;
        break;
      case SYS.write: {
        const fd = a0 - FIRST_FD;
        if (fd < 0 || fd >= this.counters.length) { res = -EBADF; break; }
        if (a2 !== 8 || c.regHi[2] !== 0) { res = -EINVAL; break; }
        const loc = this.locOf(ex, c, 1, 8);
        if (loc < 0) return Step.ERROR;
        const add = this.readNewest(c, loc * 2);
        this.counters[fd] += add >>> 0;
        if (add !== 0) this.changes++;
        this.eventRel[fd] = Math.max(this.eventRel[fd], c.s[S.V_RO], c.s[S.V_WO]);
        if (this.counters[fd] !== 0) this.wakeEventfd(ex, c, fd + FIRST_FD);
        res = 8;
        break;
      }
      case SYS.read: {
        const fd = a0 - FIRST_FD;
        if (fd < 0 || fd >= this.counters.length) { res = -EBADF; break; }
        if (a2 !== 8 || c.regHi[2] !== 0) { res = -EINVAL; break; }
        const loc = this.locOf(ex, c, 1, 8);
        if (loc < 0) return Step.ERROR;
        if (this.counters[fd] === 0) {
          this.readBuf.set(c.id, loc);
          this.block(c, Wait.EVENTFD_READ, a0);
          return this.done(c, true);
        }
        raiseFloors(c.s, this.eventRel[fd]); // the eventfd lock: acquire its writers' views
        this.systemWrite(c, loc, this.counters[fd], 0);
        this.counters[fd] = 0;
        this.changes++;
        res = 8;
        break;
      }
      case SYS.ppoll: {
        if (a1 !== 1) return ex.fail('ppoll: hangar supports exactly one pollfd', c);
        if (a2 !== 0 || c.regHi[2] !== 0) return ex.fail('ppoll: timeouts are not supported', c);
        const pfd = this.locOf(ex, c, 0, 8);
        if (pfd < 0) return Step.ERROR;
        const fdv = this.readNewest(c, pfd * 2 + ((a0 >>> 2) & 1));
        const fd = fdv - FIRST_FD;
        if (fd < 0 || fd >= this.counters.length) { res = -EBADF; break; }
        if (this.counters[fd] === 0) {
          this.block(c, Wait.POLL, fdv);
          return this.done(c, true);
        }
        raiseFloors(c.s, this.eventRel[fd]); // the eventfd lock: acquire its writers' views
        res = 1;
        break;
      }
      default:
        return ex.fail(`system call ${nr >>> 0} is not provided by hangar's kernel (supported: futex, exit, sched_yield, eventfd2, read, write, ppoll)`, c);
    }
    this.ret(c, res);
    fullBarrier(c.s);
    return this.done(c, false);
  }

  private ret(c: CoreState, v: number): void {
    c.regLo[0] = v | 0;
    c.regHi[0] = v < 0 ? -1 : 0;
    c.regV[0] = 0;
    c.regP[0] = 0;
  }

  private done(c: CoreState, blocked: boolean): Step {
    c.s[S.PC]++;
    c.s[S.STEPS]++;
    return blocked || c.s[S.STATUS] !== Status.RUNNING ? Step.DONE : Step.OK;
  }


  private block(c: CoreState, kind: Wait, arg: number): void {
    c.s[S.STATUS] = Status.BLOCKED;
    c.s[S.WAIT_KIND] = kind;
    c.s[S.WAIT_ARG] = arg;
    if (kind === Wait.FUTEX) this.futexQueue.push(c.id);
  }

  /** Wakes core t on behalf of core w: t returns `res` and inherits w's views. */
  private wake(w: CoreState, t: CoreState, res: number): void {
    const rel = Math.max(w.s[S.V_RO], w.s[S.V_WO]);
    t.s[S.STATUS] = Status.RUNNING;
    t.s[S.WAIT_KIND] = Wait.NONE;
    this.ret(t, res);
    raiseFloors(t.s, rel);
    fullBarrier(t.s);
    this.changes++;
  }

  private wakeEventfd(ex: Executor, w: CoreState, fdv: number): void {
    const fd = fdv - FIRST_FD;
    for (const t of this.m.cores) {
      if (t.s[S.STATUS] !== Status.BLOCKED || t.s[S.WAIT_ARG] !== fdv) continue;
      const kind = t.s[S.WAIT_KIND];
      if (kind === Wait.POLL) this.wake(w, t, 1);
      else if (kind === Wait.EVENTFD_READ && this.counters[fd] !== 0) {
        this.wake(w, t, 8);
        this.systemWrite(t, this.readBuf.get(t.id)!, this.counters[fd], 0);
        this.counters[fd] = 0;
      }
    }
  }

  /** The 4-byte futex word addressed by register `reg`: returns loc*2+half, or -1 after an error. */
  private word(ex: Executor, c: CoreState, reg: number): number {
    const loc = this.locOf(ex, c, reg, 4);
    return loc < 0 ? -1 : loc * 2 + ((c.regLo[reg] >>> 2) & 1);
  }

  /** The location a pointer argument (register `reg`, all 64 bits) addresses, or -1 after an error. */
  private locOf(ex: Executor, c: CoreState, reg: number, align: number): number {
    const off = (c.regLo[reg] >>> 0) - DATA_BASE;
    if (c.regHi[reg] !== 0 || off < 0 || off >= this.m.log.locations * 8 || (off & (align - 1)) !== 0) {
      ex.fail(`system call argument x${reg} = ${hex64(c, reg)} is not an aligned address in emulated memory`, c);
      return -1;
    }
    return off >>> 3;
  }

  /** Reads the newest value of a 4-byte word (loc*2+half), as the kernel does under its lock. */
  private readNewest(c: CoreState, w: number): number {
    const log = this.m.log;
    const loc = w >> 1;
    const m = log.latest[loc];
    if (c.coh[loc] < m) c.coh[loc] = m;
    if (c.s[S.V_RO] < m) c.s[S.V_RO] = m;
    if (c.s[S.V_RO_LD] < m) c.s[S.V_RO_LD] = m;
    return (w & 1) === 0 ? log.valueLo(loc, m) : log.valueHi(loc, m);
  }

  /** A kernel store into user memory (copy_to_user) on behalf of core c: newest in coherence. */
  private systemWrite(c: CoreState, loc: number, lo: number, hi: number): void {
    const t = this.m.log.append(loc, lo, hi, c.id, this.m.epoch, MSG_KERNEL, c.s[S.PC]);
    this.m.wrote(loc, t);
    c.coh[loc] = t;
    if (c.s[S.V_WO] < t) c.s[S.V_WO] = t;
    c.fwdTs[loc] = t;
    c.fwdV[loc] = 0;
    c.fwdP[loc] = 0;
    c.fwdEx[loc] = 0;
    c.fwdX[loc] = 0;
  }
}

/** Register r of core c as a 64-bit hexadecimal number. */
function hex64(c: CoreState, r: number): string {
  return `0x${((BigInt(c.regHi[r] >>> 0) << 32n) | BigInt(c.regLo[r] >>> 0)).toString(16)}`;
}
