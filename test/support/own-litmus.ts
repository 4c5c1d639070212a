// hangar's own litmus tests (programs/litmus): they ship with the project and run everywhere.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './corpus.ts';
import { parseExactJson } from '../../litmus/state.ts';

export const ownLitmusDir = join(repoRoot, 'programs/litmus');

export function ownLitmusFiles(arch?: 'aarch64' | 'x86'): string[] {
  const archs = arch ? [arch] : ['aarch64', 'x86'];
  return archs.flatMap((a) => {
    const d = join(ownLitmusDir, a);
    return readdirSync(d).filter((f) => f.endsWith('.litmus')).sort().map((f) => join(d, f));
  });
}

export interface OwnVerdict {
  arch: 'AArch64' | 'X86';
  model: 'armv8' | 'tso';
  verdict: 'Allowed' | 'Forbidden';
  family: string;
  why: string;
  source: string;
  /** herd7's complete set of allowed final states, where recorded (the mixed-size tests). */
  states?: Record<string, bigint | string>[];
}

export function ownVerdicts(): Record<string, OwnVerdict> {
  // Integers exactly (a state may hold a 64-bit value).
  return parseExactJson(readFileSync(join(ownLitmusDir, 'verdicts.json'), 'utf8')) as Record<string, OwnVerdict>;
}
