// Host calibration: builds bench/native/calibrate.c with the system C compiler into a
// temporary directory, runs it, and pairs each measured operation with what the timing
// model's cost table says about it. Skipped (with the reason) when no compiler is present or
// the host is neither x86-64 nor AArch64.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { costTableForTarget, costValues, type CostKey } from './timing/cost-table.ts';

export interface CalibrationRow {
  kind: 'calibration';
  arch: 'x86-64' | 'aarch64';
  op: string;
  /** Host measurement: nanoseconds and core cycles per operation (null: not supported here). */
  nsPerOp: number | null;
  cyclesPerOp: number | null;
  /** The cost table compared against, and its figure for this operation. */
  table: string;
  modelCycles: number;
  /** Which table entries the model figure adds up. */
  modelFrom: string;
}

const SOURCE = fileURLToPath(new URL('./native/calibrate.c', import.meta.url));

/** What the model's table says about each measured operation: a sum of entries. */
const MODEL_OF: Record<string, CostKey[]> = {
  'LOCK XADD': ['ldadd'],
  'XCHG m,r': ['swp'],
  'LOCK CMPXCHG': ['cas'],
  MFENCE: ['dmbFull'],
  'LOCK ADD; MFENCE': ['ldadd', 'dmbFull'],
  'MOV store; MFENCE': ['storeCommit', 'dmbFull'],
  'DMB ISH': ['dmbFull'],
  LDAR: ['l1Load', 'ldar'],
  LDAPR: ['l1Load', 'ldapr'],
  STLR: ['storeCommit', 'stlr'],
  'STLR; LDAR': ['storeCommit', 'stlr', 'l1Load', 'ldar'],
  'LDAXR/STLXR increment': ['l1Load', 'ldar', 'ldxr', 'alu', 'stxr'],
  LDADDAL: ['ldadd'],
  'LDADDAL; DMB ISH': ['ldadd', 'dmbFull'],
};

function findCompiler(): string | null {
  for (const cc of [process.env.CC, 'cc', 'gcc', 'clang']) {
    if (!cc) continue;
    const r = spawnSync(cc, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return cc;
  }
  return null;
}

/** Runs the calibration; returns its rows, or a sentence saying why it was skipped. */
export function runCalibration(): { rows: CalibrationRow[]; compiler: string } | { skipped: string } {
  if (process.arch !== 'x64' && process.arch !== 'arm64') return { skipped: `host architecture ${process.arch} has no calibration (x86-64 and AArch64 only)` };
  const cc = findCompiler();
  if (cc === null) return { skipped: 'no C compiler found (tried $CC, cc, gcc, clang)' };
  const dir = mkdtempSync(join(tmpdir(), 'hangar-calibrate-'));
  try {
    const exe = join(dir, 'calibrate');
    const build = spawnSync(cc, ['-O2', '-o', exe, SOURCE], { encoding: 'utf8' });
    if (build.status !== 0) return { skipped: `${cc} could not build bench/native/calibrate.c: ${(build.stderr || build.stdout).trim().split('\n')[0]}` };
    const run = spawnSync(exe, [], { encoding: 'utf8', timeout: 60_000 });
    if (run.status !== 0) return { skipped: `the calibration program failed: ${run.error?.message ?? run.stderr.trim()}` };
    const lines = run.stdout.trim().split('\n').map((l) => l.split('\t'));
    const archLine = lines.find((l) => l[0] === 'arch');
    const arch = archLine?.[1];
    if (arch !== 'x86-64' && arch !== 'aarch64') return { skipped: `the calibration program does not support this host (${arch ?? 'no output'})` };
    const table = costTableForTarget(arch === 'x86-64' ? 'x86-tso' : 'armv8-lse');
    const costs = costValues(table);
    const version = spawnSync(cc, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
    const rows: CalibrationRow[] = [];
    for (const [op, ns, cyc] of lines) {
      if (op === 'arch' || op === 'cycle') continue;
      const keys = MODEL_OF[op] ?? [];
      rows.push({
        kind: 'calibration', arch, op,
        nsPerOp: ns === 'unsupported' ? null : Number(ns),
        cyclesPerOp: cyc === 'unsupported' ? null : Number(cyc),
        table: table.name,
        modelCycles: keys.reduce((s, k) => s + costs[k], 0),
        modelFrom: keys.join(' + '),
      });
    }
    return { rows, compiler: version };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
