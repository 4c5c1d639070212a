/*
 * AIO_WAIT_WHILE against aio_wait_kick after commit b532526a07ef "aio-wait: switch to
 * smp_mb__after_rmw()" (Paolo Bonzini, March 2023, QEMU 8.0; in "Fix missing memory barriers
 * on ARM"), in C. The assembly version is 2023.s beside this file.
 *
 * As in 2022, except that the waiter's fence after qatomic_inc becomes smp_mb__after_rmw():
 * still DMB ISH on AArch64, nothing on x86-64 (the LOCK'd increment is already a full barrier).
 *
 * Expected: no hang on any target.
 */
#define AIO_WAIT_WHILE_BARRIER() smp_mb__after_rmw() /* pairs with the barrier in aio_wait_kick */
#define AIO_WAIT_KICK_BARRIER() smp_mb()             /* pairs with the waiter's barrier */
#include "common.h"
