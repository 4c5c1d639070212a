// A hangar command as data: its name, help, argument, options (declared in options.ts) and what
// it runs. main.ts registers every command the same way.
import type { Command } from 'commander';
import type { Io } from './io.ts';
import { addOptions, type OptionSpec, type Values } from './options.ts';

export interface CommandSpec<O extends Record<string, OptionSpec<unknown>>, A> {
  name: string;
  description: string;
  /** The positional argument: commander's syntax ('<file>', '[programs...]') and its help. */
  argument?: readonly [syntax: string, description: string];
  options: O;
  /** Runs the command; returns the exit status. */
  run(io: Io, arg: A, o: Values<O>): number | Promise<number>;
}

/** Declares a command (types its options and argument). */
export function defineCommand<O extends Record<string, OptionSpec<unknown>>, A = undefined>(spec: CommandSpec<O, A>): CommandSpec<O, A> {
  return spec;
}

/** Adds a command to the program; its exit status goes to status.code. */
export function registerCommand<O extends Record<string, OptionSpec<unknown>>, A>(program: Command, spec: CommandSpec<O, A>, io: Io, status: { code: number }): void {
  const cmd = program.command(spec.name).description(spec.description);
  if (spec.argument) cmd.argument(spec.argument[0], spec.argument[1]);
  addOptions(cmd, spec.options);
  cmd.action(async (...args: unknown[]) => {
    // commander passes the argument (if declared), then the options, then the command.
    const arg = (spec.argument ? args[0] : undefined) as A;
    const o = (spec.argument ? args[1] : args[0]) as Values<O>;
    status.code = await spec.run(io, arg, o);
  });
}
