// Cost tables of the timing model (bench/costs/<name>.json): which entries a table must give,
// checking one when it is read, and which table times which target. Every number in a table
// cites its source or states the assumption behind it (README.md, "Barrier cost").
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TargetName } from '../../programs/catalog.ts';

/** Every entry a cost table must give, in cycles unless noted. */
export const COST_KEYS = [
  'issueWidth', // instructions entering the out-of-order window per cycle
  'rob', // reorder-buffer entries (instructions in flight)
  'alu', // latency of an ALU/move/compare instruction
  'mul', // latency of MUL
  'l1Load', // load-to-use latency of a load that hits the L1 (or forwards from the store buffer)
  'storeCommit', // from a store's execution to its visibility, line already held
  'lineTransfer', // fetching a line whose newest version another core wrote
  'ldar', // extra latency of LDAR / LDAXR over a plain load (ordering waits are modelled apart)
  'ldapr', // extra latency of LDAPR over a plain load
  'stlr', // extra cycles before a release store (STLR / STLXR) becomes visible
  'ldxr', // extra latency of a load-exclusive over a plain load
  'stxr', // store-exclusive: cycles until its status register is ready
  'ldadd', // LSE LDADD / x86 LOCK XADD, ADD, SUB, INC, DEC
  'ldclr', // LSE LDCLR / x86 LOCK AND
  'ldeor', // LSE LDEOR / x86 LOCK XOR
  'ldset', // LSE LDSET / x86 LOCK OR
  'swp', // LSE SWP / x86 XCHG with memory
  'cas', // LSE CAS / x86 LOCK CMPXCHG
  'dmbFull', // DMB ISH / MFENCE, once what it waits for is done
  'dmbLoad', // DMB ISHLD, once earlier loads are done
  'dmbStore', // DMB ISHST
  'isb', // ISB (pipeline refill)
] as const;

export type CostKey = (typeof COST_KEYS)[number];
export type Costs = Readonly<Record<CostKey, number>>;

export interface CostEntry {
  value: number;
  /** Where the number comes from, or the assumption behind it. */
  source: string;
}

/** A cost table as stored in bench/costs/<name>.json. */
export interface CostTable {
  name: string;
  /** The core the figures describe. */
  core: string;
  /** The hangar targets it times. */
  targets: TargetName[];
  costs: Record<CostKey, CostEntry>;
  /** Sources cited by several entries, and remarks. */
  notes?: string[];
}

const COSTS_DIR = fileURLToPath(new URL('../costs/', import.meta.url));

/** Which table times which target. */
export const TABLE_FOR_TARGET: Readonly<Record<TargetName, string>> = {
  'armv8-llsc': 'neoverse-n1',
  'armv8-lse': 'neoverse-n1',
  'x86-tso': 'x86-skylake',
};

/** Checks a parsed cost table; throws an Error naming the file and the bad entry. */
export function validateCostTable(t: unknown, file: string): CostTable {
  const bad = (what: string): never => {
    throw new Error(`${file}: ${what}`);
  };
  if (typeof t !== 'object' || t === null) bad('expected a JSON object');
  const o = t as Record<string, unknown>;
  if (typeof o.name !== 'string' || o.name === '') bad('"name" must be a non-empty string');
  if (typeof o.core !== 'string' || o.core === '') bad('"core" must be a non-empty string');
  if (!Array.isArray(o.targets) || o.targets.length === 0) bad('"targets" must list the targets the table times');
  if (typeof o.costs !== 'object' || o.costs === null) bad('"costs" must be an object');
  const costs = o.costs as Record<string, unknown>;
  for (const k of COST_KEYS) {
    const e = costs[k] as Record<string, unknown> | undefined;
    if (e === undefined) bad(`cost "${k}" is missing`);
    const v = e!.value;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad(`cost "${k}": "value" must be a number >= 0`);
    if ((k === 'issueWidth' || k === 'rob') && !((v as number) >= 1)) bad(`cost "${k}" must be at least 1`);
    if (typeof e!.source !== 'string' || (e!.source as string).trim() === '') bad(`cost "${k}": "source" must say where the number comes from`);
  }
  for (const k of Object.keys(costs)) if (!(COST_KEYS as readonly string[]).includes(k)) bad(`unknown cost "${k}" (expected: ${COST_KEYS.join(', ')})`);
  return t as CostTable;
}

export function loadCostTable(file: string): CostTable {
  return validateCostTable(JSON.parse(readFileSync(file, 'utf8')), file);
}

export function costTableForTarget(target: TargetName): CostTable {
  const file = `${COSTS_DIR}${TABLE_FOR_TARGET[target]}.json`;
  const t = loadCostTable(file);
  if (!t.targets.includes(target)) throw new Error(`${file}: does not list target ${target}`);
  return t;
}

export function costValues(t: CostTable): Costs {
  const out = {} as Record<CostKey, number>;
  for (const k of COST_KEYS) out[k] = t.costs[k].value;
  return out;
}
