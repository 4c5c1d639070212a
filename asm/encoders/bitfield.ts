// Encoders of the bitfield moves (UBFM/SBFM/BFM and their aliases UBFX, SBFX, UBFIZ, SBFIZ,
// BFI, BFXIL, BFC, the extends SXTB/SXTH/SXTW/UXTB/UXTH/UXTW), EXTR, ROR, and the one-register
// bit operations CLZ, CLS, RBIT, REV, REV16, REV32. Alias rules: Arm ARM (DDI 0487), the alias
// conditions of UBFM/SBFM/BFM; like GNU as, UXTB/UXTH/UXTW also take an X destination.
import { F, FLAG_IMM2, FLAG_SF, Op, REG_ZR } from '../../isa/instructions.ts';
import { type EncodeContext, type Encoder, bad, imm, inRange, noMoreThan, reg, sameWidth, sf, ZR_OK } from './context.ts';
import { type Reg } from '../operands.ts';

function fill(c: EncodeContext, op: Op, d: Reg, n: number, r: number, s: number): void {
  c.rec[F.OP] = op;
  c.rec[F.RT] = d.idx;
  c.rec[F.RN] = n;
  c.rec[F.FLAGS] = sf(d);
  c.rec[F.IMM_LO] = r;
  c.rec[F.IMM_HI] = s;
}

/** An immediate operand known now, in lo..hi. */
function constIn(c: EncodeContext, i: number, lo: number, hi: number, what: string): number {
  const expected = `${what} #${lo}..${hi}`;
  const o = imm(c, i, expected);
  return inRange(c, o, c.constant(o), BigInt(lo), BigInt(hi), expected);
}

/** UBFM/SBFM/BFM Rd, Rn, #immr, #imms. */
export function bitfieldMove(op: Op): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const n = reg(c, 1);
    sameWidth(c, 1, n, d);
    const top = d.w ? 31 : 63;
    const r = constIn(c, 2, 0, top, 'an immr');
    const s = constIn(c, 3, 0, top, 'an imms');
    noMoreThan(c, 4);
    fill(c, op, d, n.idx, r, s);
  };
}

/**
 * The lsb/width aliases: UBFX/SBFX/BFXIL (field at lsb taken to bit 0: immr = lsb, imms =
 * lsb + width - 1) and UBFIZ/SBFIZ/BFI (bits width-1..0 placed at lsb: immr = -lsb mod M,
 * imms = width - 1). BFC Rd, #lsb, #width is BFI Rd, ZR (noSource).
 */
export function bitfieldAlias(op: Op, insert: boolean, noSource = false): Encoder {
  return (c) => {
    const d = reg(c, 0);
    let n = REG_ZR;
    let k = 1;
    if (!noSource) {
      const rn = reg(c, 1);
      sameWidth(c, 1, rn, d);
      n = rn.idx;
      k = 2;
    }
    const m = d.w ? 32 : 64;
    const lsb = constIn(c, k, 0, m - 1, 'an lsb');
    const wo = imm(c, k + 1, `a width #1..${m - lsb}`);
    const width = inRange(c, wo, c.constant(wo), 1n, BigInt(m - lsb), `a width #1..${m - lsb} (lsb + width at most ${m})`);
    noMoreThan(c, k + 2);
    if (insert) fill(c, op, d, n, (m - lsb) % m, width - 1);
    else fill(c, op, d, n, lsb, lsb + width - 1);
  };
}

/** SXTB/SXTH/SXTW and UXTB/UXTH/UXTW Rd, Wn: the low `bits` of Wn extended to Rd. */
export function extend(signed: boolean, bits: 8 | 16 | 32): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const n = reg(c, 1);
    noMoreThan(c, 2);
    if (!n.w) bad(c, c.ops[1], 'a W register (the source of an extend)');
    if (bits === 32 && d.w) bad(c, c.ops[0], `an X register (${c.mnemonic.toUpperCase()} extends a word to 64 bits)`);
    fill(c, signed ? Op.SBFM : Op.UBFM, d, n.idx, 0, bits - 1);
  };
}

/** EXTR Rd, Rn, Rm, #lsb. */
export const extr: Encoder = (c) => {
  const d = reg(c, 0);
  const n = reg(c, 1);
  const m = reg(c, 2);
  sameWidth(c, 1, n, d);
  sameWidth(c, 2, m, d);
  const lsb = constIn(c, 3, 0, d.w ? 31 : 63, 'an lsb');
  noMoreThan(c, 4);
  fill(c, Op.EXTR, d, n.idx, lsb, 0);
  c.rec[F.IMM_HI] = 0;
  c.rec[F.RM] = m.idx;
};

/** ROR Rd, Rn, #amount (A64: EXTR Rd, Rn, Rn, #amount) and ROR/RORV Rd, Rn, Rm. */
export function ror(registerOnly: boolean): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const n = reg(c, 1);
    sameWidth(c, 1, n, d);
    noMoreThan(c, 3);
    const rec = c.rec;
    rec[F.OP] = Op.ROR;
    rec[F.RT] = d.idx;
    rec[F.RN] = n.idx;
    rec[F.FLAGS] = sf(d);
    const o = c.ops[2];
    if (o !== undefined && o.k === 'reg') {
      const m = reg(c, 2, ZR_OK);
      sameWidth(c, 2, m, d);
      rec[F.RM] = m.idx;
      return;
    }
    if (registerOnly) {
      reg(c, 2); // fails: RORV takes a register
      return;
    }
    rec[F.FLAGS] |= FLAG_IMM2;
    rec[F.IMM_LO] = constIn(c, 2, 0, d.w ? 31 : 63, 'a rotate amount');
  };
}

/** CLZ/CLS/RBIT/REV/REV16 Rd, Rn (W or X); REV32 and REV64 take X registers only. */
export function oneRegister(op: Op, xOnly = false): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const n = reg(c, 1);
    sameWidth(c, 1, n, d);
    noMoreThan(c, 2);
    if (xOnly && d.w) bad(c, c.ops[0], 'an X register');
    c.rec[F.OP] = op;
    c.rec[F.RT] = d.idx;
    c.rec[F.RN] = n.idx;
    c.rec[F.FLAGS] = xOnly ? FLAG_SF : sf(d);
  };
}
