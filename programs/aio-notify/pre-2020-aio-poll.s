// Control for aio-notify/pre-2020: the aio_poll() path of the same version (QEMU 5.0.0-rc1,
// util/aio-posix.c before commit 5710a3e09f9b "async: use explicit memory barriers").
//
// What the QEMU code does. A blocking aio_poll() announces itself with atomic_add(&notify_me, 2)
// (a seq-cst RMW, an LDAXR/STLXR loop without LSE) and then, before it reads the BH list in
// aio_compute_timeout, calls qemu_lockcnt_inc(&ctx->list_lock): a relaxed read of the count
// followed by a seq-cst cmpxchg loop (util/lockcnt.c, futex variant). After the poll it does
// atomic_sub(&notify_me, 2), runs the BHs with aio_bh_poll and calls qemu_lockcnt_dec
// (atomic_sub of the count step). The producer is the same as in aio-notify/pre-2020.
//
// Why this is a control: the cmpxchg's LDAXR is a load-acquire that follows the STLXR of the
// notify_me update, and ARMv8 orders a store-release before a later load-acquire (RCsc); the
// acquire then orders the BH-list reads after it. So on every target the store to notify_me
// is ordered before the BH check and no wake-up is lost, although nothing in aio_poll was
// written with that in mind. The lost wake-up of this version lives on the glib path
// (aio_ctx_prepare), modelled by aio-notify/pre-2020.
//
// Simplifications: as in aio-notify/pre-2020 (one AioContext, one BH, no ctx->notified, the
// notifier cleared right after ppoll reported it readable); try_poll_mode and fd handlers are
// left out; qemu_lockcnt_inc is its cmpxchg loop (the count is only used by this core).
//
// Harness: 2 cores, ROUNDS rounds.
//   core 0 (event loop): calls aio_poll(ctx, true) until the BH has run ROUNDS times.
//   core 1 (producer), round r: wait until the BH has run r-1 times; qemu_bh_schedule(bh).
// Hang: the loop sleeps in ppoll with the BH scheduled but never notified. Expected on no target.

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
    var32 list_lock, 0          // ctx->list_lock.count (QemuLockCnt)
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
1:  bl aio_poll
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
