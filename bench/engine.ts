// `npm run bench:engine [-- --quick] [-- --json]`: how fast the engine is, in one process:
//   1. emulated instructions per second on a long two-core loop of loads and stores, without
//      and with an LDAXR/STLXR read-modify-write per iteration (run inline, programParams, a
//      large step budget), and on a split-word loop (two cores on disjoint byte and halfword
//      fields of one word, reading it whole: the mixed-size path);
//   2. litmus trials per second over hangar's corpus (programs/litmus) and, when present, the
//      reference corpus ../shared/litmus (HANGAR_SHARED_LITMUS overrides the path);
//   3. the ceiling: a bare dispatch loop (a switch over the same Int32Array of encoded
//      instructions, no memory model, no scheduler) over the same instruction count.
// Figures depend on the machine and its load; README.md "Engine speed" records one run.
import Benchmark from 'benchmark';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import * as isa from '../isa/instructions.ts';
import { DATA_BASE } from '../isa/program.ts';
import { assemble, defaultModel, litmusParamsFor, Machine, MODELS, programParams, readLitmus, runTrial, trialSeed, type ParamsFor, type Program } from '../index.ts';
import { machineInfo } from './main.ts';

const { F, INSN_WORDS, Op, REG_ZR, FLAG_IMM2, FLAG_SF } = isa; // local aliases (see emu/core/access.ts)

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

interface Figure {
  what: string;
  opsPerSec: number;
  rmePercent: number;
  samples: number;
  /** Emulated (or dispatched) instructions per op, and per second. */
  instrPerOp: number;
  instrPerSec: number;
}

function bench(name: string, fn: () => void, quick: boolean): { hz: number; rme: number; samples: number } {
  fn(); // warm-up
  const b = new Benchmark(name, fn, quick ? { maxTime: 1, minSamples: 5 } : { maxTime: 4, minSamples: 10 });
  b.run();
  if (b.error) throw b.error as Error;
  return { hz: b.hz, rme: b.stats.rme, samples: b.stats.sample.length };
}

/** Emulated instructions per second on the long loop (or the split-word loop). */
function loopFigure(iters: number, rmw: boolean, quick: boolean, split = false): Figure & { attempts: number; verdict: string } {
  const program = assemble(split ? splitWordSource(iters) : loopSource(iters, rmw), { file: `engine-loop${rmw ? '-rmw' : ''}${split ? '-split' : ''}.s` });
  // Promises off: in a long loop whose stores depend on a shared value, a promise attempt
  // sooner or later becomes unfulfillable and restarts the trial (the RMW loop of 2000
  // iterations aborts after 16 attempts for most seeds), and the restarts' instructions are
  // not counted. Everything else is programParams as campaigns use it.
  const paramsFor: ParamsFor = (s, a) => ({ ...programParams(MODELS.armv8, s, a, 4 * iters * 12 + 10_000), pPromise: 0 });
  const m = new Machine(program, paramsFor(0, 0));
  let steps = 0, trials = 0, attempts = 0, verdict = 'ok';
  let seed = 0;
  const s = bench(`loop${rmw ? '+rmw' : ''}`, () => {
    const r = runTrial(m, trialSeed(3, seed++ & 3), paramsFor);
    steps += r.steps;
    attempts += r.attempts;
    trials++;
    if (r.verdict !== 'ok') verdict = r.verdict;
  }, quick);
  const per = steps / trials;
  const what = split ? 'split-word loop: byte and halfword fields of one word (mixed sizes)' : `long loop, loads/stores${rmw ? ' + LDAXR/STLXR RMW' : ''} (2 cores, armv8, no promises)`;
  return { what, opsPerSec: s.hz, rmePercent: s.rme, samples: s.samples, instrPerOp: per, instrPerSec: s.hz * per, attempts, verdict };
}

/**
 * The ceiling: a switch over the program's Int32Array, registers in typed arrays, memory a
 * plain array of words, no views, no log, no scheduler. It runs core 0's code for `count`
 * instructions (restarting at the entry when the code exits), with a minimal effect for each
 * op the loop uses (32-bit arithmetic, word loads and stores, the loop's branches).
 */
export function bareDispatch(p: Program, count: number): number {
  const code = p.code;
  const regLo = new Int32Array(isa.NUM_REGS);
  const regHi = new Int32Array(isa.NUM_REGS);
  const mem = new Int32Array(p.initLo.length * 2);
  const entry = p.threads[0].entry;
  let pc = entry, nzcv = 0, n = 0;
  while (n < count) {
    const b = pc * INSN_WORDS;
    const rt = code[b + F.RT], rn = code[b + F.RN], flags = code[b + F.FLAGS];
    n++;
    switch (code[b]) {
      case Op.MOVI: if (rt !== REG_ZR) { regLo[rt] = code[b + F.IMM_LO]; regHi[rt] = (flags & FLAG_SF) !== 0 ? code[b + F.IMM_HI] : 0; } pc++; break;
      case Op.MOVK: {
        const sh = code[b + F.EXTRA], imm = code[b + F.IMM_LO] & 0xffff;
        if (sh < 32) regLo[rt] = (regLo[rt] & ~(0xffff << sh)) | (imm << sh);
        else regHi[rt] = (regHi[rt] & ~(0xffff << (sh - 32))) | (imm << (sh - 32));
        pc++;
        break;
      }
      case Op.ADD: case Op.SUB: case Op.SUBS: {
        const v = (flags & FLAG_IMM2) !== 0 ? code[b + F.IMM_LO] : regLo[code[b + F.RM]];
        const r = code[b] === Op.ADD ? (regLo[rn] + v) | 0 : (regLo[rn] - v) | 0;
        if (code[b] === Op.SUBS) nzcv = r === 0 ? 4 : 0;
        if (rt !== REG_ZR) regLo[rt] = r;
        pc++;
        break;
      }
      case Op.LDR: regLo[rt] = mem[((regLo[rn] - DATA_BASE) >>> 2) + 0]; pc++; break;
      case Op.STR: mem[(regLo[rn] - DATA_BASE) >>> 2] = regLo[rt]; pc++; break;
      case Op.STXR: mem[(regLo[rn] - DATA_BASE) >>> 2] = regLo[rt]; regLo[code[b + F.RM]] = 0; pc++; break;
      case Op.CBZ: pc = regLo[rt] === 0 ? code[b + F.IMM_LO] : pc + 1; break;
      case Op.CBNZ: pc = regLo[rt] !== 0 ? code[b + F.IMM_LO] : pc + 1; break;
      case Op.BCOND: pc = (code[b + F.EXTRA] === isa.Cond.NE) === ((nzcv & 4) === 0) ? code[b + F.IMM_LO] : pc + 1; break;
      case Op.B: pc = code[b + F.IMM_LO]; break;
      case Op.SVC: case Op.HALT: pc = entry; regLo.fill(0); break;
      default: pc++;
    }
  }
  return regLo[5] ^ regLo[6] ^ mem[0]; // keep the work observable
}

function dispatchFigure(iters: number, rmw: boolean, instrPerOp: number, quick: boolean): Figure {
  const program = assemble(loopSource(iters, rmw), { file: 'engine-loop.s' });
  const count = Math.round(instrPerOp);
  let sink = 0;
  const s = bench('dispatch', () => { sink ^= bareDispatch(program, count); }, quick);
  void sink;
  return { what: `bare dispatch loop, same code${rmw ? ' (RMW as plain load/store)' : ''}, same instruction count`, opsPerSec: s.hz, rmePercent: s.rme, samples: s.samples, instrPerOp: count, instrPerSec: s.hz * count };
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

/** Trials per second over a litmus corpus: one op = one trial of every test. */
function litmusFigure(label: string, dir: string, quick: boolean): Figure & { tests: number; skipped: number } {
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
  let seed = 0, steps = 0, passes = 0;
  const s = bench(label, () => {
    const sd = trialSeed(5, seed++);
    for (const r of runs) steps += runTrial(r.m, sd, r.paramsFor).steps;
    passes++;
  }, quick);
  const perPass = steps / passes;
  return { what: `litmus trials, ${label} (${runs.length} tests)`, opsPerSec: s.hz * runs.length, rmePercent: s.rme, samples: s.samples, instrPerOp: perPass / runs.length, instrPerSec: s.hz * perPass, tests: runs.length, skipped };
}

export async function main(argv: string[]): Promise<number> {
  const cmd = new Command('bench:engine')
    .description('engine speed: emulated instructions/s, litmus trials/s, and a bare dispatch loop as the ceiling')
    .option('--json', 'one JSON object per line')
    .option('--quick', 'shorter measurements')
    .exitOverride();
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
  const o = cmd.opts<{ json?: boolean; quick?: boolean }>();
  const quick = o.quick === true;
  const json = o.json === true;
  const info = machineInfo();
  const figures: Figure[] = [];
  const notes: string[] = [];
  const iters = quick ? 5_000 : 20_000;

  for (const rmw of [false, true]) {
    const f = loopFigure(iters, rmw, quick);
    if (f.verdict !== 'ok') notes.push(`the ${rmw ? 'RMW ' : ''}loop ended with verdict ${f.verdict}`);
    figures.push(f, dispatchFigure(iters, rmw, f.instrPerOp, quick));
  }
  const split = loopFigure(iters, false, quick, true);
  if (split.verdict !== 'ok') notes.push(`the split-word loop ended with verdict ${split.verdict}`);
  figures.push(split);
  figures.push(litmusFigure('programs/litmus', join(REPO, 'programs/litmus'), quick));
  const shared = process.env.HANGAR_SHARED_LITMUS ?? resolve(REPO, '../shared/litmus');
  if (existsSync(shared)) figures.push(litmusFigure('../shared/litmus', shared, quick));
  else notes.push(`reference corpus not found at ${shared}: skipped`);

  if (json) {
    process.stdout.write(JSON.stringify(info) + '\n');
    for (const f of figures) process.stdout.write(JSON.stringify({ kind: 'engine', ...f }) + '\n');
    for (const n of notes) process.stdout.write(JSON.stringify({ kind: 'note', text: n }) + '\n');
    return 0;
  }
  const out = (s: string): void => void process.stdout.write(s);
  out(`Machine: ${info.cpu}, ${info.hostCores} host cores, Node ${info.node}, ${info.os}\n`);
  out('what'.padEnd(72) + 'ops/s'.padStart(12) + '  ±%'.padEnd(9) + 'instr/op'.padStart(10) + 'instr/s'.padStart(16) + '\n');
  for (const f of figures) {
    out(f.what.padEnd(72) + f.opsPerSec.toFixed(1).padStart(12) + `  ±${f.rmePercent.toFixed(1)}%`.padEnd(9) + f.instrPerOp.toFixed(0).padStart(10) + Math.round(f.instrPerSec).toLocaleString('en-US').padStart(16) + '\n');
  }
  for (const n of notes) out(`(${n})\n`);
  return 0;
}
