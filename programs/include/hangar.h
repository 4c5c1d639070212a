/*
 * The harness side of hangar's C programs: what a program may use besides its own code, and
 * the blocking handshakes between its threads.
 *
 * hangar's C runtime provides only: syscall() for the system calls hangar's kernel has (futex
 * WAIT/WAKE without timeout, eventfd2, read/write of 8 bytes on an eventfd, ppoll of one pollfd
 * without timeout, sched_yield, exit), pthread_create/join/self, errno (__errno_location),
 * assert (__assert_fail), abort, exit/_exit, small memset/memcpy/memcmp/strlen, and GCC's
 * outline-atomics helpers (__aarch64_cas/swp/ldadd/ldclr/ldeor/ldset<size>_<order>). So every
 * system call here goes through syscall(), never through a libc wrapper such as read() or
 * ppoll(). The same sources build natively (gcc -O2 -pthread) against glibc, which is how
 * programs/build-c.mjs --native checks them on real hardware.
 *
 * Handshakes (wait_until_eq, publish) block in FUTEX_WAIT rather than spin, as the assembly
 * harness does (programs/lib/harness.s): when the primitive under test loses a wake-up, the
 * other threads end up blocked in the kernel too, so the hang is visible from the machine
 * state alone. The futex call is a full barrier on both sides.
 */
#ifndef HANGAR_H
#define HANGAR_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* syscall() */
#endif
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

/* futex(2): sleep while *addr == val (returns 0 when woken, -1 with errno EAGAIN when *addr
 * already differed). No timeout: hangar's kernel has none. */
static inline long hangar_futex_wait(const unsigned *addr, unsigned val)
{
    return syscall(SYS_futex, (long)addr, (long)FUTEX_WAIT, (long)val, 0L, 0L, 0L);
}

/* futex(2): wake up to n sleepers on addr; returns how many woke. */
static inline long hangar_futex_wake(const unsigned *addr, int n)
{
    return syscall(SYS_futex, (long)addr, (long)FUTEX_WAKE, (long)n, 0L, 0L, 0L);
}

/* Until *addr == val: load-acquire it; if it differs, sleep on the value just seen (the
 * futex returns at once if it changed meanwhile). */
static inline void wait_until_eq(const unsigned *addr, unsigned val)
{
    unsigned seen;
    while ((seen = __atomic_load_n(addr, __ATOMIC_ACQUIRE)) != val)
        hangar_futex_wait(addr, seen);
}

/* Store-release val to *addr, then wake every sleeper on it. */
static inline void publish(unsigned *addr, unsigned val)
{
    __atomic_store_n(addr, val, __ATOMIC_RELEASE);
    hangar_futex_wake(addr, INT_MAX);
}

/* Start fn(arg) on a new thread (on hangar: on a free core). */
static inline pthread_t spawn(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    int err = pthread_create(&t, NULL, fn, arg);
    assert(err == 0);
    (void)err;
    return t;
}

static inline void join(pthread_t t)
{
    int err = pthread_join(t, NULL);
    assert(err == 0);
    (void)err;
}

#endif /* HANGAR_H */
