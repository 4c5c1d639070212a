// QEMU's futex wrappers (include/qemu/futex.h, formerly static functions in
// util/qemu-thread-posix.c) over the Linux AArch64 system-call ABI: x8 = number, x0.. = arguments,
// result in x0. QEMU uses the shared (non-private) operations and no timeout.
//
// Register conventions: the macros clobber x0-x3 and x8. Pass the address in an X register that
// is not x0-x3/x8; the value may be such a register or an immediate (#n).

.equ SYS_futex, 98
.equ FUTEX_WAIT, 0
.equ FUTEX_WAKE, 1
.equ FUTEX_PRIVATE_FLAG, 128
.equ INT_MAX, 0x7fffffff
.equ EAGAIN, 11

// qemu_futex_wait(addr, val): sleep while the 32-bit word at addr equals val. Returns 0 when
// woken, -EAGAIN when the word already differed. QEMU retries only on EINTR, which hangar never
// delivers, so one call is the whole function.
.macro qemu_futex_wait addr, val
    mov w2, \val
    mov x0, \addr
    mov x1, #FUTEX_WAIT
    mov x3, #0
    mov x8, #SYS_futex
    svc #0
.endm

// qemu_futex_wake(addr, n): wake up to n sleepers on addr (QEMU passes INT_MAX to wake all).
.macro qemu_futex_wake addr, n
    mov w2, \n
    mov x0, \addr
    mov x1, #FUTEX_WAKE
    mov x3, #0
    mov x8, #SYS_futex
    svc #0
.endm
