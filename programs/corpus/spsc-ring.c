/*
 * Single-producer single-consumer ring buffer (Lamport's, with C11 orders): the producer
 * writes the slot (plain) and publishes it with a store-release of `tail`; the consumer
 * load-acquires `tail`, reads the slot and frees it with a store-release of `head`; the
 * producer load-acquires `head` before reusing a slot. A capacity of 2 makes slots reused
 * often. The producer sends ITEMS records, each one 64-bit word: seq in the low half, seq * 7
 * in the high half. (A struct of two 32-bit fields would be written by Clang -O2 with one
 * 64-bit store and read by GCC with two 32-bit loads or the other way round: a mixed-size
 * access, which hangar refuses until its mixed-size issue lands. One word keeps every access
 * of a slot 64-bit.)
 * Invariants (asserted): the consumer gets every record, in order, whole.
 *
 * hangar-variant: BROKEN_RELAXED_PUBLISH  the producer's store of tail is relaxed: the
 *   consumer may see the new tail before the slot's contents and read an old or torn record
 *   (assert on AArch64). Still correct as compiled on x86-64 (stores are releases).
 */
#include "corpus.h"

#ifndef ITEMS
#define ITEMS 6
#endif
#define SLOTS 2

#ifdef BROKEN_RELAXED_PUBLISH
#define PUBLISH_ORDER memory_order_relaxed
#else
#define PUBLISH_ORDER memory_order_release
#endif

typedef uint64_t Record; /* seq | (uint64_t)(seq * 7) << 32 */

static Record make_record(unsigned seq)
{
    return (uint64_t)seq | (uint64_t)(seq * 7) << 32;
}

static struct {
    atomic_uint head; /* next slot to read: written by the consumer */
    atomic_uint tail; /* next slot to write: written by the producer */
    Record slot[SLOTS];
} ring;

static void *consumer(void *arg)
{
    (void)arg;
    for (unsigned expect = 1; expect <= ITEMS; expect++) {
        unsigned h = atomic_load_explicit(&ring.head, memory_order_relaxed);
        while (atomic_load_explicit(&ring.tail, memory_order_acquire) == h)
            cpu_relax();
        Record r = ring.slot[h % SLOTS];
        assert(r == make_record(expect));
        atomic_store_explicit(&ring.head, h + 1, memory_order_release);
    }
    return NULL;
}

int main(void)
{
    pthread_t t = spawn(consumer, NULL);
    for (unsigned seq = 1; seq <= ITEMS; seq++) {
        unsigned tl = atomic_load_explicit(&ring.tail, memory_order_relaxed);
        while (tl - atomic_load_explicit(&ring.head, memory_order_acquire) == SLOTS)
            cpu_relax();
        ring.slot[tl % SLOTS] = make_record(seq);
        atomic_store_explicit(&ring.tail, tl + 1, PUBLISH_ORDER);
    }
    join(t);
    return 0;
}
