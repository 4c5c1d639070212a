// Reads compiler-generated AArch64 assembly (GNU as syntax, as GCC and Clang emit it) and
// records what it uses: directives with their argument shapes, mnemonics with their operand
// shapes, the symbols it defines and references, and the layout of its data sections. Used by
// inventory.mjs; knows nothing about hangar.

const CONDS = 'eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al|nv';
const COND_RE = new RegExp(`^(?:${CONDS})$`);
const BCOND_RE = new RegExp(`^b\\.?(${CONDS})$`);
const REG_W = /^w([0-9]|[12][0-9]|30)$/;
const REG_X = /^x([0-9]|[12][0-9]|30)$/;
const SHIFTS = /^(lsl|lsr|asr|ror|msl)$/;
const EXTENDS = /^(uxtb|uxth|uxtw|uxtx|sxtb|sxth|sxtw|sxtx)$/;
const RELOC = /^#?:([a-z0-9_]+):(.+)$/;
const NUM = /^#?-?(0x[0-9a-f]+|[0-9]+)$/i;
const DATA_SIZES = { '.byte': 1, '.hword': 2, '.short': 2, '.2byte': 2, '.half': 2, '.word': 4, '.long': 4, '.int': 4, '.4byte': 4, '.xword': 8, '.quad': 8, '.dword': 8, '.8byte': 8 };

/** Splits on commas outside brackets, braces and quotes. */
export function splitOperands(s) {
  const out = [];
  let depth = 0, quote = false, cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) { cur += ch; if (ch === '\\') cur += s[++i] ?? ''; else if (ch === '"') quote = false; continue; }
    if (ch === '"') quote = true;
    else if (ch === '[' || ch === '{' || ch === '(') depth++;
    else if (ch === ']' || ch === '}' || ch === ')') depth--;
    else if (ch === ',' && depth === 0) { out.push(cur.trim()); cur = ''; continue; }
    cur += ch;
  }
  if (cur.trim() !== '' || out.length) out.push(cur.trim());
  return out;
}

/** Removes a trailing // comment (outside strings). */
function stripComment(line) {
  let quote = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) { if (ch === '\\') i++; else if (ch === '"') quote = false; continue; }
    if (ch === '"') quote = true;
    else if (ch === '/' && line[i + 1] === '/') return line.slice(0, i);
  }
  return line;
}

function isSymbol(s) {
  return /^[A-Za-z_.$][A-Za-z0-9_.$@]*$/.test(s);
}

/** A symbol expression's shape: SYM, SYM+N, .-SYM, (SYM-SYM)/N ... */
export function exprShape(s) {
  return s
    .replace(/"(?:[^"\\]|\\.)*"/g, 'STR')
    .replace(/(?<![A-Za-z0-9_.$])(0x[0-9a-fA-F]+|-?[0-9]+)(?![A-Za-z0-9_.$])/g, 'N')
    .replace(/(?<![A-Za-z0-9_$])\.L[A-Za-z0-9_.$]+/g, 'LOCAL')
    .replace(/(?<![A-Za-z0-9_.$%@])(?!LOCAL\b|STR\b|N\b)[A-Za-z_$][A-Za-z0-9_.$]*/g, 'SYM')
    .replace(/\s+/g, ' ');
}

/** The shape of one instruction operand. */
export function operandShape(op, mnemonic) {
  const o = op.trim();
  const lower = o.toLowerCase();
  if (REG_W.test(lower)) return 'W';
  if (REG_X.test(lower)) return 'X';
  if (lower === 'wzr' || lower === 'xzr' || lower === 'sp' || lower === 'wsp') return lower.toUpperCase();
  if (/^v[0-9]+\.[0-9]*[bhsdq]$/.test(lower)) return 'V.' + lower.split('.')[1];
  if (/^v[0-9]+\.[bhsd]\[[0-9]+\]$/.test(lower)) return 'V.lane';
  if (/^[qdshb]([0-9]|[12][0-9]|3[01])$/.test(lower)) return lower[0].toUpperCase() + 'REG';
  if (/^\{.*\}$/.test(o)) return '{' + splitOperands(o.slice(1, -1)).map((x) => operandShape(x, mnemonic)).join(', ') + '}';
  if (o.startsWith('[')) {
    const wb = o.endsWith('!');
    const inner = o.slice(1, wb ? -2 : -1);
    return '[' + splitOperands(inner).map((x) => operandShape(x, mnemonic)).join(', ') + ']' + (wb ? '!' : '');
  }
  if (o.startsWith('=')) return '=' + exprShape(o.slice(1));
  const r = RELOC.exec(o);
  if (r) return `${o.startsWith('#') ? '#' : ''}:${r[1]}:${exprShape(r[2])}`;
  if (NUM.test(o)) return o.startsWith('#') ? '#IMM' : 'IMM';
  if (/^#/.test(o)) return '#' + exprShape(o.slice(1));
  const sh = /^([a-z]+)(?:\s+(#?)(\S+))?$/i.exec(o);
  if (sh && (SHIFTS.test(sh[1].toLowerCase()) || EXTENDS.test(sh[1].toLowerCase()))) {
    return sh[1].toLowerCase() + (sh[3] !== undefined ? ` ${sh[2]}IMM` : '');
  }
  if (COND_RE.test(lower) && /^(csel|csinc|csinv|csneg|cset|csetm|cinc|cinv|cneg|ccmp|ccmn|fcsel)$/.test(mnemonic)) return 'COND';
  if (/^(dmb|dsb|isb)$/.test(mnemonic)) return lower;
  if (mnemonic === 'bti' || mnemonic === 'prfm' || mnemonic === 'sys') return lower;
  return exprShape(o);
}

/** Canonical mnemonic: B.cond spellings (GCC's beq, Clang's b.eq) become 'b.<cond>'. */
export function canonicalMnemonic(m) {
  const lower = m.toLowerCase();
  const b = BCOND_RE.exec(lower);
  return b ? 'b.<cond>' : lower;
}

/** Shape of a directive's arguments (what the assembler must parse). */
export function directiveShape(name, args) {
  if (name === '.section' || name === '.pushsection') {
    const parts = splitOperands(args);
    const sec = parts[0]
      .replace(/^"(.*)"$/, '$1')
      .replace(/^(\.(?:text|data|bss|rodata|tbss|tdata|data\.rel\.ro|data\.rel|gcc_except_table)(?:\.local)?)\.(?!str1|cst|local\b)(_Z|DW\.ref|[A-Za-z_]).*$/, '$1.<symbol>');
    const rest = parts.slice(1).map((p, i) => (i === 3 && isSymbol(p) ? 'GROUP' : p));
    return [sec, ...rest].join(',');
  }
  if (name === '.string' || name === '.ascii' || name === '.asciz') return 'STR';
  if (name === '.ident') return 'STR';
  if (name === '.file') return (exprShape(args.replace(/\s*md5 0x[0-9a-f]+/i, '')) + (/md5 0x/i.test(args) ? ' md5 HEX' : '')).trim();
  if (name === '.arch' || name === '.arch_extension' || name === '.cpu') return args;
  if (name.startsWith('.cfi_')) return exprShape(args.replace(/(?<![A-Za-z0-9_.$])[wx]([0-9]|[12][0-9]|30)\b/g, '0')).replace(/^N, N$/, 'REG, N').replace(/^N$/, name === '.cfi_restore' ? 'REG' : 'N');
  if (name === '.type') return splitOperands(args).map((p, i) => (i === 0 ? 'SYM' : p)).join(', ');
  return exprShape(args);
}

/**
 * Surveys one file. Returns {
 *   directives: Map<name, Map<shape, count>>, mnemonics: Map<canon, Map<shape, count>>,
 *   spellings: Map<canon, Set<mnemonic>>, defined: Set, referenced: Map<sym, Set<how>>,
 *   dataObjects: [{section, name, offset, size, align}], sharedWords: [[a, b]] (objects
 *   of a writable section whose bytes share an aligned 8-byte word), anchors: number of
 *   .LANCHOR references, comm: [{name, size, align, directive}], mergedAliases: [{name, offset}]
 *   (Clang's `.set sym, .L_MergedGlobals+N`) }.
 */
export function surveyFile(text) {
  const directives = new Map();
  const mnemonics = new Map();
  const spellings = new Map();
  const defined = new Set();
  const referenced = new Map();
  const bump = (map, key, sub) => {
    if (!map.has(key)) map.set(key, new Map());
    const m = map.get(key);
    m.set(sub, (m.get(sub) ?? 0) + 1);
  };
  const ref = (sym, how) => {
    if (!referenced.has(sym)) referenced.set(sym, new Set());
    referenced.get(sym).add(how);
  };
  const symbolsIn = (expr) => (expr.match(/(?<![A-Za-z0-9_.$])[A-Za-z_.$][A-Za-z0-9_.$]*/g) ?? []).filter((s) => s !== '.' && !/^(lsl|lsr|asr|ror|sxtw|uxtw|sxtb|uxtb|sxth|uxth|sxtx|uxtx|lo12|got|got_lo12|abs_g[0-3](_nc|_s)?|tprel.*|dtprel.*|tlsdesc.*)$/.test(s));

  // data layout
  let section = '.text';
  const offsets = new Map();
  const dataObjects = [];
  const sizes = new Map();
  const comm = [];
  const mergedAliases = [];
  let anchors = 0;
  const here = () => offsets.get(section) ?? 0;
  const advance = (n) => offsets.set(section, here() + n);
  const isData = () => !/^\.text|^\.init|^\.fini|^\.note|^\.debug|^\.gcc_except|^\.eh_frame/.test(section);

  for (const raw of text.split(/\r?\n/)) {
    let line = stripComment(raw).trim();
    if (line === '') continue;
    // labels (possibly several, possibly followed by a statement)
    let m;
    while ((m = /^([A-Za-z_.$][A-Za-z0-9_.$]*|[0-9]+):\s*/.exec(line))) {
      const label = m[1];
      defined.add(label);
      if (isData() && !label.startsWith('.L')) dataObjects.push({ section, name: label, offset: here() });
      line = line.slice(m[0].length);
    }
    if (line === '') continue;
    const sp = /^(\S+)\s*(.*)$/.exec(line);
    const word = sp[1];
    const args = sp[2];
    if (word.startsWith('.')) {
      bump(directives, word, directiveShape(word, args));
      const parts = splitOperands(args);
      if (word === '.section' || word === '.pushsection') section = parts[0].replace(/^"(.*)"$/, '$1');
      else if (word === '.text' || word === '.data' || word === '.bss') section = word;
      else if (word === '.p2align' || word === '.align' || word === '.balign') {
        const v = Number(parts[0]);
        const a = word === '.balign' ? v : 2 ** v;
        if (a > 0) offsets.set(section, Math.ceil(here() / a) * a);
      } else if (word === '.zero' || word === '.skip' || word === '.space') advance(Number(parts[0]));
      else if (DATA_SIZES[word]) {
        advance(DATA_SIZES[word] * parts.length);
        for (const p of parts) for (const s of symbolsIn(p)) ref(s, 'data');
      } else if (word === '.string' || word === '.asciz') advance(JSON.parse(args.replace(/\\([0-7]{1,3})/g, (x, o) => `\\u${Number.parseInt(o, 8).toString(16).padStart(4, '0')}`)).length + 1);
      else if (word === '.size') { const [s, v] = parts; if (/^[0-9]+$/.test(v ?? '')) sizes.set(s, Number(v)); }
      else if (word === '.comm' || word === '.lcomm') {
        comm.push({ name: parts[0], size: Number(parts[1]), align: Number(parts[2] ?? 0), directive: word });
        defined.add(parts[0]);
      } else if (word === '.set' || word === '.equ' || word === '.equiv') {
        defined.add(parts[0]);
        const merged = /^\.L_MergedGlobals(?:\+([0-9]+))?$/.exec(parts[1] ?? '');
        if (merged) mergedAliases.push({ name: parts[0], offset: Number(merged[1] ?? 0) });
      }
      else if (word === '.cfi_personality' || word === '.cfi_lsda') for (const s of symbolsIn(parts[1] ?? '')) ref(s, 'cfi');
      continue;
    }
    // an instruction
    const canon = canonicalMnemonic(word);
    if (!spellings.has(canon)) spellings.set(canon, new Set());
    spellings.get(canon).add(word.toLowerCase());
    const ops = args === '' ? [] : splitOperands(args);
    bump(mnemonics, canon, ops.map((o) => operandShape(o, canon)).join(', '));
    const how = canon === 'bl' ? 'call' : canon === 'b' || canon === 'b.<cond>' || /^(cbz|cbnz|tbz|tbnz)$/.test(canon) ? 'branch' : 'address';
    for (const o of ops) {
      const r = RELOC.exec(o.replace(/^\[|\]!?$/g, '').split(',').pop().trim());
      if (r) { for (const s of symbolsIn(r[2])) { ref(s, r[1].startsWith('got') ? 'got' : how); if (s.startsWith('.LANCHOR')) anchors++; } continue; }
      if (o.startsWith('=')) { for (const s of symbolsIn(o.slice(1))) ref(s, 'literal-pool'); continue; }
      if (o.startsWith('[') || NUM.test(o) || REG_W.test(o) || REG_X.test(o)) continue;
      if ((how !== 'address' || canon === 'adrp' || canon === 'adr') && isSymbol(o.split('+')[0])) {
        const s = o.split('+')[0];
        if (s.startsWith('.LANCHOR')) anchors++;
        if (!COND_RE.test(s) && !/^(wzr|xzr|sp|wsp)$/i.test(s)) ref(s, how);
      }
    }
  }
  for (const o of dataObjects) o.size = sizes.get(o.name) ?? null;
  // objects that share an aligned 8-byte word with another object of the same section
  const sharedWords = [];
  const bySection = new Map();
  for (const o of dataObjects) if (o.size !== null && !/^\.rodata/.test(o.section)) (bySection.get(o.section) ?? bySection.set(o.section, []).get(o.section)).push(o);
  for (const objs of bySection.values()) {
    for (let i = 0; i + 1 < objs.length; i++) {
      const a = objs[i], b = objs[i + 1];
      if (a.size > 0 && Math.floor((a.offset + a.size - 1) / 8) === Math.floor(b.offset / 8)) sharedWords.push([a, b]);
    }
  }
  return { directives, mnemonics, spellings, defined, referenced, dataObjects, sharedWords, anchors, comm, mergedAliases };
}
