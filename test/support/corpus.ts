// Locating herd's reference corpus (../shared/litmus). It is not part of the project: tests
// that need it skip with a message on a user's clone, and become mandatory when CI names it in
// HANGAR_SHARED_LITMUS (then a missing or empty corpus fails).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExactJson, type FinalState } from '../../litmus/state.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ExpectedEntry {
  /** Integers are exact (BigInt): mixed-size states hold values beyond 2^53. */
  states: FinalState[];
  condition: string;
  verdict: 'Allowed' | 'Forbidden';
  herd: 'Ok' | 'No';
  observation: string;
  family: string;
  features: string[];
  source: string;
}

export interface Corpus {
  dir: string;
  /** corpus folder ('aarch64' | 'x86' | 'aarch64-mixed') -> test name -> expectation */
  expected: Record<string, Record<string, ExpectedEntry>>;
  files: Record<string, string[]>;
}

/** The corpus folders: single-size AArch64, x86, and mixed-size AArch64 (herd7 -variant mixed). */
export const CORPORA = ['aarch64', 'x86', 'aarch64-mixed'] as const;

export type CorpusLookup = { corpus: Corpus } | { corpus: undefined; reason: string; mandatory: boolean };

export function findCorpus(): CorpusLookup {
  const env = process.env.HANGAR_SHARED_LITMUS;
  const dir = env ? resolve(env) : resolve(repoRoot, '../shared/litmus');
  const mandatory = env !== undefined && env !== '';
  if (!existsSync(dir)) return { corpus: undefined, reason: `herd corpus not found at ${dir}`, mandatory };
  const corpus: Corpus = { dir, expected: {}, files: {} };
  for (const arch of CORPORA) {
    const d = join(dir, arch);
    if (!existsSync(join(d, 'expected.json'))) {
      if (mandatory) return { corpus: undefined, reason: `herd corpus at ${dir} has no ${arch}/expected.json`, mandatory };
      continue;
    }
    corpus.expected[arch] = parseExactJson(readFileSync(join(d, 'expected.json'), 'utf8')) as Record<string, ExpectedEntry>;
    corpus.files[arch] = readdirSync(d).filter((f) => f.endsWith('.litmus')).sort().map((f) => join(d, f));
  }
  const n = Object.values(corpus.files).reduce((a, f) => a + f.length, 0);
  if (n === 0) return { corpus: undefined, reason: `herd corpus at ${dir} holds no tests`, mandatory };
  return { corpus };
}

/** Use at the top of a test file: returns the corpus, or undefined after registering why. */
export function corpusOrSkipReason(): { corpus?: Corpus; skipReason?: string; failReason?: string } {
  const l = findCorpus();
  if (l.corpus) return { corpus: l.corpus };
  if (l.mandatory) return { failReason: `${l.reason} (HANGAR_SHARED_LITMUS is set, so the corpus is required)` };
  return { skipReason: `${l.reason}; set HANGAR_SHARED_LITMUS to run these tests` };
}
