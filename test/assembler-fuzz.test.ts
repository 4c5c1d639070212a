// Robustness of the assembler on bad input: random text, random token soup and mutations of
// valid programs either assemble into a well-formed Program or raise a SourceError with a
// position; nothing else escapes and nothing hangs (runaway macros and includes are bounded).
// From a fixed, printed seed (test/support/fuzz.ts: HANGAR_FUZZ_SEED for another).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { announceFuzzSeed, fuzzRuns } from './support/fuzz.ts';
import { F, INSN_WORDS, NUM_REGS, Op, OP_COUNT } from '../isa/instructions.ts';
import { assemble, assembleLines, type AssembleOptions, type Program, SourceError } from '../index.ts';

const INCLUDES: Record<string, string> = {
  'defs.s': '.equ LIMIT, 4\n.macro bump r\n add \\r, \\r, #1\n.endm\n',
  'self.s': '.include "self.s"\n',
  'bad.s': 'ldr x0, [w1]\n',
};
const readFile = (p: string): { text: string; file: string } => {
  const text = INCLUDES[p];
  if (text === undefined) throw new Error(`no such file: ${p}`);
  return { text, file: p };
};
const OPTS: AssembleOptions = { file: 'fuzz.s', readFile, defines: { TARGET_LLSC: 1 } };

/** Valid programs that exercise most of the syntax; mutations start from these. */
const SEEDS = [
  `
  .include "defs.s"
  .cores 2
  .data
  counter: .quad 0
  flags: .word 1, 2
  .align 4
  table: .quad counter, flags + 4, LIMIT * 8
  .text
  _start:
    ldr x1, =counter
    mov x2, #LIMIT
  1: ldaxr x3, [x1]
    add x3, x3, #1
    stlxr w4, x3, [x1]
    cbnz w4, 1b
    bump x5
    subs x2, x2, #1
    b.ne 1b
    dmb ish
    hlt #0
  `,
  `
  .macro spin reg, addr, val=0
  \\@: ldr \\reg, [\\addr]
    cmp \\reg, #\\val
    b.eq \\@b
  .endm
  .if TARGET_LLSC
    .thread P0
    .thread P1
  .else
    .error "no target"
  .endif
  P0: mov w0, #1 ; str w0, [sp, #-16]!
    stp x0, x1, [sp, #16]
    spin w2, sp
    ret
  P1: swpal x0, x1, [x2]
    casa w3, w4, [x5]
    staddl w6, [x7]
    csel x0, x1, x2, hs
    tbz x0, #63, P1
    ldr x9, [x1, w2, sxtw #3]
  `,
  `
  .macro count n
    .if \\n
      movz x0, #\\n, lsl #16
      count \\n-1
    .endif
  .endm
  count 5
  .rept 3
    nop /* comment */ // another
  .endr
  .irp r, x1, x2
    eor \\r, \\r, #0xff00
  .endr
  adr x0, 2f
  2: lsl x3, x4, #3
    movk x0, #0xbeef, lsl #48
    b .
  `,
];

/** Checks that a result is a well-formed Program. */
function checkProgram(p: Program): void {
  expect(p.length).toBeGreaterThanOrEqual(1);
  expect(p.code.length).toBe(p.length * INSN_WORDS);
  expect(p.code[(p.length - 1) * INSN_WORDS + F.OP]).toBe(Op.HALT);
  for (let pc = 0; pc < p.length; pc++) {
    const op = p.code[pc * INSN_WORDS + F.OP];
    expect(op >= 0 && op < OP_COUNT).toBe(true);
    for (const f of [F.RT, F.RN, F.RM]) {
      const r = p.code[pc * INSN_WORDS + f];
      expect(r >= 0 && r < NUM_REGS).toBe(true);
    }
  }
  for (const a of [p.src.file, p.src.line, p.src.col]) expect(a.length).toBe(p.length);
  expect(p.src.text.length).toBe(p.length);
  expect(p.threads.length).toBeGreaterThanOrEqual(1);
  for (const t of p.threads) expect(t.entry >= 0 && t.entry < p.length).toBe(true);
  expect(p.initHi.length).toBe(p.initLo.length);
}

/** Runs the assembler: a Program or a positioned SourceError, nothing else. */
function outcome(run: () => Program): 'ok' | 'error' {
  try {
    checkProgram(run());
    return 'ok';
  } catch (e) {
    if (!(e instanceof SourceError)) throw e;
    expect(Number.isInteger(e.line) && e.line >= 1).toBe(true);
    expect(Number.isInteger(e.col) && e.col >= 1).toBe(true);
    expect(e.message.startsWith(`${e.file}:${e.line}:${e.col}: `)).toBe(true);
    return 'error';
  }
}

const TOKENS = [
  'mov', 'add', 'subs', 'ldr', 'str', 'ldp', 'stp', 'ldaxr', 'stlxr', 'swpal', 'cas', 'ldadd', 'stadd',
  'b', 'b.eq', 'bl', 'cbz', 'tbnz', 'ret', 'csel', 'cset', 'dmb', 'ish', 'movk', 'lsl', 'adr',
  'x0', 'w1', 'xzr', 'wzr', 'sp', 'lr', 'x31', '#', '#1', '#-1', '#0x10', '=', '[', ']', '!', ',', ':',
  ';', '(', ')', '+', '-', '*', '<<', '>>', '~', '"', '\\', '\\@', '\\a', '1:', '1b', '1f', 'lbl:',
  'lbl', '.', 'eq', 'hs', 'lsl', 'sxtw', '.data', '.text', '.word', '.quad', '.zero', '.align',
  '.equ', '.set', '=', '.if', '.else', '.elseif', '.endif', '.ifdef', '.macro', '.endm', 'm', 'a=1',
  '.rept', '.endr', '.irp', '.include', '"defs.s"', '"self.s"', '"bad.s"', '.cores', '.thread',
  '.stack', '.error', '/*', '*/', '//', '\n', '\n', '\n', ' ', ' ', '\t', '0', '64', '4096',
  '0xffffffffffffffff', '99999999999999999999',
];

const CHARS = [...'abcxwz0123456789 ,[]#!=:;.\\@"/*+-<>()~&|^\n\t_$lsp'];

type Mutation =
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'duplicate'; at: number; len: number }
  | { kind: 'replace'; at: number; text: string }
  | { kind: 'insert'; at: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: fc.constantFrom(...CHARS) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...TOKENS) }),
);

function mutate(src: string, ms: Mutation[]): string {
  let s = src;
  for (const m of ms) {
    const at = s.length === 0 ? 0 : m.at % s.length;
    switch (m.kind) {
      case 'delete':
        s = s.slice(0, at) + s.slice(at + m.len);
        break;
      case 'duplicate':
        s = s.slice(0, at + m.len) + s.slice(at, at + m.len) + s.slice(at + m.len);
        break;
      case 'replace':
        s = s.slice(0, at) + m.text + s.slice(at + 1);
        break;
      case 'insert':
        s = s.slice(0, at) + m.text + s.slice(at);
        break;
    }
  }
  return s;
}

announceFuzzSeed('assembler fuzzing');

describe('assembler fuzzing', () => {
  it('the seed programs assemble', () => {
    for (const s of SEEDS) checkProgram(assemble(s, OPTS));
  });

  it('random text: a Program or a SourceError', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 200 }), (text) => {
        outcome(() => assemble(text, OPTS));
      }),
      fuzzRuns(300),
    );
  });

  it('random token sequences: a Program or a SourceError', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }), (toks) => {
        outcome(() => assemble(toks.join(' '), OPTS));
      }),
      fuzzRuns(400),
    );
  });

  it('mutations of valid programs: a Program or a SourceError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seed, ms) => {
        outcome(() => assemble(mutate(seed, ms), OPTS));
      }),
      fuzzRuns(500),
    );
  });

  it('assembleLines with arbitrary positions: a Program or a SourceError', () => {
    const line = fc.record({
      text: fc.array(fc.constantFrom(...TOKENS.filter((t) => t !== '\n')), { maxLength: 8 }).map((t) => t.join(' ')),
      file: fc.constantFrom('a.litmus', 'b.s'),
      line: fc.integer({ min: 1, max: 10_000 }),
      col: fc.integer({ min: 1, max: 500 }),
    });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        outcome(() => assembleLines(lines, OPTS));
      }),
      fuzzRuns(200),
    );
  });
});
