// Encoders of barriers (DMB, DSB, ISB), hints and system instructions (NOP, YIELD, CLREX, SVC, HLT).
import { Barrier, F, Op } from '../../isa/instructions.ts';
import { type EncodeContext, type Encoder, bad, operand, noMoreThan, imm, inRange } from './context.ts';

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
