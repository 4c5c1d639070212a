// The AioContext notify_me protocol (util/async.c, util/aio-posix.c of early 2020), written once
// for every version, and its harness. A version file (pre-2020.s, post-2020.s,
// pre-2020-aio-poll.s) tells what its QEMU code does, sets the switches below and includes
// this file.
//
// The event loop raises ctx->notify_me while it may block, reads whether a bottom half is
// scheduled (aio_compute_timeout: relaxed loads of the BH list), blocks on the notifier if none
// is, lowers notify_me and runs the scheduled BHs (aio_bh_poll). The producer,
// qemu_bh_schedule -> aio_bh_enqueue: fetch_or(&bh->flags, PENDING|SCHEDULED); if it was not
// pending, push the BH on ctx->bh_list (cmpxchg loop); then aio_notify: smp_mb(); if
// (notify_me) event_notifier_set(&ctx->notifier). The producer is the same in every version.
//
// Switches (each 0 or 1):
//   EXPLICIT_BARRIERS    after commit 5710a3e09f9b "async: use explicit memory barriers": the
//                        loop raises notify_me with a relaxed load and store followed by
//                        smp_mb() and lowers it with a store-release; 0: seq-cst RMWs on
//                        notify_me with no barrier (atomic_or/atomic_and, atomic_add/atomic_sub).
//   EVENT_LOOP_AIO_POLL  the loop is aio_poll(ctx, true), with its qemu_lockcnt_inc/dec of
//                        ctx->list_lock; 0: one glib main-loop iteration over the AioContext
//                        GSource (aio_ctx_prepare / poll / aio_ctx_check / aio_ctx_dispatch).
//                        Only modelled without EXPLICIT_BARRIERS.
//
// Simplifications: one AioContext, one reusable BH (not idle, not deleted), no timers or fd
// handlers; glib's prepare/query/poll/check/dispatch reduced to the calls above; dispatch runs
// aio_bh_poll every iteration (it is a no-op on an empty list). The ctx->notified flag and
// aio_notify_accept are left out: in these versions they only decide whether the notifier gets
// cleared; here the loop clears it right after its poll reported it readable.
//
// Harness: 2 cores, ROUNDS rounds.
//   core 0 (event loop): iterates until the BH has run ROUNDS times.
//   core 1 (producer), round r: wait until the BH has run r-1 times; qemu_bh_schedule(bh).
// Hang: the loop sleeps in ppoll with the BH scheduled but never notified; the producer sleeps
// (FUTEX_WAIT) waiting for the BH to run.

.irp switch, EXPLICIT_BARRIERS, EVENT_LOOP_AIO_POLL
.ifndef \switch
    .error "aio-notify: the version file must set \switch (0 or 1) before including common.s"
.endif
.endr
.if EVENT_LOOP_AIO_POLL && EXPLICIT_BARRIERS
    .error "aio-notify: aio_poll is only modelled without EXPLICIT_BARRIERS"
.endif

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
    .equ QEMU_LOCKCNT_COUNT_STEP, 4

    .data
    event_notifier notifier     // ctx->notifier
    var32 notify_me, 0          // ctx->notify_me
    var64 bh_list, 0            // ctx->bh_list.slh_first
    .align 3
bh:                             // the producer's QEMUBH
    .quad 0                     //   next
    .quad 0                     //   flags (32-bit, in its own slot)
    .quad 0                     //   ran (32-bit): how many times the callback ran
.if EVENT_LOOP_AIO_POLL
    var32 list_lock, 0          // ctx->list_lock.count (QemuLockCnt)
.endif
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
.if EVENT_LOOP_AIO_POLL
1:  bl aio_poll
.else
1:  bl main_loop_iteration
.endif
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

.if EVENT_LOOP_AIO_POLL

// aio_poll(ctx, blocking = true). Uses x28 for the return address.
aio_poll:
    mov x28, x30
    mov w1, #2
    qatomic_add_w w1, x20       // atomic_add(&ctx->notify_me, 2)
    bl qemu_lockcnt_inc         // its cmpxchg (LDAXR) happens to order the add before...
    bl aio_compute_timeout      // ...these reads of the BH list
    cbz w0, 1f
    event_notifier_wait x19     // qemu_poll_ns with an infinite timeout
    event_notifier_test_and_clear x19
1:  mov w1, #2
    qatomic_sub_w w1, x20       // atomic_sub(&ctx->notify_me, 2)
    bl aio_bh_poll
    bl qemu_lockcnt_dec
    mov x30, x28
    ret

// qemu_lockcnt_inc(&ctx->list_lock): count += QEMU_LOCKCNT_COUNT_STEP with a cmpxchg loop.
qemu_lockcnt_inc:
    ldr x5, =list_lock
    qatomic_read_w w1, x5
1:  add w2, w1, #QEMU_LOCKCNT_COUNT_STEP
    cmpxchg_w w3, w1, w2, x5
    cmp w3, w1
    mov w1, w3
    b.ne 1b
    ret

// qemu_lockcnt_dec(&ctx->list_lock): atomic_sub of the count step.
qemu_lockcnt_dec:
    ldr x5, =list_lock
    mov w1, #QEMU_LOCKCNT_COUNT_STEP
    qatomic_sub_w w1, x5
    ret

.else

// One glib main-loop iteration over the AioContext GSource. Uses x28 for the return address.
main_loop_iteration:
    mov x28, x30
    // aio_ctx_prepare
.if EXPLICIT_BARRIERS
    qatomic_read_w w1, x20      // notify_me | 1, single writer: relaxed load and store
    orr w1, w1, #1
    qatomic_set_w w1, x20
    smp_mb                      // write notify_me before reading the BH list
.else
    mov w1, #1
    qatomic_or_w w1, x20        // atomic_or(&ctx->notify_me, 1): no barrier after it
.endif
    bl aio_compute_timeout
    cbz w0, 1f                  // a BH is scheduled: poll with timeout 0, i.e. do not block
    event_notifier_wait x19     // g_poll with an infinite timeout
    event_notifier_test_and_clear x19
1:  // aio_ctx_check
.if EXPLICIT_BARRIERS
    qatomic_read_w w1, x20      // notify_me & ~1, published with a store-release
    and w1, w1, #0xfffffffe
    store_release_w w1, x20
.else
    movn w1, #1                 // ~1
    qatomic_and_w w1, x20       // atomic_and(&ctx->notify_me, ~1)
.endif
    // aio_ctx_dispatch -> aio_dispatch -> aio_bh_poll
    bl aio_bh_poll
    mov x30, x28
    ret

.endif

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
