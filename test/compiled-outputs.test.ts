// Every committed compiler output (programs/**/compiled/*.s, the AArch64 ones) assembles with
// zero errors as it is, and linked alone its only undefined symbols are those the C runtime
// provides (programs/c/README.md, "What the assembler and runtime must know").
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleUnit, AssemblyErrors, linkUnits, SourceError } from '../index.ts';
import { repoRoot } from './support/corpus.ts';

/** What the runtime provides (or will): a call to anything else is an undefined symbol. */
const RUNTIME = /^(pthread_(create|join|self)|syscall|__errno_location|abort|__assert_fail|exit|_exit|sched_yield|mem(set|cpy|cmp)|strlen|__aarch64_(cas|swp|ldadd|ldclr|ldeor|ldset)(1|2|4|8|16)_(relax|acq|rel|acq_rel)|__cxa_guard_(acquire|release|abort)|__cxa_begin_catch|__cxa_pure_virtual|_ZSt9terminatev|_Unwind_Resume|__gxx_personality_v0|_ZTVN10__cxxabiv1(17__class|20__si_class)_type_infoE)$/;

function compiledOutputs(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) compiledOutputs(p, out);
    else if (p.includes(`${'/'}compiled${'/'}`) && name.endsWith('.s') && !name.includes('x86-tso')) out.push(p);
  }
  return out;
}

const files = compiledOutputs(join(repoRoot, 'programs'));

function errorsOf(text: string, file: string): SourceError[] {
  try {
    assembleUnit(text, { file, maxErrors: 1_000_000 });
    return [];
  } catch (e) {
    if (e instanceof AssemblyErrors) return [...e.errors];
    if (e instanceof SourceError) return [e];
    throw e;
  }
}

describe('committed compiler output', () => {
  it('there is some (AArch64, GCC and Clang)', () => {
    expect(files.length).toBeGreaterThan(500);
    expect(files.some((f) => f.includes('.clang-'))).toBe(true);
  });

  it('every file assembles with zero errors', () => {
    const bad: string[] = [];
    for (const f of files) {
      for (const e of errorsOf(readFileSync(f, 'utf8'), relative(repoRoot, f))) bad.push(e.message);
    }
    expect(bad.slice(0, 20)).toEqual([]);
  });

  it('linked alone, a clean file lacks only what the runtime provides', () => {
    const unexpected: string[] = [];
    for (const f of files) {
      let unit;
      try {
        unit = assembleUnit(readFileSync(f, 'utf8'), { file: relative(repoRoot, f) });
      } catch {
        continue; // the mixed-size lines, above
      }
      try {
        linkUnits([unit]);
      } catch (e) {
        const errors = e instanceof AssemblyErrors ? e.errors : [e as SourceError];
        for (const x of errors) {
          const name = /^\S+ undefined (?:label|symbol) '([^']+)'/.exec(x.message)?.[1];
          if (name === undefined || !RUNTIME.test(name)) unexpected.push(x.message);
        }
      }
    }
    expect(unexpected.slice(0, 20)).toEqual([]);
  });
});
