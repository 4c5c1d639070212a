// QemuEvent's set, reset and wait (util/qemu-thread-posix.c), written once for every version:
// the including file sets HAS_MB_AFTER_RMW, RESET_IS_UNCONDITIONAL and WAIT_LOAD_ACQUIRE (see
// programs/qemu-event/v7.2.s and v8.0.s for what each QEMU version does) and EV_SET/EV_FREE,
// and includes lib/qatomic.s and lib/futex.s. Used by programs/qemu-event/common.s, the stress
// harness programs/stress/qemu-event-waiters.s and the barrier-cost benchmark.

// The three functions take the event's address in x19; they clobber w1-w3, x0-x3, x8, w9,
// w16, w17 and the flags.

qemu_event_set:
    smp_mb
    qatomic_read_w w1, x19
    cmp w1, #EV_SET
    b.eq 1f
    mov w2, #EV_SET
    xchg_w w1, w2, x19
.if HAS_MB_AFTER_RMW
    smp_mb__after_rmw           // orders the swap before the wake-up and what follows
.endif
    cmn w1, #1                  // old == EV_BUSY?
    b.ne 1f
    qemu_futex_wake x19, #INT_MAX
1:  ret

qemu_event_reset:
.if !RESET_IS_UNCONDITIONAL
    qatomic_read_w w1, x19      // only a set event is reset
    smp_mb_acquire
    cmp w1, #EV_SET
    b.ne 1f
.endif
    mov w2, #EV_FREE
    qatomic_or_w w2, x19        // SET -> FREE; a no-op on FREE or BUSY
.if HAS_MB_AFTER_RMW
    smp_mb__after_rmw           // orders the reset before the caller's condition check
.else
    // no barrier after the RMW: the caller's next load may pass its store (the 7.2 bug)
.endif
1:  ret

qemu_event_wait:
.if WAIT_LOAD_ACQUIRE
    load_acquire_w w1, x19
.else
    qatomic_read_w w1, x19
    smp_mb_acquire
.endif
    cmp w1, #EV_SET
    b.eq 9f
    cmp w1, #EV_FREE
    b.ne 1f
    mov w2, #EV_FREE
    movn w3, #0                 // EV_BUSY
    cmpxchg_w w1, w2, w3, x19
    cmp w1, #EV_SET
    b.eq 9f
1:  movn w3, #0                 // EV_BUSY
    qemu_futex_wait x19, w3
9:  ret
