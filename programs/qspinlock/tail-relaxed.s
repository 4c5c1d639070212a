// qspinlock (correct.s) with the tail exchange relaxed, as the kernel writes xchg_tail
// (xchg_relaxed of the 16-bit tail, when _Q_PENDING_BITS == 8).
//
// Why that breaks mutual exclusion under the ARMv8 mixed-size model: the previous queue head
// takes the lock with its CAS of the whole word (tail ours -> LOCKED, clearing the tail); a
// core that then exchanges its tail in reads the cleared tail (old = 0: it is the new head),
// and its head wait, a 32-bit load-acquire of the lock word, may take the tail bytes from its
// own exchange, still in flight and forwarded, and the locked byte from memory as it was
// before that CAS: it sees the lock free, takes it with set_locked, and two cores are inside.
// A relaxed SWPH orders nothing after it, and a forwarded read needs no ordering; herd7 7.58
// -variant mixed allows exactly this (programs/litmus/aarch64/QS+cas+swph-ldar.litmus:
// Sometimes) and forbids it with an acquire exchange (QS+cas+swpah-ldar: Never). The kernel
// also takes the pending-bit path (a 32-bit fetch_or_acquire) in the uncontended case, which
// this simplified slow path does not; the queueing path itself is the same.
//
// Expected: a violation (and occasionally a hang: a head spinning for a successor that linked
// to the other head) within 10 000 trials on armv8-llsc and armv8-lse; none on x86-tso
// (test/qspinlock.test.ts). Harness and lock: common.s.

    .equ UNLOCK_RELEASE, 1
    .equ XCHG_TAIL_ACQUIRE, 0
    .include "common.s"
