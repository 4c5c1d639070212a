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
// Expected: no hang on any target. The harness, the hang and the code shared with v7.2 are in
// common.s.

    .equ HAS_MB_AFTER_RMW, 1        // smp_mb__after_rmw() after set's xchg and reset's RMW
    .equ RESET_IS_UNCONDITIONAL, 1  // reset always ORs EV_FREE in
    .equ WAIT_LOAD_ACQUIRE, 1       // wait: qatomic_load_acquire()
    .include "common.s"
