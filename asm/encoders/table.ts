// The encoder table: one encoder per mnemonic, from parsed operands to one decoded instruction
// record (isa/instructions.ts). Each encoder checks what the A64 instruction accepts (operand
// kinds, W/X consistency, SP/ZR where the encoding allows them, immediate ranges) and fills
// the record; values that may involve labels are handed to the context and written once known.
// The encoders live by instruction class: alu.ts, branches.ts, memory.ts, system.ts, over the
// operand checks of context.ts.
import { FLAG_ACQ, FLAG_ACQPC, FLAG_EXCL, FLAG_REL, Op } from '../../isa/instructions.ts';
import { addSub, cinc, csel, cset, logical, mov, movWide, mvn, neg, shiftOp, threeRegs } from './alu.ts';
import { adr, br, branch, cbz, ret, tbz } from './branches.ts';
import { COND_NAMES, type Encoder } from './context.ts';
import { acquireRelease, atomic, atomicStore, BYTE, HALF, loadStore, type MemForm, pair, prefetch, SBYTE, SHALF, storeExclusive, SWORD, WORD } from './memory.ts';
import { barrier, clrex, hlt, isb, noOperands, svc } from './system.ts';

export type { EncodeContext, Encoder } from './context.ts';

function buildTable(): Map<string, Encoder> {
  const t = new Map<string, Encoder>();
  t.set('add', addSub(Op.ADD, Op.SUB, false, true));
  t.set('sub', addSub(Op.SUB, Op.ADD, false, true));
  t.set('adds', addSub(Op.ADDS, Op.SUBS, true, true));
  t.set('subs', addSub(Op.SUBS, Op.ADDS, true, true));
  t.set('cmp', addSub(Op.SUBS, Op.ADDS, true, false));
  t.set('cmn', addSub(Op.ADDS, Op.SUBS, true, false));
  t.set('and', logical(Op.AND, false, true));
  t.set('ands', logical(Op.ANDS, true, true));
  t.set('orr', logical(Op.ORR, false, true));
  t.set('eor', logical(Op.EOR, false, true));
  t.set('tst', logical(Op.ANDS, true, false));
  t.set('lsl', shiftOp(Op.LSL, false));
  t.set('lsr', shiftOp(Op.LSR, false));
  t.set('asr', shiftOp(Op.ASR, false));
  t.set('lslv', shiftOp(Op.LSL, true));
  t.set('lsrv', shiftOp(Op.LSR, true));
  t.set('asrv', shiftOp(Op.ASR, true));
  t.set('mul', threeRegs(Op.MUL));
  t.set('neg', neg(Op.SUB));
  t.set('negs', neg(Op.SUBS));
  t.set('mvn', mvn);
  t.set('mov', mov);
  t.set('movz', movWide('z'));
  t.set('movn', movWide('n'));
  t.set('movk', movWide('k'));
  t.set('csel', csel(Op.CSEL));
  t.set('csinc', csel(Op.CSINC));
  t.set('csinv', csel(Op.CSINV));
  t.set('csneg', csel(Op.CSNEG));
  t.set('cset', cset(Op.CSINC));
  t.set('csetm', cset(Op.CSINV));
  t.set('cinc', cinc(Op.CSINC));
  t.set('cinv', cinc(Op.CSINV));
  t.set('cneg', cinc(Op.CSNEG));
  t.set('b', branch(Op.B, null));
  t.set('bl', branch(Op.BL, null));
  for (const [name, k] of Object.entries(COND_NAMES)) {
    t.set(`b.${name}`, branch(Op.BCOND, k));
    t.set(`b${name}`, branch(Op.BCOND, k));
  }
  t.set('br', br);
  t.set('ret', ret);
  t.set('cbz', cbz(Op.CBZ));
  t.set('cbnz', cbz(Op.CBNZ));
  t.set('tbz', tbz(Op.TBZ));
  t.set('tbnz', tbz(Op.TBNZ));
  t.set('adr', adr(false));
  t.set('adrp', adr(true));
  t.set('nop', noOperands(Op.NOP));
  t.set('prfm', prefetch);
  t.set('yield', noOperands(Op.NOP));
  t.set('isb', isb);
  t.set('dmb', barrier);
  t.set('dsb', barrier);
  t.set('clrex', clrex);
  t.set('svc', svc);
  t.set('hlt', hlt);
  // Loads and stores of every size: B/H suffixes transfer a byte or halfword (W registers),
  // SB/SH/SW sign-extend; the U forms take the unscaled offset.
  const sized: Array<[string, MemForm]> = [['', WORD], ['b', BYTE], ['h', HALF]];
  for (const [suffix, form] of [...sized, ['sb', SBYTE], ['sh', SHALF], ['sw', SWORD]] as Array<[string, MemForm]>) {
    t.set('ldr' + suffix, loadStore(Op.LDR, false, form));
    t.set('ldur' + suffix, loadStore(Op.LDR, true, form));
  }
  for (const [suffix, form] of sized) {
    t.set('str' + suffix, loadStore(Op.STR, false, form));
    t.set('stur' + suffix, loadStore(Op.STR, true, form));
    t.set('ldar' + suffix, acquireRelease(Op.LDR, FLAG_ACQ, form));
    t.set('ldapr' + suffix, acquireRelease(Op.LDR, FLAG_ACQPC, form));
    t.set('ldxr' + suffix, acquireRelease(Op.LDR, FLAG_EXCL, form));
    t.set('ldaxr' + suffix, acquireRelease(Op.LDR, FLAG_EXCL | FLAG_ACQ, form));
    t.set('stlr' + suffix, acquireRelease(Op.STR, FLAG_REL, form));
    t.set('stxr' + suffix, storeExclusive(0, form));
    t.set('stlxr' + suffix, storeExclusive(FLAG_REL, form));
  }
  t.set('ldp', pair(Op.LDP, false));
  t.set('stp', pair(Op.STP, false));
  t.set('ldnp', pair(Op.LDP, true));
  t.set('stnp', pair(Op.STP, true));
  t.set('ldpsw', pair(Op.LDP, false, SWORD));
  // LSE atomics: <name><ordering><size>, e.g. swpalb, ldaddh, casl; ST<op><L><size> aliases.
  const order: Record<string, number> = { '': 0, a: FLAG_ACQ, l: FLAG_REL, al: FLAG_ACQ | FLAG_REL };
  const lse: Array<[string, Op]> = [
    ['swp', Op.SWP], ['cas', Op.CAS], ['ldadd', Op.LDADD], ['ldclr', Op.LDCLR], ['ldeor', Op.LDEOR], ['ldset', Op.LDSET],
    ['ldsmax', Op.LDSMAX], ['ldsmin', Op.LDSMIN], ['ldumax', Op.LDUMAX], ['ldumin', Op.LDUMIN],
  ];
  for (const [name, op] of lse) {
    for (const [size, form] of sized) {
      for (const [suffix, flags] of Object.entries(order)) t.set(name + suffix + size, atomic(op, flags, form));
      if (name.startsWith('ld')) {
        const st = 'st' + name.slice(2);
        t.set(st + size, atomicStore(op, 0, form));
        t.set(st + 'l' + size, atomicStore(op, FLAG_REL, form));
      }
    }
  }
  return t;
}

export const ENCODERS: ReadonlyMap<string, Encoder> = buildTable();

/** A64 mnemonics hangar knows of but does not model, for a clearer message than "unknown". */
export const UNSUPPORTED_MNEMONICS: ReadonlySet<string> = new Set([
  'ldxp', 'stxp', 'ldaxp', 'stlxp', 'casp', 'caspa', 'caspl', 'caspal', 'bic', 'bics', 'orn', 'eon',
  'madd', 'msub', 'mneg', 'smull', 'umull', 'smulh', 'umulh', 'sdiv', 'udiv', 'blr', 'wfe',
  'wfi', 'sev', 'sevl', 'ror', 'rorv', 'extr', 'ubfx', 'sbfx', 'bfi', 'bfxil', 'ubfm', 'sbfm',
  'bfm', 'sxtw', 'sxtb', 'sxth', 'uxtb', 'uxth', 'adc', 'adcs', 'sbc', 'sbcs', 'ngc', 'ccmp',
  'ccmn', 'cls', 'clz', 'rbit', 'rev', 'rev16', 'rev32', 'brk', 'hvc', 'smc', 'eret', 'mrs',
  'msr', 'dc', 'ic', 'tlbi', 'ldapur', 'stlur', 'ldlar', 'stllr',
]);
