// qemu_bh_schedule → aio_bh_enqueue → aio_notify (util/async.c at v7.2.0) on a bottom half
// that is already pending, for the barrier-cost bench; as in programs/bh-enqueue/*.s.
//
// Defines: VERSION 72 (QEMU 7.2) or 1 (v1 of the March 2023 series: smp_mb__after_rmw after
// the fetch_or, later dropped). Path: fetch_or(&bh->flags, PENDING|SCHEDULED) finds the BH
// pending (no list push), then aio_notify: smp_wmb, notified = true, smp_mb, read notify_me
// (0: no event notifier write).
    .include "../../programs/lib/qatomic.s"
    .include "harness.s"

.ifndef VERSION
    .equ VERSION, 72
.endif
    .equ BH_PENDING, 1
    .equ BH_SCHEDULED, 2

    .data
    line32 bh_flags, 3          // BH_PENDING | BH_SCHEDULED
    line32 notified, 0
    line32 notify_me, 0

    .text
_start:
    ldr x25, =bh_flags
    ldr x21, =notified
    ldr x20, =notify_me
    bench_start
    bl qemu_bh_schedule
    bench_stop

qemu_bh_schedule:
    mov w1, #(BH_PENDING | BH_SCHEDULED)
    fetch_or_w w2, w1, x25
.if VERSION == 1
    smp_mb__after_rmw
.endif
    tbnz w2, #0, 2f             // already pending: already on the list
    nop                         // would push the BH (never here)
2:  smp_wmb                     // aio_notify: the BH list and flags before notified
    mov w1, #1
    qatomic_set_w w1, x21
    smp_mb                      // notified before notify_me
    qatomic_read_w w5, x20
    cbz w5, 3f
    nop                         // would write the event notifier (never here)
3:  ret
