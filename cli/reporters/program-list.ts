// `hangar list`: the built-in programs with their cores, descriptions and expected verdicts per
// target, then the targets.
import { PROGRAMS, TARGETS } from '../../programs/catalog.ts';

export function programListJson(): string {
  return PROGRAMS.map((p) => JSON.stringify({ name: p.name, cores: p.cores, description: p.description, hangMeaning: p.hangMeaning, expected: p.expected }) + '\n').join('');
}

export function programListText(): string {
  let s = 'Programs (hangar run|replay|campaign <program> --target T):\n';
  const w = Math.max(...PROGRAMS.map((p) => p.name.length));
  for (const p of PROGRAMS) {
    const exp = TARGETS.map((t) => `${t.name}: ${p.expected[t.name]}`).join(', ');
    s += `  ${p.name.padEnd(w)}  ${p.cores} cores  ${p.description}\n  ${''.padEnd(w)}  expected: ${exp}\n`;
  }
  s += 'Targets:\n';
  for (const t of TARGETS) s += `  ${t.name.padEnd(11)} (${t.model} model) ${t.description}\n`;
  return s;
}
