// Encoders of loads and stores of every size: every addressing mode, acquire/release,
// exclusives, pairs, LSE atomics, and PRFM (a NOP). Each record carries its access size in
// FLAGS (isa/instructions.ts SIZE_*) and, for sign-extending loads, FLAG_SIGNED; the register
// width stays FLAG_SF.
import { ADDR_SHIFT, AddrMode, F, FLAG_SIGNED, Op, REG_ZR, SHAMT_SHIFT, sizeFlags } from '../../isa/instructions.ts';
import { type EncodeContext, type Encoder, bad, operand, noMoreThan, reg, sameWidth, sf, setImm64, widthValue, inRange } from './context.ts';
import { isSp, isZr, type ImmOperand, type MemOperand, type Reg } from '../operands.ts';

/** The size of a form's accesses and the registers it transfers (A64: LDRB and LDRH take W
 * registers only, LDRSB/LDRSH either width, LDRSW and LDPSW X registers only). */
export interface MemForm {
  /** Bytes per access; 0 = the register's width (W: 4, X: 8). */
  bytes: 0 | 1 | 2 | 4;
  /** Register widths allowed: W, X or both. */
  regs: 'w' | 'x' | 'wx';
  /** A load that sign-extends from the access size (FLAG_SIGNED). */
  signed: boolean;
}

/** The W and X forms of LDR, STR, LDXR, ...: the access is as wide as the register. */
export const WORD: MemForm = { bytes: 0, regs: 'wx', signed: false };
export const BYTE: MemForm = { bytes: 1, regs: 'w', signed: false };
export const HALF: MemForm = { bytes: 2, regs: 'w', signed: false };
export const SBYTE: MemForm = { bytes: 1, regs: 'wx', signed: true };
export const SHALF: MemForm = { bytes: 2, regs: 'wx', signed: true };
export const SWORD: MemForm = { bytes: 4, regs: 'x', signed: true };

/** The transfer register of operand i, checked against the form; returns it with the
 * access size and the FLAGS bits of its width, size and signedness. */
function transfer(c: EncodeContext, i: number, form: MemForm): { t: Reg; size: 1 | 2 | 4 | 8; flags: number } {
  const t = reg(c, i);
  if (form.regs === 'w' && !t.w) bad(c, c.ops[i], `a W register (${c.mnemonic.toUpperCase()} transfers ${form.bytes === 1 ? 'a byte' : 'a halfword'} to or from a W register)`);
  if (form.regs === 'x' && t.w) bad(c, c.ops[i], `an X register (${c.mnemonic.toUpperCase()} sign-extends into an X register)`);
  const size = form.bytes === 0 ? (t.w ? 4 : 8) : form.bytes;
  return { t, size, flags: sf(t) | sizeFlags(size) | (form.signed ? FLAG_SIGNED : 0) };
}

/** PRFM <prfop>|#imm, [addr]: a hint with no architectural effect, so a NOP. */
export const prefetch: Encoder = (c) => {
  const expected = 'a prefetch operation (like PLDL1KEEP or PSTL1STRM) or #0..31';
  const o = operand(c, 0, expected);
  const named = o.k === 'imm' && !o.hash && o.word !== null && /^p(ld|li|st)l[123](keep|strm)$/i.test(o.word);
  if (!named && !(o.k === 'imm' && o.hash && c.constant(o) >= 0n && c.constant(o) <= 31n)) bad(c, o, expected);
  mem(c, 1);
  noMoreThan(c, 2);
  c.rec[F.OP] = Op.NOP;
};

function mem(c: EncodeContext, i: number): MemOperand {
  const expected = 'a memory operand like [X1] or [X1, #8]';
  const o = operand(c, i, expected);
  if (o.k !== 'mem') bad(c, o, expected);
  return o;
}

/** [Xn] or [Xn, #0] only (exclusives, acquire/release, atomics). */
function baseOnly(c: EncodeContext, i: number): MemOperand {
  const m = mem(c, i);
  const expected = 'a memory operand [Xn] (no offset or writeback)';
  if (m.writeback || m.mod !== null) bad(c, m, expected);
  if (m.offset !== null && (m.offset.k !== 'imm' || c.constant(m.offset) !== 0n)) bad(c, m.offset, 'no offset (or #0)');
  noMoreThan(c, i + 1);
  return m;
}

function writebackConflict(c: EncodeContext, m: MemOperand, regs: Reg[], kind: string): void {
  if (isSp(m.base)) return;
  for (const r of regs) {
    if (r.idx === m.base.idx) {
      bad(c, m, `a base register different from '${r.name}'`, `${kind} with writeback where the base register is also a transfer register ('${r.name}') is CONSTRAINED UNPREDICTABLE in the Arm ARM; hangar rejects it`);
    }
  }
}

/** LDR/STR and their sized forms (LDUR/STUR... when `unscaled`): every addressing mode, plus
 * LDR =value. */
export function loadStore(op: Op, unscaled: boolean, form: MemForm = WORD): Encoder {
  return (c) => {
    const { t, size, flags } = transfer(c, 0, form);
    const rec = c.rec;
    rec[F.OP] = op;
    rec[F.RT] = t.idx;
    rec[F.FLAGS] = flags;
    const o1 = operand(c, 1, 'a memory operand like [X1] or [X1, #8]');
    if (o1.k === 'lit' && op === Op.LDR && !unscaled && form === WORD) {
      // LDR Rt, =value: a MOVI of the value (or address).
      noMoreThan(c, 2);
      rec[F.OP] = Op.MOVI;
      rec[F.FLAGS] = sf(t);
      c.value(o1, (v) => setImm64(rec, widthValue(c, o1, v, t.w)));
      return;
    }
    const m = mem(c, 1);
    rec[F.RN] = m.base.idx;
    const simm9 = 'an offset -256..255';
    const post = c.ops[2];
    noMoreThan(c, 3);
    if (post !== undefined) {
      if (unscaled) bad(c, post, 'end of line');
      if (post.k !== 'imm') bad(c, post, 'a post-index #offset -256..255');
      if (m.offset !== null || m.writeback) bad(c, m, "[Xn] before a post-index offset");
      writebackConflict(c, m, [t], 'a load/store');
      rec[F.FLAGS] |= AddrMode.POST << ADDR_SHIFT;
      c.value(post, (v) => {
        rec[F.IMM_LO] = inRange(c, post, v, -256n, 255n, simm9);
      });
      return;
    }
    if (m.offset === null) {
      if (m.writeback) bad(c, m, 'an offset before \']!\' (like [X1, #8]!)');
      return; // [Xn]: offset mode, offset 0
    }
    if (m.offset.k === 'imm') {
      const off = m.offset;
      if (m.writeback) {
        if (unscaled) bad(c, m, 'no writeback');
        writebackConflict(c, m, [t], 'a load/store');
        rec[F.FLAGS] |= AddrMode.PRE << ADDR_SHIFT;
        c.value(off, (v) => {
          rec[F.IMM_LO] = inRange(c, off, v, -256n, 255n, simm9);
        });
        return;
      }
      const max = BigInt(4095 * size);
      const scaledText = size === 1 ? 'an offset -256..4095' : `an offset -256..255 or a multiple of ${size} in 0..${max}`;
      c.value(off, (v) => {
        if (unscaled) rec[F.IMM_LO] = inRange(c, off, v, -256n, 255n, simm9);
        else if ((v >= -256n && v <= 255n) || (v >= 0n && v <= max && v % BigInt(size) === 0n)) rec[F.IMM_LO] = Number(v);
        else bad(c, off, scaledText);
      });
      return;
    }
    // Register offset.
    if (unscaled) bad(c, m.offset, 'an #offset -256..255');
    if (m.writeback) bad(c, m, 'no writeback with a register offset');
    const x = m.offset.reg;
    if (isSp(x)) bad(c, m.offset, 'an index register (X0-X30, XZR, or W0-W30 with UXTW/SXTW)');
    const scale = Math.log2(size);
    const amounts = scale === 0 ? '#0' : `#0 or #${scale}`;
    let mode = AddrMode.REG;
    let amount = 0;
    const mod = m.mod;
    if (x.w) {
      if (mod === null || (mod.kind !== 'uxtw' && mod.kind !== 'sxtw')) {
        bad(c, mod ?? m.offset, 'UXTW or SXTW after a W index register');
      }
      mode = mod.kind === 'uxtw' ? AddrMode.UXTW : AddrMode.SXTW;
    } else if (mod !== null) {
      // SXTX of a 64-bit index is the index itself: the same address as LSL.
      if (mod.kind !== 'lsl' && mod.kind !== 'sxtx') bad(c, mod, 'LSL or SXTX after an X index register (UXTW/SXTW need a W register)');
      if (mod.kind === 'lsl' && mod.amount === null) bad(c, mod, `LSL ${amounts}`);
    }
    if (mod !== null && mod.amount !== null) {
      const a = c.constant(mod.amount);
      if (a !== 0n && a !== BigInt(scale)) bad(c, mod.amount, `a shift of ${amounts} (the access size is ${size} byte${size === 1 ? '' : 's'})`);
      amount = Number(a);
    }
    rec[F.RM] = x.idx;
    rec[F.FLAGS] |= (mode << ADDR_SHIFT) | (amount << SHAMT_SHIFT);
  };
}

/** LDAR/LDAPR/LDXR/LDAXR/STLR Rt, [Xn] and their B/H forms. */
export function acquireRelease(op: Op, flags: number, form: MemForm = WORD): Encoder {
  return (c) => {
    const { t, flags: f } = transfer(c, 0, form);
    const m = baseOnly(c, 1);
    c.rec[F.OP] = op;
    c.rec[F.RT] = t.idx;
    c.rec[F.RN] = m.base.idx;
    c.rec[F.FLAGS] = f | flags;
  };
}

/** STXR/STLXR Ws, Rt, [Xn] and their B/H forms. */
export function storeExclusive(flags: number, form: MemForm = WORD): Encoder {
  return (c) => {
    const s = reg(c, 0);
    if (!s.w) bad(c, c.ops[0], 'a W register for the status result');
    const { t, flags: f } = transfer(c, 1, form);
    const m = baseOnly(c, 2);
    if (s.idx === t.idx || s.idx === m.base.idx) {
      bad(c, c.ops[0], `a status register different from '${s.idx === t.idx ? t.name : m.base.name}'`,
        `the status register of ${c.mnemonic.toUpperCase()} must differ from the data and base registers (CONSTRAINED UNPREDICTABLE in the Arm ARM)`);
    }
    c.rec[F.OP] = Op.STXR;
    c.rec[F.RM] = s.idx;
    c.rec[F.RT] = t.idx;
    c.rec[F.RN] = m.base.idx;
    c.rec[F.FLAGS] = f | flags;
  };
}

/** LDP/STP (LDNP/STNP when offsetOnly; LDPSW with the SWORD form): two accesses of the
 * register's size (SWORD: two sign-extended words), each single-copy atomic on its own. */
export function pair(op: Op, offsetOnly: boolean, form: MemForm = WORD): Encoder {
  return (c) => {
    const { t: t1, size, flags } = transfer(c, 0, form);
    const t2 = reg(c, 1);
    sameWidth(c, 1, t2, t1);
    const m = mem(c, 2);
    const post = c.ops[3];
    noMoreThan(c, 4);
    const rec = c.rec;
    rec[F.OP] = op;
    rec[F.RT] = t1.idx;
    rec[F.RM] = t2.idx;
    rec[F.RN] = m.base.idx;
    rec[F.FLAGS] = flags;
    if (op === Op.LDP && t1.idx === t2.idx && !isZr(t1)) {
      bad(c, c.ops[1], `a register different from '${t1.name}'`, 'LDP with the same register twice is CONSTRAINED UNPREDICTABLE in the Arm ARM; hangar rejects it');
    }
    if (m.offset !== null && m.offset.k !== 'imm') bad(c, m.offset, `an #offset (multiple of ${size})`);
    if (m.mod !== null) bad(c, m.mod, "']'");
    let off: ImmOperand | null = m.offset;
    let mode = AddrMode.OFFSET;
    if (post !== undefined) {
      if (offsetOnly) bad(c, post, 'end of line');
      if (post.k !== 'imm') bad(c, post, 'a post-index #offset');
      if (m.offset !== null || m.writeback) bad(c, m, '[Xn] before a post-index offset');
      mode = AddrMode.POST;
      off = post;
    } else if (m.writeback) {
      if (offsetOnly || m.offset === null) bad(c, m, offsetOnly ? 'no writeback' : "an offset before ']!'");
      mode = AddrMode.PRE;
    }
    if (mode !== AddrMode.OFFSET) writebackConflict(c, m, [t1, t2], op === Op.LDP ? 'LDP' : 'STP');
    rec[F.FLAGS] |= mode << ADDR_SHIFT;
    if (off === null) return;
    const o = off;
    const lo = BigInt(-64 * size);
    const hi = BigInt(63 * size);
    c.value(o, (v) => {
      if (v < lo || v > hi || v % BigInt(size) !== 0n) bad(c, o, `an offset that is a multiple of ${size} in ${lo}..${hi}`);
      rec[F.IMM_LO] = Number(v);
    });
  };
}

/** SWP/CAS/LD<op> Rs, Rt, [Xn] and their B/H forms. */
export function atomic(op: Op, flags: number, form: MemForm = WORD): Encoder {
  return (c) => {
    const { t: s, flags: f } = transfer(c, 0, form);
    const t = reg(c, 1);
    sameWidth(c, 1, t, s);
    const m = baseOnly(c, 2);
    c.rec[F.OP] = op;
    c.rec[F.RM] = s.idx;
    c.rec[F.RT] = t.idx;
    c.rec[F.RN] = m.base.idx;
    c.rec[F.FLAGS] = f | flags;
  };
}

/** ST<op>{L}{B,H} Rs, [Xn] = LD<op>{L}{B,H} Rs, ZR, [Xn]. */
export function atomicStore(op: Op, flags: number, form: MemForm = WORD): Encoder {
  return (c) => {
    const { t: s, flags: f } = transfer(c, 0, form);
    const m = baseOnly(c, 1);
    c.rec[F.OP] = op;
    c.rec[F.RM] = s.idx;
    c.rec[F.RT] = REG_ZR;
    c.rec[F.RN] = m.base.idx;
    c.rec[F.FLAGS] = f | flags;
  };
}
