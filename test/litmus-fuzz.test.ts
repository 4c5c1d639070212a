// Robustness of the litmus front end: mutated valid tests and random text either parse or raise
// a SourceError that points inside the text; never another exception, never a hang. From a
// fixed, printed seed (test/support/fuzz.ts: HANGAR_FUZZ_SEED for another).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { announceFuzzSeed, fuzzRuns } from './support/fuzz.ts';
import { parseLitmus, SourceError } from '../index.ts';

const VALID: Record<string, string> = {
  aarch64: `AArch64 MP+dmb+ctrl
"Fre (* quoted *) Rfe"
Cycle=Rfe DpCtrldR Fre
{
0:X1=x; 0:X3=y; (* comment *)
1:X1=y; int64_t 1:X3=x; uint32_t z=0x2;
}
 P0          | P1           ;
 MOV W0,#1   | LDR W0,[X1]  ;
 STR W0,[X1] | CBNZ W0,L0   ;
 DMB SY      | L0:          ;
 MOV W2,#-1  | LDR W2,[X3]  ;
 STR W2,[X3] | B.EQ Lout    ;
             | Lout:        ;
locations [z; 1:X2;]
exists
(1:X0=1 /\\ 1:W2=0 \\/ not ([x]=1) /\\ y<>0);
`,
  x86: `X86 SB+xchg
{ 0:EAX=0; }
 P0           | P1          ;
 MOV [x],$1   | MOV EAX,$2  ;
 MFENCE       | XCHG [y],EAX ;
 MOV EAX,[y]  | MOV EBX,[x] ;
exists (0:EAX=0 /\\ 1:EBX=0 /\\ [y]=2)
`,
  single: `AArch64 loop
(* counting (* nested *) loop *)
{ int x=1; 0:X0=x; }
P0;
  MOV W1,#3;
Loop:;
  SUB W1,W1,#1;
  CBNZ W1,Loop;
  STR W1,[X0];
forall 0:X1=0 /\\ x=0;
`,
};

/** Fragments a mutation may insert: litmus punctuation, keywords, registers, numbers. */
const FRAGMENTS = [
  ...'{}[]()|;:=/\\~<>*#,$-+._"\n \t0123456789xyzPXWE',
  '(*', '*)', '/\\', '\\/', '<>', 'P0', 'P1', 'P7', 'X0', 'W31', 'XZR', 'EAX', 'EBX', '0:', '1:', '9:',
  'exists', '~exists', 'forall', 'not', 'true', 'false', 'locations', '0x10', '-1', '99999999999999999999',
  'L0:', 'Lout', 'MOV', 'LDR', 'STR', 'B', 'CBZ W0,', 'MFENCE', 'XCHG', 'int64_t', 'hlt #0', '.thread',
  '\r\n', '\u00e9', '\u{1F600}',
];

type Edit =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'dupLine' | 'dropLine' | 'swapLines'; at: number; other: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...FRAGMENTS) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constantFrom('dupLine' as const, 'dropLine' as const, 'swapLines' as const), at: fc.nat(), other: fc.nat() }),
);

function apply(text: string, e: Edit): string {
  if (e.kind === 'insert') {
    const at = e.at % (text.length + 1);
    return text.slice(0, at) + e.text + text.slice(at);
  }
  if (e.kind === 'delete') {
    const at = e.at % (text.length + 1);
    return text.slice(0, at) + text.slice(at + e.len);
  }
  const lines = text.split('\n');
  const i = e.at % lines.length;
  const j = e.other % lines.length;
  if (e.kind === 'dupLine') lines.splice(i, 0, lines[i]);
  else if (e.kind === 'dropLine') lines.splice(i, 1);
  else [lines[i], lines[j]] = [lines[j], lines[i]];
  return lines.join('\n');
}

/** Parses, or checks the SourceError is about this file and points at a place in it. */
function parsesOrReportsInside(text: string): void {
  try {
    const t = parseLitmus(text, 'fuzz.litmus');
    expect(t.program.threads.length).toBeGreaterThan(0);
  } catch (e) {
    if (!(e instanceof SourceError)) throw e;
    const lines = text.split('\n');
    expect(e.file).toBe('fuzz.litmus');
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.line).toBeLessThanOrEqual(lines.length);
    expect(e.col).toBeGreaterThanOrEqual(1);
    expect(e.col).toBeLessThanOrEqual(lines[e.line - 1].length + 1);
  }
}

announceFuzzSeed('litmus front end fuzzing');

describe('litmus front end under fuzzing', () => {
  it.each(Object.keys(VALID))('the %s seed text is valid', (k) => {
    expect(() => parseLitmus(VALID[k], `${k}.litmus`)).not.toThrow();
  });

  it.each(Object.keys(VALID))('mutations of the %s text parse or raise SourceError', (k) => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        parsesOrReportsInside(edits.reduce(apply, VALID[k]));
      }),
      fuzzRuns(400),
    );
  }, 10_000);

  it('random strings raise SourceError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 })), (s) => {
        parsesOrReportsInside(s);
      }),
      fuzzRuns(400),
    );
  }, 10_000);

  it('random token soup after a valid header raises SourceError or parses', () => {
    const soup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(soup, soup, (init, rest) => {
        parsesOrReportsInside(`AArch64 soup\n{${init}}\n${rest}`);
        parsesOrReportsInside(`X86 soup\n{ }\n P0 | P1 ;\n${rest}`);
      }),
      fuzzRuns(400),
    );
  }, 10_000);
});
