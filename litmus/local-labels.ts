// Numeric local labels of litmus code, scoped to their thread: the threads are assembled one
// after the other, so the assembler's own resolution would cross from one into the next.
import { SourceError, type SourcePos } from '../isa/source-error.ts';

/** A numeric local label reference (1b, 2f) as the assembler's lexer reads one. */
const LOCAL_REF = /(?<![A-Za-z0-9_.$])([0-9]+)([bfBF])(?![A-Za-z0-9_.$])/g;

/**
 * Numeric local labels (`1:`, referenced as `1b`/`1f`) scoped to one thread. The threads are
 * assembled one after the other, so the assembler's own resolution would let `1f` in P0 reach
 * P1's `1:`; here every definition gets a name of its thread (P<i>__<n>__<k>, which no named
 * label can take: those start with a letter) and every reference is resolved within the thread.
 */
export class LocalLabels {
  /** Per label: definitions in the thread (all of them) and definitions seen so far. */
  private readonly total = new Map<string, number>();
  private readonly seen = new Map<string, number>();

  /** `labels`: the thread's label definitions, in order. */
  constructor(
    labels: readonly string[],
    private readonly thread: number,
  ) {
    for (const name of labels) if (this.isLocal(name)) this.total.set(name, (this.total.get(name) ?? 0) + 1);
  }

  isLocal(name: string): boolean {
    return /^[0-9]+$/.test(name);
  }

  /** The next definition of `name` in program order: its thread-scoped name. */
  define(name: string): string {
    const k = this.seen.get(name) ?? 0;
    this.seen.set(name, k + 1);
    return this.nameOf(name, k);
  }

  /** The instruction text with each `Nb`/`Nf` replaced by the thread's definition it means. */
  rename(text: string, pos: SourcePos): string {
    return text.replace(LOCAL_REF, (ref: string, n: string, dir: string, at: number) => {
      const label = n;
      const before = this.seen.get(label) ?? 0;
      const where = { ...pos, col: pos.col + at };
      if (dir === 'b' || dir === 'B') {
        if (before === 0) throw new SourceError(where, `'${ref}'`, `a local label '${n}:' before this line in thread P${this.thread}`, `no local label '${n}:' before '${ref}' in thread P${this.thread}`);
        return this.nameOf(label, before - 1);
      }
      if (before >= (this.total.get(label) ?? 0)) {
        throw new SourceError(where, `'${ref}'`, `a local label '${n}:' after this line in thread P${this.thread}`, `no local label '${n}:' after '${ref}' in thread P${this.thread}`);
      }
      return this.nameOf(label, before);
    });
  }

  private nameOf(label: string, k: number): string {
    return `P${this.thread}__${label}__${k}`;
  }
}
