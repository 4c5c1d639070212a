// Bottom-half scheduling (util/async.c) and the event loop's BH processing (util/aio-posix.c),
// written once for every version, and its harness. A version file (v7.2.s, v1-patch.s) tells
// what its QEMU code does, sets the switch below and includes this file.
//
// Switch (0 or 1):
//   HAS_MB_AFTER_FLAGS_RMW  smp_mb__after_rmw() right after the fetch_or of aio_bh_enqueue and
//                           the fetch_and of aio_bh_dequeue (v1 of the March 2023 series only).
//
// Simplifications: one AioContext without fd handlers, timers, idle BHs or poll mode; the
// lockcnt and the nested-slice queue of aio_bh_poll are left out; the notifier is read only
// when the wait reported it readable.
//
// Harness: 3 cores, ROUNDS rounds per producer.
//   core 0 (event loop): aio_poll(ctx, true) until both BHs have delivered round ROUNDS.
//   cores 1, 2 (producers, one BH each), round r: bh->payload = r; qemu_bh_schedule(bh) twice
//     (the second call usually finds the BH pending, or re-queues it while it runs); wait until
//     the callback has copied payload r into bh->done.
//   The callback: bh->done = bh->payload (store-release). A callback that ran without seeing
//   its producer's payload would also leave the producer waiting forever.
// Hang: the loop sleeps with a BH queued and nobody notifies it, or a BH is scheduled but never
// runs; the producers sleep waiting for done.

.ifndef HAS_MB_AFTER_FLAGS_RMW
    .error "bh-enqueue: the version file must set HAS_MB_AFTER_FLAGS_RMW (0 or 1)"
.endif

    .include "../lib/qatomic.s"
    .include "../lib/futex.s"
    .include "../lib/event-notifier.s"
    .include "../lib/harness.s"

    .cores 3
    .stack 0                    // no core uses a stack

.ifndef ROUNDS
    .equ ROUNDS, 20
.endif

    // bh->flags bits (util/async.c)
    .equ BH_PENDING, 1
    .equ BH_SCHEDULED, 2
    .equ BH_DELETED, 4
    .equ BH_ONESHOT, 8
    .equ BH_IDLE, 16
    // QEMUBH layout here: list link, flags, and the harness callback's opaque data
    .equ BH_NEXT, 0
    .equ BH_FLAGS, 8
    .equ BH_PAYLOAD, 16
    .equ BH_DONE, 24

    .data
    event_notifier notifier     // ctx->notifier
    var32 notify_me, 0          // ctx->notify_me
    var32 notified, 0           // ctx->notified (bool)
    var64 bh_list, 0            // ctx->bh_list.slh_first
    .align 3
bh1:                            // core 1's QEMUBH: next, flags, payload, done
    .quad 0
    .quad 0
    .quad 0
    .quad 0
bh2:                            // core 2's QEMUBH
    .quad 0
    .quad 0
    .quad 0
    .quad 0
    var32 init_done, 0          // harness: the notifier exists

    .text
_start:
    ldr x19, =notifier
    ldr x20, =notify_me
    ldr x21, =notified
    ldr x22, =bh_list
    ldr x23, =init_done
    cbz x0, event_loop
    ldr x24, =bh1
    cmp x0, #1
    b.eq producer
    ldr x24, =bh2
    b producer

event_loop:
    event_notifier_init x19
    mov w1, #1
    publish_w w1, x23
    ldr x11, =bh1
    add x11, x11, #BH_DONE
    ldr x12, =bh2
    add x12, x12, #BH_DONE
1:  bl aio_poll
    ldr w1, [x11]               // done fields are written only by this core
    cmp_rounds w1
    b.ne 1b
    ldr w1, [x12]
    cmp_rounds w1
    b.ne 1b
    sys_exit 0

// x24 = this producer's BH; w10 = round.
producer:
    add x25, x24, #BH_FLAGS
    add x26, x24, #BH_PAYLOAD
    add x27, x24, #BH_DONE
    mov w10, #1
    wait_until_eq_w x23, w10, w2
    mov w10, #1
1:  qatomic_set_w w10, x26      // the work the callback will pick up
    bl qemu_bh_schedule
    bl qemu_bh_schedule
    wait_until_eq_w x27, w10, w1
    add w10, w10, #1
    cmp_rounds w10
    b.le 1b
    sys_exit 0

// Functions below clobber x0-x8, w9, x16, x17 and the flags; aio_bh_poll also x13, x14;
// aio_poll also x25, x27, x28.

// aio_poll(ctx, blocking = true).
aio_poll:
    mov x28, x30
    bl aio_compute_timeout      // w0 = 0 (a scheduled BH is queued) or -1 (infinite)
    mov w27, w0                 // use_notify_me = timeout != 0
    cbz w27, 1f
    qatomic_read_w w1, x20      // notify_me + 2, single writer: relaxed load and store
    add w1, w1, #2
    qatomic_set_w w1, x20
    smp_mb                      // write notify_me before reading notified
    qatomic_read_w w1, x21
    cbz w1, 1f
    mov w0, #0                  // aio_notify() was called: do not block
1:  mov w25, #0                 // w25 = the wait reported the notifier readable
    cbz w0, 2f
    event_notifier_wait x19     // fdmon wait with an infinite timeout
    mov w25, #1
2:  cbz w27, 3f
    qatomic_read_w w1, x20      // finish the poll before clearing the flag
    sub w1, w1, #2
    store_release_w w1, x20
3:  mov w1, #0                  // aio_notify_accept
    qatomic_set_w w1, x21
    smp_mb                      // write notified before reading the BH list and flags
    bl aio_bh_poll
    cbz w25, 4f                 // the notifier's fd handler: event_notifier_test_and_clear
    event_notifier_test_and_clear x19
4:  mov x30, x28
    ret

// w0 = 0 if a scheduled BH is on the list, else -1. Unordered (relaxed) reads.
aio_compute_timeout:
    qatomic_read_x x1, x22
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

// aio_bh_poll(ctx) with aio_bh_dequeue and aio_bh_call.
aio_bh_poll:
    mov x2, #0
    xchg_x x13, x2, x22         // QSLIST_MOVE_ATOMIC(&slice, &ctx->bh_list)
1:  cbz x13, 9f
    mov x14, x13                // aio_bh_dequeue: bh = first of the slice
    ldr x13, [x14, #BH_NEXT]    //   QSLIST_REMOVE_HEAD
    mov x4, #0
    str x4, [x14, #BH_NEXT]
    add x4, x14, #BH_FLAGS
    movn w5, #(BH_PENDING | BH_SCHEDULED | BH_IDLE)
    fetch_and_w w6, w5, x4      //   flags = qatomic_fetch_and(&bh->flags, ~(...))
.if HAS_MB_AFTER_FLAGS_RMW
    smp_mb__after_rmw           //   added by the v1 patch
.endif
    and w6, w6, #(BH_SCHEDULED | BH_DELETED)
    cmp w6, #BH_SCHEDULED
    b.ne 1b
    add x4, x14, #BH_PAYLOAD    // aio_bh_call: the harness callback, done = payload
    qatomic_read_w w7, x4
    add x4, x14, #BH_DONE
    publish_w w7, x4
    b 1b
9:  ret

// qemu_bh_schedule(bh = x24) -> aio_bh_enqueue(bh, BH_SCHEDULED), then aio_notify(ctx).
qemu_bh_schedule:
    mov w1, #(BH_PENDING | BH_SCHEDULED)
    fetch_or_w w2, w1, x25
.if HAS_MB_AFTER_FLAGS_RMW
    smp_mb__after_rmw           // added by the v1 patch
.endif
    tbnz w2, #0, 2f             // already pending: already on the list
1:  qatomic_read_x x3, x22      // QSLIST_INSERT_HEAD_ATOMIC
    str x3, [x24, #BH_NEXT]
    cmpxchg_x x4, x3, x24, x22
    cmp x4, x3
    b.ne 1b
2:  // aio_notify(ctx)
    smp_wmb                     // write the BH list and flags before notified
    mov w1, #1
    qatomic_set_w w1, x21
    smp_mb                      // write notified before reading notify_me
    qatomic_read_w w5, x20
    cbz w5, 3f
    event_notifier_set x19
3:  ret
