// Starts a worker_thread on a TypeScript module: `--import tsx` does not work for workers on
// Node 20 (shared/design/platform-notes.md), so register tsx's loader here, then import the
// module named in workerData.entry.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
