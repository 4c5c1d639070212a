// What a command runs: a catalogued QEMU program for a target, an assembly file, or a litmus
// test, with the memory model and trial parameters that go with it.
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { assemble } from '../asm/assembler.ts';
import { readLitmus, type LitmusTest } from '../litmus/parser.ts';
import type { Program } from '../isa/program.ts';
import { SourceError } from '../isa/source-error.ts';
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

export function loadWorkload(spec: string, opts: { target?: string; model?: ModelName; maxSteps?: number; defines?: Record<string, number> } = {}): Workload {
  const maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
  if (spec.endsWith('.litmus')) {
    const litmus = readLitmus(spec);
    const model = opts.model ?? defaultModel(litmus);
    return { name: spec, kind: 'litmus', program: litmus.program, model, litmus, paramsFor: litmusParamsFor(model) };
  }
  const target = targetNamed(opts.target ?? 'armv8-llsc');
  const model = opts.model ?? modelOf(target);
  const entry = findProgram(spec);
  let program: Program;
  let name = spec;
  if (entry) {
    program = assemble(readFileSync(entry.file, 'utf8'), { file: relative(process.cwd(), entry.file) || entry.file, defines: { ...opts.defines, ...target.defines } });
  } else if (spec.endsWith('.s') || spec.endsWith('.S')) {
    let text: string;
    try {
      text = readFileSync(resolve(spec), 'utf8');
    } catch (e) {
      throw new SourceError({ file: spec, line: 1, col: 1 }, 'an unreadable file', 'a readable assembly file', `cannot read ${spec}: ${(e as Error).message}`);
    }
    program = assemble(text, { file: spec, defines: { ...opts.defines, ...target.defines } });
    name = spec;
  } else {
    throw new WorkloadError(`unknown program '${spec}': expected one of ${PROGRAMS.map((p) => p.name).join(', ')}, an assembly file (.s) or a litmus test (.litmus)`);
  }
  return { name, kind: 'program', program, model, target, entry, paramsFor: programParamsFor(model, maxSteps) };
}
