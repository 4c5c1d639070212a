/*
 * Shared by the corpus of compiled concurrent code (the .c files of programs/corpus): the
 * harness of include/hangar.h plus a spin-wait hint. Every program is C11 (<stdatomic.h> or __atomic
 * builtins) with pthreads, small and bounded (a trial is a few thousand instructions), and
 * checks its invariant with assert. A program's broken variants are named by the
 * `hangar-variant:` lines of its header comment; programs/build-c.mjs compiles each one with
 * -D<NAME>.
 */
#ifndef HANGAR_CORPUS_H
#define HANGAR_CORPUS_H

#include <stdatomic.h>
#include "../include/hangar.h"

/* The architecture's spin-wait hint: YIELD on AArch64, PAUSE on x86-64. */
static inline void cpu_relax(void)
{
#if defined(__aarch64__)
    __asm__ __volatile__("yield" ::: "memory");
#elif defined(__x86_64__)
    __asm__ __volatile__("pause" ::: "memory");
#endif
}

#endif /* HANGAR_CORPUS_H */
