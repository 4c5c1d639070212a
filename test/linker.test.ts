// Linking several translation units (issue 9, item 1): .L labels and local symbols stay in
// their unit, global symbols are shared, a strong definition beats weak ones, an undefined
// weak symbol is 0, commons are merged, comdat groups are kept once, undefined and duplicate
// symbols are reported together with where they are used or defined, init arrays are
// recorded for the runtime, and -I include paths are searched. Programs run to check values.
import { describe, expect, it } from 'vitest';
import { DATA_BASE } from '../isa/program.ts';
import { assemble, assembleUnit, assembleUnits, AssemblyErrors, linkUnits, newMachine, programParamsFor, type Program, SourceError } from '../index.ts';

function link(...units: Array<[file: string, source: string]>): Program {
  return assembleUnits(units.map(([file, source]) => ({ file, source })));
}

function linkError(...units: Array<[file: string, source: string]>): SourceError {
  try {
    link(...units);
  } catch (e) {
    expect(e).toBeInstanceOf(SourceError);
    return e as SourceError;
  }
  throw new Error('expected a link error');
}

function run(p: Program): (r: number) => bigint {
  const pf = programParamsFor('armv8', 100_000);
  const m = newMachine(p, pf);
  m.reset(1, 0, pf(1, 0));
  const out = m.run();
  expect(out.verdict, out.error).toBe('ok');
  return (r) => BigInt.asUintN(64, m.cores[0].reg(r));
}

const main: [string, string] = ['main.s', [
  '.globl _start', '_start:', 'bl get', 'mov x19, x0', 'adrp x1, counter', 'add x1, x1, :lo12:counter', 'ldr x20, [x1]', 'bl helper', 'mov x21, x0', 'hlt #0',
  'helper: mov x0, #1', 'ret', // local: the other unit's helper is another function
  '.L1: nop',
].join('\n')];
const lib: [string, string] = ['lib.s', [
  '.globl get', 'get: adrp x0, value', 'add x0, x0, :lo12:value', 'ldr x0, [x0]', 'b .L1', '.L1: ret',
  'helper: mov x0, #2', 'ret',
  '.data', '.globl counter', 'counter: .quad 7', 'value: .quad 99',
].join('\n')];

describe('linking units', () => {
  it('globals are shared, locals and .L labels stay in their unit', () => {
    const p = link(main, lib);
    const x = run(p);
    expect([x(19), x(20), x(21)]).toEqual([99n, 7n, 1n]);
    expect(p.labels.helper).toBe(8);
    expect(p.labels['.L1']).toBe(10);
    expect(p.labels['.L1@lib.s']).toBe(15);
    expect(p.labels['helper@lib.s']).toBe(16);
    expect(p.symbols).toEqual({ counter: DATA_BASE, value: DATA_BASE + 8 });
  });

  it('undefined symbols are reported together, each with all its uses', () => {
    const e = linkError(['a.s', 'bl f\nbl g\nbl f\nadrp x0, v'], ['b.s', 'bl f\n.data\n.quad v']);
    expect(e).toBeInstanceOf(AssemblyErrors);
    expect(e.message.split('\n')).toEqual([
      "a.s:1:4: undefined label 'f' (also used at a.s:3:4, b.s:1:4)",
      "a.s:2:4: undefined label 'g'",
      "a.s:4:10: undefined symbol 'v' (also used at b.s:3:7)",
    ]);
  });

  it('duplicate global definitions are reported with both places; locals may repeat', () => {
    const e = linkError(['a.s', '.globl f\nf: ret'], ['b.s', 'nop\n.globl f\nf: ret'], ['c.s', 'f: ret']);
    expect(e.message).toBe("b.s:3:1: duplicate symbol 'f' (also defined at a.s:2:1)");
  });

  it('a strong definition beats a weak one; an undefined weak symbol is 0', () => {
    const p = link(
      ['a.s', '.weak hook\nhook: mov x0, #1\nret\n.weak opt\n_start: bl hook\nmov x19, x0\nadrp x1, opt\nadd x1, x1, :lo12:opt\nhlt #0'],
      ['b.s', '.globl hook\nhook: mov x0, #2\nret'],
    );
    const x = run(p);
    expect([x(19), x(1)]).toEqual([2n, 0n]);
    expect(linkError(['a.s', '.weak f\nbl f']).message).toMatch(/'f' is an undefined weak symbol \(0\), not a code label/);
  });

  it('commons: merged across units (largest size and alignment), a definition wins, .local ones stay', () => {
    const p = link(
      ['a.s', '.comm buf, 4, 4\n.local priv\n.comm priv, 8, 8\n.data\nx: .byte 1'],
      ['b.s', '.comm buf, 16, 8\n.local priv\n.comm priv, 8, 8'],
      ['c.s', '.comm shared, 8, 8\n.comm obj, 4'],
      ['d.s', '.data\n.align 3\n.globl shared\nshared: .quad 3'],
    );
    // x (1 byte), then shared (d.s's definition, 8-aligned), then the commons: the local
    // ones of each unit, priv (a.s) and priv (b.s), then the global ones, buf (16 bytes,
    // 8-aligned) and obj; c.s's .comm shared is d.s's definition.
    expect(p.symbols).toEqual({ x: DATA_BASE, shared: DATA_BASE + 8, priv: DATA_BASE + 16, 'priv@b.s': DATA_BASE + 24, buf: DATA_BASE + 32, obj: DATA_BASE + 48 });
  });

  it('a comdat group is kept once: the first unit\'s copy', () => {
    const group = (v: number): string => `.section .text.inl,"axG",@progbits,inl,comdat\n.weak inl\ninl: mov x0, #${v}\nret\n.text`;
    const p = link(['a.s', `${group(1)}\n_start: bl inl\nmov x19, x0\nbl other\nhlt #0`], ['b.s', `${group(2)}\n.globl other\nother: b inl`]);
    const x = run(p);
    expect([x(19), x(0)]).toEqual([1n, 1n]);
    expect(p.length).toBe(4 + 2 + 1 + 1); // a.s's text and group, b.s's text, the HALT
  });

  it('the dropped copies of a group are not linked: their own local labels need nothing', () => {
    const group = (v: number): string => [
      `.section .text.loop,"axG",@progbits,loop,comdat`, '.weak loop', 'loop: mov x0, #0', `.L1: add x0, x0, #${v}`, 'cmp x0, #6', 'b.lo .L1', 'ret',
      `.section .rodata.loop,"aG",@progbits,loop,comdat`, '.Ltab: .word .L1 - loop', '.text',
    ].join('\n');
    const p = link(['a.s', `${group(2)}\n_start: bl loop\nhlt #0`], ['b.s', `${group(3)}\n.globl f\nf: b loop`]);
    expect(run(p)(0)).toBe(6n);
  });

  it('.set aliases of code and data symbols resolve across units', () => {
    const p = link(
      ['a.s', '.globl C1\n.set C1, C2\n.globl C2\nC2: mov x0, #5\nret\n.data\n.globl base\nbase: .quad 1, 2\n.globl second\n.set second, base+8'],
      ['b.s', '_start: bl C1\nadrp x1, second\nldr x1, [x1, :lo12:second]\nhlt #0'],
    );
    const x = run(p);
    expect([x(0), x(1)]).toEqual([5n, 2n]);
  });

  it('init arrays: entries in link order, preinit first, __init_array_start/end around them', () => {
    const p = link(
      ['a.s', 'ctor_a: ret\n.section .init_array,"aw"\n.align 3\n.xword ctor_a'],
      ['b.s', 'ctor_b: ret\npre: ret\n.section .init_array.00101,"aw"\n.xword ctor_b\n.section .preinit_array,"aw",@preinit_array\n.xword pre\n.text\n_start: adrp x0, __init_array_start\nadd x0, x0, :lo12:__init_array_start\nadrp x1, __init_array_end\nadd x1, x1, :lo12:__init_array_end\nhlt #0'],
    );
    // The preinit entry first, then by priority (.init_array.00101), then plain .init_array.
    expect(p.initArray).toEqual([2, 1, 0]);
    const x = run(p);
    expect(x(1) - x(0)).toBe(16n);
    expect(linkError(['a.s', '.section .init_array,"aw"\n.xword 5']).message).toMatch(/expected a function \(a code label\) in an 8-byte entry of \.init_array/);
  });

  it('_start: the global one, else the first unit\'s; .cores and .stack once per program', () => {
    expect(link(['a.s', 'nop\n_start: nop'], ['b.s', 'nop\nnop\n.globl _start\n_start: nop']).threads[0].entry).toBe(4);
    expect(link(['a.s', 'nop\n_start: nop'], ['b.s', '_start: nop']).threads[0].entry).toBe(1);
    expect(linkError(['a.s', '.cores 2'], ['b.s', '.cores 2']).message).toMatch(/^b\.s:1:1: \.cores given twice \(first at a\.s:1:1\)/);
    const t = link(['a.s', '.stack 64\n.thread t1'], ['b.s', '.thread t2\n.globl t1\nt1: nop\nt2: nop']);
    expect(t.threads.map((x) => [x.name, x.entry])).toEqual([['t1', 0], ['t2', 1]]);
  });

  it('labels of a dropped comdat copy and of discarded sections cannot be used', () => {
    const e = linkError(
      ['a.s', '.section .text.g,"axG",@progbits,g,comdat\n.weak g\ng: ret'],
      ['b.s', '.section .text.g,"axG",@progbits,g,comdat\n.weak g\ng: ret\n.Linner: ret\n.text\nb .Linner'],
    );
    expect(e.message).toMatch(/'\.Linner' is defined in a copy of comdat group 'g' that another unit's copy replaces/);
  });

  it('every unit\'s errors are reported together, before linking', () => {
    const e = linkError(['a.s', 'frob'], ['b.s', 'nop\nfrob2']);
    expect(e.message.split('\n').map((l) => l.split(': ')[0])).toEqual(['a.s:1:1', 'b.s:2:1']);
  });

  it('nullGuard: a trap at pc 0, so a call through a null function pointer is an error', () => {
    const units = (): ReturnType<typeof assembleUnit>[] => [assembleUnit('.globl _start\n_start: mov x1, #0\nblr x1', { file: 'n.s' })];
    const p = linkUnits(units(), { nullGuard: true });
    expect(p.threads[0].entry).toBe(1);
    const pf = programParamsFor('armv8', 1000);
    const m = newMachine(p, pf);
    m.reset(1, 0, pf(1, 0));
    expect(m.run().error).toMatch(/n\.s:3:1: core 0: branch to address 0: a call through a null function pointer/);
    expect(linkUnits(units()).threads[0].entry).toBe(0);
  });

  it('assembleUnit + linkUnits are the two steps of assembleUnits', () => {
    const p = linkUnits([assembleUnit(main[1], { file: main[0] }), assembleUnit(lib[1], { file: lib[0] })]);
    expect(run(p)(19)).toBe(99n);
    expect(p.name).toBe('main.s');
  });
});

describe('include paths', () => {
  const files: Record<string, string> = { '/inc/defs.s': '.equ N, 6', '/other/more.s': '.equ M, 7', '/src/local.s': '.equ L, 1' };
  const readFile = (p: string, from: string): { text: string; file: string } => {
    const file = p.startsWith('/') ? p : `${from.slice(0, from.lastIndexOf('/'))}/${p}`;
    const text = files[file];
    if (text === undefined) throw new Error(`no such file '${file}'`);
    return { text, file };
  };
  it('.include looks next to the including file, then in each include path', () => {
    const p = assemble('.include "local.s"\n.include "defs.s"\n.include "more.s"\nmov x0, #N + M + L', { file: '/src/main.s', readFile, includePaths: ['/inc', '/other'] });
    expect(p.code[5]).toBe(14);
  });
  it('a file found nowhere names the places searched', () => {
    expect(() => assemble('.include "none.s"', { file: '/src/main.s', readFile, includePaths: ['/inc'] })).toThrow(/cannot include "none\.s": no such file '\/src\/none\.s' \(also searched \/inc\)/);
  });
});
