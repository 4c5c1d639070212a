// The one error type every front end raises for bad input: it always knows where
// (file:line:col), what it found and what it expected, so the CLI can print it and exit
// cleanly instead of crashing.

export interface SourcePos {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
}

export class SourceError extends Error {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly found: string;
  readonly expected: string;

  constructor(pos: SourcePos, found: string, expected: string, detail?: string) {
    const what = detail ?? `expected ${expected}, found ${found}`;
    super(`${pos.file}:${pos.line}:${pos.col}: ${what}`);
    this.name = 'SourceError';
    this.file = pos.file;
    this.line = pos.line;
    this.col = pos.col;
    this.found = found;
    this.expected = expected;
  }
}

/** Shows a found token the way messages quote it. */
export function quote(token: string): string {
  if (token === '') return 'end of line';
  return `'${token.length > 40 ? token.slice(0, 37) + '...' : token}'`;
}
