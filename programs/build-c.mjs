#!/usr/bin/env node
// Compiles hangar's C and C++ programs to the assembly committed beside them, checks that the
// committed assembly is current, builds the flag matrix the inventory is made from, and runs
// the programs natively. Every compiler, flag and output name lives in this file.
//
//   node programs/build-c.mjs                 regenerate every committed .s
//   node programs/build-c.mjs --check         exit 1 if a committed .s is missing, stale (its
//                                             sources or command changed) or was made by
//                                             another compiler version than the one installed;
//                                             compilers that are not installed are not checked
//                                             for version (the source hashes still are)
//   node programs/build-c.mjs --matrix DIR [--flagsets a,b]
//                                             compile every unit with every matrix flag set
//                                             (or those named) into DIR (not committed;
//                                             programs/c/inventory.mjs reads it)
//   node programs/build-c.mjs --native [--runs N] [-D NAME=V ...]
//                                             build every unit with the host gcc/g++ -O2
//                                             -pthread and run it N times (default 1000), each
//                                             with a 10 s time limit; exit 1 if a correct
//                                             program asserts, fails or hangs
//   --only TEXT                               limit any mode to units whose name contains TEXT
//
// Naming (programs/c/README.md): programs/<primitive>/compiled/<version>.<target>.s for the QEMU
// programs; programs/corpus/compiled/<name>[.<VARIANT>].<cc>-<O>.<target>.s for the corpus.
// Each .s starts with comment lines: the command (run from the repository root), the
// compiler's version line and the SHA-256 of the command and every source it reads.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// ---- the one place for compilers and flags ----------------------------------------------------

/** Compiler drivers: [command, ...leading args]; `package` is the Debian package to install. */
export const DRIVERS = {
  'gcc-arm': { c: ['aarch64-linux-gnu-gcc'], cxx: ['aarch64-linux-gnu-g++'], package: 'gcc-aarch64-linux-gnu g++-aarch64-linux-gnu' },
  'clang-arm': { c: ['clang', '--target=aarch64-linux-gnu'], cxx: ['clang++', '--target=aarch64-linux-gnu'], package: 'clang (with gcc-aarch64-linux-gnu for the headers)' },
  'gcc-x86': { c: ['gcc'], cxx: ['g++'], package: 'gcc g++' },
};

/** What each hangar target compiles with. armv8-llsc keeps Debian's default -moutline-atomics:
 * the runtime's __aarch64_* helpers choose LL/SC there, as libgcc does on a CPU without LSE. */
export const TARGETS = {
  'armv8-llsc': { flags: [] },
  'armv8-lse': { flags: ['-march=armv8.1-a'] },
  'x86-tso': { flags: [] },
};

/** The compiler for a (cc, target) pair. */
function driverFor(cc, target) {
  if (target === 'x86-tso') return cc === 'gcc' ? 'gcc-x86' : null;
  return cc === 'gcc' ? 'gcc-arm' : 'clang-arm';
}

export const CORPUS_LEVELS = ['-O0', '-O1', '-O2', '-O3', '-Os'];
/** The committed corpus outputs: every level, both compilers, both Arm targets; x86-64 GCC -O2. */
const CORPUS_BUILDS = [
  ...['gcc', 'clang'].flatMap((cc) => CORPUS_LEVELS.flatMap((o) => ['armv8-llsc', 'armv8-lse'].map((target) => ({ cc, o, target })))),
  { cc: 'gcc', o: '-O2', target: 'x86-tso' },
];
/** The committed QEMU-program outputs: the default flags per target. */
const QEMU_BUILDS = ['armv8-llsc', 'armv8-lse', 'x86-tso'].map((target) => ({ cc: 'gcc', o: '-O2', target }));

/** Extra flag sets of the inventory matrix (not committed), each at every level with both
 * compilers on Arm. */
export const MATRIX_FLAGSETS = {
  default: [],
  lse: ['-march=armv8.1-a'],
  'no-outline-atomics': ['-mno-outline-atomics'],
  pic: ['-fPIC'],
  pie: ['-fPIE'],
  'branch-protection': ['-mbranch-protection=standard'],
  debug: ['-g'],
  'large-code-model': ['-mcmodel=large', '-fno-pie'], // Debian's GCC defaults to PIE, which large refuses
};

const QEMU_PROGRAMS = [
  'qemu-event/v7.2', 'qemu-event/v8.0',
  'aio-notify/pre-2020', 'aio-notify/post-2020', 'aio-notify/pre-2020-aio-poll',
  'aio-wait-kick/pre-2022', 'aio-wait-kick/2022', 'aio-wait-kick/2023',
  'bh-enqueue/v7.2', 'bh-enqueue/v1-patch',
];
/** QEMU programs expected to hang or fail natively on x86-64 (README "Expected verdicts"). */
const NATIVE_MAY_HANG = new Set(['aio-wait-kick/pre-2022']);

// ---- units: one source file (and variant) to compile ------------------------------------------

/** A unit: { name, source (repo-relative), lang: 'c'|'cxx', defines: [], kind: 'qemu'|'corpus',
 *  variant|null, broken: bool }. */
export function units() {
  const list = [];
  for (const p of QEMU_PROGRAMS) {
    list.push({ name: p, source: `programs/${p}.c`, lang: 'c', defines: [], kind: 'qemu', variant: null, broken: false });
  }
  const dir = join(ROOT, 'programs/corpus');
  for (const f of readdirSync(dir).sort()) {
    const m = /^(.*)\.(c|cpp)$/.exec(f);
    if (!m) continue;
    const source = `programs/corpus/${f}`;
    const lang = m[2] === 'c' ? 'c' : 'cxx';
    list.push({ name: `corpus/${m[1]}`, source, lang, defines: [], kind: 'corpus', variant: null, broken: false });
    for (const v of variantsOf(readFileSync(join(ROOT, source), 'utf8'))) {
      list.push({ name: `corpus/${m[1]}.${v}`, source, lang, defines: [`-D${v}`], kind: 'corpus', variant: v, broken: true });
    }
  }
  return list;
}

/** The `hangar-variant: NAME` lines of a source's header. */
export function variantsOf(text) {
  return [...text.matchAll(/hangar-variant:\s+([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]);
}

/** The committed output of a unit for one build. */
export function outputPath(unit, build) {
  if (unit.kind === 'qemu') {
    const [primitive, version] = unit.name.split('/');
    return `programs/${primitive}/compiled/${version}.${build.target}.s`;
  }
  const base = unit.name.slice('corpus/'.length);
  return `programs/corpus/compiled/${base}.${build.cc}${build.o}.${build.target}.s`;
}

function buildsOf(unit) {
  return unit.kind === 'qemu' ? QEMU_BUILDS : CORPUS_BUILDS;
}

/** argv (without -o) compiling `unit` for `build`, plus extra flags; null if no such driver. */
function commandFor(unit, build, extra = []) {
  const driver = driverFor(build.cc, build.target);
  if (!driver) return null;
  const d = DRIVERS[driver];
  return [...d[unit.lang], build.o, ...TARGETS[build.target].flags, ...extra, ...unit.defines, '-S', unit.source];
}

// ---- sources and hashes -----------------------------------------------------------------------

/** The repo-relative files a source reads: itself and its quoted includes, transitively. */
export function inputsOf(source) {
  const seen = new Set();
  const visit = (rel) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    const text = readFileSync(join(ROOT, rel), 'utf8');
    for (const m of text.matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)) {
      const inc = relative(ROOT, resolve(ROOT, dirname(rel), m[1]));
      if (existsSync(join(ROOT, inc))) visit(inc);
    }
  };
  visit(source);
  return [...seen].sort();
}

function inputsHash(command, inputs) {
  const h = createHash('sha256');
  h.update(command.join(' ') + '\n');
  for (const f of inputs) h.update(`${f}\n${readFileSync(join(ROOT, f))}\n`);
  return h.digest('hex');
}

const versionCache = new Map();
/** The first line of `cmd --version`, or null when the compiler is not installed. */
export function compilerVersion(cmd) {
  if (!versionCache.has(cmd)) {
    const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
    versionCache.set(cmd, r.status === 0 ? r.stdout.split('\n')[0].trim() : null);
  }
  return versionCache.get(cmd);
}

function commentFor(target) {
  return target === 'x86-tso' ? '#' : '//';
}

function header(unit, build, command, version) {
  const c = commentFor(build.target);
  const inputs = inputsOf(unit.source);
  return [
    `${c} Generated by programs/build-c.mjs from ${unit.source}; do not edit (node programs/build-c.mjs regenerates it).`,
    `${c} command: ${command.join(' ')} -o -`,
    `${c} compiler: ${version}`,
    `${c} inputs-sha256: ${inputsHash(command, inputs)} (${inputs.join(' ')})`,
    '',
  ].join('\n');
}

/** Parses the header lines of a committed output. */
export function readHeader(text) {
  const get = (key) => new RegExp(`^(?://|#) ${key}: (.*)$`, 'm').exec(text.slice(0, 2000))?.[1] ?? null;
  return { command: get('command'), compiler: get('compiler'), hash: get('inputs-sha256')?.split(' ')[0] ?? null };
}

// ---- running compilers ------------------------------------------------------------------------

function run(argv, opts = {}) {
  return new Promise((done) => {
    const p = spawn(argv[0], argv.slice(1), { cwd: ROOT, ...opts });
    const out = [], err = [];
    p.stdout?.on('data', (b) => out.push(b));
    p.stderr?.on('data', (b) => err.push(b));
    p.on('error', (e) => done({ status: -1, stdout: '', stderr: String(e) }));
    p.on('close', (status, signal) => done({ status, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
  });
}

async function pool(jobs, n, work) {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < jobs.length) await work(jobs[next++]);
  }));
}

function missingCompiler(cmd) {
  const pkg = Object.values(DRIVERS).find((d) => d.c[0] === cmd || d.cxx[0] === cmd)?.package ?? cmd;
  return `${cmd} is not installed (Debian: apt-get install -y ${pkg})`;
}

async function compileTo(argv, file, headerText) {
  const r = await run([...argv, '-o', '-']);
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed:\n${r.stderr}`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, headerText + r.stdout);
}

async function regenerate(selected) {
  const jobs = [];
  for (const unit of selected) {
    for (const build of buildsOf(unit)) {
      const command = commandFor(unit, build);
      const version = compilerVersion(command[0]);
      if (!version) throw new Error(missingCompiler(command[0]));
      jobs.push({ unit, build, command, version });
    }
  }
  let done = 0;
  await pool(jobs, 2, async ({ unit, build, command, version }) => {
    await compileTo(command, join(ROOT, outputPath(unit, build)), header(unit, build, command, version));
    if (++done % 50 === 0) process.stderr.write(`${done}/${jobs.length}\n`);
  });
  console.log(`wrote ${jobs.length} files`);
}

/** Problems with the committed outputs, as strings (empty: all current). With every unit
 * selected it also reports .s files in the output folders that no unit produces. */
export function checkOutputs(only = undefined) {
  const selected = units().filter((u) => !only || u.name.includes(only));
  const problems = [];
  const expected = new Set();
  const unchecked = new Set();
  for (const unit of selected) {
    for (const build of buildsOf(unit)) {
      const rel = outputPath(unit, build);
      expected.add(rel);
      const command = commandFor(unit, build);
      const file = join(ROOT, rel);
      if (!existsSync(file)) { problems.push(`${rel}: missing`); continue; }
      const h = readHeader(readFileSync(file, 'utf8'));
      if (h.command !== `${command.join(' ')} -o -`) problems.push(`${rel}: made by '${h.command}', expected '${command.join(' ')} -o -'`);
      if (h.hash !== inputsHash(command, inputsOf(unit.source))) problems.push(`${rel}: stale (its sources changed since it was generated)`);
      const version = compilerVersion(command[0]);
      if (version === null) unchecked.add(command[0]);
      else if (h.compiler !== version) problems.push(`${rel}: made by '${h.compiler}', installed is '${version}'`);
    }
  }
  if (!only) {
    for (const dir of new Set([...expected].map((f) => dirname(f)))) {
      for (const f of readdirSync(join(ROOT, dir))) {
        if (f.endsWith('.s') && !expected.has(`${dir}/${f}`)) problems.push(`${dir}/${f}: not produced by build-c.mjs (remove it)`);
      }
    }
  }
  return { problems, unchecked: [...unchecked] };
}

/** Compiles each (unit, build) pair into a temp dir and returns the outputs whose fresh
 * compilation (header included) differs from the committed file, as strings. `pick` chooses
 * the pairs (default: every committed output). */
export async function compareOutputs(pick = () => true) {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-c-compare-'));
  const problems = [];
  try {
    const jobs = units().flatMap((unit) => buildsOf(unit).filter((build) => pick(unit, build)).map((build) => ({ unit, build })));
    await pool(jobs, 2, async ({ unit, build }) => {
      const command = commandFor(unit, build);
      const version = compilerVersion(command[0]);
      if (!version) { problems.push(missingCompiler(command[0])); return; }
      const rel = outputPath(unit, build);
      const fresh = join(dir, rel.replace(/\//g, '__'));
      await compileTo(command, fresh, header(unit, build, command, version));
      const committed = join(ROOT, rel);
      if (!existsSync(committed)) problems.push(`${rel}: missing`);
      else if (!readFileSync(committed).equals(readFileSync(fresh))) problems.push(`${rel}: differs from a fresh compilation`);
    });
    return { problems, compared: jobs.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function matrix(selected, outDir, flagsets) {
  const jobs = [];
  for (const unit of selected) {
    for (const cc of ['gcc', 'clang']) {
      for (const o of CORPUS_LEVELS) {
        for (const [set, flags] of Object.entries(MATRIX_FLAGSETS).filter(([n]) => !flagsets || flagsets.includes(n))) {
          const build = { cc, o, target: 'armv8-llsc' };
          const command = commandFor(unit, build, flags);
          if (!compilerVersion(command[0])) throw new Error(missingCompiler(command[0]));
          const file = join(outDir, `${unit.name.replace('/', '__')}.${cc}${o}.${set}.s`);
          jobs.push({ unit, build, command, file });
        }
      }
    }
  }
  let done = 0;
  await pool(jobs, 2, async ({ unit, build, command, file }) => {
    await compileTo(command, file, header(unit, build, command, compilerVersion(command[0])));
    if (++done % 200 === 0) process.stderr.write(`${done}/${jobs.length}\n`);
  });
  console.log(`wrote ${jobs.length} files to ${outDir}`);
}

async function native(selected, runs, defines) {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-native-'));
  let bad = 0;
  try {
    for (const unit of selected) {
      const d = DRIVERS['gcc-x86'];
      const exe = join(dir, unit.name.replace(/[/.]/g, '_'));
      const argv = [...d[unit.lang], '-O2', '-pthread', '-Wall', ...defines.map((x) => `-D${x}`), ...unit.defines, unit.source, '-o', exe];
      const b = await run(argv);
      if (b.status !== 0) { console.log(`${unit.name}: build failed\n${b.stderr}`); bad++; continue; }
      const count = { ok: 0, assert: 0, hang: 0, other: 0 };
      for (let i = 0; i < runs; i++) {
        const r = await run(['timeout', '10', exe], { stdio: ['ignore', 'ignore', 'pipe'] });
        if (r.status === 0) count.ok++;
        else if (r.status === 124) count.hang++;
        else if (r.signal === 'SIGABRT' || r.status === 134 || /Assertion/.test(r.stderr)) count.assert++;
        else count.other++;
      }
      const mayFail = unit.broken || NATIVE_MAY_HANG.has(unit.name);
      const failed = count.ok !== runs && !mayFail;
      if (failed) bad++;
      console.log(`${unit.name.padEnd(48)} ok ${count.ok} assert ${count.assert} hang ${count.hang} other ${count.other}${mayFail ? '  (broken variant or expected hang: not a failure)' : ''}${failed ? '  FAILED' : ''}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return bad;
}

// ---- command line -----------------------------------------------------------------------------

async function main(argv) {
  const opt = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const only = opt('--only');
  const selected = units().filter((u) => !only || u.name.includes(only));
  if (argv.includes('--check')) {
    const { problems, unchecked } = checkOutputs(only);
    for (const c of unchecked) console.log(`note: ${missingCompiler(c)}; compiler versions not checked`);
    for (const p of problems) console.log(p);
    console.log(problems.length ? `${problems.length} problems` : 'all committed outputs are current');
    return problems.length ? 1 : 0;
  }
  if (argv.includes('--matrix')) {
    await matrix(selected, resolve(opt('--matrix') ?? join(tmpdir(), 'hangar-c-matrix')), opt('--flagsets')?.split(','));
    return 0;
  }
  if (argv.includes('--native')) {
    const defines = argv.flatMap((a, i) => (a === '-D' ? [argv[i + 1]] : []));
    return (await native(selected, Number(opt('--runs') ?? 1000), defines)) ? 1 : 0;
  }
  await regenerate(selected);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e) => { console.error(e.message); process.exit(2); });
}
