// The house rules of the source tree, checked by test/layering.test.ts: every module lives in
// one layer (a folder, or index.ts), a module imports only from its own layer or lower ones,
// and no modules import each other in a loop. Type-only imports count: they are how a lower
// module learns of a higher one's shape, which is the dependency the rule forbids.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** Lowest first. A path belongs to the longest prefix that matches it. */
export const LAYERS: readonly string[] = [
  'isa/', 'asm/', 'litmus/',
  'emu/model/', 'emu/memory/', 'emu/core/', 'emu/machine/', 'emu/observe/', 'emu/threads/',
  'programs/', 'campaign/', 'cli/', 'index.ts', 'fuzz/', 'bench/', 'bin/',
];

/** Tool configuration at the root: imports only packages, belongs to no layer. */
export const OUTSIDE_LAYERS: readonly string[] = ['vitest.config.ts'];

export interface Edge {
  from: string;
  to: string;
  /** 'import' (static, dynamic, type-only or re-export) or 'worker' (new URL(..., import.meta.url)). */
  kind: 'import' | 'worker';
}

/** Relative module references of a source text: import/export ... from, import(), new URL(). */
export function references(text: string): Array<{ spec: string; kind: Edge['kind'] }> {
  const out: Array<{ spec: string; kind: Edge['kind'] }> = [];
  const patterns: Array<[RegExp, Edge['kind']]> = [
    // import x from, import { a, b } from, import type { T } from, import * as m from (possibly over several lines)
    [/^\s*import\s+(?:type\s+)?[\w$*{}\s,]*?\bfrom\s*['"]([^'"]+)['"]/gm, 'import'],
    // import './side-effect'
    [/^\s*import\s*['"]([^'"]+)['"]/gm, 'import'],
    // export { a } from, export * from, export type { T } from, export * as m from
    [/^\s*export\s+(?:type\s+)?(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\})\s*from\s*['"]([^'"]+)['"]/gm, 'import'],
    // await import('./x.ts')
    [/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, 'import'],
    // new Worker(new URL('./worker.mjs', import.meta.url))
    [/new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g, 'worker'],
  ];
  for (const [re, kind] of patterns) for (const m of text.matchAll(re)) out.push({ spec: m[1], kind });
  return out.filter((r) => r.spec.startsWith('./') || r.spec.startsWith('../'));
}

/** Every .ts / .mjs file of the project outside test/, node_modules and the build (dist/), relative to root. */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir).sort()) {
      if (e === 'node_modules' || e.startsWith('.')) continue;
      const p = join(dir, e);
      const rel = relative(root, p);
      if (rel === 'test' || rel === 'dist' || rel.startsWith('dist.')) continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|mjs)$/.test(e)) out.push(rel);
    }
  };
  walk(root);
  return out;
}

/** The module graph: edges to files of the project (directories, e.g. data folders, are kept as targets too). */
export function moduleGraph(root: string, files: readonly string[]): Edge[] {
  const edges: Edge[] = [];
  for (const f of files) {
    for (const r of references(readFileSync(join(root, f), 'utf8'))) {
      edges.push({ from: f, to: normalize(join(dirname(f), r.spec)).replace(/\/$/, ''), kind: r.kind });
    }
  }
  return edges;
}

export function layerOf(path: string): number {
  let best = -1, len = -1;
  LAYERS.forEach((l, i) => {
    const hit = l.endsWith('/') ? path.startsWith(l) || path + '/' === l : path === l;
    if (hit && l.length > len) { best = i; len = l.length; }
  });
  return best;
}

/** Edges from a lower layer to a higher one, and modules in no layer. */
export function layerViolations(files: readonly string[], edges: readonly Edge[]): string[] {
  const out: string[] = [];
  for (const f of files) if (layerOf(f) < 0 && !OUTSIDE_LAYERS.includes(f)) out.push(`${f} is in no layer (add its folder to LAYERS)`);
  for (const e of edges) {
    const a = layerOf(e.from), b = layerOf(e.to);
    if (b > a) out.push(`${e.from} (${LAYERS[a]}) imports ${e.to} (${LAYERS[b]}), a higher layer${e.kind === 'worker' ? ' (worker entry)' : ''}`);
  }
  return out;
}

/** Import cycles (strongly connected components of more than one module, or a self-import),
 * each as the list of its modules and the edges inside it. Worker entries start another thread's
 * module graph, so they are not part of a cycle. */
export function importCycles(edges: readonly Edge[]): string[] {
  const next = new Map<string, string[]>();
  for (const e of edges) if (e.kind === 'import') next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  // Tarjan's strongly connected components.
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), on = new Set<string>(), stack: string[] = [];
  const sccs: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of next.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); c.push(w); } while (w !== v);
      sccs.push(c);
    }
  };
  for (const v of [...next.keys()].sort()) if (!idx.has(v)) visit(v);
  const out: string[] = [];
  for (const c of sccs) {
    const inside = new Set(c);
    const selfLoop = c.length === 1 && (next.get(c[0]) ?? []).includes(c[0]);
    if (c.length < 2 && !selfLoop) continue;
    const es = new Set(edges.filter((e) => e.kind === 'import' && inside.has(e.from) && inside.has(e.to)).map((e) => `${e.from} -> ${e.to}`));
    out.push(`cycle of ${c.length} module(s): ${[...es].sort().join(', ')}`);
  }
  return out;
}
