// The front ends under fuzzing, each as a FuzzTarget: its seed inputs (every program, every
// litmus test, campaign JSONL), how one input is run and judged, and the work it did against
// the bound that work must stay within. A bound is a function of the input's size and of the
// front end's documented limits, so that "bounded time and memory" is checked by counting,
// never by a clock.
//
// Joining later (the compiled-C front end): add a FuzzTarget to `fuzzTargets` with its .c seed
// programs, a `run` that compiles one input and classifies the outcome, and its work counters
// with their bounds.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble, MAX_INSTRUCTIONS, type AssemblyWork } from '../asm/assembler.ts';
import { MAX_EXPANDED_CHARS, MAX_EXPANDED_STATEMENTS, MAX_LINE_CHARS, MAX_SOURCE_CHARS } from '../asm/preprocessor.ts';
import { campaignStart, inlineRunner, runCampaign, type Cell, type HangRecord } from '../campaign/campaign.ts';
import { parseJsonlText } from '../campaign/jsonl.ts';
import { mergeCampaigns } from '../campaign/merge.ts';
import { MAX_CORES } from '../isa/program.ts';
import { SourceError } from '../isa/source-error.ts';
import { MAX_SOURCE_BYTES } from '../isa/source-file.ts';
import { parseLitmus, type LitmusWork } from '../litmus/parser.ts';
import type { Vocabulary } from './mutations.ts';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** A count of work and the most it may be for the input. */
export interface Work {
  what: string;
  count: number;
  bound: number;
}

export interface FuzzOutcome {
  /** accepted: valid input; rejected: a structured error with a position; internal: an error
   * that says it is internal (a bug); crash: anything else thrown (a bug). */
  result: 'accepted' | 'rejected' | 'internal' | 'crash';
  detail?: string;
  work: Work[];
}

export interface FuzzTarget {
  name: string;
  seeds: Array<{ name: string; text: string; file: string }>;
  vocabulary: Vocabulary;
  /** Runs one input given as the text of `file` (a seed's path: includes resolve from it). */
  run(text: string, file: string): FuzzOutcome;
}

function filesUnder(dir: string, ext: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const e of names) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(ext)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function seedsOf(files: string[]): FuzzTarget['seeds'] {
  return files.map((f) => ({ name: relative(repoRoot, f), text: readFileSync(f, 'utf8'), file: f }));
}

/** A thrown value, judged: a SourceError with a sane position is a rejection. */
function judge(e: unknown): Pick<FuzzOutcome, 'result' | 'detail'> {
  if (e instanceof SourceError) {
    if (/internal/i.test(e.message)) return { result: 'internal', detail: e.message };
    if (!(e.line >= 1 && e.col >= 1 && typeof e.file === 'string' && e.file.length > 0)) return { result: 'internal', detail: `bad position: ${e.message}` };
    return { result: 'rejected', detail: e.message };
  }
  return { result: 'crash', detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
}

function newlines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The assembler's work against its limits, for an input of n characters and `lines` lines. */
function assemblyWork(w: AssemblyWork, n: number, lines: number, prefix = ''): Work[] {
  return [
    // The main text is as long as it is; includes add at most MAX_SOURCE_CHARS (the last one
    // may pass it by one file before the check refuses it).
    { what: `${prefix}source characters`, count: w.sourceChars, bound: n + lines + MAX_SOURCE_CHARS + MAX_SOURCE_BYTES },
    { what: `${prefix}statements`, count: w.statements, bound: w.sourceChars + MAX_EXPANDED_STATEMENTS + 1 },
    { what: `${prefix}expanded characters`, count: w.expandedChars, bound: MAX_EXPANDED_CHARS + MAX_LINE_CHARS },
    // Memoised: each expression node once, and there is at most one node per character parsed.
    { what: `${prefix}evaluation steps`, count: w.evalSteps, bound: w.sourceChars + w.expandedChars + 64 },
    { what: `${prefix}instructions`, count: w.instructions, bound: MAX_INSTRUCTIONS },
  ];
}

const zeroWork = (): AssemblyWork => ({ sourceChars: 0, statements: 0, expandedChars: 0, evalSteps: 0, instructions: 0 });

const ASM_VOCABULARY: Vocabulary = {
  fragments: [
    ...',[]!#=:(){}+-*/%&|^~<>;"\\@\n \t', 'x0', 'w1', 'sp', 'xzr', '1b', '1f', '1:', 'lbl', 'lbl:', '.', '0x', '0b1', '077',
    'ldr x0, [x1]', 'stlxr w2, x3, [x4]', 'b.ne 1b', 'add', 'mov x0, #', ':lo12:', '.macro m a\n', '.endm\n', '.rept 3\n', '.endr\n',
    '.irp r, a, b\n', '.if 1\n', '.else\n', '.endif\n', '.equ q, q+1\n', '.set', '.include "', '.include "/dev/zero"\n', '.cores 65\n',
    '.thread lbl\n', '.data\n', '.text\n', '.quad ', '.zero 99999999\n', '.align 30\n', '.stack 17\n', '\\a', '\\@', '\\()', '/*', '*/', '//',
  ],
  nesting: [['(', ')'], ['-', ''], ['~', ''], ['.if 1\n', '.endif\n'], ['.rept 2\n', '.endr\n'], ['.macro n\n', '.endm\n']],
};

const LITMUS_VOCABULARY: Vocabulary = {
  fragments: [
    ...'{}[]()|;:=/\\~<>*#,$-+._"\n \t0123456789xyzPXWE', '(*', '*)', '/\\', '\\/', 'P0', 'P1', 'P64', 'X0', 'W31', 'EAX', '0:', '1:',
    'exists', '~exists', 'forall', 'not', 'true', 'false', 'locations', 'filter', '0x10', '-1', 'L0:', '1:', 'B 1f', 'CBZ W0,1b', 'MOV', 'LDR',
    'STR', 'MFENCE', 'XCHG', 'int64_t', 'int64_t *p=x;', '.thread', ' | ', ' ;\n', 'hlt #0',
  ],
  nesting: [['(', ')'], ['~', ''], ['not ', ''], ['(*', '*)']],
};

const JSONL_VOCABULARY: Vocabulary = {
  fragments: [
    '{', '}', '[', ']', ',', ':', '"', '\n', 'null', 'true', '1e308', '-1', '9007199254740993', '{"type":"summary"', '{"type":"start"',
    '{"type":"hang"', '"campaign":"c0000000000000000"', '"shard":{"index":0,"count":1000000000000000}', '"shard":null', '"trial":',
    '"cells":[]', '"complete":false', '"stopped":"SIGTERM"', '"format":2', '"format":1', '\\u0000', '\\ud800',
  ],
  nesting: [['[', ']'], ['{"a":', '}']],
};

/** Targets on the built-in programs; `sharedLitmus` adds the reference corpus's tests. */
export async function fuzzTargets(opts: { sharedLitmus?: string } = {}): Promise<FuzzTarget[]> {
  const jsonlSeeds = await campaignJsonlSeeds();
  const programs = [...filesUnder(join(repoRoot, 'programs'), '.s'), ...filesUnder(join(repoRoot, 'bench/programs'), '.s'), ...filesUnder(join(repoRoot, 'test/fixtures'), '.s')];
  const litmus = [...filesUnder(join(repoRoot, 'programs/litmus'), '.litmus'), ...(opts.sharedLitmus ? filesUnder(opts.sharedLitmus, '.litmus') : [])];
  return [
    {
      name: 'assembler',
      seeds: seedsOf(programs),
      vocabulary: ASM_VOCABULARY,
      run(text, file) {
        const work = zeroWork();
        let out: Pick<FuzzOutcome, 'result' | 'detail'>;
        try {
          const p = assemble(text, { file, defines: { TARGET_LLSC: 1, TARGET_LSE: 0, TARGET_X86: 0, ROUNDS: 4, NCORES: 2 }, work });
          out = p.threads.length >= 1 && p.threads.length <= MAX_CORES && p.length >= 1 ? { result: 'accepted' } : { result: 'internal', detail: `malformed program: ${p.threads.length} threads, ${p.length} instructions` };
        } catch (e) {
          out = judge(e);
        }
        return { ...out, work: assemblyWork(work, text.length, newlines(text)) };
      },
    },
    {
      name: 'litmus',
      seeds: seedsOf(litmus),
      vocabulary: LITMUS_VOCABULARY,
      run(text, file) {
        const work: LitmusWork = { tokens: 0, assembly: zeroWork() };
        let out: Pick<FuzzOutcome, 'result' | 'detail'>;
        try {
          const t = parseLitmus(text, file, work);
          out = t.program.threads.length >= 1 && t.program.threads.length <= MAX_CORES ? { result: 'accepted' } : { result: 'internal', detail: 'malformed program' };
        } catch (e) {
          out = judge(e);
        }
        const n = text.length;
        return {
          ...out,
          work: [
            // Every token takes at least one character; each scanner adds its end-of-file tokens.
            { what: 'tokens', count: work.tokens, bound: n + 8 },
            // The generated program: a line per cell, location and thread, each a few
            // characters longer than what it came from.
            { what: 'generated source characters', count: work.assembly.sourceChars, bound: 8 * n + 1024 },
            ...assemblyWork(work.assembly, work.assembly.sourceChars, 0, 'generated '),
          ],
        };
      },
    },
    {
      name: 'jsonl',
      seeds: jsonlSeeds,
      vocabulary: JSONL_VOCABULARY,
      run(text, file) {
        let out: Pick<FuzzOutcome, 'result' | 'detail'>;
        let work = 0;
        let cells = 0;
        const lines = newlines(text);
        try {
          const m = mergeCampaigns(parseJsonlText(text, file));
          work = m.work;
          cells = m.campaigns.reduce((k, c) => k + c.cells.length, 0);
          out = m.campaigns.length > 0 ? { result: 'accepted' } : { result: 'rejected', detail: `${m.skipped.length} line(s) skipped` };
        } catch (e) {
          out = { result: 'crash', detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
        }
        return {
          ...out,
          work: [
            { what: 'cells', count: cells, bound: lines + Math.ceil(text.length / 8) },
            // One step per line, record, summary entry and cell, plus at most ~2000 per cell
            // for naming missing shards.
            { what: 'merge steps', count: work, bound: 2 * lines + text.length + 2010 * cells + 16 },
          ],
        };
      },
    },
  ];
}

/** JSONL of small real campaigns (whole, sharded, stopped early), built in process. */
export async function campaignJsonlSeeds(): Promise<FuzzTarget['seeds']> {
  const cells: Cell[] = [{ program: 'aio-wait-kick/pre-2022', target: 'x86-tso' }, { program: 'qemu-event/v7.2', target: 'armv8-llsc' }];
  const run = async (o: { trials: number; seed: number; shard?: { index: number; count: number }; stopAfter?: number }): Promise<string> => {
    const lines: unknown[] = [campaignStart({ cells, trials: o.trials, seed: o.seed, shard: o.shard })];
    let done = 0;
    const summary = await runCampaign({
      cells, trials: o.trials, seed: o.seed, shard: o.shard, runner: inlineRunner(),
      onRecord: (r: HangRecord) => lines.push(r),
      shouldStop: () => o.stopAfter !== undefined && ++done > o.stopAfter,
    });
    if (!summary.complete) summary.stopped = 'SIGINT';
    lines.push(summary);
    return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
  };
  const texts = [await run({ trials: 12, seed: 3 }), await run({ trials: 12, seed: 3, shard: { index: 1, count: 2 } }), await run({ trials: 50, seed: 4, stopAfter: 7 })];
  return texts.map((text, i) => ({ name: `campaign-${i}.jsonl`, text, file: `campaign-${i}.jsonl` }));
}
