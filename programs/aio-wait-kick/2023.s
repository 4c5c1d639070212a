// AIO_WAIT_WHILE against aio_wait_kick after commit b532526a07ef "aio-wait: switch to
// smp_mb__after_rmw()" (Paolo Bonzini, March 2023, QEMU 8.0; part of "Fix missing memory
// barriers on ARM").
//
// What the QEMU code does. As in aio-wait-kick/2022, except that the waiter's fence after
// qatomic_inc(&num_waiters) becomes smp_mb__after_rmw(): still DMB ISH on AArch64 (needed: the
// increment's STLXR does not order the following load of the condition), but nothing on x86,
// where the LOCK'd increment already is a full barrier. aio_wait_kick keeps its smp_mb().
//   AIO_WAIT_WHILE: qatomic_inc(&num_waiters); smp_mb__after_rmw(); while (cond)
//     aio_poll(main ctx, true); qatomic_dec(&num_waiters).
//   aio_wait_kick: smp_mb(); if (qatomic_read(&num_waiters)) schedule the dummy one-shot BH.
//
// Simplifications: as in aio-wait-kick/pre-2022 (aio_poll of the main context reduced to
// sleeping on its notifier; the one-shot BH reduced to writing it).
//
// Harness: 2 cores, ROUNDS rounds.
//   core 0 (waiter), round r: ready = r (release); AIO_WAIT_WHILE(done < r).
//   core 1 (kicker), round r: wait until ready == r; done = r; aio_wait_kick().
// Hang: the waiter sleeps in ppoll after the kicker completed the round. Expected on no target.

    .include "../lib/qatomic.s"
    .include "../lib/futex.s"
    .include "../lib/event-notifier.s"
    .include "../lib/harness.s"

    .cores 2
    .stack 0                    // no core uses a stack

.ifndef ROUNDS
    .equ ROUNDS, 32
.endif

    .data
    event_notifier notifier     // the main AioContext's notifier
    var32 num_waiters, 0        // global_aio_wait.num_waiters
    var32 done, 0               // the waited-for condition: the last round completed
    var32 ready, 0              // harness: the round the waiter is in
    var32 init_done, 0          // harness: the notifier exists

    .text
_start:
    ldr x19, =notifier
    ldr x20, =num_waiters
    ldr x21, =done
    ldr x22, =ready
    ldr x23, =init_done
    mov w26, #1                 // w26 = round
    cbnz x0, kicker

waiter:
    event_notifier_init x19
    mov w1, #1
    publish_w w1, x23
1:  publish_w w26, x22
    // AIO_WAIT_WHILE(NULL, qatomic_read(&done) < r)
    qatomic_inc_w x20
    smp_mb__after_rmw           // pairs with the barrier in aio_wait_kick
2:  qatomic_read_w w1, x21
    cmp w1, w26
    b.hs 3f
    bl aio_poll
    b 2b
3:  qatomic_dec_w x20
    add w26, w26, #1
    cmp_rounds w26
    b.le 1b
    sys_exit 0

kicker:
    mov w10, #1
    wait_until_eq_w x23, w10, w2
1:  wait_until_eq_w x22, w26, w2
    qatomic_set_w w26, x21      // the condition becomes false
    bl aio_wait_kick
    add w26, w26, #1
    cmp_rounds w26
    b.le 1b
    sys_exit 0

// aio_poll(qemu_get_aio_context(), true), reduced to sleeping on the main loop's notifier.
aio_poll:
    event_notifier_wait x19
    event_notifier_test_and_clear x19
    ret

aio_wait_kick:
    smp_mb                      // pairs with the waiter's barrier after its increment
    qatomic_read_w w1, x20
    cbz w1, 1f
    event_notifier_set x19      // aio_bh_schedule_oneshot(main ctx, dummy_bh_cb)
1:  ret
