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
  /** Compiled code's own source (C, C++) from `.file N "name"` / `.loc N line col` (asm/README.md,
   * "Source positions"): the files, then per instruction the index into cFiles (-1: no `.loc`
   * before it), the 1-based line and column (0: not given). Absent when no unit had `.loc`. */
  cFiles?: string[];
  cFile?: Int32Array;
  cLine?: Int32Array;
  cCol?: Int32Array;
}

/** A function: `.type name, %function` and its label; `.size` gives its end. */
export interface FunctionSymbol {
  name: string;
  /** First pc, and one past the last (the next function or the end of its section when there
   * is no `.size`). */
  start: number;
  end: number;
  /** The unit (file) it comes from. */
  unit: string;
}

/** A data object: a symbol at a data address with a `.size` (or `.comm` size), e.g. a C
 * variable; `.type name, %object` or a `.set` alias of a merged global. */
export interface DataObject {
  name: string;
  address: number;
  /** Bytes (0 when the size is unknown). */
  size: number;
  unit: string;
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
  /** Functions by start pc (from `.type`/`.size`; compiler output has them). */
  functions?: FunctionSymbol[];
  /** Data objects by address (from `.type`/`.size`/`.comm`). */
  objects?: DataObject[];
  /** The pcs of the `.preinit_array` and `.init_array` entries in the order to call them (C++
   * dynamic initialisers, constructors): the runtime calls them before main. The same entries
   * are in memory between the linker's symbols __init_array_start and __init_array_end. */
  initArray?: number[];
}

/** The function that contains pc (binary search in program.functions), or undefined. */
export function functionAt(program: Pick<Program, 'functions'>, pc: number): FunctionSymbol | undefined {
  const fs = program.functions;
  if (fs === undefined) return undefined;
  let lo = 0, hi = fs.length - 1, best: FunctionSymbol | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (fs[mid].start <= pc) { best = fs[mid]; lo = mid + 1; } else hi = mid - 1;
  }
  return best !== undefined && pc < best.end ? best : undefined;
}

/** The data object that contains the byte address, with the offset into it ("ev+4"), or
 * undefined. An address one past an object of size 0 is not in it. */
export function objectAt(program: Pick<Program, 'objects'>, address: number): { object: DataObject; offset: number } | undefined {
  const os = program.objects;
  if (os === undefined) return undefined;
  let lo = 0, hi = os.length - 1, best: DataObject | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (os[mid].address <= address) { best = os[mid]; lo = mid + 1; } else hi = mid - 1;
  }
  if (best === undefined) return undefined;
  const offset = address - best.address;
  return offset < Math.max(best.size, 1) ? { object: best, offset } : undefined;
}

/** The C (or C++) position of the instruction at pc from `.loc`, or undefined. */
export function sourcePositionAt(program: Pick<Program, 'src'>, pc: number): { file: string; line: number; col: number } | undefined {
  const s = program.src;
  if (s.cFiles === undefined || s.cFile === undefined || s.cLine === undefined || s.cCol === undefined) return undefined;
  if (pc < 0 || pc >= s.cFile.length || s.cFile[pc] < 0) return undefined;
  return { file: s.cFiles[s.cFile[pc]], line: s.cLine[pc], col: s.cCol[pc] };
}
