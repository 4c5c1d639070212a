/*
 * QemuEvent as in QEMU 7.2 (util/qemu-thread-posix.c at v7.2.0; unchanged from 2015 until
 * commit 9586a1329f5d "qemu-thread-posix: cleanup, fix, document QemuEvent", QEMU 8.0), in C.
 * The assembly version is v7.2.s beside this file; its header tells the story in full.
 *
 * reset reads the word (relaxed + smp_mb_acquire) and ORs EV_FREE in only if it was EV_SET,
 * with nothing after the seq-cst RMW; callers then re-check their condition and call wait.
 * The code assumed the RMW was a full barrier: true for x86's LOCK OR and for an LSE LDSETAL,
 * false for an LDAXR/STLXR loop (GCC's inline expansion for ARMv8.0, or libgcc's outline
 * helper __aarch64_ldset4_acq_rel on a CPU without LSE), after which the condition's plain
 * load may be satisfied before the STLXR's store is visible.
 *
 * Expected: a hang on armv8-llsc only (programs/README.md, "Expected verdicts").
 */
#define HAS_MB_AFTER_RMW 0       /* nothing after set's xchg and reset's RMW */
#define RESET_IS_UNCONDITIONAL 0 /* reset ORs EV_FREE in only if it read EV_SET */
#define WAIT_LOAD_ACQUIRE 0      /* wait: qatomic_read + smp_mb_acquire() */
#include "common.h"
