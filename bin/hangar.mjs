#!/usr/bin/env node
// Starts the TypeScript CLI through tsx's loader: no build step, so a clone runs as checked out.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../emu/cli.ts');
process.exitCode = await main(process.argv.slice(2));
