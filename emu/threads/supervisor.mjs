// The parent of the core workers. The coordinator blocks in Atomics.wait during a run (Machine.run
// is synchronous), so it cannot receive a worker's 'error' or 'exit' event; this thread can. When
// a core worker dies (throws outside the run phase, exits, runs out of memory) it records the
// death in the control array, posts the cause on the fail port and wakes the coordinator, which
// then ends the run with an `error` verdict instead of waiting forever.
// Plain JavaScript: it needs no TypeScript loader and starts in a few milliseconds; its
// workers start through worker-entry.mjs (the sources through tsx, the build directly).
import { Worker, workerData, parentPort } from 'node:worker_threads';

const { ctl, slots, workers, failPort, resourceLimits, entry } = workerData;

function describe(err) {
  if (err && err.code === 'ERR_WORKER_OUT_OF_MEMORY') return `ran out of memory (${err.message})`;
  if (err instanceof Error) return `threw ${err.name}: ${err.message}`;
  return `threw ${String(err)}`;
}

workers.forEach(({ control, sync }, w) => {
  const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
    workerData: { entry, w, ctl, slots, control, sync },
    transferList: [control, sync],
    resourceLimits,
  });
  let dead = false;
  const died = (cause) => {
    if (dead) return;
    dead = true;
    failPort.postMessage({ worker: w, cause });
    Atomics.store(ctl, slots.DEAD_BASE + w, 1);
    Atomics.add(ctl, slots.DEAD_COUNT, 1);
    Atomics.notify(ctl, slots.PENDING);
    parentPort.postMessage({ kind: 'died', worker: w, cause });
  };
  worker.on('error', (err) => died(describe(err)));
  worker.on('exit', (code) => died(`exited with code ${code}`));
});
