// The layout stays tidy: no module imports one of a higher layer (isa < asm < litmus <
// emu/model < emu/memory < emu/core < emu/machine < emu/observe < emu/threads < programs <
// campaign < cli < index.ts < bench < bin), and no modules import each other in a loop, type
// imports included. A failure names each offending edge.
import { describe, expect, it } from 'vitest';
import { importCycles, layerOf, layerViolations, moduleGraph, references, sourceFiles, type Edge } from './support/layering.ts';
import { repoRoot } from './support/corpus.ts';

const files = sourceFiles(repoRoot);
const edges = moduleGraph(repoRoot, files);

describe('layering', () => {
  it('finds the modules and their imports', () => {
    expect(files.length).toBeGreaterThan(60);
    expect(files).toContain('emu/core/executor.ts');
    expect(edges.length).toBeGreaterThan(150);
    // Multi-line, type-only, dynamic imports and worker entries are all seen.
    expect(edges.some((e) => e.from === 'bin/hangar.mjs' && e.to === 'cli/main.ts')).toBe(true);
    expect(edges.some((e) => e.kind === 'worker' && e.to === 'emu/threads/worker-entry.mjs')).toBe(true);
  });

  it('every module is in a layer and imports no higher layer', () => {
    expect(layerViolations(files, edges)).toEqual([]);
  });

  it('the catalog is data: programs/ imports nothing of the engine', () => {
    expect(edges.filter((e) => e.from.startsWith('programs/') && e.to.startsWith('emu/')).map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  it('no import cycles', () => {
    expect(importCycles(edges)).toEqual([]);
  });

  it('every import resolves to a file of the project', () => {
    const known = new Set(files);
    // Data files and folders (cost tables, bench programs) are referenced too; code must exist.
    const missing = edges.filter((e) => /\.(ts|mjs)$/.test(e.to) && !known.has(e.to)).map((e) => `${e.from} -> ${e.to}`);
    expect(missing).toEqual([]);
  });

  it('the checks catch a bad edge (made-up graph)', () => {
    const made: Edge[] = [
      { from: 'emu/core/executor.ts', to: 'emu/machine/machine.ts', kind: 'import' },
      { from: 'emu/machine/machine.ts', to: 'emu/core/executor.ts', kind: 'import' },
      { from: 'campaign/x.ts', to: 'campaign/y.ts', kind: 'import' },
      { from: 'campaign/y.ts', to: 'campaign/x.ts', kind: 'import' },
    ];
    expect(layerViolations(['emu/core/executor.ts', 'emu/machine/machine.ts', 'nowhere/z.ts'], made)).toEqual([
      'nowhere/z.ts is in no layer (add its folder to LAYERS)',
      'emu/core/executor.ts (emu/core/) imports emu/machine/machine.ts (emu/machine/), a higher layer',
    ]);
    expect(importCycles(made)).toHaveLength(2);
    expect(layerOf('index.ts')).toBeGreaterThan(layerOf('cli/main.ts'));
    expect(references(`import type {\n  A,\n  B,\n} from './a.ts';\nexport * from '../b.ts';\nconst m = await import('./c.ts');\nimport 'node:fs';`).map((r) => r.spec)).toEqual(['./a.ts', '../b.ts', './c.ts']);
  });
});
