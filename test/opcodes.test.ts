// The per-opcode table (isa/opcodes.ts) describes what the assembler encodes: every Op has its
// facts, and the registers it says an instruction reads and writes are those of the encoding.
import { describe, expect, it } from 'vitest';
import { F, INSN_WORDS, Op, OP_COUNT, OP_NAMES, REG_ZR } from '../isa/instructions.ts';
import { accessBytes, OpClass, OPCODES, resultReg, sourceRegs, writesBack } from '../isa/opcodes.ts';
import { assemble } from '../index.ts';

/** The record of the first instruction of `text`. */
function rec(text: string): { code: Int32Array; b: number } {
  const p = assemble(`.data\nx: .quad 0\n.text\n${text}\n`, { file: 'op.s' });
  return { code: p.code, b: 0 * INSN_WORDS };
}

function sources(text: string): number[] {
  const { code, b } = rec(text);
  const out = new Int32Array(4);
  return [...out.subarray(0, sourceRegs(code, b, out))];
}

describe('opcode table', () => {
  it('has every Op, under its own name', () => {
    expect(OPCODES.length).toBe(OP_COUNT);
    OPCODES.forEach((info, op) => {
      expect(info.op).toBe(op);
      expect(info.name).toBe(OP_NAMES[op]);
    });
  });

  it('classes: memory ops access memory, others do not', () => {
    for (const info of OPCODES) {
      const memory = [OpClass.LOAD, OpClass.STORE, OpClass.LOAD_PAIR, OpClass.STORE_PAIR, OpClass.STORE_EXCLUSIVE, OpClass.ATOMIC].includes(info.cls);
      expect(info.accesses > 0, info.name).toBe(memory);
    }
    expect(OPCODES[Op.LDP].accesses).toBe(2);
    expect(OPCODES[Op.CAS].cls).toBe(OpClass.ATOMIC);
  });

  it('source registers follow the encoding', () => {
    expect(sources('add x1, x2, x3')).toEqual([2, 3]);
    expect(sources('add x1, x2, #3')).toEqual([2]);
    expect(sources('lsl x1, x2, x3')).toEqual([2, 3]);
    expect(sources('mul x1, x2, x3')).toEqual([2, 3]);
    expect(sources('movk x1, #1, lsl #16')).toEqual([1]);
    expect(sources('mov x1, #5')).toEqual([]);
    expect(sources('csel x1, x2, x3, eq')).toEqual([2, 3]);
    expect(sources('cbz x4, .')).toEqual([4]);
    expect(sources('ret')).toEqual([30]);
    expect(sources('ldr x1, [x2, #8]')).toEqual([2]);
    expect(sources('ldr x1, [x2, x3, lsl #3]')).toEqual([2, 3]);
    expect(sources('str x1, [x2, w3, uxtw]')).toEqual([2, 1, 3]);
    expect(sources('stp x1, x4, [x2]')).toEqual([2, 1, 4]);
    expect(sources('stlxr w5, x1, [x2]')).toEqual([2, 1]);
    expect(sources('ldadd x1, x3, [x2]')).toEqual([2, 1]);
    expect(sources('cas x1, x3, [x2]')).toEqual([2, 1, 3]);
    expect(sources('madd x1, x2, x3, x4')).toEqual([2, 3, 4]);
    expect(sources('smull x1, w2, w3')).toEqual([2, 3, REG_ZR]);
    expect(sources('bfi x1, x2, #3, #4')).toEqual([2, 1]);
    expect(sources('ubfx x1, x2, #3, #4')).toEqual([2]);
    expect(sources('extr x1, x2, x3, #5')).toEqual([2, 3]);
    expect(sources('ccmp x1, x2, #0, eq')).toEqual([1, 2]);
    expect(sources('ccmn w1, #3, #0, eq')).toEqual([1]);
    expect(sources('bic x1, x2, x3, lsl #2')).toEqual([2, 3]);
    expect(sources('adc x1, x2, x3')).toEqual([2, 3]);
    expect(sources('blr x5')).toEqual([5]);
    expect(sources('msr tpidr_el0, x6')).toEqual([6]);
    expect(sources('mrs x6, tpidr_el0')).toEqual([]);
  });

  it('results, write-back and access size', () => {
    const r = (t: string): number => { const { code, b } = rec(t); return resultReg(code, b); };
    expect(r('ldadd x1, x3, [x2]')).toBe(3);
    expect(r('stadd x1, [x2]')).toBe(REG_ZR);
    expect(r('cas x1, x3, [x2]')).toBe(1);
    expect(r('swpal w1, w3, [x2]')).toBe(3);
    const { code, b } = rec('ldr w1, [x2, #4]!');
    expect(writesBack(code[b + F.FLAGS])).toBe(true);
    expect(accessBytes(code[b + F.FLAGS])).toBe(4);
    expect(accessBytes(rec('ldr x1, [x2]').code[F.FLAGS])).toBe(8);
    expect(OPCODES[Op.BL].link).toBe(true);
    expect(OPCODES[Op.SUBS].setsFlags && OPCODES[Op.BCOND].readsFlags && OPCODES[Op.CSEL].readsFlags).toBe(true);
    expect(OPCODES[Op.BLR].link && OPCODES[Op.CCMP].readsFlags && OPCODES[Op.CCMP].setsFlags && OPCODES[Op.ADC].readsFlags).toBe(true);
    expect(OPCODES[Op.CCMP].writes).toEqual([]);
    expect(r('madd x1, x2, x3, x4')).toBe(1);
    expect(r('mrs x7, tpidr_el0')).toBe(7);
  });
});
