// `hangar list`: the built-in programs, their targets and expected verdicts.
import { defineCommand } from '../command.ts';
import { described, JSON_OUT } from '../options.ts';
import { programListJson, programListText } from '../reporters/program-list.ts';

export const listCommand = defineCommand({
  name: 'list',
  description: 'list the built-in programs, their targets and expected verdicts',
  options: { json: described(JSON_OUT, 'one JSON object per program') },
  run(io, _arg, o) {
    io.out(o.json ? programListJson() : programListText());
    return 0;
  },
});
