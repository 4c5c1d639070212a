// JSON lines on disk. Writing: one synchronous, checked write per record, so that a record
// reported is a record saved (a SIGKILL loses nothing already reported) and a failed write
// (ENOSPC, EIO, ...) is an error the campaign ends on, with the partial line removed when the
// file allows it. Reading: line by line in bounded memory, from regular files only.
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { withRegularFile } from '../isa/source-file.ts';

/** A write to the output file failed; the message names the file and the cause. */
export class WriteError extends Error {}

/** The longest JSON line read back (a record is a few hundred bytes). */
export const MAX_RECORD_CHARS = 1 << 20;

function why(e: unknown): string {
  const x = e as NodeJS.ErrnoException;
  return x?.code ? `${x.code} (${x.message})` : String((e as Error)?.message ?? e);
}

/** Opens for appending, readable if allowed (to repair a partial last line). */
function openAppend(path: string): number {
  try {
    return openSync(path, 'a+');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EACCES') throw e;
    return openSync(path, 'a');
  }
}

/** Appends JSON lines to a file. */
export class JsonlWriter {
  private readonly fd: number;
  private closed = false;
  /** Records written in full. */
  written = 0;

  constructor(readonly path: string) {
    let fd: number;
    try {
      fd = openAppend(path);
    } catch (e) {
      throw new WriteError(`cannot open ${path} for writing: ${why(e)}`);
    }
    this.fd = fd;
    // A file that ends in a partial line (a campaign killed mid-write) gets a line break first,
    // so that the next record is not glued onto it.
    try {
      const size = fstatSync(fd).size;
      if (size > 0) {
        const last = Buffer.alloc(1);
        if (readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a) this.raw(Buffer.from('\n'));
      }
    } catch (e) {
      if (e instanceof WriteError) {
        closeSync(fd);
        throw e;
      }
      // Not seekable (a device): nothing to repair.
    }
  }

  /** Writes one record in full, or throws WriteError leaving the file as it was. */
  write(obj: unknown): void {
    this.raw(Buffer.from(JSON.stringify(obj) + '\n'));
    this.written++;
  }

  private raw(buf: Buffer): void {
    let before = -1;
    try {
      before = fstatSync(this.fd).size;
    } catch {
      // no size to restore
    }
    let off = 0;
    try {
      while (off < buf.length) {
        const n = writeSync(this.fd, buf, off, buf.length - off);
        if (n <= 0) throw Object.assign(new Error('the write made no progress'), { code: 'EIO' });
        off += n;
      }
    } catch (e) {
      // Take a partial line back, so that the file still ends with a whole record.
      if (off > 0 && before >= 0) {
        try {
          ftruncateSync(this.fd, before);
        } catch {
          // a device or a file we cannot truncate: merge skips the partial line
        }
      }
      throw new WriteError(`cannot write ${this.path}: ${why(e)}`);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {
      // closing cannot lose data already written with writeSync
    }
  }
}

/** One line of a JSONL file: where it is, and its value or why it is not JSON. */
export interface JsonlLine {
  file: string;
  line: number;
  value?: unknown;
  /** Set when the line is not JSON (truncated, too long, not text). */
  bad?: string;
}

const TOO_LONG = `a line longer than ${MAX_RECORD_CHARS} characters`;

/** One line's text as a JsonlLine, or null for a blank line. */
function parsedLine(text: string, file: string, line: number): JsonlLine | null {
  if (text.length > MAX_RECORD_CHARS) return { file, line, bad: TOO_LONG };
  if (text.trim() === '') return null;
  try {
    return { file, line, value: JSON.parse(text) };
  } catch {
    return { file, line, bad: 'not JSON (truncated by a killed campaign?)' };
  }
}

/** The non-blank lines of a text already in memory (the same rules as readJsonl). */
export function parseJsonlText(text: string, file: string): JsonlLine[] {
  const out: JsonlLine[] = [];
  let line = 1;
  for (let from = 0; from <= text.length; line++) {
    const nl = text.indexOf('\n', from);
    const stop = nl < 0 ? text.length : nl;
    const l = parsedLine(text.slice(from, stop), file, line);
    if (l !== null) out.push(l);
    if (nl < 0) break;
    from = nl + 1;
  }
  return out;
}

/** The non-blank lines of a regular file, parsed; lines longer than MAX_RECORD_CHARS are
 * reported (bad), not kept. Throws FileReadError for a file it cannot read. */
export function readJsonl(path: string): JsonlLine[] {
  const out: JsonlLine[] = [];
  forEachJsonlLine(path, (l) => void out.push(l));
  return out;
}

/** Calls `each` for every non-blank line of a regular file, in order, keeping none of them
 * (memory stays bounded by one line, whatever the file's size). */
export function forEachJsonlLine(path: string, each: (l: JsonlLine) => void): void {
  withRegularFile(path, (fd) => {
    const out = { push: each };
    const buf = Buffer.allocUnsafe(1 << 20);
    let pending: Buffer[] = [];
    let pendingLen = 0;
    let tooLong = false;
    let line = 1;
    const end = (): void => {
      const l = tooLong ? { file: path, line, bad: TOO_LONG } : pendingLen > 0 ? parsedLine(Buffer.concat(pending, pendingLen).toString('utf8'), path, line) : null;
      if (l !== null) out.push(l);
      pending = [];
      pendingLen = 0;
      tooLong = false;
      line++;
    };
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      let from = 0;
      while (from < n) {
        const nl = buf.indexOf(0x0a, from);
        const stop = nl < 0 || nl >= n ? n : nl;
        if (!tooLong) {
          if (pendingLen + (stop - from) > MAX_RECORD_CHARS) {
            tooLong = true;
            pending = [];
            pendingLen = 0;
          } else {
            pending.push(Buffer.from(buf.subarray(from, stop)));
            pendingLen += stop - from;
          }
        }
        if (stop === n) break;
        end();
        from = stop + 1;
      }
    }
    if (pendingLen > 0 || tooLong) end();
  });
}
