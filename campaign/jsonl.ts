// JSON-lines output that survives a SIGKILL: one synchronous write per record, so a killed
// campaign loses nothing it already reported (a truncated last line is what merge skips).
import { closeSync, openSync, writeSync } from 'node:fs';

/** Appends JSON lines to a file. */
export class JsonlWriter {
  private readonly fd: number;
  constructor(path: string) {
    this.fd = openSync(path, 'a');
  }
  write(obj: unknown): void {
    writeSync(this.fd, JSON.stringify(obj) + '\n');
  }
  close(): void {
    closeSync(this.fd);
  }
}
