// Layout benchmark (`npm run bench:layout [-- --quick]`):
//   1. a long-running 2-core program (loads, stores, LSE RMWs in a loop) on the same seeds in
//      the inline layout and the threads layout with 1 and 2 workers: trials/s and emulated
//      instructions/s (the traceHashes must agree, or the figures mean nothing);
//   2. litmus trials/s with --jobs 1 (in process) and --jobs 2 (trial pool), steady state and
//      including the pool's start-up; the outputs must agree.
// Configurations alternate round by round and each figure is the median of the rounds, so a
// change in the (shared) machine's load hits every configuration alike. "host cores busy" is
// this process's CPU time (all threads) per wall-clock second: 2 workers can only be faster
// than 1 if it exceeds 1, i.e. if the host gives the process a second core.
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { litmusRunner } from '../campaign/pool/litmus-task.ts';
import { threadsMachine, ThreadsDriver } from '../emu/threads/threads-driver.ts';
import { assemble, Machine, MODELS, programParams, readLitmus, runLitmus, runTrial, trialSeed, type ParamsFor } from '../index.ts';

const root = join(fileURLToPath(import.meta.url), '../..');

/** Two cores hammer two shared words with loads and stores and bump a counter with LDADD. */
const LOOP = `
    .cores 2
    .data
    .align 3
a:  .quad 0
b:  .quad 0
n:  .quad 0
    .text
_start:
    ldr x1, =a
    ldr x2, =b
    ldr x3, =n
    mov x9, #1
outer:
    mov x4, #32
inner:
    ldr x5, [x1]
    add x5, x5, x0
    str x5, [x2]
    ldr x6, [x2]
    str x6, [x1]
    subs x4, x4, #1
    b.ne inner
    ldadd x9, x7, [x3]
    b outer
`;

interface Config {
  name: string;
  workers: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Host CPU time this process used (all its threads), in ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function runSeeds(m: Machine, seeds: number[], pf: ParamsFor): { ms: number; cpu: number; steps: number; hashes: string[] } {
  const t0 = performance.now();
  const c0 = cpuMs();
  let steps = 0;
  const hashes: string[] = [];
  for (const s of seeds) {
    const r = runTrial(m, s, pf);
    steps += r.steps;
    hashes.push(r.traceHash);
  }
  return { ms: performance.now() - t0, cpu: cpuMs() - c0, steps, hashes };
}

async function layoutBench(quick: boolean, out: (s: string) => void): Promise<void> {
  const program = assemble(LOOP, { file: 'bench/layout.ts (loop)' });
  const maxSteps = quick ? 100_000 : 400_000;
  const pf: ParamsFor = (seed, attempt) => programParams(MODELS.armv8, seed, attempt, maxSteps);
  const seeds = Array.from({ length: quick ? 3 : 6 }, (_, i) => trialSeed(1, i));
  const rounds = quick ? 2 : 4;
  const configs: Config[] = [{ name: 'inline', workers: 0 }, { name: 'threads, 1 worker', workers: 1 }, { name: 'threads, 2 workers', workers: 2 }];
  const driver = await ThreadsDriver.start({ workers: 2 });
  try {
    const inline = new Machine(program, pf(0, 0));
    const threaded = await threadsMachine(program, pf(0, 0), driver);
    const times = new Map<string, number[]>();
    const cpu = new Map<string, number[]>();
    let reference: string[] | undefined;
    let steps = 0;
    runSeeds(inline, seeds.slice(0, 1), pf); // warm up the JIT on this thread
    for (let r = 0; r < rounds; r++) {
      for (const c of configs) {
        let m = inline;
        if (c.workers > 0) {
          await driver.attach(threaded, { workers: c.workers });
          m = threaded;
        }
        const res = runSeeds(m, seeds, pf);
        reference ??= res.hashes;
        if (res.hashes.join() !== reference.join()) throw new Error(`${c.name}: traceHashes differ from inline`);
        steps = res.steps;
        times.set(c.name, [...(times.get(c.name) ?? []), res.ms]);
        cpu.set(c.name, [...(cpu.get(c.name) ?? []), res.cpu / res.ms]);
      }
    }
    out(`Long-running program: 2 cores, ${seeds.length} trials of up to ${maxSteps} instructions (programParams), ${steps} instructions per round, median of ${rounds} rounds\n`);
    out('| layout | trials/s | instructions/s | vs inline | host cores busy |\n|---|---|---|---|---|\n');
    const base = median(times.get('inline')!);
    for (const c of configs) {
      const ms = median(times.get(c.name)!);
      out(`| ${c.name} | ${((seeds.length * 1000) / ms).toFixed(2)} | ${((steps * 1000) / ms / 1e6).toFixed(2)} M | ${(base / ms).toFixed(2)}× | ${median(cpu.get(c.name)!).toFixed(2)} |\n`);
    }
  } finally {
    await driver.close();
  }
}

async function jobsBench(quick: boolean, out: (s: string) => void): Promise<void> {
  const names = ['LB', 'MP', 'SB', 'IRIW', 'WRC', '2+2W', 'LB+datas', 'Atom+llsc-incs', 'SB+ldaddal-pos', 'ISA2'];
  const files = names.map((n) => join(root, 'programs/litmus/aarch64', `${n}.litmus`));
  const tests = files.map((f) => ({ f, t: readLitmus(f) }));
  const trials = quick ? 400 : 2000;
  // Round 0 is cold (JIT, and the pool's start-up for --jobs 2); the figures are the median
  // of the warm rounds. --jobs 2 goes through litmusRunner, as `hangar litmus` does.
  const rounds = quick ? 3 : 4;
  const runner = litmusRunner(2, files);
  try {
    const one: number[] = [];
    const two: number[] = [];
    const cpuOne: number[] = [];
    const cpuTwo: number[] = [];
    for (let r = 0; r < rounds; r++) {
      let s = performance.now();
      let c = cpuMs();
      const a = tests.map(({ t }) => JSON.stringify(runLitmus(t, { trials, seed: 7 + r })));
      one.push(performance.now() - s);
      cpuOne.push((cpuMs() - c) / one[r]);
      s = performance.now();
      c = cpuMs();
      const b: string[] = [];
      for (const { f, t } of tests) b.push(JSON.stringify(await runner.run(t, f, { trials, seed: 7 + r })));
      two.push(performance.now() - s);
      cpuTwo.push((cpuMs() - c) / two[r]);
      if (a.join() !== b.join()) throw new Error('--jobs 2 output differs from --jobs 1');
    }
    const n = tests.length * trials;
    const m1 = median(one.slice(1));
    const m2 = median(two.slice(1));
    out(`\nLitmus: ${tests.length} tests × ${trials} trials = ${n} trials per round; median of ${rounds - 1} warm rounds, and the cold first round\n`);
    out('| jobs | trials/s | vs --jobs 1 | host cores busy |\n|---|---|---|---|\n');
    out(`| 1 (in process) | ${Math.round((n * 1000) / m1)} | 1.00× | ${median(cpuOne.slice(1)).toFixed(2)} |\n`);
    out(`| 2 (trial pool) | ${Math.round((n * 1000) / m2)} | ${(m1 / m2).toFixed(2)}× | ${median(cpuTwo.slice(1)).toFixed(2)} |\n`);
    out(`| 1, cold first round | ${Math.round((n * 1000) / one[0])} | | |\n`);
    out(`| 2, cold first round (pool start-up included) | ${Math.round((n * 1000) / two[0])} | ${(one[0] / two[0]).toFixed(2)}× | |\n`);
  } finally {
    await runner.close();
  }
}

function machineLine(): string {
  let cpu = 'unknown CPU';
  try {
    const l = execFileSync('lscpu', { encoding: 'utf8' }).split('\n').find((x) => x.startsWith('Model name'));
    if (l) cpu = l.split(':')[1].trim();
  } catch {
    /* lscpu missing: keep 'unknown CPU' */
  }
  return `${cpu}, ${availableParallelism()} host cores, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`;
}

export async function main(argv: string[]): Promise<number> {
  const quick = argv.includes('--quick');
  const out = (s: string): void => void process.stdout.write(s);
  out(`Machine: ${machineLine()}\n\n`);
  await layoutBench(quick, out);
  await jobsBench(quick, out);
  out(`\nLoad average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  return 0;
}
