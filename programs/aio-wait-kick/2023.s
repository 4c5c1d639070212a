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
// Expected: no hang on any target. The harness, the hang, the simplifications and the code
// shared with the other versions are in common.s.

.macro aio_wait_while_barrier
    smp_mb__after_rmw           // pairs with the barrier in aio_wait_kick
.endm

.macro aio_wait_kick_barrier
    smp_mb                      // pairs with the waiter's barrier after its increment
.endm

    .include "common.s"
