/*
 * The AioContext notify_me protocol after commit 5710a3e09f9b "async: use explicit memory
 * barriers" (Paolo Bonzini, April 2020, QEMU 5.0.0), in C. The assembly version is
 * post-2020.s beside this file.
 *
 * The loop is the only writer of notify_me: prepare raises it with a relaxed load and store
 * followed by smp_mb() (pairing with the smp_mb() in aio_notify), check lowers it with a
 * store-release. Both sides now have a full fence between their store and their load.
 *
 * Expected: no hang on any target.
 */
#define EXPLICIT_BARRIERS 1   /* relaxed update + smp_mb(); store-release to clear */
#define EVENT_LOOP_AIO_POLL 0 /* the glib path: aio_ctx_prepare / aio_ctx_check */
#include "common.h"
