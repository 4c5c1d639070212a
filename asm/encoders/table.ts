// The encoder table: one encoder per mnemonic, from parsed operands to one decoded instruction
// record (isa/instructions.ts). Each encoder checks what the A64 instruction accepts (operand
// kinds, W/X consistency, SP/ZR where the encoding allows them, immediate ranges) and fills
// the record; values that may involve labels are handed to the context and written once known.
// The encoders live by instruction class: alu.ts, branches.ts, memory.ts, system.ts, over the
// operand checks of context.ts.
import { FLAG_ACQ, FLAG_ACQPC, FLAG_EXCL, FLAG_REL, Op } from '../../isa/instructions.ts';
import { addSub, cinc, csel, cset, logical, mov, movWide, mvn, neg, shiftOp, threeRegs } from './alu.ts';
import { conditionalCompare, invertedLogical, multiplyAdd, multiplyLong, negateWithCarry, sameWidthRegs } from './arith.ts';
import { bitfieldAlias, bitfieldMove, extend, extr, oneRegister, ror } from './bitfield.ts';
import { adr, branch, branchRegister, cbz, ret, tbz } from './branches.ts';
import { COND_NAMES, type Encoder } from './context.ts';
import { acquireRelease, atomic, atomicStore, BYTE, HALF, loadStore, type MemForm, pair, prefetch, SBYTE, SHALF, storeExclusive, SWORD, WORD } from './memory.ts';
import { barrier, bti, clrex, hint, hlt, isb, mrs, msr, noOperands, svc, trap } from './system.ts';

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
  t.set('madd', multiplyAdd(Op.MADD));
  t.set('msub', multiplyAdd(Op.MSUB));
  t.set('mneg', multiplyAdd(Op.MSUB, true));
  t.set('smaddl', multiplyLong(Op.SMADDL));
  t.set('smsubl', multiplyLong(Op.SMSUBL));
  t.set('umaddl', multiplyLong(Op.UMADDL));
  t.set('umsubl', multiplyLong(Op.UMSUBL));
  t.set('smull', multiplyLong(Op.SMADDL, true));
  t.set('umull', multiplyLong(Op.UMADDL, true));
  t.set('smnegl', multiplyLong(Op.SMSUBL, true));
  t.set('umnegl', multiplyLong(Op.UMSUBL, true));
  t.set('smulh', sameWidthRegs(Op.SMULH, true));
  t.set('umulh', sameWidthRegs(Op.UMULH, true));
  t.set('sdiv', sameWidthRegs(Op.SDIV));
  t.set('udiv', sameWidthRegs(Op.UDIV));
  t.set('adc', sameWidthRegs(Op.ADC));
  t.set('adcs', sameWidthRegs(Op.ADCS));
  t.set('sbc', sameWidthRegs(Op.SBC));
  t.set('sbcs', sameWidthRegs(Op.SBCS));
  t.set('ngc', negateWithCarry(Op.SBC));
  t.set('ngcs', negateWithCarry(Op.SBCS));
  t.set('ccmp', conditionalCompare(Op.CCMP));
  t.set('ccmn', conditionalCompare(Op.CCMN));
  t.set('bic', invertedLogical(Op.BIC, Op.AND, false));
  t.set('bics', invertedLogical(Op.BICS, Op.ANDS, true));
  t.set('orn', invertedLogical(Op.ORN, Op.ORR, false));
  t.set('eon', invertedLogical(Op.EON, Op.EOR, false));
  t.set('ubfm', bitfieldMove(Op.UBFM));
  t.set('sbfm', bitfieldMove(Op.SBFM));
  t.set('bfm', bitfieldMove(Op.BFM));
  t.set('ubfx', bitfieldAlias(Op.UBFM, false));
  t.set('sbfx', bitfieldAlias(Op.SBFM, false));
  t.set('bfxil', bitfieldAlias(Op.BFM, false));
  t.set('ubfiz', bitfieldAlias(Op.UBFM, true));
  t.set('sbfiz', bitfieldAlias(Op.SBFM, true));
  t.set('bfi', bitfieldAlias(Op.BFM, true));
  t.set('bfc', bitfieldAlias(Op.BFM, true, true));
  t.set('sxtb', extend(true, 8));
  t.set('sxth', extend(true, 16));
  t.set('sxtw', extend(true, 32));
  t.set('uxtb', extend(false, 8));
  t.set('uxth', extend(false, 16));
  t.set('uxtw', extend(false, 32));
  t.set('extr', extr);
  t.set('ror', ror(false));
  t.set('rorv', ror(true));
  t.set('clz', oneRegister(Op.CLZ));
  t.set('cls', oneRegister(Op.CLS));
  t.set('rbit', oneRegister(Op.RBIT));
  t.set('rev', oneRegister(Op.REV));
  t.set('rev16', oneRegister(Op.REV16));
  t.set('rev32', oneRegister(Op.REV32, true));
  t.set('rev64', oneRegister(Op.REV, true));
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
  t.set('br', branchRegister(Op.BR));
  t.set('blr', branchRegister(Op.BLR));
  t.set('ret', ret);
  t.set('cbz', cbz(Op.CBZ));
  t.set('cbnz', cbz(Op.CBNZ));
  t.set('tbz', tbz(Op.TBZ));
  t.set('tbnz', tbz(Op.TBNZ));
  t.set('adr', adr(false));
  t.set('adrp', adr(true));
  t.set('nop', noOperands(Op.NOP));
  t.set('prfm', prefetch);
  // The hint space: NOPs on the cores hangar models (system.ts says why).
  for (const name of ['yield', 'wfe', 'wfi', 'sev', 'sevl', 'esb', 'csdb', 'xpaclri', 'paciasp', 'pacibsp', 'autiasp', 'autibsp',
    'paciaz', 'pacibz', 'autiaz', 'autibz', 'pacia1716', 'pacib1716', 'autia1716', 'autib1716']) t.set(name, noOperands(Op.NOP));
  t.set('hint', hint);
  t.set('bti', bti);
  t.set('brk', trap(0));
  t.set('udf', trap(1));
  t.set('mrs', mrs);
  t.set('msr', msr);
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
  'ldxp', 'stxp', 'ldaxp', 'stlxp', 'casp', 'caspa', 'caspl', 'caspal',
  'hvc', 'smc', 'eret', 'dc', 'ic', 'tlbi', 'ldapur', 'stlur', 'ldlar', 'stllr',
  'retaa', 'retab', 'braa', 'brab', 'blraa', 'blrab', 'eretaa', 'eretab',
]);

/** Floating-point and SIMD mnemonics (FMOV, FADD, SCVTF, CNT, ADDV, DUP, LD1...): hangar has
 * the general-purpose registers only, so these get their own message. */
export const SIMD_FP_MNEMONIC = /^(f(mov|add|sub|mul|div|neg|abs|sqrt|cmpe?|ccmpe?|csel|cvt[a-z]*|n?madd|n?msub|nmul|max[a-z]*|min[a-z]*|rint[a-z]*|ml[as])|[su]cvtf|cnt|addv|[su]addlv|[su](max|min)v|dup|ins|umov|smov|movi|mvni|ld[1-4]r?|st[1-4]|tbl|tbx|zip[12]|uzp[12]|trn[12]|xtn2?|[su]xtl2?|bsl|bif|bit|addp|cm(eq|ge|gt|hi|hs|tst))$/;
