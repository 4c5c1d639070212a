// Encoders of the multiply-accumulate family (MADD, MSUB, MNEG, the long multiplies SMADDL,
// UMADDL, SMULL, UMULL... and SMULH/UMULH), SDIV/UDIV, add/subtract with carry, the
// conditional compares CCMP/CCMN and the inverted logical ops BIC, BICS, ORN, EON (whose
// immediate forms are AND/ANDS/ORR/EOR of the inverted immediate, as GNU as accepts them).
import { F, FLAG_IMM2, FLAG_SF, Op, REG_ZR } from '../../isa/instructions.ts';
import { type Encoder, allow, bad, cond, imm, inRange, LOGIC_SHIFTS, noMoreThan, operand, reg, sameWidth, setImm64, sf, shiftFlags, ZR_OK } from './context.ts';

/** MADD/MSUB Rd, Rn, Rm, Ra; MNEG (noAddend) is MSUB Rd, Rn, Rm, ZR. */
export function multiplyAdd(op: Op, noAddend = false): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const n = reg(c, 1);
    const m = reg(c, 2);
    sameWidth(c, 1, n, d);
    sameWidth(c, 2, m, d);
    let a = REG_ZR;
    if (!noAddend) {
      const ra = reg(c, 3);
      sameWidth(c, 3, ra, d);
      a = ra.idx;
    }
    noMoreThan(c, noAddend ? 3 : 4);
    c.rec[F.OP] = op;
    c.rec[F.RT] = d.idx;
    c.rec[F.RN] = n.idx;
    c.rec[F.RM] = m.idx;
    c.rec[F.EXTRA] = a;
    c.rec[F.FLAGS] = sf(d);
  };
}

/** SMADDL/SMSUBL/UMADDL/UMSUBL Xd, Wn, Wm, Xa; SMULL/UMULL/SMNEGL/UMNEGL Xd, Wn, Wm (Xa = XZR). */
export function multiplyLong(op: Op, noAddend = false): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const n = reg(c, 1);
    const m = reg(c, 2);
    if (d.w) bad(c, c.ops[0], 'an X register (the 64-bit product)');
    if (!n.w) bad(c, c.ops[1], 'a W register (a 32-bit factor)');
    if (!m.w) bad(c, c.ops[2], 'a W register (a 32-bit factor)');
    let a = REG_ZR;
    if (!noAddend) {
      const ra = reg(c, 3);
      if (ra.w) bad(c, c.ops[3], 'an X register (the 64-bit addend)');
      a = ra.idx;
    }
    noMoreThan(c, noAddend ? 3 : 4);
    c.rec[F.OP] = op;
    c.rec[F.RT] = d.idx;
    c.rec[F.RN] = n.idx;
    c.rec[F.RM] = m.idx;
    c.rec[F.EXTRA] = a;
    c.rec[F.FLAGS] = FLAG_SF;
  };
}

/** Rd, Rn, Rm of one width (SDIV, UDIV, ADC...); xOnly for SMULH/UMULH. */
export function sameWidthRegs(op: Op, xOnly = false): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const n = reg(c, 1);
    const m = reg(c, 2);
    sameWidth(c, 1, n, d);
    sameWidth(c, 2, m, d);
    noMoreThan(c, 3);
    if (xOnly && d.w) bad(c, c.ops[0], 'an X register');
    c.rec[F.OP] = op;
    c.rec[F.RT] = d.idx;
    c.rec[F.RN] = n.idx;
    c.rec[F.RM] = m.idx;
    c.rec[F.FLAGS] = sf(d);
  };
}

/** NGC/NGCS Rd, Rm = SBC/SBCS Rd, ZR, Rm. */
export function negateWithCarry(op: Op): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const m = reg(c, 1);
    sameWidth(c, 1, m, d);
    noMoreThan(c, 2);
    c.rec[F.OP] = op;
    c.rec[F.RT] = d.idx;
    c.rec[F.RN] = REG_ZR;
    c.rec[F.RM] = m.idx;
    c.rec[F.FLAGS] = sf(d);
  };
}

/** CCMP/CCMN Rn, Rm|#imm5, #nzcv, cond. */
export function conditionalCompare(op: Op): Encoder {
  return (c) => {
    const n = reg(c, 0);
    const o = operand(c, 1, 'a register or an #immediate 0..31');
    const rec = c.rec;
    rec[F.OP] = op;
    rec[F.RT] = REG_ZR;
    rec[F.RN] = n.idx;
    rec[F.FLAGS] = sf(n);
    if (o.k === 'reg') {
      allow(c, 1, ZR_OK);
      sameWidth(c, 1, o.reg, n);
      rec[F.RM] = o.reg.idx;
    } else {
      const i = imm(c, 1, 'a register or an #immediate 0..31');
      rec[F.FLAGS] |= FLAG_IMM2;
      rec[F.IMM_LO] = inRange(c, i, c.constant(i), 0n, 31n, 'an immediate 0..31');
    }
    const f = imm(c, 2, 'the flags #nzcv 0..15');
    rec[F.IMM_HI] = inRange(c, f, c.constant(f), 0n, 15n, 'the flags #nzcv 0..15');
    rec[F.EXTRA] = cond(c, 3);
    noMoreThan(c, 4);
  };
}

/** BIC/BICS/ORN/EON Rd, Rn, Rm{, shift}, or Rd, Rn, #imm as `immOp` of ~imm. */
export function invertedLogical(op: Op, immOp: Op, setsFlags: boolean): Encoder {
  return (c) => {
    const n = reg(c, 1, ZR_OK);
    const d = reg(c, 0, { sp: true, zr: true });
    sameWidth(c, 1, n, d);
    const o2 = operand(c, 2, 'a register or an #immediate');
    const rec = c.rec;
    rec[F.RT] = d.idx;
    rec[F.RN] = n.idx;
    if (o2.k === 'imm') {
      // The immediate form's Rd is SP-or-register (AND/ORR/EOR) or ZR-or-register (ANDS).
      allow(c, 0, setsFlags ? ZR_OK : { sp: true });
      noMoreThan(c, 3);
      rec[F.OP] = immOp;
      rec[F.FLAGS] = sf(d) | FLAG_IMM2;
      c.value(o2, (v) => {
        const inv = d.w ? BigInt.asUintN(32, ~v) : ~v;
        if (d.w && (v < -(1n << 31n) || v > 0xffffffffn)) bad(c, o2, 'a 32-bit value for a W register');
        setImm64(rec, inv);
      });
      return;
    }
    if (o2.k !== 'reg') bad(c, o2, 'a register or an #immediate');
    allow(c, 0, ZR_OK);
    allow(c, 2, ZR_OK);
    sameWidth(c, 2, o2.reg, d);
    noMoreThan(c, 4);
    rec[F.OP] = op;
    rec[F.RM] = o2.reg.idx;
    rec[F.FLAGS] = sf(d) | shiftFlags(c, 3, d.w, LOGIC_SHIFTS);
  };
}
