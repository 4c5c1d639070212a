// The GNU-as-style AArch64 assembler of hangar, as the rest of hangar uses it: one file to a
// Program (`assemble`), several translation units linked into one (`assembleUnits`), or the
// two steps apart (`assembleUnit`, then `linkUnits`). A unit is assembled by unit-assembler.ts
// and linked by linker.ts; the syntax, the sections, the memory layout and the errors are
// documented in asm/README.md.
import type { Program } from '../isa/program.ts';
import { SourceError } from '../isa/source-error.ts';
import { ErrorList } from './errors.ts';
import { linkUnits, type LinkOptions } from './linker.ts';
import type { AsmUnit } from './unit.ts';
import { assembleUnitLines, type AsmLine, type AssembleOptions } from './unit-assembler.ts';

export { AssemblyErrors, MAX_REPORTED_ERRORS } from './errors.ts';
export { MAX_CORES, MAX_INSTRUCTIONS, MAX_MEMORY_BYTES, MAX_STACK_BYTES } from './limits.ts';
export { linkUnits, type LinkOptions } from './linker.ts';
export type { AsmUnit } from './unit.ts';
export type { AsmLine, AssembleOptions, AssemblyWork } from './unit-assembler.ts';

function lines(source: string, file: string): AsmLine[] {
  // (typeof checks: the API is also called from JavaScript with anything)
  const text = typeof source === 'string' ? source.replace(/^\uFEFF/, '') : '';
  return text.split(/\r?\n/).map((t, i) => ({ text: t, file, line: i + 1, col: 1 }));
}

/** Assembles one translation unit (an object file: its undefined symbols are for the linker). */
export function assembleUnit(source: string, opts: AssembleOptions): AsmUnit {
  const file = String(opts?.file ?? '<input>');
  return internalAsSourceError(file, () => assembleUnitLines(lines(source, file), opts));
}

/** Assembles a whole source file into a program (one unit, linked alone). */
export function assemble(source: string, opts: AssembleOptions): Program {
  return assembleLines(lines(source, opts?.file ?? '<input>'), opts);
}

/** Assembles lines that come from elsewhere (each with its own file position) into a program. */
export function assembleLines(lines: AsmLine[], opts: AssembleOptions): Program {
  const file = String(opts?.file ?? '<input>');
  let unit: AsmUnit | null = null;
  try {
    return internalAsSourceError(file, () => {
      unit = assembleUnitLines(lines, opts);
      return linkUnits([unit], { name: opts?.file, maxErrors: opts?.maxErrors });
    });
  } finally {
    // The evaluations of linking count too (assembleUnitLines filled the rest).
    if (opts?.work !== undefined && unit !== null) opts.work.evalSteps = (unit as AsmUnit).evaluation.steps;
  }
}

/** Runs f; an exception that is not a SourceError (a bug) becomes one, so that callers (the
 * CLI, the fuzz tests) always get file:line:col. */
function internalAsSourceError<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SourceError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new SourceError({ file, line: 1, col: 1 }, 'input the assembler could not handle', 'valid assembler input', `internal assembler error: ${why}`);
  }
}

/** One translation unit to assemble: its text and name (and its own options, if any). */
export interface UnitSource {
  source: string;
  file: string;
}

/**
 * Assembles every unit and links them into one program. The errors of every unit are
 * reported together (then those of linking: undefined and duplicate symbols); `opts` apply
 * to every unit (defines, include paths, readFile), `name` names the program.
 */
export function assembleUnits(inputs: readonly UnitSource[], opts: Omit<AssembleOptions, 'file'> & LinkOptions = {}): Program {
  if (!Array.isArray(inputs)) throw new SourceError({ file: '<input>', line: 1, col: 1 }, 'no list of units', 'an array of { source, file }');
  const errors = new ErrorList(opts.maxErrors);
  const units: AsmUnit[] = [];
  for (const input of inputs) {
    errors.guard(() => {
      units.push(assembleUnit(input.source, { ...opts, file: input.file }));
    });
  }
  errors.throwIfAny();
  if (units.length === 0) throw new SourceError({ file: opts.name ?? '<input>', line: 1, col: 1 }, 'no input', 'at least one unit');
  return internalAsSourceError(units[0].file, () => linkUnits(units, { name: opts.name ?? inputs[0]?.file, nullGuard: opts.nullGuard, maxErrors: opts.maxErrors }));
}
