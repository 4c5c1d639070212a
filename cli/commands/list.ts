// `hangar list`: the built-in programs, their targets and expected verdicts.
import type { Command } from 'commander';
import type { Io } from '../io.ts';
import { addOptions, described, JSON_OUT, type Values } from '../options.ts';
import { programListJson, programListText } from '../reporters/program-list.ts';

const OPTIONS = { json: described(JSON_OUT, 'one JSON object per program') };

export function listCommand(io: Io, o: Values<typeof OPTIONS>): number {
  io.out(o.json ? programListJson() : programListText());
  return 0;
}

export function addListCommand(program: Command, io: Io, status: { code: number }): void {
  const cmd = program.command('list').description('list the built-in programs, their targets and expected verdicts');
  addOptions(cmd, OPTIONS).action((o: Values<typeof OPTIONS>) => {
    status.code = listCommand(io, o);
  });
}
