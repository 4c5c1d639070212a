// Long runs and many cores (issue: hang hunting, deliverable 8). Not a test: prints figures.
//   1. one long trial of qemu-event/v8.0 at growing ROUNDS: speed (ns per emulated
//      instruction) must stay flat and memory bounded (log length, capacity, RSS), thanks to
//      pruning of unreadable messages (emu/machine/pruning.ts);
//   2. programs/stress/qemu-event-waiters.s at 2..16 cores: cost per instruction vs cores.
// Usage: npm run bench:long [-- --quick]
import { loadWorkload, newMachine, runTrial } from '../index.ts';

const quick = process.argv.includes('--quick');

function one(spec: string, defines: Record<string, number>, target = 'armv8-llsc'): void {
  const w = loadWorkload(spec, { target, maxSteps: 2e9, defines });
  const m = newMachine(w.program, w.paramsFor);
  const t0 = performance.now();
  const r = runTrial(m, 7, w.paramsFor);
  const ms = performance.now() - t0;
  const rss = process.memoryUsage().rss / 2 ** 20;
  console.log(
    `${spec} ${Object.entries(defines).map(([k, v]) => `${k}=${v}`).join(' ')} ${target}: ${r.verdict}, ` +
      `${r.steps.toExponential(2)} instructions, ${((ms * 1e6) / r.steps).toFixed(0)} ns/instr, ` +
      `log ${m.log.length} messages (capacity ${m.log.capacity}, ${m.log.appended} appended, ${m.pruner.dropped} pruned), RSS ${rss.toFixed(0)} MiB`,
  );
}

console.log(`node ${process.version}`);
const rounds = quick ? [1_000, 10_000] : [10_000, 100_000, 1_000_000, 2_000_000];
for (const r of rounds) one('qemu-event/v8.0', { ROUNDS: r });
const cores = quick ? [2, 4, 8] : [2, 4, 8, 16];
for (const n of cores) one('programs/stress/qemu-event-waiters.s', { NCORES: n, ROUNDS: quick ? 20 : Math.round(3200 / n) });
