// QemuEvent hot paths (util/qemu-thread-posix.c), per version, for the barrier-cost bench.
// The function bodies are those of programs/qemu-event/v7.2.s and v8.0.s, on the paths
// where no futex call is made.
//
// Defines: VERSION 72 (QEMU 7.2) or 80 (QEMU 8.0: smp_mb__after_rmw after reset's RMW and
// after set's xchg; reset is unconditional);
//   PATH 1  qemu_event_set on an event that is already set (the fast path: smp_mb, read);
//   PATH 2  qemu_event_reset on an event that is free (7.2: read + smp_mb_acquire; 8.0: the
//           qatomic_or + smp_mb__after_rmw it always does);
//   PATH 3  qemu_event_set then qemu_event_reset (a full set/reset round: the xchg in set,
//           the RMW in reset).
    .include "../../programs/lib/qatomic.s"
    .include "harness.s"

.ifndef VERSION
    .equ VERSION, 72
.endif
.ifndef PATH
    .equ PATH, 1
.endif
    .equ EV_SET, 0
    .equ EV_FREE, 1

    .data
.if PATH == 1
    line32 ev_value, EV_SET
.else
    line32 ev_value, EV_FREE
.endif

    .text
_start:
    ldr x19, =ev_value
    bench_start
.if PATH != 2
    bl qemu_event_set
.endif
.if PATH != 1
    bl qemu_event_reset
.endif
    bench_stop

qemu_event_set:
    smp_mb
    qatomic_read_w w1, x19
    cmp w1, #EV_SET
    b.eq 1f
    mov w2, #EV_SET
    xchg_w w1, w2, x19
.if VERSION >= 80
    smp_mb__after_rmw
.endif
    cmn w1, #1                  // old == EV_BUSY: would wake the futex (never here)
1:  ret

qemu_event_reset:
.if VERSION >= 80
    mov w2, #EV_FREE
    qatomic_or_w w2, x19
    smp_mb__after_rmw
.else
    qatomic_read_w w1, x19
    smp_mb_acquire
    cmp w1, #EV_SET
    b.ne 1f
    mov w2, #EV_FREE
    qatomic_or_w w2, x19
1:
.endif
    ret
