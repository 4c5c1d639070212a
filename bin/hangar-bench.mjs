#!/usr/bin/env node
// Runs a benchmark module (a .ts under bench/) through tsx's loader, no build step:
//   node bin/hangar-bench.mjs bench/main.ts [args...]
// A module that exports `main(argv): Promise<number>` is called with the arguments and its
// result is the exit code; one without `main` runs at import (it may read process.argv).
import { register } from 'tsx/esm/api';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

register();
for (const s of [process.stdout, process.stderr]) s.on('error', (e) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
const [file, ...args] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bin/hangar-bench.mjs <bench module .ts> [args...]\n');
  process.exit(2);
}
const mod = await import(pathToFileURL(resolve(file)).href);
if (typeof mod.main === 'function') process.exitCode = await mod.main(args);
