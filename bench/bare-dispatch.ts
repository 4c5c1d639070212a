// The ceiling bench:engine compares the engine with: a bare dispatch loop, a switch over the
// program's Int32Array of encoded instructions, registers in typed arrays, memory a plain array
// of words, no views, no log, no scheduler. It runs core 0's code for `count` instructions
// (restarting at the entry when the code exits), with a minimal effect for each op the bench
// loops use (32-bit arithmetic and logic, shifts by an immediate, word loads and stores, the
// loops' branches): what an interpreter costs before it models any memory.
import * as isa from '../isa/instructions.ts';
import { DATA_BASE, type Program } from '../isa/program.ts';

const { F, INSN_WORDS, Op, REG_ZR, FLAG_IMM2, FLAG_SF } = isa; // local aliases (see emu/core/access.ts)

export function bareDispatch(p: Program, count: number): number {
  const code = p.code;
  const regLo = new Int32Array(isa.NUM_REGS);
  const regHi = new Int32Array(isa.NUM_REGS);
  const mem = new Int32Array(p.initLo.length * 2);
  const entry = p.threads[0].entry;
  let pc = entry, nzcv = 0, n = 0;
  while (n < count) {
    const b = pc * INSN_WORDS;
    const rt = code[b + F.RT], rn = code[b + F.RN], flags = code[b + F.FLAGS];
    n++;
    switch (code[b]) {
      case Op.MOVI: if (rt !== REG_ZR) { regLo[rt] = code[b + F.IMM_LO]; regHi[rt] = (flags & FLAG_SF) !== 0 ? code[b + F.IMM_HI] : 0; } pc++; break;
      case Op.MOVK: {
        const sh = code[b + F.EXTRA], imm = code[b + F.IMM_LO] & 0xffff;
        if (sh < 32) regLo[rt] = (regLo[rt] & ~(0xffff << sh)) | (imm << sh);
        else regHi[rt] = (regHi[rt] & ~(0xffff << (sh - 32))) | (imm << (sh - 32));
        pc++;
        break;
      }
      case Op.ADD: case Op.SUB: case Op.SUBS: {
        const v = (flags & FLAG_IMM2) !== 0 ? code[b + F.IMM_LO] : regLo[code[b + F.RM]];
        const r = code[b] === Op.ADD ? (regLo[rn] + v) | 0 : (regLo[rn] - v) | 0;
        if (code[b] === Op.SUBS) nzcv = r === 0 ? 4 : 0;
        if (rt !== REG_ZR) regLo[rt] = r;
        pc++;
        break;
      }
      case Op.AND: case Op.ORR: case Op.EOR: {
        const v = (flags & FLAG_IMM2) !== 0 ? code[b + F.IMM_LO] : regLo[code[b + F.RM]];
        const op = code[b];
        if (rt !== REG_ZR) regLo[rt] = op === Op.AND ? regLo[rn] & v : op === Op.ORR ? regLo[rn] | v : regLo[rn] ^ v;
        pc++;
        break;
      }
      case Op.LSL: case Op.LSR: {
        const s = code[b + F.IMM_LO] & 31;
        if (rt !== REG_ZR) regLo[rt] = code[b] === Op.LSL ? regLo[rn] << s : regLo[rn] >>> s;
        pc++;
        break;
      }
      case Op.MUL: if (rt !== REG_ZR) regLo[rt] = Math.imul(regLo[rn], regLo[code[b + F.RM]]); pc++; break;
      case Op.LDR: regLo[rt] = mem[((regLo[rn] - DATA_BASE) >>> 2) + 0]; pc++; break;
      case Op.STR: mem[(regLo[rn] - DATA_BASE) >>> 2] = regLo[rt]; pc++; break;
      case Op.STXR: mem[(regLo[rn] - DATA_BASE) >>> 2] = regLo[rt]; regLo[code[b + F.RM]] = 0; pc++; break;
      case Op.CBZ: pc = regLo[rt] === 0 ? code[b + F.IMM_LO] : pc + 1; break;
      case Op.CBNZ: pc = regLo[rt] !== 0 ? code[b + F.IMM_LO] : pc + 1; break;
      case Op.BCOND: pc = (code[b + F.EXTRA] === isa.Cond.NE) === ((nzcv & 4) === 0) ? code[b + F.IMM_LO] : pc + 1; break;
      case Op.B: pc = code[b + F.IMM_LO]; break;
      case Op.SVC: case Op.HALT: pc = entry; regLo.fill(0); break;
      default: pc++;
    }
  }
  return regLo[5] ^ regLo[6] ^ mem[0]; // keep the work observable
}
