// Encoders of moves, arithmetic, logic, shifts, MUL and conditional selects.
import { Cond, EXTEND_SHIFT, Extend, F, FLAG_EXTEND, FLAG_IMM2, Op, REG_ZR, SHAMT_SHIFT, Shift } from '../../isa/instructions.ts';

/** The extend of an extended-register operand (`ADD X0, X1, W2, SXTW #2`). */
const EXTENDS: Record<string, Extend> = {
  uxtb: Extend.UXTB, uxth: Extend.UXTH, uxtw: Extend.UXTW, uxtx: Extend.UXTX,
  sxtb: Extend.SXTB, sxth: Extend.SXTH, sxtw: Extend.SXTW, sxtx: Extend.SXTX,
};
import { type EncodeContext, type Encoder, bad, operand, noMoreThan, type RegRule, ZR_OK, reg, allow, sameWidth, imm, sf, setImm64, widthValue, inRange, cond, invert, ARITH_SHIFTS, LOGIC_SHIFTS, shiftFlags } from './context.ts';
import { isSp, type Reg } from '../operands.ts';

/** ADD/SUB/ADDS/SUBS and CMP/CMN (hasRd false: Rd is the zero register). `alt` is the
 * opposite operation, used for negative immediates as GNU as does (ADD #-4 = SUB #4). */
export function addSub(op: Op, alt: Op, setsFlags: boolean, hasRd: boolean): Encoder {
  return (c) => {
    const ni = hasRd ? 1 : 0;
    const anyReg: RegRule = { sp: true, zr: true };
    const n = reg(c, ni, anyReg);
    const d = hasRd ? reg(c, 0, anyReg) : { idx: REG_ZR, w: n.w, name: n.w ? 'wzr' : 'xzr' };
    if (hasRd) sameWidth(c, ni, n, d);
    const o2 = operand(c, ni + 1, 'a register or an #immediate');
    const rec = c.rec;
    rec[F.OP] = op;
    rec[F.RT] = d.idx;
    rec[F.RN] = n.idx;
    if (o2.k === 'imm') {
      // Immediate form: Rd is SP-or-register for ADD/SUB, ZR-or-register for ADDS/SUBS; Rn may be SP.
      if (hasRd) allow(c, 0, setsFlags ? ZR_OK : { sp: true });
      allow(c, ni, { sp: true });
      noMoreThan(c, ni + 3);
      let shift12 = false;
      const sh = c.ops[ni + 2];
      if (sh !== undefined) {
        const expected = 'LSL #0 or LSL #12';
        if (sh.k !== 'mod' || sh.kind !== 'lsl' || sh.amount === null) bad(c, sh, expected);
        const amount = c.constant(sh.amount);
        if (amount !== 0n && amount !== 12n) bad(c, sh, expected);
        shift12 = amount === 12n;
      }
      rec[F.FLAGS] = sf(d) | FLAG_IMM2;
      c.value(o2, (v) => {
        const expected = shift12 ? 'an immediate 0..4095 (before LSL #12)' : 'an immediate 0..4095, or a multiple of 4096 up to 0xfff000';
        if (v < 0n) {
          v = -v;
          rec[F.OP] = alt;
        }
        if (shift12) v = BigInt(inRange(c, o2, v, 0n, 4095n, expected)) << 12n;
        else if (v > 4095n && ((v & 0xfffn) !== 0n || v > 0xfff000n)) bad(c, o2, expected);
        rec[F.IMM_LO] = Number(v);
      });
      return;
    }
    if (o2.k !== 'reg') bad(c, o2, 'a register or an #immediate');
    const m = o2.reg;
    const ext = c.ops[ni + 2];
    if (ext !== undefined && ext.k === 'mod' && EXTENDS[ext.kind] !== undefined) {
      // Extended register: Rm is W for the B/H/W extends of an X operation (UXTX/SXTX: X).
      const e = EXTENDS[ext.kind];
      const wantW = d.w || (e & 3) !== 3;
      if (m.w !== wantW) bad(c, c.ops[ni + 1], `${wantW ? 'a W' : 'an X'} register before ${ext.kind.toUpperCase()}`);
      allow(c, ni + 1, ZR_OK);
      noMoreThan(c, ni + 3);
      if (hasRd) allow(c, 0, setsFlags ? ZR_OK : { sp: true });
      allow(c, ni, { sp: true });
      const amount = ext.amount === null ? 0 : inRange(c, ext.amount, c.constant(ext.amount), 0n, 4n, 'a shift amount 0..4');
      rec[F.FLAGS] = sf(d) | FLAG_EXTEND | (e << EXTEND_SHIFT) | (amount << SHAMT_SHIFT);
      rec[F.RM] = m.idx;
      return;
    }
    sameWidth(c, ni + 1, m, hasRd ? d : n);
    allow(c, ni + 1, ZR_OK);
    noMoreThan(c, ni + 3);
    // With SP the A64 instruction is the extended-register form: only LSL #0..4 then.
    const extended = isSp(n) || (isSp(d) && !setsFlags);
    if (extended) {
      if (hasRd) allow(c, 0, setsFlags ? ZR_OK : { sp: true });
      allow(c, ni, { sp: true });
      rec[F.FLAGS] = sf(d) | shiftFlags(c, ni + 2, d.w, [Shift.LSL], 4);
    } else {
      if (hasRd) allow(c, 0, ZR_OK);
      allow(c, ni, ZR_OK);
      rec[F.FLAGS] = sf(d) | shiftFlags(c, ni + 2, d.w, ARITH_SHIFTS);
    }
    rec[F.RM] = m.idx;
  };
}

/** AND/ANDS/ORR/EOR and TST (hasRd false). Any immediate is accepted (no bitmask check). */
export function logical(op: Op, setsFlags: boolean, hasRd: boolean): Encoder {
  return (c) => {
    const ni = hasRd ? 1 : 0;
    const n = reg(c, ni, ZR_OK);
    const d = hasRd ? reg(c, 0, { sp: true, zr: true }) : { idx: REG_ZR, w: n.w, name: n.w ? 'wzr' : 'xzr' };
    if (hasRd) sameWidth(c, ni, n, d);
    const o2 = operand(c, ni + 1, 'a register or an #immediate');
    const rec = c.rec;
    rec[F.OP] = op;
    rec[F.RT] = d.idx;
    rec[F.RN] = n.idx;
    if (o2.k === 'imm') {
      // The immediate form's Rd is SP-or-register (AND/ORR/EOR) or ZR-or-register (ANDS).
      if (hasRd) allow(c, 0, setsFlags ? ZR_OK : { sp: true });
      noMoreThan(c, ni + 2);
      rec[F.FLAGS] = sf(d) | FLAG_IMM2;
      c.value(o2, (v) => setImm64(rec, widthValue(c, o2, v, d.w)));
      return;
    }
    if (o2.k !== 'reg') bad(c, o2, 'a register or an #immediate');
    if (hasRd) allow(c, 0, ZR_OK);
    allow(c, ni + 1, ZR_OK);
    sameWidth(c, ni + 1, o2.reg, d);
    noMoreThan(c, ni + 3);
    rec[F.RM] = o2.reg.idx;
    rec[F.FLAGS] = sf(d) | shiftFlags(c, ni + 2, d.w, LOGIC_SHIFTS);
  };
}

export function shiftOp(op: Op, registerOnly: boolean): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const n = reg(c, 1);
    sameWidth(c, 1, n, d);
    const expected = registerOnly ? 'a register' : 'a register or an #immediate shift amount';
    const o = operand(c, 2, expected);
    noMoreThan(c, 3);
    const rec = c.rec;
    rec[F.OP] = op;
    rec[F.RT] = d.idx;
    rec[F.RN] = n.idx;
    rec[F.FLAGS] = sf(d);
    if (o.k === 'reg') {
      allow(c, 2, ZR_OK);
      sameWidth(c, 2, o.reg, d);
      rec[F.RM] = o.reg.idx;
    } else if (o.k === 'imm' && !registerOnly) {
      rec[F.FLAGS] |= FLAG_IMM2;
      const max = d.w ? 31n : 63n;
      c.value(o, (v) => {
        rec[F.IMM_LO] = inRange(c, o, v, 0n, max, `a shift amount 0..${max}`);
      });
    } else {
      bad(c, o, expected);
    }
  };
}

export function threeRegs(op: Op): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const n = reg(c, 1);
    const m = reg(c, 2);
    sameWidth(c, 1, n, d);
    sameWidth(c, 2, m, d);
    noMoreThan(c, 3);
    c.rec[F.OP] = op;
    c.rec[F.RT] = d.idx;
    c.rec[F.RN] = n.idx;
    c.rec[F.RM] = m.idx;
    c.rec[F.FLAGS] = sf(d);
  };
}

/** NEG/NEGS Rd, Rm{, shift} = SUB/SUBS Rd, ZR, Rm{, shift}. */
export function neg(op: Op): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const m = reg(c, 1);
    sameWidth(c, 1, m, d);
    noMoreThan(c, 3);
    c.rec[F.OP] = op;
    c.rec[F.RT] = d.idx;
    c.rec[F.RN] = REG_ZR;
    c.rec[F.RM] = m.idx;
    c.rec[F.FLAGS] = sf(d) | shiftFlags(c, 2, d.w, ARITH_SHIFTS);
  };
}

/** MVN Rd, Rm = EOR Rd, Rm, #all-ones; MVN Rd, Rm, shift = ORN Rd, ZR, Rm, shift. */
export const mvn: Encoder = (c) => {
  const d = reg(c, 0);
  const m = reg(c, 1);
  sameWidth(c, 1, m, d);
  noMoreThan(c, 3);
  if (c.ops.length > 2) {
    c.rec[F.OP] = Op.ORN;
    c.rec[F.RT] = d.idx;
    c.rec[F.RN] = REG_ZR;
    c.rec[F.RM] = m.idx;
    c.rec[F.FLAGS] = sf(d) | shiftFlags(c, 2, d.w, LOGIC_SHIFTS);
    return;
  }
  c.rec[F.OP] = Op.EOR;
  c.rec[F.RT] = d.idx;
  c.rec[F.RN] = m.idx;
  c.rec[F.FLAGS] = sf(d) | FLAG_IMM2;
  setImm64(c.rec, d.w ? 0xffffffffn : -1n);
};

export const mov: Encoder = (c) => {
  const d = reg(c, 0, { sp: true, zr: true });
  const o = operand(c, 1, 'a register or an #immediate');
  noMoreThan(c, 2);
  const rec = c.rec;
  rec[F.RT] = d.idx;
  rec[F.FLAGS] = sf(d);
  if (o.k === 'reg') {
    sameWidth(c, 1, o.reg, d);
    if (isSp(d) || isSp(o.reg)) {
      // MOV to/from SP is ADD Rd, Rn, #0, where register 31 means SP: no ZR here.
      allow(c, 0, { sp: true });
      allow(c, 1, { sp: true });
      rec[F.OP] = Op.ADD;
      rec[F.RN] = o.reg.idx;
      rec[F.FLAGS] |= FLAG_IMM2;
    } else {
      rec[F.OP] = Op.ORR;
      rec[F.RN] = REG_ZR;
      rec[F.RM] = o.reg.idx;
    }
    return;
  }
  if (o.k !== 'imm') bad(c, o, 'a register or an #immediate');
  rec[F.OP] = Op.MOVI;
  c.value(o, (v) => setImm64(rec, widthValue(c, o, v, d.w)));
};

/** MOVZ/MOVN/MOVK Rd, #imm16{, LSL #s}. */
export function movWide(kind: 'z' | 'n' | 'k'): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const o = imm(c, 1, 'an #immediate 0..65535');
    noMoreThan(c, 3);
    let shift = 0;
    const sh = c.ops[2];
    const shifts = d.w ? 'LSL #0 or #16 (W register)' : 'LSL #0, #16, #32 or #48';
    // :abs_gN: and :abs_gN_nc: give bits 16N+15..16N of the value and imply LSL #16N.
    const group = o.reloc !== null && o.reloc.startsWith('abs_g') ? Number(o.reloc[5]) : null;
    if (o.reloc !== null && group === null) bad(c, o, 'an #immediate or :abs_g0:..:abs_g3: (with MOVZ/MOVK)', `relocation operator ':${o.reloc}:' is not allowed in ${c.mnemonic.toUpperCase()}`);
    if (group !== null) {
      if (group * 16 >= (d.w ? 32 : 64)) bad(c, o, `:abs_g0: or :abs_g1: for a W register`);
      shift = group * 16;
    }
    if (sh !== undefined) {
      if (sh.k !== 'mod' || sh.kind !== 'lsl' || sh.amount === null) bad(c, sh, shifts);
      const s = c.constant(sh.amount);
      if (s !== 0n && s !== 16n && (d.w || (s !== 32n && s !== 48n))) bad(c, sh, shifts);
      if (group !== null && Number(s) !== shift) bad(c, sh, `LSL #${shift} (the shift of :${o.reloc}:) or no shift`);
      shift = Number(s);
    }
    const rec = c.rec;
    rec[F.RT] = d.idx;
    rec[F.FLAGS] = sf(d);
    rec[F.OP] = kind === 'k' ? Op.MOVK : Op.MOVI;
    c.value(o, (v) => {
      const chunk = inRange(c, o, v, 0n, 0xffffn, 'an immediate 0..65535');
      if (kind === 'k') {
        rec[F.IMM_LO] = chunk;
        rec[F.EXTRA] = shift;
        return;
      }
      let value = BigInt(chunk) << BigInt(shift);
      if (kind === 'n') value = ~value;
      setImm64(rec, d.w ? BigInt.asUintN(32, value) : value);
    });
  };
}

// ---------------------------------------------------------------- conditional select

export function csel(op: Op): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const n = reg(c, 1);
    const m = reg(c, 2);
    sameWidth(c, 1, n, d);
    sameWidth(c, 2, m, d);
    const k = cond(c, 3);
    noMoreThan(c, 4);
    fillCsel(c, op, d, n.idx, m.idx, k);
  };
}

function fillCsel(c: EncodeContext, op: Op, d: Reg, n: number, m: number, k: Cond): void {
  c.rec[F.OP] = op;
  c.rec[F.RT] = d.idx;
  c.rec[F.RN] = n;
  c.rec[F.RM] = m;
  c.rec[F.EXTRA] = k;
  c.rec[F.FLAGS] = sf(d);
}

/** CSET/CSETM Rd, cond = CSINC/CSINV Rd, ZR, ZR, !cond. */
export function cset(op: Op): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const k = cond(c, 1, true);
    noMoreThan(c, 2);
    fillCsel(c, op, d, REG_ZR, REG_ZR, invert(k));
  };
}

/** CINC/CINV/CNEG Rd, Rn, cond = CSINC/CSINV/CSNEG Rd, Rn, Rn, !cond. */
export function cinc(op: Op): Encoder {
  return (c) => {
    const d = reg(c, 0);
    const n = reg(c, 1);
    sameWidth(c, 1, n, d);
    const k = cond(c, 2, true);
    noMoreThan(c, 3);
    fillCsel(c, op, d, n.idx, n.idx, invert(k));
  };
}
