// A trial-pool worker: loads the handler modules it is given, then runs tasks by kind.
import { parentPort, type MessagePort } from 'node:worker_threads';
import { serve } from '../../emu/threads/comlink.ts';
import type { Task, TaskHandler, TrialWorkerApi } from './task.ts';

const handlers = new Map<string, TaskHandler>();

const api: TrialWorkerApi = {
  async load(modules: string[]): Promise<string[]> {
    for (const url of modules) {
      const mod = (await import(url)) as { taskHandlers?: Record<string, TaskHandler> };
      if (!mod.taskHandlers) throw new Error(`${url} exports no taskHandlers`);
      for (const [kind, h] of Object.entries(mod.taskHandlers)) handlers.set(kind, h);
    }
    return [...handlers.keys()];
  },
  async run(task: Task): Promise<unknown> {
    const h = handlers.get(task.kind);
    if (!h) throw new Error(`no handler for tasks of kind '${task.kind}' (have: ${[...handlers.keys()].join(', ')})`);
    return h(task);
  },
};

serve(api, parentPort as MessagePort);
