/*
 * Drepper's futex mutex ("Futexes Are Tricky", mutex 3; futex-mutex.h) guarding a two-word
 * record. Two threads and main each lock it ITERS times, check the record and update it.
 * Invariants (asserted): inside the lock the two words are equal, and no update is lost.
 *
 * hangar-variant: BROKEN_RELAXED_UNLOCK  the unlock's fetch_sub and store are relaxed: the
 *   next owner (one that takes the lock by its cmpxchg without sleeping) may read the record
 *   from before the previous owner's writes (assert on AArch64). A sleeping waiter is still
 *   ordered by the futex system call, so only the uncontended hand-over breaks. On x86-64 a
 *   LOCK'd RMW and a plain store are releases anyway: still correct as compiled there.
 */
#ifdef BROKEN_RELAXED_UNLOCK
#define MUTEX_UNLOCK_ORDER memory_order_relaxed
#endif
#include "futex-mutex.h"

#ifndef ITERS
#define ITERS 3
#endif

static FutexMutex mutex;
static struct { int x, y; } record; /* protected by mutex */

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITERS; i++) {
        mutex_lock(&mutex);
        int x = record.x, y = record.y;
        assert(x == y);
        record.x = x + 1;
        record.y = y + 1;
        mutex_unlock(&mutex);
    }
    return NULL;
}

int main(void)
{
    pthread_t t1 = spawn(worker, NULL);
    pthread_t t2 = spawn(worker, NULL);
    worker(NULL);
    join(t1);
    join(t2);
    assert(record.x == 3 * ITERS && record.y == 3 * ITERS);
    assert(atomic_load(&mutex.word) == 0);
    return 0;
}
