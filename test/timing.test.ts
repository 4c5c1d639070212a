// The timing model (bench/timing/timer.ts) and the barrier-cost bench (bench/barrier.ts): the model
// only observes (same traceHash with and without it), its figures are deterministic, and the
// barrier relations the bench exists to show hold for the shipped cost tables.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CASES, caseLabel, runBarrierCase, type BarrierRow } from '../bench/barrier.ts';
import { ownLitmusFiles } from './support/own-litmus.ts';
import { COST_KEYS, costTableForTarget, loadCostTable } from '../bench/timing/cost-table.ts';
import { timedParams, Timer } from '../bench/timing/timer.ts';
import { litmusParamsFor, loadWorkload, Machine, newMachine, type ParamsFor, readLitmus, runTrial, type TargetName, trialSeed } from '../index.ts';

const byLabel = new Map(CASES.map((k) => [caseLabel(k), k]));
const memo = new Map<string, BarrierRow>();
function row(label: string, target: TargetName, contended = false): BarrierRow {
  const key = `${label}|${target}|${contended}`;
  let r = memo.get(key);
  if (!r) {
    const k = byLabel.get(label);
    if (!k) throw new Error(`no bench case '${label}'`);
    r = runBarrierCase(k, target, contended);
    memo.set(key, r);
  }
  return r;
}
const cycles = (label: string, target: TargetName, contended = false): number => row(label, target, contended).cyclesPerOp;

/** Runs one trial with and without a timer attached; returns both results and the timer. */
function withAndWithout(program: Parameters<typeof newMachine>[0], paramsFor: ParamsFor, seed: number, target: TargetName) {
  const plain = runTrial(newMachine(program, paramsFor), seed, paramsFor);
  const m = new Machine(program, paramsFor(seed, 0));
  const timer = new Timer(m, costTableForTarget(target)).attach();
  const timed = runTrial(m, seed, timedParams(timer, paramsFor));
  return { plain, timed, timer, m };
}

describe('timing model: an observer only', () => {
  it('leaves every QEMU program trial bit-identical (traceHash, steps, verdict)', () => {
    const specs = ['qemu-event/v7.2', 'aio-wait-kick/pre-2022', 'bh-enqueue/v7.2'];
    for (const spec of specs) {
      for (const target of ['armv8-llsc', 'armv8-lse', 'x86-tso'] as const) {
        const w = loadWorkload(spec, { target });
        for (const seed of [1, 5, 12]) {
          const { plain, timed, timer } = withAndWithout(w.program, w.paramsFor, seed, target);
          expect(timed.traceHash, `${spec} ${target} seed ${seed}`).toBe(plain.traceHash);
          expect(timed.steps).toBe(plain.steps);
          expect(timed.verdict).toBe(plain.verdict);
          // The timer really observed the run: every executed instruction but system calls.
          expect(timer.cycles(0)).toBeGreaterThan(0);
          expect(timer.instructions[0] + timer.instructions[1]).toBeGreaterThan(plain.steps / 2);
        }
      }
    }
  });

  it('leaves litmus trials with promises and restarts bit-identical', () => {
    const files = ownLitmusFiles().filter((f) => /\/(LB|MP|SB|Atom)[^/]*\.litmus$/.test(f));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const t = readLitmus(f);
      const x86 = t.arch === 'X86';
      const pf = litmusParamsFor(x86 ? 'tso' : 'armv8');
      for (let i = 0; i < 25; i++) {
        const seed = trialSeed(17, i);
        const { plain, timed } = withAndWithout(t.program, pf, seed, x86 ? 'x86-tso' : 'armv8-llsc');
        expect(timed.traceHash, `${t.name} seed ${seed}`).toBe(plain.traceHash);
        expect(timed.attempts).toBe(plain.attempts);
      }
    }
  });
});

describe('timing model: deterministic figures', () => {
  it('gives the same cycles per operation on every run (fresh machines)', () => {
    for (const label of ['qatomic_inc; smp_mb; read', 'qemu_event_set + qemu_event_reset [v8.0]']) {
      for (const target of ['armv8-llsc', 'x86-tso'] as const) {
        for (const contended of [false, true]) {
          const k = byLabel.get(label)!;
          const a = runBarrierCase(k, target, contended);
          const b = runBarrierCase(k, target, contended);
          expect(b).toEqual(a);
          expect(a.cyclesPerOp).toBeGreaterThan(0);
        }
      }
    }
  });
});

describe('barrier relations the bench shows', () => {
  it('x86: smp_mb__after_rmw after a LOCKed RMW costs nothing, smp_mb costs an MFENCE', () => {
    const rmw = cycles('qatomic_inc; read', 'x86-tso');
    expect(cycles('qatomic_inc; smp_mb__after_rmw; read', 'x86-tso')).toBe(rmw);
    const mfence = costTableForTarget('x86-tso').costs.dmbFull.value;
    expect(cycles('qatomic_inc; smp_mb; read', 'x86-tso')).toBeGreaterThanOrEqual(rmw + mfence - 1e-6); // figures are rounded to 1e-3
  });

  it('ARM: both smp_mb__after_rmw and smp_mb pay a DMB after the RMW, LL/SC and LSE alike', () => {
    for (const target of ['armv8-llsc', 'armv8-lse'] as const) {
      const rmw = cycles('qatomic_inc; read', target);
      const dmb = costTableForTarget(target).costs.dmbFull.value;
      for (const fence of ['smp_mb__after_rmw', 'smp_mb']) {
        expect(cycles(`qatomic_inc; ${fence}; read`, target), `${target} ${fence}`).toBeGreaterThanOrEqual(rmw + dmb - 1e-6);
      }
    }
  });

  it("the 2023 AIO_WAIT_WHILE fix gives x86 back the 2022 fence's cost; ARM keeps its DMB", () => {
    const v = (ver: string, t: TargetName): number => cycles(`AIO_WAIT_WHILE entry, condition false [${ver}]`, t);
    expect(v('2023', 'x86-tso')).toBe(v('pre-2022', 'x86-tso'));
    expect(v('2022', 'x86-tso')).toBeGreaterThan(v('pre-2022', 'x86-tso'));
    for (const t of ['armv8-llsc', 'armv8-lse'] as const) {
      expect(v('2023', t)).toBe(v('2022', t));
      expect(v('2022', t)).toBeGreaterThan(v('pre-2022', t));
    }
  });

  it('LDAR waits for an earlier STLR to be visible, LDAPR does not', () => {
    for (const t of ['armv8-llsc', 'armv8-lse'] as const) {
      expect(cycles('store_release; load_acquire (STLR; LDAR)', t)).toBeGreaterThan(cycles('STLR; LDAPR', t));
    }
  });

  it('contention makes RMWs move cache lines; a barrier then waits for them', () => {
    for (const t of ['armv8-llsc', 'armv8-lse', 'x86-tso'] as const) {
      expect(row('qatomic_inc; read', t).transfersPerOp).toBe(0);
      const c = row('qatomic_inc; read', t, true);
      expect(c.transfersPerOp).toBeGreaterThan(0.3);
      expect(c.cyclesPerOp).toBeGreaterThan(cycles('qatomic_inc; read', t));
      // Read-only hot paths share the line: contention costs nothing.
      expect(cycles('qemu_event_set, already set [v8.0]', t, true)).toBe(cycles('qemu_event_set, already set [v8.0]', t));
    }
    expect(row('qatomic_set; smp_mb; read', 'armv8-llsc', true).orderWaitPerOp).toBeGreaterThan(row('qatomic_set; smp_mb; read', 'armv8-llsc').orderWaitPerOp);
  });
});

describe('cost tables', () => {
  it('every shipped table gives every cost with a source', () => {
    for (const target of ['armv8-llsc', 'armv8-lse', 'x86-tso'] as const) {
      const t = costTableForTarget(target);
      expect(t.targets).toContain(target);
      for (const k of COST_KEYS) expect(t.costs[k].source.length, `${t.name} ${k}`).toBeGreaterThan(20);
    }
  });

  it('rejects a table with a missing cost, a missing source or an unknown entry, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hangar-costs-'));
    try {
      const good = costTableForTarget('x86-tso');
      const write = (name: string, obj: unknown): string => {
        const f = join(dir, name);
        writeFileSync(f, JSON.stringify(obj));
        return f;
      };
      const missing = structuredClone(good) as { costs: Record<string, unknown> };
      delete missing.costs.dmbFull;
      expect(() => loadCostTable(write('missing.json', missing))).toThrow(/missing\.json: cost "dmbFull" is missing/);
      const unsourced = structuredClone(good);
      unsourced.costs.ldadd.source = ' ';
      expect(() => loadCostTable(write('unsourced.json', unsourced))).toThrow(/cost "ldadd": "source"/);
      const extra = structuredClone(good) as { costs: Record<string, unknown> };
      extra.costs.lfence = { value: 4, source: 'made up for the test' };
      expect(() => loadCostTable(write('extra.json', extra))).toThrow(/unknown cost "lfence"/);
      expect(loadCostTable(write('good.json', good)).name).toBe(good.name);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
