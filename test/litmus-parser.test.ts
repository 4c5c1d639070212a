// The litmus front end: the shared corpus (keys, printed condition and verdicts against herd7's
// expected.json), hand-written tests of the produced Program, and malformed inputs.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Barrier, F, FLAG_ACQ, FLAG_REL, FLAG_SF, INSN_WORDS, Op, REG_ZR } from '../isa/instructions.ts';
import { DATA_BASE } from '../isa/program.ts';
import { type Condition, evalProp, printCondition } from '../litmus/condition.ts';
import { type Value } from '../litmus/parser.ts';
import { exactJson, parseExactJson, typedValue, UNDECLARED } from '../litmus/state.ts';
import { locationNames, runLitmus } from '../campaign/litmus-run.ts';
import { conditionHolds, parseLitmus, type Program, readLitmus, SourceError } from '../index.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sharedLitmus = process.env.HANGAR_SHARED_LITMUS ?? path.resolve(repoRoot, '../shared/litmus');
const corpusRequired = process.env.HANGAR_SHARED_LITMUS !== undefined;
const corpusPresent = existsSync(sharedLitmus);
if (!corpusPresent && !corpusRequired) {
  console.warn(`litmus-parser: shared litmus corpus not found at ${sharedLitmus}; skipping the corpus tests (set HANGAR_SHARED_LITMUS to require it)`);
}

interface Expected {
  states: Record<string, Value>[];
  condition: string;
  verdict: 'Allowed' | 'Forbidden';
  herd: 'Ok' | 'No';
  observation: 'Never' | 'Sometimes' | 'Always';
}

// ---- helpers --------------------------------------------------------------------------------

/** Decoded instruction words of instruction `pc`. */
function insn(p: Program, pc: number): { op: Op; rt: number; rn: number; rm: number; flags: number; imm: number; immHi: number; extra: number } {
  const w = p.code.subarray(pc * INSN_WORDS, (pc + 1) * INSN_WORDS);
  return { op: w[F.OP], rt: w[F.RT], rn: w[F.RN], rm: w[F.RM], flags: w[F.FLAGS], imm: w[F.IMM_LO], immHi: w[F.IMM_HI], extra: w[F.EXTRA] };
}

/** The instructions of thread i: from its entry up to and including its HALT. */
function threadCode(p: Program, i: number): ReturnType<typeof insn>[] {
  const out = [];
  for (let pc = p.threads[i].entry; pc < p.length; pc++) {
    out.push(insn(p, pc));
    if (out[out.length - 1].op === Op.HALT) break;
  }
  return out;
}

/** Value of memory word at a byte address, as a BigInt (two's complement 64-bit). */
function memWord(p: Program, addr: number): bigint {
  const i = (addr - DATA_BASE) / 8;
  return (BigInt(p.initHi[i]) << 32n) | BigInt(p.initLo[i] >>> 0);
}

/** 1-based line and column of the n-th (0-based) occurrence of `needle` in `text`. */
function posOf(text: string, needle: string, n = 0): { line: number; col: number } {
  let at = -1;
  for (let k = 0; k <= n; k++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`test bug: '${needle}' occurs fewer than ${n + 1} times`);
  }
  const before = text.slice(0, at);
  return { line: before.split('\n').length, col: at - before.lastIndexOf('\n') };
}

function endPos(text: string): { line: number; col: number } {
  const lines = text.split('\n');
  return { line: lines.length, col: lines[lines.length - 1].length + 1 };
}

function sourceError(text: string): SourceError {
  try {
    parseLitmus(text, 'bad.litmus');
  } catch (e) {
    if (e instanceof SourceError) return e;
    throw new Error(`expected a SourceError, got ${String(e)}`);
  }
  throw new Error('expected a SourceError, but the text parsed');
}

// ---- the shared corpus ----------------------------------------------------------------------

describe.skipIf(!corpusPresent && !corpusRequired)('shared litmus corpus', () => {
  for (const dir of ['aarch64', 'x86', 'aarch64-mixed']) {
    describe(dir, () => {
      const base = path.join(sharedLitmus, dir);
      const files = existsSync(base) ? readdirSync(base).filter((f) => f.endsWith('.litmus')).sort() : [];
      const expected: Record<string, Expected> = existsSync(path.join(base, 'expected.json'))
        ? (parseExactJson(readFileSync(path.join(base, 'expected.json'), 'utf8')) as Record<string, Expected>)
        : {};

      it('is present and has expectations for every test', () => {
        expect(files.length).toBeGreaterThan(0);
        expect(Object.keys(expected).sort()).toEqual(files.map((f) => f.replace(/\.litmus$/, '')).sort());
      });

      it.each(files)('%s', (f) => {
        const t = readLitmus(path.join(base, f));
        expect(t.name).toBe(f.replace(/\.litmus$/, ''));
        expect(t.arch).toBe(dir === 'x86' ? 'X86' : 'AArch64');
        const e = expected[t.name];
        expect(e, `expected.json has no entry ${t.name}`).toBeDefined();

        const stateKeys = new Set(e.states.flatMap((s) => Object.keys(s)));
        expect(t.observed.map((o) => o.key).sort()).toEqual([...stateKeys].sort());
        // The mixed-size corpus was printed by herd7 -hexa: its constants are in hex.
        const decimal = (c: string): string => c.replace(/0x[0-9a-f]+/gi, (h) => String(BigInt(h)));
        expect(printCondition(t.condition)).toBe(decimal(e.condition));
        const r = conditionHolds(t.condition, e.states);
        expect({ verdict: r.verdict, herd: r.ok ? 'Ok' : 'No', observation: r.observation }).toEqual({
          verdict: e.verdict,
          herd: e.herd,
          observation: e.observation,
        });

        // The program: threads named P0.. in order, each running into its own HALT before the
        // next thread's code starts; observed locations at their symbols.
        const p = t.program;
        expect(p.threads.map((th) => th.name)).toEqual(p.threads.map((_, i) => `P${i}`));
        p.threads.forEach((th, i) => {
          let halt = th.entry;
          while (halt < p.length && insn(p, halt).op !== Op.HALT) halt++;
          expect(halt).toBeLessThan(i + 1 < p.threads.length ? p.threads[i + 1].entry : p.length);
        });
        for (const o of t.observed) {
          if (o.kind === 'mem') expect(o.addr).toBe(p.symbols[o.loc]);
          else expect(o.thread).toBeLessThan(p.threads.length);
        }
      });
    });
  }
});

// ---- hand-written tests ---------------------------------------------------------------------

const MP_LABELS = `AArch64 two-labels
"a quoted comment (* not a comment *)"
Cycle=Rfe PodRR Fre PodWW
{
0:X1=x; 0:X3=y; 0:X0=42;
1:X1=y; 1:W2=-1; int64_t 1:X3=-2; uint64_t 1:x5=x; int64_t y=0x10;
}
 P0           | P1           ;
 L0:          | CBNZ W0,L0   ;
 MOV W0,#1    | B L0         ;
 STR W0,[X1]  | L0:          ;
 CBZ W0,L0    | LDR W4,[X1]  ;
locations [x; 1:X4;]
exists (0:X0=42 /\\ 1:W4=16)
`;

describe('hand-written AArch64 tests', () => {
  const t = parseLitmus(MP_LABELS, 'mp.litmus');
  const p = t.program;
  const x = p.symbols.x;
  const y = p.symbols.y;

  it('lays out every location in the data area with its initial value', () => {
    expect(t.name).toBe('two-labels');
    expect(x).toBeGreaterThanOrEqual(DATA_BASE);
    expect(y).toBeGreaterThanOrEqual(DATA_BASE);
    expect(x % 8).toBe(0);
    expect(y % 8).toBe(0);
    expect(x).not.toBe(y);
    expect(memWord(p, x)).toBe(0n);
    expect(memWord(p, y)).toBe(16n);
  });

  it('sets initial registers: addresses, values, W writes zero-extended, negatives sign-extended', () => {
    expect(p.threads[0].initRegs).toEqual([
      [0, 42, 0],
      [1, x, 0],
      [3, y, 0],
    ]);
    expect(p.threads[1].initRegs).toEqual([
      [1, y, 0],
      [2, -1, 0], // W2 = 0xffffffff, upper half cleared
      [3, -2, -1], // X3 = -2 = 0xffff_ffff_ffff_fffe
      [5, x, 0],
    ]);
    expect(p.threads.map((th) => th.name)).toEqual(['P0', 'P1']);
  });

  it('keeps labels local to their thread', () => {
    // P0: L0 is its first instruction; CBZ goes back to it.
    const p0 = threadCode(p, 0);
    const e0 = p.threads[0].entry;
    expect(p0.map((i) => i.op)).toEqual([Op.MOVI, Op.STR, Op.CBZ, Op.HALT]);
    expect(p0[2].imm).toBe(e0);
    // P1: both branches go forward to P1's own L0, the LDR.
    const p1 = threadCode(p, 1);
    const e1 = p.threads[1].entry;
    expect(p1.map((i) => i.op)).toEqual([Op.CBNZ, Op.B, Op.LDR, Op.HALT]);
    expect(p1[0].imm).toBe(e1 + 2);
    expect(p1[1].imm).toBe(e1 + 2);
    expect(p.labels.P0__L0).toBe(e0);
    expect(p.labels.P1__L0).toBe(e1 + 2);
  });

  it('observes the condition variables and the locations clause, under X names', () => {
    expect(t.observed).toEqual([
      { key: '0:X0', kind: 'reg', thread: 0, reg: 0, type: UNDECLARED },
      { key: '1:X4', kind: 'reg', thread: 1, reg: 4, type: UNDECLARED },
      { key: 'x', kind: 'mem', loc: 'x', addr: x, type: UNDECLARED },
    ]);
    expect(printCondition(t.condition)).toBe('exists (0:X0=42 /\\ 1:X4=16)');
  });

  it('reads a single-thread test with comments everywhere, CRLF line ends and a condition on the next line', () => {
    const text = [
      '(* leading (* nested *) comment *) AArch64 single',
      '{ (* in the init block *) int x=1; 0:X0=x; 0:X2=0x10 }',
      'P0 ;',
      ' LDR W1,[X0] ; (* after a row *)',
      ' ADD W1,W1,W2 ;',
      '(* between *)',
      'forall',
      '  (0:X1=17 /\\ [x]=1 (* in the condition *)) ;',
      '',
    ].join('\r\n');
    const s = parseLitmus(text, 'single.litmus');
    expect(s.name).toBe('single');
    expect(s.program.threads).toHaveLength(1);
    expect(threadCode(s.program, 0).map((i) => i.op)).toEqual([Op.LDR, Op.ADD, Op.HALT]);
    expect(s.program.threads[0].initRegs).toEqual([
      [0, s.program.symbols.x, 0],
      [2, 16, 0],
    ]);
    expect(memWord(s.program, s.program.symbols.x)).toBe(1n);
    expect(printCondition(s.condition)).toBe('forall (0:X1=17 /\\ [x]=1)');
  });

  it('keeps the source position of each cell', () => {
    const pc = p.threads[1].entry + 2; // LDR W4,[X1]
    const at = posOf(MP_LABELS, 'LDR W4');
    expect(p.src.line[pc]).toBe(at.line);
    expect(p.src.col[pc]).toBe(at.col);
  });

  it('gives a location used only as a condition value an address', () => {
    const s = parseLitmus('AArch64 addr\n{ 0:X0=x; }\n P0 ;\n ADD X0,X0,#8 ;\nexists (0:X0=z)\n', 'addr.litmus');
    expect(s.program.symbols.z).toBeGreaterThanOrEqual(DATA_BASE);
    expect(s.observed).toEqual([{ key: '0:X0', kind: 'reg', thread: 0, reg: 0, type: UNDECLARED }]);
    expect(printCondition(s.condition)).toBe('exists (0:X0=z)');
  });
});

describe('hand-written X86 test', () => {
  const text = `X86 xsb
{ 0:EAX=7; }
 P0           | P1            ;
 MOV [x],$1   | MOV EBX,$0x12345 ;
 MFENCE       | XCHG [y],EBX  ;
 MOV EAX,[y]  | MOV [x],EBX   ;
exists (0:EAX=0 /\\ 1:EBX=0 /\\ [y]=74565)
`;
  const t = parseLitmus(text, 'x.litmus');
  const p = t.program;

  it('preloads location addresses into X16.. and maps EAX/EBX to W0/W1', () => {
    const x = p.symbols.x;
    const y = p.symbols.y;
    expect(p.threads[0].initRegs).toEqual([
      [0, 7, 0],
      [16, x, 0],
      [17, y, 0],
    ]);
    expect(p.threads[1].initRegs).toEqual([
      [16, x, 0],
      [17, y, 0],
    ]);
    expect(t.observed).toEqual([
      { key: '0:EAX', kind: 'reg', thread: 0, reg: 0, type: UNDECLARED },
      { key: '1:EBX', kind: 'reg', thread: 1, reg: 1, type: UNDECLARED },
      { key: 'y', kind: 'mem', loc: 'y', addr: y, type: UNDECLARED },
    ]);
  });

  it('translates MOV, MFENCE and XCHG', () => {
    const p0 = threadCode(p, 0);
    expect(p0.map((i) => i.op)).toEqual([Op.MOVI, Op.STR, Op.DMB, Op.LDR, Op.HALT]);
    expect(p0[0]).toMatchObject({ rt: 15, imm: 1 });
    expect(p0[1]).toMatchObject({ rt: 15, rn: 16 });
    expect(p0[1].flags & FLAG_SF).toBe(0); // 32-bit store
    expect(p0[2].extra).toBe(Barrier.FULL);
    expect(p0[3]).toMatchObject({ rt: 0, rn: 17 });
    expect(p0[3].flags & FLAG_SF).toBe(0);

    const p1 = threadCode(p, 1);
    // A 32-bit immediate that does not fit 16 bits takes two instructions.
    expect(p1.map((i) => i.op)).toEqual([Op.MOVI, Op.MOVK, Op.SWP, Op.STR, Op.HALT]);
    expect(p1[0]).toMatchObject({ rt: 1, imm: 0x2345 });
    expect(p1[1]).toMatchObject({ rt: 1, imm: 1, extra: 16 });
    expect(p1[2]).toMatchObject({ rt: 1, rm: 1, rn: 17 });
    expect(p1[2].flags & (FLAG_ACQ | FLAG_REL)).toBe(FLAG_ACQ | FLAG_REL);
    expect(p1[3]).toMatchObject({ rt: 1, rn: 16 });
  });
});

describe('X86 register forms', () => {
  it('translates MOV reg,reg, XCHG reg,[x] and XCHG reg,reg', () => {
    const t = parseLitmus('X86 regs\n{ 0:ECX=1; 0:EDX=2; }\n P0 ;\n MOV esi,ecx ;\n XCHG EDI,[z] ;\n XCHG ECX,EDX ;\nexists (0:ESI=1 /\\ 0:ECX=2 /\\ 0:EDX=1)\n', 'r.litmus');
    const code = threadCode(t.program, 0);
    // MOV Wd,Wm is the alias ORR Wd,WZR,Wm. ESI=W4 <- ECX=W2; EDI=W5 swapped with [z] (address
    // in X16); ECX/EDX swapped through W15.
    expect(code.map((i) => i.op)).toEqual([Op.ORR, Op.SWP, Op.ORR, Op.ORR, Op.ORR, Op.HALT]);
    const movs = code.filter((i) => i.op === Op.ORR);
    expect(movs.map((i) => [i.rt, i.rn, i.rm])).toEqual([[4, REG_ZR, 2], [15, REG_ZR, 3], [3, REG_ZR, 2], [2, REG_ZR, 15]]);
    expect(code[1]).toMatchObject({ op: Op.SWP, rt: 5, rm: 5, rn: 16 });
    expect(t.program.threads[0].initRegs).toEqual([[2, 1, 0], [3, 2, 0], [16, t.program.symbols.z, 0]]);
  });
});

describe('condition', () => {
  const cond = (c: string, threads = 2): Condition =>
    parseLitmus(`AArch64 c\n{}\n${Array.from({ length: threads }, (_, i) => `P${i}`).join(' | ')} ;\n${c}\n`, 'c.litmus').condition;

  it('prints the way herd7 does', () => {
    // Expected strings written by hand from herd7's printing rules.
    expect(printCondition(cond('exists 0:X4<>0 /\\ x=1;'))).toBe('exists (not (0:X4=0) /\\ [x]=1)');
    expect(printCondition(cond('forall not ((z=3  /\\ 0:X3=1) \\/ (z=6 /\\ 0:X3=1))'))).toBe(
      'forall (not ([z]=3 /\\ 0:X3=1 \\/ [z]=6 /\\ 0:X3=1))',
    );
    expect(printCondition(cond('~exists (x=1 \\/ y=1) /\\ ~1:x2=0x10'))).toBe('~exists (([x]=1 \\/ [y]=1) /\\ not (1:X2=16))');
    expect(printCondition(cond('exists true'))).toBe('exists (true)');
    expect(printCondition(cond('forall (false \\/ (0:W1=-5))'))).toBe('forall (false \\/ 0:X1=-5)');
    expect(printCondition(cond('not exists [x]==0xff'))).toBe('~exists ([x]=255)');
  });

  it('binds /\\ tighter than \\/ and negation tighter than both', () => {
    const c = cond('exists a=1 \\/ b=1 /\\ not c=1');
    expect(evalProp(c.prop, { a: 1n, b: 0n, c: 1n })).toBe(true);
    expect(evalProp(c.prop, { a: 0n, b: 1n, c: 0n })).toBe(true);
    expect(evalProp(c.prop, { a: 0n, b: 1n, c: 1n })).toBe(false);
  });

  it('compares location names by name and numbers by value', () => {
    const c = cond('exists (0:X0=x /\\ [y]=0x2)');
    expect(evalProp(c.prop, { '0:X0': 'x', y: 2n })).toBe(true);
    expect(evalProp(c.prop, { '0:X0': 'y', y: 2n })).toBe(false);
    expect(evalProp(c.prop, { '0:X0': 0n, y: 2n })).toBe(false);
    expect(evalProp(c.prop, { y: 2n })).toBe(false); // a missing variable equals nothing
  });

  it('judges states under each quantifier', () => {
    const states = [{ x: 1n }, { x: 2n }];
    expect(conditionHolds(cond('exists x=1'), states)).toEqual({ verdict: 'Allowed', ok: true, observation: 'Sometimes' });
    expect(conditionHolds(cond('~exists x=1'), states)).toEqual({ verdict: 'Allowed', ok: false, observation: 'Sometimes' });
    expect(conditionHolds(cond('~exists x=3'), states)).toEqual({ verdict: 'Forbidden', ok: true, observation: 'Never' });
    expect(conditionHolds(cond('forall x=1'), states)).toEqual({ verdict: 'Allowed', ok: false, observation: 'Sometimes' });
    expect(conditionHolds(cond('forall x<>3'), states)).toEqual({ verdict: 'Allowed', ok: true, observation: 'Always' });
    expect(conditionHolds(cond('exists x=1'), [])).toEqual({ verdict: 'Forbidden', ok: false, observation: 'Never' });
  });
});

// ---- malformed inputs -----------------------------------------------------------------------

const GOOD = `AArch64 good
{ 0:X1=x; 1:X1=x; }
 P0          | P1          ;
 MOV W0,#1   | LDR W0,[X1] ;
 STR W0,[X1] |             ;
exists (1:X0=1)
`;

interface BadCase {
  what: string;
  text: string;
  /** Where the error must be: the n-th occurrence of a marker, or the end of the text. */
  at: { marker: string; n?: number; delta?: number } | 'end';
  /** A fragment the message must contain. */
  says: string;
}

const sub = (from: string, to: string): string => {
  if (!GOOD.includes(from)) throw new Error(`test bug: ${from}`);
  return GOOD.replace(from, to);
};

const BAD: BadCase[] = [
  { what: 'unknown architecture', text: sub('AArch64 good', 'PPC good'), at: { marker: 'PPC' }, says: "unknown architecture 'PPC'" },
  { what: 'missing test name', text: sub('AArch64 good', 'AArch64'), at: { marker: '\n' }, says: 'test name' },
  { what: 'bad test name', text: sub('AArch64 good', 'AArch64 go/od'), at: { marker: 'go/od' }, says: 'test name' },
  { what: 'junk before the init block', text: sub('{ 0:X1', 'Cycle=ok\nwhat is this\n{ 0:X1'), at: { marker: 'what' }, says: 'Key=Value' },
  { what: 'missing {', text: 'AArch64 t\nCycle=x\n', at: 'end', says: "'{'" },
  { what: 'unterminated comment', text: sub('STR W0,[X1] |', 'STR W0,[X1] (* oops (* nested *) |'), at: { marker: '(* oops' }, says: 'unterminated comment' },
  { what: 'init block never closed', text: 'AArch64 t\n{ 0:X1=x;\n', at: { marker: '{' }, says: "'}'" },
  { what: 'missing ; between init entries', text: sub('0:X1=x; 1:X1=x;', '0:X1=x 1:X1=x;'), at: { marker: '1:X1' }, says: "';' or '}'" },
  { what: 'unknown type', text: sub('{ 0:X1=x;', '{ float z=1; 0:X1=x;'), at: { marker: 'float' }, says: "unknown type 'float'" },
  { what: 'bad register in init', text: sub('1:X1=x;', '1:Q1=x;'), at: { marker: 'Q1' }, says: 'AArch64 register' },
  { what: 'unknown thread in init', text: sub('1:X1=x;', '5:X0=1;'), at: { marker: '5:X0' }, says: 'unknown thread 5' },
  { what: 'duplicate init', text: sub('1:X1=x;', '1:X1=x; 1:W1=3;'), at: { marker: '1:W1' }, says: 'duplicate initial value for 1:X1' },
  { what: 'bad init value', text: sub('1:X1=x;', '1:X1=#3;'), at: { marker: '#3' }, says: "unexpected character '#'" },
  { what: 'init value out of range', text: sub('1:X1=x;', '1:X1=0x10000000000000000;'), at: { marker: '0x1000' }, says: '64-bit' },
  { what: 'wrong thread name', text: sub('| P1 ', '| P2 '), at: { marker: 'P2' }, says: "'P1'" },
  { what: 'row with too many cells', text: sub('STR W0,[X1] |             ;', 'STR W0,[X1] |   | NOP ;'), at: { marker: '| NOP' }, says: 'row has 3 cell(s), expected 2' },
  { what: 'row with too few cells', text: sub('STR W0,[X1] |             ;', 'STR W0,[X1] ;'), at: { marker: ';', n: 4 }, says: 'row has 1 cell(s), expected 2' },
  { what: 'row without ;', text: sub('LDR W0,[X1] ;', 'LDR W0,[X1]'), at: { marker: '\n', n: 3 }, says: "';' at the end of the row" },
  { what: 'undefined branch label', text: sub('STR W0,[X1] |             ;', 'CBNZ W0,L9  |             ;'), at: { marker: 'L9' }, says: "undefined label 'L9' in thread P0" },
  { what: 'label of another thread', text: sub('STR W0,[X1] |             ;', 'B L1        | L1:         ;'), at: { marker: 'L1' }, says: "undefined label 'L1' in thread P0" },
  { what: 'duplicate label', text: sub('STR W0,[X1] |             ;', 'STR W0,[X1] | L: ;\n | L: ;'), at: { marker: 'L:', n: 1 }, says: "label 'L' is defined twice" },
  { what: 'no thread header', text: 'AArch64 t\n{ }\nexists (x=1)\n', at: { marker: 'exists' }, says: 'thread header row' },
  { what: 'unknown thread in condition', text: sub('exists (1:X0=1)', 'exists (1:X0=1 /\\ 2:X0=1)'), at: { marker: '2:X0' }, says: 'unknown thread 2' },
  { what: 'bad register in condition', text: sub('exists (1:X0=1)', 'exists (1:X31=1)'), at: { marker: 'X31' }, says: 'AArch64 register' },
  { what: 'bad value in condition', text: sub('exists (1:X0=1)', 'exists (1:X0=/\\)'), at: { marker: '/\\)' }, says: 'a value' },
  { what: 'malformed number in condition', text: sub('exists (1:X0=1)', 'exists (1:X0=12ab)'), at: { marker: '12ab' }, says: 'integer' },
  { what: 'unbalanced ( in condition', text: sub('exists (1:X0=1)', 'exists ((1:X0=1 /\\ x=1)'), at: 'end', says: "expected ')' to close the '(' at 6:8" },
  { what: 'unbalanced ) in condition', text: sub('exists (1:X0=1)', 'exists (1:X0=1))'), at: { marker: '))', delta: 1 }, says: 'end of file after the condition' },
  { what: 'missing quantifier', text: sub('exists (1:X0=1)', '(1:X0=1)'), at: { marker: '(1:X0' }, says: 'quantifier' },
  { what: 'missing condition', text: sub('exists (1:X0=1)\n', ''), at: 'end', says: 'quantifier' },
  { what: 'junk after the condition', text: sub('exists (1:X0=1)', 'exists (1:X0=1) ; junk'), at: { marker: 'junk' }, says: 'end of file after the condition' },
  { what: 'bad locations clause', text: sub('exists', 'locations [1:X0 x]\nexists'), at: { marker: 'x]' }, says: "';' or ']'" },
  { what: 'location named like a thread label', text: sub('exists (1:X0=1)', 'exists (P1=1)'), at: { marker: 'P1=' }, says: 'clashes' },
  { what: 'assembler directive in a cell', text: sub('STR W0,[X1] |', '.quad 5     |'), at: { marker: '.quad' }, says: "assembler directive '.quad'" },
  { what: 'unknown instruction (assembler)', text: sub('MOV W0,#1   |', 'FROB W0,#1  |'), at: { marker: 'FROB' }, says: '' },
  {
    what: 'unsupported X86 instruction',
    text: 'X86 t\n{ }\n P0 ;\n MOV EAX,[x] ;\n ADD EAX,$1 ;\nexists (0:EAX=1)\n',
    at: { marker: 'ADD' },
    says: "unsupported X86 instruction 'ADD'",
  },
  { what: 'bad X86 operand', text: 'X86 t\n{ }\n P0 ;\n MOV EAX,[x ;\nexists (0:EAX=1)\n', at: { marker: '[x' }, says: 'register' },
  { what: 'X86 immediate destination', text: 'X86 t\n{ }\n P0 ;\n MOV $1,EAX ;\nexists (0:EAX=1)\n', at: { marker: '$1' }, says: 'destination' },
  { what: 'AArch64 register in an X86 condition', text: 'X86 t\n{ }\n P0 ;\n MFENCE ;\nexists (0:X0=1)\n', at: { marker: 'X0' }, says: 'X86 register' },
];

describe('malformed litmus files', () => {
  it('starts from a valid text', () => {
    expect(parseLitmus(GOOD, 'good.litmus').program.threads).toHaveLength(2);
  });

  it.each(BAD)('$what', ({ text, at, says }) => {
    const e = sourceError(text);
    const want = at === 'end' ? endPos(text) : posOf(text, at.marker, at.n ?? 0);
    if (at !== 'end') want.col += at.delta ?? 0;
    expect({ file: e.file, line: e.line, col: e.col }).toEqual({ file: 'bad.litmus', ...want });
    expect(e.message).toContain(says);
    expect(e.message.startsWith(`bad.litmus:${want.line}:${want.col}: `)).toBe(true);
  });

  it('reports an unreadable file at path:1:1', () => {
    const missing = path.join(repoRoot, 'test', 'no-such-file.litmus');
    let err: unknown;
    try {
      readLitmus(missing);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({ file: missing, line: 1, col: 1 });
  });
});


// ---- mixed sizes: typed declarations, exact values, filter, observation-only tests ----------

describe('typed declarations and exact values', () => {
  const text = `AArch64 typed
{ uint8_t x=0x1ff; int16_t y=-2; int64_t *p=x; int *q = y; uint32_t 0:X2=0x1010101; int64_t 0:X0; 0:X1=x; }
 P0 ;
 LDRSB X0,[X1] ;
locations [x; y; p; q; 0:X2;]
exists (0:X0=-1 /\\ x=-1 /\\ 0:X2=0x1000000000000000)
`;
  const t = parseLitmus(text, 'typed.litmus');
  const p = t.program;
  const byKey = Object.fromEntries(t.observed.map((o) => [o.key, o]));

  it('stores each initial value little-endian at its declared size, each variable in its own 8-byte slot', () => {
    expect(memWord(p, p.symbols.x)).toBe(0xffn); // truncated to one byte
    expect(memWord(p, p.symbols.y)).toBe(0xfffen);
    expect(memWord(p, p.symbols.p)).toBe(BigInt(p.symbols.x));
    expect(memWord(p, p.symbols.q)).toBe(BigInt(p.symbols.y));
    for (const v of ['x', 'y', 'p', 'q']) expect((p.symbols[v] - DATA_BASE) % 8).toBe(0);
    expect(p.threads[0].initRegs).toContainEqual([2, 0x1010101, 0]);
  });

  it('bounds each declared variable to its bytes', () => {
    const lanes = (v: string): number => p.validLanes![(p.symbols[v] - DATA_BASE) / 8];
    expect([lanes('x'), lanes('y'), lanes('p'), lanes('q')]).toEqual([0x01, 0x03, 0xff, 0xff]);
  });

  it('observes every variable at its type, and normalizes condition constants to it', () => {
    expect(byKey.x.type).toEqual({ bytes: 1, signed: false, pointer: false });
    expect(byKey.y.type).toEqual({ bytes: 2, signed: true, pointer: false });
    expect(byKey.p.type).toEqual({ bytes: 8, signed: false, pointer: true });
    expect(byKey['0:X0'].type).toEqual({ bytes: 8, signed: true, pointer: false });
    expect(byKey['0:X2'].type).toEqual({ bytes: 4, signed: false, pointer: false });
    // x=-1 of a uint8_t is 255; 0:X2 (uint32_t) = 2^60 truncates to 0; a 64-bit signed -1 stays.
    expect(printCondition(t.condition)).toBe('exists (0:X0=-1 /\\ [x]=255 /\\ 0:X2=0)');
  });

  it('prints values at their type exactly, addresses as names', () => {
    const names = locationNames(t);
    expect(typedValue(-1, -1, byKey['0:X0'].type, names)).toBe(-1n);
    expect(typedValue(0x01010101, 0x03030303, UNDECLARED, names)).toBe(0x0303030301010101n);
    expect(typedValue(-1, -1, { bytes: 8, signed: false, pointer: false }, names)).toBe(0xffffffffffffffffn);
    expect(typedValue(0xfffe, 0, byKey.y.type, names)).toBe(-2n);
    expect(typedValue(p.symbols.x, 0, byKey.p.type, names)).toBe('x');
  });

  it('runs: a sign-extending byte load, final memory at the declared types', () => {
    const r = runLitmus(t, { trials: 5, seed: 1 });
    expect(r.errors).toEqual([]);
    expect(r.histogram.map((h) => h.state)).toEqual([{ '0:X0': -1n, x: 255n, y: -2n, p: 'x', q: 'y', '0:X2': 0x1010101n }]);
  });

  it('reads 64-bit condition constants exactly (beyond 2^53)', () => {
    const c = parseLitmus('AArch64 big\n{ uint64_t x; 0:X1=x; uint64_t 0:X0=0x0101010101010101; }\n P0 ;\n STR X0,[X1] ;\nexists (x=0x101010101010101)\n', 'big.litmus');
    expect(printCondition(c.condition)).toBe('exists ([x]=72340172838076673)');
    const r = runLitmus(c, { trials: 3, seed: 1 });
    expect(r.histogram[0].state).toEqual({ x: 72340172838076673n });
    expect(r.observed.ok).toBe(true);
    expect(exactJson(r.histogram[0].state)).toBe('{"x":72340172838076673}');
  });

  it('takes a test with only a locations list as forall (true)', () => {
    const c = parseLitmus('AArch64 obs\n{ 0:X1=x; }\n P0 ;\n MOV W0,#1 ;\n STR W0,[X1] ;\nlocations [x; 0:X0;]\n', 'obs.litmus');
    expect(printCondition(c.condition)).toBe('forall (true)');
    expect(c.observed.map((o) => o.key)).toEqual(['x', '0:X0']);
  });

  it('counts only the trials whose final state passes the filter (herd: filter is not observed)', () => {
    const c = parseLitmus(`AArch64 filt
{ 0:X1=x; 1:X1=x; }
 P0          | P1          ;
 MOV W0,#1   | LDR W0,[X1] ;
 STR W0,[X1] | LDR W2,[X1] ;
filter (1:X0=1)
exists (1:X2=0)
`, 'filt.litmus');
    expect(c.filter).toBeDefined();
    expect(c.observed.map((o) => o.key)).toEqual(['1:X2']);
    const r = runLitmus(c, { trials: 300, seed: 2 });
    expect(r.filtered).toBeGreaterThan(0);
    expect(r.histogram.map((h) => h.state)).toEqual([{ '1:X2': 1n }]);
    expect(r.histogram[0].count + r.filtered).toBe(300);
  });

  it('gives an error verdict naming the instruction for an unaligned access and one past a variable', () => {
    const bad = (code: string): string => {
      const c = parseLitmus(`AArch64 bad\n{ uint16_t x; 0:X1=x; }\n P0 ;\n ${code} ;\nexists (x=0)\n`, 'bad.litmus');
      const r = runLitmus(c, { trials: 1, seed: 1 });
      expect(r.errors).toHaveLength(1);
      return r.errors[0];
    };
    expect(bad('LDRH W0,[X1,#1]')).toMatch(/bad\.litmus:4:2: core 0: misaligned 2-byte access .* \(at 'LDRH W0,\[X1,#1\]'\)/);
    expect(bad('LDR W0,[X1]')).toMatch(/4-byte access to 0x[0-9a-f]+ reaches past the variable there \(at 'LDR W0,\[X1\]'\)/);
  });

  it('refuses an unknown type', () => {
    expect(() => parseLitmus('AArch64 t\n{ float x; }\n P0 ;\n NOP ;\nexists (x=0)\n', 't.litmus')).toThrow(/unknown type 'float'/);
  });
});
