#!/usr/bin/env node
// Writes programs/c/INVENTORY.md: everything GCC and Clang emit for hangar's C and C++
// programs (directives, mnemonics and operand shapes, relocation operators, external symbols,
// outline-atomics helpers, data layout), and what hangar's current assembler makes of it.
//
//   node programs/build-c.mjs --matrix /tmp/hangar-c-matrix     (every unit x flag set x level)
//   node programs/c/inventory.mjs [--matrix /tmp/hangar-c-matrix] [--out programs/c/INVENTORY.md]
//
// Without the matrix folder it surveys the committed outputs only. The assembler run blanks
// the line of each error and assembles again (up to MAX_ERRORS per file), so it counts every
// error of a file, not only the first; the first error of each file is counted separately.
import { register } from 'tsx/esm/api';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { surveyFile } from './asm-survey.mjs';
import { compilerVersion, DRIVERS, MATRIX_FLAGSETS, CORPUS_LEVELS } from '../build-c.mjs';

register();
const { assemble } = await import('../../asm/assembler.ts');

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAX_ERRORS = 100;
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const matrixDir = resolve(opt('--matrix', '/tmp/hangar-c-matrix'));
const outFile = resolve(ROOT, opt('--out', 'programs/c/INVENTORY.md'));

// ---- the files and their configuration -----------------------------------------------------------

/** { path, shown, unit, cc, level, flagset, committed } for every AArch64 file surveyed. */
function collect() {
  const files = [];
  const compiledDirs = readdirSync(join(ROOT, 'programs'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'programs', d.name, 'compiled')))
    .map((d) => join('programs', d.name, 'compiled'));
  for (const dir of compiledDirs) {
    for (const f of readdirSync(join(ROOT, dir)).sort()) {
      if (!f.endsWith('.s') || f.endsWith('.x86-tso.s')) continue;
      const corpus = /^(.*)\.(gcc|clang)(-O[0-3s])\.(armv8-llsc|armv8-lse)\.s$/.exec(f);
      const qemu = /^(.*)\.(armv8-llsc|armv8-lse)\.s$/.exec(f);
      const [unit, cc, level, target] = corpus ? [`corpus/${corpus[1]}`, corpus[2], corpus[3], corpus[4]] : [`${dir.split('/')[1]}/${qemu[1]}`, 'gcc', '-O2', qemu[2]];
      files.push({ path: join(ROOT, dir, f), shown: `${dir}/${f}`, unit, cc, level, flagset: target === 'armv8-lse' ? 'lse' : 'default', committed: true });
    }
  }
  if (existsSync(matrixDir)) {
    for (const f of readdirSync(matrixDir).sort()) {
      const m = /^(.*)\.(gcc|clang)(-O[0-3s])\.([a-z-]+)\.s$/.exec(f);
      if (!m) continue;
      files.push({ path: join(matrixDir, f), shown: f, unit: m[1].replace('__', '/'), cc: m[2], level: m[3], flagset: m[4], committed: false });
    }
  }
  return files;
}

// ---- aggregation ---------------------------------------------------------------------------------

/** A counter of occurrences that also remembers which configurations produced them. */
class Tally {
  constructor() { this.items = new Map(); }
  add(key, file, n = 1) {
    let e = this.items.get(key);
    if (!e) this.items.set(key, (e = { count: 0, files: new Set(), cc: new Set(), flagsets: new Set(), levels: new Set(), units: new Set() }));
    e.count += n;
    e.files.add(file.shown);
    e.cc.add(file.cc);
    e.flagsets.add(file.flagset);
    e.levels.add(file.level);
    e.units.add(file.unit);
  }
  sorted() { return [...this.items].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1)); }
}

const ALL_FLAGSETS = Object.keys(MATRIX_FLAGSETS);
function who(e) {
  const cc = [...e.cc].sort().join('+');
  const fs = ALL_FLAGSETS.every((f) => e.flagsets.has(f)) ? 'all flag sets' : [...e.flagsets].sort().join(', ');
  const lv = CORPUS_LEVELS.every((l) => e.levels.has(l)) ? 'all levels' : [...e.levels].sort().join(' ');
  return `${cc}; ${fs}; ${lv}`;
}

const directives = new Map(); // name -> Tally of shapes
const mnemonics = new Map();  // canon -> Tally of shapes
const spellings = new Map();  // canon -> Set
const relocs = new Tally();   // ':op:' + ' in ' + mnemonic
const externals = new Tally(); // symbol
const externalHow = new Map();
const helpers = new Tally();  // __aarch64_* helpers
const layout = { anchorsFiles: new Tally(), comm: new Tally(), shared: new Tally(), sharedExamples: new Map(), dataAlign: new Tally() };
const firstErrors = new Tally();
const allErrors = new Tally();
let filesOk = 0, filesOkAfter = 0;

const tallyOf = (map, key) => map.get(key) ?? map.set(key, new Tally()).get(key);

function errorCategory(msg) {
  return msg
    .replace(/^undefined symbol '(?!\.L_MergedGlobals)[^']*'$/, "undefined symbol '<a data object>' (after its .comm or section line was blanked)")
    .replace(/'([wx])[0-9]+'/g, "'$1N'")
    .replace(/found '([a-z0-9_]+):[^']*'/, "found '$1:SYM'")
    .replace(/'(#?):([a-z0-9_]+):[^']*'/g, "'$1:$2:SYM'")
    .replace(/^(undefined (?:label|symbol)) '([^']*)'.*$/, (x, what, sym) => `${what} '${/^__aarch64_/.test(sym) ? '__aarch64_<helper>' : sym}'`)
    .replace(/^'[^']*' is a \.equ symbol, not a code label$/, "'SYM' is a .equ symbol (a .set alias), not a code label")
    .replace(/\b[0-9]+\b/g, 'N');
}

/** Assembles, blanking each failing line, up to MAX_ERRORS. Returns the messages in order.
 * A refused .section is blanked up to the next section directive, so the contents of a section
 * hangar does not take (debug info, notes, exception tables) count once, as that section. */
function assembleAll(text, file) {
  const lines = text.split('\n');
  const sectionStart = /^\s*(\.section|\.text|\.data|\.bss|\.pushsection|\.popsection|\.previous)\b/;
  const messages = [];
  for (let k = 0; k < MAX_ERRORS; k++) {
    try {
      assemble(lines.join('\n'), { file });
      return { messages, ok: true };
    } catch (e) {
      const m = /^(?:.*?):(\d+):(\d+): ([^\n]*)/s.exec(String(e.message));
      if (!m) { messages.push(`internal: ${String(e.message).split('\n')[0]}`); break; }
      messages.push(m[3]);
      const ln = Number(m[1]) - 1;
      if (ln < 0 || ln >= lines.length || lines[ln].trim() === '') break; // not line-local
      const refusedSection = /^\s*\.section\b/.test(lines[ln]) && /section name/.test(m[3]);
      lines[ln] = '';
      for (let j = ln + 1; refusedSection && j < lines.length && !sectionStart.test(lines[j]); j++) lines[j] = '';
    }
  }
  return { messages, ok: false };
}

// ---- survey ----------------------------------------------------------------------------------------

const files = collect();
const LIBRARY_UNITS = new Set();
for (const file of files) {
  const text = readFileSync(file.path, 'utf8');
  const s = surveyFile(text);
  for (const [name, shapes] of s.directives) for (const [shape, n] of shapes) tallyOf(directives, name).add(shape, file, n);
  for (const [canon, shapes] of s.mnemonics) {
    for (const [shape, n] of shapes) {
      tallyOf(mnemonics, canon).add(shape, file, n);
      for (const r of shape.matchAll(/#?:([a-z0-9_]+):/g)) relocs.add(`:${r[1]}: in ${canon}`, file, n);
      if (/^=/.test(shape) || /, =/.test(shape)) relocs.add(`literal pool (=expr) in ${canon}`, file, n);
    }
  }
  for (const canon of s.spellings.keys()) if (!spellings.has(canon)) spellings.set(canon, new Set());
  for (const [canon, sp] of s.spellings) for (const x of sp) spellings.get(canon).add(x);
  for (const [sym, how] of s.referenced) {
    if (s.defined.has(sym) || sym.startsWith('.L') || sym.startsWith('.debug_') || sym === '.') continue;
    externals.add(sym, file);
    const h = externalHow.get(sym) ?? externalHow.set(sym, new Set()).get(sym);
    for (const x of how) h.add(x);
    if (/^__aarch64_/.test(sym)) helpers.add(sym, file);
  }
  if (s.anchors > 0) layout.anchorsFiles.add('files addressing globals from a .LANCHOR section anchor', file);
  for (const c of s.comm) layout.comm.add(`${c.directive} (with .local) of a ${c.size <= 8 ? `${c.size}-byte` : 'larger'} object, alignment ${c.align}`, file);
  const mergedSub8 = s.mergedAliases.filter((a) => a.offset % 8 !== 0);
  if (s.mergedAliases.length) layout.anchorsFiles.add('files whose globals are .set aliases of .L_MergedGlobals+N (Clang global merging)', file);
  if (mergedSub8.length) {
    const key = '.L_MergedGlobals aliases at an offset that is not a multiple of 8 (two objects in one 8-byte word)';
    layout.shared.add(key, file);
    if (!layout.sharedExamples.has(key)) layout.sharedExamples.set(key, `${s.mergedAliases.map((a) => `${a.name}@${a.offset}`).join(' ')} (${file.shown})`);
  }
  for (const [a, b] of s.sharedWords) {
    const key = `${a.section}: ${a.size}-byte object next to a ${b.size}-byte object in one aligned 8-byte word`;
    layout.shared.add(key, file);
    if (!layout.sharedExamples.has(key)) layout.sharedExamples.set(key, `${a.name}@${a.offset} + ${b.name}@${b.offset} (${file.shown})`);
  }
  for (const o of s.dataObjects) if (o.size !== null && !/^\.rodata/.test(o.section)) layout.dataAlign.add(`${o.section.replace(/\.(?!str1|cst|rel|ro|local)[A-Za-z_].*$/, '.<symbol>')} object of ${o.size <= 8 ? o.size : '>8'} bytes at offset mod 8 = ${o.offset % 8}`, file);
  const { messages, ok } = assembleAll(text, file.shown);
  if (ok && messages.length === 0) filesOk++;
  if (ok) filesOkAfter++;
  if (messages.length) firstErrors.add(errorCategory(messages[0]), file);
  for (const m of new Set(messages.map(errorCategory))) allErrors.add(m, file);
}

// ---- report ----------------------------------------------------------------------------------------

const esc = (s) => String(s).replace(/\|/g, '\\|').replace(/`/g, "'");
const code = (s) => '`' + String(s).replace(/`/g, "'").replace(/\|/g, '\\|') + '`';
const out = [];
const p = (...l) => out.push(...l);
const versions = [...new Set(Object.values(DRIVERS).flatMap((d) => [d.c[0], d.cxx[0]]))].map((c) => `- ${code(c)}: ${compilerVersion(c) ?? 'not installed'}`);
const committed = files.filter((f) => f.committed).length;

p('# What GCC and Clang emit for hangar\'s C and C++ programs', '',
  'Generated by `programs/c/inventory.mjs` (do not edit by hand; see programs/c/README.md): it surveys',
  `the committed compiler output (${committed} AArch64 files) and the flag matrix of`,
  '`node programs/build-c.mjs --matrix DIR` ' + `(${files.length - committed} files: every unit, GCC and Clang, -O0 -O1 -O2 -O3 -Os,`,
  `flag sets ${ALL_FLAGSETS.map((f) => `${code(f)} (${MATRIX_FLAGSETS[f].join(' ') || 'no extra flag'})`).join(', ')}).`,
  'The x86-64 outputs are not surveyed (they are for a later x86 front end).', '', 'Compilers:', ...versions, '',
  '"Who" columns: compilers; flag sets; -O levels that produce the item. Counts are occurrences over all files.', '');

// The headline: every error category, grouped by what hangar lacks.
const GROUPS = [
  ['Directives hangar does not know', /^unknown directive/],
  ['Sections hangar refuses (with everything in them)', /section name/],
  ['Data directives outside a data section', /needs \.data/],
  ['Instructions hangar does not model or decode', /does not model|unknown mnemonic/],
  ['Operand forms', /^expected (a|an) (register|X register|W register|shift|immediate|extend)/],
  ['Relocation operators', /relocation operator/],
  ['Runtime functions and data (undefined: the C runtime must provide them)', /^undefined label/],
  ['Symbols: aliases and merged globals', /\.equ symbol|_MergedGlobals/],
];
const grouped = new Map(GROUPS.map(([t]) => [t, []]));
const ungrouped = [];
for (const [k, e] of allErrors.sorted()) {
  if (/^undefined symbol '<a data object>'/.test(k)) continue; // a consequence of a blank
  const g = GROUPS.find(([, re]) => re.test(k));
  (g ? grouped.get(g[0]) : ungrouped).push([k, e]);
}
p('## Headline: what hangar\'s assembler lacks, grouped', '',
  'From the error categories below (files affected, over all files surveyed).', '');
for (const [title, rows] of [...grouped, ['Other', ungrouped]]) {
  if (!rows.length) continue;
  p(`- **${title}**: ` + rows.map(([k, e]) => `${esc(k.replace(/^unknown directive |^undefined label |^expected a section name \(.*\), found /, '').replace(/ is an AArch64 instruction that hangar does not model$/, '').replace(/^unknown mnemonic ('[^']*').*$/, '$1'))} (${e.files.size})`).join('; ') + '.');
}
p('');

p('## hangar\'s current assembler on these files', '',
  `${filesOk} of ${files.length} files assemble as they are; ${filesOkAfter} assemble once every failing line is blanked (up to ${MAX_ERRORS} errors a file).`, '',
  '### First error of each file', '', '| files | first error |', '|---:|---|');
for (const [k, e] of firstErrors.sorted()) p(`| ${e.files.size} | ${esc(k)} |`);
p('', '### Every error category (files in which it occurs at least once)', '',
  'Errors are found one at a time: the failing line is blanked and the file assembled again (a refused',
  '`.section` with everything in it up to the next section directive), so a later error can be a',
  'consequence of an earlier blank (a blanked `.comm` makes its symbol undefined).', '',
  '| files | error | who |', '|---:|---|---|');
for (const [k, e] of allErrors.sorted()) p(`| ${e.files.size} | ${esc(k)} | ${who(e)} |`);

p('', '## Directives', '', '| directive | files | argument shapes (count) | who |', '|---|---:|---|---|');
for (const [name, t] of [...directives].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
  const files = new Set([...t.items.values()].flatMap((e) => [...e.files]));
  const all = { cc: new Set(), flagsets: new Set(), levels: new Set() };
  for (const e of t.items.values()) { e.cc.forEach((x) => all.cc.add(x)); e.flagsets.forEach((x) => all.flagsets.add(x)); e.levels.forEach((x) => all.levels.add(x)); }
  const shapes = t.sorted();
  const limit = name === '.section' ? Infinity : 12; // every section matters
  const shown = shapes.slice(0, limit).map(([k, e]) => `${code(k || '(none)')} (${e.count})`).join(', ') + (shapes.length > limit ? `, and ${shapes.length - limit} more` : '');
  p(`| ${code(name)} | ${files.size} | ${shown} | ${who(all)} |`);
}

p('', '## Mnemonics and operand shapes', '',
  'Operand shapes: `W`/`X` registers, `WZR`/`XZR`/`SP`, `IMM` a bare immediate (GCC prints most without `#`), `#IMM`,',
  '`[X, IMM]` and friends for addresses (`!` pre-index; post-index is `[X], IMM`), `lsl IMM`/`sxtw` for shifted',
  'and extended registers, `:lo12:SYM` etc. for relocation operators, `LOCAL` a `.L` label, `SYM` any other symbol,',
  '`COND` a condition code. GCC spells conditional branches `beq`, Clang `b.eq`: both are `b.<cond>` below.', '',
  '| mnemonic | spellings | files | operand shapes (count) | who |', '|---|---|---:|---|---|');
for (const [canon, t] of [...mnemonics].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
  const fileSet = new Set([...t.items.values()].flatMap((e) => [...e.files]));
  const all = { cc: new Set(), flagsets: new Set(), levels: new Set() };
  for (const e of t.items.values()) { e.cc.forEach((x) => all.cc.add(x)); e.flagsets.forEach((x) => all.flagsets.add(x)); e.levels.forEach((x) => all.levels.add(x)); }
  const shapes = t.sorted();
  const shown = shapes.slice(0, 10).map(([k, e]) => `${code(k || '(none)')} (${e.count})`).join(', ') + (shapes.length > 10 ? `, and ${shapes.length - 10} more` : '');
  const sp = [...(spellings.get(canon) ?? [])].sort();
  p(`| ${code(canon)} | ${canon === 'b.<cond>' ? sp.join(' ') : sp.filter((x) => x !== canon).join(' ')} | ${fileSet.size} | ${shown} | ${who(all)} |`);
}

p('', '## Relocation operators and literal pools', '', '| operator, instruction | count | files | who |', '|---|---:|---:|---|');
for (const [k, e] of relocs.sorted()) p(`| ${code(k)} | ${e.count} | ${e.files.size} | ${who(e)} |`);

const groups = [
  ['threads', /^pthread_|^sched_yield$/],
  ['system calls, errno, exit', /^(syscall|__errno_location|exit|_exit)$/],
  ['assert and abort', /^(__assert_fail|abort)$/],
  ['memory and strings', /^(mem(set|cpy|move|cmp)|strlen)$/],
  ['outline atomics (libgcc)', /^__aarch64_/],
  ['C++ runtime (libstdc++, libgcc_s)', /^(_Z|__cxa_|__gxx_|_Unwind_|DW\.ref\.)/],
];
p('', '## External symbols', '', 'Symbols a file references but does not define, with how it references them (call = `bl`,',
  'branch = `b` tail call, address = `adrp`/`add`/`ldr` of its address, got = through the GOT, data = a data',
  'directive, cfi = `.cfi_personality`/`.cfi_lsda`).', '');
const seen = new Set();
for (const [title, re] of [...groups, ['other', /./]]) {
  const rows = externals.sorted().filter(([k]) => re.test(k) && !seen.has(k));
  if (!rows.length) continue;
  rows.forEach(([k]) => seen.add(k));
  p(`### ${title}`, '', '| symbol | how | files | units | who |', '|---|---|---:|---:|---|');
  for (const [k, e] of rows) p(`| ${code(k)} | ${[...externalHow.get(k)].sort().join(', ')} | ${e.files.size} | ${e.units.size} | ${who(e)} |`);
  p('');
}

p('## Outline-atomics helpers', '', 'The `__aarch64_<op><size>_<order>` helpers called (size in bytes; orders relax, acq, rel, acq_rel).',
  'GCC and Clang call them unless `-mno-outline-atomics` or an `-march` with LSE is given.', '',
  '| helper | files | units | who |', '|---|---:|---:|---|');
for (const [k, e] of helpers.sorted()) p(`| ${code(k)} | ${e.files.size} | ${e.units.size} | ${who(e)} |`);

p('', '## Data layout', '', '| fact | files | who | example |', '|---|---:|---|---|');
for (const [k, e] of layout.anchorsFiles.sorted()) p(`| ${esc(k)} | ${e.files.size} | ${who(e)} | |`);
for (const [k, e] of layout.comm.sorted()) p(`| ${esc(k)} | ${e.files.size} | ${who(e)} | |`);
for (const [k, e] of layout.shared.sorted()) p(`| ${esc(k)} | ${e.files.size} | ${who(e)} | ${esc(layout.sharedExamples.get(k))} |`);
p('', '### Writable data objects by section, size and offset within their 8-byte word', '', '| object | count | files | who |', '|---|---:|---:|---|');
for (const [k, e] of layout.dataAlign.sorted()) p(`| ${esc(k)} | ${e.count} | ${e.files.size} | ${who(e)} |`);
p('');

writeFileSync(outFile, out.join('\n'));
console.log(`wrote ${relative(ROOT, outFile)}: ${files.length} files surveyed, ${filesOk} assemble as they are`);
