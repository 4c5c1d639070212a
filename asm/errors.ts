// All the errors of an assembly (or a link) in one report: the assembler goes on after a bad
// statement, so one run shows every problem of a file, each with its file:line:col. Errors are
// SourceErrors throughout: the first error's position is the report's position, so code that
// handles one SourceError (the CLI, the fuzz tests) handles a report the same way.
import { SourceError } from '../isa/source-error.ts';

/** The errors a report shows in full; the rest are counted ("and N more errors"). */
export const MAX_REPORTED_ERRORS = 20;

/** Several SourceErrors reported together. Its own position and `found`/`expected` are the
 * first error's; the message has one line per error (at most MAX_REPORTED_ERRORS). */
export class AssemblyErrors extends SourceError {
  /** The errors shown, in order. */
  readonly errors: readonly SourceError[];
  /** All the errors found, shown or not. */
  readonly total: number;

  constructor(errors: readonly SourceError[], total: number) {
    const first = errors[0];
    super({ file: first.file, line: first.line, col: first.col }, first.found, first.expected, summary(errors, total));
    this.name = 'AssemblyErrors';
    this.errors = errors;
    this.total = total;
  }
}

function summary(errors: readonly SourceError[], total: number): string {
  const lines = errors.map((e, i) => (i === 0 ? e.message.slice(`${e.file}:${e.line}:${e.col}: `.length) : e.message));
  const more = total - errors.length;
  if (more > 0) lines.push(`... and ${more} more error${more === 1 ? '' : 's'}`);
  return lines.join('\n');
}

/** Collects errors up to the report limit and counts the rest. */
export class ErrorList {
  private readonly shown: SourceError[] = [];
  private count = 0;
  private readonly seen = new Set<string>();
  private readonly limit: number;

  constructor(limit = MAX_REPORTED_ERRORS) {
    this.limit = Number.isSafeInteger(limit) && limit > 0 ? limit : MAX_REPORTED_ERRORS;
  }

  /** Records e (an identical message at the same place twice is recorded once). */
  add(e: SourceError): void {
    if (this.seen.has(e.message)) return;
    this.seen.add(e.message);
    this.count++;
    if (this.shown.length < this.limit) this.shown.push(e);
  }

  /** Records every error of a report (an AssemblyErrors) or the one error. */
  addAll(e: SourceError): void {
    if (e instanceof AssemblyErrors) {
      for (const x of e.errors) this.add(x);
      for (let k = e.errors.length; k < e.total; k++) this.count++;
    } else {
      this.add(e);
    }
  }

  get size(): number {
    return this.count;
  }

  /** Runs f; a SourceError it throws is recorded instead. Returns whether f completed. */
  guard(f: () => void): boolean {
    try {
      f();
      return true;
    } catch (e) {
      if (!(e instanceof SourceError)) throw e;
      this.addAll(e);
      return false;
    }
  }

  /** Throws what was collected: the one error itself, or an AssemblyErrors of several. */
  throwIfAny(): void {
    if (this.count === 0) return;
    if (this.count === 1) throw this.shown[0];
    throw new AssemblyErrors(this.shown, this.count);
  }
}
