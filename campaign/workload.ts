// What a command runs: a catalogued QEMU program for a target, an assembly file, or a litmus
// test, with the memory model and trial parameters that go with it.
import { relative, resolve } from 'node:path';
import { assemble } from '../asm/assembler.ts';
import { readLitmus, type LitmusTest } from '../litmus/parser.ts';
import type { Program } from '../isa/program.ts';
import { SourceError } from '../isa/source-error.ts';
import { FileReadError, readTextFile } from '../isa/source-file.ts';
import { findProgram, findTarget, PROGRAMS, TARGETS, type ProgramEntry, type Target, type TargetName } from '../programs/catalog.ts';
import type { ModelName } from '../emu/model/memory-model.ts';
import { litmusParamsFor, programParamsFor, type ParamsFor } from '../emu/model/params.ts';
import { defaultModel } from './litmus-run.ts';

export class WorkloadError extends Error {}

export interface Workload {
  /** How commands name it: a catalog name, a file path. */
  name: string;
  kind: 'program' | 'litmus';
  program: Program;
  model: ModelName;
  target?: Target;
  entry?: ProgramEntry;
  litmus?: LitmusTest;
  paramsFor: ParamsFor;
  /** The assembler symbols it was built with (--define), for replay command lines. */
  defines: Record<string, number>;
  /** Whether `model` was asked for (--model) rather than the target's or the test's own. */
  modelGiven: boolean;
}

/** What a workload is built with; an option that does not apply to the workload is refused. */
export interface WorkloadOptions {
  /** Programs and assembly files (default armv8-llsc). */
  target?: string;
  model?: ModelName;
  /** Programs and assembly files (litmus trials have their own budget). */
  maxSteps?: number;
  /** Programs and assembly files. */
  defines?: Record<string, number>;
}

/** Default step budget of one program trial (the harnesses run a few thousand instructions). */
export const DEFAULT_MAX_STEPS = 2_000_000;

/** The engine model a target runs under (a compile-time check that the catalog names real models). */
function modelOf(t: Target): ModelName {
  return t.model;
}

export function targetNamed(name: string): Target {
  const t = findTarget(name);
  if (!t) throw new WorkloadError(`unknown target '${name}' (expected one of: ${TARGETS.map((x) => x.name).join(', ')})`);
  return t;
}

export function loadWorkload(spec: string, opts: WorkloadOptions = {}): Workload {
  const maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
  const defines = opts.defines ?? {};
  if (spec.endsWith('.litmus')) {
    const notForLitmus = [opts.target !== undefined && '--target', opts.maxSteps !== undefined && '--max-steps', Object.keys(defines).length > 0 && '--define'].filter((x) => x !== false);
    if (notForLitmus.length > 0) {
      throw new WorkloadError(`${notForLitmus.join(', ')}: for programs and assembly files only; a litmus test names its architecture and runs under --model`);
    }
    const litmus = readLitmus(spec);
    const model = opts.model ?? defaultModel(litmus);
    return { name: spec, kind: 'litmus', program: litmus.program, model, litmus, paramsFor: litmusParamsFor(model), defines, modelGiven: opts.model !== undefined };
  }
  const target = targetNamed(opts.target ?? 'armv8-llsc');
  const model = opts.model ?? modelOf(target);
  const entry = findProgram(spec);
  let program: Program;
  let name = spec;
  if (entry) {
    program = assemble(readTextFile(entry.file), { file: relative(process.cwd(), entry.file) || entry.file, defines: { ...defines, ...target.defines } });
  } else if (spec.endsWith('.s') || spec.endsWith('.S')) {
    let text: string;
    try {
      text = readTextFile(resolve(spec));
    } catch (e) {
      if (!(e instanceof FileReadError)) throw e;
      throw new SourceError({ file: spec, line: 1, col: 1 }, 'an unreadable file', 'a readable assembly file', e.message);
    }
    program = assemble(text, { file: spec, defines: { ...defines, ...target.defines } });
    name = spec;
  } else {
    throw new WorkloadError(`unknown program '${spec}': expected one of ${PROGRAMS.map((p) => p.name).join(', ')}, an assembly file (.s) or a litmus test (.litmus)`);
  }
  return { name, kind: 'program', program, model, target, entry, paramsFor: programParamsFor(model, maxSteps), defines, modelGiven: opts.model !== undefined };
}
