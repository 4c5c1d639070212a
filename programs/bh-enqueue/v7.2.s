// Bottom-half scheduling and the event loop's BH processing as in QEMU 7.2 (util/async.c and
// util/aio-posix.c at v7.2.0; unchanged in these parts by the 2023 barrier series). A control:
// expected hang-free on every target.
//
// What the QEMU code does.
//   Producer, any thread: qemu_bh_schedule(bh) -> aio_bh_enqueue(bh, BH_SCHEDULED):
//     old = qatomic_fetch_or(&bh->flags, BH_PENDING | BH_SCHEDULED); if PENDING was clear, push
//     the BH on ctx->bh_list (QSLIST_INSERT_HEAD_ATOMIC: bh->next = head, cmpxchg loop on the
//     head); then aio_notify(ctx): smp_wmb(); ctx->notified = true; smp_mb(); if
//     (ctx->notify_me) event_notifier_set(&ctx->notifier).
//   Event loop, aio_poll(ctx, true): compute the timeout with unordered reads of the BH list
//     (a scheduled BH means timeout 0); if it would block: notify_me += 2 (relaxed, single
//     writer), smp_mb(), and do not block after all if ctx->notified is set; wait on the fds
//     (the notifier among them); notify_me -= 2 with a store-release; aio_notify_accept:
//     notified = false, smp_mb(); aio_bh_poll: take the list with one xchg, then for each BH
//     aio_bh_dequeue (unlink it, flags = qatomic_fetch_and(&bh->flags, ~(PENDING|SCHEDULED|
//     IDLE))) and call it if it was scheduled; finally the notifier's fd handler clears it.
// Synchronisation: the wake-up goes through notified/notify_me (fences on both sides), the
// BH's data through the list (cmpxchg release, xchg acquire) and through the flags (fetch_or
// and fetch_and are seq-cst RMWs, so release and acquire). No step relies on an RMW being a
// full barrier, which is why the March 2023 series, after first proposing extra barriers
// here (bh-enqueue/v1-patch), dropped them in v2 and only rewrote the comments.
//
// Expected: no hang on any target. The harness, the hang, the simplifications and the code
// shared with v1-patch are in common.s.

    .equ HAS_MB_AFTER_FLAGS_RMW, 0  // fetch_or / fetch_and are not followed by a barrier
    .include "common.s"
