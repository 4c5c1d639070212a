// The AioContext notify_me protocol before commit 5710a3e09f9b "async: use explicit memory
// barriers" (Paolo Bonzini, April 2020, QEMU 5.0): util/async.c and util/aio-posix.c at its
// parent, i.e. QEMU 5.0.0-rc1, with the lock-free bottom-half list of early 2020.
//
// What the QEMU code does. An AioContext has an EventNotifier (an eventfd) that wakes its
// event loop, and a counter ctx->notify_me that the loop raises while it may block, so that
// producers only pay for the eventfd write when someone can be sleeping.
//   Event loop, glib path (aio_ctx_prepare / poll / aio_ctx_check / aio_ctx_dispatch):
//     prepare: atomic_or(&notify_me, 1), a seq-cst RMW; then aio_compute_timeout walks the BH
//              list with relaxed loads: a scheduled BH means timeout 0 (do not block).
//     poll:    block on the notifier if the timeout is infinite.
//     check:   atomic_and(&notify_me, ~1); dispatch: aio_bh_poll runs the scheduled BHs.
//   Producer, qemu_bh_schedule -> aio_bh_enqueue: fetch_or(&bh->flags, PENDING|SCHEDULED);
//     if it was not pending, push the BH on ctx->bh_list (cmpxchg loop); then aio_notify:
//     smp_mb(); if (notify_me) event_notifier_set(&ctx->notifier).
// The pairing "write notify_me; read BH list" against "write BH list; smp_mb; read notify_me"
// needs store->load order on both sides. The producer has smp_mb. The loop relied on its RMW
// being a full barrier: true for x86 LOCK OR and for an LSE LDSETAL, false for an
// LDAXR/STLXR loop, after which the plain loads of the BH list may be satisfied before the
// STLXR's store is visible. Then the loop sees no BH and blocks while the producer sees
// notify_me == 0 and does not notify: the qemu-img convert hang on aarch64 that Ying Fang
// analysed (Launchpad bug 1805256).
//
// Why the glib path and not aio_poll: in the same version aio_poll adds 2 with atomic_add, but
// then calls qemu_lockcnt_inc, whose seq-cst cmpxchg starts with an LDAXR. ARMv8 orders a
// store-release (the STLXR) before a later load-acquire, and the acquire orders the BH reads
// after it, so that path is protected by accident (see aio-notify/pre-2020-aio-poll). Paolo
// Bonzini likewise doubted that aio_poll needed the barrier when the hang was reported.
//
// Expected: a hang on armv8-llsc only. The harness, the hang, the simplifications and the code
// shared with the other versions are in common.s.

    .equ EXPLICIT_BARRIERS, 0       // atomic_or / atomic_and on notify_me, no barrier
    .equ EVENT_LOOP_AIO_POLL, 0     // the glib path: aio_ctx_prepare / aio_ctx_check
    .include "common.s"
