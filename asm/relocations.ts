// What the relocation operators (operands.ts parses them) are allowed in and the values they
// give; asm/README.md, "Relocation operators". The GOT slots of :got:/:got_lo12: are the
// linker's (linker.ts).

/** Whether an instruction takes the operator (GNU as: the relocation must fit the
 * instruction's immediate field). */
export function relocAllowed(mnemonic: string, reloc: string): boolean {
  if (reloc.startsWith('abs_g')) return /^mov[zkn]$/.test(mnemonic);
  if (reloc === 'got' || reloc.startsWith('pg_hi21')) return mnemonic === 'adrp';
  if (reloc === 'got_lo12') return mnemonic === 'ldr';
  return /^(add|adds|ld|st|prfm)/.test(mnemonic); // lo12
}

/** The value an operator gives for the address v (outOfRange fails for a value that does
 * not fit a checking :abs_gN:). :got: and :got_lo12: get the GOT slot's address as v. */
export function applyReloc(reloc: string, v: bigint, outOfRange: () => never): bigint {
  if (reloc === 'lo12' || reloc === 'got_lo12') return v & 0xfffn;
  if (reloc.startsWith('abs_g')) {
    const g = BigInt(reloc[5]);
    const u = BigInt.asUintN(64, v);
    if (!reloc.endsWith('_nc') && g < 3n && u >> (16n * (g + 1n)) !== 0n) outOfRange();
    return (u >> (16n * g)) & 0xffffn;
  }
  return v; // got, pg_hi21: ADRP takes the page
}
