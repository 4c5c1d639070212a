// Limits of what one program may have (the assembler and the linker check them).

export { MAX_CORE_LOCATIONS, MAX_CORES } from '../isa/program.ts';
/** The most instructions one program may have. */
export const MAX_INSTRUCTIONS = 1 << 20;
export const MAX_STACK_BYTES = 1 << 20;
/** Bytes of data plus stacks a program may use. */
export const MAX_MEMORY_BYTES = 1 << 25;
