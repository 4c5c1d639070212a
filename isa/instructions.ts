// The decoded instruction format shared by the assembler (producer) and the cores (consumer).
//
// A program's code is one Int32Array of fixed-size records, INSN_WORDS words each, so the step
// loop indexes it without allocating and the whole program can be copied into a worker as-is.
// Every register operand is an index into the register file below; whether register number 31
// means the zero register or SP is decided by the assembler, never by the core.

export const INSN_WORDS = 8;

/** Word offsets inside one instruction record. */
export const F = {
  /** Op code (enum Op). */
  OP: 0,
  /** Rt / Rd: destination of loads and ALU ops, data source of stores, new value of CAS. */
  RT: 1,
  /** Rn: base register of memory ops, first source of ALU ops, target of RET/BR. */
  RN: 2,
  /** Rm / Rs: second source of ALU ops, index register, Rt2 of pairs, status of STXR,
   * Rs (value/compare) of LSE atomics. */
  RM: 3,
  /** Bit field, see FLAG_* below. */
  FLAGS: 4,
  /** Immediate, low 32 bits (offsets, ALU immediates, branch target pc, SVC number). */
  IMM_LO: 5,
  /** Immediate, high 32 bits (64-bit MOV immediates, ADR addresses). */
  IMM_HI: 6,
  /** Extra operand: TBZ bit number, condition of CSEL/CCMP/B.cond, barrier kind, Ra of
   * MADD/MSUB/SMADDL..., system register of MRS/MSR. */
  EXTRA: 7,
} as const;

/** Register file indices: 0..30 = X0..X30, then the zero register and the stack pointer. */
export const REG_ZR = 31;
export const REG_SP = 32;
export const NUM_REGS = 33;

export enum Op {
  NOP = 0,
  // ---- moves and ALU (result to RT; sources RN, and RM or the immediate) ----
  /** RT = 64-bit immediate (IMM_LO/IMM_HI), truncated to 32 bits and zero-extended when !SF.
   * Covers MOV #imm, MOVZ (with the shift applied by the assembler), MOVN, ADR, LDR =sym. */
  MOVI,
  /** RT = (RT & ~(0xffff << EXTRA)) | (IMM_LO << EXTRA); EXTRA in {0,16,32,48}. */
  MOVK,
  ADD,
  SUB,
  ADDS,
  SUBS,
  AND,
  ANDS,
  ORR,
  EOR,
  /** Shifts by register (RM) or immediate (FLAG_IMM2). */
  LSL,
  LSR,
  ASR,
  /** RT = cond(EXTRA) ? RN : RM. */
  CSEL,
  /** RT = cond ? RN : RM + 1.  CSET rd, c == CSINC rd, zr, zr, !c. */
  CSINC,
  /** RT = cond ? RN : ~RM. */
  CSINV,
  /** RT = cond ? RN : -RM. */
  CSNEG,
  MUL,
  // ---- more arithmetic and bit operations (compiler output) ----
  /** RT = RA ± RN × RM (RA in EXTRA). MUL is MADD with RA = ZR, MNEG is MSUB with RA = ZR. */
  MADD,
  MSUB,
  /** Long multiplies: X RT = X RA ± (W RN × W RM), the W operands sign- (S) or zero- (U)
   * extended; SMULL/UMULL have RA = XZR. */
  SMADDL,
  SMSUBL,
  UMADDL,
  UMSUBL,
  /** High 64 bits of the 128-bit product of X RN and X RM, signed / unsigned. */
  SMULH,
  UMULH,
  /** Division truncating toward zero; a zero divisor gives 0 (Arm ARM, SDIV/UDIV: no trap). */
  SDIV,
  UDIV,
  /** Bitfield moves: IMM_LO = immr (R), IMM_HI = imms (S), as the A64 encoding. UBFM and SBFM
   * replace RT; BFM inserts into RT (RT is also read). Aliases: UBFX, UBFIZ, SBFX, SBFIZ, BFI,
   * BFXIL, SXTB/SXTH/SXTW, UXTB/UXTH/UXTW. */
  UBFM,
  SBFM,
  BFM,
  /** RT = low bits of (RN:RM) >> IMM_LO. */
  EXTR,
  /** Rotate right by register (RM) or immediate (FLAG_IMM2). */
  ROR,
  /** Logical ops with the second operand inverted (register forms; the immediate forms are
   * AND/ANDS/ORR/EOR of the inverted immediate). BICS sets the flags as ANDS. */
  BIC,
  BICS,
  ORN,
  EON,
  /** RN + RM + C and RN + ~RM + C (the carry flag); the S forms set the flags. */
  ADC,
  ADCS,
  SBC,
  SBCS,
  /** Conditional compare: if cond(EXTRA) holds, the flags of RN - op2 (CCMP) or RN + op2
   * (CCMN), else the flags IMM_HI (nzcv); op2 is RM or the immediate IMM_LO (FLAG_IMM2). */
  CCMP,
  CCMN,
  CLZ,
  CLS,
  RBIT,
  /** Byte reversal: of the whole register (REV), of each halfword (REV16), of each word (REV32). */
  REV,
  REV16,
  REV32,
  // ---- branches (target pc in IMM_LO) ----
  B,
  /** Condition code in EXTRA. */
  BCOND,
  BL,
  /** Branch to the address in RN (RET defaults RN to X30). */
  BR,
  /** Branch with link to the address in RN. */
  BLR,
  RET,
  CBZ,
  CBNZ,
  /** Bit number in EXTRA. */
  TBZ,
  TBNZ,
  // ---- memory ----
  /** Plain / acquire (FLAG_ACQ, FLAG_ACQPC) / exclusive (FLAG_EXCL) loads of every size
   * (SIZE_MASK) and signedness (FLAG_SIGNED): LDR{B,H,SB,SH,SW}, LDAR, LDAPR, LDXR, LDAXR. */
  LDR,
  /** Plain / release (FLAG_REL) stores of every size: STR{B,H}, STLR{B,H}. */
  STR,
  /** Store exclusive: status register in RM, data in RT. FLAG_REL for STLXR. */
  STXR,
  /** Load pair: RT, RM (= Rt2). */
  LDP,
  STP,
  /** LSE atomics: Rs in RM, Rt in RT; FLAG_ACQ / FLAG_REL from the A/L suffix. */
  SWP,
  CAS,
  LDADD,
  LDCLR,
  LDEOR,
  LDSET,
  /** Signed / unsigned maximum and minimum of the access size. */
  LDSMAX,
  LDSMIN,
  LDUMAX,
  LDUMIN,
  // ---- barriers and system ----
  /** DMB and DSB; kind in EXTRA (Barrier). */
  DMB,
  ISB,
  /** Supervisor call; immediate in IMM_LO (must be 0), number in X8. */
  SVC,
  CLREX,
  /** Read / write of a system register (SysReg in EXTRA): MRS RT, sysreg / MSR sysreg, RT. */
  MRS,
  MSR,
  /** BRK #imm (EXTRA 0), UDF #imm (EXTRA 1): a trap (GCC's __builtin_trap): the trial ends
   * with an error. EXTRA 2: the linker's pc 0 guard (LinkOptions.nullGuard): a branch to a
   * null function pointer. */
  TRAP,
  /** Marks the end of a litmus thread (falling off the end of its code). */
  HALT,
}

export const OP_COUNT = Op.HALT + 1;

// ---- FLAGS bits ----
/** 64-bit operation (X registers); clear = 32-bit (W registers). */
export const FLAG_SF = 1 << 0;
/** Acquire (RCsc): LDAR, LDAXR, the A suffix of atomics. */
export const FLAG_ACQ = 1 << 1;
/** Acquire-PC (RCpc): LDAPR. */
export const FLAG_ACQPC = 1 << 2;
/** Release: STLR, STLXR, the L suffix of atomics. */
export const FLAG_REL = 1 << 3;
/** Exclusive: LDXR/LDAXR (STXR has its own op). */
export const FLAG_EXCL = 1 << 4;
/** Second operand is the immediate (IMM_LO/IMM_HI) rather than RM. */
export const FLAG_IMM2 = 1 << 5;
/** Addressing mode, bits 8..11 (AddrMode). */
export const ADDR_SHIFT = 8;
export const ADDR_MASK = 0xf << ADDR_SHIFT;
/** Shift applied to RM: amount in bits 12..17, type (Shift) in bits 18..19.
 * For register-offset addressing the amount is the LSL of the index (0, 2 or 3). */
export const SHAMT_SHIFT = 12;
export const SHAMT_MASK = 0x3f << SHAMT_SHIFT;
export const SHTYPE_SHIFT = 18;
export const SHTYPE_MASK = 0x3 << SHTYPE_SHIFT;
/** Memory ops (LDR/STR/LDP/STP/STXR/SWP/CAS/LD<op>): log2 of the access size in bytes, bits
 * 20..21 (0 = 1, 1 = 2, 2 = 4, 3 = 8 bytes). A pair accesses two of this size. The register
 * width is FLAG_SF, independently: LDRB W1 and LDRSB X1 both access one byte. */
export const SIZE_SHIFT = 20;
export const SIZE_MASK = 0x3 << SIZE_SHIFT;
/** A load sign-extends from the access size to the register width (LDRSB/LDRSH/LDRSW, LDPSW);
 * clear: zero-extends. */
export const FLAG_SIGNED = 1 << 22;
/** ADD/SUB/ADDS/SUBS (extended register): the second operand is RM extended as EXTEND
 * (bits 24..26, enum Extend) and then shifted left by SHAMT (0..4), as in `ADD X2, X5, W3, SXTW`. */
export const FLAG_EXTEND = 1 << 23;
export const EXTEND_SHIFT = 24;
export const EXTEND_MASK = 0x7 << EXTEND_SHIFT;

export enum Extend {
  UXTB = 0, UXTH = 1, UXTW = 2, UXTX = 3, SXTB = 4, SXTH = 5, SXTW = 6, SXTX = 7,
}

export enum AddrMode {
  /** [Xn, #imm] (imm may be 0). */
  OFFSET = 0,
  /** [Xn, #imm]! */
  PRE = 1,
  /** [Xn], #imm */
  POST = 2,
  /** [Xn, Xm{, LSL #s}] */
  REG = 3,
  /** [Xn, Wm, SXTW{ #s}] */
  SXTW = 4,
  /** [Xn, Wm, UXTW{ #s}] */
  UXTW = 5,
}

export enum Shift {
  LSL = 0,
  LSR = 1,
  ASR = 2,
  ROR = 3,
}

export enum Cond {
  EQ = 0, NE = 1, CS = 2, CC = 3, MI = 4, PL = 5, VS = 6, VC = 7,
  HI = 8, LS = 9, GE = 10, LT = 11, GT = 12, LE = 13, AL = 14, NV = 15,
}

/** The system registers MRS/MSR may name: only the EL0 thread pointer (the runtime's thread
 * pointer and errno); anything else is refused by the assembler. */
export enum SysReg {
  TPIDR_EL0 = 0,
}

/** DMB/DSB options. Inner/outer shareable and full-system are one domain here (see emu/README). */
export enum Barrier {
  /** SY, ISH, OSH, NSH: orders everything. */
  FULL = 0,
  /** LD, ISHLD, OSHLD, NSHLD: orders earlier loads against later loads and stores. */
  LD = 1,
  /** ST, ISHST, OSHST, NSHST: orders earlier stores against later stores. */
  ST = 2,
}

export const OP_NAMES: readonly string[] = Object.keys(Op).filter((k) => isNaN(Number(k)));

/** The FLAGS bits of an access of 1, 2, 4 or 8 bytes. */
export function sizeFlags(bytes: 1 | 2 | 4 | 8): number {
  return (bytes === 1 ? 0 : bytes === 2 ? 1 : bytes === 4 ? 2 : 3) << SIZE_SHIFT;
}

/** The addressing mode of a memory op's FLAGS. */
export function addrMode(flags: number): AddrMode {
  return ((flags & ADDR_MASK) >> ADDR_SHIFT) as AddrMode;
}
