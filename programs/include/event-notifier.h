/*
 * QEMU's EventNotifier (util/event_notifier-posix.c) on Linux: an eventfd, over hangar's
 * syscall(). Setting it writes 1 to the counter; a poller blocks in ppoll until the counter
 * is non-zero; test-and-clear reads (and so zeroes) the counter.
 *
 * Where this differs from QEMU, and why:
 *   - QEMU creates the eventfd with EFD_NONBLOCK | EFD_CLOEXEC and its test-and-clear may find
 *     the counter at 0 (EAGAIN). hangar's read(2) blocks on 0 and has no flags, so the
 *     programs call event_notifier_test_and_clear only right after a ppoll reported the
 *     notifier readable, on the single thread that reads it (as programs/lib/event-notifier.s).
 *   - QEMU drains into a 512-byte buffer and loops while it fills; an eventfd read is always
 *     8 bytes, and hangar's read takes exactly 8, so the buffer is one uint64_t.
 *   - The pollfd the event loop waits on lives in the notifier and is written once, by
 *     event_notifier_init, before the other threads exist (QEMU keeps it in the AioHandler /
 *     GSource, also persistent). hangar's ppoll takes one pollfd and no timeout.
 */
#ifndef HANGAR_EVENT_NOTIFIER_H
#define HANGAR_EVENT_NOTIFIER_H

#include "hangar.h"

typedef struct EventNotifier {
    struct pollfd pfd; /* pfd.fd is the eventfd (QEMU's rfd == wfd for an eventfd) */
    bool initialized;
} EventNotifier;

static inline int event_notifier_init(EventNotifier *e, int active)
{
    long fd = syscall(SYS_eventfd2, (long)(active ? 1 : 0), 0L);
    if (fd < 0)
        return -errno;
    e->pfd.fd = (int)fd;
    e->pfd.events = POLLIN;
    e->pfd.revents = 0;
    e->initialized = true;
    return 0;
}

static inline int event_notifier_set(EventNotifier *e)
{
    uint64_t value = 1;
    long ret;
    do {
        ret = syscall(SYS_write, (long)e->pfd.fd, (long)&value, (long)sizeof(value));
    } while (ret < 0 && errno == EINTR);
    return ret < 0 ? -errno : 0;
}

/* Only after event_notifier_wait returned (see above). */
static inline int event_notifier_test_and_clear(EventNotifier *e)
{
    uint64_t buffer;
    long len;
    if (!e->initialized)
        return 0;
    do {
        len = syscall(SYS_read, (long)e->pfd.fd, (long)&buffer, (long)sizeof(buffer));
    } while (len < 0 && errno == EINTR);
    return len > 0;
}

/* Block until the notifier is set: ppoll(&pfd, 1, NULL, NULL), as the event loop's
 * qemu_poll_ns / fdmon wait does with an infinite timeout. */
static inline void event_notifier_wait(EventNotifier *e)
{
    syscall(SYS_ppoll, (long)&e->pfd, 1L, 0L, 0L, 0L);
}

#endif /* HANGAR_EVENT_NOTIFIER_H */
