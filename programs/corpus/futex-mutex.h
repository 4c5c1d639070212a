/*
 * Futex mutex after Ulrich Drepper, "Futexes Are Tricky" (2004-2011), "mutex 3": the word is
 * 0 (unlocked), 1 (locked, no waiters) or 2 (locked, maybe waiters).
 *   lock:   c = cmpxchg(0 -> 1); if it was taken: unless c was already 2, c = xchg(2); then
 *           while c != 0: futex_wait(word, 2); c = xchg(2).
 *   unlock: if fetch_sub(1) != 1 (there may be waiters): word = 0; futex_wake(word, 1).
 * The C11 orders: the lock's RMWs acquire, the unlock's fetch_sub and store release.
 * Used by futex-mutex.c and condvar.c. MUTEX_UNLOCK_ORDER lets futex-mutex.c build its broken
 * variant.
 */
#ifndef HANGAR_CORPUS_FUTEX_MUTEX_H
#define HANGAR_CORPUS_FUTEX_MUTEX_H

#include "corpus.h"

#ifndef MUTEX_UNLOCK_ORDER
#define MUTEX_UNLOCK_ORDER memory_order_release
#endif

typedef struct FutexMutex {
    atomic_uint word;
} FutexMutex;

static inline unsigned mutex_cmpxchg(atomic_uint *w, unsigned expected, unsigned desired)
{
    atomic_compare_exchange_strong_explicit(w, &expected, desired, memory_order_acquire,
                                            memory_order_relaxed);
    return expected;
}

static inline void mutex_lock(FutexMutex *m)
{
    unsigned c = mutex_cmpxchg(&m->word, 0, 1);
    if (c != 0) {
        if (c != 2)
            c = atomic_exchange_explicit(&m->word, 2, memory_order_acquire);
        while (c != 0) {
            hangar_futex_wait((const unsigned *)&m->word, 2);
            c = atomic_exchange_explicit(&m->word, 2, memory_order_acquire);
        }
    }
}

static inline void mutex_unlock(FutexMutex *m)
{
    if (atomic_fetch_sub_explicit(&m->word, 1, MUTEX_UNLOCK_ORDER) != 1) {
        atomic_store_explicit(&m->word, 0, MUTEX_UNLOCK_ORDER);
        hangar_futex_wake((const unsigned *)&m->word, 1);
    }
}

#endif /* HANGAR_CORPUS_FUTEX_MUTEX_H */
