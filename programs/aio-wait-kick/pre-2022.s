// AIO_WAIT_WHILE against aio_wait_kick before commit 7455ff1aa015 "aio_wait_kick: add missing
// memory barrier" (Emanuele Giuseppe Esposito, June 2022, QEMU 7.1): include/block/aio-wait.h
// and util/aio-wait.c as in QEMU 7.0 and the releases before it since AioWait appeared (2018).
//
// What the QEMU code does. The main thread waits for a condition that another thread (an
// IOThread, a coroutine finishing a request) makes true:
//   AIO_WAIT_WHILE(ctx, cond): qatomic_inc(&global_aio_wait.num_waiters); while (cond)
//     aio_poll(main AioContext, true); qatomic_dec(&num_waiters).
//   The other side makes cond false and calls aio_wait_kick(): if
//     (qatomic_read(&num_waiters)) aio_bh_schedule_oneshot(main context, dummy_bh_cb), whose only
//     purpose is to wake the main loop (the BH enqueue ends in aio_notify, which writes the
//     event notifier).
// The kick's comment said "the barrier (or an atomic op) is in the caller", but callers that
// change the condition with a plain store do not provide one. Then even x86 may hoist the
// kicker's load of num_waiters above its store of the condition (store buffering), while the
// waiter reads the condition before its increment is visible (on AArch64 without LSE the
// increment's STLXR does not even order the waiter's own load). The waiter sleeps in aio_poll
// and nobody kicks it.
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
    qatomic_inc_w x20           // no barrier after it
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
    qatomic_read_w w1, x20      // no barrier before it: the caller was supposed to have one
    cbz w1, 1f
    event_notifier_set x19      // aio_bh_schedule_oneshot(main ctx, dummy_bh_cb)
1:  ret
