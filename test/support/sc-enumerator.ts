// Test oracle: every sequentially consistent final state of a decoded Program, found by
// exhaustive interleaving.
//
// Written for the tests and deliberately independent of the emulator (nothing from emu/): it
// interprets the decoded instruction format itself, as plainly as possible (BigInt registers, a
// Map for memory), and explores every interleaving of whole instructions by depth-first search
// over states, remembering the states already visited so that equal interleavings are explored
// once and spin loops end (a loop that comes back to a visited state adds nothing).
//
// Semantics (SC: every instruction is one atomic step, in some total order):
// - Registers: 0..30 = X0..X30, 31 = zero register (reads 0, writes ignored), 32 = SP. A 32-bit
//   (FLAG_SF clear) write zero-extends into the 64-bit register.
// - Memory: a byte array, kept as 8-byte little-endian words keyed by address (a multiple of 8);
//   absent words hold 0. An access of 1, 2, 4 or 8 bytes (the record's size field) must be
//   aligned (else it throws), so it lies in one word, and it reads or writes all its bytes at
//   one step of the interleaving (mixed sizes: each access single-copy atomic, memory per
//   byte). Loads zero-extend, or sign-extend with FLAG_SIGNED, to the register width.
// - Exclusives: LDXR sets the thread's monitor to its address and size. STXR succeeds iff the
//   monitor is set for that address and size (a store-exclusive of another size fails, as in
//   herd7) and no other thread has written a byte of it since the LDXR (another thread's write
//   clears the flag; the thread's own writes do not, as in herd7's atomicity axiom, which only
//   forbids an external write between the two). Every STXR and CLREX leaves the monitor clear.
// - Spurious STXR failure (option `spuriousStxrFailure`, default on): wherever a STXR could
//   succeed, failing is explored too, because the architecture (and herd7) allow it, so a
//   straight-line LDXR/STXR whose status register is observed can end with status 1. No bound
//   is needed: failing changes only the status register and the pc, so a retry loop that fails
//   again without anything else changing comes back to a state the search has already visited,
//   and the number of states stays finite. For a program
//   whose exclusives all sit in retry loops, the final states are therefore the same with and
//   without spurious failures (the loop retries until it succeeds); the tests check this.
// - LSE atomics and LDP/STP are single atomic steps; CAS writes only when the compare succeeds.
// - Local steps are not interleaved (option `reduceLocalSteps`, default on): when some thread's
//   next instruction touches no memory (ALU, branch, barrier, CLREX, HALT), only that step is
//   explored from the state. This loses no final state: the thread must execute that
//   instruction before it can end, and it commutes with every other thread's steps (it reads
//   and writes only its own registers, flags, pc and monitor; another thread's write can only
//   invalidate the monitor, which a CLREX or HALT clears either way), so any execution can be
//   reordered to run it first with the same final state. It is the classic "stubborn set"
//   reduction for terminal states; the tests run with it on and off.
// - Code addresses are instruction indices: BL writes pc + 1 to X30, BR/RET jump to a register's
//   value. A thread ends at HALT or when its pc reaches the end of the code.
import { ADDR_MASK, ADDR_SHIFT, AddrMode, EXTEND_MASK, EXTEND_SHIFT, F, FLAG_EXCL, FLAG_EXTEND, FLAG_IMM2, FLAG_SF, FLAG_SIGNED, INSN_WORDS, NUM_REGS, Op, OP_NAMES, REG_ZR, SHAMT_MASK, SHAMT_SHIFT, Shift, SHTYPE_MASK, SHTYPE_SHIFT, SIZE_MASK, SIZE_SHIFT } from '../../isa/instructions.ts';
import { DATA_BASE } from '../../isa/program.ts';
import { type Value } from '../../litmus/parser.ts';
import { typedValue } from '../../litmus/state.ts';
import { type LitmusTest, type Program } from '../../index.ts';


/** One final state: per thread its NUM_REGS registers (unsigned 64-bit), and every memory word
 * that is initialised or nonzero, by byte address (unsigned 64-bit). */
export interface ScFinal {
  regs: bigint[][];
  memory: Map<number, bigint>;
}

export interface ScOptions {
  /** Give up (throw) after visiting this many distinct states. Default 2e6. */
  maxStates?: number;
  /** Give up (throw) when one thread executes more instructions than this on one path. Default 1000. */
  maxStepsPerThread?: number;
  /** Explore the spurious failure of STXRs that could succeed (see the header). Default true. */
  spuriousStxrFailure?: boolean;
  /** Run a thread's next instruction alone, without interleaving, when it touches no memory
   * (see the header). Default true; off explores every interleaving of every instruction. */
  reduceLocalSteps?: boolean;
}

/** The distinct final states of all SC executions of `program`. */
export function enumerateSc(program: Program, opts: ScOptions = {}): ScFinal[] {
  const maxStates = opts.maxStates ?? 2e6;
  const maxSteps = opts.maxStepsPerThread ?? 1000;
  const spurious = opts.spuriousStxrFailure ?? true;
  const reduceLocalSteps = opts.reduceLocalSteps ?? true;

  const start: State = {
    threads: program.threads.map((spec) => {
      const regs = new Array<bigint>(NUM_REGS).fill(0n);
      for (const [reg, lo, hi] of spec.initRegs) if (reg !== REG_ZR) regs[reg] = halves(lo, hi);
      return thread(endIfPast(program, spec.entry), regs, 0, NO_MONITOR, 0, false, 0);
    }),
    mem: initialMemory(program),
  };

  const visited = new Set<string>([enumStateKey(start)]);
  const finals = new Map<string, ScFinal>();
  const stack: State[] = [start];
  while (stack.length > 0) {
    const s = stack.pop()!;
    const local = reduceLocalSteps ? threadWithLocalStep(program, s) : -1;
    let running = false;
    for (let t = 0; t < s.threads.length; t++) {
      if (s.threads[t].pc === DONE || (local >= 0 && t !== local)) continue;
      running = true;
      if (s.threads[t].steps >= maxSteps) {
        throw new Error(`${program.name}: thread ${program.threads[t].name} ran more than ${maxSteps} ` +
          `instructions on one execution path (unbounded loop?)`);
      }
      for (const next of successors(program, s, t, spurious)) {
        const key = enumStateKey(next);
        if (visited.has(key)) continue;
        visited.add(key);
        if (visited.size > maxStates) {
          throw new Error(`${program.name}: more than ${maxStates} SC states; state space too large or unbounded`);
        }
        stack.push(next);
      }
    }
    if (!running) {
      const key = s.threads.map((th) => th.regs.join(',')).join('|') + '#' + memKey(s.mem);
      if (!finals.has(key)) finals.set(key, { regs: s.threads.map((th) => th.regs.slice()), memory: new Map(s.mem) });
    }
  }
  return [...finals.values()];
}

// ---------------------------------------------------------------------------------------------
// Litmus projection

/** SC final states projected onto the test's observed variables, as herd7 prints them: each
 * at its declared type, a value holding a location's address as that location's name;
 * deduplicated, sorted, keys in `test.observed` order. */
export function scStates(test: Pick<LitmusTest, 'program' | 'observed'>, opts: ScOptions = {}): Record<string, Value>[] {
  const names = new Map<number, string>();
  for (const [name, addr] of Object.entries(test.program.symbols)) names.set(addr, name);
  const byKey = new Map<string, Record<string, Value>>();
  const typed = (v: bigint, t: (typeof test.observed)[number]['type']): Value =>
    typedValue(Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)), t, names);
  for (const f of enumerateSc(test.program, opts)) {
    const state: Record<string, Value> = {};
    for (const v of test.observed) {
      if (v.kind === 'reg') state[v.key] = typed(v.reg === REG_ZR ? 0n : f.regs[v.thread][v.reg], v.type);
      else state[v.key] = typed((f.memory.get(v.addr - (v.addr & 7)) ?? 0n) >> BigInt(8 * (v.addr & 7)), v.type);
    }
    byKey.set(test.observed.map((v) => String(state[v.key])).join('|'), state);
  }
  const keys = test.observed.map((v) => v.key);
  return [...byKey.values()].sort((a, b) => compareStates(a, b, keys));
}

function compareStates(a: Record<string, Value>, b: Record<string, Value>, keys: string[]): number {
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    if (typeof x !== typeof y) return typeof x === 'number' ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// State

/** pc of a thread that has ended. */
const DONE = -1;
const NO_MONITOR = -1;

interface ThreadState {
  readonly pc: number;
  readonly regs: bigint[];
  /** N=8, Z=4, C=2, V=1. */
  readonly nzcv: number;
  /** Address marked by the last LDXR, or NO_MONITOR, and the size of that LDXR. */
  readonly mon: number;
  readonly monSize: number;
  /** The marked word has not been written by another thread since the LDXR. */
  readonly monValid: boolean;
  /** Instructions executed on the path that first reached this state (for the step bound only). */
  readonly steps: number;
  readonly key: string;
}

interface State {
  readonly threads: ThreadState[];
  /** Shared between states; copied before a write. */
  readonly mem: Map<number, bigint>;
}

function thread(pc: number, regs: bigint[], nzcv: number, mon: number, monSize: number, monValid: boolean, steps: number): ThreadState {
  const valid = mon !== NO_MONITOR && monValid;
  return { pc, regs, nzcv, mon, monSize, monValid: valid, steps, key: `${pc};${nzcv};${mon};${monSize};${valid ? 1 : 0};${regs.join(',')}` };
}

/** The key of an interleaving state (registers, memory, pcs), for the visited set. */
function enumStateKey(s: State): string {
  return s.threads.map((t) => t.key).join('|') + '#' + memKey(s.mem);
}

function memKey(mem: Map<number, bigint>): string {
  return [...mem.keys()].sort((a, b) => a - b).map((a) => `${a}:${mem.get(a)}`).join(',');
}

function initialMemory(p: Program): Map<number, bigint> {
  const mem = new Map<number, bigint>();
  for (let i = 0; i < p.initLo.length; i++) mem.set(DATA_BASE + 8 * i, halves(p.initLo[i], p.initHi[i]));
  return mem;
}

function halves(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

function endIfPast(p: Program, pc: number): number {
  if (pc === p.length) return DONE;
  if (pc < 0 || pc > p.length) throw new Error(`${p.name}: pc ${pc} is outside the code (0..${p.length})`);
  return pc;
}

/** Instructions that read or write memory: the only ones whose order between threads matters. */
const MEMORY_OPS = new Set<Op>([
  Op.LDR, Op.STR, Op.STXR, Op.LDP, Op.STP, Op.SWP, Op.CAS, Op.LDADD, Op.LDCLR, Op.LDEOR, Op.LDSET,
  Op.LDSMAX, Op.LDSMIN, Op.LDUMAX, Op.LDUMIN,
]);

/** A running thread whose next instruction touches no memory, or -1. */
function threadWithLocalStep(p: Program, s: State): number {
  for (let t = 0; t < s.threads.length; t++) {
    const pc = s.threads[t].pc;
    if (pc !== DONE && !MEMORY_OPS.has(p.code[pc * INSN_WORDS + F.OP])) return t;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// One instruction

/** The states after thread `t` executes its next instruction: one, or two for a STXR that may
 * succeed (success and spurious failure). */
function successors(p: Program, s: State, t: number, spurious: boolean): State[] {
  const first = new Step(p, s, t, false);
  first.run();
  const out = [first.result()];
  if (spurious && first.stxrSucceeded) {
    const failing = new Step(p, s, t, true);
    failing.run();
    out.push(failing.result());
  }
  return out;
}

/** Executes one instruction of one thread against a state, producing the next state. */
class Step {
  private readonly base: number;
  private readonly regs: bigint[];
  private nzcv: number;
  private mon: number;
  private monSize: number;
  private monValid: boolean;
  private nextPc: number;
  private mem: Map<number, bigint>;
  private memCopied = false;
  private readonly threads: ThreadState[];
  stxrSucceeded = false;

  constructor(private readonly p: Program, s: State, private readonly t: number, private readonly forceStxrFail: boolean) {
    const th = s.threads[t];
    this.base = th.pc * INSN_WORDS;
    this.regs = th.regs.slice();
    this.nzcv = th.nzcv;
    this.mon = th.mon;
    this.monSize = th.monSize;
    this.monValid = th.monValid;
    this.nextPc = th.pc + 1;
    this.mem = s.mem;
    this.threads = s.threads.slice();
  }

  result(): State {
    const old = this.threads[this.t];
    const pc = this.nextPc === DONE ? DONE : endIfPast(this.p, this.nextPc);
    const mon = pc === DONE ? NO_MONITOR : this.mon;
    this.threads[this.t] = thread(pc, this.regs, this.nzcv, mon, this.monSize, this.monValid, old.steps + 1);
    return { threads: this.threads, mem: this.mem };
  }

  private w(field: number): number {
    return this.p.code[this.base + field];
  }

  private where(): string {
    const pc = this.base / INSN_WORDS;
    const src = this.p.src;
    const file = src.files[src.file[pc]] ?? this.p.name;
    return `${file}:${src.line[pc]}:${src.col[pc]} (pc ${pc}, ${src.text[pc] ?? OP_NAMES[this.w(F.OP)]})`;
  }

  // ---- registers ----

  private get(r: number, bits: number): bigint {
    return r === REG_ZR ? 0n : BigInt.asUintN(bits, this.regs[r]);
  }

  private set(r: number, v: bigint, bits: number): void {
    if (r !== REG_ZR) this.regs[r] = BigInt.asUintN(bits, v);
  }

  // ---- memory ----

  private checkAligned(addr: number, bytes: number): void {
    if (addr % bytes !== 0) throw new Error(`${this.where()}: misaligned ${bytes}-byte access at 0x${addr.toString(16)}`);
  }

  /** The `bytes` bytes at addr, unsigned. */
  private load(addr: number, bytes: number): bigint {
    this.checkAligned(addr, bytes);
    const word = this.mem.get(addr - (addr & 7)) ?? 0n;
    return BigInt.asUintN(8 * bytes, word >> BigInt(8 * (addr & 7)));
  }

  private store(addr: number, bytes: number, v: bigint): void {
    this.checkAligned(addr, bytes);
    const wordAddr = addr - (addr & 7);
    const shift = BigInt(8 * (addr & 7));
    const field = ((1n << BigInt(8 * bytes)) - 1n) << shift;
    const old = this.mem.get(wordAddr) ?? 0n;
    const word = (old & ~field) | ((BigInt.asUintN(8 * bytes, v) << shift) & field);
    if (!this.memCopied) {
      this.mem = new Map(this.mem);
      this.memCopied = true;
    }
    // Absent words read as 0; keep the map canonical so equal memories have equal keys.
    const initialised = wordAddr >= DATA_BASE && wordAddr < DATA_BASE + 8 * this.p.initLo.length;
    if (word === 0n && !initialised) this.mem.delete(wordAddr);
    else this.mem.set(wordAddr, word);
    // Another thread's exclusive on a byte of this store can no longer succeed.
    for (let i = 0; i < this.threads.length; i++) {
      const o = this.threads[i];
      if (i !== this.t && o.monValid && o.mon < addr + bytes && addr < o.mon + o.monSize) {
        this.threads[i] = thread(o.pc, o.regs, o.nzcv, o.mon, o.monSize, false, o.steps);
      }
    }
  }

  /** Effective address of a memory op; applies pre/post-index writeback to the base register. */
  private address(): number {
    const flags = this.w(F.FLAGS);
    const rn = this.w(F.RN);
    const base = this.get(rn, 64);
    const imm = BigInt(this.w(F.IMM_LO));
    const shamt = BigInt((flags & SHAMT_MASK) >> SHAMT_SHIFT);
    let addr: bigint;
    switch (((flags & ADDR_MASK) >> ADDR_SHIFT) as AddrMode) {
      case AddrMode.OFFSET: addr = base + imm; break;
      case AddrMode.PRE: addr = base + imm; this.set(rn, addr, 64); break;
      case AddrMode.POST: addr = base; this.set(rn, base + imm, 64); break;
      case AddrMode.REG: addr = base + (this.get(this.w(F.RM), 64) << shamt); break;
      case AddrMode.SXTW: addr = base + (BigInt.asIntN(32, this.get(this.w(F.RM), 32)) << shamt); break;
      case AddrMode.UXTW: addr = base + (this.get(this.w(F.RM), 32) << shamt); break;
      default: throw new Error(`${this.where()}: unknown addressing mode in flags 0x${flags.toString(16)}`);
    }
    addr = BigInt.asUintN(64, addr);
    if (addr > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${this.where()}: address 0x${addr.toString(16)} out of range`);
    return Number(addr);
  }

  // ---- flags and conditions ----

  private setNZ(result: bigint, bits: number, c: boolean, v: boolean): void {
    const n = (result >> BigInt(bits - 1)) & 1n;
    this.nzcv = (n ? 8 : 0) | (result === 0n ? 4 : 0) | (c ? 2 : 0) | (v ? 1 : 0);
  }

  /** Arm ARM ConditionHolds. */
  private holds(cond: number): boolean {
    const n = (this.nzcv & 8) !== 0;
    const z = (this.nzcv & 4) !== 0;
    const c = (this.nzcv & 2) !== 0;
    const v = (this.nzcv & 1) !== 0;
    let r: boolean;
    switch (cond >> 1) {
      case 0: r = z; break; // EQ / NE
      case 1: r = c; break; // CS / CC
      case 2: r = n; break; // MI / PL
      case 3: r = v; break; // VS / VC
      case 4: r = c && !z; break; // HI / LS
      case 5: r = n === v; break; // GE / LT
      case 6: r = n === v && !z; break; // GT / LE
      default: return true; // AL, NV
    }
    return (cond & 1) !== 0 ? !r : r;
  }

  // ---- the interpreter ----

  run(): void {
    const op = this.w(F.OP) as Op;
    const flags = this.w(F.FLAGS);
    const bits = (flags & FLAG_SF) !== 0 ? 64 : 32;
    /** Bytes per memory access (the record's size field), and a loaded value extended to bits. */
    const bytes = 1 << ((flags & SIZE_MASK) >>> SIZE_SHIFT);
    const ext = (v: bigint): bigint => ((flags & FLAG_SIGNED) !== 0 ? BigInt.asIntN(8 * bytes, v) : v);
    const rt = this.w(F.RT);
    const rn = this.w(F.RN);
    const rm = this.w(F.RM);
    const extra = this.w(F.EXTRA);
    const target = this.w(F.IMM_LO);
    const imm64 = halves(this.w(F.IMM_LO), this.w(F.IMM_HI));
    /** Second ALU operand: the immediate, or RM shifted as the flags say. */
    const op2 = (): bigint => (flags & FLAG_IMM2) !== 0
      ? BigInt.asUintN(bits, imm64)
      : (flags & FLAG_EXTEND) !== 0
        ? BigInt.asUintN(bits, extended(this.get(rm, 64), (flags & EXTEND_MASK) >>> EXTEND_SHIFT) << BigInt((flags & SHAMT_MASK) >> SHAMT_SHIFT))
        : shifted(this.get(rm, bits), (flags & SHTYPE_MASK) >> SHTYPE_SHIFT, (flags & SHAMT_MASK) >> SHAMT_SHIFT, bits);
    const a = (): bigint => this.get(rn, bits);

    switch (op) {
      case Op.NOP: case Op.DMB: case Op.ISB: return;
      case Op.HALT: this.nextPc = DONE; return;
      case Op.CLREX: this.mon = NO_MONITOR; return;
      case Op.SVC: throw new Error(`${this.where()}: SVC is unsupported by the SC enumerator`);

      case Op.MOVI: this.set(rt, imm64, bits); return;
      case Op.MOVK: {
        const sh = BigInt(extra);
        const old = this.get(rt, bits);
        this.set(rt, (old & ~(0xffffn << sh)) | (BigInt(this.w(F.IMM_LO) & 0xffff) << sh), bits);
        return;
      }
      case Op.ADD: this.set(rt, a() + op2(), bits); return;
      case Op.SUB: this.set(rt, a() - op2(), bits); return;
      case Op.ADDS: case Op.SUBS: {
        const x = a();
        const y = op2();
        const sub = op === Op.SUBS;
        // AddWithCarry(x, y, 0) or AddWithCarry(x, NOT y, 1).
        const yy = sub ? BigInt.asUintN(bits, ~y) : y;
        const carryIn = sub ? 1n : 0n;
        const unsigned = x + yy + carryIn;
        const signed = BigInt.asIntN(bits, x) + BigInt.asIntN(bits, yy) + carryIn;
        const result = BigInt.asUintN(bits, unsigned);
        this.setNZ(result, bits, unsigned !== result, BigInt.asIntN(bits, result) !== signed);
        this.set(rt, result, bits);
        return;
      }
      case Op.AND: this.set(rt, a() & op2(), bits); return;
      case Op.ANDS: {
        const result = a() & op2();
        this.setNZ(result, bits, false, false);
        this.set(rt, result, bits);
        return;
      }
      case Op.ORR: this.set(rt, a() | op2(), bits); return;
      case Op.EOR: this.set(rt, a() ^ op2(), bits); return;
      case Op.LSL: case Op.LSR: case Op.ASR: {
        const amount = (flags & FLAG_IMM2) !== 0 ? this.w(F.IMM_LO) : Number(this.get(rm, 64) % BigInt(bits));
        const type = op === Op.LSL ? Shift.LSL : op === Op.LSR ? Shift.LSR : Shift.ASR;
        this.set(rt, shifted(a(), type, amount, bits), bits);
        return;
      }
      case Op.CSEL: case Op.CSINC: case Op.CSINV: case Op.CSNEG: {
        if (this.holds(extra)) { this.set(rt, a(), bits); return; }
        const m = this.get(rm, bits);
        this.set(rt, op === Op.CSEL ? m : op === Op.CSINC ? m + 1n : op === Op.CSINV ? ~m : -m, bits);
        return;
      }
      // Plain MUL (MADD with Ra = ZR): the assembler leaves EXTRA unset for it.
      case Op.MUL: this.set(rt, a() * this.get(rm, bits), bits); return;

      case Op.B: this.nextPc = target; return;
      case Op.BCOND: if (this.holds(extra)) this.nextPc = target; return;
      case Op.BL: this.set(30, BigInt(this.nextPc), 64); this.nextPc = target; return;
      case Op.BR: case Op.RET: this.nextPc = this.codeAddress(this.get(rn, 64)); return;
      case Op.CBZ: if (this.get(rt, bits) === 0n) this.nextPc = target; return;
      case Op.CBNZ: if (this.get(rt, bits) !== 0n) this.nextPc = target; return;
      case Op.TBZ: if (((this.get(rt, 64) >> BigInt(extra)) & 1n) === 0n) this.nextPc = target; return;
      case Op.TBNZ: if (((this.get(rt, 64) >> BigInt(extra)) & 1n) !== 0n) this.nextPc = target; return;

      case Op.LDR: {
        const addr = this.address();
        this.set(rt, ext(this.load(addr, bytes)), bits);
        if ((flags & FLAG_EXCL) !== 0) { this.mon = addr; this.monSize = bytes; this.monValid = true; }
        return;
      }
      case Op.STR: {
        const v = this.get(rt, bits); // read before a writeback to the same register
        this.store(this.address(), bytes, v);
        return;
      }
      case Op.STXR: {
        const v = this.get(rt, bits);
        const addr = this.address();
        const ok = !this.forceStxrFail && this.mon === addr && this.monSize === bytes && this.monValid;
        if (ok) this.store(addr, bytes, v);
        this.stxrSucceeded = ok;
        this.mon = NO_MONITOR;
        this.set(rm, ok ? 0n : 1n, 32);
        return;
      }
      case Op.LDP: {
        const addr = this.address();
        const v1 = ext(this.load(addr, bytes));
        const v2 = ext(this.load(addr + bytes, bytes));
        this.set(rt, v1, bits);
        this.set(rm, v2, bits);
        return;
      }
      case Op.STP: {
        const v1 = this.get(rt, bits);
        const v2 = this.get(rm, bits);
        const addr = this.address();
        this.store(addr, bytes, v1);
        this.store(addr + bytes, bytes, v2);
        return;
      }
      case Op.SWP: case Op.LDADD: case Op.LDCLR: case Op.LDEOR: case Op.LDSET:
      case Op.LDSMAX: case Op.LDSMIN: case Op.LDUMAX: case Op.LDUMIN: {
        const addr = this.address();
        const old = this.load(addr, bytes);
        const s = BigInt.asUintN(8 * bytes, this.get(rm, bits));
        const signed = (x: bigint): bigint => BigInt.asIntN(8 * bytes, x);
        const next = op === Op.SWP ? s : op === Op.LDADD ? old + s : op === Op.LDCLR ? old & ~s
          : op === Op.LDEOR ? old ^ s : op === Op.LDSET ? old | s
          : op === Op.LDSMAX ? (signed(s) > signed(old) ? s : old) : op === Op.LDSMIN ? (signed(s) < signed(old) ? s : old)
          : op === Op.LDUMAX ? (s > old ? s : old) : s < old ? s : old;
        this.store(addr, bytes, next);
        this.set(rt, old, bits);
        return;
      }
      case Op.CAS: {
        const addr = this.address();
        const old = this.load(addr, bytes);
        if (old === BigInt.asUintN(8 * bytes, this.get(rm, bits))) this.store(addr, bytes, this.get(rt, bits));
        this.set(rm, old, bits);
        return;
      }
      default:
        throw new Error(`${this.where()}: unsupported op ${op}`);
    }
  }

  private codeAddress(v: bigint): number {
    if (v > BigInt(this.p.length)) throw new Error(`${this.where()}: branch to ${v}, outside the code (0..${this.p.length})`);
    return Number(v);
  }
}

/** Arm ARM ExtendReg before the shift: the low 8, 16, 32 or 64 bits, zero- or sign-extended. */
function extended(v: bigint, ext: number): bigint {
  const width = [8, 16, 32, 64][ext & 3];
  return ext >= 4 ? BigInt.asIntN(width, v) : BigInt.asUintN(width, v);
}

/** Arm ARM ShiftReg on a `bits`-wide value. */
function shifted(v: bigint, type: number, amount: number, bits: number): bigint {
  const a = BigInt(amount % bits);
  const x = BigInt.asUintN(bits, v);
  switch (type as Shift) {
    case Shift.LSL: return BigInt.asUintN(bits, x << a);
    case Shift.LSR: return x >> a;
    case Shift.ASR: return BigInt.asUintN(bits, BigInt.asIntN(bits, x) >> a);
    default: return a === 0n ? x : BigInt.asUintN(bits, (x >> a) | (x << (BigInt(bits) - a)));
  }
}
