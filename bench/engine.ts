// `npm run bench:engine [-- --quick] [-- --json]`: how fast the engine is, in one process:
//   1. emulated instructions per second on a long two-core loop of loads and stores, without
//      and with an LDAXR/STLXR read-modify-write per iteration, and on a register-only loop
//      (run inline, programParams, a large step budget), each beside the ceiling: a bare
//      dispatch loop (bare-dispatch.ts) over the same code and instruction count; and a
//      split-word loop (two cores on disjoint byte and halfword fields of one word, reading it
//      whole: the mixed-size path), without a ceiling;
//   2. litmus trials per second over hangar's corpus (programs/litmus) and, when present, the
//      reference corpus ../shared/litmus (HANGAR_SHARED_LITMUS overrides the path);
//   3. what users feel (user-speed.ts): campaign speed per program and target, time to first
//      hang per cell expected to hang, start-up of the CLI.
// Figures depend on the machine and its load; README.md "Engine speed" records runs.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { assemble, defaultModel, litmusParamsFor, Machine, MODELS, programParams, readLitmus, runTrial, trialSeed, type ParamsFor } from '../index.ts';
import { blocksOf } from '../emu/core/blocks.ts';
import { bareDispatch } from './bare-dispatch.ts';
import { machineInfo } from './main.ts';
import { campaignSpeed, startUp, timeToFirstHang, type UserFigure } from './user-speed.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));

/** The long loop: each core updates its own word and a shared one, optionally plus an RMW. */
export function loopSource(iters: number, rmw: boolean): string {
  return `
    .cores 2
    .stack 0
    .data
    .align 6
shared: .quad 0
    .align 6
own0:   .quad 0
    .align 6
own1:   .quad 0
    .align 6
counter: .quad 0
    .text
_start:
    ldr x1, =own0
    ldr x2, =shared
    ldr x3, =counter
    cbz x0, 1f
    ldr x1, =own1
1:  movz x4, #${iters & 0xffff}
    movk x4, #${(iters >>> 16) & 0xffff}, lsl #16
2:  ldr x5, [x1]
    add x5, x5, #1
    str x5, [x1]
    ldr x6, [x2]
    add x6, x6, x5
    str x6, [x2]
${rmw ? `3:  ldaxr x7, [x3]
    add x7, x7, #1
    stlxr w9, x7, [x3]
    cbnz w9, 3b` : ''}
    subs x4, x4, #1
    b.ne 2b
    mov x0, #0
    mov x8, #93
    svc #0
`;
}

/** The split-word loop: core 0 increments byte 0 of one word, core 1 the halfword at byte 2,
 * and each reads the whole word: the mixed-size path (disjoint fields of one granule, reads
 * overlapping both). */
export function splitWordSource(iters: number): string {
  return `
    .cores 2
    .stack 0
    .data
    .align 6
w:  .quad 0
    .text
_start:
    ldr x1, =w
    movz x4, #${iters & 0xffff}
    movk x4, #${(iters >>> 16) & 0xffff}, lsl #16
    cbz x0, 1f
2:  ldrh w5, [x1, #2]
    add w5, w5, #1
    strh w5, [x1, #2]
    ldr w6, [x1]
    subs x4, x4, #1
    b.ne 2b
    b 3f
1:  ldrb w5, [x1]
    add w5, w5, #1
    strb w5, [x1]
    ldr w6, [x1]
    subs x4, x4, #1
    b.ne 1b
3:  mov x0, #0
    mov x8, #93
    svc #0
`;
}

/** A register-only loop (a xorshift step and a multiply-accumulate per iteration), one store at the end: straight-line ALU code, what block translation is for. */
export function registerLoopSource(iters: number): string {
  return `
    .cores 2
    .stack 0
    .data
    .align 6
out0:   .quad 0
    .align 6
out1:   .quad 0
    .text
_start:
    ldr x1, =out0
    cbz x0, 1f
    ldr x1, =out1
1:  movz x4, #${iters & 0xffff}
    movk x4, #${(iters >>> 16) & 0xffff}, lsl #16
    mov x5, #1
    mov x6, #0
2:  lsl x7, x5, #13
    eor x5, x5, x7
    lsr x7, x5, #7
    eor x5, x5, x7
    lsl x7, x5, #17
    eor x5, x5, x7
    add x6, x6, x5
    mul x8, x6, x5
    orr x6, x6, x8
    subs x4, x4, #1
    b.ne 2b
    str x6, [x1]
    mov x0, #0
    mov x8, #93
    svc #0
`;
}

interface Figure extends UserFigure {
  rmePercent: number;
  samples: number;
  /** Emulated (or dispatched) instructions per op. */
  instrPerOp: number;
  instrPerSec: number;
}

/**
 * Calls `round` once to warm up, then repeatedly for about `seconds` (at least 5 times): the
 * seconds each call took. A round is a fixed piece of work (e.g. one trial of each of four
 * seeds), so every sample measures the same thing.
 */
function sample(round: () => void, seconds: number): number[] {
  round();
  const out: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (out.length < 5 || performance.now() < end) {
    const t0 = performance.now();
    round();
    out.push((performance.now() - t0) / 1000);
  }
  return out;
}

/** ops/s from per-round times: ops per round over the mean round, with the 95% relative margin of error. */
function rate(times: number[], opsPerRound: number): { opsPerSec: number; rmePercent: number } {
  const n = times.length;
  const mean = times.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(times.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
  return { opsPerSec: opsPerRound / mean, rmePercent: (100 * 1.96 * sd) / Math.sqrt(n) / mean };
}

const LOOP_SEEDS = 4;

/** Emulated instructions per second on a loop: one round = one trial of each of LOOP_SEEDS seeds. */
function loopFigure(what: string, source: string, iters: number, seconds: number): Figure & { verdict: string } {
  const program = assemble(source, { file: 'engine-loop.s' });
  // Promises off: in a long loop whose stores depend on a shared value, a promise attempt
  // sooner or later becomes unfulfillable and restarts the trial (the RMW loop of 2000
  // iterations aborts after 16 attempts for most seeds), and the restarts' instructions are
  // not counted. Everything else is programParams as campaigns use it.
  const paramsFor: ParamsFor = (s, a) => ({ ...programParams(MODELS.armv8, s, a, 4 * iters * 24 + 10_000), pPromise: 0 });
  const m = new Machine(program, paramsFor(0, 0));
  let steps = 0, verdict = 'ok';
  const times = sample(() => {
    steps = 0;
    for (let s = 0; s < LOOP_SEEDS; s++) {
      const r = runTrial(m, trialSeed(3, s), paramsFor);
      steps += r.steps;
      if (r.verdict !== 'ok') verdict = r.verdict;
    }
  }, seconds);
  const { opsPerSec, rmePercent } = rate(times, LOOP_SEEDS);
  const per = steps / LOOP_SEEDS;
  return { what, opsPerSec, rmePercent, samples: times.length, instrPerOp: per, instrPerSec: opsPerSec * per, verdict };
}

function dispatchFigure(what: string, source: string, instrPerOp: number, seconds: number): Figure {
  const program = assemble(source, { file: 'engine-loop.s' });
  const count = Math.round(instrPerOp);
  let sink = 0;
  const times = sample(() => void (sink ^= bareDispatch(program, count)), seconds);
  void sink;
  const { opsPerSec, rmePercent } = rate(times, 1);
  return { what, opsPerSec, rmePercent, samples: times.length, instrPerOp: count, instrPerSec: opsPerSec * count };
}

/**
 * Block translation on its own: the register loop's body as one translated block (blocks.ts),
 * called back to back on one core with a large budget, views and all, but no epochs, no
 * scheduler, no hang detector: what the translated code costs per instruction, to hold against
 * the bare dispatch loop over the same code (the row after it).
 */
function blockFigure(seconds: number): Figure[] {
  const program = assemble(registerLoopSource(1 << 30), { file: 'engine-loop.s' });
  const m = new Machine(program, { ...programParams(MODELS.armv8, 1, 0, 1e9), pPromise: 0 });
  const start = program.src.text.findIndex((t) => t.startsWith('lsl'));
  const f = blocksOf(program.code).translateNow(start)!;
  const c = m.cores[0];
  const calls = 20_000;
  let per = 0;
  const times = sample(() => {
    c.s[0] = start;
    let n = 0;
    for (let i = 0; i < calls; i++) n += f(m.exec, c, 1000);
    per = n;
  }, seconds);
  const { opsPerSec, rmePercent } = rate(times, 1);
  const block: Figure = { what: 'register loop body as one translated block, back to back (no epochs)', opsPerSec, rmePercent, samples: times.length, instrPerOp: per, instrPerSec: opsPerSec * per };
  return [block, dispatchFigure('bare dispatch loop, same code, same instruction count (register loop body)', registerLoopSource(1 << 30), per, seconds)];
}

function litmusFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.litmus')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Trials per second over a litmus corpus: one round = one trial of every test. */
function litmusFigure(label: string, dir: string, seconds: number): Figure & { tests: number; skipped: number } {
  const runs: Array<{ m: Machine; paramsFor: ParamsFor }> = [];
  let skipped = 0;
  for (const f of litmusFiles(dir)) {
    try {
      const t = readLitmus(f);
      const paramsFor = litmusParamsFor(defaultModel(t));
      runs.push({ m: new Machine(t.program, paramsFor(0, 0)), paramsFor });
    } catch {
      skipped++; // a test the front end rejects is not a speed question
    }
  }
  let seed = 0, steps = 0, rounds = 0;
  const times = sample(() => {
    const sd = trialSeed(5, seed++);
    for (const r of runs) steps += runTrial(r.m, sd, r.paramsFor).steps;
    rounds++;
  }, seconds);
  const { opsPerSec, rmePercent } = rate(times, runs.length);
  const perRound = steps / rounds;
  return { what: `litmus trials, ${label} (${runs.length} tests)`, opsPerSec, rmePercent, samples: times.length, instrPerOp: perRound / runs.length, instrPerSec: (opsPerSec * perRound) / runs.length, tests: runs.length, skipped };
}

export async function main(argv: string[]): Promise<number> {
  const cmd = new Command('bench:engine')
    .description('engine speed: emulated instructions/s beside a bare dispatch loop, litmus trials/s, campaign speed, time to first hang, start-up')
    .option('--json', 'one JSON object per line')
    .option('--quick', 'shorter measurements')
    .option('--engine-only', 'only the loops and litmus trials (no campaign speed, first hangs or start-up)')
    .exitOverride();
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
  const o = cmd.opts<{ json?: boolean; quick?: boolean; engineOnly?: boolean }>();
  const quick = o.quick === true;
  const json = o.json === true;
  const seconds = quick ? 1 : 4;
  const info = machineInfo();
  const figures: UserFigure[] = [];
  const notes: string[] = [];
  const iters = quick ? 5_000 : 20_000;

  const loops = [
    { what: 'long loop, loads/stores (2 cores, armv8, no promises)', ceiling: 'bare dispatch loop, same code, same instruction count', source: loopSource(iters, false) },
    { what: 'long loop, loads/stores + LDAXR/STLXR RMW (2 cores, armv8, no promises)', ceiling: 'bare dispatch loop, same code (RMW as plain load/store), same instruction count', source: loopSource(iters, true) },
    { what: 'register loop, ALU only (2 cores, armv8)', ceiling: 'bare dispatch loop, same code, same instruction count (register loop)', source: registerLoopSource(iters) },
  ];
  for (const l of loops) {
    const f = loopFigure(l.what, l.source, iters, seconds);
    if (f.verdict !== 'ok') notes.push(`${l.what} ended with verdict ${f.verdict}`);
    const c = dispatchFigure(l.ceiling, l.source, f.instrPerOp, seconds);
    figures.push(f, c, { what: `${l.what}: engine / bare dispatch`, opsPerSec: f.instrPerSec / c.instrPerSec, instrPerSec: null, ratio: f.instrPerSec / c.instrPerSec });
  }
  const split = loopFigure('split-word loop: byte and halfword fields of one word (mixed sizes)', splitWordSource(iters), iters, seconds);
  if (split.verdict !== 'ok') notes.push(`the split-word loop ended with verdict ${split.verdict}`);
  figures.push(split);
  const [block, bare] = blockFigure(seconds);
  figures.push(block, bare, { what: 'translated block / bare dispatch', opsPerSec: block.instrPerSec / bare.instrPerSec, instrPerSec: null, ratio: block.instrPerSec / bare.instrPerSec });
  figures.push(litmusFigure('programs/litmus', join(REPO, 'programs/litmus'), seconds));
  const shared = process.env.HANGAR_SHARED_LITMUS ?? resolve(REPO, '../shared/litmus');
  if (existsSync(shared)) figures.push(litmusFigure('../shared/litmus', shared, seconds));
  else notes.push(`reference corpus not found at ${shared}: skipped`);
  if (o.engineOnly !== true) {
    figures.push(...campaignSpeed(quick ? 0.15 : 0.5));
    figures.push(...timeToFirstHang(REPO, quick ? 3 : 10));
    figures.push(...startUp(REPO, quick ? 5 : 10));
  }

  if (json) {
    process.stdout.write(JSON.stringify(info) + '\n');
    for (const f of figures) process.stdout.write(JSON.stringify({ kind: 'engine', ...f }) + '\n');
    for (const n of notes) process.stdout.write(JSON.stringify({ kind: 'note', text: n }) + '\n');
    return 0;
  }
  const out = (s: string): void => void process.stdout.write(s);
  out(`Machine: ${info.cpu}, ${info.hostCores} host cores, Node ${info.node}, ${info.os}\n`);
  out('what'.padEnd(96) + 'ops/s'.padStart(12) + '  ±%'.padEnd(9) + 'instr/s'.padStart(16) + '\n');
  for (const f of figures) {
    const rme = typeof f.rmePercent === 'number' ? `  ±${f.rmePercent.toFixed(1)}%` : '';
    const extra = typeof f.ratio === 'number' ? `   ratio ${f.ratio.toFixed(3)}` : typeof f.medianMs === 'number' ? `   median ${f.medianMs} ms` : '';
    out(f.what.padEnd(96) + (typeof f.ratio === 'number' ? '' : f.opsPerSec.toFixed(1)).padStart(12) + rme.padEnd(9) + (f.instrPerSec === null ? '' : Math.round(f.instrPerSec).toLocaleString('en-US')).padStart(16) + extra + '\n');
  }
  for (const n of notes) out(`(${n})\n`);
  return 0;
}
