// Starts a worker_thread on the module named in workerData.entry. A `.ts` module (the sources,
// run by tests and in development) needs tsx's loader, registered here because `--import tsx`
// does not work for workers on Node 20 (shared/design/platform-notes.md); a `.js` module (the
// build in dist/, what `bin/hangar.mjs` runs) is imported as it is, with no loader to start.
// The trial pool and the worker supervisor both start their workers through this file.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) (await import('tsx/esm/api')).register();
await import(workerData.entry);
