// Control for aio-notify/pre-2020: the aio_poll() path of the same version (QEMU 5.0.0-rc1,
// util/aio-posix.c before commit 5710a3e09f9b "async: use explicit memory barriers").
//
// What the QEMU code does. A blocking aio_poll() announces itself with atomic_add(&notify_me, 2)
// (a seq-cst RMW, an LDAXR/STLXR loop without LSE) and then, before it reads the BH list in
// aio_compute_timeout, calls qemu_lockcnt_inc(&ctx->list_lock): a relaxed read of the count
// followed by a seq-cst cmpxchg loop (util/lockcnt.c, futex variant). After the poll it does
// atomic_sub(&notify_me, 2), runs the BHs with aio_bh_poll and calls qemu_lockcnt_dec
// (atomic_sub of the count step). The producer is the same as in aio-notify/pre-2020.
//
// Why this is a control: the cmpxchg's LDAXR is a load-acquire that follows the STLXR of the
// notify_me update, and ARMv8 orders a store-release before a later load-acquire (RCsc); the
// acquire then orders the BH-list reads after it. So on every target the store to notify_me
// is ordered before the BH check and no wake-up is lost, although nothing in aio_poll was
// written with that in mind. The lost wake-up of this version lives on the glib path
// (aio_ctx_prepare), modelled by aio-notify/pre-2020.
//
// Simplifications: those of common.s; besides, try_poll_mode and fd handlers are left out and
// qemu_lockcnt_inc is its cmpxchg loop (the count is only used by this core).
//
// Expected: no hang on any target. The harness and the hang are those of common.s.

    .equ EXPLICIT_BARRIERS, 0       // atomic_add / atomic_sub on notify_me, no barrier
    .equ EVENT_LOOP_AIO_POLL, 1     // aio_poll, with qemu_lockcnt_inc / qemu_lockcnt_dec
    .include "common.s"
