// The threads layout (emu/threads): each core's run phase in a worker thread over
// SharedArrayBuffers. The trace of a seed must not depend on the layout nor on the number of
// workers; the layout must stay sound; a dying worker must end the run with an `error`
// verdict that names the core, never a hang.
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusOrSkipReason } from './support/corpus.ts';
import { ownLitmusFiles, ownVerdicts } from './support/own-litmus.ts';
import { ThreadsDriver, threadsMachine } from '../emu/threads/threads-driver.ts';
import { assemble, conditionHolds, defaultModel, finalState, litmusParamsFor, type LitmusTest, loadWorkload, locationNames, Machine, MODELS, type ParamsFor, type Program, programParams, readLitmus, runTrial, stateKey, trialSeed } from '../index.ts';
import { exactJson } from '../litmus/state.ts';

const WORKER_COUNTS = [1, 2, 4];

// One driver with 4 workers serves every worker count (attach uses the first k of them).
let driver: ThreadsDriver;
beforeAll(async () => {
  driver = await ThreadsDriver.start({ workers: 4 });
});
afterAll(async () => {
  await driver?.close();
});

/** traceHash of each seed: inline, then threads with each worker count. */
async function hashesByLayout(program: Program, pf: ParamsFor, seeds: number[]): Promise<{ inline: string[]; threads: Record<number, string[]> }> {
  const inlineM = new Machine(program, pf(0, 0));
  const inline = seeds.map((s) => runTrial(inlineM, s, pf).traceHash);
  const threads: Record<number, string[]> = {};
  const m = await threadsMachine(program, pf(0, 0), driver);
  for (const k of WORKER_COUNTS) {
    await driver.attach(m, { workers: k });
    threads[k] = seeds.map((s) => runTrial(m, s, pf).traceHash);
  }
  return { inline, threads };
}

async function expectSameTraces(program: Program, pf: ParamsFor, seeds: number[], what: string): Promise<void> {
  const { inline, threads } = await hashesByLayout(program, pf, seeds);
  for (const k of WORKER_COUNTS) expect(threads[k], `${what}: threads layout with ${k} worker(s)`).toEqual(inline);
}

function litmusPf(t: LitmusTest): ParamsFor {
  return litmusParamsFor(defaultModel(t));
}

const SEEDS = [1, 22, 303, 4444].map((i) => trialSeed(7, i));

describe('threads layout: same traceHash as inline for 1, 2 and 4 workers', () => {
  it("every one of hangar's own litmus tests", async () => {
    const files = ownLitmusFiles();
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) {
      const t = readLitmus(f);
      await expectSameTraces(t.program, litmusPf(t), SEEDS, t.name);
    }
  });

  const { corpus, skipReason, failReason } = corpusOrSkipReason();
  it.skipIf(skipReason !== undefined)(`a sample of the herd corpus (promises, exclusives, LSE atomics)${skipReason ? ` [skipped: ${skipReason}]` : ''}`, async () => {
    if (failReason) throw new Error(failReason);
    const files = Object.entries(corpus!.files).flatMap(([arch, fs]) => fs.map((f) => ({ arch, f })));
    const feature = (want: (e: { family: string; features: string[] }) => boolean) =>
      files.filter(({ arch, f }) => {
        const e = corpus!.expected[arch]?.[basename(f, '.litmus')];
        return e !== undefined && want(e);
      });
    const pick = [
      ...feature((e) => e.family === 'LB').slice(0, 4),
      ...feature((e) => e.features.includes('exclusive')).slice(0, 4),
      ...feature((e) => e.features.includes('amo')).slice(0, 4),
      ...files.filter((_, i) => i % 25 === 0),
    ];
    expect(pick.length).toBeGreaterThan(12);
    for (const { f } of new Set(pick)) {
      const t = readLitmus(f);
      await expectSameTraces(t.program, litmusPf(t), SEEDS.slice(0, 3), t.name);
    }
  });

  it('QEMU programs with system calls (futex, eventfd): every layout runs the same trial', async () => {
    for (const [spec, target] of [['qemu-event/v7.2', 'armv8-llsc'], ['aio-notify/pre-2020', 'armv8-lse'], ['bh-enqueue/v7.2', 'x86-tso']] as const) {
      const w = loadWorkload(spec, { target, maxSteps: 20_000 });
      await expectSameTraces(w.program, w.paramsFor, [trialSeed(3, 0), trialSeed(3, 1)], `${spec} on ${target}`);
    }
  });

  it('a program whose message log grows (the workers follow the reallocated columns)', async () => {
    // Two cores store and load in a loop: thousands of messages, well past the log's first
    // capacity (1024), so MessageLog.grow reallocates its shared columns mid-trial.
    const program = assemble(
      `
      .cores 2
      .data
      .align 3
    x:  .quad 0
    y:  .quad 0
    n:  .quad 0
      .text
    _start:
      ldr x1, =x
      ldr x2, =y
      ldr x3, =n
      mov x4, #0
    1:  str x4, [x1]
      ldr x5, [x2]
      add x5, x5, x0
      str x5, [x2]
      ldadd x0, x6, [x3]
      add x4, x4, #1
      cmp x4, #1500
      b.lt 1b
    `,
      { file: 'grow.s' },
    );
    const pf: ParamsFor = (seed, attempt) => programParams(MODELS.armv8, seed, attempt, 200_000);
    const m = new Machine(program, pf(0, 0));
    const r = runTrial(m, trialSeed(5, 0), pf);
    expect(r.verdict).toBe('ok');
    expect(m.log.generation, 'the log must have grown for this test to mean something').toBeGreaterThan(0);
    await expectSameTraces(program, pf, [trialSeed(5, 0), trialSeed(5, 1)], 'growing log');
  });
});

describe('threads layout: soundness', () => {
  it("no Forbidden outcome of hangar's own tests is observed in 120 threaded trials each", async () => {
    const verdicts = ownVerdicts();
    const forbidden = ownLitmusFiles().filter((f) => verdicts[basename(f, '.litmus')]?.verdict === 'Forbidden');
    expect(forbidden.length).toBeGreaterThan(10);
    for (const [j, f] of forbidden.entries()) {
      const t = readLitmus(f);
      const pf = litmusParamsFor(verdicts[t.name].model);
      const m = await threadsMachine(t.program, pf(0, 0), driver, { workers: WORKER_COUNTS[j % WORKER_COUNTS.length] });
      const byAddr = locationNames(t);
      let ok = 0;
      for (let i = 0; i < 120; i++) {
        const r = runTrial(m, trialSeed(31, i), pf);
        expect(r.verdict === 'ok' || r.verdict === 'abort', `${t.name} trial ${i}: ${r.verdict} ${r.error ?? ''}`).toBe(true);
        if (r.verdict !== 'ok') continue;
        ok++;
        const s = finalState(t, m, byAddr);
        const holds = conditionHolds({ quantifier: 'exists', prop: t.condition.prop }, [s]).verdict === 'Allowed';
        expect(holds, `${t.name}: forbidden state ${exactJson(s)} reached in the threads layout (seed ${r.seed})`).toBe(false);
      }
      expect(ok).toBeGreaterThan(90);
    }
  });

  const { corpus, skipReason, failReason } = corpusOrSkipReason();
  it.skipIf(skipReason !== undefined)(`herd corpus sample: every state reached in the threads layout is allowed by herd${skipReason ? ` [skipped: ${skipReason}]` : ''}`, async () => {
    if (failReason) throw new Error(failReason);
    const files = corpus!.files.aarch64.filter((_, i) => i % 15 === 0);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const t = readLitmus(f);
      const allowed = new Set(corpus!.expected.aarch64[t.name].states.map(stateKey));
      const pf = litmusPf(t);
      const m = await threadsMachine(t.program, pf(0, 0), driver, { workers: 2 });
      const byAddr = locationNames(t);
      for (let i = 0; i < 60; i++) {
        const r = runTrial(m, trialSeed(32, i), pf);
        if (r.verdict !== 'ok') continue;
        const s = finalState(t, m, byAddr);
        expect(allowed.has(stateKey(s)), `${t.name}: state ${exactJson(s)} is not allowed by herd (seed ${r.seed})`).toBe(true);
      }
    }
  });
});

describe('threads layout: failures end the run with an error verdict', () => {
  const lb = (): LitmusTest => readLitmus(ownLitmusFiles('aarch64').find((f) => basename(f) === 'LB.litmus')!);
  // A program that runs many epochs, so a fault in epoch 3 is reached.
  const looping = (): Program =>
    assemble(
      `
      .cores 2
      .data
      .align 3
    x:  .quad 0
      .text
    _start:
      ldr x1, =x
      mov x4, #0
    1:  str x4, [x1]
      ldr x5, [x1]
      add x4, x4, #1
      cmp x4, #200
      b.lt 1b
    `,
      { file: 'loop.s' },
    );
  const pf: ParamsFor = (seed, attempt) => programParams(MODELS.armv8, seed, attempt, 100_000);

  it('an exception in a worker names the core and the cause; the workers stay usable', async () => {
    const m = await threadsMachine(looping(), pf(0, 0), driver, { workers: 2, fault: { kind: 'throw', core: 1, epoch: 3 } });
    const r = runTrial(m, trialSeed(1, 0), pf);
    expect(r.verdict).toBe('error');
    expect(r.error).toMatch(/core 1\b/);
    expect(r.error).toMatch(/threw .*injected fault in epoch 3/);
    // The same workers run the next machine normally.
    const t = lb();
    await expectSameTraces(t.program, litmusPf(t), SEEDS.slice(0, 1), 'LB after a fault');
  });

  it('a worker that exits mid-run: error verdict naming the core, no hang, and later runs fail fast', async () => {
    const d = await ThreadsDriver.start({ workers: 2 });
    try {
      const m = await threadsMachine(looping(), pf(0, 0), d, { fault: { kind: 'exit', core: 1, epoch: 3 } });
      const r = runTrial(m, trialSeed(1, 0), pf);
      expect(r.verdict).toBe('error');
      expect(r.error).toMatch(/core 1\b/);
      expect(r.error).toMatch(/worker 1, cores 1\) exited with code 3 in epoch 3/);
      const again = runTrial(m, trialSeed(1, 1), pf);
      expect(again.verdict).toBe('error');
      expect(again.error).toMatch(/cannot run: worker 1 exited with code 3/);
      await expect(d.attach(m)).rejects.toThrow(/exited with code 3/);
    } finally {
      await d.close();
    }
  });

  it('a worker stuck in its run phase: error verdict naming the core once the stall limit passes', async () => {
    const d = await ThreadsDriver.start({ workers: 2, stallMs: 2000 });
    try {
      const m = await threadsMachine(looping(), pf(0, 0), d, { fault: { kind: 'stall', core: 0, epoch: 3 } });
      const r = runTrial(m, trialSeed(1, 0), pf);
      expect(r.verdict).toBe('error');
      expect(r.error).toMatch(/core 0\b/);
      expect(r.error).toMatch(/worker 0, cores 0\) did not finish epoch 3 within 2000 ms/);
    } finally {
      await d.close();
    }
  });

  it('a worker that runs out of memory: error verdict naming the core', async () => {
    const d = await ThreadsDriver.start({ workers: 2, resourceLimits: { maxOldGenerationSizeMb: 48 } });
    try {
      const m = await threadsMachine(looping(), pf(0, 0), d, { fault: { kind: 'oom', core: 0, epoch: 2 } });
      const r = runTrial(m, trialSeed(1, 0), pf);
      expect(r.verdict).toBe('error');
      expect(r.error).toMatch(/core 0\b/);
      expect(r.error).toMatch(/ran out of memory/);
    } finally {
      await d.close();
    }
  });
});
