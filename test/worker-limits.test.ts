// Worker threads have memory budgets (issue 14 item 6): a trial-pool worker that runs past its
// heap limit breaks the pool with an error naming it, instead of taking the host's memory.
import { describe, expect, it } from 'vitest';
import { TrialPool } from '../campaign/pool/trial-pool.ts';
import { defaultWorkerHeapMb, workerResourceLimits } from '../emu/threads/limits.ts';

describe('worker memory budgets', () => {
  it('every worker gets a heap limit: a share of half the host memory, 256-4096 MiB', () => {
    for (const n of [1, 2, 64, 10_000]) {
      const mb = defaultWorkerHeapMb(n);
      expect(mb).toBeGreaterThanOrEqual(256);
      expect(mb).toBeLessThanOrEqual(4096);
      expect(workerResourceLimits(n).maxOldGenerationSizeMb).toBe(mb);
    }
    expect(workerResourceLimits(2, 100).maxOldGenerationSizeMb).toBe(100);
  });

  it('a pool worker that allocates past its limit fails its task with an out-of-memory error', async () => {
    const hungry = 'data:text/javascript,' + encodeURIComponent(
      `export const taskHandlers = {
         grow: () => { const keep = []; for (;;) keep.push(new Array(1 << 20).fill(keep.length)); },
       };`,
    );
    const pool = await TrialPool.start({ jobs: 1, handlers: [hungry], heapMb: 64 });
    try {
      await expect(pool.run({ kind: 'grow', seed: 1, from: 0, count: 1 })).rejects.toThrow(/worker 0 ran out of memory .* while running grow trials 0\.\.0 of seed 1/);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
