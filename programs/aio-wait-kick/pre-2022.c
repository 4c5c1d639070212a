/*
 * AIO_WAIT_WHILE against aio_wait_kick before commit 7455ff1aa015 "aio_wait_kick: add missing
 * memory barrier" (Emanuele Giuseppe Esposito, June 2022, QEMU 7.1): include/block/aio-wait.h
 * and util/aio-wait.c as in QEMU 7.0 and earlier releases since AioWait appeared (2018), in C.
 * The assembly version is pre-2022.s beside this file; its header tells the story in full.
 *
 * No barrier on either side: aio_wait_kick's comment said the barrier (or an atomic op) was
 * in the caller, but a caller that changes the condition with a plain store has none, so even
 * x86 may satisfy the kicker's load of num_waiters before its store of the condition (store
 * buffering), while the waiter reads the condition before its increment is visible.
 *
 * Expected: a hang on every target.
 */
#define AIO_WAIT_WHILE_BARRIER() ((void)0) /* nothing after qatomic_inc(&num_waiters) */
#define AIO_WAIT_KICK_BARRIER() ((void)0)  /* nothing before the read of num_waiters */
#include "common.h"
