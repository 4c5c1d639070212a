// Limits of what one program may have (the assembler and the linker check them).

export const MAX_CORES = 64;
export const MAX_STACK_BYTES = 1 << 20;
/** Bytes of data plus stacks a program may use. */
export const MAX_MEMORY_BYTES = 1 << 25;
