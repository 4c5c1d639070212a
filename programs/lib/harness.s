// Harness helpers shared by the QEMU programs: variable declarations, exit, and the blocking
// handshakes the harnesses use between rounds. Include after qatomic.s and futex.s.
//
// Memory layout rule: every variable sits alone in an 8-aligned 8-byte slot and is always
// accessed with one access size (32-bit variables with W registers, pointers with X), so no
// access ever straddles or splits a location.
//
// Register conventions: sys_exit and publish_w clobber x0-x3 and x8; wait_until_eq_w also its
// tmp register and the flags. Nothing else is touched.

.equ SYS_exit, 93
.equ SYS_sched_yield, 124

// A 32-bit variable (int / unsigned / bool in QEMU), alone in its 8-byte slot.
.macro var32 name, init=0
    .align 3
\name:
    .word \init
    .word 0
.endm

// A 64-bit variable (a pointer).
.macro var64 name, init=0
    .align 3
\name:
    .quad \init
.endm

// exit(status): ends this core.
.macro sys_exit status=0
    mov x0, #\status
    mov x8, #SYS_exit
    svc #0
.endm

// Handshakes between harness cores. The waiting side blocks in FUTEX_WAIT rather than
// spinning, so when the primitive under test loses a wake-up every other core ends up blocked
// in the kernel too and the hang is visible from the machine state alone.
//
// wait_until_eq_w: until the 32-bit word at addr equals val (a W register): load-acquire it;
// if it differs, FUTEX_WAIT on the value just seen (returns at once if it changed meanwhile).
// addr and val must survive system calls (not x0-x3/x8); tmp may be any other W register.
// Clobbers x0-x3, x8, tmp and the flags.
.macro wait_until_eq_w addr, val, tmp
.Lwait_until_eq_w\@:
    load_acquire_w \tmp, \addr
    cmp \tmp, \val
    b.eq .Lwait_until_eq_w_done\@
    qemu_futex_wait \addr, \tmp
    b .Lwait_until_eq_w\@
.Lwait_until_eq_w_done\@:
.endm

// publish_w: store-release val (a W register) to the 32-bit word at addr, then FUTEX_WAKE all
// its waiters. Clobbers x0-x3 and x8.
.macro publish_w val, addr
    store_release_w \val, \addr
    qemu_futex_wake \addr, #INT_MAX
.endm

// cmp_rounds wN: compare a round counter with ROUNDS, which may exceed the 12-bit CMP
// immediate (long stress runs set ROUNDS in the millions). Clobbers w16.
.macro cmp_rounds reg
    movz w16, #(ROUNDS & 0xffff)
    movk w16, #((ROUNDS >> 16) & 0xffff), lsl #16
    cmp \reg, w16
.endm
