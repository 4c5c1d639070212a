// Fences around a read-modify-write and a store, in isolation, for the barrier-cost bench.
//
// Defines: SHAPE
//   1  qatomic_inc(&a); r = qatomic_read(&b)
//   2  qatomic_inc(&a); smp_mb__after_rmw(); r = qatomic_read(&b)
//   3  qatomic_inc(&a); smp_mb(); r = qatomic_read(&b)
//   4  qatomic_set(&a, 1); r = qatomic_read(&b)
//   5  qatomic_set(&a, 1); smp_mb(); r = qatomic_read(&b)          (store buffering, fixed)
//   6  qatomic_store_release(&a, 1); r = qatomic_load_acquire(&b)  (STLR then LDAR)
//   7  STLR then LDAPR (AArch64 only: RCpc acquire does not wait for the STLR)
    .include "../../programs/lib/qatomic.s"
    .include "harness.s"

.ifndef SHAPE
    .equ SHAPE, 1
.endif

    .data
    line32 a, 0
    line32 b, 0

    .text
_start:
    ldr x20, =a
    ldr x21, =b
    mov w22, #1
    bench_start
.if SHAPE <= 3
    qatomic_inc_w x20
.if SHAPE == 2
    smp_mb__after_rmw
.elseif SHAPE == 3
    smp_mb
.endif
    qatomic_read_w w1, x21
.elseif SHAPE <= 5
    qatomic_set_w w22, x20
.if SHAPE == 5
    smp_mb
.endif
    qatomic_read_w w1, x21
.elseif SHAPE == 6
    store_release_w w22, x20
    load_acquire_w w1, x21
.else
    stlr w22, [x20]
    ldapr w1, [x21]
.endif
    bench_stop
