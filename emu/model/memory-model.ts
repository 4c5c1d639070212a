// Memory models as data. One set of step rules (emu/core.ts) runs every model; a model only
// strengthens the ordering attributes of each access before the rules see it, and switches
// promises on or off. This is the standard x86→Arm mapping read backwards: TSO loads behave
// as LDAPR, TSO stores as STLR, LOCK'd RMWs as AL atomics, MFENCE as DMB SY (Sewell et al.,
// "x86-TSO", CACM 2010; the mapping table in ../README "Models"). SC makes every load LDAR and
// every store STLR, which orders all program-order pairs.

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
