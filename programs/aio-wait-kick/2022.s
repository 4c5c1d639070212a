// AIO_WAIT_WHILE against aio_wait_kick after commit 7455ff1aa015 "aio_wait_kick: add missing
// memory barrier" (Emanuele Giuseppe Esposito, suggested by Paolo Bonzini; June 2022, QEMU 7.1
// and 7.2).
//
// What the QEMU code does. The same wait/kick protocol as aio-wait-kick/pre-2022, with the
// store->load ordering now inside the primitives instead of being left to the callers:
//   AIO_WAIT_WHILE: qatomic_inc(&num_waiters); smp_mb(); while (cond) aio_poll(main ctx, true);
//     qatomic_dec(&num_waiters).
//   aio_wait_kick: smp_mb(); if (qatomic_read(&num_waiters)) schedule the dummy one-shot BH in
//     the main context (which writes its event notifier).
// With a full fence between store and load on both sides, either the waiter sees the new
// condition or the kicker sees a non-zero num_waiters and wakes it. On AArch64 both fences are
// DMB ISH; on x86 both are MFENCE (the waiter's is redundant after the LOCK'd increment).
//
// Expected: no hang on any target. The harness, the hang, the simplifications and the code
// shared with the other versions are in common.s.

.macro aio_wait_while_barrier
    smp_mb                      // pairs with the barrier in aio_wait_kick
.endm

.macro aio_wait_kick_barrier
    smp_mb                      // pairs with the waiter's barrier after its increment
.endm

    .include "common.s"
