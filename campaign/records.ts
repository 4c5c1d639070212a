// The campaign record format (JSON lines, format 2): what `campaign --out` writes and `merge`
// reads. Every record names its campaign, so that records cannot be counted into the wrong one:
//
//   {"type":"start","format":2,"campaign":"c…","seed":S,"trials":T,"maxSteps":M,"defines":{…},
//    "shard":{"index":k,"count":N}|null,"stopOnFirst":b,"cells":[{"program","target"},…]}
//   {"type":"hang"|"error"|"budget","campaign":"c…","campaignSeed":S,"shard":…,"program","target",
//    "trial":i,"seed":trialSeed(S,i),"verdict","traceHash","steps","epochs","error"?,"replay"}
//   {"type":"summary","format":2,"campaign":"c…","seed":S,"trials":T,"maxSteps":M,"defines":{…},
//    "shard":…,"complete":b,"stopped":null|"SIGINT"|"SIGTERM"|"SIGHUP"|"time limit"|"write error",
//    "cells":[CellSummary,…]}
//
// The campaign id is a hash of what decides the result of trial i of a cell: the seed, the
// trial count, the step budget and the assembler symbols. The shards of one campaign share it;
// a record's identity is (campaign, program, target, trial), and the same identity always has
// the same content (determinism), so a duplicate is dropped and a differing one is a conflict.
import { createHash } from 'node:crypto';

export const RECORD_FORMAT = 2;

export interface Cell {
  program: string;
  target: string;
}

export interface Shard {
  index: number;
  count: number;
}

/** What decides the result of trial i of a cell. */
export interface CampaignIdentity {
  seed: number;
  trials: number;
  maxSteps: number;
  defines: Record<string, number>;
}

/** The campaign id: 'c' and 16 hex digits of a SHA-256 over the identity. */
export function campaignId(c: CampaignIdentity): string {
  const defines = Object.keys(c.defines).sort().map((k) => [k, c.defines[k]]);
  const canonical = JSON.stringify([RECORD_FORMAT, c.seed, c.trials, c.maxSteps, defines]);
  return 'c' + createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

export interface StartRecord extends CampaignIdentity {
  type: 'start';
  format: typeof RECORD_FORMAT;
  campaign: string;
  shard: Shard | null;
  stopOnFirst: boolean;
  cells: Cell[];
}

export interface HangRecord {
  type: 'hang' | 'error' | 'budget';
  campaign: string;
  campaignSeed: number;
  shard: Shard | null;
  program: string;
  target: string;
  trial: number;
  /** trialSeed(campaignSeed, trial): what replays it. */
  seed: number;
  verdict: string;
  traceHash: string;
  steps: number;
  epochs: number;
  error?: string;
  replay: string;
}

export interface CellSummary {
  program: string;
  target: string;
  trials: number;
  hangs: number;
  errors: number;
  budget: number;
  /** The hang with the smallest trial index. */
  firstHangTrial: number | null;
  firstHangSeed: number | null;
  /** Wall time from the cell's start to its first hang (this run only; not merged). */
  firstHangMs: number | null;
  expected?: 'hang' | 'none';
}

/** Why a campaign stopped before running all its trials. */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'time limit' | 'write error';

export interface CampaignSummary extends CampaignIdentity {
  type: 'summary';
  format: typeof RECORD_FORMAT;
  campaign: string;
  shard: Shard | null;
  complete: boolean;
  stopped: StopReason | null;
  cells: CellSummary[];
}

export type CampaignRecord = StartRecord | HangRecord | CampaignSummary;

/** The identity of a trial record within all campaigns. */
export function recordKey(r: HangRecord): string {
  return JSON.stringify([r.campaign, r.program, r.target, r.trial]);
}

// ---------------------------------------------------------------- reading records back

/** A line of a JSONL file read back: a record of this format, an older one, or not a record. */
export type Classified =
  | { kind: 'record'; record: CampaignRecord }
  | { kind: 'legacy'; record: Record<string, unknown> }
  | { kind: 'other'; why: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isStr = (v: unknown): v is string => typeof v === 'string';

function isShard(v: unknown): v is Shard | null {
  return v === null || (isObj(v) && isInt(v.index) && isInt(v.count) && v.count >= 1 && v.index < v.count);
}

function isDefines(v: unknown): v is Record<string, number> {
  return isObj(v) && Object.values(v).every((x) => typeof x === 'number' && Number.isSafeInteger(x));
}

function isIdentity(o: Record<string, unknown>): boolean {
  return isInt(o.seed) && isInt(o.trials) && isInt(o.maxSteps) && isDefines(o.defines);
}

function isCellSummary(v: unknown): v is CellSummary {
  if (!isObj(v)) return false;
  const nullableInt = (x: unknown): boolean => x === null || isInt(x);
  return isStr(v.program) && isStr(v.target) && isInt(v.trials) && isInt(v.hangs) && isInt(v.errors) && isInt(v.budget)
    && nullableInt(v.firstHangTrial) && nullableInt(v.firstHangSeed) && nullableInt(v.firstHangMs);
}

const VERDICT_TYPES = new Set(['hang', 'error', 'budget']);
const STOP_REASONS = new Set(['SIGINT', 'SIGTERM', 'SIGHUP', 'time limit', 'write error']);

/** What a parsed JSON line is; checks every field merge relies on (never throws). */
export function classify(v: unknown): Classified {
  if (!isObj(v)) return { kind: 'other', why: 'not a JSON object' };
  const type = v.type;
  if (!isStr(type) || !(type === 'start' || type === 'summary' || VERDICT_TYPES.has(type))) return { kind: 'other', why: 'not a campaign record (no known "type")' };
  if (!('campaign' in v)) {
    // Written before records named their campaign (format 1).
    return type === 'start' ? { kind: 'other', why: 'a start record without a campaign id' } : { kind: 'legacy', record: v };
  }
  if (!isStr(v.campaign) || !/^c[0-9a-f]{16}$/.test(v.campaign)) return { kind: 'other', why: 'a record whose campaign id is malformed' };
  const bad = (what: string): Classified => ({ kind: 'other', why: `a ${type} record with a missing or malformed ${what}` });
  if (!isShard(v.shard)) return bad('shard');
  if (type === 'start') {
    if (v.format !== RECORD_FORMAT) return bad('format');
    if (!isIdentity(v)) return bad('seed, trials, maxSteps or defines');
    if (!Array.isArray(v.cells) || !v.cells.every((c) => isObj(c) && isStr(c.program) && isStr(c.target))) return bad('cells');
    return { kind: 'record', record: v as unknown as StartRecord };
  }
  if (type === 'summary') {
    if (v.format !== RECORD_FORMAT) return bad('format');
    if (!isIdentity(v)) return bad('seed, trials, maxSteps or defines');
    if (typeof v.complete !== 'boolean') return bad('complete flag');
    if (v.stopped !== null && !(isStr(v.stopped) && STOP_REASONS.has(v.stopped))) return bad('stop reason');
    if (!Array.isArray(v.cells) || !v.cells.every(isCellSummary)) return bad('cells');
    return { kind: 'record', record: v as unknown as CampaignSummary };
  }
  if (!isInt(v.campaignSeed) || !isStr(v.program) || !isStr(v.target) || !isInt(v.trial) || !isInt(v.seed)) return bad('campaign seed, program, target, trial or seed');
  if (!isStr(v.verdict) || !isStr(v.traceHash) || !isInt(v.steps) || !isInt(v.epochs) || !isStr(v.replay)) return bad('verdict, traceHash, steps, epochs or replay');
  if (v.error !== undefined && !isStr(v.error)) return bad('error');
  const shard = v.shard as Shard | null;
  if (shard !== null && (v.trial as number) % shard.count !== shard.index) return { kind: 'other', why: `a record of trial ${v.trial}, which shard ${shard.index}/${shard.count} does not run` };
  return { kind: 'record', record: v as unknown as HangRecord };
}
