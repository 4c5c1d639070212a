// The command line on input and options it used to mishandle (issue 14 items 4, 9, 13): every
// option is honoured or refused, only regular files are read, every bad input is one
// `hangar:` line with exit status 2.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/corpus.ts';
import { main } from '../index.ts';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const SB = join(repoRoot, 'programs/litmus/aarch64/SB.litmus');

describe('--model for programs and assembly files', () => {
  it('is honoured and reported: run qemu-event/v7.2 --model sc is not the armv8 trial', async () => {
    const seed = ['--seed', '63619242537535', '--layout', 'inline', '--json'];
    const armv8 = JSON.parse((await cli(['run', 'qemu-event/v7.2', ...seed])).out);
    const sc = JSON.parse((await cli(['run', 'qemu-event/v7.2', '--model', 'sc', ...seed])).out);
    expect(armv8).toMatchObject({ model: 'armv8', verdict: 'hang' });
    expect(sc.model).toBe('sc');
    expect(sc.traceHash).not.toBe(armv8.traceHash);
    // The same for an assembly file, and replay takes it too.
    const file = join(repoRoot, 'test/fixtures/lost-wakeup.s');
    expect(JSON.parse((await cli(['run', file, '--model', 'tso', ...seed])).out).model).toBe('tso');
    const rp = await cli(['replay', 'qemu-event/v7.2', '--model', 'sc', '--seed', '63619242537535', '--json']);
    expect(rp.code).toBe(0);
    expect(JSON.parse(rp.out)).toMatchObject({ model: 'sc', verdict: sc.verdict, traceHash: sc.traceHash });
  });

  it('options that do not apply to a litmus test are refused, not ignored', async () => {
    for (const extra of [['--target', 'x86-tso'], ['--max-steps', '10'], ['--define', 'X=1']]) {
      const r = await cli(['run', SB, ...extra]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.err).toMatch(new RegExp(`^hangar: ${extra[0]}: for programs and assembly files only; a litmus test names its architecture and runs under --model\\n$`));
    }
  });
});

describe('hangar litmus on bad input', () => {
  it('prints each bad file as a hangar: line, runs the others, and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hangar-litmus-'));
    const bad = join(dir, 'bad.litmus');
    writeFileSync(bad, 'AArch64 Bad\n{ }\n P0 ;\n NOP ;\nexists ' + '('.repeat(3000) + '0:X0=0' + ')'.repeat(3000) + '\n');
    const r = await cli(['litmus', bad, SB, '--trials', '10', '--jobs', '1']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^hangar: .*bad\.litmus:5:265: condition nested more than 256 deep/);
    expect(r.out).toMatch(/^Test SB /m);
  });

  it('reads no device: /dev/zero is refused at once', async () => {
    const r = await cli(['litmus', '/dev/zero', '--jobs', '1']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('hangar: /dev/zero:1:1: cannot read /dev/zero: it is a character device, not a regular file\n');
    const s = await cli(['run', '/dev/zero.s']);
    expect(s.code).toBe(2);
  });
});

describe('hangar litmus --time-limit', () => {
  it('stops a test that loops without repeating, reports the trials it ran, and skips the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hangar-limit-'));
    const f = join(dir, 'count.litmus');
    writeFileSync(f, 'AArch64 CountForever\n{ }\n P0 ;\n L0: ;\n ADD X0,X0,#1 ;\n B L0 ;\nexists (0:X0=0)\n');
    for (const jobs of ['1', '2']) {
      const r = await cli(['litmus', f, SB, '--time-limit', '0.5', '--trials', '2000', '--jobs', jobs, '--json']);
      const o = JSON.parse(r.out.trim().split('\n')[0]);
      expect(o).toMatchObject({ test: 'CountForever', stopped: 'time limit' });
      expect(o.trials).toBeLessThan(2000);
      expect(r.err).toMatch(/hangar: the time limit \(0\.5 s\) was reached: 1 test\(s\) not run, from .*SB\.litmus/);
    }
  }, 60_000);
});
