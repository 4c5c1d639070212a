// The litmus front end on input that used to be mishandled (issue 14): numeric local labels
// scoped to their thread, deeply nested conditions, Unicode blanks.
import { describe, expect, it } from 'vitest';
import { parseLitmus, runLitmus, SourceError } from '../index.ts';

function sourceError(f: () => unknown): SourceError {
  try {
    f();
  } catch (e) {
    if (e instanceof SourceError) return e;
    throw e;
  }
  throw new Error('expected a SourceError');
}

describe('numeric local labels are local to their thread', () => {
  it('1f and 1b resolve within the thread that uses them', () => {
    const t = parseLitmus(
      `AArch64 LocalLabels
{ 0:X1=x; 1:X1=y; }
 P0          | P1          ;
 MOV W0,#1   | MOV W0,#2   ;
 B 1f        | B 1f        ;
 MOV W0,#3   | 1:          ;
 1:          | 1:          ;
 STR W0,[X1] | STR W0,[X1] ;
 CBZ W0,1b   | CBNZ W3,1b  ;
 2: NOP      | 2: NOP      ;
exists (x=1 /\\ y=2)
`,
      'local.litmus',
    );
    // Each thread stores its own value: no thread runs the other's code.
    const r = runLitmus(t, { trials: 20, seed: 1 });
    expect(r.errors).toEqual([]);
    expect(r.histogram.map((h) => h.state)).toEqual([{ x: 1, y: 2 }]);
    // P0's B 1f lands on P0's own 1:, P1's CBZ 1b on the second of P1's two.
    const labels = t.program.labels;
    expect(labels['P0__1__0']).toBeGreaterThan(t.program.threads[0].entry);
    expect(labels['P0__1__0']).toBeLessThan(t.program.threads[1].entry);
    expect(labels['P1__1__1']).toBe(labels['P1__1__0']);
  });

  it("a reference with no label of its own thread is an error, not a jump into another thread's code", () => {
    const e = sourceError(() =>
      parseLitmus(
        `AArch64 Across
{ 0:X1=x; 1:X1=y; }
 P0          | P1          ;
 MOV W0,#1   | 1:          ;
 B 1f        | MOV W0,#2   ;
 STR W0,[X1] | STR W0,[X1] ;
exists (x=1)
`,
        'across.litmus',
      ),
    );
    expect(e.message).toBe("across.litmus:5:4: no local label '1:' after '1f' in thread P0");
    const b = sourceError(() =>
      parseLitmus(
        `AArch64 AcrossBack
{ }
 P0          | P1          ;
 1:          | NOP         ;
 NOP         | B 1b        ;
exists (0:X0=0)
`,
        'back.litmus',
      ),
    );
    expect(b.message).toBe("back.litmus:5:18: no local label '1:' before '1b' in thread P1");
  });
});

describe('deeply nested conditions', () => {
  const test = (cond: string): string => `AArch64 Deep\n{ }\n P0 ;\n NOP ;\nexists ${cond}\n`;

  it('3000 parentheses or negations are an error at the first one too deep, not a stack overflow', () => {
    const parens = sourceError(() => parseLitmus(test('('.repeat(3000) + '0:X0=0' + ')'.repeat(3000)), 'deep.litmus'));
    expect(parens.message).toBe('deep.litmus:5:265: condition nested more than 256 deep (parentheses and negations)');
    const nots = sourceError(() => parseLitmus(test('~'.repeat(100_000) + '0:X0=0'), 'not.litmus'));
    expect(nots.message).toMatch(/^not\.litmus:5:265: condition nested more than 256 deep/);
  });

  it('256 levels still parse and evaluate', () => {
    const t = parseLitmus(test('('.repeat(128) + '~'.repeat(128) + '0:X0=0' + ')'.repeat(128)), 'ok.litmus');
    expect(runLitmus(t, { trials: 2, seed: 1 }).observed.verdict).toBe('Allowed');
  });
});

describe('Unicode blanks', () => {
  const cell = (text: string): string => `AArch64 U\n"a quoted\u00a0string"\n{ 0:X1=x; }\n P0 ;\n ${text} ;\n STR W0,[X1] ;\nexists (x=1)\n`;

  it('a no-break space in a cell is an error naming it, not trimmed away', () => {
    const e = sourceError(() => parseLitmus(cell('MOV W0,#1\u00a0'), 'u.litmus'));
    expect(e.message).toBe('u.litmus:5:11: unexpected Unicode blank U+00A0: litmus files separate with ASCII spaces and tabs');
    const em = sourceError(() => parseLitmus(cell('MOV\u2003W0,#1'), 'u.litmus'));
    expect(em.message).toMatch(/^u\.litmus:5:5: unexpected Unicode blank U\+2003/);
  });

  it('inside a comment, a quoted string or as a leading byte-order mark it is fine', () => {
    const t = parseLitmus('\ufeff' + cell('MOV W0,#1 (* a\u00a0comment *)'), 'u.litmus');
    expect(runLitmus(t, { trials: 2, seed: 1 }).histogram.map((h) => h.state)).toEqual([{ x: 1 }]);
  });
});

describe('spins in litmus tests', () => {
  it('a thread looping forever is a hang proven in a bounded number of steps, not the whole budget', () => {
    const t = parseLitmus(
      `AArch64 InfiniteLoop
{ 0:X1=x; 1:X1=x; }
 P0          | P1          ;
 L0:         | MOV W0,#1   ;
 LDR W2,[X1] | STR W0,[X1] ;
 CMP W2,#2   |             ;
 B.NE L0     |             ;
exists (0:X2=2)
`,
      'loop.litmus',
    );
    const steps: number[] = [];
    const verdicts = new Set<string>();
    runLitmus(t, { trials: 20, seed: 1, observe: (_i, r) => { steps.push(r.steps); verdicts.add(r.verdict); } });
    expect([...verdicts]).toEqual(['hang']);
    // The budget is 10^6 steps per trial; a proof needs the state to repeat once it is settled.
    expect(Math.max(...steps)).toBeLessThan(5_000);
  });

  it('a thread whose flag is set late, or that loops with a changing register, is never called hung', () => {
    const t = parseLitmus(
      `AArch64 LateFlag
{ 0:X1=x; 1:X1=x; }
 P0          | P1            ;
 L0:         | MOV W3,#400   ;
 LDR W2,[X1] | L1:           ;
 CBZ W2,L0   | SUB W3,W3,#1  ;
             | CBNZ W3,L1    ;
             | MOV W0,#1     ;
             | STR W0,[X1]   ;
exists (0:X2=1)
`,
      'late.litmus',
    );
    const r = runLitmus(t, { trials: 50, seed: 2 });
    expect(r.errors).toEqual([]);
    expect(r.histogram).toEqual([{ state: { '0:X2': 1 }, count: 50 }]);
  });
});
