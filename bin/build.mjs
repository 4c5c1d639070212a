#!/usr/bin/env node
// The build: every module the CLI, the workers and the public API run (bin/build-stamp.mjs
// BUILT_FOLDERS) transpiled by esbuild, one output file per module, into dist/ with the same
// paths: `x.ts` becomes `x.js` and the imports and worker URLs that name `./y.ts` name
// `./y.js`; `.mjs` modules keep their names. No bundling (every import stays an import), no
// minifying: each file of dist/ is its source without types and comments. `npm ci` runs this as
// `prepare`; vitest runs it before the tests (test/support/build.ts). The new tree is written
// beside dist/ and swapped in, so a hangar starting meanwhile sees the old build or none.
import { build } from 'esbuild';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { builtSources, DIST, ROOT } from './build-stamp.mjs';

/** Relative module specifiers ending in .ts, in imports and in worker URLs (new URL of a .ts file, import.meta.url). */
const TS_SPECIFIER = /^\.\.?\/.*\.ts$/;
const WORKER_URL = /new URL\(\s*(['"])(\.\.?\/[^'"]*)\.ts\1\s*,\s*import\.meta\.url\s*\)/g;

const tsToJs = {
  name: 'ts-to-js',
  setup(b) {
    // Every relative import stays an import of its own output file.
    b.onResolve({ filter: /^\.\.?\// }, (a) => {
      if (a.kind === 'entry-point') return undefined;
      return { path: TS_SPECIFIER.test(a.path) ? a.path.replace(/\.ts$/, '.js') : a.path, external: true };
    });
    b.onLoad({ filter: /\.(ts|mjs)$/ }, (a) => ({
      contents: readFileSync(a.path, 'utf8').replace(WORKER_URL, (_m, q, p) => `new URL(${q}${p}.js${q}, import.meta.url)`),
      loader: a.path.endsWith('.ts') ? 'ts' : 'js',
    }));
  },
};

/**
 * The CLI as one file (dist/cli.js): loading ~80 modules one by one costs a start-up what the
 * whole help text is worth. Inside it, each module's import.meta.url is replaced by the URL of
 * its own file of the per-module tree, so that the workers, task handlers and data files it
 * names resolve exactly as they do from that tree (the workers load the per-module files).
 */
const ownUrl = {
  name: 'own-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (a) => {
      const own = './' + relative(ROOT, a.path).replace(/\.ts$/, '.js');
      const text = readFileSync(a.path, 'utf8').replace(WORKER_URL, (_m, q, p) => `new URL(${q}${p}.js${q}, import.meta.url)`);
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(own)}, import.meta.url).href`), loader: 'ts' };
    });
  },
};

export async function buildDist() {
  const startedAt = Date.now();
  const sources = builtSources();
  const tmp = `${DIST}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const options = {
    absWorkingDir: ROOT,
    outdir: tmp,
    outbase: '.',
    bundle: true, // for the plugin to see every import; each one is external, so nothing is inlined
    plugins: [tsToJs],
    format: 'esm',
    platform: 'node',
    packages: 'external',
    target: 'node20',
    logLevel: 'warning',
  };
  // .ts becomes .js; .mjs stays .mjs (the names other modules start as workers).
  await build({ ...options, entryPoints: sources.filter((f) => f.endsWith('.ts')), outExtension: { '.js': '.js' } });
  await build({ ...options, entryPoints: sources.filter((f) => f.endsWith('.mjs')), outExtension: { '.js': '.mjs' } });
  await build({ ...options, plugins: [ownUrl], entryPoints: ['cli/main.ts'], outdir: undefined, outfile: join(tmp, 'cli.js') });
  writeFileSync(join(tmp, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(tmp, 'build-stamp.json'), JSON.stringify({ startedAt, sources: sources.length }) + '\n');
  const old = `${DIST}.${process.pid}.old`;
  try {
    renameSync(DIST, old);
  } catch {
    // no previous build
  }
  renameSync(tmp, DIST);
  rmSync(old, { recursive: true, force: true });
  return sources.length;
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const n = await buildDist();
  process.stdout.write(`built ${n} modules into dist/\n`);
}
