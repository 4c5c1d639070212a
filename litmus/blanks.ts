// The blanks of a litmus file are ASCII: a Unicode blank would be taken for a separator, or
// trimmed away, without a word.
import { SourceError } from '../isa/source-error.ts';

/** Blanks other than ASCII ones (no-break space, em space, ...), which `trim` and `\s` would
 * take for separators or strip without a word, are an error outside comments and quoted
 * strings; a leading byte-order mark becomes a space. Returns the text. */
export function refuseUnicodeBlanks(text: string, file: string): string {
  if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1);
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) inString = !inString;
    else if (c === 0x0a) inString = false;
    else if (c > 0x7f && !inString && /\s/.test(text[i])) {
      const code = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
      const lineStart = text.lastIndexOf('\n', i - 1) + 1;
      const line = text.slice(0, lineStart).split('\n').length;
      throw new SourceError({ file, line, col: i - lineStart + 1 }, code, 'an ASCII space or tab', `unexpected Unicode blank ${code}: litmus files separate with ASCII spaces and tabs`);
    }
  }
  return text;
}
