// Per-core cycle accounting: an Observer of the executor (emu/core/observer.ts) that turns the
// instructions a trial executes into emulated cycles under a cost table (cost-table.ts,
// bench/costs/*.json). It never draws randomness and never writes machine state, so a trial
// takes the same execution, with the same traceHash, with or without it. Only the benchmarks
// attach one. What each opcode reads and writes comes from isa/opcodes.ts, and which accesses
// are releases, acquiring RMWs or full barriers under the model from emu/model/memory-model.ts:
// the executor answers by the same functions. Loads are timed by their own flags (LDAR, LDAPR),
// not by the model's load floor: under TSO a plain MOV load costs what it costs on x86.
//
// The core model (README.md, "Barrier cost", explains it with the tables):
//   - issue: instructions enter an out-of-order window in order, `issueWidth` per cycle; an
//     instruction cannot enter until the one `rob` places earlier has retired. Branches are
//     predicted (no misprediction cost). Retirement is in order.
//   - each instruction executes when its source registers are ready (a register scoreboard)
//     and its ordering constraints allow; its result is ready after its latency.
//   - loads take `l1Load` cycles, or `lineTransfer` when the message read was written by
//     another core and this core does not hold that version yet (the message log's `tid`
//     says who wrote it). Initial memory counts as held by every core.
//   - stores retire at once and drain from an in-order store buffer: a store is globally
//     visible `storeCommit` (or `lineTransfer`, when the newest message of the location is
//     another core's) after it executes, never before the store ahead of it. `sbDrain` is
//     when the last of them is visible: a barrier waits only for the core's writes it has
//     not yet ordered (above vWn in the engine's views, since an earlier barrier drained the
//     rest) that are still draining.
//   - ordering instructions wait for what they order: DMB ISH (and every fence under TSO:
//     MFENCE) stalls issue until the store buffer has drained and every earlier load has
//     completed, then costs `dmbFull`; DMB ISHLD waits for earlier loads only (`dmbLoad`);
//     DMB ISHST waits for nothing (stores already drain in order; `dmbStore`); a release
//     store (STLR, STLXR, every store under TSO) becomes visible only after every earlier
//     load completed and every earlier store drained; LDAR (RCsc) waits until earlier
//     release stores are visible, LDAPR does not; acquire loads hold back later memory
//     accesses until they complete; an RMW with release semantics (every LOCK'd x86 RMW, the
//     L/AL atomics) first waits for the store buffer and earlier loads, and an acquiring one
//     holds back later memory accesses until it completes.
// Who wrote what comes from the engine's message log, at the engine's granularity: a plain
// load or store runs in an epoch's run phase against the log frozen at the epoch's start, so
// contention between plain accesses shows at most once per location per epoch; RMWs run
// against the whole log and see every migration. System calls are not timed (the kernel is
// outside the model). Timing works with the inline run-phase driver only: worker threads run
// their own executors.
import * as isa from '../../isa/instructions.ts';
import * as opcodes from '../../isa/opcodes.ts';
import type { OpInfo } from '../../isa/opcodes.ts';
import type { CoreState } from '../../emu/core/core-state.ts';
import type { Execution, Observer } from '../../emu/core/observer.ts';
import * as phase from '../../emu/core/phase.ts';
import type { Machine } from '../../emu/machine/machine.ts';
import * as mm from '../../emu/model/memory-model.ts';
import type { ParamsFor } from '../../emu/model/params.ts';
import { costValues, type CostKey, type Costs, type CostTable } from './cost-table.ts';

// Module-local aliases of imported bindings (see emu/core/access.ts).
const { Barrier, F, FLAG_ACQ, FLAG_ACQPC, FLAG_EXCL, FLAG_REL, INSN_WORDS, NUM_REGS, Op, OP_COUNT, REG_ZR } = isa;
const { OPCODES, OpClass, resultReg, sourceRegs, writesBack } = opcodes;
const { Mode } = phase;
const { atomicAcquires, atomicReleases, barrierKind, storeExclusiveReleases, storeReleases } = mm;

/** The cost entry of each LSE atomic. The min/max atomics have no entry of their own: they
 * are near atomics like LDADD (an ALU operation at the cache), so they take its cost. */
const ATOMIC_COST: ReadonlyArray<readonly [isa.Op, CostKey]> = [
  [Op.SWP, 'swp'], [Op.CAS, 'cas'], [Op.LDADD, 'ldadd'], [Op.LDCLR, 'ldclr'], [Op.LDEOR, 'ldeor'], [Op.LDSET, 'ldset'],
  [Op.LDSMAX, 'ldadd'], [Op.LDSMIN, 'ldadd'], [Op.LDUMAX, 'ldadd'], [Op.LDUMIN, 'ldadd'],
];

const max = (a: number, b: number): number => (a > b ? a : b);

export class Timer implements Observer {
  /** The timer reads the log during the trial only: pruning may renumber it (see renumbered). */
  readonly keepsLog = false;
  readonly table: CostTable;
  readonly costs: Costs;
  private readonly machine: Machine;
  private readonly nCores: number;
  private readonly nLocs: number;
  private readonly robSize: number;
  private readonly issueStep: number;

  // Per core.
  /** When the next instruction may enter the window. */
  private readonly issue: Float64Array;
  /** Retirement time of the last instruction: the core's cycle count. */
  private readonly retired: Float64Array;
  /** When every store issued so far is visible. */
  private readonly sbDrain: Float64Array;
  /** When the last release store is visible (LDAR waits for it). */
  private readonly relDrain: Float64Array;
  /** When every load issued so far has completed. */
  private readonly ldDone: Float64Array;
  /** No memory access may execute before this (acquires, barriers). */
  private readonly memFloor: Float64Array;
  private readonly flagsReady: Float64Array;
  private readonly regReady: Float64Array;
  /** Ring of the retirement times of the last `rob` instructions. */
  private readonly robRing: Float64Array;
  private readonly robPos: Int32Array;
  /** Per core and location: the newest message timestamp whose line the core holds. */
  private readonly have: Float64Array;
  /** Counters per core. */
  readonly instructions: Float64Array;
  readonly transfers: Float64Array;
  /** Cycles ordering instructions spent waiting for earlier accesses. */
  readonly orderWait: Float64Array;

  // Watched instructions: retirement time of the first execution, per core.
  private readonly watchSlot: Int32Array;
  private watchCount = 0;
  /** Per core and watch: [retire cycle, instructions, transfers, orderWait] at the first retirement. */
  private reached: Float64Array;

  // What the current step's reads and writes found (set by read()/write(), used by step()).
  private rdXfer = 0;
  private wrXfer = 0;
  private wrote = 0;
  /** Per Op: the latency of the register result of a move, ALU op, select or branch. */
  private readonly latency: Float64Array;
  /** Per Op: the cost of an LSE atomic. */
  private readonly atomicCost: Float64Array;
  /** Scratch for an instruction's source registers. */
  private readonly src = new Int32Array(4);

  constructor(machine: Machine, table: CostTable) {
    this.machine = machine;
    this.table = table;
    this.costs = costValues(table);
    this.nCores = machine.cores.length;
    this.nLocs = machine.log.locations;
    this.robSize = Math.floor(this.costs.rob);
    this.issueStep = 1 / this.costs.issueWidth;
    const n = this.nCores;
    this.issue = new Float64Array(n);
    this.retired = new Float64Array(n);
    this.sbDrain = new Float64Array(n);
    this.relDrain = new Float64Array(n);
    this.ldDone = new Float64Array(n);
    this.memFloor = new Float64Array(n);
    this.flagsReady = new Float64Array(n);
    this.regReady = new Float64Array(n * NUM_REGS);
    this.robRing = new Float64Array(n * this.robSize);
    this.robPos = new Int32Array(n);
    this.have = new Float64Array(n * this.nLocs);
    this.instructions = new Float64Array(n);
    this.transfers = new Float64Array(n);
    this.orderWait = new Float64Array(n);
    this.watchSlot = new Int32Array(machine.program.length);
    this.reached = new Float64Array(0);
    const C = this.costs;
    this.latency = new Float64Array(OP_COUNT);
    this.atomicCost = new Float64Array(OP_COUNT);
    for (const info of OPCODES) {
      const cls = info.cls;
      if (cls === OpClass.MOVE || cls === OpClass.ALU || cls === OpClass.SELECT || (cls === OpClass.BRANCH && info.op !== Op.B)) this.latency[info.op] = C.alu;
      else if (cls === OpClass.MUL) this.latency[info.op] = C.mul;
      // B is predicted and has no result: it costs nothing.
    }
    for (const [op, key] of ATOMIC_COST) this.atomicCost[op] = C[key];
  }

  /** Starts observing the machine's executor. */
  attach(): this {
    const exec = this.machine.exec;
    if (exec.observer !== null && exec.observer !== this) throw new Error('timer: the executor already has an observer');
    exec.observer = this;
    return this;
  }

  detach(): void {
    if (this.machine.exec.observer === this) this.machine.exec.observer = null;
  }

  /** Back to cycle 0 (a new trial or attempt). Watches stay, their times are cleared. */
  reset(): void {
    for (const a of [this.issue, this.retired, this.sbDrain, this.relDrain, this.ldDone, this.memFloor, this.flagsReady,
      this.regReady, this.robRing, this.have, this.instructions, this.transfers, this.orderWait]) a.fill(0);
    this.robPos.fill(0);
    this.reached.fill(-1);
    this.rdXfer = this.wrXfer = this.wrote = 0;
  }

  /** Records, per core, when the instruction at `pc` first retires; returns the watch id. */
  watch(pc: number): number {
    if (pc < 0 || pc >= this.watchSlot.length) throw new Error(`watch: pc ${pc} is outside the program`);
    if (this.watchSlot[pc] !== 0) return this.watchSlot[pc] - 1;
    const id = this.watchCount++;
    this.watchSlot[pc] = id + 1;
    const r = new Float64Array(this.nCores * this.watchCount * 4).fill(-1);
    for (let c = 0; c < this.nCores; c++) for (let w = 0; w < id * 4; w++) r[(c * this.watchCount) * 4 + w] = this.reached[(c * id) * 4 + w];
    this.reached = r;
    return id;
  }

  /** The core's counters when it first retired the watched instruction (cycles -1: never). */
  reachedAt(core: number, watchId: number): { cycles: number; instructions: number; transfers: number; orderWait: number } {
    const i = (core * this.watchCount + watchId) * 4;
    const r = this.reached;
    return { cycles: r[i], instructions: r[i + 1], transfers: r[i + 2], orderWait: r[i + 3] };
  }

  /** The core's cycle count: when its last instruction retired. */
  cycles(core: number): number {
    return this.retired[core];
  }

  // ------------------------------------------------------------ the Observer hooks
  // A promise lookahead is not execution: the executor does not report it (see promises.ts).

  /** A read of loc (plain load, exclusive load or an atomic's read) whose newest byte came
   * from message m: the read is charged as a read of m (a line holds all its bytes). */
  read(exec: Execution, c: CoreState, loc: number, _off: number, _size: number, m: number): void {
    if (m === 0 || m > exec.n || exec.log.tid[m] === c.id) return; // initial value, own write
    const h = c.id * this.nLocs + loc;
    if (this.have[h] >= m) return;
    this.have[h] = m;
    this.rdXfer = 1;
  }

  /** A write to loc that gets timestamp t (called before the core's views move). */
  write(exec: Execution, c: CoreState, loc: number, t: number): void {
    this.wrote = 1;
    const h = c.id * this.nLocs + loc;
    if (c.cohOf(loc, 0xff) <= exec.n) {
      // The line's owner is whoever wrote its newest message (nobody: the initial value).
      const newest = exec.log.latest[loc];
      if (newest !== 0 && exec.log.tid[newest] !== c.id && this.have[h] < newest) this.wrXfer = 1;
    }
    // In a run phase, other cores' writes of this epoch will be timestamped above the frozen
    // log (exec.n) whatever this write's provisional timestamp: the line is held up to n.
    this.have[h] = exec.mode === Mode.RUN ? exec.n : t;
  }

  /** System calls are not timed (the kernel is outside the model). */
  syscall(): void {}

  /** Pruning renumbers timestamps: forget which versions each core holds (a few extra
   * transfers after each pruning, which happens at most once per doubling of the log). */
  renumbered(): void {
    this.have.fill(0);
  }

  /** The instruction at pc was executed by core c. */
  step(exec: Execution, c: CoreState, pc: number): void {
    const C = this.costs;
    const k = c.id;
    const code = exec.code;
    const b = pc * INSN_WORDS;
    const op = code[b];
    const info = OPCODES[op];
    const flags = code[b + F.FLAGS];
    const model = exec.params.model;
    const base = k * NUM_REGS;

    // Enter the window: in order, issueWidth per cycle, behind the instruction rob places back.
    const ri = k * this.robSize + this.robPos[k];
    const t0 = max(this.issue[k], this.robRing[ri]);
    let nextIssue = t0 + this.issueStep;
    let done = t0;
    // When the source registers (address, data, operands) are ready.
    const ns = sourceRegs(code, b, this.src);
    let srcReady = t0;
    for (let i = 0; i < ns; i++) srcReady = max(srcReady, this.ready(base, this.src[i]));

    switch (info.cls) {
      // Moves, arithmetic, selects, branches: executed when their sources (and flags) are
      // ready. Branches are predicted: they resolve (and can retire) once their inputs are
      // ready, but never hold back the instructions after them.
      case OpClass.MOVE: case OpClass.ALU: case OpClass.MUL: case OpClass.SELECT: case OpClass.BRANCH: {
        const te = info.readsFlags ? max(srcReady, this.flagsReady[k]) : srcReady;
        done = te + this.latency[op];
        this.results(base, code, b, info, done);
        if (info.setsFlags) this.flagsReady[k] = done;
        break;
      }
      case OpClass.LOAD: case OpClass.LOAD_PAIR: {
        let te = max(srcReady, this.memFloor[k]);
        const acq = (flags & FLAG_ACQ) !== 0;
        const acqPc = (flags & FLAG_ACQPC) !== 0;
        if (acq) te = max(te, this.relDrain[k]); // RCsc: LDAR is not satisfied before an earlier STLR is visible
        let lat = this.rdXfer !== 0 ? C.lineTransfer : C.l1Load;
        if (acq) lat += C.ldar;
        else if (acqPc) lat += C.ldapr;
        if ((flags & FLAG_EXCL) !== 0) lat += C.ldxr;
        done = te + lat;
        this.results(base, code, b, info, done);
        this.writeback(base, code, b, te + C.alu);
        this.ldDone[k] = max(this.ldDone[k], done);
        if (acq || acqPc) this.memFloor[k] = max(this.memFloor[k], done);
        break;
      }
      case OpClass.STORE: case OpClass.STORE_PAIR: {
        const te = max(srcReady, this.memFloor[k]);
        const relInsn = (flags & FLAG_REL) !== 0;
        this.drainStore(k, te, storeReleases(model, flags), relInsn ? C.stlr : 0);
        this.writeback(base, code, b, te + C.alu);
        done = te + C.alu;
        break;
      }
      case OpClass.STORE_EXCLUSIVE: {
        const te = max(srcReady, this.memFloor[k]);
        done = te + C.stxr;
        this.results(base, code, b, info, done); // the status register
        if (this.wrote !== 0) {
          const relInsn = (flags & FLAG_REL) !== 0;
          this.drainStore(k, te, storeExclusiveReleases(model, flags), relInsn ? C.stlr : 0);
          if (model.rmwFull) this.memFloor[k] = max(this.memFloor[k], this.sbDrain[k]); // a locked RMW
        }
        break;
      }
      case OpClass.ATOMIC: {
        const noret = resultReg(code, b) === REG_ZR;
        const acq = atomicAcquires(model, flags, noret);
        const rel = atomicReleases(model, flags);
        let te = max(srcReady, this.memFloor[k]);
        if (rel) {
          // Its write is ordered after every earlier access: wait for them.
          const w = max(this.sbDrain[k], this.ldDone[k]);
          if (w > te) { this.orderWait[k] += w - te; te = w; }
        }
        done = te + this.atomicCost[op] + (this.rdXfer !== 0 || this.wrXfer !== 0 ? C.lineTransfer : 0);
        this.results(base, code, b, info, done);
        this.ldDone[k] = max(this.ldDone[k], done);
        if (this.wrote !== 0) {
          this.sbDrain[k] = max(this.sbDrain[k], done);
          if (rel) this.relDrain[k] = max(this.relDrain[k], done);
        }
        if (acq) this.memFloor[k] = max(this.memFloor[k], done);
        break;
      }
      case OpClass.BARRIER: {
        const kind = barrierKind(model, code[b + F.EXTRA]);
        // Every barrier holds back issue until it completes; what it first waits for depends on its kind.
        let te = t0;
        let cost: number;
        if (kind === Barrier.FULL) {
          te = max(te, max(max(this.sbDrain[k], this.ldDone[k]), this.memFloor[k]));
          cost = C.dmbFull;
        } else if (kind === Barrier.LD) {
          te = max(te, max(this.ldDone[k], this.memFloor[k]));
          cost = C.dmbLoad;
        } else {
          cost = C.dmbStore; // stores already become visible in order
        }
        this.orderWait[k] += te - t0;
        done = te + cost;
        if (kind !== Barrier.ST) this.memFloor[k] = max(this.memFloor[k], done);
        nextIssue = done;
        break;
      }
      case OpClass.ISB:
        done = max(t0, this.retired[k]) + C.isb; // refetch after everything before it
        nextIssue = done;
        break;
      default: // NOP, CLREX (system calls and HALT are not reported)
        break;
    }

    this.issue[k] = nextIssue;
    const retire = max(this.retired[k], done);
    this.retired[k] = retire;
    this.robRing[ri] = retire;
    this.robPos[k] = this.robPos[k] + 1 === this.robSize ? 0 : this.robPos[k] + 1;
    this.instructions[k]++;
    this.transfers[k] += this.rdXfer + this.wrXfer;
    this.rdXfer = this.wrXfer = this.wrote = 0;
    const w = this.watchSlot[pc];
    if (w !== 0) {
      const i = (k * this.watchCount + w - 1) * 4;
      const r = this.reached;
      if (r[i] < 0) {
        r[i] = retire;
        r[i + 1] = this.instructions[k];
        r[i + 2] = this.transfers[k];
        r[i + 3] = this.orderWait[k];
      }
    }
  }

  // ------------------------------------------------------------ helpers

  /** When register r of the core whose registers start at base is ready (the zero register: always). */
  private ready(base: number, r: number): number {
    return r === REG_ZR ? 0 : this.regReady[base + r];
  }

  /** The instruction's register results (and X30 for BL) are ready at t. */
  private results(base: number, code: Int32Array, b: number, info: OpInfo, t: number): void {
    for (const f of info.writes) {
      const r = code[b + f];
      if (r !== REG_ZR) this.regReady[base + r] = t;
    }
    if (info.link) this.regReady[base + 30] = t;
  }

  /** A pre- or post-index access writes its base register back at t. */
  private writeback(base: number, code: Int32Array, b: number, t: number): void {
    const rn = code[b + F.RN];
    if (writesBack(code[b + F.FLAGS]) && rn !== REG_ZR) this.regReady[base + rn] = t;
  }

  /** Puts a store executed at te into the store buffer; release stores wait for earlier accesses. */
  private drainStore(k: number, te: number, release: boolean, extra: number): void {
    const C = this.costs;
    const start = release ? max(te, this.ldDone[k]) : te;
    const visible = max(this.sbDrain[k], start + extra + (this.wrXfer !== 0 ? C.lineTransfer : C.storeCommit));
    this.sbDrain[k] = visible;
    if (release) this.relDrain[k] = visible;
  }
}

/** paramsFor that resets the timer before each attempt (runTrial asks for params once per attempt). */
export function timedParams(timer: Timer, paramsFor: ParamsFor): ParamsFor {
  return (seed, attempt) => {
    timer.reset();
    return paramsFor(seed, attempt);
  };
}
