/*
 * Event count (the wait/notify shape of Vyukov's eventcount, folly's EventCount and QEMU's
 * QemuEvent). A waiter reads the epoch (acquire) as its key, announces itself (waiters++, a
 * seq-cst RMW), issues a seq-cst fence, re-checks its condition with a relaxed load and, only
 * if it still does not hold, sleeps in FUTEX_WAIT on the epoch with that key (which returns
 * at once if the epoch moved since the key was read). The notifier makes the condition true,
 * issues a seq-cst fence and, if it sees a waiter, bumps the epoch and wakes every sleeper.
 * The two fences make the pair "store; fence; load" on both sides (store buffering
 * forbidden): either the waiter sees the condition or the notifier sees the waiter; and a
 * bump the waiter's key already saw carries the condition with it (release RMW, acquire load).
 * Harness: main produces ROUNDS items one at a time into a one-slot mailbox; a consumer
 * thread waits for each with one event count and acknowledges it through another. The
 * condition loads are relaxed, as QEMU's callers' are; the item itself is taken with an
 * acquire exchange.
 * Invariants (asserted): the consumer receives 1..ROUNDS in order; nothing is lost (or the
 * program hangs, which is the failure this primitive can have).
 *
 * hangar-variant: BROKEN_NO_WAITER_FENCE  the waiter's fence after waiters++ is dropped, the
 *   QemuEvent v7.2 bug: with an LL/SC RMW (ARMv8.0, inline or through the outline-atomics
 *   helper) the condition's load may be satisfied before the RMW's store is visible, the
 *   notifier reads waiters == 0 and nobody wakes the sleeper: a hang on armv8-llsc. With an
 *   LSE atomic (LDADDAL with a destination register) or x86's LOCK XADD the RMW itself orders
 *   the load: no hang as compiled there, although C11 promises nothing without the fence.
 */
#include "corpus.h"

#ifndef ROUNDS
#define ROUNDS 4
#endif

typedef struct EventCount {
    atomic_uint epoch;   /* the futex word */
    atomic_uint waiters;
} EventCount;

static EventCount to_consumer, to_producer;
static atomic_uint mailbox;  /* 0: empty; else the item */
static atomic_uint acked;    /* the last item the consumer took */

static void ec_notify(EventCount *ec)
{
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(&ec->waiters, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&ec->epoch, 1, memory_order_seq_cst);
        hangar_futex_wake((const unsigned *)&ec->epoch, INT_MAX);
    }
}

/* Wait until cond(arg) holds. */
static void ec_await(EventCount *ec, bool (*cond)(unsigned), unsigned arg)
{
    while (!cond(arg)) {
        unsigned key = atomic_load_explicit(&ec->epoch, memory_order_acquire);
        atomic_fetch_add_explicit(&ec->waiters, 1, memory_order_seq_cst);
#ifndef BROKEN_NO_WAITER_FENCE
        atomic_thread_fence(memory_order_seq_cst);
#endif
        if (!cond(arg))
            hangar_futex_wait((const unsigned *)&ec->epoch, key);
        atomic_fetch_sub_explicit(&ec->waiters, 1, memory_order_relaxed);
    }
}

static bool mailbox_full(unsigned unused)
{
    (void)unused;
    return atomic_load_explicit(&mailbox, memory_order_relaxed) != 0;
}

static bool acked_at_least(unsigned item)
{
    return atomic_load_explicit(&acked, memory_order_relaxed) >= item;
}

static void *consumer(void *arg)
{
    (void)arg;
    for (unsigned expect = 1; expect <= ROUNDS; expect++) {
        ec_await(&to_consumer, mailbox_full, 0);
        unsigned item = atomic_exchange_explicit(&mailbox, 0, memory_order_acquire);
        assert(item == expect);
        atomic_store_explicit(&acked, item, memory_order_release);
        ec_notify(&to_producer);
    }
    return NULL;
}

int main(void)
{
    pthread_t t = spawn(consumer, NULL);
    for (unsigned item = 1; item <= ROUNDS; item++) {
        atomic_store_explicit(&mailbox, item, memory_order_release);
        ec_notify(&to_consumer);
        ec_await(&to_producer, acked_at_least, item);
    }
    join(t);
    assert(atomic_load(&mailbox) == 0 && atomic_load(&acked) == ROUNDS);
    return 0;
}
