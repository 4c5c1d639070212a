// AIO_WAIT_WHILE entry and aio_wait_kick (include/block/aio-wait.h, util/aio-wait.c) hot
// paths, per version, for the barrier-cost bench; as in programs/aio-wait-kick/*.s.
//
// Defines: VERSION 71 (before commit 7455ff1aa015, QEMU <= 7.0: no barriers),
//          72 (QEMU 7.1-7.2: smp_mb on both sides), 80 (QEMU 8.0, commit b532526a07ef:
//          the waiter's barrier is smp_mb__after_rmw);
//   PATH 1  AIO_WAIT_WHILE with a condition that is already false: qatomic_inc(num_waiters),
//           the barrier, one read of the condition, qatomic_dec(num_waiters);
//   PATH 2  aio_wait_kick with no waiter: the barrier, read num_waiters, return.
    .include "../../programs/lib/qatomic.s"
    .include "harness.s"

.ifndef VERSION
    .equ VERSION, 71
.endif
.ifndef PATH
    .equ PATH, 1
.endif

    .data
    line32 num_waiters, 0       // global_aio_wait.num_waiters
    line32 done, 1              // the waited-for condition is already false

    .text
_start:
    ldr x20, =num_waiters
    ldr x21, =done
    mov w26, #1
    bench_start
.if PATH == 1
    qatomic_inc_w x20
.if VERSION == 72
    smp_mb
.elseif VERSION >= 80
    smp_mb__after_rmw
.endif
    qatomic_read_w w1, x21      // while (qatomic_read(&done) < r) ... : false at once
    cmp w1, w26
    b.lo bench_exit             // never taken
    qatomic_dec_w x20
.else
    bl aio_wait_kick
.endif
    bench_stop

aio_wait_kick:
.if VERSION >= 72
    smp_mb
.endif
    qatomic_read_w w1, x20
    cbz w1, 1f
    nop                         // would schedule the dummy BH (never here)
1:  ret
