// qspinlock in the kernel's shape (kernel/locking/qspinlock.c, include/asm-generic/
// qspinlock.h): the unlock is smp_store_release(&lock->locked, 0), a byte store-release
// (STLRB) into the lock word that the fast path CASes whole and the slow path exchanges the
// tail half of; the tail exchange is an acquire (see tail-relaxed.s for why the kernel's
// relaxed one is not enough under the ARMv8 mixed-size model).
//
// Expected: no violation and no hang on any target (test/qspinlock.test.ts, 10 000 trials;
// the catalog lists it as qspinlock/correct). Harness and lock: common.s.

    .equ UNLOCK_RELEASE, 1
    .equ XCHG_TAIL_ACQUIRE, 1
    .include "common.s"
