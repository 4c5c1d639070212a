// Memory models as data. One set of step rules (emu/core/) runs every model; a model only
// strengthens the ordering attributes of each access before the rules see it (the functions at
// the end), and switches promises on or off. This is the standard x86→Arm mapping read
// backwards: TSO loads behave as LDAPR, TSO stores as STLR, LOCK'd RMWs as AL atomics, MFENCE
// as DMB SY (Sewell et al., "x86-TSO", CACM 2010; emu/README.md, "Memory model"). SC makes
// every load LDAR and every store STLR, which orders all program-order pairs.
import * as isa from '../../isa/instructions.ts';

// Module-local aliases of imported bindings: these functions are on the step's hot path (see
// emu/core/access.ts).
const { Barrier, FLAG_ACQ, FLAG_ACQPC, FLAG_EXCL, FLAG_REL } = isa;
type Barrier = isa.Barrier;

export type ModelName = 'armv8' | 'tso' | 'sc';

/** Read ordering, weakest first (the rules compare with >=). */
export enum ReadOrd {
  PLAIN = 0,
  /** RCpc acquire (LDAPR). */
  Q = 1,
  /** RCsc acquire (LDAR). */
  A = 2,
}

export interface MemoryModel {
  name: ModelName;
  /** Minimum ordering of every load. */
  loadFloor: ReadOrd;
  /** Every store is at least a release. */
  storeRelease: boolean;
  /** Every RMW (exclusive pair or LSE atomic) is acquire+release with a full-barrier effect. */
  rmwFull: boolean;
  /** Every barrier (DMB/DSB of any kind) acts as a full barrier. */
  fenceFull: boolean;
  /** Promises (early writes) are needed only where the model allows R→W / W→W reordering. */
  promises: boolean;
}

export const MODELS: Record<ModelName, MemoryModel> = {
  armv8: { name: 'armv8', loadFloor: ReadOrd.PLAIN, storeRelease: false, rmwFull: false, fenceFull: false, promises: true },
  tso: { name: 'tso', loadFloor: ReadOrd.Q, storeRelease: true, rmwFull: true, fenceFull: true, promises: false },
  sc: { name: 'sc', loadFloor: ReadOrd.A, storeRelease: true, rmwFull: true, fenceFull: true, promises: false },
};

export function isModelName(s: string): s is ModelName {
  return s === 'armv8' || s === 'tso' || s === 'sc';
}

// ---- the ordering of each access under a model: the executor's rules see these, and the
// timing model (bench/timing) prices release stores, RMWs and barriers by the same answers.

/** A load of these flags (LDR, LDAR, LDAPR, LDXR, LDAXR) under the model. */
export function loadOrdering(m: MemoryModel, flags: number): ReadOrd {
  let ord = (flags & FLAG_ACQ) !== 0 ? ReadOrd.A : (flags & FLAG_ACQPC) !== 0 ? ReadOrd.Q : ReadOrd.PLAIN;
  if (ord < m.loadFloor) ord = m.loadFloor;
  if ((flags & FLAG_EXCL) !== 0 && m.rmwFull) ord = ReadOrd.A;
  return ord;
}

/** A store (STR, STLR, STP) is a release. */
export function storeReleases(m: MemoryModel, flags: number): boolean {
  return (flags & FLAG_REL) !== 0 || m.storeRelease;
}

/** A store-exclusive (STXR, STLXR) is a release. */
export function storeExclusiveReleases(m: MemoryModel, flags: number): boolean {
  return (flags & FLAG_REL) !== 0 || m.storeRelease || m.rmwFull;
}

/** An LSE atomic's read acquires (the A suffix, dropped when the old value is not returned). */
export function atomicAcquires(m: MemoryModel, flags: number, noret: boolean): boolean {
  return ((flags & FLAG_ACQ) !== 0 && !noret) || m.rmwFull;
}

/** An LSE atomic's write is a release (the L suffix). */
export function atomicReleases(m: MemoryModel, flags: number): boolean {
  return (flags & FLAG_REL) !== 0 || m.rmwFull;
}

/** What a DMB / DSB of this kind orders under the model. */
export function barrierKind(m: MemoryModel, kind: Barrier): Barrier {
  return m.fenceFull ? Barrier.FULL : kind;
}
