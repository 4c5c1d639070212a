// The `hangar` command line: commander parses, each command is its own module (commands/), its
// options are declared once (options.ts), its output is printed by reporters/. Bad input never
// escapes as a stack trace: SourceErrors and usage errors print one line and set a non-zero
// exit code.
import { Command } from 'commander';
import { ExpectationError } from '../campaign/expectations.ts';
import { OutFileError } from '../campaign/out-file.ts';
import { WorkloadError } from '../campaign/workload.ts';
import { SourceError } from '../isa/source-error.ts';
import { registerCommand } from './command.ts';
import { campaignCommand } from './commands/campaign.ts';
import { listCommand } from './commands/list.ts';
import { litmusCommand } from './commands/litmus.ts';
import { mergeCommand } from './commands/merge.ts';
import { replayCommand } from './commands/replay.ts';
import { runCommand } from './commands/run.ts';
import { processIo, type Io } from './io.ts';
import { UsageError } from './options.ts';

export function buildProgram(io: Io, status: { code: number }): Command {
  const program = new Command();
  program
    .name('hangar')
    .description('Multicore ARMv8 emulator that hunts hangs caused by missing memory barriers')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError();
  registerCommand(program, litmusCommand, io, status);
  registerCommand(program, runCommand, io, status);
  registerCommand(program, listCommand, io, status);
  registerCommand(program, replayCommand, io, status);
  registerCommand(program, campaignCommand, io, status);
  registerCommand(program, mergeCommand, io, status);
  return program;
}

/** Entry point; returns the process exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const status = { code: 0 };
  const program = buildProgram(io, status);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return status.code;
  } catch (e) {
    const ce = e as { code?: string; exitCode?: number };
    if (typeof ce.code === 'string' && ce.code.startsWith('commander.')) {
      return ce.code === 'commander.helpDisplayed' || ce.code === 'commander.version' ? 0 : 2;
    }
    if (e instanceof SourceError || e instanceof UsageError || e instanceof WorkloadError || e instanceof ExpectationError || e instanceof OutFileError) {
      io.err(`hangar: ${e.message}\n`);
      return 2;
    }
    // A bug: one line that says so, then the stack for the report; exit status 70 (EX_SOFTWARE).
    io.err(`hangar: internal error: ${e instanceof Error ? e.message : String(e)}\n${e instanceof Error && e.stack ? e.stack + '\n' : ''}`);
    return 70;
  }
}
