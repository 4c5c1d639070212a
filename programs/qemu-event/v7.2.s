// QemuEvent as in QEMU 7.2 (util/qemu-thread-posix.c at v7.2.0; unchanged from 2015 until
// commit 9586a1329f5d "qemu-thread-posix: cleanup, fix, document QemuEvent", QEMU 8.0).
//
// What the QEMU code does. A QemuEvent is one 32-bit word with three states: EV_SET (0),
// EV_FREE (1) and EV_BUSY (-1, "free, and someone may sleep on the futex").
//   set:   full barrier; if the word is not already EV_SET, swap EV_SET in; if the old value was
//          EV_BUSY, wake every futex sleeper.
//   reset: read the word (relaxed) followed by an acquire fence; only if it was EV_SET, OR
//          EV_FREE into it (a seq-cst RMW, so a concurrent free->busy is not undone).
//          Nothing orders the RMW's store before the caller's next load.
//   wait:  read the word (relaxed) plus acquire fence; if EV_SET return; if EV_FREE, CAS it to
//          EV_BUSY (return if the CAS saw EV_SET); then FUTEX_WAIT while the word is EV_BUSY.
// Callers follow the pattern "reset; if (!condition) wait", which is only correct if the
// store of reset is visible before the condition is read. The code assumed the seq-cst RMW was
// a full barrier, as a LOCK'd instruction is on x86 and an LSE LDSETAL is on ARM. Compiled
// without LSE it is an LDAXR/STLXR loop: a later plain LDR may be satisfied before the STLXR's
// store is visible, so the waiter can read a stale condition while the setter reads a stale
// EV_SET and skips both the swap and the wake-up. QEMU 8.0 added smp_mb__after_rmw() there.
//
// Expected: a hang on armv8-llsc only. The harness, the hang and the code shared with v8.0 are
// in common.s.

    .equ HAS_MB_AFTER_RMW, 0        // nothing after set's xchg and reset's RMW
    .equ RESET_IS_UNCONDITIONAL, 0  // reset ORs EV_FREE in only if it read EV_SET
    .equ WAIT_LOAD_ACQUIRE, 0       // wait: relaxed read + smp_mb_acquire()
    .include "common.s"
