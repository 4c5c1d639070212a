// Bottom-half scheduling as in QEMU 7.2 plus the barriers proposed by "[PATCH 5/8] util/async:
// add smp_mb__after_rmw() around BH enqueue/dequeue" (Paolo Bonzini, 3 March 2023, v1 of the
// series "Fix missing memory barriers on ARM"). A control: expected hang-free on every target.
//
// What the patch proposed. Believing that qatomic_fetch_or / qatomic_fetch_and provide no
// ordering on ARM beyond their own location, it added smp_mb__after_rmw() right after the
// fetch_or in aio_bh_enqueue and right after the fetch_and in aio_bh_dequeue. In review
// (Richard Henderson asked what each barrier pairs with) Paolo worked through the protocol:
// the flags RMWs are already release/acquire, the list push is a release and the list xchg an
// acquire, aio_notify() is called unconditionally and pairs with aio_poll / aio_notify_accept
// through its own smp_wmb/smp_mb. He dropped the patch; v2 (merged for QEMU 8.0) replaced it
// by comment-only changes ("async: update documentation of the memory barriers", "async:
// clarify usage of barriers in the polling case"). The extra barriers cost a DMB ISH on AArch64
// and nothing on x86.
//
// Expected: no hang on any target. The harness, the hang, the simplifications and the code
// shared with v7.2 are in common.s.

    .equ HAS_MB_AFTER_FLAGS_RMW, 1  // smp_mb__after_rmw() after fetch_or and after fetch_and
    .include "common.s"
