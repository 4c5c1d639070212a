// Reading an input file (assembly, litmus test, campaign JSONL, expectations) without letting
// the file decide how much memory or time that takes: only a regular file is read (a device
// such as /dev/zero never ends, a FIFO blocks until someone writes to it, a directory is no
// text), and at most a given number of bytes. Every file hangar reads comes through here.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** The largest source file (assembly, litmus) hangar reads, and the total a program's
 * .include files may add up to. */
export const MAX_SOURCE_BYTES = 4 << 20;

/** A file that cannot be read, or not within the limits: the message says why. */
export class FileReadError extends Error {}

function kind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Opens a regular file for reading (without blocking on a FIFO) and calls `use` with its
 * descriptor; throws FileReadError for anything else or when it cannot be opened.
 */
export function withRegularFile<T>(path: string, use: (fd: number, size: number) => T): T {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new FileReadError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new FileReadError(`cannot read ${path}: it is ${kind(st)}, not a regular file`);
    return use(fd, st.size);
  } finally {
    closeSync(fd);
  }
}

/** The text (UTF-8) of a regular file of at most maxBytes bytes. */
export function readTextFile(path: string, maxBytes = MAX_SOURCE_BYTES): string {
  return withRegularFile(path, (fd, size) => {
    const tooBig = (): FileReadError => new FileReadError(`cannot read ${path}: it is larger than ${maxBytes} bytes, the limit for this kind of file`);
    if (size > maxBytes) throw tooBig();
    // The size may be wrong (files in /proc report 0) or change: read up to the limit + 1.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(Math.max(size - total, 0) + 65536, maxBytes + 1 - total));
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        throw new FileReadError(`cannot read ${path}: ${(e as Error).message}`);
      }
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > maxBytes) throw tooBig();
    }
    return Buffer.concat(chunks, total).toString('utf8');
  });
}
