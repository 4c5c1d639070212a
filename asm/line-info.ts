// C (or C++) source positions of a unit from `.file N "name"` and `.loc N line col`: the
// file table and the position in force for the next instructions (asm/README.md, "Source
// positions"). GCC writes `.file N "path"`; Clang (DWARF 5) `.file N "dir" "name" md5 V`, with
// file 0 naming the compilation directory.
import * as path from 'node:path';
import { Cursor, type SrcText, tokenize } from './lexer.ts';

export class LineInfo {
  /** `.file` numbers to paths. */
  readonly files = new Map<number, string>();
  /** The `.loc` in force: file number (-1: none yet), line, column (0: not given). */
  current = { file: -1, line: 0, col: 0 };
  /** The compilation directory, from `.file 0 "dir" "name"`. */
  private compDir: string | null = null;

  /**
   * `.file "name"` (the unit's source: nothing to record) or `.file N ["dir"] "name" [md5 V]`,
   * from offset `from` of src. A name relative to its directory is joined to it, and a path
   * under the compilation directory is made relative to it, so that GCC and Clang name a file
   * alike.
   */
  file(src: SrcText, from: number): void {
    // Clang's 128-bit md5 checksum is no 64-bit number: blank it before tokenizing.
    const m = /\bmd5\s+0x[0-9A-Fa-f]+\s*$/.exec(src.text.slice(from));
    const text = m === null ? src : src.withText(src.text.slice(0, from + m.index) + ' '.repeat(m[0].length));
    const cur = new Cursor(text, tokenize(text, from));
    const t = cur.peek();
    if (t.kind === 'str') {
      cur.next();
      cur.expectEnd();
      return;
    }
    if (t.kind !== 'num') cur.failAt(t, 'a file number or a file name in double quotes');
    cur.next();
    const a = cur.peek();
    if (a.kind !== 'str') cur.failAt(a, 'a file name in double quotes');
    cur.next();
    let name = a.str;
    const n = Number(t.value);
    if (cur.peek().kind === 'str') {
      const b = cur.next();
      if (n === 0 && path.posix.isAbsolute(a.str)) this.compDir = path.posix.normalize(a.str);
      name = path.posix.isAbsolute(b.str) || a.str === '' ? b.str : path.posix.join(a.str, b.str);
    }
    if (!cur.atEnd()) cur.failAt(cur.peek(), m !== null ? 'end of line' : "'md5' and a checksum, or end of line");
    name = path.posix.normalize(name);
    if (this.compDir !== null && name.startsWith(this.compDir + '/')) name = name.slice(this.compDir.length + 1);
    this.files.set(n, name);
  }

  /** `.loc file line [column] [options]`: the position of the instructions that follow. */
  loc(cur: Cursor): void {
    const f = cur.peek();
    if (f.kind !== 'num') cur.failAt(f, 'a file number');
    cur.next();
    const l = cur.peek();
    if (l.kind !== 'num') cur.failAt(l, 'a line number');
    cur.next();
    let col = 0;
    if (cur.peek().kind === 'num') col = Number(cur.next().value);
    // The options describe the line table only (basic_block, prologue_end, epilogue_begin,
    // is_stmt N, isa N, discriminator N, view V).
    while (!cur.atEnd()) {
      const o = cur.peek();
      if (o.kind !== 'ident' || !/^(basic_block|prologue_end|epilogue_begin|is_stmt|isa|discriminator|view)$/.test(o.text)) {
        cur.failAt(o, 'a .loc option (basic_block, prologue_end, epilogue_begin, is_stmt, isa, discriminator, view)');
      }
      cur.next();
      if (o.text === 'view' || o.text === 'is_stmt' || o.text === 'isa' || o.text === 'discriminator') {
        cur.eat('-');
        const v = cur.peek();
        if (v.kind !== 'num' && v.kind !== 'ident') cur.failAt(v, `a value after ${o.text}`);
        cur.next();
      }
    }
    const n = Number(f.value);
    if (!this.files.has(n)) cur.src.fail(f.start, f.text, 'a file number declared by .file', `file number ${n} has no .file ${n} "name" before it`);
    this.current = { file: n, line: Number(l.value), col };
  }
}
