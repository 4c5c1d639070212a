#!/usr/bin/env node
// Starts the TypeScript CLI through tsx's loader: no build step, so a clone runs as checked out.
import { register } from 'tsx/esm/api';

register();
// `hangar ... | head` closes the pipe early: that is not an error.
for (const s of [process.stdout, process.stderr]) s.on('error', (e) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
