// QemuEvent as in QEMU 8.0 (util/qemu-thread-posix.c at v8.0.0, after commit 9586a1329f5d
// "qemu-thread-posix: cleanup, fix, document QemuEvent", March 2023, part of Paolo Bonzini's
// series "Fix missing memory barriers on ARM").
//
// What the QEMU code does. Same three states as before: EV_SET (0), EV_FREE (1), EV_BUSY (-1).
//   set:   full barrier; if the word is not EV_SET, swap EV_SET in, then smp_mb__after_rmw()
//          (new: orders the swap before the futex wake and whatever follows); wake all futex
//          sleepers if the old value was EV_BUSY.
//   reset: unconditionally OR EV_FREE into the word (SET->FREE; a no-op on FREE or BUSY), then
//          smp_mb__after_rmw() (new): the reset is now ordered before the caller re-reads its
//          condition, pairing with the full barrier at the start of set.
//   wait:  load-acquire the word (replacing relaxed load + acquire fence); if EV_SET return; if
//          EV_FREE, CAS it to EV_BUSY (return if the CAS saw EV_SET); then FUTEX_WAIT on EV_BUSY
//          (the system call itself is the final full barrier).
// smp_mb__after_rmw() is DMB ISH on ARM and only a compiler barrier on x86, where the LOCK'd
// RMW already is a full barrier.
//
// Harness: identical to qemu-event/v7.2 (2 cores, ROUNDS rounds).
//   core 0 (waiter), round r:  loop { reset; if (flag == r) break; wait }; then ack = r.
//   core 1 (setter), round r:  wait until ack == r-1; flag = r; set.
// Hang: the waiter sleeps in FUTEX_WAIT although the setter finished its round. Expected on no
// target.

    .include "../lib/qatomic.s"
    .include "../lib/futex.s"
    .include "../lib/harness.s"

    .cores 2
    .stack 0                    // no core uses a stack

.ifndef ROUNDS
    .equ ROUNDS, 32
.endif

    .equ EV_SET, 0
    .equ EV_FREE, 1

    .data
    var32 ev_value, EV_FREE     // QemuEvent.value
    var32 flag, 0               // the waiter's condition: the last round the setter published
    var32 ack, 0                // harness: the last round the waiter finished

    .text
_start:
    ldr x19, =ev_value
    ldr x20, =flag
    ldr x21, =ack
    mov w22, #1                 // w22 = round
    cbnz x0, setter

waiter:
1:  bl qemu_event_reset
    qatomic_read_w w23, x20
    cmp w23, w22
    b.eq 2f                     // condition true: done with this round
    bl qemu_event_wait
    b 1b
2:  publish_w w22, x21
    add w22, w22, #1
    cmp_rounds w22
    b.le 1b
    sys_exit 0

setter:
1:  sub w23, w22, #1
    wait_until_eq_w x21, w23, w24
    qatomic_set_w w22, x20
    bl qemu_event_set
    add w22, w22, #1
    cmp_rounds w22
    b.le 1b
    sys_exit 0

// The three functions take the event's address in x19; they clobber w1-w3, x0-x3, x8, w9,
// w16, w17 and the flags.

qemu_event_set:
    smp_mb
    qatomic_read_w w1, x19
    cmp w1, #EV_SET
    b.eq 1f
    mov w2, #EV_SET
    xchg_w w1, w2, x19
    smp_mb__after_rmw
    cmn w1, #1                  // old == EV_BUSY?
    b.ne 1f
    qemu_futex_wake x19, #INT_MAX
1:  ret

qemu_event_reset:
    mov w2, #EV_FREE
    qatomic_or_w w2, x19
    smp_mb__after_rmw           // orders the reset before the caller's condition check
    ret

qemu_event_wait:
    load_acquire_w w1, x19
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
