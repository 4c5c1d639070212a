#!/usr/bin/env node
// Starts the hangar CLI from its build (dist/, bin/build.mjs; `npm ci` builds it), plain
// JavaScript with no loader to start. When a source file changed since that build (an edit, a
// pull), it runs the TypeScript sources through tsx instead, so that a stale build never runs;
// `npm run build` makes the fast start come back.
import { buildIsFresh } from './build-stamp.mjs';

// `hangar ... | head` closes the pipe early: that is not an error.
for (const s of [process.stdout, process.stderr]) s.on('error', (e) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
let cli;
if (buildIsFresh()) cli = await import('../dist/cli.js');
else {
  (await import('tsx/esm/api')).register();
  cli = await import('../cli/main.ts');
}
process.exitCode = await cli.main(process.argv.slice(2));
