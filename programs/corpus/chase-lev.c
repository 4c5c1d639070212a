/*
 * Chase-Lev work-stealing deque (Chase and Lev, SPAA 2005) with the C11 orders of Lê, Pop,
 * Cohen and Zappa Nardelli, "Correct and efficient work-stealing for weak memory models"
 * (PPoPP 2013), fixed capacity (no resize):
 *   push (owner):  b = bottom (relaxed); t = top (acquire); buf[b] = x (relaxed);
 *                  release fence; bottom = b + 1 (relaxed).
 *   take (owner):  b = bottom - 1; bottom = b (relaxed); seq-cst fence; t = top (relaxed);
 *                  if t < b: buf[b]; if t == b: the last item: CAS top t -> t+1 (seq-cst)
 *                  decides against a thief; bottom = b + 1. If t > b: empty, bottom = b + 1.
 *   steal (thief): t = top (acquire); seq-cst fence; b = bottom (acquire); if t < b:
 *                  x = buf[t] (relaxed); CAS top t -> t+1 (seq-cst) or give up.
 * Harness: main (the owner) pushes ITEMS items (values 1..ITEMS), taking one back after every
 * second push, then takes until empty; two thieves steal until they have seen every item
 * accounted for. Each item is recorded by whoever got it.
 * Invariants (asserted): every item is got exactly once (no loss, no duplicate), and no one
 * gets a value that was never pushed (0: an uninitialised slot).
 *
 * hangar-variant: BROKEN_PUSH_NO_RELEASE  push's release fence is dropped: a thief may see
 *   the new bottom before the slot's value and steal 0 (assert on AArch64). On x86-64 a
 *   release fence emits nothing and stores are ordered: still correct as compiled there.
 * hangar-variant: BROKEN_TAKE_NO_FENCE  take's seq-cst fence is dropped: the owner's store of
 *   bottom and its load of top may be reordered (store buffering, allowed even on x86), so
 *   owner and thief both get the last item (assert on every target, x86 included).
 */
#include "corpus.h"

#ifndef ITEMS
#define ITEMS 6
#endif
#ifndef CAPACITY
#define CAPACITY 8 /* a power of two >= ITEMS */
#endif

static atomic_long top, bottom;
static atomic_int buffer[CAPACITY];
static atomic_int got[ITEMS + 1];   /* how many times each item was got */
static atomic_int got_total;

static void push(int x)
{
    long b = atomic_load_explicit(&bottom, memory_order_relaxed);
    long t = atomic_load_explicit(&top, memory_order_acquire);
    assert(b - t < CAPACITY);
    atomic_store_explicit(&buffer[b % CAPACITY], x, memory_order_relaxed);
#ifndef BROKEN_PUSH_NO_RELEASE
    atomic_thread_fence(memory_order_release);
#endif
    atomic_store_explicit(&bottom, b + 1, memory_order_relaxed);
}

/* The owner's pop from the bottom; 0 when empty. */
static int take(void)
{
    long b = atomic_load_explicit(&bottom, memory_order_relaxed) - 1;
    atomic_store_explicit(&bottom, b, memory_order_relaxed);
#ifndef BROKEN_TAKE_NO_FENCE
    atomic_thread_fence(memory_order_seq_cst);
#endif
    long t = atomic_load_explicit(&top, memory_order_relaxed);
    int x = 0;
    if (t <= b) {
        x = atomic_load_explicit(&buffer[b % CAPACITY], memory_order_relaxed);
        if (t == b) {
            if (!atomic_compare_exchange_strong_explicit(&top, &t, t + 1, memory_order_seq_cst,
                                                         memory_order_relaxed))
                x = 0; /* a thief got it */
            atomic_store_explicit(&bottom, b + 1, memory_order_relaxed);
        }
    } else {
        atomic_store_explicit(&bottom, b + 1, memory_order_relaxed);
    }
    return x;
}

/* A thief's pop from the top; 0 when empty or when it lost a race. */
static int steal(void)
{
    long t = atomic_load_explicit(&top, memory_order_acquire);
    atomic_thread_fence(memory_order_seq_cst);
    long b = atomic_load_explicit(&bottom, memory_order_acquire);
    if (t < b) {
        int x = atomic_load_explicit(&buffer[t % CAPACITY], memory_order_relaxed);
        if (!atomic_compare_exchange_strong_explicit(&top, &t, t + 1, memory_order_seq_cst,
                                                     memory_order_relaxed))
            return 0;
        return x;
    }
    return 0;
}

static void record(int x)
{
    assert(x >= 1 && x <= ITEMS);
    atomic_fetch_add_explicit(&got[x], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&got_total, 1, memory_order_release);
}

static void *thief(void *arg)
{
    (void)arg;
    while (atomic_load_explicit(&got_total, memory_order_acquire) < ITEMS) {
        int x = steal();
        if (x)
            record(x);
        else
            cpu_relax();
    }
    return NULL;
}

int main(void)
{
    pthread_t t1 = spawn(thief, NULL);
    pthread_t t2 = spawn(thief, NULL);
    for (int i = 1; i <= ITEMS; i++) {
        push(i);
        if (i % 2 == 0) {
            int x = take();
            if (x)
                record(x);
        }
    }
    int x;
    while ((x = take()))
        record(x);
    join(t1);
    join(t2);
    for (int i = 1; i <= ITEMS; i++)
        assert(atomic_load(&got[i]) == 1);
    assert(atomic_load(&got_total) == ITEMS);
    return 0;
}
