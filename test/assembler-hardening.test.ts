// The assembler on input that used to crash it, hang it or exhaust memory (issue 14 items 2-6):
// each case ends in a SourceError at a file:line:col, within a budget of work it counts.
import { describe, expect, it } from 'vitest';
import { ENCODERS } from '../asm/encoders/table.ts';
import { assemble, type AssembleOptions, SourceError } from '../index.ts';

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
