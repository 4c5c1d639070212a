// The assembler: every instruction form decodes into the fields isa/instructions.ts defines,
// the preprocessor (macros, .if, .include), data layout, labels, and every error path.
//
// Expected records are written out by hand from the encoding rules (not computed by the
// assembler): every field is compared, unspecified fields must be 0.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADDR_SHIFT, AddrMode, Barrier, Cond, F, FLAG_ACQ, FLAG_ACQPC, FLAG_EXCL, FLAG_IMM2, FLAG_REL, FLAG_SF, FLAG_SIGNED, FLAG_EXTEND, EXTEND_SHIFT, Extend, INSN_WORDS, Op, REG_SP, REG_ZR, SHAMT_SHIFT, Shift, SHTYPE_SHIFT, sizeFlags } from '../isa/instructions.ts';
import { DATA_BASE, STACK_BYTES } from '../isa/program.ts';
import { type AsmLine, assemble, assembleLines, type AssembleOptions, type Program, SourceError } from '../index.ts';

interface Fields {
  op: Op;
  rt: number;
  rn: number;
  rm: number;
  flags: number;
  lo: number;
  hi: number;
  extra: number;
}

const SF = FLAG_SF;
const IMM = FLAG_IMM2;
const ZR = REG_ZR;
const SP = REG_SP;
const sh = (amount: number, type: Shift = Shift.LSL): number => (amount << SHAMT_SHIFT) | (type << SHTYPE_SHIFT);
const mode = (m: AddrMode): number => m << ADDR_SHIFT;
/** Access-size fields of memory records: 1, 2, 4 and 8 bytes. */
const B1 = sizeFlags(1), H2 = sizeFlags(2), W4 = sizeFlags(4), X8 = sizeFlags(8);

function fieldsAt(p: Program, pc: number): Fields {
  const w = (k: number): number => p.code[pc * INSN_WORDS + k];
  return { op: w(F.OP), rt: w(F.RT), rn: w(F.RN), rm: w(F.RM), flags: w(F.FLAGS), lo: w(F.IMM_LO), hi: w(F.IMM_HI), extra: w(F.EXTRA) };
}

function want(f: Partial<Fields> & { op: Op }): Fields {
  return { rt: 0, rn: 0, rm: 0, flags: 0, lo: 0, hi: 0, extra: 0, ...f };
}

function asm(src: string, opts: Partial<AssembleOptions> = {}): Program {
  return assemble(src, { file: 'prog.s', ...opts });
}

/** The record of the first instruction of src. */
function first(src: string, opts: Partial<AssembleOptions> = {}): Fields {
  return fieldsAt(asm(src, opts), 0);
}

function asmError(src: string, opts: Partial<AssembleOptions> = {}): SourceError {
  try {
    asm(src, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(SourceError);
    return e as SourceError;
  }
  throw new Error(`expected a SourceError for ${JSON.stringify(src)}`);
}

function expectError(src: string, line: number, col: number, message: RegExp, opts: Partial<AssembleOptions> = {}): SourceError {
  const e = asmError(src, opts);
  expect({ line: e.line, col: e.col }, e.message).toEqual({ line, col });
  expect(e.message).toMatch(message);
  expect(e.message.startsWith(`${e.file}:${line}:${col}: `)).toBe(true);
  return e;
}

describe('ALU instructions', () => {
  const cases: Array<[string, Fields]> = [
    ['add x0, x1, x2', want({ op: Op.ADD, rt: 0, rn: 1, rm: 2, flags: SF })],
    ['ADD W3, W4, W5', want({ op: Op.ADD, rt: 3, rn: 4, rm: 5 })],
    ['add x0, x1, x2, lsl #3', want({ op: Op.ADD, rt: 0, rn: 1, rm: 2, flags: SF | sh(3) })],
    ['sub w0, w1, w2, lsr #31', want({ op: Op.SUB, rt: 0, rn: 1, rm: 2, flags: sh(31, Shift.LSR) })],
    ['adds x0, x1, x2, asr #63', want({ op: Op.ADDS, rt: 0, rn: 1, rm: 2, flags: SF | sh(63, Shift.ASR) })],
    ['subs xzr, x1, x2', want({ op: Op.SUBS, rt: ZR, rn: 1, rm: 2, flags: SF })],
    ['add x0, x1, #4095', want({ op: Op.ADD, rt: 0, rn: 1, flags: SF | IMM, lo: 4095 })],
    ['add x0, x1, #1, lsl #12', want({ op: Op.ADD, rt: 0, rn: 1, flags: SF | IMM, lo: 4096 })],
    ['add x0, x1, #3, lsl #0', want({ op: Op.ADD, rt: 0, rn: 1, flags: SF | IMM, lo: 3 })],
    ['add x0, x1, 0x7000', want({ op: Op.ADD, rt: 0, rn: 1, flags: SF | IMM, lo: 0x7000 })],
    ['add w0, w1, #-4', want({ op: Op.SUB, rt: 0, rn: 1, flags: IMM, lo: 4 })],
    ['sub x0, x1, #-4', want({ op: Op.ADD, rt: 0, rn: 1, flags: SF | IMM, lo: 4 })],
    ['add sp, sp, #16', want({ op: Op.ADD, rt: SP, rn: SP, flags: SF | IMM, lo: 16 })],
    ['sub sp, sp, #0x10', want({ op: Op.SUB, rt: SP, rn: SP, flags: SF | IMM, lo: 16 })],
    ['add x0, sp, x1', want({ op: Op.ADD, rt: 0, rn: SP, rm: 1, flags: SF })],
    ['add x0, sp, x1, lsl #4', want({ op: Op.ADD, rt: 0, rn: SP, rm: 1, flags: SF | sh(4) })],
    ['adds x0, sp, #1', want({ op: Op.ADDS, rt: 0, rn: SP, flags: SF | IMM, lo: 1 })],
    ['cmp x1, #5', want({ op: Op.SUBS, rt: ZR, rn: 1, flags: SF | IMM, lo: 5 })],
    ['cmp w1, w2', want({ op: Op.SUBS, rt: ZR, rn: 1, rm: 2 })],
    ['cmp x1, #-1', want({ op: Op.ADDS, rt: ZR, rn: 1, flags: SF | IMM, lo: 1 })],
    ['cmn x2, x3, lsl #2', want({ op: Op.ADDS, rt: ZR, rn: 2, rm: 3, flags: SF | sh(2) })],
    ['cmp sp, #0', want({ op: Op.SUBS, rt: ZR, rn: SP, flags: SF | IMM })],
    ['and x0, x1, x2', want({ op: Op.AND, rt: 0, rn: 1, rm: 2, flags: SF })],
    ['and x0, x1, #0xffff0000ffff0000', want({ op: Op.AND, rt: 0, rn: 1, flags: SF | IMM, lo: -65536, hi: -65536 })],
    ['and sp, x1, #0xff0', want({ op: Op.AND, rt: SP, rn: 1, flags: SF | IMM, lo: 0xff0 })],
    ['orr w0, w1, #0xffffffff', want({ op: Op.ORR, rt: 0, rn: 1, flags: IMM, lo: -1 })],
    ['orr w0, w1, #-1', want({ op: Op.ORR, rt: 0, rn: 1, flags: IMM, lo: -1 })],
    ['eor x0, x1, x2, ror #7', want({ op: Op.EOR, rt: 0, rn: 1, rm: 2, flags: SF | sh(7, Shift.ROR) })],
    ['ands w0, w1, w2', want({ op: Op.ANDS, rt: 0, rn: 1, rm: 2 })],
    ['tst x1, #1', want({ op: Op.ANDS, rt: ZR, rn: 1, flags: SF | IMM, lo: 1 })],
    ['tst w1, w2, lsl #1', want({ op: Op.ANDS, rt: ZR, rn: 1, rm: 2, flags: sh(1) })],
    ['lsl x0, x1, #3', want({ op: Op.LSL, rt: 0, rn: 1, flags: SF | IMM, lo: 3 })],
    ['lsr w0, w1, w2', want({ op: Op.LSR, rt: 0, rn: 1, rm: 2 })],
    ['asr x0, x1, #63', want({ op: Op.ASR, rt: 0, rn: 1, flags: SF | IMM, lo: 63 })],
    ['lslv x0, x1, x2', want({ op: Op.LSL, rt: 0, rn: 1, rm: 2, flags: SF })],
    ['mul x0, x1, x2', want({ op: Op.MUL, rt: 0, rn: 1, rm: 2, flags: SF })],
    ['mul w0, w1, wzr', want({ op: Op.MUL, rt: 0, rn: 1, rm: ZR })],
    ['neg x0, x1', want({ op: Op.SUB, rt: 0, rn: ZR, rm: 1, flags: SF })],
    ['negs w0, w1, lsl #2', want({ op: Op.SUBS, rt: 0, rn: ZR, rm: 1, flags: sh(2) })],
    ['mvn x0, x1', want({ op: Op.EOR, rt: 0, rn: 1, flags: SF | IMM, lo: -1, hi: -1 })],
    ['mvn w0, w1', want({ op: Op.EOR, rt: 0, rn: 1, flags: IMM, lo: -1 })],
  ];
  it.each(cases)('%s', (src, expected) => {
    expect(first(src)).toEqual(expected);
  });
});

describe('moves', () => {
  const cases: Array<[string, Fields]> = [
    ['mov x0, x1', want({ op: Op.ORR, rt: 0, rn: ZR, rm: 1, flags: SF })],
    ['mov w0, wzr', want({ op: Op.ORR, rt: 0, rn: ZR, rm: ZR })],
    ['mov x29, sp', want({ op: Op.ADD, rt: 29, rn: SP, flags: SF | IMM })],
    ['mov sp, x0', want({ op: Op.ADD, rt: SP, rn: 0, flags: SF | IMM })],
    ['mov wsp, w1', want({ op: Op.ADD, rt: SP, rn: 1, flags: IMM })],
    ['mov x0, #0x123456789abcdef0', want({ op: Op.MOVI, rt: 0, flags: SF, lo: 0x9abcdef0 | 0, hi: 0x12345678 })],
    ['mov x0, #-1', want({ op: Op.MOVI, rt: 0, flags: SF, lo: -1, hi: -1 })],
    ['mov x0, #0xffffffffffffffff', want({ op: Op.MOVI, rt: 0, flags: SF, lo: -1, hi: -1 })],
    ['mov w0, #-1', want({ op: Op.MOVI, rt: 0, lo: -1 })],
    ['mov w0, #0xffffffff', want({ op: Op.MOVI, rt: 0, lo: -1 })],
    ['mov x1, 42', want({ op: Op.MOVI, rt: 1, flags: SF, lo: 42 })],
    ['mov lr, #1', want({ op: Op.MOVI, rt: 30, flags: SF, lo: 1 })],
    ['mov fp, #2', want({ op: Op.MOVI, rt: 29, flags: SF, lo: 2 })],
    ['movz x0, #7', want({ op: Op.MOVI, rt: 0, flags: SF, lo: 7 })],
    ['movz x0, #0x1234, lsl #32', want({ op: Op.MOVI, rt: 0, flags: SF, lo: 0, hi: 0x1234 })],
    ['movz w0, #0xffff, lsl #16', want({ op: Op.MOVI, rt: 0, lo: 0xffff0000 | 0 })],
    ['movn x0, #0', want({ op: Op.MOVI, rt: 0, flags: SF, lo: -1, hi: -1 })],
    ['movn w0, #1', want({ op: Op.MOVI, rt: 0, lo: -2 })],
    ['movn x0, #0xffff, lsl #48', want({ op: Op.MOVI, rt: 0, flags: SF, lo: -1, hi: 0xffff })],
    ['movk x0, #0xbeef, lsl #16', want({ op: Op.MOVK, rt: 0, flags: SF, lo: 0xbeef, extra: 16 })],
    ['movk w1, #1', want({ op: Op.MOVK, rt: 1, lo: 1 })],
    ['movk x2, #3, lsl #48', want({ op: Op.MOVK, rt: 2, flags: SF, lo: 3, extra: 48 })],
  ];
  it.each(cases)('%s', (src, expected) => {
    expect(first(src)).toEqual(expected);
  });
});

describe('conditional select', () => {
  const cases: Array<[string, Fields]> = [
    ['csel x0, x1, x2, eq', want({ op: Op.CSEL, rt: 0, rn: 1, rm: 2, flags: SF, extra: Cond.EQ })],
    ['csinc w0, w1, w2, hs', want({ op: Op.CSINC, rt: 0, rn: 1, rm: 2, extra: Cond.CS })],
    ['csinv x0, x1, x2, lo', want({ op: Op.CSINV, rt: 0, rn: 1, rm: 2, flags: SF, extra: Cond.CC })],
    ['csneg x0, x1, x2, NV', want({ op: Op.CSNEG, rt: 0, rn: 1, rm: 2, flags: SF, extra: Cond.NV })],
    ['cset w0, eq', want({ op: Op.CSINC, rt: 0, rn: ZR, rm: ZR, extra: Cond.NE })],
    ['cset x3, lt', want({ op: Op.CSINC, rt: 3, rn: ZR, rm: ZR, flags: SF, extra: Cond.GE })],
    ['csetm x0, hi', want({ op: Op.CSINV, rt: 0, rn: ZR, rm: ZR, flags: SF, extra: Cond.LS })],
    ['cinc x0, x1, ne', want({ op: Op.CSINC, rt: 0, rn: 1, rm: 1, flags: SF, extra: Cond.EQ })],
    ['cinv w0, w1, ge', want({ op: Op.CSINV, rt: 0, rn: 1, rm: 1, extra: Cond.LT })],
    ['cneg x0, x1, mi', want({ op: Op.CSNEG, rt: 0, rn: 1, rm: 1, flags: SF, extra: Cond.PL })],
  ];
  it.each(cases)('%s', (src, expected) => {
    expect(first(src)).toEqual(expected);
  });
});

describe('branches and system instructions', () => {
  it('B, BL, BR, RET, CBZ/CBNZ, TBZ/TBNZ with label targets (pc in IMM_LO)', () => {
    const p = asm(`
      b there        // 0
      bl there       // 1
      cbz w3, there  // 2
      cbnz x4, back  // 3
    there:
      tbz w1, #31, there   // 4
      tbnz x2, #63, back   // 5
      br x3                // 6
      ret x5               // 7
    back:
      ret                  // 8
    `);
    expect(fieldsAt(p, 0)).toEqual(want({ op: Op.B, lo: 4 }));
    expect(fieldsAt(p, 1)).toEqual(want({ op: Op.BL, lo: 4 }));
    expect(fieldsAt(p, 2)).toEqual(want({ op: Op.CBZ, rt: 3, lo: 4 }));
    expect(fieldsAt(p, 3)).toEqual(want({ op: Op.CBNZ, rt: 4, flags: SF, lo: 8 }));
    expect(fieldsAt(p, 4)).toEqual(want({ op: Op.TBZ, rt: 1, extra: 31, lo: 4 }));
    expect(fieldsAt(p, 5)).toEqual(want({ op: Op.TBNZ, rt: 2, flags: SF, extra: 63, lo: 8 }));
    expect(fieldsAt(p, 6)).toEqual(want({ op: Op.BR, rn: 3 }));
    expect(fieldsAt(p, 7)).toEqual(want({ op: Op.RET, rn: 5 }));
    expect(fieldsAt(p, 8)).toEqual(want({ op: Op.RET, rn: 30 }));
    expect(p.labels).toEqual({ there: 4, back: 8 });
  });

  const conds: Array<[string, Cond]> = [
    ['eq', Cond.EQ], ['ne', Cond.NE], ['cs', Cond.CS], ['hs', Cond.CS], ['cc', Cond.CC], ['lo', Cond.CC],
    ['mi', Cond.MI], ['pl', Cond.PL], ['vs', Cond.VS], ['vc', Cond.VC], ['hi', Cond.HI], ['ls', Cond.LS],
    ['ge', Cond.GE], ['lt', Cond.LT], ['gt', Cond.GT], ['le', Cond.LE], ['al', Cond.AL], ['nv', Cond.NV],
  ];
  it.each(conds)('b.%s (condition %i), also written without the dot', (name, k) => {
    expect(first(`b.${name} l\nl: nop`)).toEqual(want({ op: Op.BCOND, extra: k, lo: 1 }));
    expect(first(`B${name.toUpperCase()} l\nl:`)).toEqual(want({ op: Op.BCOND, extra: k, lo: 1 }));
  });

  it('b . branches to itself', () => {
    expect(fieldsAt(asm('nop\nb .'), 1)).toEqual(want({ op: Op.B, lo: 1 }));
  });

  const system: Array<[string, Fields]> = [
    ['nop', want({ op: Op.NOP })],
    ['prfm pstl1keep, [x0]', want({ op: Op.NOP })],
    ['prfm #5, [x1, #8]', want({ op: Op.NOP })],
    ['yield', want({ op: Op.NOP })],
    ['isb', want({ op: Op.ISB })],
    ['isb sy', want({ op: Op.ISB })],
    ['clrex', want({ op: Op.CLREX })],
    ['clrex #15', want({ op: Op.CLREX })],
    ['svc #0', want({ op: Op.SVC })],
    ['svc 0x80', want({ op: Op.SVC, lo: 0x80 })],
    ['hlt #0', want({ op: Op.HALT })],
  ];
  it.each(system)('%s', (src, expected) => {
    expect(first(src)).toEqual(expected);
  });

  const barriers: Array<[string, Barrier]> = [
    ['sy', Barrier.FULL], ['ish', Barrier.FULL], ['osh', Barrier.FULL], ['nsh', Barrier.FULL],
    ['ld', Barrier.LD], ['ishld', Barrier.LD], ['oshld', Barrier.LD], ['nshld', Barrier.LD],
    ['st', Barrier.ST], ['ishst', Barrier.ST], ['oshst', Barrier.ST], ['nshst', Barrier.ST],
  ];
  it.each(barriers)('dmb/dsb %s', (name, kind) => {
    expect(first(`dmb ${name}`)).toEqual(want({ op: Op.DMB, extra: kind }));
    expect(first(`DSB ${name.toUpperCase()}`)).toEqual(want({ op: Op.DMB, extra: kind }));
  });

  it('dmb with a CRm number', () => {
    expect(first('dmb #11')).toEqual(want({ op: Op.DMB, extra: Barrier.FULL }));
    expect(first('dmb #9')).toEqual(want({ op: Op.DMB, extra: Barrier.LD }));
    expect(first('dmb #10')).toEqual(want({ op: Op.DMB, extra: Barrier.ST }));
  });

  it('ADR/ADRP give addresses as MOVI (code label: pc; data label: byte address)', () => {
    const p = asm('adr x0, l\nnop\nl: adr x1, d\nadrp x2, d\nadd x2, x2, :lo12:d\n.data\n.zero 4104\nd: .quad 0');
    expect(fieldsAt(p, 0)).toEqual(want({ op: Op.MOVI, rt: 0, flags: SF, lo: 2 }));
    expect(fieldsAt(p, 2)).toEqual(want({ op: Op.MOVI, rt: 1, flags: SF, lo: DATA_BASE + 4104 }));
    expect(fieldsAt(p, 3)).toEqual(want({ op: Op.MOVI, rt: 2, flags: SF, lo: DATA_BASE + 4096 }));
    expect(fieldsAt(p, 4)).toEqual(want({ op: Op.ADD, rt: 2, rn: 2, flags: SF | IMM, lo: 8 }));
  });
});

describe('loads and stores', () => {
  const cases: Array<[string, Fields]> = [
    ['ldr x0, [x1]', want({ op: Op.LDR, rt: 0, rn: 1, flags: SF | X8 })],
    ['LDR W0, [X1, #4]', want({ op: Op.LDR, rt: 0, rn: 1, lo: 4, flags: W4 })],
    ['ldr w0, [x1, 4]', want({ op: Op.LDR, rt: 0, rn: 1, lo: 4, flags: W4 })],
    ['str x2, [sp, #16]', want({ op: Op.STR, rt: 2, rn: SP, flags: SF | X8, lo: 16 })],
    ['ldr x0, [x1, #-8]', want({ op: Op.LDR, rt: 0, rn: 1, flags: SF | X8, lo: -8 })],
    ['ldr x0, [x1, #32760]', want({ op: Op.LDR, rt: 0, rn: 1, flags: SF | X8, lo: 32760 })],
    ['ldr x0, [x1, #3]', want({ op: Op.LDR, rt: 0, rn: 1, flags: SF | X8, lo: 3 })],
    ['ldr x0, [x1, #8]!', want({ op: Op.LDR, rt: 0, rn: 1, flags: SF | mode(AddrMode.PRE) | X8, lo: 8 })],
    ['str w0, [x1], #-4', want({ op: Op.STR, rt: 0, rn: 1, flags: mode(AddrMode.POST) | W4, lo: -4 })],
    ['str x0, [sp, #-16]!', want({ op: Op.STR, rt: 0, rn: SP, flags: SF | mode(AddrMode.PRE) | X8, lo: -16 })],
    ['ldr x0, [x1, x2]', want({ op: Op.LDR, rt: 0, rn: 1, rm: 2, flags: SF | mode(AddrMode.REG) | X8 })],
    ['ldr x0, [x1, x2, lsl #3]', want({ op: Op.LDR, rt: 0, rn: 1, rm: 2, flags: SF | mode(AddrMode.REG) | (3 << SHAMT_SHIFT) | X8 })],
    ['ldr w0, [x1, x2, lsl #2]', want({ op: Op.LDR, rt: 0, rn: 1, rm: 2, flags: mode(AddrMode.REG) | (2 << SHAMT_SHIFT)  | W4})],
    ['str x0, [x1, w2, sxtw]', want({ op: Op.STR, rt: 0, rn: 1, rm: 2, flags: SF | mode(AddrMode.SXTW) | X8 })],
    ['ldr x0, [x1, w2, uxtw #3]', want({ op: Op.LDR, rt: 0, rn: 1, rm: 2, flags: SF | mode(AddrMode.UXTW) | (3 << SHAMT_SHIFT) | X8 })],
    ['ldr x0, [x1, xzr]', want({ op: Op.LDR, rt: 0, rn: 1, rm: ZR, flags: SF | mode(AddrMode.REG) | X8 })],
    ['str xzr, [x0]', want({ op: Op.STR, rt: ZR, rn: 0, flags: SF | X8 })],
    ['ldur x0, [x1, #-1]', want({ op: Op.LDR, rt: 0, rn: 1, flags: SF | X8, lo: -1 })],
    ['stur w0, [x1, #255]', want({ op: Op.STR, rt: 0, rn: 1, lo: 255, flags: W4 })],
    ['ldr x0, =0x123456789', want({ op: Op.MOVI, rt: 0, flags: SF, lo: 0x23456789, hi: 1 })],
    ['ldr w0, =-1', want({ op: Op.MOVI, rt: 0, lo: -1 })],
    ['ldar x0, [x1]', want({ op: Op.LDR, rt: 0, rn: 1, flags: SF | FLAG_ACQ | X8 })],
    ['ldar w0, [x1, #0]', want({ op: Op.LDR, rt: 0, rn: 1, flags: FLAG_ACQ  | W4})],
    ['ldapr w2, [x3]', want({ op: Op.LDR, rt: 2, rn: 3, flags: FLAG_ACQPC  | W4})],
    ['ldxr x0, [x1]', want({ op: Op.LDR, rt: 0, rn: 1, flags: SF | FLAG_EXCL | X8 })],
    ['ldaxr w0, [sp]', want({ op: Op.LDR, rt: 0, rn: SP, flags: FLAG_EXCL | FLAG_ACQ  | W4})],
    ['stlr x0, [x1]', want({ op: Op.STR, rt: 0, rn: 1, flags: SF | FLAG_REL | X8 })],
    ['stxr w5, x0, [x1]', want({ op: Op.STXR, rt: 0, rn: 1, rm: 5, flags: SF | X8 })],
    ['stlxr w5, w0, [x1]', want({ op: Op.STXR, rt: 0, rn: 1, rm: 5, flags: FLAG_REL  | W4})],
    ['ldp x0, x1, [x2]', want({ op: Op.LDP, rt: 0, rm: 1, rn: 2, flags: SF | X8 })],
    ['stp w0, w1, [sp, #-8]!', want({ op: Op.STP, rt: 0, rm: 1, rn: SP, flags: mode(AddrMode.PRE) | W4, lo: -8 })],
    ['ldp x0, x1, [sp], #16', want({ op: Op.LDP, rt: 0, rm: 1, rn: SP, flags: SF | mode(AddrMode.POST) | X8, lo: 16 })],
    ['stp x29, x30, [sp, #504]', want({ op: Op.STP, rt: 29, rm: 30, rn: SP, flags: SF | X8, lo: 504 })],
    ['ldnp x0, x1, [x2, #-512]', want({ op: Op.LDP, rt: 0, rm: 1, rn: 2, flags: SF | X8, lo: -512 })],
    ['cas x0, x1, [x2]', want({ op: Op.CAS, rm: 0, rt: 1, rn: 2, flags: SF | X8 })],
  ];
  it.each(cases)('%s', (src, expected) => {
    expect(first(src)).toEqual(expected);
  });

  it('LDR =symbol loads the address of a data label', () => {
    const p = asm('ldr x0, =v\nldr x1, =v+8\n.data\n.quad 0\nv: .quad 0');
    expect(fieldsAt(p, 0)).toEqual(want({ op: Op.MOVI, rt: 0, flags: SF, lo: DATA_BASE + 8 }));
    expect(fieldsAt(p, 1)).toEqual(want({ op: Op.MOVI, rt: 1, flags: SF, lo: DATA_BASE + 16 }));
  });

  const ops: Array<[string, Op]> = [['swp', Op.SWP], ['cas', Op.CAS], ['ldadd', Op.LDADD], ['ldclr', Op.LDCLR], ['ldeor', Op.LDEOR], ['ldset', Op.LDSET]];
  const suffixes: Array<[string, number]> = [['', 0], ['a', FLAG_ACQ], ['l', FLAG_REL], ['al', FLAG_ACQ | FLAG_REL]];
  for (const [name, op] of ops) {
    for (const [suffix, flags] of suffixes) {
      it(`${name}${suffix} (Rs in RM, Rt in RT)`, () => {
        expect(first(`${name}${suffix} w1, w2, [x3]`)).toEqual(want({ op, rm: 1, rt: 2, rn: 3, flags: flags | W4 }));
        expect(first(`${(name + suffix).toUpperCase()} X4, XZR, [SP]`)).toEqual(want({ op, rm: 4, rt: ZR, rn: SP, flags: flags | SF | X8 }));
      });
    }
  }

  const stores: Array<[string, Op]> = [['stadd', Op.LDADD], ['stclr', Op.LDCLR], ['steor', Op.LDEOR], ['stset', Op.LDSET]];
  for (const [name, op] of stores) {
    it(`${name}{l} = ld${name.slice(2)}{l} with Rt = ZR`, () => {
      expect(first(`${name} w1, [x2]`)).toEqual(want({ op, rm: 1, rt: ZR, rn: 2, flags: W4 }));
      expect(first(`${name}l x1, [x2]`)).toEqual(want({ op, rm: 1, rt: ZR, rn: 2, flags: SF | FLAG_REL | X8 }));
    });
  }

  // Sizes: the access size in FLAGS (bits 20..21), FLAG_SIGNED for sign-extending loads; the
  // register width stays FLAG_SF.
  const sized: Array<[string, Fields]> = [
    ['ldrb w0, [x1]', want({ op: Op.LDR, rt: 0, rn: 1, flags: B1 })],
    ['strb w0, [x1, #7]', want({ op: Op.STR, rt: 0, rn: 1, flags: B1, lo: 7 })],
    ['ldrb w0, [x1, #4095]', want({ op: Op.LDR, rt: 0, rn: 1, flags: B1, lo: 4095 })],
    ['ldrh w0, [x1, #2]', want({ op: Op.LDR, rt: 0, rn: 1, flags: H2, lo: 2 })],
    ['strh w0, [x1, #8190]', want({ op: Op.STR, rt: 0, rn: 1, flags: H2, lo: 8190 })],
    ['ldrsb w0, [x1]', want({ op: Op.LDR, rt: 0, rn: 1, flags: B1 | FLAG_SIGNED })],
    ['ldrsb x0, [x1]', want({ op: Op.LDR, rt: 0, rn: 1, flags: SF | B1 | FLAG_SIGNED })],
    ['ldrsh x0, [x1, #-2]!', want({ op: Op.LDR, rt: 0, rn: 1, flags: SF | H2 | FLAG_SIGNED | mode(AddrMode.PRE), lo: -2 })],
    ['ldrsw x0, [x1], #4', want({ op: Op.LDR, rt: 0, rn: 1, flags: SF | W4 | FLAG_SIGNED | mode(AddrMode.POST), lo: 4 })],
    ['ldurb w0, [x1, #-1]', want({ op: Op.LDR, rt: 0, rn: 1, flags: B1, lo: -1 })],
    ['sturh w0, [x1, #-3]', want({ op: Op.STR, rt: 0, rn: 1, flags: H2, lo: -3 })],
    ['ldursw x0, [x1, #1]', want({ op: Op.LDR, rt: 0, rn: 1, flags: SF | W4 | FLAG_SIGNED, lo: 1 })],
    ['ldrb w0, [x1, x2]', want({ op: Op.LDR, rt: 0, rn: 1, rm: 2, flags: B1 | mode(AddrMode.REG) })],
    ['ldrh w0, [x1, x2, lsl #1]', want({ op: Op.LDR, rt: 0, rn: 1, rm: 2, flags: H2 | mode(AddrMode.REG) | (1 << SHAMT_SHIFT) })],
    ['strb w0, [x1, w2, sxtw]', want({ op: Op.STR, rt: 0, rn: 1, rm: 2, flags: B1 | mode(AddrMode.SXTW) })],
    ['ldrsh w0, [x1, w2, uxtw #1]', want({ op: Op.LDR, rt: 0, rn: 1, rm: 2, flags: H2 | FLAG_SIGNED | mode(AddrMode.UXTW) | (1 << SHAMT_SHIFT) })],
    ['ldr x0, [x1, x2, sxtx #3]', want({ op: Op.LDR, rt: 0, rn: 1, rm: 2, flags: SF | X8 | mode(AddrMode.REG) | (3 << SHAMT_SHIFT) })],
    ['ldarb w0, [x1]', want({ op: Op.LDR, rt: 0, rn: 1, flags: B1 | FLAG_ACQ })],
    ['ldaprh w0, [x1]', want({ op: Op.LDR, rt: 0, rn: 1, flags: H2 | FLAG_ACQPC })],
    ['stlrb w0, [x1]', want({ op: Op.STR, rt: 0, rn: 1, flags: B1 | FLAG_REL })],
    ['ldxrh w0, [x1]', want({ op: Op.LDR, rt: 0, rn: 1, flags: H2 | FLAG_EXCL })],
    ['ldaxrb w0, [x1]', want({ op: Op.LDR, rt: 0, rn: 1, flags: B1 | FLAG_EXCL | FLAG_ACQ })],
    ['stxrb w5, w0, [x1]', want({ op: Op.STXR, rt: 0, rn: 1, rm: 5, flags: B1 })],
    ['stlxrh w5, w0, [x1]', want({ op: Op.STXR, rt: 0, rn: 1, rm: 5, flags: H2 | FLAG_REL })],
    ['ldpsw x0, x1, [x2, #8]', want({ op: Op.LDP, rt: 0, rm: 1, rn: 2, flags: SF | W4 | FLAG_SIGNED, lo: 8 })],
    ['swpalb w1, w2, [x3]', want({ op: Op.SWP, rm: 1, rt: 2, rn: 3, flags: B1 | FLAG_ACQ | FLAG_REL })],
    ['casah w1, w2, [x3]', want({ op: Op.CAS, rm: 1, rt: 2, rn: 3, flags: H2 | FLAG_ACQ })],
    ['ldaddlb w1, w2, [x3]', want({ op: Op.LDADD, rm: 1, rt: 2, rn: 3, flags: B1 | FLAG_REL })],
    ['staddlh w1, [x3]', want({ op: Op.LDADD, rm: 1, rt: ZR, rn: 3, flags: H2 | FLAG_REL })],
    ['ldsmax x1, x2, [x3]', want({ op: Op.LDSMAX, rm: 1, rt: 2, rn: 3, flags: SF | X8 })],
    ['ldumina w1, w2, [x3]', want({ op: Op.LDUMIN, rm: 1, rt: 2, rn: 3, flags: W4 | FLAG_ACQ })],
    ['stsminb w1, [x3]', want({ op: Op.LDSMIN, rm: 1, rt: ZR, rn: 3, flags: B1 })],
    ['ldumaxalh w1, w2, [x3]', want({ op: Op.LDUMAX, rm: 1, rt: 2, rn: 3, flags: H2 | FLAG_ACQ | FLAG_REL })],
  ];
  it.each(sized)('%s', (src, expected) => {
    expect(first(src)).toEqual(expected);
  });

  it('ADD/SUB (extended register): the extend and its shift in FLAGS', () => {
    const ext = (e: Extend, amount = 0): number => FLAG_EXTEND | (e << EXTEND_SHIFT) | (amount << SHAMT_SHIFT);
    expect(first('add x2, x5, w3, sxtw')).toEqual(want({ op: Op.ADD, rt: 2, rn: 5, rm: 3, flags: SF | ext(Extend.SXTW) }));
    expect(first('add x2, sp, w3, uxtw #2')).toEqual(want({ op: Op.ADD, rt: 2, rn: SP, rm: 3, flags: SF | ext(Extend.UXTW, 2) }));
    expect(first('sub w0, w1, w2, uxtb')).toEqual(want({ op: Op.SUB, rt: 0, rn: 1, rm: 2, flags: ext(Extend.UXTB) }));
    expect(first('cmp x1, x2, sxtx #4')).toEqual(want({ op: Op.SUBS, rt: ZR, rn: 1, rm: 2, flags: SF | ext(Extend.SXTX, 4) }));
    expect(() => first('add x2, x5, x3, sxtw')).toThrow(/a W register before SXTW/);
    expect(() => first('add x2, x5, w3, sxtw #5')).toThrow(/a shift amount 0\.\.4/);
  });
});

describe('expressions and symbols', () => {
  const value = (expr: string, opts: Partial<AssembleOptions> = {}): number => first(`mov x0, #${expr}`, opts).lo;
  it('follows GNU as precedence and operators', () => {
    expect(value('1 + 1 << 2')).toBe(5);
    expect(value('(1 + 1) << 2')).toBe(8);
    expect(value('2 * 3 + 4')).toBe(10);
    expect(value('1 + 6 & 3')).toBe(3);
    expect(value('~0 & 0xff')).toBe(255);
    expect(value('-1 >> 60')).toBe(15);
    expect(value('8 / 3')).toBe(2);
    expect(value('-7 / 2')).toBe(-3);
    expect(value('-7 % 2')).toBe(-1);
    expect(value('2 < 3')).toBe(-1);
    expect(value('2 > 3')).toBe(0);
    expect(value('1 && 2')).toBe(1);
    expect(value('0 || 0')).toBe(0);
    expect(value('!0')).toBe(1);
    expect(value('0x1F + 0b101 + 010')).toBe(31 + 5 + 8);
    expect(value('1 << 64')).toBe(0);
  });

  it('uses .equ/.set/= symbols, defines and forward .equ references', () => {
    const p = asm('.equ N, 3\nmov x0, #N\n.set N, N + 1\nmov x1, #N\nM = N * 2\nmov x2, #M\nmov x3, #LATER\nmov x4, #D\n.equ LATER, 5', { defines: { D: 9 } });
    expect([0, 1, 2, 3, 4].map((pc) => fieldsAt(p, pc).lo)).toEqual([3, 4, 8, 5, 9]);
    expect(p.symbols).toEqual({});
  });

  it('a .equ may name a label', () => {
    const p = asm('.equ second, v + 8\nldr x0, =second\n.data\nv: .quad 1, 2');
    expect(fieldsAt(p, 0).lo).toBe(DATA_BASE + 8);
  });
});

describe('labels', () => {
  it('numeric local labels: 1b is the latest before, 1f the next after', () => {
    const p = asm(`
      1: nop       // 0
      b 1f         // 1 -> 3
      b 1b         // 2 -> 0
      1: b 1b      // 3 -> 3
      b 1b         // 4 -> 3
      b 2f         // 5 -> 6
      2: b 2b      // 6 -> 6
    `);
    expect([1, 2, 3, 4, 5, 6].map((pc) => fieldsAt(p, pc).lo)).toEqual([3, 0, 3, 3, 6, 6]);
    expect(p.labels).toEqual({});
  });

  it('labels on their own line, several per line, and forward references', () => {
    const p = asm('a: b: nop\nc:\n\n  d: b a\n b e\ne:');
    expect(p.labels).toEqual({ a: 0, b: 0, c: 1, d: 1, e: 3 });
    expect(fieldsAt(p, 1)).toEqual(want({ op: Op.B, lo: 0 }));
    expect(fieldsAt(p, 2)).toEqual(want({ op: Op.B, lo: 3 }));
  });

  it('a label at the end of the code is the appended HALT', () => {
    const p = asm('b end\nnop\nend:');
    expect(p.length).toBe(3);
    expect(fieldsAt(p, 0).lo).toBe(2);
    expect(fieldsAt(p, 2)).toEqual(want({ op: Op.HALT }));
  });
});

describe('data layout', () => {
  it('.word fills 4-byte halves, .quad whole words, .zero/.align pad', () => {
    const p = asm(`
      .data
      a: .word 1, 2, 3
      .align 3
      b: .quad -1
      c: .zero 9
      .balign 8
      d: .quad a, c, 5 * 8, code
      e: .byte 1, 2, 3, 4, 5
      .p2align 4
      f: .hword 0xbeef, -1
      .text
      nop
      code: nop
    `);
    expect(p.symbols).toEqual({ a: DATA_BASE, b: DATA_BASE + 16, c: DATA_BASE + 24, d: DATA_BASE + 40, e: DATA_BASE + 72, f: DATA_BASE + 80 });
    expect(p.labels).toEqual({ code: 1 });
    const lo = Array.from(p.initLo.slice(0, 11));
    const hi = Array.from(p.initHi.slice(0, 11));
    expect(lo).toEqual([1, 3, -1, 0, 0, DATA_BASE, DATA_BASE + 24, 40, 1, 0x04030201, 0xffffbeef | 0]);
    expect(hi).toEqual([2, 0, -1, 0, 0, 0, 0, 0, 0, 5, 0]);
  });

  it('.align with a fill byte and a maximum padding', () => {
    const p = asm('.data\n.byte 1\n.align 3, 0xee\na: .byte 2\n.align 3, 0, 2\nb: .byte 3\n.balign 4, , 3\nc: .byte 4');
    // a: padded by 7 fill bytes; b: the 6 bytes needed exceed the maximum of 2, so no padding;
    // c: 2 bytes needed, within the maximum of 3.
    expect(p.symbols).toEqual({ a: DATA_BASE + 8, b: DATA_BASE + 9, c: DATA_BASE + 12 });
    expect([p.initLo[0], p.initHi[0]]).toEqual([0xeeeeee01 | 0, 0xeeeeeeee | 0]);
    expect([p.initLo[1], p.initHi[1]]).toEqual([0x0302, 4]);
  });

  it('.space/.skip with a fill byte, .bss and .section', () => {
    const p = asm('.section .data\n.skip 3, 0xaa\n.bss\nz: .space 1\n.section .rodata.x, "a"\nr: .byte 7\n.section .text\nnop');
    expect(p.symbols).toEqual({ z: DATA_BASE + 3, r: DATA_BASE + 4 });
    expect(p.initLo[0]).toBe(0x00aaaaaa);
    expect(p.initHi[0]).toBe(7);
  });

  it('accepts and ignores symbol-table and debug directives', () => {
    const p = asm('.globl f\n.global f\n.type f, %function\n.cfi_startproc\nf: nop\n.size f, .-f\n.section .data.rel,"aw",@progbits\nd: .quad 1\n.section .text.hot,"ax"\nnop');
    expect(p.labels).toEqual({ f: 0 });
    expect(p.symbols).toEqual({ d: DATA_BASE });
    expect(p.length).toBe(3);
  });

  it('one core by default: entry _start, X0 = 0, SP = top of its stack after the data', () => {
    const p = asm('nop\n_start: nop\n.data\n.quad 5, 6, 7');
    const dataBytes = 32; // 24 rounded up to 16
    expect(p.threads).toEqual([{ name: 'core0', entry: 1, initRegs: [[0, 0, 0], [SP, DATA_BASE + dataBytes + STACK_BYTES, 0]] }]);
    expect(p.initLo.length).toBe(dataBytes / 8 + STACK_BYTES / 8);
    expect(p.initHi.length).toBe(p.initLo.length);
    expect(Array.from(p.initLo.slice(0, 4))).toEqual([5, 6, 7, 0]);
  });

  it('.cores N: each core its own stack, X0 = core index', () => {
    const p = asm('.cores 3\n.stack 64\n.data\n.quad 1\n.text\nnop');
    expect(p.threads).toEqual([
      { name: 'core0', entry: 0, initRegs: [[0, 0, 0], [SP, DATA_BASE + 16 + 64, 0]] },
      { name: 'core1', entry: 0, initRegs: [[0, 1, 0], [SP, DATA_BASE + 16 + 128, 0]] },
      { name: 'core2', entry: 0, initRegs: [[0, 2, 0], [SP, DATA_BASE + 16 + 192, 0]] },
    ]);
    expect(p.initLo.length).toBe(2 + 3 * 8);
  });

  it('.thread: one core per directive at its label, SP only', () => {
    const p = asm('.stack 32\n.thread P1\n.thread P0\nP0: nop\nP1: nop\nnop');
    expect(p.threads).toEqual([
      { name: 'P1', entry: 1, initRegs: [[SP, DATA_BASE + 32, 0]] },
      { name: 'P0', entry: 0, initRegs: [[SP, DATA_BASE + 64, 0]] },
    ]);
  });

  it('.stack 0 reserves no memory and sets no SP', () => {
    const p = asm('.stack 0\n.thread t\nt: nop');
    expect(p.threads).toEqual([{ name: 't', entry: 0, initRegs: [] }]);
    expect(p.initLo.length).toBe(0);
  });
});

describe('program and source map', () => {
  it('appends a HALT and maps every instruction to file, line, column and text', () => {
    const p = asm('  mov x0, #1   // one\n\nlbl: add x0, x0, x0 ; nop /* c */\n');
    expect(p.name).toBe('prog.s');
    expect(p.length).toBe(4);
    expect(p.code.length).toBe(4 * INSN_WORDS);
    expect(fieldsAt(p, 3)).toEqual(want({ op: Op.HALT }));
    expect(p.src.files).toEqual(['prog.s']);
    expect(Array.from(p.src.line.slice(0, 3))).toEqual([1, 3, 3]);
    expect(Array.from(p.src.col.slice(0, 3))).toEqual([3, 6, 23]);
    expect(p.src.text.slice(0, 3)).toEqual(['mov x0, #1', 'add x0, x0, x0', 'nop']);
  });

  it('comments: //, /* */ across lines, # at the start of a line; @ is not a comment', () => {
    const p = asm('# a comment\nnop /* one\n two */ nop // three ; nop\n/**/nop');
    expect(p.length).toBe(4);
    expect(Array.from(p.src.col.slice(0, 3))).toEqual([1, 9, 5]);
    expectError('nop @ x', 1, 5, /unexpected character '@'/);
  });

  it('accepts CRLF line ends, a byte-order mark and tabs', () => {
    const p = asm('\uFEFFnop\r\n\tmov\tx0,\t#1\r\n');
    expect(p.length).toBe(3);
    expect(fieldsAt(p, 1)).toEqual(want({ op: Op.MOVI, rt: 0, flags: SF, lo: 1 }));
    expect(p.src.col[1]).toBe(2);
  });

  it('assembleLines keeps each line\'s own file position', () => {
    const lines: AsmLine[] = [
      { text: ' MOV W1,#2 ', file: 't.litmus', line: 9, col: 2 },
      { text: 'STR W1,[X0]', file: 't.litmus', line: 10, col: 20 },
      { text: '.thread P0', file: 'gen', line: 1, col: 1 },
      { text: 'P0:', file: 'gen', line: 2, col: 1 },
    ];
    const p = assembleLines([lines[2], lines[3], lines[0], lines[1]], { file: 't.litmus' });
    expect(p.src.files).toEqual(['t.litmus']);
    expect(Array.from(p.src.line.slice(0, 2))).toEqual([9, 10]);
    expect(Array.from(p.src.col.slice(0, 2))).toEqual([3, 20]);
    expect(fieldsAt(p, 1)).toEqual(want({ op: Op.STR, rt: 1, rn: 0, flags: W4 }));
    expect(p.threads[0].entry).toBe(0);
    try {
      assembleLines([{ text: 'LDR W0,[W1]', file: 'x.litmus', line: 11, col: 30 }], { file: 'x.litmus' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SourceError);
      expect((e as SourceError).message).toMatch(/^x\.litmus:11:38: expected a base register/);
    }
  });
});

describe('macros', () => {
  it('arguments, defaults, keyword arguments, \\@ and nesting', () => {
    const p = asm(`
      .macro set reg, val=7
        mov \\reg, #\\val
      .endm
      .macro twice r, v
        set \\r, \\v
        set \\r
      lab\\@: b lab\\@
      .endm
      set x1
      set x2, 3
      set val=4, reg=x3
      twice x4, 5
      twice x5, 6
    `);
    const f = (pc: number): Fields => fieldsAt(p, pc);
    expect([0, 1, 2].map((pc) => [f(pc).rt, f(pc).lo])).toEqual([[1, 7], [2, 3], [3, 4]]);
    expect([f(3), f(4), f(5)]).toEqual([
      want({ op: Op.MOVI, rt: 4, flags: SF, lo: 5 }),
      want({ op: Op.MOVI, rt: 4, flags: SF, lo: 7 }),
      want({ op: Op.B, lo: 5 }),
    ]);
    expect(f(8)).toEqual(want({ op: Op.B, lo: 8 }));
    // One \@ value per invocation: the labels of the two `twice` expansions differ.
    expect(Object.keys(p.labels)).toHaveLength(2);
    // Source map: the body line, after substitution.
    expect(p.src.line[3]).toBe(3);
    expect(p.src.text[3]).toBe('mov x4, #5');
  });

  it('local labels inside macros stay per expansion', () => {
    const p = asm('.macro spin r\n1: ldr \\r, [x0]\n cbz \\r, 1b\n.endm\nspin x1\nspin w2');
    expect(fieldsAt(p, 1)).toEqual(want({ op: Op.CBZ, rt: 1, flags: SF, lo: 0 }));
    expect(fieldsAt(p, 3)).toEqual(want({ op: Op.CBZ, rt: 2, lo: 2 }));
  });

  it('recursion with .if and .exitm, vararg, blank-separated arguments, \\()', () => {
    const p = asm(`
      .macro count n
        .if \\n == 0
          .exitm
        .endif
        add x0, x0, #\\n
        count \\n-1
      .endm
      count 3
      .macro all op:req, rest:vararg
        \\op \\rest
      .endm
      all add, x9, x9, #1
      .macro pair a b
        mov \\a\\()0, \\b
      .endm
      pair x #1
    `);
    expect([0, 1, 2].map((pc) => fieldsAt(p, pc).lo)).toEqual([3, 2, 1]);
    expect(p.src.text.slice(0, 3)).toEqual(['add x0, x0, #3', 'add x0, x0, #3-1', 'add x0, x0, #3-1-1']);
    expect(fieldsAt(p, 3)).toEqual(want({ op: Op.ADD, rt: 9, rn: 9, flags: SF | IMM, lo: 1 }));
    expect(fieldsAt(p, 4)).toEqual(want({ op: Op.MOVI, rt: 0, flags: SF, lo: 1 }));
    expect(p.length).toBe(6);
  });

  it('.rept and .irp', () => {
    const p = asm('.rept 3\nnop\n.endr\n.irp r, x1, x2\nmov \\r, #0\n.endr');
    expect(p.length).toBe(6);
    expect([3, 4].map((pc) => fieldsAt(p, pc).rt)).toEqual([1, 2]);
  });

  it('macros override instruction names, case-insensitively; .purgem removes them', () => {
    const p = asm('.macro NOP\n yield\n isb\n.endm\nnop\n.purgem nop\nnop');
    expect([0, 1, 2].map((pc) => fieldsAt(p, pc).op)).toEqual([Op.NOP, Op.ISB, Op.NOP]);
  });
});

describe('conditional assembly', () => {
  const src = `
    .if TARGET_LLSC
      ldxr x0, [x1]
    .elseif TARGET_LSE
      ldadd x0, x0, [x1]
    .else
      .error "unsupported target"
    .endif
  `;
  it('.if/.elseif/.else with defines', () => {
    expect(first(src, { defines: { TARGET_LLSC: 1 } }).op).toBe(Op.LDR);
    expect(first(src, { defines: { TARGET_LLSC: 0, TARGET_LSE: 1 } }).op).toBe(Op.LDADD);
    expectError(src, 7, 7, /unsupported target/, { defines: { TARGET_LLSC: 0, TARGET_LSE: 0 } });
  });

  it('nesting, .ifdef/.ifndef (labels and symbols), .ifc, .ifb, .ifeq', () => {
    const p = asm(`
      here:
      .equ A, 1
      .if 0
        .if 1
          mov x0, #99
        .endif
        mov x0, #98
      .else
        .ifdef here
          mov x1, #1
        .endif
        .ifndef nothere
          mov x2, #2
        .endif
        .ifdef A
          mov x3, #3
        .endif
        .ifc abc, abc
          mov x4, #4
        .endif
        .ifnc a, b
          mov x5, #5
        .endif
        .ifb
          mov x6, #6
        .endif
        .ifeq A - 1
          mov x7, #7
        .endif
        .ifgt A
          mov x8, #8
        .endif
      .endif
    `);
    expect(Array.from({ length: p.length - 1 }, (_, pc) => fieldsAt(p, pc).rt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('.include', () => {
  const files: Record<string, string> = {
    'inc/a.s': '.include "b.s"\nmov x1, #1',
    'inc/b.s': 'mov x2, #2\n.macro m\n mov x3, #3\n.endm',
    'cyc/a.s': '.include "b.s"',
    'cyc/b.s': 'nop\n.include "a.s"',
    'bad/x.s': 'nop\n  ldr x0, [w1]',
  };
  const readFile = (p: string, from: string): { text: string; file: string } => {
    const file = path.posix.join(path.posix.dirname(from), p);
    const text = files[file];
    if (text === undefined) throw new Error(`ENOENT: no such file '${file}'`);
    return { text, file };
  };

  it('reads files relative to the including file and maps their lines', () => {
    const p = asm('nop\n.include "inc/a.s"\nm', { readFile });
    expect(Array.from({ length: 4 }, (_, pc) => fieldsAt(p, pc).rt)).toEqual([0, 2, 1, 3]);
    expect(p.src.files).toEqual(['prog.s', 'inc/b.s', 'inc/a.s']);
    expect(Array.from(p.src.file.slice(0, 4))).toEqual([0, 1, 2, 1]);
    expect(Array.from(p.src.line.slice(0, 4))).toEqual([1, 1, 2, 3]);
  });

  it('errors: cycle, missing file, bad line inside an included file', () => {
    expectError('.include "cyc/a.s"', 2, 10, /include cycle: prog\.s -> cyc\/a\.s -> cyc\/b\.s -> cyc\/a\.s/, { readFile });
    const missing = expectError('nop\n .include "nope.s"', 2, 11, /cannot include "nope\.s": ENOENT/, { readFile });
    expect(missing.file).toBe('prog.s');
    const inner = expectError('.include "bad/x.s"', 2, 12, /expected a base register/, { readFile });
    expect(inner.file).toBe('bad/x.s');
    expectError('.include nope.s', 1, 10, /file name in double quotes/, { readFile });
  });

  it('reads from the file system by default', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hangar-asm-'));
    try {
      fs.mkdirSync(path.join(dir, 'sub'));
      fs.writeFileSync(path.join(dir, 'sub', 'defs.s'), '.equ VALUE, 42\n');
      fs.writeFileSync(path.join(dir, 'main.s'), '.include "sub/defs.s"\nmov x0, #VALUE\n');
      const main = path.join(dir, 'main.s');
      const p = assemble(fs.readFileSync(main, 'utf8'), { file: main });
      expect(fieldsAt(p, 0).lo).toBe(42);
      expectError('.include "does-not-exist.s"', 1, 10, /cannot include/, { file: main } as Partial<AssembleOptions>);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('errors are SourceErrors at the offending token', () => {
  const cases: Array<[string, number, number, RegExp]> = [
    ['add w0, x1, x2', 1, 9, /expected a W register \(to match 'w0'\), found 'x1'/],
    ['ldr w0, [w1]', 1, 10, /expected a base register \(X0-X30 or SP\), found 'w1'/],
    ['ldr x0, [xzr]', 1, 10, /base register/],
    ['add x0, x1', 1, 11, /expected ',' and a register or an #immediate, found end of line/],
    ['add x0, #3, x1', 1, 9, /expected a register \(X0-X30, XZR, SP\), found '#3'/],
    ['mov x0, #3, #4', 1, 13, /expected end of line, found '#4'/],
    ['mov x0, #x1', 1, 10, /expected an immediate value after '#', found 'x1'/],
    ['ldrr x0, [x1]', 1, 1, /unknown mnemonic 'ldrr' \(did you mean 'ldr'\?\)/],
    ['  frobnicate', 1, 3, /unknown mnemonic 'frobnicate'/],
    ['ldxp x0, x1, [x2]', 1, 1, /'ldxp' is an AArch64 instruction that hangar does not model/],
    ['caspal x0, x1, x2, x3, [x4]', 1, 1, /'caspal' is an AArch64 instruction that hangar does not model/],
    ['ldrb x0, [x1]', 1, 6, /expected a W register \(LDRB transfers a byte/],
    ['strh x0, [x1]', 1, 6, /expected a W register \(STRH transfers a halfword/],
    ['ldrsw w0, [x1]', 1, 7, /expected an X register \(LDRSW sign-extends/],
    ['ldrh w0, [x1, #4097]', 1, 15, /an offset -256\.\.255 or a multiple of 2 in 0\.\.8190/],
    ['ldrb w0, [x1, #4096]', 1, 15, /an offset -256\.\.4095/],
    ['ldrb w0, [x1, x2, lsl #1]', 1, 23, /a shift of #0 \(the access size is 1 byte\)/],
    ['swpb x0, x1, [x2]', 1, 6, /expected a W register/],
    ['stlxrb w0, x1, [x2]', 1, 12, /expected a W register/],
    ['b nowhere', 1, 3, /undefined label 'nowhere'/],
    ['b 1f', 1, 3, /no local label '1:' after this reference to '1f'/],
    ['b 1b', 1, 3, /local label '1:' defined before/],
    ['b l+1\nl:', 1, 3, /expected a code label/],
    ['b.eq 3', 1, 6, /expected a code label/],
    ['cbz x0, v\n.data\nv: .quad 0', 1, 9, /'v' is a data label/],
    ['.equ E, 1\nb E', 2, 3, /'E' is a \.equ symbol, not a code label/],
    ['mov x0, #undefined_thing', 1, 10, /undefined symbol 'undefined_thing'/],
    ['tbz x0, #64, l\nl:', 1, 9, /expected a bit number #0\.\.63, found '#64'/],
    ['tbz w0, #32, l\nl:', 1, 9, /#0\.\.31 \(W register\)/],
    ['l: tbz w0, #l, l', 1, 13, /'l' is a label; a constant is needed here/],
    ['tbz w0, #l, l\nl:', 1, 10, /undefined symbol 'l' \(a constant is needed here/],
    ['mov w0, #0x100000000', 1, 9, /32-bit value for a W register/],
    ['stxr w0, x0, [x1]', 1, 6, /status register .* must differ/],
    ['stxr w1, x0, [x1]', 1, 6, /must differ/],
    ['stxr x2, x0, [x1]', 1, 6, /expected a W register for the status result, found 'x2'/],
    ['ldaxr x0, [x1, #8]', 1, 16, /no offset/],
    ['ldar x0, [x1]!', 1, 10, /no offset or writeback/],
    ['ldr x0, [x1, #32761]', 1, 14, /an offset -256\.\.255 or a multiple of 8 in 0\.\.32760/],
    ['ldr x0, [x1, #257]!', 1, 14, /-256\.\.255/],
    ['ldr x0, [x1], x2', 1, 15, /post-index #offset/],
    ['ldr x0, [x1, #8], #8', 1, 9, /\[Xn\] before a post-index offset/],
    ['ldr x0, [x1]!', 1, 9, /an offset before '\]!'/],
    ['ldr x0, [x0, #8]!', 1, 9, /CONSTRAINED UNPREDICTABLE/],
    ['ldr x0, [x1, w2]', 1, 14, /UXTW or SXTW after a W index register/],
    ['ldr x0, [x1, x2, uxtw]', 1, 18, /LSL or SXTX after an X index register/],
    ['ldr x0, [x1, x2, lsl #2]', 1, 22, /a shift of #0 or #3/],
    ['ldr x0, [x1, x2, lsl]', 1, 18, /LSL #0 or #3/],
    ['ldr x0, [x1, sp]', 1, 14, /index register/],
    ['ldr x0, label\nlabel:', 1, 9, /memory operand/],
    ['ldp x0, x0, [x1]', 1, 9, /LDP with the same register twice/],
    ['ldp x0, x1, [x1], #16', 1, 13, /CONSTRAINED UNPREDICTABLE/],
    ['ldp x0, x1, [x2, #4]', 1, 18, /multiple of 8 in -512\.\.504/],
    ['ldp x0, w1, [x2]', 1, 9, /an X register \(to match 'x0'\)/],
    ['swp w0, x1, [x2]', 1, 9, /a W register/],
    ['stadd w0, [x1, #8]', 1, 16, /no offset/],
    ['add x0, x1, #4096+1', 1, 13, /an immediate 0\.\.4095, or a multiple of 4096 up to 0xfff000/],
    ['add x0, x1, #4096, lsl #12', 1, 13, /0\.\.4095 \(before LSL #12\)/],
    ['add x0, x1, #1, lsl #3', 1, 17, /LSL #0 or LSL #12/],
    ['add x0, sp, x1, lsl #5', 1, 21, /shift amount 0\.\.4/],
    ['add xzr, x1, #1', 1, 5, /a register \(X0-X30, SP\)/],
    ['adds sp, x1, #1', 1, 6, /a register \(X0-X30, XZR\)/],
    ['add x0, x1, x2, lsl #64', 1, 21, /shift amount 0\.\.63/],
    ['add w0, w1, w2, lsl #32', 1, 21, /shift amount 0\.\.31/],
    ['add x0, x1, x2, ror #3', 1, 17, /a shift \(LSL, LSR, ASR #amount\)/],
    ['add x0, sp, x1, lsr #1', 1, 17, /a shift \(LSL #amount\)/],
    ['and x0, x1, x2, uxtw #1', 1, 17, /a shift \(LSL, LSR, ASR, ROR #amount\)/],
    ['and x0, x1, x2, lsl', 1, 17, /amount is missing/],
    ['lsl x0, x1, #64', 1, 13, /shift amount 0\.\.63/],
    ['movz w0, #1, lsl #32', 1, 14, /LSL #0 or #16 \(W register\)/],
    ['movz x0, #0x10000', 1, 10, /0\.\.65535/],
    ['movk x0, #1, lsl #8', 1, 14, /LSL #0, #16, #32 or #48/],
    ['csel x0, x1, x2, xx', 1, 18, /expected a condition/],
    ['cset x0, al', 1, 10, /a condition other than AL\/NV/],
    ['cinc x0, x1, nv', 1, 14, /other than AL\/NV/],
    ['dmb foo', 1, 5, /expected a barrier option/],
    ['dmb #0', 1, 5, /barrier option/],
    ['dmb #27', 1, 5, /barrier option/],
    ['isb ish', 1, 5, /SY or nothing/],
    ['svc #0x10000', 1, 5, /0\.\.65535/],
    ['hlt', 1, 4, /an #immediate 0\.\.65535/],
    ['clrex #16', 1, 7, /0\.\.15/],
    ['nop x0', 1, 5, /end of line/],
    ['prfm foo, [x0]', 1, 6, /a prefetch operation/],
    ['br sp', 1, 4, /X0-X30\)/],
    ['ret w0', 1, 5, /expected an X register, found 'w0'/],
    ['adr w0, l\nl:', 1, 5, /an X register/],
    ['mov sp, xzr', 1, 9, /a register \(X0-X30, SP\)/],
    ['mvn x0, x1, sxtw #1', 1, 13, /expected a shift \(LSL, LSR, ASR, ROR #amount\)/],
    ['mov x0, #(1', 1, 12, /expected '\)', found end of line/],
    ['mov x0, #1/0', 1, 11, /division by zero/],
    ['mov x0, #08', 1, 10, /expected a number/],
    ['mov x0, #0x1_0', 1, 10, /expected a number/],
    ['mov x0, #99999999999999999999999', 1, 10, /fits in 64 bits/],
    ['mov x0, #"abc"', 1, 10, /expected an immediate value after '#'/],
    ['mov x0, #"abc', 1, 10, /unterminated string/],
    ['mov x0, #:got:x', 1, 9, /relocation operator ':got:' is not allowed in 'mov'/],
    ['mov x0, #:foo:x', 1, 11, /unknown relocation operator ':foo:'/],
    ['x: nop\nx: nop', 2, 1, /duplicate label 'x' \(first defined at prog\.s:1:1\)/],
    ['.equ x, 1\nx: nop', 2, 1, /duplicate label 'x'/],
    ['x: nop\n.equ x, 1', 2, 6, /symbol 'x' is already defined/],
    ['.equiv y, 1\n.equiv y, 2', 2, 8, /already defined/],
    ['.equ, 1', 1, 5, /a symbol name/],
    ['.equ z 1', 1, 8, /',' and a value/],
    ['.data\n nop', 2, 2, /instructions must be in a code section such as \.text \(the current section is \.data, a data section\)/],
    ['.bss\n.word 1', 2, 7, /non-zero data in \.bss, a @nobits \(zero-filled\) section/],
    ['.data\n.word 0x100000000', 2, 7, /a value that fits in 4 bytes/],
    ['.data\n.byte 256', 2, 7, /fits in 1 byte/],
    ['.data\n.quad', 2, 6, /expected a value/],
    ['.data\n.quad undefined_label', 2, 7, /undefined symbol 'undefined_label'/],
    ['.data\n.zero -1', 2, 7, /a byte count/],
    ['.data\n.align 17', 2, 8, /alignment exponent 0\.\.16/],
    ['.data\n.balign 3', 2, 9, /power of two/],
    ['.section .foo', 1, 10, /a section name/],
    ['  .frob 1', 1, 3, /unknown directive '\.frob'/],
    ['.wrd 1', 1, 1, /unknown directive '\.wrd' \(did you mean '\.word'\?\)/],
    ['.cores 0', 1, 8, /1\.\.64/],
    ['.cores 2\n.cores 2', 2, 1, /\.cores given twice/],
    ['.cores 2\n.thread a\na: nop', 2, 1, /\.thread cannot be combined with \.cores/],
    ['.thread a\n.cores 2\na: nop', 2, 1, /\.cores cannot be combined with \.thread/],
    ['.thread foo', 1, 9, /undefined label 'foo' in \.thread/],
    ['.thread d\n.data\nd: .quad 0', 1, 9, /data label/],
    ['.stack 12', 1, 8, /a multiple of 16/],
    ['.stack 16\n.stack 16', 2, 1, /\.stack given twice/],
    ['.error "no such target"', 1, 1, /: no such target$/],
    ['.if 1\n nop', 1, 1, /unterminated \.if/],
    ['.if 1\n.else\n.else\n.endif', 3, 1, /\.else after \.else/],
    ['.if 1\n.else\n.elseif 1\n.endif', 3, 1, /\.elseif after \.else/],
    ['.else', 1, 1, /\.else without \.if/],
    ['.elseif 1', 1, 1, /\.elseif without \.if/],
    ['  .endif', 1, 3, /\.endif without \.if/],
    ['.if undefined_sym\n.endif', 1, 5, /undefined symbol 'undefined_sym'/],
    ['.if\n.endif', 1, 4, /expected an expression/],
    ['.iffy 1', 1, 1, /unknown directive '\.iffy'/],
    ['.ifdef a b\n.endif', 1, 8, /one symbol name/],
    ['1:\n.if 1b\n.endif', 2, 5, /'1b' is a label/],
    ['/* abc\n nop', 1, 1, /unterminated \/\* comment/],
    ['.macro m\n nop', 1, 1, /unterminated \.macro 'm' \(missing \.endm\)/],
    ['.rept 2\n nop', 1, 1, /unterminated \.rept/],
    ['.endm', 1, 1, /\.endm without \.macro/],
    ['.endr', 1, 1, /\.endr without \.rept/],
    ['.exitm', 1, 1, /\.exitm outside a macro/],
    ['.purgem nothing', 1, 9, /the name of a defined macro/],
    ['.macro m\n.endm\n.macro M\n.endm', 3, 8, /macro 'M' is already defined at prog\.s:1:1/],
    ['.macro m a, a\n.endm', 1, 13, /duplicate macro parameter 'a'/],
    ['.macro m 1a\n.endm', 1, 10, /a parameter name/],
    ['.macro m a:req\n nop\n.endm\n m', 4, 3, /a value for the required parameter 'a' of macro 'm'/],
    ['.macro m a\n nop\n.endm\n m 1, 2', 4, 7, /macro 'm' takes 1 argument/],
    ['.rept -1\n.endr', 1, 7, /a repeat count/],
    ['.rept 3\n.rept 100000\nnop\n.endr\n.endr', 2, 1, /would expand to more than 100000 statements/],
    ['.irp 1, a\n.endr', 1, 6, /a parameter name/],
    ['ldr x0, [x1] junk', 1, 14, /',' or end of line/],
    [': nop', 1, 1, /a label, an instruction or a directive/],
    ['. = 4', 1, 1, /location counter/],
  ];
  it.each(cases)('%j', (src, line, col, message) => {
    expectError(src, line, col, message);
  });

  it('errors inside a macro expansion point at the body line and name the invocation', () => {
    const e = expectError('.macro m\n  ldr x0, [w1]\n.endm\n\n  m', 2, 12, /found 'w1' \(in macro 'm' invoked at prog\.s:5:3\)$/);
    expect(e.found).toBe("'w1'");
    // Substituted text points at the \param reference in the body.
    expectError('.macro m r\n  ldr x0, [\\r]\n.endm\n m w3', 2, 12, /found 'w3' \(in macro 'm' invoked at prog\.s:4:2\)/);
    expectError('.macro outer\n inner\n.endm\n.macro inner\n bogus\n.endm\nouter', 5, 2,
      /unknown mnemonic 'bogus' \(in macro 'inner' invoked at prog\.s:2:2, in macro 'outer' invoked at prog\.s:7:1\)/);
    expectError('.macro m a\n add \\b, x0, x0\n.endm\n m x1', 2, 6, /a parameter of macro 'm' \(\\a\), found '\\b'/);
  });

  it('runaway macro recursion stops with an error instead of hanging', () => {
    expectError('.macro r\n r\n.endm\n r', 2, 2, /nested more than 100 deep: runaway recursion\?.*more levels/);
    expectError('.macro r\n nop\n r\n.endm\n r', 3, 2, /nested more than 100 deep/);
    // Wide instead of deep: each level doubles, so an expansion budget trips first (the
    // characters all expansions may produce, its arguments growing at every level).
    expectError('.macro w n\n .if \\n\n w \\n-1\n w \\n-1\n .endif\n.endm\n w 40', 2, 2, /expands past the 4194304 characters all expansions of a program may produce/);
  });

  it('every input error is a SourceError (also for odd option values)', () => {
    expect(() => assemble('nop', { file: 'x.s', defines: { A: 1.5 } })).toThrow(/x\.s:1:1: expected an integer for define 'A', found 1\.5/);
    expect(() => assemble('.include "x"', { file: 'x.s', readFile: () => ({}) as never })).toThrow(SourceError);
    expect(() => assemble('.include "x"', { file: 'x.s', readFile: () => { throw 'a string'; } })).toThrow(SourceError);
    expect(() => assemble('mov x0, #' + '('.repeat(5000) + '1' + ')'.repeat(5000), { file: 'x.s' })).toThrow(SourceError);
  });
});
