// Whether dist/ (the build of the CLI, the workers and the API: bin/build.mjs) is current: it is
// when no source file changed since the build started and none was added or removed. Checked by
// bin/hangar.mjs at every start (a few hundred stat calls, ~1 ms), so that an edited or updated
// clone never runs a stale build: it runs the sources through tsx until the next build.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');
export const STAMP = join(DIST, 'build-stamp.json');

/** What is built: every TypeScript module under these folders, and index.ts (README.md,
 * "Layout"); of the plain JavaScript, only the worker helpers under WORKER_SCRIPTS (other
 * .mjs files there, e.g. programs/build-c.mjs, are developer scripts, not part of hangar's run). */
export const BUILT_FOLDERS = ['isa', 'asm', 'litmus', 'emu', 'programs', 'campaign', 'cli'];
export const BUILT_FILES = ['index.ts'];
export const WORKER_SCRIPTS = 'emu/threads/';

/** The source modules the build covers, relative to the root. */
export function builtSources() {
  const out = [...BUILT_FILES];
  const walk = (rel) => {
    for (const e of readdirSync(join(ROOT, rel), { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if ((e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) || (e.name.endsWith('.mjs') && p.startsWith(WORKER_SCRIPTS))) out.push(p);
    }
  };
  for (const f of BUILT_FOLDERS) walk(f);
  return out.sort();
}

/** True when dist/ was built from the sources as they are now. */
export function buildIsFresh() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return false;
  }
  const sources = builtSources();
  if (sources.length !== stamp.sources) return false;
  for (const f of sources) if (statSync(join(ROOT, f)).mtimeMs > stamp.startedAt) return false;
  return true;
}
