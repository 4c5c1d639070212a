// A trial's traceHash: a sha256 over everything the trial appended (the log's rolling hash and
// count, so it survives pruning), each core's final registers and state, and the verdict.
// Most trials are never asked for it (a litmus run reads final states, a campaign only the
// hashes of hangs), so the trial keeps a copy of what the hash covers (TraceState: a few
// hundred bytes) and the sha256 is computed when the hash is first read: the same value.
import { createHash } from 'node:crypto';
import { NUM_REGS } from '../../isa/instructions.ts';
import * as cs from '../core/core-state.ts';
import type { CoreState } from '../core/core-state.ts';
import type { MessageLog } from '../memory/message-log.ts';

const { S } = cs; // local aliases: see emu/core/access.ts

const HEAD = 5;
const PER_CORE = 2 * NUM_REGS + 4;

export class TraceState {
  private readonly words: Int32Array;
  private readonly verdict: string;
  private hashed: string | undefined;

  constructor(log: MessageLog, attempt: number, epoch: number, cores: readonly CoreState[], verdict: string) {
    const w = new Int32Array(HEAD + cores.length * PER_CORE);
    w[0] = log.hashA;
    w[1] = log.hashB;
    w[2] = log.appended;
    w[3] = attempt;
    w[4] = epoch;
    let o = HEAD;
    for (const c of cores) {
      w.set(c.regLo.subarray(0, NUM_REGS), o);
      w.set(c.regHi.subarray(0, NUM_REGS), o + NUM_REGS);
      o += 2 * NUM_REGS;
      w[o++] = c.s[S.PC];
      w[o++] = c.s[S.STATUS];
      w[o++] = c.s[S.STEPS];
      w[o++] = c.s[S.NZCV];
    }
    this.words = w;
    this.verdict = verdict;
  }

  /** The hash (16 hex digits), computed on the first call. */
  hash(): string {
    if (this.hashed !== undefined) return this.hashed;
    const w = this.words;
    const h = createHash('sha256');
    const bytes = new Uint8Array(w.buffer);
    h.update(bytes.subarray(0, HEAD * 4));
    for (let o = HEAD; o < w.length; o += PER_CORE) {
      h.update(bytes.subarray(o * 4, (o + 2 * NUM_REGS) * 4)); // regLo then regHi, as two updates did
      const q = o + 2 * NUM_REGS;
      h.update(`${w[q]}:${w[q + 1]}:${w[q + 2]}:${w[q + 3]};`);
    }
    h.update(this.verdict);
    return (this.hashed = h.digest('hex').slice(0, 16));
  }
}
