// Per-opcode facts, stated once: what class each Op is, which record fields name the registers
// it reads and writes, whether it reads or sets the flags, and how many memory words it
// accesses. The executor and the timing model (bench/timing) read this table instead of each
// re-encoding the opcode switch; a new opcode is described here once.
import { addrMode, AddrMode, F, FLAG_IMM2, Op, OP_COUNT, OP_NAMES, SIZE_MASK, SIZE_SHIFT } from './instructions.ts';

export enum OpClass {
  NOP,
  /** MOVI, MOVK, MRS, MSR. */
  MOVE,
  /** ADD ... ASR, bitfield moves, bit counts, conditional compares: one result (or the flags)
   * from RN and a second operand. */
  ALU,
  /** MUL, MADD, the long and high multiplies, SDIV/UDIV. */
  MUL,
  /** CSEL and friends: a result chosen by the flags. */
  SELECT,
  /** B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR, BLR, RET. */
  BRANCH,
  LOAD,
  STORE,
  LOAD_PAIR,
  STORE_PAIR,
  STORE_EXCLUSIVE,
  /** LSE atomics: SWP, CAS, LD<op>. */
  ATOMIC,
  /** DMB / DSB. */
  BARRIER,
  ISB,
  CLREX,
  /** SVC: a system call; TRAP. */
  SYSTEM,
  HALT,
}

/** A record field that names a register: F.RT, F.RN, F.RM, or F.EXTRA (the addend Ra of
 * MADD/MSUB and the long multiplies). */
export type RegField = typeof F.RT | typeof F.RN | typeof F.RM | typeof F.EXTRA;

export interface OpInfo {
  readonly op: Op;
  /** The Op's name, e.g. 'LDADD'. */
  readonly name: string;
  readonly cls: OpClass;
  /** Registers read, always. */
  readonly reads: readonly RegField[];
  /** RM is read as the second operand unless FLAG_IMM2 (the immediate form). */
  readonly operand2: boolean;
  /** A memory access addressed by RN: RM is also read in register-offset addressing, and RN
   * is written back in pre- and post-index addressing. */
  readonly addressed: boolean;
  /** Registers written (the first is the result of an RMW: the zero register there means the
   * old value is not returned). */
  readonly writes: readonly RegField[];
  /** Writes X30 (BL). */
  readonly link: boolean;
  readonly readsFlags: boolean;
  readonly setsFlags: boolean;
  /** Memory words accessed, each of accessBytes(flags). */
  readonly accesses: 0 | 1 | 2;
}

const { RT, RN, RM, EXTRA: RA } = F;

type Facts = Omit<OpInfo, 'op' | 'name'>;
const base: Facts = { cls: OpClass.NOP, reads: [], operand2: false, addressed: false, writes: [], link: false, readsFlags: false, setsFlags: false, accesses: 0 };
const alu = (setsFlags = false): Facts => ({ ...base, cls: OpClass.ALU, reads: [RN], operand2: true, writes: [RT], setsFlags });
/** One result from RN alone (bitfield moves, bit counts, byte reversal). */
const unary: Facts = { ...base, cls: OpClass.ALU, reads: [RN], writes: [RT] };
const mul = (reads: RegField[]): Facts => ({ ...base, cls: OpClass.MUL, reads, writes: [RT] });
const select: Facts = { ...base, cls: OpClass.SELECT, reads: [RN, RM], writes: [RT], readsFlags: true };
const branch = (reads: RegField[] = []): Facts => ({ ...base, cls: OpClass.BRANCH, reads });
const atomic = (reads: RegField[], writes: RegField[]): Facts => ({ ...base, cls: OpClass.ATOMIC, reads, writes, addressed: true, accesses: 1 });

const FACTS: Record<Op, Facts> = {
  [Op.NOP]: base,
  [Op.MOVI]: { ...base, cls: OpClass.MOVE, writes: [RT] },
  [Op.MOVK]: { ...base, cls: OpClass.MOVE, reads: [RT], writes: [RT] },
  [Op.ADD]: alu(),
  [Op.SUB]: alu(),
  [Op.ADDS]: alu(true),
  [Op.SUBS]: alu(true),
  [Op.AND]: alu(),
  [Op.ANDS]: alu(true),
  [Op.ORR]: alu(),
  [Op.EOR]: alu(),
  [Op.LSL]: alu(),
  [Op.LSR]: alu(),
  [Op.ASR]: alu(),
  [Op.CSEL]: select,
  [Op.CSINC]: select,
  [Op.CSINV]: select,
  [Op.CSNEG]: select,
  [Op.MUL]: mul([RN, RM]),
  [Op.MADD]: mul([RN, RM, RA]),
  [Op.MSUB]: mul([RN, RM, RA]),
  [Op.SMADDL]: mul([RN, RM, RA]),
  [Op.SMSUBL]: mul([RN, RM, RA]),
  [Op.UMADDL]: mul([RN, RM, RA]),
  [Op.UMSUBL]: mul([RN, RM, RA]),
  [Op.SMULH]: mul([RN, RM]),
  [Op.UMULH]: mul([RN, RM]),
  // Division is timed as a multiply: bench/costs has no divider latency.
  [Op.SDIV]: mul([RN, RM]),
  [Op.UDIV]: mul([RN, RM]),
  [Op.UBFM]: unary,
  [Op.SBFM]: unary,
  [Op.BFM]: { ...unary, reads: [RN, RT] },
  [Op.EXTR]: { ...unary, reads: [RN, RM] },
  [Op.ROR]: alu(),
  [Op.BIC]: alu(),
  [Op.BICS]: alu(true),
  [Op.ORN]: alu(),
  [Op.EON]: alu(),
  [Op.ADC]: { ...alu(), readsFlags: true },
  [Op.ADCS]: { ...alu(true), readsFlags: true },
  [Op.SBC]: { ...alu(), readsFlags: true },
  [Op.SBCS]: { ...alu(true), readsFlags: true },
  [Op.CCMP]: { ...alu(true), writes: [], readsFlags: true },
  [Op.CCMN]: { ...alu(true), writes: [], readsFlags: true },
  [Op.CLZ]: unary,
  [Op.CLS]: unary,
  [Op.RBIT]: unary,
  [Op.REV]: unary,
  [Op.REV16]: unary,
  [Op.REV32]: unary,
  [Op.B]: branch(),
  [Op.BCOND]: { ...branch(), readsFlags: true },
  [Op.BL]: { ...branch(), link: true },
  [Op.BR]: branch([RN]),
  [Op.BLR]: { ...branch([RN]), link: true },
  [Op.RET]: branch([RN]),
  [Op.CBZ]: branch([RT]),
  [Op.CBNZ]: branch([RT]),
  [Op.TBZ]: branch([RT]),
  [Op.TBNZ]: branch([RT]),
  [Op.LDR]: { ...base, cls: OpClass.LOAD, reads: [RN], addressed: true, writes: [RT], accesses: 1 },
  [Op.STR]: { ...base, cls: OpClass.STORE, reads: [RN, RT], addressed: true, accesses: 1 },
  [Op.STXR]: { ...base, cls: OpClass.STORE_EXCLUSIVE, reads: [RN, RT], writes: [RM], accesses: 1 },
  [Op.LDP]: { ...base, cls: OpClass.LOAD_PAIR, reads: [RN], addressed: true, writes: [RT, RM], accesses: 2 },
  [Op.STP]: { ...base, cls: OpClass.STORE_PAIR, reads: [RN, RT, RM], addressed: true, accesses: 2 },
  [Op.SWP]: atomic([RN, RM], [RT]),
  [Op.CAS]: atomic([RN, RM, RT], [RM]),
  [Op.LDADD]: atomic([RN, RM], [RT]),
  [Op.LDCLR]: atomic([RN, RM], [RT]),
  [Op.LDEOR]: atomic([RN, RM], [RT]),
  [Op.LDSET]: atomic([RN, RM], [RT]),
  [Op.LDSMAX]: atomic([RN, RM], [RT]),
  [Op.LDSMIN]: atomic([RN, RM], [RT]),
  [Op.LDUMAX]: atomic([RN, RM], [RT]),
  [Op.LDUMIN]: atomic([RN, RM], [RT]),
  [Op.DMB]: { ...base, cls: OpClass.BARRIER },
  [Op.ISB]: { ...base, cls: OpClass.ISB },
  [Op.SVC]: { ...base, cls: OpClass.SYSTEM },
  [Op.CLREX]: { ...base, cls: OpClass.CLREX },
  [Op.MRS]: { ...base, cls: OpClass.MOVE, writes: [RT] },
  [Op.MSR]: { ...base, cls: OpClass.MOVE, reads: [RT] },
  [Op.TRAP]: { ...base, cls: OpClass.SYSTEM },
  [Op.HALT]: { ...base, cls: OpClass.HALT },
};

/** OPCODES[op]: the facts of every Op, indexed by its number. */
export const OPCODES: readonly OpInfo[] = Array.from({ length: OP_COUNT }, (_, op) => ({ op, name: OP_NAMES[op], ...FACTS[op as Op] }));

/** Bytes each memory access of these flags reads or writes (the SIZE field: 1, 2, 4 or 8). */
export function accessBytes(flags: number): 1 | 2 | 4 | 8 {
  return (1 << ((flags & SIZE_MASK) >>> SIZE_SHIFT)) as 1 | 2 | 4 | 8;
}

/** Register-offset addressing ([Xn, Xm], [Xn, Wm, SXTW/UXTW]): the index register is read. */
export function indexAddressing(flags: number): boolean {
  const mode = addrMode(flags);
  return mode === AddrMode.REG || mode === AddrMode.SXTW || mode === AddrMode.UXTW;
}

/** Pre- or post-index addressing: the base register is written back. */
export function writesBack(flags: number): boolean {
  const mode = addrMode(flags);
  return mode === AddrMode.PRE || mode === AddrMode.POST;
}

/**
 * The registers the instruction at record offset b reads, into out (the zero register
 * included: it reads as 0); returns how many. Allocation-free.
 */
export function sourceRegs(code: Int32Array, b: number, out: Int32Array): number {
  const info = OPCODES[code[b + F.OP]];
  const flags = code[b + F.FLAGS];
  let k = 0;
  for (const f of info.reads) out[k++] = code[b + f];
  if (info.operand2 && (flags & FLAG_IMM2) === 0) out[k++] = code[b + RM];
  if (info.addressed && indexAddressing(flags)) out[k++] = code[b + RM];
  return k;
}

/** The register an RMW returns the old value in (RT, or RS = RM for CAS); the zero register
 * means the value is not returned (a no-return atomic such as STADD). */
export function resultReg(code: Int32Array, b: number): number {
  return code[b + OPCODES[code[b + F.OP]].writes[0]];
}
