/*
 * A condition variable on a futex (the sequence-counter design of Drepper's "Futexes Are
 * Tricky" and of many small runtimes) with the futex mutex of futex-mutex.h:
 *   wait(cv, m):  seq = cv->seq (relaxed, while m is held); unlock m; FUTEX_WAIT(&cv->seq,
 *                 seq) (returns at once if a signal bumped seq since); lock m.
 *   signal(cv):   seq++ (release RMW); FUTEX_WAKE(&cv->seq, 1).  broadcast: wake all.
 * Reading seq under the mutex is what makes it correct: a signaller that changed the predicate
 * under the mutex bumps seq after the waiter read it, so the futex compare fails.
 * Harness: a one-slot mailbox guarded by the mutex with two condition variables (not_empty,
 * not_full); main puts ROUNDS items, a consumer thread gets them.
 * Invariants (asserted): items arrive in order, exactly once; the slot is never overwritten
 * while full.
 *
 * hangar-variant: BROKEN_LATE_SEQ_READ  wait reads seq after unlocking the mutex: a signal
 *   that lands between the unlock and the read is missed and the waiter sleeps forever. A
 *   logic race, not a barrier bug: it hangs on every target, x86-64 included.
 */
#include "futex-mutex.h"

#ifndef ROUNDS
#define ROUNDS 4
#endif

typedef struct CondVar {
    atomic_uint seq; /* the futex word */
} CondVar;

static FutexMutex m;
static CondVar not_empty, not_full;
static unsigned slot;      /* protected by m; 0: empty */
static unsigned received;  /* consumer's count */

static void cond_wait(CondVar *cv, FutexMutex *mx)
{
#ifndef BROKEN_LATE_SEQ_READ
    unsigned seq = atomic_load_explicit(&cv->seq, memory_order_relaxed);
    mutex_unlock(mx);
#else
    mutex_unlock(mx);
    unsigned seq = atomic_load_explicit(&cv->seq, memory_order_relaxed);
#endif
    hangar_futex_wait((const unsigned *)&cv->seq, seq);
    mutex_lock(mx);
}

static void cond_signal(CondVar *cv)
{
    atomic_fetch_add_explicit(&cv->seq, 1, memory_order_release);
    hangar_futex_wake((const unsigned *)&cv->seq, 1);
}

static void *consumer(void *arg)
{
    (void)arg;
    for (unsigned expect = 1; expect <= ROUNDS; expect++) {
        mutex_lock(&m);
        while (slot == 0)
            cond_wait(&not_empty, &m);
        assert(slot == expect);
        slot = 0;
        received++;
        mutex_unlock(&m);
        cond_signal(&not_full);
    }
    return NULL;
}

int main(void)
{
    pthread_t t = spawn(consumer, NULL);
    for (unsigned item = 1; item <= ROUNDS; item++) {
        mutex_lock(&m);
        while (slot != 0)
            cond_wait(&not_full, &m);
        slot = item;
        mutex_unlock(&m);
        cond_signal(&not_empty);
    }
    join(t);
    assert(slot == 0 && received == ROUNDS);
    return 0;
}
