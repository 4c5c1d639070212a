// The AioContext notify_me protocol after commit 5710a3e09f9b "async: use explicit memory
// barriers" (Paolo Bonzini, April 2020, QEMU 5.0.0): util/async.c and util/aio-posix.c.
//
// What the QEMU code does. The event loop is the only writer of ctx->notify_me, so the commit
// replaces the seq-cst RMWs on it by a relaxed read plus relaxed store, and puts the ordering
// where the protocol needs it:
//   prepare: notify_me = notify_me | 1 (relaxed load and store), then smp_mb(): the store is
//            now ordered before the relaxed reads of the BH list in aio_compute_timeout,
//            pairing with the smp_mb() in aio_notify.
//   poll:    block on the notifier if the timeout is infinite.
//   check:   notify_me = notify_me & ~1 with a store-release ("finish the poll before clearing
//            the flag"); then aio_bh_poll runs the scheduled BHs.
//   Producer (unchanged): fetch_or(&bh->flags, PENDING|SCHEDULED); push the BH on
//     ctx->bh_list if it was not pending; aio_notify: smp_mb(); if (notify_me) set the notifier.
// aio_poll gets the same treatment (notify_me + 2 with a plain store, then smp_mb()).
// Both sides now have a full fence between their store and their load, so either the loop sees
// the BH or the producer sees notify_me and writes the eventfd.
//
//
// Expected: no hang on any target. The harness, the hang, the simplifications and the code
// shared with the other versions are in common.s.

    .equ EXPLICIT_BARRIERS, 1       // relaxed update + smp_mb(); store-release to clear
    .equ EVENT_LOOP_AIO_POLL, 0     // the glib path: aio_ctx_prepare / aio_ctx_check
    .include "common.s"
