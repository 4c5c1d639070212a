// Encoders of branches (B, BL, B.cond, BR, BLR, RET, CBZ/CBNZ, TBZ/TBNZ) and ADR/ADRP.
import { Cond, F, FLAG_SF, Op } from '../../isa/instructions.ts';
import { type EncodeContext, type Encoder, bad, operand, noMoreThan, reg, xReg, imm, sf, setImm64, inRange } from './context.ts';
import { type ImmOperand } from '../operands.ts';

function target(c: EncodeContext, i: number): ImmOperand {
  const o = operand(c, i, 'a code label');
  if (o.k !== 'imm' || o.hash) bad(c, o, 'a code label');
  return o;
}

export function branch(op: Op, k: Cond | null): Encoder {
  return (c) => {
    const t = target(c, 0);
    noMoreThan(c, 1);
    c.rec[F.OP] = op;
    if (k !== null) c.rec[F.EXTRA] = k;
    c.codeTarget(t, (pc) => {
      c.rec[F.IMM_LO] = pc;
    });
  };
}

/** BR/BLR Xn: the register must hold a code address (an instruction index) when executed. */
export function branchRegister(op: Op): Encoder {
  return (c) => {
    const n = reg(c, 0, {});
    xReg(c, 0, n);
    noMoreThan(c, 1);
    c.rec[F.OP] = op;
    c.rec[F.RN] = n.idx;
  };
}

export const ret: Encoder = (c) => {
  c.rec[F.OP] = Op.RET;
  c.rec[F.RN] = 30;
  if (c.ops.length === 0) return;
  const n = reg(c, 0, {});
  xReg(c, 0, n);
  noMoreThan(c, 1);
  c.rec[F.RN] = n.idx;
};

export function cbz(op: Op): Encoder {
  return (c) => {
    const t = reg(c, 0);
    const l = target(c, 1);
    noMoreThan(c, 2);
    c.rec[F.OP] = op;
    c.rec[F.RT] = t.idx;
    c.rec[F.FLAGS] = sf(t);
    c.codeTarget(l, (pc) => {
      c.rec[F.IMM_LO] = pc;
    });
  };
}

export function tbz(op: Op): Encoder {
  return (c) => {
    const t = reg(c, 0);
    const max = t.w ? 31n : 63n;
    const b = imm(c, 1, `a bit number #0..${max}`);
    const bit = inRange(c, b, c.constant(b), 0n, max, `a bit number #0..${max}${t.w ? ' (W register)' : ''}`);
    const l = target(c, 2);
    noMoreThan(c, 3);
    c.rec[F.OP] = op;
    c.rec[F.RT] = t.idx;
    c.rec[F.EXTRA] = bit;
    c.rec[F.FLAGS] = sf(t);
    c.codeTarget(l, (pc) => {
      c.rec[F.IMM_LO] = pc;
    });
  };
}

/** ADR/ADRP Xd, sym: the address as a MOVI (a code label's address is its pc). */
export function adr(page: boolean): Encoder {
  return (c) => {
    const d = reg(c, 0);
    xReg(c, 0, d);
    const o = imm(c, 1, 'a label or an address');
    noMoreThan(c, 2);
    c.rec[F.OP] = Op.MOVI;
    c.rec[F.RT] = d.idx;
    c.rec[F.FLAGS] = FLAG_SF;
    c.value(o, (v) => setImm64(c.rec, page ? v & ~0xfffn : v));
  };
}
