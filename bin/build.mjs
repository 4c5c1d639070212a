#!/usr/bin/env node
// The build (`npm run build`; `npm ci` runs it as `prepare`, vitest before the tests through
// test/support/build.ts): the TypeScript the CLI, the workers and the public API run
// (bin/build-stamp.mjs BUILT_FOLDERS) as plain JavaScript in dist/, so that no run of hangar
// starts a TypeScript loader.
//   - One file per module, same paths: `x.ts` becomes `x.js`; the imports and worker URLs
//     that name `./y.ts` name `./y.js`; `.mjs` modules keep their names. Not minified: each
//     file is its source without types and comments. Workers and task handlers load these.
//   - The CLI once more as one file, dist/cli.js (see ownUrl below), what bin/hangar.mjs loads.
// The new tree is written beside dist/ and swapped in, so a hangar starting meanwhile sees the
// old build or none (and then runs the sources). Without esbuild (a dev dependency, e.g.
// `npm ci --omit=dev`) there is no build and bin/hangar.mjs runs the sources through tsx.
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

/** Builds dist/; returns the number of modules, or null when esbuild (a dev dependency) is not installed. */
export async function buildDist() {
  let build;
  try {
    ({ build } = await import('esbuild'));
  } catch {
    return null;
  }
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
  if (n === null) process.stderr.write('hangar: esbuild is not installed (a dev dependency): no build; bin/hangar.mjs runs the sources through tsx\n');
  else process.stdout.write(`built ${n} modules into dist/\n`);
}
