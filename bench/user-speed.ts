// The figures of bench:engine that say what a user feels (issue 13, item 4), beside the long
// loops: campaign speed (trials/s and emulated instructions/s of every built-in QEMU program on
// every target, one thread, as a campaign runs them), time to first hang of every cell the
// catalog expects to hang (median over 10 campaign seeds, `hangar campaign --stop-on-first` as a
// user starts it), and the CLI's start-up (`hangar --help`).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadWorkload, newMachine, PROGRAMS, runTrial, TARGETS, trialSeed } from '../index.ts';

export interface UserFigure {
  what: string;
  opsPerSec: number;
  /** Emulated instructions per second (null where it means nothing: wall-clock rows). */
  instrPerSec: number | null;
  [extra: string]: unknown;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Trials/s and instructions/s of each program × target: trials 0, 1, ... of campaign seed 1, inline, for about `seconds` each. */
export function campaignSpeed(seconds: number): UserFigure[] {
  const out: UserFigure[] = [];
  for (const p of PROGRAMS) {
    for (const t of TARGETS) {
      const w = loadWorkload(p.name, { target: t.name });
      const m = newMachine(w.program, w.paramsFor);
      for (let i = 0; i < 3; i++) runTrial(m, trialSeed(1, i), w.paramsFor); // warm-up
      let trials = 0, steps = 0;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      let ms = 0;
      do {
        steps += runTrial(m, trialSeed(1, trials), w.paramsFor).steps;
        trials++;
        ms = performance.now() - t0;
      } while (ms < seconds * 1000);
      const cpu = process.cpuUsage(c0);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      // Also per CPU second of this process: steadier than wall time on a shared host.
      out.push({ what: `campaign speed, ${p.name} on ${t.name} (one thread, inline)`, opsPerSec: (trials * 1000) / ms, instrPerSec: (steps * 1000) / ms, instrPerOp: steps / trials, trials, trialsPerCpuSec: (trials * 1000) / cpuMs });
    }
  }
  return out;
}

/** The CLI to measure: this repository's bin/hangar.mjs, built from the sources first when the repository has a build step. */
function cli(repo: string): string {
  const build = join(repo, 'bin/build.mjs');
  if (existsSync(build)) execFileSync(process.execPath, [build], { cwd: repo, stdio: 'ignore' });
  return join(repo, 'bin/hangar.mjs');
}

/** Time to first hang per cell expected to hang: `hangar campaign P --target T --seed s --stop-on-first` for s = 1..seeds; the campaign's own firstHangMs (from the cell's start) and the process's wall time. */
export function timeToFirstHang(repo: string, seeds: number): UserFigure[] {
  const bin = cli(repo);
  const out: UserFigure[] = [];
  for (const p of PROGRAMS) {
    for (const t of TARGETS) {
      if (p.expected[t.name] !== 'hang') continue;
      const ms: number[] = [], wall: number[] = [], trials: number[] = [];
      for (let s = 1; s <= seeds; s++) {
        const t0 = performance.now();
        const r = spawnSync(process.execPath, [bin, 'campaign', p.name, '--target', t.name, '--seed', String(s), '--trials', '10000', '--stop-on-first', '--json'], { cwd: repo, encoding: 'utf8' });
        wall.push(performance.now() - t0);
        const summary = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; cells?: Array<{ firstHangMs: number | null; firstHangTrial: number | null }> }).find((x) => x.type === 'summary');
        const cell = summary?.cells?.[0];
        if (!cell || cell.firstHangMs === null || cell.firstHangTrial === null) throw new Error(`no hang for ${p.name} on ${t.name}, seed ${s}: ${r.stderr}`);
        ms.push(cell.firstHangMs);
        trials.push(cell.firstHangTrial + 1);
      }
      const med = median(ms);
      out.push({
        what: `time to first hang, ${p.name} on ${t.name} (median of ${seeds} seeds, hangar campaign --stop-on-first)`,
        opsPerSec: 1000 / Math.max(med, 0.5), instrPerSec: null,
        medianMs: med, maxMs: Math.max(...ms), medianTrials: median(trials), medianProcessMs: Math.round(median(wall)), ms,
      });
    }
  }
  return out;
}

/** Wall time of `hangar --help` (median of `runs` processes), beside `node -e 0`. */
export function startUp(repo: string, runs: number): UserFigure[] {
  const bin = cli(repo);
  const time = (args: string[]): number => {
    const xs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      spawnSync(process.execPath, args, { cwd: repo, stdio: 'ignore' });
      xs.push(performance.now() - t0);
    }
    return median(xs);
  };
  const help = time([bin, '--help']);
  const bare = time(['-e', '0']);
  return [
    { what: `start-up, hangar --help (median of ${runs} processes)`, opsPerSec: 1000 / help, instrPerSec: null, medianMs: Math.round(help) },
    { what: `start-up, node -e 0 (median of ${runs} processes)`, opsPerSec: 1000 / bare, instrPerSec: null, medianMs: Math.round(bare) },
  ];
}
