// System-call arguments are read at the width of their C type (issue 14 item 10): pointers and
// sizes in all 64 bits, ints in their low 32 bits as Linux truncates them, the call number in
// full. Each program below used to be served by a check of the low 32 bits only.
import { describe, expect, it } from 'vitest';
import { assemble, newMachine, programParamsFor, runTrial } from '../index.ts';

function run(body: string): { verdict: string; error?: string; x0: bigint } {
  const program = assemble(`.data\nword: .quad 0\nbuf: .quad 1\n.text\n_start:\n${body}\n mov x8, #93\n svc #0\n`, { file: 'k.s' });
  const paramsFor = programParamsFor('armv8', 10_000);
  const m = newMachine(program, paramsFor);
  const r = runTrial(m, 1, paramsFor);
  const c = m.cores[0];
  return { verdict: r.verdict, error: r.error, x0: (BigInt(c.regHi[0] >>> 0) << 32n) | BigInt(c.regLo[0] >>> 0) };
}

describe('system-call arguments in 64 bits', () => {
  it('a futex on a valid address + 2^32 is an error, not a wait on the valid word', () => {
    const r = run(' ldr x0, =word\n mov x9, #0x100000000\n add x0, x0, x9\n mov x1, #0\n mov x2, #0\n mov x3, #0\n mov x8, #98\n svc #0');
    expect(r.verdict).toBe('error');
    expect(r.error).toMatch(/system call argument x0 = 0x100100000 is not an aligned address in emulated memory/);
  });

  it('write(fd, buf + 2^40, 8) is an error, not a write of buf', () => {
    const r = run(' mov x0, #0\n mov x1, #0\n mov x8, #19\n svc #0\n ldr x1, =buf\n mov x9, #0x10000000000\n add x1, x1, x9\n mov x2, #8\n mov x8, #64\n svc #0');
    expect(r.verdict).toBe('error');
    expect(r.error).toMatch(/system call argument x1 = 0x10000100008 is not an aligned address/);
  });

  it('a count of 2^32 + 8 is not 8', () => {
    const r = run(' mov x0, #0\n mov x1, #0\n mov x8, #19\n svc #0\n ldr x1, =buf\n mov x2, #0x100000008\n mov x8, #64\n svc #0');
    expect(r.verdict).toBe('ok');
    expect(r.x0).toBe(BigInt.asUintN(64, -22n)); // EINVAL
  });

  it('x8 = 2^32 + 93 is an error, not exit', () => {
    const r = run(' mov x8, #0x10000005d\n svc #0\n b .');
    expect(r.verdict).toBe('error');
    expect(r.error).toMatch(/system call number 0x10000005d does not fit in 32 bits/);
  });

  it('an int argument is its low 32 bits, as Linux reads it (FUTEX_WAKE with garbage above)', () => {
    const r = run(' ldr x0, =word\n mov x1, #0x700000001\n mov x2, #1\n mov x8, #98\n svc #0');
    expect(r.verdict).toBe('ok');
    expect(r.x0).toBe(0n); // woke nobody
  });

  it('eventfd2 flags that change read(2) are refused', () => {
    const r = run(' mov x0, #0\n mov x1, #1\n mov x8, #19\n svc #0');
    expect(r.verdict).toBe('error');
    expect(r.error).toMatch(/eventfd2: flags 0x1 are not supported/);
  });
});
