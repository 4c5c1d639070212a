/*
 * QEMU's futex wrappers (util/qemu-thread-posix.c until QEMU 9.x moved them to
 * include/qemu/futex.h), over hangar's syscall(). Written from their behaviour: QEMU uses the
 * shared operations with no timeout; qemu_futex_wait retries on EINTR, returns on EAGAIN
 * ("the word already differed") and aborts on anything else. hangar never delivers EINTR, so
 * the retry loop is only here because it is part of the code, and the errno read is what
 * brings __errno_location into the compiled output.
 */
#ifndef HANGAR_QEMU_FUTEX_H
#define HANGAR_QEMU_FUTEX_H

#include <stdlib.h> /* abort */
#include "hangar.h"

static inline void qemu_futex_wake(void *addr, int n)
{
    syscall(SYS_futex, (long)addr, (long)FUTEX_WAKE, (long)n, 0L, 0L, 0L);
}

static inline void qemu_futex_wait(void *addr, unsigned val)
{
    while (syscall(SYS_futex, (long)addr, (long)FUTEX_WAIT, (long)val, 0L, 0L, 0L)) {
        switch (errno) {
        case EAGAIN:
            return;
        case EINTR:
            break; /* retry */
        default:
            abort();
        }
    }
}

#endif /* HANGAR_QEMU_FUTEX_H */
