/*
 * The AioContext notify_me protocol before commit 5710a3e09f9b "async: use explicit memory
 * barriers" (Paolo Bonzini, April 2020): util/async.c and util/aio-posix.c at its parent,
 * QEMU 5.0.0-rc1, with the lock-free bottom-half list of early 2020, in C (the atomic_* names
 * of that time). The assembly version is pre-2020.s beside this file; its header tells the
 * story in full.
 *
 * The glib path announces the loop with atomic_or(&ctx->notify_me, 1), a seq-cst RMW assumed
 * to be a full barrier, then reads the BH list. On LL/SC (inline LDAXR/STLXR, or libgcc's
 * __aarch64_ldset4_acq_rel helper without LSE) those reads may be satisfied before the STLXR's
 * store is visible: the loop sees no BH and blocks while the producer sees notify_me == 0
 * (Launchpad bug 1805256, the qemu-img convert hang on aarch64).
 *
 * Expected: a hang on armv8-llsc only.
 */
#define EXPLICIT_BARRIERS 0   /* atomic_or / atomic_and on notify_me, no barrier */
#define EVENT_LOOP_AIO_POLL 0 /* the glib path: aio_ctx_prepare / aio_ctx_check */
#include "common.h"
