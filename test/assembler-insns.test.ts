// The encoders of the instructions compilers use beyond hangar's first set (issue 9): every
// form gives the record isa/instructions.ts defines (expected records written by hand from the
// encoding rules: aliases as the Arm ARM defines them), and every misuse is a SourceError at
// the offending operand.
import { describe, expect, it } from 'vitest';
import { Cond, F, FLAG_IMM2, FLAG_SF, INSN_WORDS, Op, REG_ZR, SHAMT_SHIFT, Shift, SHTYPE_SHIFT, SysReg } from '../isa/instructions.ts';
import { assemble, SourceError } from '../index.ts';

interface Fields { op: Op; rt: number; rn: number; rm: number; flags: number; lo: number; hi: number; extra: number }
const SF = FLAG_SF, IMM = FLAG_IMM2, ZR = REG_ZR;
const sh = (amount: number, type: Shift = Shift.LSL): number => (amount << SHAMT_SHIFT) | (type << SHTYPE_SHIFT);
const want = (f: Partial<Fields> & { op: Op }): Fields => ({ rt: 0, rn: 0, rm: 0, flags: 0, lo: 0, hi: 0, extra: 0, ...f });

function first(src: string): Fields {
  const p = assemble(`${src}\n`, { file: 'i.s' });
  const w = (k: number): number => p.code[k];
  return { op: w(F.OP), rt: w(F.RT), rn: w(F.RN), rm: w(F.RM), flags: w(F.FLAGS), lo: w(F.IMM_LO), hi: w(F.IMM_HI), extra: w(F.EXTRA) };
}

describe('records of the new instructions', () => {
  const cases: Array<[string, Fields]> = [
    ['madd x0, x1, x2, x3', want({ op: Op.MADD, rt: 0, rn: 1, rm: 2, extra: 3, flags: SF })],
    ['msub w0, w1, w2, w3', want({ op: Op.MSUB, rt: 0, rn: 1, rm: 2, extra: 3 })],
    ['mneg x4, x5, x6', want({ op: Op.MSUB, rt: 4, rn: 5, rm: 6, extra: ZR, flags: SF })],
    ['smaddl x0, w1, w2, x3', want({ op: Op.SMADDL, rt: 0, rn: 1, rm: 2, extra: 3, flags: SF })],
    ['umsubl x0, w1, w2, x3', want({ op: Op.UMSUBL, rt: 0, rn: 1, rm: 2, extra: 3, flags: SF })],
    ['smull x0, w1, w2', want({ op: Op.SMADDL, rt: 0, rn: 1, rm: 2, extra: ZR, flags: SF })],
    ['umull x0, w1, w2', want({ op: Op.UMADDL, rt: 0, rn: 1, rm: 2, extra: ZR, flags: SF })],
    ['umnegl x0, w1, w2', want({ op: Op.UMSUBL, rt: 0, rn: 1, rm: 2, extra: ZR, flags: SF })],
    ['smulh x0, x1, x2', want({ op: Op.SMULH, rt: 0, rn: 1, rm: 2, flags: SF })],
    ['umulh x0, x1, x2', want({ op: Op.UMULH, rt: 0, rn: 1, rm: 2, flags: SF })],
    ['sdiv x0, x1, x2', want({ op: Op.SDIV, rt: 0, rn: 1, rm: 2, flags: SF })],
    ['udiv w0, w1, w2', want({ op: Op.UDIV, rt: 0, rn: 1, rm: 2 })],
    ['adcs x0, x1, x2', want({ op: Op.ADCS, rt: 0, rn: 1, rm: 2, flags: SF })],
    ['ngc w0, w1', want({ op: Op.SBC, rt: 0, rn: ZR, rm: 1 })],
    // Bitfield moves: IMM_LO = immr, IMM_HI = imms.
    ['ubfm x0, x1, #3, #7', want({ op: Op.UBFM, rt: 0, rn: 1, flags: SF, lo: 3, hi: 7 })],
    ['ubfx x0, x1, #4, #8', want({ op: Op.UBFM, rt: 0, rn: 1, flags: SF, lo: 4, hi: 11 })],
    ['sbfx w0, w1, 1, 31', want({ op: Op.SBFM, rt: 0, rn: 1, lo: 1, hi: 31 })],
    ['ubfiz x0, x1, 2, 32', want({ op: Op.UBFM, rt: 0, rn: 1, flags: SF, lo: 62, hi: 31 })],
    ['sbfiz x1, x2, #3, #29', want({ op: Op.SBFM, rt: 1, rn: 2, flags: SF, lo: 61, hi: 28 })],
    ['bfi w0, w1, #0, #8', want({ op: Op.BFM, rt: 0, rn: 1, lo: 0, hi: 7 })],
    ['bfi w0, w1, #8, #8', want({ op: Op.BFM, rt: 0, rn: 1, lo: 24, hi: 7 })],
    ['bfxil x0, x1, #8, #16', want({ op: Op.BFM, rt: 0, rn: 1, flags: SF, lo: 8, hi: 23 })],
    ['bfc x3, #4, #4', want({ op: Op.BFM, rt: 3, rn: ZR, flags: SF, lo: 60, hi: 3 })],
    ['sxtw x3, w4', want({ op: Op.SBFM, rt: 3, rn: 4, flags: SF, lo: 0, hi: 31 })],
    ['sxtb w3, w4', want({ op: Op.SBFM, rt: 3, rn: 4, lo: 0, hi: 7 })],
    ['sxth x3, w4', want({ op: Op.SBFM, rt: 3, rn: 4, flags: SF, lo: 0, hi: 15 })],
    ['uxtw x3, w3', want({ op: Op.UBFM, rt: 3, rn: 3, flags: SF, lo: 0, hi: 31 })],
    ['uxtb w0, w1', want({ op: Op.UBFM, rt: 0, rn: 1, lo: 0, hi: 7 })],
    ['uxth w0, w1', want({ op: Op.UBFM, rt: 0, rn: 1, lo: 0, hi: 15 })],
    ['extr x0, x1, x2, #5', want({ op: Op.EXTR, rt: 0, rn: 1, rm: 2, flags: SF, lo: 5 })],
    ['ror w0, w1, #3', want({ op: Op.ROR, rt: 0, rn: 1, flags: IMM, lo: 3 })],
    ['ror x0, x1, x2', want({ op: Op.ROR, rt: 0, rn: 1, rm: 2, flags: SF })],
    ['bic x0, x1, x2, lsl #3', want({ op: Op.BIC, rt: 0, rn: 1, rm: 2, flags: SF | sh(3) })],
    ['bics w0, w1, w2', want({ op: Op.BICS, rt: 0, rn: 1, rm: 2 })],
    ['orn x0, xzr, x2, ror #1', want({ op: Op.ORN, rt: 0, rn: ZR, rm: 2, flags: SF | sh(1, Shift.ROR) })],
    ['eon w0, w1, w2', want({ op: Op.EON, rt: 0, rn: 1, rm: 2 })],
    ['bic w0, w1, #0xff', want({ op: Op.AND, rt: 0, rn: 1, flags: IMM, lo: 0xffffff00 | 0 })],
    ['bic x0, x1, #1', want({ op: Op.AND, rt: 0, rn: 1, flags: SF | IMM, lo: -2, hi: -1 })],
    ['mvn x0, x1, lsl #4', want({ op: Op.ORN, rt: 0, rn: ZR, rm: 1, flags: SF | sh(4) })],
    ['ccmp w1, 0, 4, ne', want({ op: Op.CCMP, rt: ZR, rn: 1, flags: IMM, lo: 0, hi: 4, extra: Cond.NE })],
    ['ccmp x1, x2, #0, eq', want({ op: Op.CCMP, rt: ZR, rn: 1, rm: 2, flags: SF, hi: 0, extra: Cond.EQ })],
    ['ccmn w3, #31, #15, al', want({ op: Op.CCMN, rt: ZR, rn: 3, flags: IMM, lo: 31, hi: 15, extra: Cond.AL })],
    ['clz x0, x1', want({ op: Op.CLZ, rt: 0, rn: 1, flags: SF })],
    ['cls w0, w1', want({ op: Op.CLS, rt: 0, rn: 1 })],
    ['rbit x0, x1', want({ op: Op.RBIT, rt: 0, rn: 1, flags: SF })],
    ['rev w0, w1', want({ op: Op.REV, rt: 0, rn: 1 })],
    ['rev16 x0, x1', want({ op: Op.REV16, rt: 0, rn: 1, flags: SF })],
    ['rev32 x0, x1', want({ op: Op.REV32, rt: 0, rn: 1, flags: SF })],
    ['rev64 x0, x1', want({ op: Op.REV, rt: 0, rn: 1, flags: SF })],
    ['blr x16', want({ op: Op.BLR, rn: 16 })],
    ['mrs x1, tpidr_el0', want({ op: Op.MRS, rt: 1, extra: SysReg.TPIDR_EL0 })],
    ['msr TPIDR_EL0, x2', want({ op: Op.MSR, rt: 2, extra: SysReg.TPIDR_EL0 })],
    ['hint 34', want({ op: Op.NOP })],
    ['hint #127', want({ op: Op.NOP })],
    ['bti', want({ op: Op.NOP })],
    ['bti jc', want({ op: Op.NOP })],
    ['paciasp', want({ op: Op.NOP })],
    ['wfe', want({ op: Op.NOP })],
    ['sevl', want({ op: Op.NOP })],
    ['brk #1000', want({ op: Op.TRAP, lo: 1000 })],
    ['udf #0', want({ op: Op.TRAP, extra: 1 })],
  ];
  it.each(cases)('%s', (src, expected) => {
    expect(first(src)).toEqual(expected);
  });

  it('a program of them ends with the HALT the assembler appends', () => {
    const p = assemble('madd x0, x1, x2, x3\n', { file: 'i.s' });
    expect(p.code[INSN_WORDS + F.OP]).toBe(Op.HALT);
  });
});

describe('errors of the new instructions', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['madd x0, x1, x2', 16, /expected ',' and a register/],
    ['madd x0, x1, w2, x3', 14, /expected an X register \(to match 'x0'\), found 'w2'/],
    ['smull w0, w1, w2', 7, /expected an X register \(the 64-bit product\), found 'w0'/],
    ['smull x0, x1, w2', 11, /expected a W register \(a 32-bit factor\), found 'x1'/],
    ['smaddl x0, w1, w2, w3', 20, /expected an X register \(the 64-bit addend\)/],
    ['umulh w0, w1, w2', 7, /expected an X register, found 'w0'/],
    ['ubfx x0, x1, #60, #5', 19, /expected a width #1\.\.4 \(lsb \+ width at most 64\), found '#5'/],
    ['ubfx w0, w1, #32, #1', 14, /expected an lsb #0\.\.31, found '#32'/],
    ['ubfx x0, w1, #0, #1', 10, /expected an X register \(to match 'x0'\), found 'w1'/],
    ['bfi x0, x1, #0, #0', 17, /expected a width #1\.\.64/],
    ['ubfm x0, x1, #64, #0', 14, /expected an immr #0\.\.63/],
    ['sxtw w0, w1', 6, /expected an X register \(SXTW extends a word to 64 bits\)/],
    ['sxtb x0, x1', 10, /expected a W register \(the source of an extend\), found 'x1'/],
    ['extr w0, w1, w2, #32', 18, /expected an lsb #0\.\.31/],
    ['ror x0, x1, #64', 13, /expected a rotate amount #0\.\.63/],
    ['rorv x0, x1, #3', 14, /expected a register/],
    ['rev32 w0, w1', 7, /expected an X register/],
    ['ccmp w1, #32, #0, eq', 10, /expected an immediate 0\.\.31, found '#32'/],
    ['ccmp w1, w2, #16, eq', 14, /expected the flags #nzcv 0\.\.15, found '#16'/],
    ['ccmp w1, w2, #0, xx', 18, /expected a condition/],
    ['ccmp w1, x2, #0, eq', 10, /expected a W register \(to match 'w1'\), found 'x2'/],
    ['bic w0, w1, #0x100000000', 13, /32-bit value for a W register/],
    ['blr w1', 5, /expected an X register/],
    ['blr sp', 5, /expected a register \(X0-X30\)/],
    ['mrs x0, cntvct_el0', 9, /MRS of system register 'cntvct_el0' is not supported: hangar provides only TPIDR_EL0/],
    ['msr daifset, #2', 5, /MSR of system register 'daifset' is not supported/],
    ['mrs w0, tpidr_el0', 5, /expected an X register, found 'w0'/],
    ['msr tpidr_el0, #1', 16, /expected a register/],
    ['hint #128', 6, /expected an #immediate 0\.\.127/],
    ['bti x', 5, /expected C, J, JC or nothing/],
    ['wfe #1', 5, /expected end of line/],
    ['brk', 4, /expected an #immediate 0\.\.65535/],
    ['retaa', 1, /'retaa' is an AArch64 instruction that hangar does not model/],
    ['fmov d0, x1', 1, /'fmov' is a floating-point or SIMD instruction: hangar models the general-purpose registers only/],
    ['cnt v0.8b, v0.8b', 1, /'cnt' is a floating-point or SIMD instruction/],
    ['str d0, [x1]', 5, /'d0' is a floating-point or SIMD register/],
  ];
  it.each(cases)('%s', (src, col, message) => {
    let err: unknown;
    try {
      assemble(`${src}\n`, { file: 'e.s' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SourceError);
    const e = err as SourceError;
    expect(e.message).toMatch(message);
    expect({ line: e.line, col: e.col }).toEqual({ line: 1, col });
  });
});
