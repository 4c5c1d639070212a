// hangar's public API: what benchmarks, tests and other programs use to drive hangar without
// knowing where each piece lives. The layers below it (README.md, "Layout") may move modules
// around; this file keeps their names.
//
//   const program = assemble(source, { file: 'my.s' });            // or readLitmus('x.litmus').program
//   const paramsFor = programParamsFor('armv8', 1_000_000);         // or litmusParamsFor('armv8')
//   const machine = newMachine(program, paramsFor);                 // or layoutMachine(..., { layout: 'threads' })
//   const r = runTrial(machine, trialSeed(1, 0), paramsFor);        // { verdict, traceHash, steps, ... }
//   const { explanation } = replay(program, paramsFor, r.seed);     // what a hang depended on

// ---- front ends: text to a Program
export { assemble, assembleLines, assembleUnit, assembleUnits, AssemblyErrors, linkUnits, type AsmLine, type AsmUnit, type AssembleOptions, type LinkOptions, type UnitSource } from './asm/assembler.ts';
export { functionAt, objectAt, sourcePositionAt, type DataObject, type FunctionSymbol, type Program, type SourceMap } from './isa/program.ts';
export { SourceError } from './isa/source-error.ts';
export { parseLitmus, readLitmus, type LitmusTest } from './litmus/parser.ts';
export { conditionHolds } from './litmus/condition.ts';
export { stateKey, type FinalState } from './litmus/state.ts';

// ---- the engine: a machine, a trial
export { MODELS, type MemoryModel, type ModelName } from './emu/model/memory-model.ts';
export { litmusParams, litmusParamsFor, programParams, programParamsFor, type ParamsFor, type TrialParams } from './emu/model/params.ts';
export { trialSeed } from './emu/model/prng.ts';
export { Machine, type RunOutcome, type Verdict } from './emu/machine/machine.ts';
export { newMachine, runTrial, type TrialResult } from './emu/machine/trial.ts';
export { layoutMachine, type LaidOutMachine, type Layout } from './emu/threads/layout.ts';

// ---- observing: replay and explanation
export { explain, traceLines, type Explanation } from './emu/observe/explain.ts';
export { replay, type Replay } from './emu/observe/replay.ts';
export { Tracer, type TraceEvent } from './emu/observe/tracer.ts';

// ---- programs, workloads, campaigns
export { findProgram, findTarget, PROGRAMS, TARGETS, type ProgramEntry, type Target, type TargetName } from './programs/catalog.ts';
export { loadWorkload, WorkloadError, type Workload } from './campaign/workload.ts';
export { defaultModel, finalState, locationNames, runLitmus, type LitmusOutcome } from './campaign/litmus-run.ts';
export { allCells, runCampaign, type CampaignOptions, type CampaignSummary, type CellSummary, type HangRecord } from './campaign/campaign.ts';
export { mergeCampaigns, type MergedCampaign, type MergeResult } from './campaign/merge.ts';
export { readJsonl } from './campaign/jsonl.ts';
export { campaignId, classify } from './campaign/records.ts';

// ---- the command line
export { main } from './cli/main.ts';
