// vitest globalSetup: builds dist/ (bin/build.mjs) before any test runs, so that the tests that
// start bin/hangar.mjs run the build users run, made from the sources under test. (A stale
// build never runs anyway: bin/hangar.mjs then runs the sources.) The tests themselves import
// the sources, and the workers they start load the same sources (worker-entry.mjs).
import { execFileSync } from 'node:child_process';
import { repoRoot } from './corpus.ts';

export default function setup(): void {
  execFileSync(process.execPath, ['bin/build.mjs'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
}
