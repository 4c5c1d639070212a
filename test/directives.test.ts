// The directives and sections compilers emit (issue 9, item 1): the bytes each data directive
// lays out, which sections reach emulated memory and which are kept out (and the error when a
// kept statement uses a label of a discarded one), data in code sections (literal pools),
// relocation operators with their values, C source positions from .file/.loc, the function
// and object tables, and the error of every misuse. Expected bytes and addresses are written
// out from the GNU as manual's rules, not computed by the assembler.
import { describe, expect, it } from 'vitest';
import { F, INSN_WORDS, Op } from '../isa/instructions.ts';
import { DATA_BASE, functionAt, objectAt, sourcePositionAt } from '../isa/program.ts';
import { assemble, AssemblyErrors, newMachine, programParamsFor, type Program, SourceError } from '../index.ts';

function asm(src: string): Program {
  return assemble(src, { file: 'd.s' });
}

/** The bytes of memory from `addr`. */
function bytes(p: Program, addr: number, n: number): number[] {
  const out: number[] = [];
  for (let a = addr; a < addr + n; a++) {
    const w = (a - DATA_BASE) >> 3, k = (a - DATA_BASE) & 7;
    const half = k < 4 ? p.initLo[w] : p.initHi[w];
    out.push((half >>> (8 * (k & 3))) & 0xff);
  }
  return out;
}

function error(src: string): SourceError {
  try {
    asm(src);
  } catch (e) {
    expect(e).toBeInstanceOf(SourceError);
    return e as SourceError;
  }
  throw new Error(`expected an error for ${JSON.stringify(src)}`);
}

/** Runs the program on its cores and returns core 0's X registers (unsigned). */
function run(p: Program): (r: number) => bigint {
  const pf = programParamsFor('armv8', 100_000);
  const m = newMachine(p, pf);
  m.reset(1, 0, pf(1, 0));
  const out = m.run();
  expect(out.verdict, out.error).toBe('ok');
  return (r) => BigInt.asUintN(64, m.cores[0].reg(r));
}

describe('strings and data', () => {
  it('.string / .asciz add a NUL, .ascii does not; escapes as GNU as', () => {
    const p = asm('.data\na: .string "hi\\n"\nb: .asciz "\\x41\\102", "C"\nc: .ascii "\\"\\\\\\t\\303\\251"\nd: .byte 9');
    expect(p.symbols).toEqual({ a: DATA_BASE, b: DATA_BASE + 4, c: DATA_BASE + 9, d: DATA_BASE + 14 });
    expect(bytes(p, DATA_BASE, 15)).toEqual([0x68, 0x69, 0x0a, 0, 0x41, 0x42, 0, 0x43, 0, 0x22, 0x5c, 0x09, 0xc3, 0xa9, 9]);
  });

  it('non-ASCII characters are UTF-8', () => {
    const p = asm('.data\n.ascii "é→"');
    expect(bytes(p, DATA_BASE, 5)).toEqual([0xc3, 0xa9, 0xe2, 0x86, 0x92]);
  });

  it('.uleb128 / .sleb128 (DWARF 5, 7.6)', () => {
    const p = asm('.data\n.uleb128 2, 127, 128, 624485\n.sleb128 -1, 63, 64, -123456\n.Ls: .zero 300\n.Le: .uleb128 .Le - .Ls');
    expect(bytes(p, DATA_BASE, 14)).toEqual([2, 0x7f, 0x80, 0x01, 0xe5, 0x8e, 0x26, 0x7f, 0x3f, 0xc0, 0x00, 0xc0, 0xbb, 0x78]);
    expect(bytes(p, DATA_BASE + 14 + 300, 2)).toEqual([0xac, 0x02]);
    // Its size depends on its value, so the value must be known where it stands.
    expect(error('.data\n.uleb128 .Le - .Ls\n.Ls: .zero 3\n.Le:').message).toMatch(/undefined symbol '\.Le' \(a constant is needed here/);
  });

  it('.fill repeat, size, value; .2byte/.4byte/.8byte/.xword/.dword', () => {
    const p = asm('.data\n.fill 2, 3, 0x112233\n.2byte 0x4455\n.4byte -2\n.8byte 1\n.xword 2\n.dword 3');
    expect(bytes(p, DATA_BASE, 6)).toEqual([0x33, 0x22, 0x11, 0x33, 0x22, 0x11]);
    expect(bytes(p, DATA_BASE + 6, 6)).toEqual([0x55, 0x44, 0xfe, 0xff, 0xff, 0xff]);
    expect(bytes(p, DATA_BASE + 12, 8)).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('. - label in one section is a constant (GNU as)', () => {
    const p = asm('.data\nbuf: .byte 1, 2, 3\n.zero 8 - (. - buf)\nafter: .byte 4');
    expect(p.symbols.after).toBe(DATA_BASE + 8);
  });

  it('a label difference across sections is not a constant', () => {
    expect(error('.data\na: .byte 1\n.section .rodata\nb: .byte 2\n.zero b - a').message).toMatch(/different address spaces, or not known until the program is linked/);
  });
});

describe('sections', () => {
  it('sections are laid out in order of first appearance, each at its alignment', () => {
    const p = asm('.data\na: .byte 1\n.section .rodata,"a",@progbits\n.p2align 3\nr: .quad 7\n.data\nb: .byte 2\n.bss\n.balign 16\nz: .zero 4');
    // .data: a, b (2 bytes); .rodata aligned to 8: r; .bss aligned to 16: z.
    expect(p.symbols).toEqual({ a: DATA_BASE, b: DATA_BASE + 1, r: DATA_BASE + 8, z: DATA_BASE + 16 });
    expect(bytes(p, DATA_BASE + 8, 1)).toEqual([7]);
  });

  it('debug, note and unwind sections are parsed and kept out of memory', () => {
    const p = asm([
      '.text', 'f: nop', '.Lend:',
      '.section .debug_info,"",@progbits', '.Ldi: .4byte .Lend - f', '.uleb128 .Lx - .Ly', '.string "ignored"',
      '.section .note.GNU-stack,"",@progbits',
      '.section .note.gnu.property,"a"', '.align 3', '.word 4, 16, 5', '.string "GNU"',
      '.section .gcc_except_table,"a",@progbits', '.LLSDA1: .byte 0xff',
      '.section ".note.GNU-stack","",@progbits',
      '.data', 'd: .quad 5',
    ].join('\n'));
    expect(p.symbols).toEqual({ d: DATA_BASE });
    expect(p.initLo.length * 8).toBe(16 + 4096); // 8 bytes of .data rounded to 16, one stack
  });

  it('a label of a discarded section cannot be used in the program', () => {
    expect(error('.section .gcc_except_table,"a",@progbits\n.LLSDA1: .byte 0\n.text\nadr x0, .LLSDA1').message)
      .toMatch(/'\.LLSDA1' is defined in section \.gcc_except_table \(at d\.s:2:1\), which hangar keeps out of the program/);
  });

  it('an unknown section needs flags; "a" keeps it, "" discards it; x makes it code', () => {
    expect(error('.section .mydata\n.byte 1').message).toMatch(/expected a section name hangar knows .* or flags/);
    const p = asm('.section .mydata,"aw"\nm: .byte 1\n.section .mynotes,""\nn: .byte 2\n.section .mytext,"ax",@progbits\ng: nop');
    expect(p.symbols).toEqual({ m: DATA_BASE });
    expect(p.labels).toEqual({ g: 0 });
  });

  it('@nobits sections take zeros only', () => {
    expect(error('.section .bss.x,"aw",@nobits\n.byte 1').message).toMatch(/non-zero data in \.bss\.x, a @nobits/);
    expect(error('.bss\n.quad f\n.text\nnop\nf: nop').message).toMatch(/non-zero data in \.bss/);
    expect(asm('.bss\n.zero 8\n.byte 0\n.p2align 3').symbols).toEqual({});
  });

  it('thread-local storage is refused', () => {
    expect(error('.section .tbss,"awT",@nobits').message).toMatch(/thread-local storage \(section '\.tbss'\) is not supported/);
    expect(error('.type v, %tls_object').message).toMatch(/'v' is thread-local: not supported/);
  });

  it('.pushsection / .popsection / .previous', () => {
    const p = asm('.data\na: .byte 1\n.pushsection .rodata\nr: .byte 2\n.popsection\nb: .byte 3\n.section .rodata\n.previous\nc: .byte 4');
    expect(p.symbols).toEqual({ a: DATA_BASE, b: DATA_BASE + 1, c: DATA_BASE + 2, r: DATA_BASE + 3 });
    expect(error('.popsection').message).toMatch(/\.popsection without \.pushsection/);
  });

  it('section syntax errors', () => {
    expect(error('.section .data,"aq"').message).toMatch(/unknown section flag 'q'/);
    expect(error('.section .data,"aw",@bits').message).toMatch(/expected a section type/);
    expect(error('.section .text.f,"axG",@progbits').message).toMatch(/',' and the group name \(flag G\)/);
    expect(error('.text\nnop\n.section .text,"aw"').message).toMatch(/section \.text was opened as code at .* and is now data/);
  });
});

describe('data in code sections (literal pools) and code addresses', () => {
  it('data after an instruction in .text goes to memory; its label is a data address', () => {
    const p = asm('.text\n_start: adrp x1, .LC0\nldr x2, [x1, #:lo12:.LC0]\nhlt #0\n.align 3\n.LC0: .xword 0x1122334455667788\nafter: nop');
    expect(p.symbols['.LC0']).toBe(DATA_BASE);
    expect(p.labels).toEqual({ _start: 0, after: 3 });
    expect(run(p)(2)).toBe(0x1122334455667788n);
  });

  it('a label before code is a pc, before data an address; pending alignment only pads data', () => {
    const p = asm('.data\n.byte 1\n.text\n.p2align 4\nf: nop\n.p2align 3, 0, 7\n.Lpool: .quad f\ng: ret');
    expect(p.labels).toEqual({ f: 0, g: 1 });
    expect(p.symbols['.Lpool']).toBe(DATA_BASE + 8); // .data is 1 byte, the pool is 8-aligned
  });

  it('function pointers: .quad func, adrp/add of a code label and BLR give and take pcs', () => {
    const p = asm([
      '.data', 'ptr: .quad twice',
      '.text', '_start: adrp x1, ptr', 'add x1, x1, :lo12:ptr', 'ldr x2, [x1]', 'mov x0, #21', 'blr x2',
      'adrp x3, twice', 'add x3, x3, :lo12:twice', 'hlt #0',
      'twice: add x0, x0, x0', 'ret',
    ].join('\n'));
    const x = run(p);
    expect([x(0), x(2), x(3)]).toEqual([42n, 8n, 8n]);
  });

  it('jump tables of code-label differences work; scaled ones are refused', () => {
    const p = asm([
      '_start: mov x1, #1', 'adrp x2, .Ltab', 'add x2, x2, :lo12:.Ltab', 'ldrsw_sub:', 'ldr w3, [x2, x1, lsl #2]', 'sxtw x3, w3',
      'adr x4, .Lbase', 'add x4, x4, x3', 'br x4',
      '.Lbase: mov x0, #10', 'hlt #0', '.Lone: mov x0, #11', 'hlt #0',
      '.section .rodata', '.Ltab: .word .Lbase - .Lbase', '.word .Lone - .Lbase',
    ].join('\n'));
    expect(run(p)(0)).toBe(11n);
    expect(error('a: nop\nb: nop\n.data\n.byte (b - a) / 4').message).toMatch(/'\/' applied to a difference of code addresses .* compile with -fno-jump-tables/);
    expect(error('a: nop\n.data\nd: .quad a * 2').message).toMatch(/'\*' applied to a code address/);
    expect(error('a: nop\n.data\nd: .quad d - a').message).toMatch(/'-' of a data address and a code address: they are in different address spaces/);
  });
});

describe('relocation operators', () => {
  it(':abs_g0_nc: .. :abs_g3: with MOVZ/MOVK build an address (the shift is implied)', () => {
    const p = asm([
      '.data', '.zero 24', 'v: .quad 77',
      '.text', '_start: movz x1, #:abs_g0_nc:v', 'movk x1, #:abs_g1_nc:v', 'movk x1, #:abs_g2_nc:v', 'movk x1, #:abs_g3:v', 'ldr x2, [x1]',
      'movz x3, #:abs_g1:v', 'hlt #0',
    ].join('\n'));
    const first = (pc: number): number[] => [p.code[pc * INSN_WORDS + F.OP], p.code[pc * INSN_WORDS + F.IMM_LO], p.code[pc * INSN_WORDS + F.IMM_HI], p.code[pc * INSN_WORDS + F.EXTRA]];
    expect(first(0)).toEqual([Op.MOVI, (DATA_BASE + 24) & 0xffff, 0, 0]);
    expect(first(1)).toEqual([Op.MOVK, (DATA_BASE + 24) >>> 16, 0, 16]);
    expect(first(3)).toEqual([Op.MOVK, 0, 0, 48]);
    expect(first(5)).toEqual([Op.MOVI, 0x100000, 0, 0]);
    const x = run(p);
    expect([x(1), x(2)]).toEqual([BigInt(DATA_BASE + 24), 77n]);
  });

  it(':got: / :got_lo12: load a symbol\'s address from a GOT the linker builds', () => {
    const p = asm('.data\nv: .quad 5\n.text\n_start: adrp x0, :got:v\nldr x0, [x0, #:got_lo12:v]\nldr x1, [x0]\nadrp x2, :got:v\nldr x2, [x2, :got_lo12:v]\nhlt #0');
    const x = run(p);
    expect([x(0), x(1), x(2)]).toEqual([BigInt(DATA_BASE), 5n, BigInt(DATA_BASE)]);
    // One slot per symbol, after the data: v (8 bytes), then the slot holding v's address.
    expect(bytes(p, DATA_BASE + 8, 8)).toEqual([0, 0, 0x10, 0, 0, 0, 0, 0]);
  });

  it('relocation errors', () => {
    expect(error('.data\n.zero 8\nv: .byte 0\n.text\nmovz x0, #:abs_g0:v').message).toMatch(/does not fit in :abs_g0: \(use :abs_g0_nc:/);
    expect(error('add x0, x0, :got:v\n.data\nv: .byte 0').message).toMatch(/relocation operator ':got:' is not allowed in 'add'/);
    expect(error('adrp x0, :got:v+8\n.data\nv: .byte 0').message).toMatch(/a symbol alone after :got:/);
    expect(error('movz x0, #:lo12:v\n.data\nv: .byte 0').message).toMatch(/relocation operator ':lo12:' is not allowed in MOVZ/);
    expect(error('ldr x0, [x1, :abs_g0:v]\n.data\nv: .byte 0').message).toMatch(/relocation operator ':abs_g0:' is not allowed in 'ldr'/);
    expect(error('movz w0, #:abs_g2_nc:v\n.data\nv: .byte 0').message).toMatch(/:abs_g0: or :abs_g1: for a W register/);
    expect(error('movk x0, #:abs_g1_nc:v, lsl #32\n.data\nv: .byte 0').message).toMatch(/LSL #16 \(the shift of :abs_g1_nc:\) or no shift/);
    expect(error('add x0, x0, :tprel_lo12:v').message).toMatch(/':tprel_lo12:' is not supported \(hangar has no thread-local storage/);
  });
});

describe('C source positions, functions and objects', () => {
  const gcc = [
    '.file "m.c"', '.text', '.file 1 "src/m.c"', '.file 2 "src/../include/h.h"',
    '.type f, %function', 'f:', '.loc 1 10 5 view -0', 'mov x0, #1', '.loc 2 3 1 is_stmt 0 discriminator 2 view .LVU3', 'add x0, x0, x0',
    'ret', '.size f, .-f',
    '.type g, %function', 'g:', '.loc 1 20 0', 'ret', '.size g, .-g',
    '.data', '.type ev, %object', '.size ev, 16', 'ev: .zero 16', '.type flag, %object', '.size flag, 4', 'flag: .word 0',
    '.local cnt', '.comm cnt, 8, 8',
  ].join('\n');

  it('.loc gives each instruction its C file, line and column', () => {
    const p = asm(gcc);
    expect(p.src.cFiles).toEqual(['src/m.c', 'include/h.h']);
    expect(Array.from(p.src.cLine!)).toEqual([10, 3, 3, 20, 0]);
    expect(Array.from(p.src.cCol!)).toEqual([5, 1, 1, 0, 0]);
    expect(Array.from(p.src.cFile!)).toEqual([0, 1, 1, 0, -1]);
    expect(sourcePositionAt(p, 1)).toEqual({ file: 'include/h.h', line: 3, col: 1 });
    expect(sourcePositionAt(p, 4)).toBeUndefined(); // the appended HALT
  });

  it('Clang style: .file 0 with the compilation directory and md5; paths under it are relative', () => {
    const p = asm([
      '.file "m.c"', '.file 0 "/work/proj" "src/m.c" md5 0x6a4c3f27f5409e057965ed73930811c4',
      '.file 1 "/usr/include" "stdio.h" md5 0x8fae87e980509ab4e228a56ef7f0a295', '.file 2 "src/../include" "h.h"',
      '.loc 0 4 2 prologue_end', 'nop', '.loc 1 9 0', 'nop', '.loc 2 7 3', 'nop',
    ].join('\n'));
    expect(p.src.cFiles).toEqual(['src/m.c', '/usr/include/stdio.h', 'include/h.h']);
    expect(Array.from(p.src.cFile!.slice(0, 3))).toEqual([0, 1, 2]);
  });

  it('functions from .type/.size, objects from .type/.size/.comm', () => {
    const p = asm(gcc);
    expect(p.functions).toEqual([{ name: 'f', start: 0, end: 3, unit: 'd.s' }, { name: 'g', start: 3, end: 4, unit: 'd.s' }]);
    expect(functionAt(p, 2)?.name).toBe('f');
    expect(functionAt(p, 3)?.name).toBe('g');
    expect(functionAt(p, 4)).toBeUndefined();
    expect(p.objects).toEqual([
      { name: 'ev', address: DATA_BASE, size: 16, unit: 'd.s' },
      { name: 'flag', address: DATA_BASE + 16, size: 4, unit: 'd.s' },
      { name: 'cnt', address: DATA_BASE + 24, size: 8, unit: 'd.s' },
    ]);
    expect(objectAt(p, DATA_BASE + 4)).toEqual({ object: p.objects![0], offset: 4 });
    expect(objectAt(p, DATA_BASE + 20)).toBeUndefined();
  });

  it('merged globals: .set aliases with a size are objects', () => {
    const p = asm('.type .L_MergedGlobals,@object\n.local .L_MergedGlobals\n.comm .L_MergedGlobals,24,8\n.set a, .L_MergedGlobals\n.size a, 4\n.set b, .L_MergedGlobals+4\n.size b, 4\n.globl b');
    expect(p.objects).toEqual([{ name: 'a', address: DATA_BASE, size: 4, unit: 'd.s' }, { name: 'b', address: DATA_BASE + 4, size: 4, unit: 'd.s' }]);
    expect(p.symbols).toEqual({ '.L_MergedGlobals': DATA_BASE, a: DATA_BASE, b: DATA_BASE + 4 });
  });

  it('.loc errors', () => {
    expect(error('.loc 3 1 1').message).toMatch(/file number 3 has no \.file 3 "name" before it/);
    expect(error('.file 1 "a.c"\n.loc 1 1 1 frobnicate').message).toMatch(/expected a \.loc option/);
    expect(error('.file x').message).toMatch(/a file number or a file name/);
  });
});

describe('symbol directives', () => {
  it('.type accepts %, @ and STT_ forms; ifuncs are refused', () => {
    asm('.type a, %function\n.type b, @function\n.type c, STT_FUNC\n.type d, @object\n.type e, %notype\na: b: c: nop\n.data\nd: e: .byte 0');
    expect(error('.type f, %gnu_indirect_function').message).toMatch(/'f' is an indirect function \(ifunc\): not supported/);
    expect(error('.type f, %weird').message).toMatch(/expected a symbol type/);
    expect(error('.globl .L1').message).toMatch(/'\.L1' is an assembler-local \(\.L\) name and cannot be global/);
  });

  it('accepted without effect: .ident, .addrsig, .addrsig_sym, .cfi_*, .hidden, #APP/#NO_APP', () => {
    const p = asm('#APP\n\tyield\n#NO_APP\n.ident "GCC"\n.addrsig\n.addrsig_sym f\n.hidden f\n.cfi_startproc\n.cfi_personality 0x9b,DW.ref.__gxx_personality_v0\n.cfi_lsda 0x1b,.LLSDA5\n.cfi_endproc\nf: nop');
    expect(p.length).toBe(3);
  });
});

describe('errors', () => {
  it('every error of a file is reported in one run, each with file:line:col', () => {
    let err: unknown;
    try {
      asm('mov x0, #1\nfrob x1\n.data\n.byte 300\n.text\nadd w0, x1, x2\nb nowhere\n.wrd 1');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AssemblyErrors);
    const e = err as AssemblyErrors;
    // In statement order; symbols are resolved (and 'nowhere' found undefined) only once the
    // statements assemble.
    expect(e.errors.map((x) => `${x.line}:${x.col}`)).toEqual(['2:1', '4:7', '6:9', '8:1']);
    expect(e.message.split('\n')).toHaveLength(4);
    expect(e.message).toMatch(/^d\.s:2:1: unknown mnemonic 'frob'/);
    expect([e.line, e.col]).toEqual([2, 1]);
  });

  it('at most 20 errors in full, then a count', () => {
    const src = Array.from({ length: 30 }, (_, i) => `bad${i} x0`).join('\n');
    let e: AssemblyErrors | undefined;
    try {
      asm(src);
    } catch (x) {
      e = x as AssemblyErrors;
    }
    expect(e?.errors).toHaveLength(20);
    expect(e?.total).toBe(30);
    expect(e?.message.split('\n').pop()).toBe('... and 10 more errors');
  });
});
