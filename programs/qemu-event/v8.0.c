/*
 * QemuEvent as in QEMU 8.0 (util/qemu-thread-posix.c at v8.0.0, after commit 9586a1329f5d
 * "qemu-thread-posix: cleanup, fix, document QemuEvent", March 2023, in Paolo Bonzini's series
 * "Fix missing memory barriers on ARM"), in C. The assembly version is v8.0.s beside this file.
 *
 * reset now ORs EV_FREE in unconditionally and follows it with smp_mb__after_rmw() (pairing
 * with the smp_mb() at the start of set); set gets one after its xchg; wait's first read
 * becomes a load-acquire. smp_mb__after_rmw() is DMB ISH on AArch64 and only a compiler
 * barrier on x86-64.
 *
 * Expected: no hang on any target.
 */
#define HAS_MB_AFTER_RMW 1       /* smp_mb__after_rmw() after set's xchg and reset's RMW */
#define RESET_IS_UNCONDITIONAL 1 /* reset always ORs EV_FREE in */
#define WAIT_LOAD_ACQUIRE 1      /* wait: qatomic_load_acquire() */
#include "common.h"
