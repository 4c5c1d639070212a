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
// Expected: a hang on every target. The harness, the hang, the simplifications and the code
// shared with the other versions are in common.s.

// AIO_WAIT_WHILE: nothing after qatomic_inc(&num_waiters).
.macro aio_wait_while_barrier
.endm

// aio_wait_kick: nothing before its read of num_waiters: the caller was supposed to have one.
.macro aio_wait_kick_barrier
.endm

    .include "common.s"
