// Fuzz tests run from a fixed seed, printed, so that every run checks the same inputs and a
// failure replays. HANGAR_FUZZ_SEED=<n> runs from seed n, HANGAR_FUZZ_SEED=random from a
// random seed (printed, so that a failure it finds can be replayed with its number).
const DEFAULT_SEED = 20261202;

function fuzzSeed(): number {
  const env = process.env.HANGAR_FUZZ_SEED;
  if (env === undefined || env === '') return DEFAULT_SEED;
  if (env === 'random') return (Math.random() * 2 ** 31) | 0;
  const n = Number(env);
  if (!Number.isSafeInteger(n)) throw new Error(`HANGAR_FUZZ_SEED must be an integer or 'random', not '${env}'`);
  return n | 0;
}

export const FUZZ_SEED = fuzzSeed();

/** fast-check parameters: numRuns runs from FUZZ_SEED. */
export function fuzzRuns(numRuns: number): { numRuns: number; seed: number } {
  return { numRuns, seed: FUZZ_SEED };
}

/** Says which seed a fuzz file runs from (once per file). */
export function announceFuzzSeed(what: string): void {
  console.log(`${what}: fuzz seed ${FUZZ_SEED} (HANGAR_FUZZ_SEED=<n> or =random for another)`);
}
