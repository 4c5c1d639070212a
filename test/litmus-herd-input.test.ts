// Valid herd7 input the litmus front end once had to be checked against (issue 14 item 14):
// `filter`, condition and initial values beyond 2^53, pointer declarations. Each runs the
// test and checks the states reached, not just that it parses.
import { describe, expect, it } from 'vitest';
import { printCondition } from '../litmus/condition.ts';
import { runLitmus } from '../campaign/litmus-run.ts';
import { parseLitmus } from '../index.ts';

// P1 reads y then x; P0 writes x then y (no barrier: under armv8 P1 may see y=1, x=0).
const MP = `AArch64 mp
{ 0:X1=x; 0:X3=y; 1:X0=y; 1:X4=x; }
 P0          | P1          ;
 MOV W0,#1   | LDR W1,[X0] ;
 STR W0,[X1] | LDR W3,[X4] ;
 MOV W2,#1   |             ;
 STR W2,[X3] |             ;
`;

describe('herd7 filter', () => {
  const check = (final: string): void => {
    const t = parseLitmus(MP + final, 'mp.litmus');
    expect(t.filterVars.map((v) => v.key)).toEqual(['1:X1']);
    const r = runLitmus(t, { trials: 400, seed: 3 });
    expect(r.errors).toEqual([]);
    // Only trials where P1 saw y=1 count; the rest are filtered, not observed.
    expect(r.filtered).toBeGreaterThan(0);
    expect(r.histogram.every((h) => !('1:X1' in h.state))).toBe(true);
    expect(r.histogram.reduce((n, h) => n + h.count, 0) + r.filtered).toBe(400);
    expect(r.histogram.length).toBeGreaterThan(0);
  };

  it('takes a filter on its own line before the quantifier', () => check('filter (1:X1=1)\nexists (1:X3=0)\n'));

  it('takes a filter and the condition on one line ended by ;', () => check('filter (1:X1=1) exists (1:X3=0);\n'));

  it('takes a filter without parentheses and with only a locations clause', () => {
    const t = parseLitmus(MP + 'locations [1:X3;]\nfilter 1:X1=1 /\\ 1:X3=0\n', 'mp.litmus');
    expect(printCondition(t.condition)).toBe('forall (true)');
    expect(t.filterVars.map((v) => v.key)).toEqual(['1:X1', '1:X3']);
  });
});

describe('64-bit values beyond 2^53', () => {
  it('keeps initial values and condition constants exact (2^60 and 2^60+1 are different)', () => {
    const t = parseLitmus(`AArch64 big
{ x=0x1000000000000001; 0:X1=x; 0:X5=0x1000000000000000; }
 P0          ;
 LDR X2,[X1] ;
 STR X5,[X1] ;
exists (x=0x1000000000000000 /\\ 0:X2=1152921504606846977)
`, 'big.litmus');
    expect(printCondition(t.condition)).toBe('exists ([x]=1152921504606846976 /\\ 0:X2=1152921504606846977)');
    const r = runLitmus(t, { trials: 5, seed: 1 });
    expect(r.histogram.map((h) => h.state)).toEqual([{ x: 1n << 60n, '0:X2': (1n << 60n) + 1n }]);
    expect(r.observed.ok).toBe(true);
    // A constant one off is not the same value (a double would round both to 2^60).
    const off = parseLitmus(`AArch64 big\n{ 0:X5=0x1000000000000000; }\n P0 ;\n NOP ;\nexists (0:X5=0x1000000000000001)\n`, 'off.litmus');
    expect(runLitmus(off, { trials: 3, seed: 1 }).observed.ok).toBe(false);
  });
});

describe('pointer declarations', () => {
  for (const [decl, load, value] of [['int64_t', 'LDR X3,[X2]', 5n], ['int', 'LDR W3,[X2]', 7n]] as const) {
    it(`${decl} *p=x holds the address of x (code loads through it)`, () => {
      const t = parseLitmus(`AArch64 ptr
{ ${decl} x=${value}; ${decl} *p=x; 0:X1=p; }
 P0          ;
 LDR X2,[X1] ;
 ${load} ;
exists (0:X2=x /\\ 0:X3=${value} /\\ p=x)
`, 'ptr.litmus');
      const r = runLitmus(t, { trials: 3, seed: 1 });
      expect(r.errors).toEqual([]);
      expect(r.histogram.map((h) => h.state)).toEqual([{ '0:X2': 'x', '0:X3': value, p: 'x' }]);
      expect(r.observed.ok).toBe(true);
    });
  }
});
