// The assembler on input that used to crash it, hang it or exhaust memory (issue 14 items 2-6):
// each case ends in a SourceError at a file:line:col, within a budget of work it counts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENCODERS } from '../asm/encoders/table.ts';
import { assemble, type AssembleOptions, Machine, programParams, MODELS, SourceError } from '../index.ts';

function sourceError(f: () => unknown): SourceError {
  try {
    f();
  } catch (e) {
    if (e instanceof SourceError) return e;
    throw e;
  }
  throw new Error('expected a SourceError');
}

describe('instructions without operands', () => {
  it('every mnemonic written alone is an operand error at the end of the line, never an internal error', () => {
    for (const name of ENCODERS.keys()) {
      let e: SourceError | undefined;
      try {
        assemble(`${name}\n`, { file: 'op.s' });
      } catch (x) {
        if (!(x instanceof SourceError)) throw x;
        e = x;
      }
      if (e === undefined) continue; // nop, isb, ret, ...: no operands needed
      expect(e.message, name).not.toMatch(/internal/);
      expect(e.message, name).toMatch(/^op\.s:1:\d+: /);
    }
    expect(sourceError(() => assemble('add\n', { file: 'op.s' })).message).toBe('op.s:1:4: expected a register (X0-X30, XZR, SP), found end of line');
  });
});

function work(): NonNullable<AssembleOptions['work']> {
  return { sourceChars: 0, statements: 0, expandedChars: 0, evalSteps: 0, instructions: 0 };
}

describe('macro expansion is bounded', () => {
  it('an argument that doubles at every level (m \\a\\a) stops at the statement limit', () => {
    const w = work();
    const e = sourceError(() => assemble('.macro m a\nm \\a\\a\n.endm\nm x\n', { file: 'm.s', work: w }));
    expect(e.message).toMatch(/^m\.s:2:1: macro 'm' expands past 262144 characters in one statement: runaway substitution\?/);
    expect(w.expandedChars).toBeLessThanOrEqual(1 << 19);
  });

  it('many long expansions stop at the budget of all expansions', () => {
    const w = work();
    const e = sourceError(() => assemble(`.macro m a\n .warning "\\a\\a\\a\\a"\n.endm\n.rept 2000\nm ${'y'.repeat(4000)}\n.endr\n`, { file: 'm.s', work: w }));
    expect(e.message).toMatch(/expands past the 4194304 characters all expansions of a program may produce/);
    expect(w.expandedChars).toBeLessThanOrEqual((1 << 22) + (1 << 18));
  });
});

describe('expression evaluation is memoised and iterative', () => {
  it('60 chained .equ of a label (a_n = a_(n-1) + a_(n-1)) evaluate in linear work', () => {
    const lines = ['.data', 'l: .quad a60', '.equ a0, l'];
    for (let i = 1; i <= 60; i++) lines.push(`.equ a${i}, a${i - 1}+a${i - 1}`);
    const w = work();
    const p = assemble(lines.join('\n'), { file: 'e.s', work: w });
    expect(BigInt(p.initHi[0] >>> 0) << 32n | BigInt(p.initLo[0] >>> 0)).toBe(BigInt.asUintN(64, 0x100000n << 60n));
    expect(w.evalSteps).toBeLessThan(500);
  });

  it('60 .equ defined after their use are not mistaken for a circular definition', () => {
    const lines = ['.data', 'l: .quad a60'];
    for (let i = 60; i >= 1; i--) lines.push(`.equ a${i}, a${i - 1}+a${i - 1}`);
    lines.push('.equ a0, 1');
    const w = work();
    const p = assemble(lines.join('\n'), { file: 'e.s', work: w });
    expect(p.initHi[0]).toBe(1 << 28);
    expect(w.evalSteps).toBeLessThan(500);
    expect(sourceError(() => assemble('.data\n.quad a\n.equ a, b+1\n.equ b, a+1\n', { file: 'c.s' })).message).toBe("c.s:3:9: circular definition of 'b'");
  });

  it('a 100 000-term sum of labels evaluates without a stack overflow', () => {
    const p = assemble(`.data\nl: .quad ${Array(100_000).fill('l').join('+')}\n`, { file: 'q.s' });
    expect(p.initLo[0]).toBe(Number(BigInt.asIntN(32, 100_000n * 0x100000n)));
  });
});

describe('long lines', () => {
  it('a 10 MB line is an error at the column past the limit, not a stack overflow', () => {
    const w = work();
    const e = sourceError(() => assemble('nop;'.repeat(2_500_000), { file: 'n.s', work: w }));
    expect(e.message).toBe('n.s:1:262145: line longer than 262144 characters');
    expect(w.statements).toBe(0);
    expect(sourceError(() => assemble(`.data\n.quad ${'1,'.repeat(5_000_000)}1\n`, { file: 'q.s' })).message).toBe('q.s:2:262145: line longer than 262144 characters');
  });

  it('a line just under the limit with 65 000 statements assembles', () => {
    const p = assemble('nop;'.repeat(65_000), { file: 'n.s' });
    expect(p.length).toBe(65_001);
  });
});

describe('.include reads only regular files, and a bounded amount', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-include-'));
  const include = (target: string): string => sourceError(() => assemble(`.include "${target}"\n`, { file: join(dir, 'main.s') })).message;

  it('a device, a directory or a FIFO is refused at once', () => {
    expect(include('/dev/zero')).toMatch(/main\.s:1:10: cannot include "\/dev\/zero": cannot read \/dev\/zero: it is a character device, not a regular file$/);
    expect(include(dir)).toMatch(/it is a directory, not a regular file$/);
    let fifo: string | undefined = join(dir, 'fifo');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      fifo = undefined; // no mkfifo here: the other cases still run
    }
    if (fifo !== undefined) expect(include(fifo)).toMatch(/it is a FIFO, not a regular file$/);
  });

  it('a file over the size limit is refused, and so are includes that add up past it', () => {
    writeFileSync(join(dir, 'big.s'), 'nop\n'.repeat(1_100_000));
    expect(include('big.s')).toMatch(/cannot read .*big\.s: it is larger than 4194304 bytes/);
    writeFileSync(join(dir, 'half.s'), 'nop\n'.repeat(600_000));
    const e = sourceError(() => assemble('.include "half.s"\n.include "half.s"\n', { file: join(dir, 'main.s') }));
    expect(e.message).toMatch(/main\.s:2:10: \.include of "half\.s" makes the program's source text longer than 4194304 characters/);
  });
});

describe('one core limit', () => {
  it('.thread stops at 64 cores, as .cores does', () => {
    const threads = (n: number): string => Array.from({ length: n }, (_, i) => `.thread t${i}`).join('\n') + '\n' + Array.from({ length: n }, (_, i) => `t${i}: hlt #0`).join('\n');
    expect(assemble(threads(64), { file: 't.s' }).threads.length).toBe(64);
    expect(sourceError(() => assemble(threads(1000), { file: 't.s' })).message).toBe('t.s:65:1: more than 64 threads: a program has at most 64 cores');
    expect(sourceError(() => assemble('.cores 65\n', { file: 'c.s' })).message).toMatch(/a number of cores 1\.\.64/);
  });

  it('cores × memory words are bounded, and the machine refuses a hand-built program past either limit', () => {
    expect(sourceError(() => assemble('.cores 64\n.data\n.zero 8000000\n', { file: 'm.s' })).message).toMatch(/64 cores \(m\.s:1:1\) with \d+ bytes of data and stacks need more emulator state than hangar allows/);
    const p = assemble('.cores 2\nnop\n', { file: 'p.s' });
    const many = { ...p, threads: Array.from({ length: 65 }, (_, i) => ({ name: `c${i}`, entry: 0, initRegs: [] })) };
    expect(() => new Machine(many, programParams(MODELS.armv8, 1, 0, 100))).toThrow(/65 cores; a program has 1 to 64/);
  });
});
