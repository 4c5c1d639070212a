// A final state of a litmus test: the values of its observed variables under herd's keys
// ("1:X0" for a register, "x" for a location), each at its declared C type as herd prints it
// (exact 64-bit integers, a location's name for its address), and the one key by which states
// are compared and counted, whatever the order of their fields.
import { isInteger, parse, stringify } from 'lossless-json';
import type { Value } from './condition.ts';

export type FinalState = Record<string, Value>;

/** How a variable's bytes are read back: its size, signedness, and whether it is a pointer. */
export interface CType {
  bytes: 1 | 2 | 4 | 8;
  signed: boolean;
  /** Declared with `*` (its value is an address: printed as a location's name). */
  pointer: boolean;
}

/** A register or variable the test does not declare: 8 bytes, signed (herd's printing without
 * a type; hangar gives every variable its own 8-byte slot). */
export const UNDECLARED: CType = { bytes: 8, signed: true, pointer: false };

const C_TYPES: Record<string, Omit<CType, 'pointer'>> = {
  int8_t: { bytes: 1, signed: true }, uint8_t: { bytes: 1, signed: false }, char: { bytes: 1, signed: true },
  int16_t: { bytes: 2, signed: true }, uint16_t: { bytes: 2, signed: false }, short: { bytes: 2, signed: true },
  int32_t: { bytes: 4, signed: true }, uint32_t: { bytes: 4, signed: false }, int: { bytes: 4, signed: true }, unsigned: { bytes: 4, signed: false },
  int64_t: { bytes: 8, signed: true }, uint64_t: { bytes: 8, signed: false }, long: { bytes: 8, signed: true },
  intptr_t: { bytes: 8, signed: true }, uintptr_t: { bytes: 8, signed: false },
};

/** The C integer type named `name` (pointer: declared with `*`), or undefined. */
export function cType(name: string, pointer = false): CType | undefined {
  const t = C_TYPES[name];
  if (t === undefined) return undefined;
  return pointer ? { bytes: 8, signed: false, pointer: true } : { ...t, pointer: false };
}

export const C_TYPE_NAMES: readonly string[] = Object.keys(C_TYPES);

/** v as a value of type t: truncated to its size, signed or unsigned. */
export function asType(v: bigint, t: CType): bigint {
  const bits = 8 * t.bytes;
  return t.signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
}

/** The value of a variable of type t whose 64-bit contents are (lo, hi) (two's complement
 * halves): a location's name when it holds that location's address, else the integer. */
export function typedValue(lo: number, hi: number, t: CType, byAddr: ReadonlyMap<number, string>): Value {
  if (t.bytes >= 4 && hi === 0) {
    const name = byAddr.get(lo >>> 0);
    if (name !== undefined) return name;
  }
  return asType((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0), t);
}

/** Equal for equal states, whatever the order of their fields. */
export function stateKey(s: FinalState): string {
  return Object.keys(s).sort().map((k) => `${JSON.stringify(k)}:${typeof s[k] === 'bigint' ? String(s[k]) : JSON.stringify(s[k])}`).join(',');
}

/** JSON text of a value holding states: integers exactly, as JSON numbers (beyond 2^53 too). */
export function exactJson(value: unknown, indent?: number): string {
  return stringify(value, undefined, indent) ?? 'null';
}

/** Parses JSON with every integer as a BigInt (so a state's values are exact). */
export function parseExactJson(text: string): unknown {
  return parse(text, null, (s) => (isInteger(s) ? BigInt(s) : Number(s)));
}
