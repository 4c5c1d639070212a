/*
 * QemuEvent (util/qemu-thread-posix.c) in C, written once for every version, and its pthread
 * harness. Not a header in the usual sense: it is the body of the program, included once by
 * each version file (v7.2.c, v8.0.c), which tells what its QEMU code does and sets the
 * switches below, exactly as programs/qemu-event/common.s is included by v7.2.s and v8.0.s.
 *
 * A QemuEvent is one 32-bit word with three states: EV_SET (0), EV_FREE (1) and EV_BUSY (-1,
 * "free, and someone may sleep on the futex").
 *
 * Switches (each 0 or 1), one per change of commit 9586a1329f5d "qemu-thread-posix: cleanup,
 * fix, document QemuEvent" (QEMU 8.0):
 *   HAS_MB_AFTER_RMW        smp_mb__after_rmw() after set's xchg and after reset's RMW.
 *   RESET_IS_UNCONDITIONAL  reset always ORs EV_FREE in; 0: it first reads the word (relaxed,
 *                           then smp_mb_acquire) and ORs only if it was EV_SET.
 *   WAIT_LOAD_ACQUIRE       wait's first read is qatomic_load_acquire; 0: qatomic_read followed
 *                           by smp_mb_acquire.
 *
 * Where the C differs from QEMU's code, and why:
 *   - The functions are static, in one translation unit with the harness, so the compiler may
 *     inline them (QEMU's are extern in their own file). That changes no ordering: every
 *     access in them is an atomic or a fence, which the compiler does not reorder across.
 *   - QemuEvent keeps QEMU's two fields (value, initialized) and QEMU's asserts on
 *     initialized; the trace points and the qemu_event_destroy path are left out.
 *   - qemu_futex_wait/wake are QEMU's (include/qemu-futex.h), over hangar's syscall().
 *
 * Harness: 2 threads (main is core 0), ROUNDS rounds, the same as common.s:
 *   main (waiter), round r:  loop { reset; if (flag == r) break; wait }; then publish ack = r.
 *   setter thread, round r:  wait until ack == r-1; flag = r; set.
 * The event starts EV_FREE (qemu_event_init(ev, false)). Every round is a fresh race between
 * the waiter's reset/check and the setter's flag store/set. The assembly's init handshake is
 * not needed: pthread_create orders everything main did before it.
 * Hang: the waiter sleeps in FUTEX_WAIT on an EV_BUSY event whose set already returned, and the
 * setter sleeps waiting for ack (or has exited after the last round, and main never joins it).
 * Asserts: the event word only ever holds one of the three states; the waiter leaves a round
 * only when it saw flag == r.
 */
#if !defined(HAS_MB_AFTER_RMW) || !defined(RESET_IS_UNCONDITIONAL) || !defined(WAIT_LOAD_ACQUIRE)
#error "qemu-event: the version file must define HAS_MB_AFTER_RMW, RESET_IS_UNCONDITIONAL and WAIT_LOAD_ACQUIRE (0 or 1)"
#endif

#include "../include/hangar.h"
#include "../include/qatomic.h"
#include "../include/qemu-futex.h"

#ifndef ROUNDS
#define ROUNDS 32
#endif

#define EV_SET  0
#define EV_FREE 1
#define EV_BUSY (-1)

typedef struct QemuEvent {
    unsigned value;
    bool initialized;
} QemuEvent;

static QemuEvent ev;     /* the event under test */
static unsigned flag;    /* the waiter's condition: the last round the setter published */
static unsigned ack;     /* harness: the last round the waiter finished */

static void qemu_event_init(QemuEvent *e, bool init)
{
    e->value = init ? EV_SET : EV_FREE;
    e->initialized = true;
}

static inline void check_state(unsigned value)
{
    assert(value == EV_SET || value == EV_FREE || value == (unsigned)EV_BUSY);
}

static void qemu_event_set(QemuEvent *e)
{
    assert(e->initialized);
    /* set is a release, but it also reads the word: so a full barrier first. */
    smp_mb();
    if (qatomic_read(&e->value) != EV_SET) {
        unsigned old = qatomic_xchg(&e->value, EV_SET);
#if HAS_MB_AFTER_RMW
        smp_mb__after_rmw(); /* order the swap before the wake-up and what follows */
#endif
        check_state(old);
        if (old == (unsigned)EV_BUSY)
            qemu_futex_wake(e, INT_MAX); /* there were sleepers: wake them all */
    }
}

static void qemu_event_reset(QemuEvent *e)
{
    assert(e->initialized);
#if RESET_IS_UNCONDITIONAL
    /* SET -> FREE; a no-op on FREE or BUSY (a concurrent reset + wait) */
    qatomic_or(&e->value, EV_FREE);
#else
    unsigned value = qatomic_read(&e->value);
    smp_mb_acquire();
    if (value == EV_SET)
        qatomic_or(&e->value, EV_FREE); /* the RMW keeps a concurrent FREE -> BUSY */
#endif
#if HAS_MB_AFTER_RMW
    smp_mb__after_rmw(); /* order the reset before the caller re-reads its condition */
#else
    /* nothing: the caller's next load may pass the RMW's store (the 7.2 bug on LL/SC) */
#endif
}

static void qemu_event_wait(QemuEvent *e)
{
    unsigned value;
    assert(e->initialized);
#if WAIT_LOAD_ACQUIRE
    value = qatomic_load_acquire(&e->value);
#else
    value = qatomic_read(&e->value);
    smp_mb_acquire();
#endif
    check_state(value);
    if (value != EV_SET) {
        if (value == EV_FREE) {
            /* Tell set there are sleepers; after the CAS the event is either SET or BUSY. */
            if (qatomic_cmpxchg(&e->value, EV_FREE, (unsigned)EV_BUSY) == EV_SET)
                return;
        }
        qemu_futex_wait(e, (unsigned)EV_BUSY); /* the system call is the final full barrier */
    }
}

static void *setter(void *arg)
{
    (void)arg;
    for (unsigned r = 1; r <= ROUNDS; r++) {
        wait_until_eq(&ack, r - 1);
        qatomic_set(&flag, r);
        qemu_event_set(&ev);
    }
    return NULL;
}

int main(void)
{
    qemu_event_init(&ev, false);
    pthread_t t = spawn(setter, NULL);
    for (unsigned r = 1; r <= ROUNDS; r++) {
        for (;;) {
            qemu_event_reset(&ev);
            unsigned f = qatomic_read(&flag);
            if (f == r)
                break;
            assert(f == r - 1); /* the setter publishes round r only after ack == r-1 */
            qemu_event_wait(&ev);
        }
        publish(&ack, r);
    }
    join(t);
    return 0;
}
