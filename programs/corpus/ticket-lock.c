/*
 * Ticket lock: take a ticket with a relaxed fetch_add on `next`, wait until `serving` equals
 * it (load-acquire), unlock by a store-release of serving + 1. Two threads and main each take
 * the lock ITERS times; the owner appends its id to a shared log.
 * Invariants (asserted): tickets are served in order (the owner sees serving == its ticket
 * and the log length == its ticket), and the log has every entry at the end.
 *
 * hangar-variant: BROKEN_RELAXED_UNLOCK  the unlock's store of serving is relaxed: the next
 *   owner may not see the log entry or the length the previous one wrote (assert on AArch64).
 *   Still correct as compiled on x86-64 (stores are releases).
 */
#include "corpus.h"

#ifndef ITERS
#define ITERS 3
#endif

#ifdef BROKEN_RELAXED_UNLOCK
#define UNLOCK_ORDER memory_order_relaxed
#else
#define UNLOCK_ORDER memory_order_release
#endif

typedef struct TicketLock {
    atomic_uint next;
    atomic_uint serving;
} TicketLock;

static TicketLock lock;
static unsigned log_len;              /* protected by lock */
static unsigned char log_ids[3 * ITERS]; /* protected by lock */

static unsigned ticket_lock(TicketLock *l)
{
    unsigned t = atomic_fetch_add_explicit(&l->next, 1, memory_order_relaxed);
    while (atomic_load_explicit(&l->serving, memory_order_acquire) != t)
        cpu_relax();
    return t;
}

static void ticket_unlock(TicketLock *l, unsigned t)
{
    atomic_store_explicit(&l->serving, t + 1, UNLOCK_ORDER);
}

static void *worker(void *arg)
{
    unsigned char id = (unsigned char)(uintptr_t)arg;
    for (int i = 0; i < ITERS; i++) {
        unsigned t = ticket_lock(&lock);
        assert(log_len == t);
        log_ids[log_len] = id;
        log_len = t + 1;
        ticket_unlock(&lock, t);
    }
    return NULL;
}

int main(void)
{
    pthread_t t1 = spawn(worker, (void *)1);
    pthread_t t2 = spawn(worker, (void *)2);
    worker((void *)0);
    join(t1);
    join(t2);
    assert(log_len == 3 * ITERS);
    unsigned count[3] = { 0, 0, 0 };
    for (unsigned i = 0; i < log_len; i++)
        count[log_ids[i]]++;
    assert(count[0] == ITERS && count[1] == ITERS && count[2] == ITERS);
    return 0;
}
