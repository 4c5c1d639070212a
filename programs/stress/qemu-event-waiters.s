// Many QemuEvent waiters (QEMU 8.0's QemuEvent, see programs/qemu-event/v8.0.s): a stress and
// scaling harness for 2..64 cores, not one of the verdict-table programs.
//
// Core 0 is the setter; each core i in 1..NCORES-1 waits on its own event, as QEMU's RCU
// readers each own one (a QemuEvent has one resetting waiter: with two, one can reset the
// event for its next round while the other is between its condition check and its wait, and
// sleep forever; hangar finds that misuse within a few trials).
//   setter, round r:   wait until acks == (NCORES-1)*(r-1); flag = r; qemu_event_set(ev[i]) for each i.
//   waiter i, round r: loop { reset(ev[i]); if (flag == r) break; wait(ev[i]) }; acks += 1; wake acks.
// Expected: no hang on any target (v8.0 has every barrier). Set ROUNDS and NCORES with
// `--define` (e.g. `hangar run programs/stress/qemu-event-waiters.s --define NCORES=16`), or
// keep the defaults below.

    .include "../lib/qatomic.s"
    .include "../lib/futex.s"
    .include "../lib/harness.s"

.ifndef NCORES
    .equ NCORES, 8
.endif
.ifndef ROUNDS
    .equ ROUNDS, 16
.endif
    .cores NCORES
    .stack 0

    .equ EV_SET, 0
    .equ EV_FREE, 1

    .data
    var32 flag, 0
    var32 acks, 0
    .align 3
events:                         // one 8-byte slot per core (slot 0 unused)
    .rept NCORES
    .word EV_FREE, 0
    .endr

    .text
_start:
    ldr x19, =events
    add x19, x19, x0, lsl #3    // this core's event (waiters)
    ldr x20, =flag
    ldr x21, =acks
    mov w22, #1                 // round
    cbz x0, setter

waiter:
1:  bl qemu_event_reset
    qatomic_read_w w23, x20
    cmp w23, w22
    b.eq 2f
    bl qemu_event_wait
    b 1b
2:  mov w24, #1
    qatomic_add_w w24, x21
    qemu_futex_wake x21, #INT_MAX
    add w22, w22, #1
    cmp_rounds w22
    b.le 1b
    sys_exit 0

setter:
    mov w25, #(NCORES - 1)
1:  sub w23, w22, #1
    mul w23, w23, w25           // acks expected before round r
    wait_until_eq_w x21, w23, w24
    qatomic_set_w w22, x20
    mov w26, #1
2:  ldr x19, =events
    add x19, x19, x26, lsl #3
    bl qemu_event_set
    add w26, w26, #1
    cmp w26, w25
    b.le 2b
    add w22, w22, #1
    cmp_rounds w22
    b.le 1b
    sys_exit 0

// QEMU 8.0's QemuEvent (see programs/qemu-event/v8.0.s).
    .equ HAS_MB_AFTER_RMW, 1
    .equ RESET_IS_UNCONDITIONAL, 1
    .equ WAIT_LOAD_ACQUIRE, 1
    .include "../qemu-event/functions.s"
