// Explaining a trial in the program's own terms: for each core's last read of each location
// that missed another core's store, which instruction read what, the value it missed and the
// store (core, instruction) that wrote it; whether the read was stale when it happened (a
// newer value was already visible: the load was satisfied early, e.g. before the core's own
// earlier store became visible) or was overwritten right after it (the other core's store
// landed later in memory order); and, for each core, where it ended and what it waits on.
import type { Program } from '../../isa/program.ts';
import { DATA_BASE } from '../../isa/program.ts';
import { S, Status } from '../core/core-state.ts';
import type { Machine } from '../machine/machine.ts';
import type { ReadEvent, TraceEvent } from './tracer.ts';

export class Symbolizer {
  private readonly data: Array<[number, string]>;
  private readonly code: Array<[number, string]>;
  constructor(private readonly p: Program) {
    this.data = Object.entries(p.symbols).map(([n, a]) => [a, n] as [number, string]).sort((a, b) => a[0] - b[0]);
    this.code = Object.entries(p.labels)
      .filter(([n]) => !/^\d|^\.L|__/.test(n))
      .map(([n, a]) => [a, n] as [number, string])
      .sort((a, b) => a[0] - b[0]);
  }

  /** `file:line 'text'` of an instruction. */
  insn(pc: number): string {
    const s = this.p.src;
    if (pc < 0 || pc >= s.text.length) return `pc ${pc}`;
    const via = s.via?.[pc] ? ` (${s.via[pc].replace(/:\d+$/, '')})` : '';
    return `${s.files[s.file[pc]]}:${s.line[pc]} '${s.text[pc]}'${via}`;
  }

  /** The nearest code label at or before pc (usually the function). */
  func(pc: number): string {
    let best = '';
    for (const [a, n] of this.code) if (a <= pc) best = n;
    return best ? ` in ${best}` : '';
  }

  where(pc: number): string {
    return `${this.insn(pc)}${this.func(pc)}`;
  }

  /** Name of the memory at byte `off` of granule loc: its data symbol (+ offset), or its address. */
  addr(loc: number, off: number): string {
    const a = DATA_BASE + loc * 8 + off;
    let best: [number, string] | undefined;
    for (const d of this.data) if (d[0] <= a) best = d;
    if (!best) return `0x${a.toString(16)}`;
    return best[0] === a ? best[1] : `${best[1]}+${a - best[0]}`;
  }
}

/** A value read by an access of `size` bytes, with its signed reading when the top bit is set
 * (a 32-bit or smaller variable is often a signed C int). */
function signedText(v: bigint, size: number): string {
  const bits = BigInt(8 * size);
  if (size < 8 && v >= 1n << (bits - 1n)) return `${v} (${v - (1n << bits)})`;
  return String(v);
}

/** The footprint value `value` (bytes off..off+size-1 of granule loc) with the bytes message w
 * covers replaced by w's. */
function overlay(m: Machine, w: number, off: number, size: number, value: bigint): bigint {
  const log = m.log;
  let v = 0n;
  for (let k = off + size - 1; k >= off; k--) {
    const mine = Number((value >> BigInt(8 * (k - off))) & 0xffn);
    const word = k < 4 ? log.lo[w] : log.hi[w];
    const b = ((log.mask[w] >> k) & 1) !== 0 ? (word >>> (8 * (k & 3))) & 0xff : mine;
    v = (v << 8n) | BigInt(b);
  }
  return v;
}

/** `bytes 0-1 from core 1 (P1)'s file:line 'strh ...', bytes 2-3 from the initial value`:
 * where each byte of a read came from, when it is not one message. */
function byteSources(m: Machine, sym: Symbolizer, names: string[], r: ReadEvent): string | null {
  if (r.lanes.every((t) => t === r.lanes[0])) return null;
  const log = m.log;
  const parts: string[] = [];
  for (let i = 0; i < r.lanes.length; ) {
    let j = i;
    while (j + 1 < r.lanes.length && r.lanes[j + 1] === r.lanes[i]) j++;
    const t = r.lanes[i];
    const bytes = i === j ? `byte ${i}` : `bytes ${i}-${j}`;
    const from = t === 0 ? 'the initial value' : t > log.length ? 'its own store' : log.tid[t] === r.core ? `its own ${sym.insn(log.pc[t])}` : `core ${log.tid[t]} (${names[log.tid[t]]})'s ${sym.insn(log.pc[t])}`;
    parts.push(`${bytes} from ${from}`);
    i = j + 1;
  }
  return parts.join(', ');
}

export interface Explanation {
  lines: string[];
  /** Stale and overwritten reads found (for tests). */
  missed: Array<{ core: number; pc: number; kind: 'stale' | 'overwritten'; loc: number; storeCore: number; storePc: number; beforeOwnStorePc?: number }>;
}

export function explain(m: Machine, events: TraceEvent[], verdict: string): Explanation {
  const sym = new Symbolizer(m.program);
  const log = m.log;
  const lines: string[] = [];
  const missed: Explanation['missed'] = [];
  const names = m.program.threads.map((t, i) => t.name || `core${i}`);

  lines.push(`Verdict ${verdict} after ${m.steps} instructions in ${m.epoch} epochs.`);
  lines.push('Where each core ended:');
  for (const c of m.cores) {
    const st = c.s[S.STATUS];
    const pc = c.s[S.PC] - (st === Status.BLOCKED ? 1 : 0);
    const what =
      st === Status.BLOCKED ? `blocked: ${m.kernel.describeWait(c).replace(/0x[0-9a-f]+/, (h) => `${h} (${sym.addr((parseInt(h, 16) - DATA_BASE) >> 3, (parseInt(h, 16) - DATA_BASE) & 7)})`)}`
        : st === Status.EXITED ? `exited with status ${c.s[S.EXIT_CODE]}`
        : st === Status.HALTED ? 'halted'
        : m.hang.isSpinning(c.id) ? 'spinning: its state repeats and no value it reads can change any more' : 'running';
    lines.push(`  core ${c.id} (${names[c.id]}) at ${sym.where(pc)}: ${what}`);
  }

  // The last read of each (core, location), in trial order.
  const last = new Map<string, ReadEvent>();
  for (const e of events) if (e.kind === 'read') last.set(`${e.core}:${e.loc}:${e.off}:${e.size}`, e);
  const reads = [...last.values()].sort((a, b) => events.indexOf(a) - events.indexOf(b));
  const story: string[] = [];
  for (const r of reads) {
    // The first store by another core, after the message a byte was read from, that changes
    // the value the access would read.
    let w = Math.min(...r.lanes);
    w = w === 0 ? log.first[r.loc] : log.next[w];
    const newer = (t: number): boolean => {
      for (let k = 0; k < r.size; k++) if (((log.mask[t] >> (r.off + k)) & 1) !== 0 && t > r.lanes[k]) return true;
      return false;
    };
    while (w !== 0 && (log.tid[w] === r.core || !newer(w) || overlay(m, w, r.off, r.size, r.value) === r.value)) w = log.next[w];
    const sources = byteSources(m, sym, names, r);
    const loc = sym.addr(r.loc, r.off);
    const head = `core ${r.core} (${names[r.core]}) read ${loc} = ${signedText(r.value, r.size)} at ${sym.where(r.pc)} [epoch ${r.epoch}]`;
    if (w === 0) continue;
    const wv = overlay(m, w, r.off, r.size, r.value);
    const stale = w <= r.newestTs;
    const by = `core ${log.tid[w]} (${names[log.tid[w]]})'s ${sym.where(log.pc[w])}, which wrote ${loc} = ${signedText(wv, r.size)}`;
    const entry: Explanation['missed'][number] = { core: r.core, pc: r.pc, kind: stale ? 'stale' : 'overwritten', loc: r.loc, storeCore: log.tid[w], storePc: log.pc[w] };
    story.push(`  ${head}`);
    if (sources !== null) story.push(`    its bytes: ${sources}.`);
    if (stale) {
      story.push(`    stale: it missed ${by}, already visible when the load was satisfied.`);
      if (r.ownWriteTs > w && r.ownWriteTs <= log.length) {
        entry.beforeOwnStorePc = log.pc[r.ownWriteTs];
        story.push(`    The load was satisfied before the core's own earlier store ${sym.where(log.pc[r.ownWriteTs])} (${sym.addr(log.loc[r.ownWriteTs], firstLane(log.mask[r.ownWriteTs]))}) became visible: that store comes after the missed one in memory order, yet the load still returned the older value. A full barrier (DMB ISH, i.e. smp_mb__after_rmw) between them forbids this.`);
      }
    } else {
      story.push(`    overwritten: ${by}, landed after this read in memory order (the read came first: a from-read edge).`);
    }
    missed.push(entry);
  }
  if (story.length) {
    lines.push('Reads that missed another core\'s store (each core\'s last read of each location):');
    lines.push(...story);
  } else {
    lines.push('No core\'s last read of a location missed another core\'s store.');
  }
  return { lines, missed };
}

function firstLane(mask: number): number {
  let k = 0;
  while (k < 7 && ((mask >> k) & 1) === 0) k++;
  return k;
}

function laneRange(mask: number): string {
  const lo = firstLane(mask);
  let hi = lo;
  while (hi < 7 && ((mask >> (hi + 1)) & 1) !== 0) hi++;
  return lo === hi ? `${lo}` : `${lo}-${hi}`;
}

/** A compact listing of the last events of a trace, for `hangar replay`. */
export function traceLines(m: Machine, events: TraceEvent[], lastN: number): string[] {
  const sym = new Symbolizer(m.program);
  const log = m.log;
  // Interleave reads/syscalls (in execution order) with writes (by epoch of append).
  const out: Array<{ epoch: number; order: number; text: string }> = [];
  events.forEach((e, i) => {
    if (e.kind === 'read') {
      const stale = e.newestTs !== e.ts && e.newestValue !== e.value ? `   (newest was ${e.newestValue})` : '';
      out.push({ epoch: e.epoch, order: i, text: `e${e.epoch} core${e.core} ${sym.insn(e.pc)}  ${sym.addr(e.loc, e.off)} -> ${e.value}${stale}` });
    } else {
      out.push({ epoch: e.epoch, order: i, text: `e${e.epoch} core${e.core} ${sym.insn(e.pc)}  syscall ${e.nr}(${e.args.join(', ')}) = ${e.result}` });
    }
  });
  for (let t = 1; t <= log.length; t++) {
    const mk = log.mask[t];
    const lanes = mk === 0xff || mk === 0x0f || mk === 0xf0 ? '' : ` (bytes ${laneRange(mk)})`;
    out.push({ epoch: log.tick[t], order: 1e12 + t, text: `e${log.tick[t]} core${log.tid[t]} ${sym.insn(log.pc[t])}  ${sym.addr(log.loc[t], 0)} := 0x${(log.hi[t] >>> 0).toString(16)}_${(log.lo[t] >>> 0).toString(16).padStart(8, '0')}${lanes} [ts ${t}]` });
  }
  out.sort((a, b) => a.epoch - b.epoch || a.order - b.order);
  return out.slice(-lastN).map((x) => x.text);
}
