// `npm run bench [-- --quick] [-- --json]`: the barrier-cost table (emulated cycles,
// deterministic), the host calibration (when a C compiler is present) and the emulator's host
// throughput per program and layout (benchmark.js). See README.md, "Barrier cost".
import { cpus, platform, release } from 'node:os';
import { Command, CommanderError } from 'commander';
import { ALL_TARGETS, CASES, ITERS, SEED, caseLabel, runBarrierTable, type BarrierRow } from './barrier.ts';
import { runCalibration, type CalibrationRow } from './calibrate.ts';
import { runHostTable, type HostRow } from './host.ts';
import { PROGRAMS, type TargetName } from '../index.ts';

export interface MachineInfo {
  kind: 'machine';
  cpu: string;
  hostCores: number;
  node: string;
  os: string;
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  return { kind: 'machine', cpu: c[0]?.model.trim() ?? 'unknown', hostCores: c.length, node: process.version, os: `${platform()} ${release()}` };
}

export interface FenceRow {
  kind: 'fence';
  /** What follows `qatomic_inc` before the read. */
  fence: 'smp_mb__after_rmw' | 'smp_mb';
  target: TargetName;
  contended: boolean;
  /** Cycles per operation added to `qatomic_inc; read`. */
  extraCyclesPerOp: number;
}

export interface FixRow {
  kind: 'fix';
  primitive: string;
  from: string;
  to: string;
  target: TargetName;
  contended: boolean;
  /** Cycles per operation the newer version adds (negative: saves). */
  extraCyclesPerOp: number;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

function find(rows: BarrierRow[], label: string, target: TargetName, contended: boolean): BarrierRow | undefined {
  return rows.find((r) => r.case === label && r.target === target && r.contended === contended);
}

/** What smp_mb__after_rmw and smp_mb add after an RMW, per target. */
export function fenceRows(rows: BarrierRow[]): FenceRow[] {
  const out: FenceRow[] = [];
  for (const target of ALL_TARGETS) {
    for (const contended of [false, true]) {
      const base = find(rows, 'qatomic_inc; read', target, contended);
      if (!base) continue;
      for (const fence of ['smp_mb__after_rmw', 'smp_mb'] as const) {
        const r = find(rows, `qatomic_inc; ${fence}; read`, target, contended);
        if (r) out.push({ kind: 'fence', fence, target, contended, extraCyclesPerOp: r3(r.cyclesPerOp - base.cyclesPerOp) });
      }
    }
  }
  return out;
}

/** What each QEMU fix costs: every version of a primitive against the one before it. */
export function fixRows(rows: BarrierRow[]): FixRow[] {
  const out: FixRow[] = [];
  const versions = new Map<string, string[]>();
  for (const k of CASES) {
    if (k.version === '-') continue;
    const v = versions.get(k.primitive) ?? [];
    v.push(k.version);
    versions.set(k.primitive, v);
  }
  for (const [primitive, vs] of versions) {
    for (let i = 1; i < vs.length; i++) {
      for (const target of ALL_TARGETS) {
        for (const contended of [false, true]) {
          const a = find(rows, `${primitive} [${vs[i - 1]}]`, target, contended);
          const b = find(rows, `${primitive} [${vs[i]}]`, target, contended);
          if (a && b) out.push({ kind: 'fix', primitive, from: vs[i - 1], to: vs[i], target, contended, extraCyclesPerOp: r3(b.cyclesPerOp - a.cyclesPerOp) });
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- terminal output

const fmt = (x: number | undefined, signed = false): string => (x === undefined ? '-' : (signed && x >= 0 ? '+' : '') + x.toFixed(1));

export function barrierTable(rows: BarrierRow[]): string {
  const w = Math.max(...CASES.map((k) => caseLabel(k).length)) + 2;
  const col = 10;
  let s = `Barrier cost: emulated cycles per operation on core 0 (${ITERS} iterations, seed ${SEED}; tables bench/costs/*.json)\n`;
  s += ''.padEnd(w) + ALL_TARGETS.map((t) => t.padStart(col * 2)).join('') + '\n';
  s += ''.padEnd(w) + ALL_TARGETS.map(() => 'alone'.padStart(col) + 'contended'.padStart(col)).join('') + '\n';
  for (const k of CASES) {
    const label = caseLabel(k);
    s += label.padEnd(w);
    for (const t of ALL_TARGETS) for (const c of [false, true]) s += fmt(find(rows, label, t, c)?.cyclesPerOp).padStart(col);
    s += '\n';
  }
  return s;
}

export function fenceTable(rows: FenceRow[]): string {
  let s = "Fences after an RMW: cycles per operation added to 'qatomic_inc; read' (alone / contended)\n";
  s += ''.padEnd(20) + ALL_TARGETS.map((t) => t.padStart(18)).join('') + '\n';
  for (const fence of ['smp_mb__after_rmw', 'smp_mb'] as const) {
    s += fence.padEnd(20);
    for (const t of ALL_TARGETS) {
      const a = rows.find((r) => r.fence === fence && r.target === t && !r.contended)?.extraCyclesPerOp;
      const b = rows.find((r) => r.fence === fence && r.target === t && r.contended)?.extraCyclesPerOp;
      s += `${fmt(a, true)} / ${fmt(b, true)}`.padStart(18);
    }
    s += '\n';
  }
  return s;
}

export function fixTable(rows: FixRow[]): string {
  let s = 'Price of each fix: cycles per operation the newer version adds (alone / contended)\n';
  const keys = [...new Set(rows.map((r) => `${r.primitive}\u0000${r.from}\u0000${r.to}`))];
  const w = Math.max(...keys.map((k) => k.replace(/\u0000/g, '   ').length)) + 2;
  s += ''.padEnd(w) + ALL_TARGETS.map((t) => t.padStart(18)).join('') + '\n';
  for (const key of keys) {
    const [primitive, from, to] = key.split('\u0000');
    s += `${primitive}  ${from} -> ${to}`.padEnd(w);
    for (const t of ALL_TARGETS) {
      const a = rows.find((r) => r.primitive === primitive && r.from === from && r.to === to && r.target === t && !r.contended)?.extraCyclesPerOp;
      const b = rows.find((r) => r.primitive === primitive && r.from === from && r.to === to && r.target === t && r.contended)?.extraCyclesPerOp;
      s += `${fmt(a, true)} / ${fmt(b, true)}`.padStart(18);
    }
    s += '\n';
  }
  return s;
}

export function calibrationTable(rows: CalibrationRow[], compiler: string): string {
  if (rows.length === 0) return '';
  let s = `Host calibration (${rows[0].arch}, ${compiler}): measured on this machine, uncontended, beside the model's ${rows[0].table} table\n`;
  s += 'operation'.padEnd(24) + 'host ns/op'.padStart(12) + 'host cycles'.padStart(13) + 'model cycles'.padStart(14) + '  (table entries)\n';
  for (const r of rows) {
    s += r.op.padEnd(24) + (r.nsPerOp === null ? 'n/a' : r.nsPerOp.toFixed(2)).padStart(12) + (r.cyclesPerOp === null ? 'n/a' : r.cyclesPerOp.toFixed(1)).padStart(13);
    s += String(r.modelCycles).padStart(14) + `  (${r.modelFrom})\n`;
  }
  return s;
}

export function hostTable(rows: HostRow[]): string {
  if (rows.length === 0) return '';
  let s = 'Host throughput of the emulator (benchmark.js; one op = one trial; varies with the machine and its load)\n';
  s += 'program'.padEnd(30) + 'target'.padEnd(12) + 'layout'.padEnd(10) + 'trials/s'.padStart(12) + '  ±%'.padEnd(9) + 'instr/trial'.padStart(12) + 'emulated instr/s'.padStart(18) + '\n';
  for (const r of rows) {
    s += r.program.padEnd(30) + r.target.padEnd(12) + (r.layout === 'threads' ? `threads×${r.workers}` : 'inline').padEnd(10);
    s += r.trialsPerSec.toFixed(1).padStart(12) + `  ±${r.rmePercent.toFixed(1)}%`.padEnd(9) + String(r.stepsPerTrial).padStart(12) + r.instructionsPerSec.toLocaleString('en-US').padStart(18) + '\n';
  }
  return s;
}

// ---------------------------------------------------------------- main

export async function main(argv: string[]): Promise<number> {
  const program = new Command('bench')
    .description('barrier-cost table (emulated cycles), host calibration, emulator throughput')
    .option('--json', 'one JSON object per line')
    .option('--quick', 'short host measurements (the emulated cycle figures are the same)')
    .option('--no-host', 'skip the host throughput benchmarks')
    .option('--no-calibrate', 'skip the native calibration')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
  const o = program.opts<{ json?: boolean; quick?: boolean; host: boolean; calibrate: boolean }>();
  const json = o.json === true;
  const out = (s: string): void => void process.stdout.write(s);
  const emit = (obj: object): void => out(JSON.stringify(obj) + '\n');
  const note = (s: string): void => (json ? emit({ kind: 'note', text: s }) : out(`(${s})\n`));

  const info = machineInfo();
  if (json) emit(info);
  else out(`Machine: ${info.cpu}, ${info.hostCores} host cores, Node ${info.node}, ${info.os}\n\n`);

  const rows = runBarrierTable(json ? (r) => emit(r) : undefined);
  const fences = fenceRows(rows);
  const fixes = fixRows(rows);
  if (json) {
    for (const r of fences) emit(r);
    for (const r of fixes) emit(r);
  } else {
    out(barrierTable(rows) + '\n' + fenceTable(fences) + '\n' + fixTable(fixes) + '\n');
  }

  if (o.calibrate) {
    const cal = runCalibration();
    if ('skipped' in cal) note(`calibration skipped: ${cal.skipped}`);
    else if (json) for (const r of cal.rows) emit(r);
    else out(calibrationTable(cal.rows, cal.compiler) + '\n');
  }

  if (o.host) {
    const quick = o.quick === true;
    if (!json) out(`Measuring host throughput (${quick ? 'quick' : 'full'})...\n`);
    const hostRows = await runHostTable({
      quick,
      targets: quick ? ['armv8-llsc'] : [...ALL_TARGETS],
      programs: quick ? undefined : PROGRAMS.map((p) => p.name),
      threadsPrograms: quick ? ['qemu-event/v7.2', 'aio-wait-kick/2023'] : undefined,
      onRow: json ? (r) => emit(r) : undefined,
      onNote: note,
    });
    if (!json) out(hostTable(hostRows));
  }
  return 0;
}
