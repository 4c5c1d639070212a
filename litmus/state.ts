// A final state of a litmus test: the values of its observed variables under herd's keys
// ("1:X0" for a register, "x" for a location), and the one key by which states are compared
// and counted, whatever the order of their fields.
import type { Value } from './condition.ts';

export type FinalState = Record<string, Value>;

/** Equal for equal states, whatever the order of their fields. */
export function stateKey(s: FinalState): string {
  return JSON.stringify(Object.keys(s).sort().map((k) => [k, s[k]]));
}
