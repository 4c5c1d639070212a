/*
 * Control for aio-notify/pre-2020: the aio_poll() path of the same version (QEMU 5.0.0-rc1,
 * util/aio-posix.c before commit 5710a3e09f9b), in C. The assembly version is
 * pre-2020-aio-poll.s beside this file.
 *
 * A blocking aio_poll() raises notify_me with atomic_add(&notify_me, 2) and then, before it
 * reads the BH list, calls qemu_lockcnt_inc, whose seq-cst cmpxchg starts with a
 * load-acquire (LDAXR inline, or the LDAXR/CASAL of the outline helper). ARMv8 orders a
 * store-release (the add's STLXR) before a later load-acquire, so the BH reads are ordered
 * after the add by accident, and no wake-up is lost on any target.
 *
 * Expected: no hang on any target.
 */
#define EXPLICIT_BARRIERS 0   /* atomic_add / atomic_sub on notify_me, no barrier */
#define EVENT_LOOP_AIO_POLL 1 /* aio_poll, with qemu_lockcnt_inc / qemu_lockcnt_dec */
#include "common.h"
