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
