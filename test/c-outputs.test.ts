// The committed compiler outputs (programs/**/compiled/*.s) are current: their headers match
// the sources (checkOutputs) and a fresh compilation is byte-identical. Skips where a compiler is
// missing; HANGAR_C_TOOLCHAIN=required (set by .ci/run) makes a missing compiler a failure.
// To stay quick on a loaded machine the fresh compilation covers a fixed subset: every QEMU
// program's outputs plus one corpus file per compiler, -O level and target. The full byte
// check is `node programs/build-c.mjs` then `git diff`; `node programs/build-c.mjs --check`
// checks every header.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { checkOutputs, compareOutputs } from '../programs/build-c.mjs';

const COMPILERS: [string, string][] = [
  ['aarch64-linux-gnu-gcc', 'gcc-aarch64-linux-gnu'],
  ['clang', 'clang'],
  ['gcc', 'gcc'],
];
const missing = COMPILERS.filter(([cmd]) => spawnSync(cmd, ['--version']).status !== 0);
const required = process.env.HANGAR_C_TOOLCHAIN === 'required';
const reason = missing.map(([cmd, pkg]) => `${cmd} not installed (Debian: apt-get install -y ${pkg})`).join('; ');
const SAMPLE_CORPUS = 'corpus/ticket-lock';

describe('committed C compiler outputs', () => {
  if (missing.length && required) {
    it('has the compilers (HANGAR_C_TOOLCHAIN=required)', () => { throw new Error(reason); });
    return;
  }
  if (missing.length) console.warn(`c-outputs: skipped: ${reason}; set HANGAR_C_TOOLCHAIN=required to require them`);
  it.skipIf(missing.length > 0)('headers match the sources and installed compilers', () => {
    expect(checkOutputs().problems).toEqual([]);
  });
  it.skipIf(missing.length > 0)('a fresh compilation of a representative subset is byte-identical', async () => {
    const { problems, compared } = await compareOutputs((u: { kind: string; name: string }) => u.kind === 'qemu' || u.name === SAMPLE_CORPUS);
    expect(problems).toEqual([]);
    expect(compared).toBeGreaterThan(30);
  }, 300_000);
});
