// AIO_WAIT_WHILE against aio_wait_kick (include/block/aio-wait.h, util/aio-wait.c), written
// once for every version, and its harness. A version file (pre-2022.s, 2022.s, 2023.s) tells
// what its QEMU code does, defines the two barrier macros below and includes this file.
//
//   AIO_WAIT_WHILE(ctx, cond): qatomic_inc(&global_aio_wait.num_waiters); aio_wait_while_barrier;
//     while (cond) aio_poll(main AioContext, true); qatomic_dec(&num_waiters).
//   aio_wait_kick(): aio_wait_kick_barrier; if (qatomic_read(&num_waiters))
//     aio_bh_schedule_oneshot(main context, dummy_bh_cb), whose only purpose is to wake the main
//     loop (the BH enqueue ends in aio_notify, which writes the event notifier).
//
// Macros each version defines (empty where that version has no barrier):
//   aio_wait_while_barrier  after the waiter's qatomic_inc, before it reads the condition.
//   aio_wait_kick_barrier   in aio_wait_kick, before it reads num_waiters.
//
// Simplifications: aio_poll of the main context is modelled as "block on its event notifier,
// then clear it", and the one-shot BH as writing that notifier: the BH enqueue / notify_me
// machinery of that era is correct in itself (see aio-notify/post-2020 and bh-enqueue), and a
// pending BH would make the next aio_poll return at once, just as a notifier that stays set
// does here. The condition is `done >= round`, written by the kicker with qatomic_set.
//
// Harness: 2 cores, ROUNDS rounds.
//   core 0 (waiter), round r: ready = r (release); AIO_WAIT_WHILE(done < r).
//   core 1 (kicker), round r: wait until ready == r; done = r; aio_wait_kick().
// Hang: the waiter sleeps in ppoll with done == r already stored, and the kicker has read
// num_waiters == 0 (it then sleeps waiting for ready, or has exited after the last round).

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
    aio_wait_while_barrier
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
    aio_wait_kick_barrier
    qatomic_read_w w1, x20
    cbz w1, 1f
    event_notifier_set x19      // aio_bh_schedule_oneshot(main ctx, dummy_bh_cb)
1:  ret
