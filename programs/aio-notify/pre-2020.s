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
// Simplifications: one AioContext, one reusable BH (not idle, not deleted), no timers or fd
// handlers; glib's prepare/query/poll/check/dispatch reduced to the calls above; dispatch runs
// aio_bh_poll every iteration (it is a no-op on an empty list). The ctx->notified flag and
// aio_notify_accept are left out: in this version they only decide whether the notifier gets
// cleared; here the loop clears it right after its poll reported it readable.
//
// Harness: 2 cores, ROUNDS rounds.
//   core 0 (event loop): iterates until the BH has run ROUNDS times.
//   core 1 (producer), round r: wait until the BH has run r-1 times; qemu_bh_schedule(bh).
// Hang: the loop sleeps in ppoll with the BH scheduled but never notified; the producer sleeps
// (FUTEX_WAIT) waiting for the BH to run.

    .include "../lib/qatomic.s"
    .include "../lib/futex.s"
    .include "../lib/event-notifier.s"
    .include "../lib/harness.s"

    .cores 2
    .stack 0                    // no core uses a stack

.ifndef ROUNDS
    .equ ROUNDS, 32
.endif

    // bh->flags bits (util/async.c)
    .equ BH_PENDING, 1
    .equ BH_SCHEDULED, 2
    .equ BH_DELETED, 4
    .equ BH_ONESHOT, 8
    .equ BH_IDLE, 16
    // QEMUBH layout here: the list link, the flags, and the harness callback's counter
    .equ BH_NEXT, 0
    .equ BH_FLAGS, 8
    .equ BH_RAN, 16

    .data
    event_notifier notifier     // ctx->notifier
    var32 notify_me, 0          // ctx->notify_me
    var64 bh_list, 0            // ctx->bh_list.slh_first
    .align 3
bh:                             // the producer's QEMUBH
    .quad 0                     //   next
    .quad 0                     //   flags (32-bit, in its own slot)
    .quad 0                     //   ran (32-bit): how many times the callback ran
    var32 init_done, 0          // harness: the notifier exists

    .text
_start:
    ldr x19, =notifier
    ldr x20, =notify_me
    ldr x21, =bh_list
    ldr x22, =bh
    ldr x23, =init_done
    add x24, x22, #BH_FLAGS
    add x25, x22, #BH_RAN
    cbnz x0, producer

event_loop:
    event_notifier_init x19
    mov w1, #1
    publish_w w1, x23
    mov w26, #0                 // w26 = callbacks run so far
1:  bl main_loop_iteration
    cmp_rounds w26
    b.lt 1b
    sys_exit 0

producer:
    mov w10, #1
    wait_until_eq_w x23, w10, w2
    mov w26, #1                 // w26 = round
1:  sub w10, w26, #1
    wait_until_eq_w x25, w10, w2 // the previous round's BH has run
    bl qemu_bh_schedule
    add w26, w26, #1
    cmp_rounds w26
    b.le 1b
    sys_exit 0

// One glib main-loop iteration over the AioContext GSource. Uses x28 for the return address.
main_loop_iteration:
    mov x28, x30
    // aio_ctx_prepare
    mov w1, #1
    qatomic_or_w w1, x20        // atomic_or(&ctx->notify_me, 1): no barrier after it
    bl aio_compute_timeout
    cbz w0, 1f                  // a BH is scheduled: poll with timeout 0, i.e. do not block
    event_notifier_wait x19     // g_poll with an infinite timeout
    event_notifier_test_and_clear x19
1:  // aio_ctx_check
    movn w1, #1                 // ~1
    qatomic_and_w w1, x20       // atomic_and(&ctx->notify_me, ~1)
    // aio_ctx_dispatch -> aio_dispatch -> aio_bh_poll
    bl aio_bh_poll
    mov x30, x28
    ret

// w0 = 0 if a scheduled BH is on the list, else -1 (infinite). Relaxed loads only
// (QSLIST_FOREACH_RCU and a plain read of bh->flags).
aio_compute_timeout:
    qatomic_read_x x1, x21
1:  cbz x1, 2f
    ldr w2, [x1, #BH_FLAGS]
    and w2, w2, #(BH_SCHEDULED | BH_DELETED)
    cmp w2, #BH_SCHEDULED
    b.eq 3f
    ldr x1, [x1, #BH_NEXT]
    b 1b
2:  movn w0, #0
    ret
3:  mov w0, #0
    ret

// aio_bh_poll: take the whole list with one xchg, then dequeue each BH (clear its flags with
// fetch_and) and call it if it was scheduled. Counts calls in w26.
aio_bh_poll:
    mov x2, #0
    xchg_x x13, x2, x21         // QSLIST_MOVE_ATOMIC(&slice, &ctx->bh_list)
1:  cbz x13, 9f
    mov x14, x13                // aio_bh_dequeue: bh = first of the slice
    ldr x13, [x14, #BH_NEXT]    //   QSLIST_REMOVE_HEAD
    mov x4, #0
    str x4, [x14, #BH_NEXT]
    add x4, x14, #BH_FLAGS
    movn w5, #(BH_PENDING | BH_SCHEDULED | BH_IDLE)
    fetch_and_w w6, w5, x4
    and w6, w6, #(BH_SCHEDULED | BH_DELETED)
    cmp w6, #BH_SCHEDULED
    b.ne 1b
    // aio_bh_call(bh): the harness callback counts its runs and publishes the count
    add x4, x14, #BH_RAN
    ldr w7, [x4]
    add w7, w7, #1
    publish_w w7, x4
    add w26, w26, #1
    b 1b
9:  ret

// qemu_bh_schedule(bh) -> aio_bh_enqueue(bh, BH_SCHEDULED), then aio_notify(ctx).
qemu_bh_schedule:
    mov w1, #(BH_PENDING | BH_SCHEDULED)
    fetch_or_w w2, w1, x24
    tbnz w2, #0, 2f             // already pending: already on the list
1:  qatomic_read_x x3, x21      // QSLIST_INSERT_HEAD_ATOMIC: bh->next = head; cmpxchg head
    str x3, [x22, #BH_NEXT]
    cmpxchg_x x4, x3, x22, x21
    cmp x4, x3
    b.ne 1b
2:  // aio_notify
    smp_mb
    qatomic_read_w w5, x20
    cbz w5, 3f
    event_notifier_set x19
3:  ret
