/*
 * Counting semaphore on a futex: `value` counts the available units and is the futex word,
 * `waiters` counts the threads that may sleep.
 *   wait: loop { v = value; if v > 0 and CAS value v -> v-1 (acquire): done; else waiters++
 *         (seq-cst RMW); FUTEX_WAIT(value, 0) (the kernel re-checks value == 0 under its lock;
 *         the system call is a full barrier); waiters-- }.
 *   post: value++ (seq-cst RMW, a release); seq-cst fence; if waiters: FUTEX_WAKE(value, 1).
 * The fence is the store->load order "publish the unit, then look for sleepers" that pairs
 * with the waiter's "announce, then the kernel's re-check".
 * Harness: main posts ROUNDS units, waiting after each for a consumer's acknowledgement
 * through a second semaphore; two consumers take the units.
 * Invariants (asserted): every unit is taken exactly once (ROUNDS units and one stop unit),
 * and every semaphore ends at 0 but for the acknowledgement of the stop unit.
 *
 * hangar-variant: BROKEN_POST_NO_FENCE  the fence after post's increment is dropped: with an
 *   LL/SC increment (ARMv8.0) the load of waiters may be satisfied before the increment's
 *   store is visible, while the waiter announces itself and the kernel still reads value 0:
 *   nobody wakes it, a hang on armv8-llsc. An LSE LDADDAL or x86's LOCK XADD orders the load
 *   by itself, so the variant does not hang as compiled there (C11 does not promise it).
 */
#include "corpus.h"

#ifndef ROUNDS
#define ROUNDS 4
#endif

typedef struct Semaphore {
    atomic_uint value;   /* the futex word */
    atomic_uint waiters;
} Semaphore;

static Semaphore units, acks;
static atomic_uint taken;

static void sem_wait(Semaphore *s)
{
    for (;;) {
        unsigned v = atomic_load_explicit(&s->value, memory_order_relaxed);
        while (v > 0) {
            if (atomic_compare_exchange_weak_explicit(&s->value, &v, v - 1,
                                                      memory_order_acquire,
                                                      memory_order_relaxed))
                return;
        }
        atomic_fetch_add_explicit(&s->waiters, 1, memory_order_seq_cst);
        hangar_futex_wait((const unsigned *)&s->value, 0);
        atomic_fetch_sub_explicit(&s->waiters, 1, memory_order_relaxed);
    }
}

static void sem_post(Semaphore *s)
{
    unsigned old = atomic_fetch_add_explicit(&s->value, 1, memory_order_seq_cst);
    assert(old < 0x7fffffff);
#ifndef BROKEN_POST_NO_FENCE
    atomic_thread_fence(memory_order_seq_cst);
#endif
    if (atomic_load_explicit(&s->waiters, memory_order_relaxed))
        hangar_futex_wake((const unsigned *)&s->value, 1);
}

static void *consumer(void *arg)
{
    (void)arg;
    for (;;) {
        sem_wait(&units);
        unsigned n = atomic_fetch_add_explicit(&taken, 1, memory_order_relaxed) + 1;
        assert(n <= ROUNDS + 1);
        sem_post(&acks);
        if (n >= ROUNDS)
            return NULL; /* the last real unit (main adds one stop unit per consumer) */
    }
}

int main(void)
{
    pthread_t t1 = spawn(consumer, NULL);
    pthread_t t2 = spawn(consumer, NULL);
    for (int i = 0; i < ROUNDS; i++) {
        sem_post(&units);
        sem_wait(&acks);
    }
    /* at most one consumer is still waiting for a unit: release it with a stop unit */
    sem_post(&units);
    join(t1);
    join(t2);
    assert(atomic_load(&taken) == ROUNDS + 1);
    assert(atomic_load(&units.value) == 0 && atomic_load(&acks.value) == 1);
    return 0;
}
