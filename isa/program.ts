// A loaded program: what both front ends (the assembler and the litmus front end) produce and
// what the machine runs. Plain data only (typed arrays, strings, numbers), so it can be cloned
// into worker threads with structuredClone / postMessage.

/** Emulated memory is a set of 8-byte words from DATA_BASE up. Values in litmus tests are
 * small, so an address never collides with an ordinary value. */
export const DATA_BASE = 0x100000;
/** Per-core stack size (bytes) reserved after the data when a program asks for stacks. */
export const STACK_BYTES = 4096;
/** The most cores a program may have, however they are made (.cores, .thread, litmus threads,
 * a Program built by hand): the machine keeps per-core parameters for at most this many. */
export const MAX_CORES = 64;
/** The most (cores × 8-byte memory words) a program may have: a core keeps eight words of
 * state per location (coherence point, forward bank, footprint mask, lane-table slot), so this
 * bounds that state to 512 MiB (plus at most 4096 lane tables of 196 bytes per core). */
export const MAX_CORE_LOCATIONS = 1 << 24;

export interface SourceMap {
  /** Files referenced by `file` (index into this list). */
  files: string[];
  /** Per instruction: file index, 1-based line and column of its mnemonic. */
  file: Int32Array;
  line: Int32Array;
  col: Int32Array;
  /** Per instruction: the source text of the instruction as written (after macro expansion). */
  text: string[];
  /** Per instruction from a macro: the outermost invocation ("macro 'm' invoked at f:l:c"). */
  via?: string[];
}

export interface ThreadSpec {
  /** Display name, e.g. "P0" (litmus) or "core0". */
  name: string;
  /** Entry pc (instruction index). */
  entry: number;
  /** Initial register values: register index -> [lo, hi] (32-bit halves, two's complement). */
  initRegs: Array<[reg: number, lo: number, hi: number]>;
}

export interface Program {
  /** Where the program came from (file name) for messages. */
  name: string;
  /** INSN_WORDS Int32 per instruction, see isa/instructions.ts. */
  code: Int32Array;
  /** Number of instructions (code.length / INSN_WORDS). */
  length: number;
  src: SourceMap;
  /** One entry per emulated core. */
  threads: ThreadSpec[];
  /** Initial memory: word i is at address DATA_BASE + 8 i, value [lo, hi] = [initLo[i], initHi[i]]. */
  initLo: Int32Array;
  initHi: Int32Array;
  /** Per 8-byte word of memory: the bytes (bit k: byte k) a program may access, where only
   * some may (a litmus variable smaller than its 8-byte slot); absent: every byte. */
  validLanes?: Int32Array;
  /** Named locations: symbol -> byte address (data labels, litmus locations). */
  symbols: Record<string, number>;
  /** Code labels: symbol -> pc (for traces and explanations). */
  labels: Record<string, number>;
}
