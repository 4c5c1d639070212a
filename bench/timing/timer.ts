// Per-core cycle accounting: an observer of the executor (`exec.timer`) that turns the
// instructions a trial executes into emulated cycles under a cost table (bench/costs/*.json).
// It never draws randomness and never writes machine state, so a trial takes the same
// execution, with the same traceHash, with or without it. Off (null) in every normal run.
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
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as isa from '../../isa/instructions.ts';
import type { TargetName } from '../../programs/catalog.ts';
import type { CoreState } from '../../emu/core/core-state.ts';
import * as ex from '../../emu/core/executor.ts';
import type { Executor } from '../../emu/core/executor.ts';
import type { Machine } from '../../emu/machine/machine.ts';
import type { ParamsFor } from '../../emu/machine/trial.ts';

// Module-local aliases (see executor.ts: imported bindings are getters under tsx).
const { AddrMode, ADDR_MASK, ADDR_SHIFT, Barrier, F, FLAG_ACQ, FLAG_ACQPC, FLAG_EXCL, FLAG_IMM2, FLAG_REL, INSN_WORDS, NUM_REGS, Op, REG_ZR } = isa;
const { Mode } = ex;

/** Every entry a cost table must give, in cycles unless noted. */
export const COST_KEYS = [
  'issueWidth', // instructions entering the out-of-order window per cycle
  'rob', // reorder-buffer entries (instructions in flight)
  'alu', // latency of an ALU/move/compare instruction
  'mul', // latency of MUL
  'l1Load', // load-to-use latency of a load that hits the L1 (or forwards from the store buffer)
  'storeCommit', // from a store's execution to its visibility, line already held
  'lineTransfer', // fetching a line whose newest version another core wrote
  'ldar', // extra latency of LDAR / LDAXR over a plain load (ordering waits are modelled apart)
  'ldapr', // extra latency of LDAPR over a plain load
  'stlr', // extra cycles before a release store (STLR / STLXR) becomes visible
  'ldxr', // extra latency of a load-exclusive over a plain load
  'stxr', // store-exclusive: cycles until its status register is ready
  'ldadd', // LSE LDADD / x86 LOCK XADD, ADD, SUB, INC, DEC
  'ldclr', // LSE LDCLR / x86 LOCK AND
  'ldeor', // LSE LDEOR / x86 LOCK XOR
  'ldset', // LSE LDSET / x86 LOCK OR
  'swp', // LSE SWP / x86 XCHG with memory
  'cas', // LSE CAS / x86 LOCK CMPXCHG
  'dmbFull', // DMB ISH / MFENCE, once what it waits for is done
  'dmbLoad', // DMB ISHLD, once earlier loads are done
  'dmbStore', // DMB ISHST
  'isb', // ISB (pipeline refill)
] as const;

export type CostKey = (typeof COST_KEYS)[number];
export type Costs = Readonly<Record<CostKey, number>>;

export interface CostEntry {
  value: number;
  /** Where the number comes from, or the assumption behind it. */
  source: string;
}

/** A cost table as stored in bench/costs/<name>.json. */
export interface CostTable {
  name: string;
  /** The core the figures describe. */
  core: string;
  /** The hangar targets it times. */
  targets: TargetName[];
  costs: Record<CostKey, CostEntry>;
  /** Sources cited by several entries, and remarks. */
  notes?: string[];
}

const COSTS_DIR = fileURLToPath(new URL('../costs/', import.meta.url));

/** Which table times which target. */
export const TABLE_FOR_TARGET: Readonly<Record<TargetName, string>> = {
  'armv8-llsc': 'neoverse-n1',
  'armv8-lse': 'neoverse-n1',
  'x86-tso': 'x86-skylake',
};

/** Checks a parsed cost table; throws an Error naming the file and the bad entry. */
export function validateCostTable(t: unknown, file: string): CostTable {
  const bad = (what: string): never => {
    throw new Error(`${file}: ${what}`);
  };
  if (typeof t !== 'object' || t === null) bad('expected a JSON object');
  const o = t as Record<string, unknown>;
  if (typeof o.name !== 'string' || o.name === '') bad('"name" must be a non-empty string');
  if (typeof o.core !== 'string' || o.core === '') bad('"core" must be a non-empty string');
  if (!Array.isArray(o.targets) || o.targets.length === 0) bad('"targets" must list the targets the table times');
  if (typeof o.costs !== 'object' || o.costs === null) bad('"costs" must be an object');
  const costs = o.costs as Record<string, unknown>;
  for (const k of COST_KEYS) {
    const e = costs[k] as Record<string, unknown> | undefined;
    if (e === undefined) bad(`cost "${k}" is missing`);
    const v = e!.value;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad(`cost "${k}": "value" must be a number >= 0`);
    if ((k === 'issueWidth' || k === 'rob') && !((v as number) >= 1)) bad(`cost "${k}" must be at least 1`);
    if (typeof e!.source !== 'string' || (e!.source as string).trim() === '') bad(`cost "${k}": "source" must say where the number comes from`);
  }
  for (const k of Object.keys(costs)) if (!(COST_KEYS as readonly string[]).includes(k)) bad(`unknown cost "${k}" (expected: ${COST_KEYS.join(', ')})`);
  return t as CostTable;
}

export function loadCostTable(file: string): CostTable {
  return validateCostTable(JSON.parse(readFileSync(file, 'utf8')), file);
}

export function costTableForTarget(target: TargetName): CostTable {
  const file = `${COSTS_DIR}${TABLE_FOR_TARGET[target]}.json`;
  const t = loadCostTable(file);
  if (!t.targets.includes(target)) throw new Error(`${file}: does not list target ${target}`);
  return t;
}

export function costValues(t: CostTable): Costs {
  const out = {} as Record<CostKey, number>;
  for (const k of COST_KEYS) out[k] = t.costs[k].value;
  return out;
}

const max = (a: number, b: number): number => (a > b ? a : b);

interface HasPruner {
  pruner?: { dropped: number };
}

export class Timer {
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
  private prunedSeen = 0;

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
  }

  /** Starts observing the machine's executor. */
  attach(): this {
    this.machine.exec.timer = this;
    return this;
  }

  detach(): void {
    if (this.machine.exec.timer === this) this.machine.exec.timer = null;
  }

  /** Back to cycle 0 (a new trial or attempt). Watches stay, their times are cleared. */
  reset(): void {
    for (const a of [this.issue, this.retired, this.sbDrain, this.relDrain, this.ldDone, this.memFloor, this.flagsReady,
      this.regReady, this.robRing, this.have, this.instructions, this.transfers, this.orderWait]) a.fill(0);
    this.robPos.fill(0);
    this.reached.fill(-1);
    this.rdXfer = this.wrXfer = this.wrote = 0;
    this.prunedSeen = this.prunedCount();
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

  // ------------------------------------------------------------ hooks called by the executor

  /** A read of message m of loc (plain load, exclusive load or an atomic's read). */
  read(exec: Executor, c: CoreState, loc: number, m: number): void {
    if (exec.mode === Mode.SOLO) return; // a promise lookahead is not execution
    this.checkPruned();
    if (m === 0 || m > exec.n || exec.log.tid[m] === c.id) return; // initial value, own write
    const h = c.id * this.nLocs + loc;
    if (this.have[h] >= m) return;
    this.have[h] = m;
    this.rdXfer = 1;
  }

  /** A write to loc that gets timestamp t (called before the core's views move). */
  write(exec: Executor, c: CoreState, loc: number, t: number): void {
    if (exec.mode === Mode.SOLO) return;
    this.checkPruned();
    this.wrote = 1;
    const h = c.id * this.nLocs + loc;
    if (c.coh[loc] <= exec.n) {
      // The line's owner is whoever wrote its newest message (nobody: the initial value).
      const newest = exec.log.latest[loc];
      if (newest !== 0 && exec.log.tid[newest] !== c.id && this.have[h] < newest) this.wrXfer = 1;
    }
    // In a run phase, other cores' writes of this epoch will be timestamped above the frozen
    // log (exec.n) whatever this write's provisional timestamp: the line is held up to n.
    this.have[h] = exec.mode === Mode.RUN ? exec.n : t;
  }

  /** The instruction at pc was executed by core c. */
  step(exec: Executor, c: CoreState, pc: number): void {
    if (exec.mode === Mode.SOLO) {
      this.rdXfer = this.wrXfer = this.wrote = 0;
      return;
    }
    this.checkPruned();
    const C = this.costs;
    const k = c.id;
    const code = exec.code;
    const b = pc * INSN_WORDS;
    const op = code[b];
    const flags = code[b + F.FLAGS];
    const rt = code[b + F.RT];
    const rn = code[b + F.RN];
    const rm = code[b + F.RM];
    const model = exec.params.model;
    const R = this.regReady;
    const base = k * NUM_REGS;
    const ready = (r: number): number => (r === REG_ZR ? 0 : R[base + r]);
    const setReady = (r: number, t: number): void => {
      if (r !== REG_ZR) R[base + r] = t;
    };

    // Enter the window: in order, issueWidth per cycle, behind the instruction rob places back.
    const ri = k * this.robSize + this.robPos[k];
    const t0 = max(this.issue[k], this.robRing[ri]);
    let nextIssue = t0 + this.issueStep;
    let done = t0;

    switch (op) {
      case Op.MOVI:
        done = t0 + C.alu;
        setReady(rt, done);
        break;
      case Op.MOVK:
        done = max(t0, ready(rt)) + C.alu;
        setReady(rt, done);
        break;
      case Op.ADD: case Op.SUB: case Op.ADDS: case Op.SUBS: case Op.AND: case Op.ANDS: case Op.ORR: case Op.EOR:
      case Op.LSL: case Op.LSR: case Op.ASR: case Op.MUL: {
        let te = max(t0, ready(rn));
        if ((flags & FLAG_IMM2) === 0) te = max(te, ready(rm));
        done = te + (op === Op.MUL ? C.mul : C.alu);
        setReady(rt, done);
        if (op === Op.ADDS || op === Op.SUBS || op === Op.ANDS) this.flagsReady[k] = done;
        break;
      }
      case Op.CSEL: case Op.CSINC: case Op.CSINV: case Op.CSNEG:
        done = max(max(t0, this.flagsReady[k]), max(ready(rn), ready(rm))) + C.alu;
        setReady(rt, done);
        break;
      // Branches are predicted: they resolve (and can retire) once their inputs are ready,
      // but never hold back the instructions after them.
      case Op.B:
        break;
      case Op.BL:
        done = t0 + C.alu;
        setReady(30, done);
        break;
      case Op.BCOND:
        done = max(t0, this.flagsReady[k]) + C.alu;
        break;
      case Op.CBZ: case Op.CBNZ: case Op.TBZ: case Op.TBNZ:
        done = max(t0, ready(rt)) + C.alu;
        break;
      case Op.BR: case Op.RET:
        done = max(t0, ready(rn)) + C.alu;
        break;
      case Op.LDR: case Op.LDP: {
        const addr = this.addrReady(k, op, flags, rn, rm);
        let te = max(max(t0, addr), this.memFloor[k]);
        const acq = (flags & FLAG_ACQ) !== 0;
        const acqPc = (flags & FLAG_ACQPC) !== 0;
        if (acq) te = max(te, this.relDrain[k]); // RCsc: LDAR is not satisfied before an earlier STLR is visible
        let lat = this.rdXfer !== 0 ? C.lineTransfer : C.l1Load;
        if (acq) lat += C.ldar;
        else if (acqPc) lat += C.ldapr;
        if ((flags & FLAG_EXCL) !== 0) lat += C.ldxr;
        done = te + lat;
        setReady(rt, done);
        if (op === Op.LDP) setReady(rm, done);
        this.writebackReady(k, flags, rn, te + C.alu);
        this.ldDone[k] = max(this.ldDone[k], done);
        if (acq || acqPc) this.memFloor[k] = max(this.memFloor[k], done);
        break;
      }
      case Op.STR: case Op.STP: {
        let te = max(max(t0, this.addrReady(k, op, flags, rn, rm)), max(ready(rt), this.memFloor[k]));
        if (op === Op.STP) te = max(te, ready(rm));
        const relInsn = (flags & FLAG_REL) !== 0;
        this.drainStore(k, te, relInsn || model.storeRelease, relInsn ? C.stlr : 0);
        this.writebackReady(k, flags, rn, te + C.alu);
        done = te + C.alu;
        break;
      }
      case Op.STXR: {
        const te = max(max(t0, ready(rn)), max(ready(rt), this.memFloor[k]));
        done = te + C.stxr;
        setReady(rm, done); // the status register
        if (this.wrote !== 0) {
          const relInsn = (flags & FLAG_REL) !== 0;
          this.drainStore(k, te, relInsn || model.storeRelease || model.rmwFull, relInsn ? C.stlr : 0);
          if (model.rmwFull) this.memFloor[k] = max(this.memFloor[k], this.sbDrain[k]); // a locked RMW
        }
        break;
      }
      case Op.SWP: case Op.CAS: case Op.LDADD: case Op.LDCLR: case Op.LDEOR: case Op.LDSET: {
        const isCas = op === Op.CAS;
        const noret = (isCas ? rm : rt) === REG_ZR;
        const acq = ((flags & FLAG_ACQ) !== 0 && !noret) || model.rmwFull;
        const rel = (flags & FLAG_REL) !== 0 || model.rmwFull;
        let te = max(max(t0, ready(rn)), max(ready(rm), this.memFloor[k]));
        if (isCas) te = max(te, ready(rt));
        if (rel) {
          // Its write is ordered after every earlier access: wait for them.
          const w = max(this.sbDrain[k], this.ldDone[k]);
          if (w > te) { this.orderWait[k] += w - te; te = w; }
        }
        const opCost = op === Op.SWP ? C.swp : isCas ? C.cas : op === Op.LDADD ? C.ldadd : op === Op.LDCLR ? C.ldclr : op === Op.LDEOR ? C.ldeor : C.ldset;
        done = te + opCost + (this.rdXfer !== 0 || this.wrXfer !== 0 ? C.lineTransfer : 0);
        setReady(isCas ? rm : rt, done);
        this.ldDone[k] = max(this.ldDone[k], done);
        if (this.wrote !== 0) {
          this.sbDrain[k] = max(this.sbDrain[k], done);
          if (rel) this.relDrain[k] = max(this.relDrain[k], done);
        }
        if (acq) this.memFloor[k] = max(this.memFloor[k], done);
        break;
      }
      case Op.DMB: {
        const kind = model.fenceFull ? Barrier.FULL : code[b + F.EXTRA];
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
      case Op.ISB:
        done = max(t0, this.retired[k]) + C.isb; // refetch after everything before it
        nextIssue = done;
        break;
      default: // NOP, CLREX
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

  /** When the registers forming a memory access's address are ready. */
  private addrReady(k: number, op: number, flags: number, rn: number, rm: number): number {
    const base = k * NUM_REGS;
    let t = rn === REG_ZR ? 0 : this.regReady[base + rn];
    const mode = (flags & ADDR_MASK) >> ADDR_SHIFT;
    if ((op === Op.LDR || op === Op.STR) && (mode === AddrMode.REG || mode === AddrMode.SXTW || mode === AddrMode.UXTW) && rm !== REG_ZR) {
      t = max(t, this.regReady[base + rm]);
    }
    return t;
  }

  private writebackReady(k: number, flags: number, rn: number, t: number): void {
    const mode = (flags & ADDR_MASK) >> ADDR_SHIFT;
    if ((mode === AddrMode.PRE || mode === AddrMode.POST) && rn !== REG_ZR) this.regReady[k * NUM_REGS + rn] = t;
  }

  /** Puts a store executed at te into the store buffer; release stores wait for earlier accesses. */
  private drainStore(k: number, te: number, release: boolean, extra: number): void {
    const C = this.costs;
    const start = release ? max(te, this.ldDone[k]) : te;
    const visible = max(this.sbDrain[k], start + extra + (this.wrXfer !== 0 ? C.lineTransfer : C.storeCommit));
    this.sbDrain[k] = visible;
    if (release) this.relDrain[k] = visible;
  }

  private prunedCount(): number {
    return (this.machine as unknown as HasPruner).pruner?.dropped ?? 0;
  }

  /** Pruning renumbers timestamps: forget which versions each core holds (a few extra
   * transfers after each pruning, which happens at most once per doubling of the log). */
  private checkPruned(): void {
    const d = this.prunedCount();
    if (d !== this.prunedSeen) {
      this.prunedSeen = d;
      this.have.fill(0);
    }
  }
}

/** paramsFor that resets the timer before each attempt (runTrial asks for params once per attempt). */
export function timedParams(timer: Timer, paramsFor: ParamsFor): ParamsFor {
  return (seed, attempt) => {
    timer.reset();
    return paramsFor(seed, attempt);
  };
}
