/*
 * AIO_WAIT_WHILE against aio_wait_kick after commit 7455ff1aa015 "aio_wait_kick: add missing
 * memory barrier" (Emanuele Giuseppe Esposito, suggested by Paolo Bonzini; June 2022, QEMU 7.1
 * and 7.2), in C. The assembly version is 2022.s beside this file.
 *
 * smp_mb() after the waiter's qatomic_inc and before the kicker's read of num_waiters: either
 * the waiter sees the new condition or the kicker sees a waiter and wakes it.
 *
 * Expected: no hang on any target.
 */
#define AIO_WAIT_WHILE_BARRIER() smp_mb() /* pairs with the barrier in aio_wait_kick */
#define AIO_WAIT_KICK_BARRIER() smp_mb()  /* pairs with the waiter's barrier */
#include "common.h"
