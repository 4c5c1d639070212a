// comlink over node:worker_threads (the control plane of emu/threads): the ESM build, typed.
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { expose, wrap, type Remote } from 'comlink/dist/esm/comlink.mjs';
import type { MessagePort, Worker } from 'node:worker_threads';

export type { Remote };

/** The remote side of `port` (a Worker or MessagePort whose other end called serve). */
export function connect<T>(port: MessagePort | Worker): Remote<T> {
  return wrap<T>(nodeEndpoint(port as never));
}

/** Answers comlink calls arriving on `port` with the methods of `api`. */
export function serve(api: object, port: MessagePort): void {
  expose(api, nodeEndpoint(port as never));
}
