// QemuEvent (util/qemu-thread-posix.c), written once for every version, and its harness. A
// version file (v7.2.s, v8.0.s) tells what its QEMU code does, sets the switches below and
// includes this file.
//
// A QemuEvent is one 32-bit word with three states: EV_SET (0), EV_FREE (1) and EV_BUSY (-1,
// "free, and someone may sleep on the futex").
//   set:   full barrier; if the word is not EV_SET, swap EV_SET in; if the old value was
//          EV_BUSY, wake every futex sleeper.
//   reset: OR EV_FREE into the word (a seq-cst RMW, so a concurrent free->busy is not undone).
//   wait:  read the word; if EV_SET return; if EV_FREE, CAS it to EV_BUSY (return if the CAS saw
//          EV_SET); then FUTEX_WAIT while the word is EV_BUSY.
//
// Switches (each 0 or 1), one per change commit 9586a1329f5d "qemu-thread-posix: cleanup, fix,
// document QemuEvent" (QEMU 8.0) made:
//   HAS_MB_AFTER_RMW        smp_mb__after_rmw() after set's xchg and after reset's RMW.
//   RESET_IS_UNCONDITIONAL  reset always ORs EV_FREE in; 0: it first reads the word (relaxed, then
//                           an acquire fence) and ORs only if it was EV_SET.
//   WAIT_LOAD_ACQUIRE       wait's first read is a load-acquire; 0: a relaxed read followed by
//                           an acquire fence.
//
// Harness: 2 cores, ROUNDS rounds.
//   core 0 (waiter), round r:  loop { reset; if (flag == r) break; wait }; then ack = r.
//   core 1 (setter), round r:  wait until ack == r-1; flag = r; set.
// The event starts EV_FREE (qemu_event_init(ev, false)). Every round is a fresh race between
// the waiter's reset/check and the setter's flag store/set.
// Hang: the waiter sleeps in FUTEX_WAIT on an EV_BUSY event whose set already returned, and the
// setter sleeps waiting for ack (or has exited after the last round).

.irp switch, HAS_MB_AFTER_RMW, RESET_IS_UNCONDITIONAL, WAIT_LOAD_ACQUIRE
.ifndef \switch
    .error "qemu-event: the version file must set \switch (0 or 1) before including common.s"
.endif
.endr

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

    .include "functions.s"
