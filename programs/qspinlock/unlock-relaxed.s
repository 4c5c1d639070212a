// qspinlock (correct.s) with its one release ordering of the uncontended path weakened: the
// unlock is a plain byte store (WRITE_ONCE(lock->locked, 0)) instead of smp_store_release.
//
// Why that breaks mutual exclusion on ARMv8: nothing orders the critical section's stores
// (owner = me, counter + 1) before the unlock's byte store any more, so another core can see
// the locked byte clear, take the lock with its acquire CAS (which orders only its own later
// accesses) and read the counter before the previous owner's increment is visible: an
// increment is lost, or the new owner's `owner` store is overtaken by the old one. The
// harness then stores 1 to `violation` and exits with status 1. Under x86-TSO every store is
// a release, so the program is correct there.
//
// Expected: a violation within 10 000 trials on armv8-llsc and armv8-lse, none on x86-tso
// (test/qspinlock.test.ts). Harness and lock: common.s.

    .equ UNLOCK_RELEASE, 0
    .equ XCHG_TAIL_ACQUIRE, 1
    .include "common.s"
