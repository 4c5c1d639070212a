// Encoders of barriers (DMB, DSB, ISB), hints and system instructions (NOP, YIELD, CLREX, SVC,
// HLT, BRK/UDF, MRS/MSR of TPIDR_EL0).
//
// The hint space (HINT #0..127: NOP, YIELD, WFE, WFI, SEV, SEVL, the pointer-authentication
// hints PACIASP/AUTIASP/XPACLRI..., BTI, ESB, CSDB) executes as NOP. That is exact for the cores
// hangar models: an ARMv8.0/8.1 core has no pointer authentication or branch target
// identification, and those instructions were allocated in the hint space so that such cores
// run them as NOPs (Arm ARM, "Hint instructions"). WFE and WFI may complete at any time (Arm
// ARM, "Wait for Event": a WFE can wake spuriously), so a NOP is a correct implementation, and
// a spin loop around WFE still repeats its state, which the hang detector recognises.
import { Barrier, F, Op, SysReg } from '../../isa/instructions.ts';
import { type EncodeContext, type Encoder, bad, operand, noMoreThan, imm, inRange, reg } from './context.ts';

export function noOperands(op: Op): Encoder {
  return (c) => {
    noMoreThan(c, 0);
    c.rec[F.OP] = op;
  };
}

/** An optional or required `#imm` in lo..hi; returns its value (0 when absent). */
function sysImm(c: EncodeContext, i: number, hi: number, required: boolean): number {
  if (!required && c.ops[i] === undefined) return 0;
  const expected = `an #immediate 0..${hi}`;
  const o = imm(c, i, expected);
  noMoreThan(c, i + 1);
  return inRange(c, o, c.constant(o), 0n, BigInt(hi), expected);
}

const BARRIERS: Record<string, Barrier> = {
  sy: Barrier.FULL, ish: Barrier.FULL, osh: Barrier.FULL, nsh: Barrier.FULL,
  ld: Barrier.LD, ishld: Barrier.LD, oshld: Barrier.LD, nshld: Barrier.LD,
  st: Barrier.ST, ishst: Barrier.ST, oshst: Barrier.ST, nshst: Barrier.ST,
};
/** CRm values of the named options, for DMB #imm. */
const BARRIER_CRM: Record<number, Barrier> = {
  15: Barrier.FULL, 11: Barrier.FULL, 7: Barrier.FULL, 3: Barrier.FULL,
  13: Barrier.LD, 9: Barrier.LD, 5: Barrier.LD, 1: Barrier.LD,
  14: Barrier.ST, 10: Barrier.ST, 6: Barrier.ST, 2: Barrier.ST,
};

export const barrier: Encoder = (c) => {
  const expected = 'a barrier option (SY, ISH, ISHLD, ISHST, LD, ST, OSH, OSHLD, OSHST, NSH, NSHLD, NSHST)';
  const o = operand(c, 0, expected);
  noMoreThan(c, 1);
  let kind: Barrier | undefined;
  if (o.k === 'imm' && o.hash) {
    const crm = c.constant(o);
    kind = crm >= 0n && crm <= 15n ? BARRIER_CRM[Number(crm)] : undefined;
  } else if (o.k === 'imm' && o.word !== null) {
    kind = BARRIERS[o.word.toLowerCase()];
  }
  if (kind === undefined) bad(c, o, expected);
  c.rec[F.OP] = Op.DMB;
  c.rec[F.EXTRA] = kind;
};

export const isb: Encoder = (c) => {
  c.rec[F.OP] = Op.ISB;
  const o = c.ops[0];
  noMoreThan(c, 1);
  if (o === undefined) return;
  const ok = o.k === 'imm' && ((o.word !== null && o.word.toLowerCase() === 'sy') || (o.hash && c.constant(o) === 15n));
  if (!ok) bad(c, o, 'SY or nothing');
};

export const clrex: Encoder = (c) => {
  sysImm(c, 0, 15, false);
  c.rec[F.OP] = Op.CLREX;
};

export const svc: Encoder = (c) => {
  c.rec[F.IMM_LO] = sysImm(c, 0, 0xffff, true);
  c.rec[F.OP] = Op.SVC;
};

export const hlt: Encoder = (c) => {
  sysImm(c, 0, 0xffff, true);
  c.rec[F.OP] = Op.HALT;
};

/** HINT #0..127: every hint is a NOP here (see the header). */
export const hint: Encoder = (c) => {
  sysImm(c, 0, 127, true);
  c.rec[F.OP] = Op.NOP;
};

/** BTI {c|j|jc}: a NOP (no branch target identification on the cores hangar models). */
export const bti: Encoder = (c) => {
  noMoreThan(c, 1);
  const o = c.ops[0];
  if (o !== undefined && !(o.k === 'imm' && !o.hash && o.word !== null && /^(c|j|jc)$/i.test(o.word))) bad(c, o, 'C, J, JC or nothing');
  c.rec[F.OP] = Op.NOP;
};

/** BRK #imm16 / UDF #imm16: a trap when executed. */
export function trap(kind: 0 | 1): Encoder {
  return (c) => {
    c.rec[F.IMM_LO] = sysImm(c, 0, 0xffff, true);
    c.rec[F.EXTRA] = kind;
    c.rec[F.OP] = Op.TRAP;
  };
}

/** System register names MRS/MSR take: the name, and its generic form S<op0>_<op1>_C<n>_C<m>_<op2>. */
const SYSREGS: Record<string, SysReg> = { tpidr_el0: SysReg.TPIDR_EL0, s3_3_c13_c0_2: SysReg.TPIDR_EL0 };

function sysReg(c: EncodeContext, i: number): SysReg {
  const expected = 'a system register (hangar provides TPIDR_EL0 only)';
  const o = operand(c, i, expected);
  const name = o.k === 'imm' && !o.hash && o.word !== null ? o.word.toLowerCase() : null;
  const r = name !== null ? SYSREGS[name] : undefined;
  if (r === undefined) {
    const what = name !== null ? `system register '${o.k === 'imm' ? o.word : ''}'` : 'this operand';
    bad(c, o, expected, `${c.mnemonic.toUpperCase()} of ${what} is not supported: hangar provides only TPIDR_EL0 (the EL0 thread pointer)`);
  }
  return r;
}

/** MRS Xt, TPIDR_EL0. */
export const mrs: Encoder = (c) => {
  const t = reg(c, 0);
  if (t.w) bad(c, c.ops[0], 'an X register');
  c.rec[F.EXTRA] = sysReg(c, 1);
  noMoreThan(c, 2);
  c.rec[F.OP] = Op.MRS;
  c.rec[F.RT] = t.idx;
};

/** MSR TPIDR_EL0, Xt. */
export const msr: Encoder = (c) => {
  c.rec[F.EXTRA] = sysReg(c, 0);
  const t = reg(c, 1);
  if (t.w) bad(c, c.ops[1], 'an X register');
  noMoreThan(c, 2);
  c.rec[F.OP] = Op.MSR;
  c.rec[F.RT] = t.idx;
};
