/*
 * The AioContext notify_me protocol (util/async.c, util/aio-posix.c of early 2020) in C,
 * written once for every version, and its pthread harness. Included once by each version file
 * (pre-2020.c, post-2020.c, pre-2020-aio-poll.c), which tells what its QEMU code does and sets
 * the switches below, as programs/aio-notify/common.s is included by the .s versions.
 *
 * The event loop raises ctx->notify_me while it may block, reads whether a bottom half is
 * scheduled (aio_compute_timeout), blocks on the notifier if none is, lowers notify_me and
 * runs the scheduled BHs (aio_bh_poll). The producer, qemu_bh_schedule -> aio_bh_enqueue:
 * fetch_or(&bh->flags, PENDING|SCHEDULED); if it was not pending, push the BH on ctx->bh_list
 * (cmpxchg loop); then aio_notify: smp_mb(); if (notify_me) event_notifier_set(&ctx->notifier).
 * The producer is the same in every version.
 *
 * Switches (each 0 or 1):
 *   EXPLICIT_BARRIERS    after commit 5710a3e09f9b "async: use explicit memory barriers": the
 *                        loop raises notify_me with a relaxed load and store followed by
 *                        smp_mb() and lowers it with a store-release; 0: seq-cst RMWs on
 *                        notify_me with no barrier (atomic_or/atomic_and, atomic_add/atomic_sub).
 *   EVENT_LOOP_AIO_POLL  the loop is aio_poll(ctx, true) with qemu_lockcnt_inc/dec of
 *                        ctx->list_lock; 0: one glib main-loop iteration over the AioContext
 *                        GSource (aio_ctx_prepare / poll / aio_ctx_check / aio_ctx_dispatch).
 *                        Only modelled without EXPLICIT_BARRIERS.
 *
 * Where the C differs from QEMU's code, and why (the same simplifications as common.s):
 *   - One AioContext, one reusable BH (not idle, not deleted, not one-shot), no timers or fd
 *     handlers; glib's prepare/query/poll/check/dispatch are reduced to the calls above, and
 *     dispatch runs aio_bh_poll every iteration (a no-op on an empty list). The BH-slice queue
 *     of aio_bh_poll is one slice.
 *   - ctx->notified and aio_notify_accept are left out: in these versions they only decide
 *     whether the notifier gets cleared; here the loop clears it right after its poll reported
 *     it readable (see include/event-notifier.h).
 *   - qemu_lockcnt_inc is its cmpxchg loop (only this thread uses the count), qemu_lockcnt_dec
 *     its atomic_sub: the futex slow paths of util/lockcnt.c are never taken here.
 *   - QEMU reads the list head inside QSLIST_INSERT_HEAD_ATOMIC and bh->flags in
 *     aio_compute_timeout with plain loads; here they are qatomic_read (a data race in C11
 *     otherwise). On these targets both compile to the same LDR.
 *   - QEMUBH keeps cb/opaque/next/flags (the callback is called through its pointer, as
 *     aio_bh_call does); ctx and name are left out.
 *
 * Harness: 2 threads (main is core 0, the event loop), ROUNDS rounds:
 *   main (event loop): iterates until the BH callback has run ROUNDS times.
 *   producer thread, round r: wait until the BH has run r-1 times; scheduled = r;
 *     qemu_bh_schedule(bh).
 * Hang: the loop sleeps in ppoll with the BH scheduled but never notified; the producer sleeps
 * (FUTEX_WAIT) waiting for the BH to run.
 * Asserts: the callback runs only for a scheduled BH and sees the round its producer
 * scheduled (the fetch_and in aio_bh_dequeue acquires the fetch_or's release), never more
 * often than scheduled.
 */
#if !defined(EXPLICIT_BARRIERS) || !defined(EVENT_LOOP_AIO_POLL)
#error "aio-notify: the version file must define EXPLICIT_BARRIERS and EVENT_LOOP_AIO_POLL (0 or 1)"
#endif
#if EVENT_LOOP_AIO_POLL && EXPLICIT_BARRIERS
#error "aio-notify: aio_poll is only modelled without EXPLICIT_BARRIERS"
#endif

#include "../include/hangar.h"
#include "../include/qatomic.h"
#include "../include/event-notifier.h"

#ifndef ROUNDS
#define ROUNDS 32
#endif

/* bh->flags bits (util/async.c) */
#define BH_PENDING   (1 << 0)
#define BH_SCHEDULED (1 << 1)
#define BH_DELETED   (1 << 2)
#define BH_ONESHOT   (1 << 3)
#define BH_IDLE      (1 << 4)

#define QEMU_LOCKCNT_COUNT_STEP 4

typedef void QEMUBHFunc(void *opaque);

typedef struct QEMUBH {
    QEMUBHFunc *cb;
    void *opaque;
    struct QEMUBH *next;   /* QSLIST_ENTRY(QEMUBH) next */
    unsigned flags;
} QEMUBH;

typedef struct AioContext {
    EventNotifier notifier;
    unsigned notify_me;
    QEMUBH *bh_list;       /* QSLIST_HEAD: slh_first */
    unsigned list_lock;    /* QemuLockCnt.count */
} AioContext;

/* What the harness' callback counts. */
typedef struct Work {
    unsigned scheduled;    /* the round the producer scheduled last */
    unsigned ran;          /* how many times the callback ran (published to the producer) */
} Work;

static AioContext ctx;
static QEMUBH bh;
static Work work;
static unsigned callbacks_run; /* only the event loop touches it */

/* ---- the producer side: qemu_bh_schedule -> aio_bh_enqueue -> aio_notify ---- */

static void aio_notify(AioContext *c)
{
    /* Write bh->flags and the list before reading notify_me. Pairs with the loop's update of
     * notify_me (an RMW before 2020, a store + smp_mb after). */
    smp_mb();
    if (qatomic_read(&c->notify_me))
        event_notifier_set(&c->notifier);
}

static void bh_list_insert_head_atomic(QEMUBH **head, QEMUBH *elm)
{
    QEMUBH *first;
    do {
        first = qatomic_read(head);
        elm->next = first;
    } while (qatomic_cmpxchg(head, first, elm) != first);
}

static void aio_bh_enqueue(QEMUBH *b, unsigned new_flags)
{
    unsigned old_flags = qatomic_fetch_or(&b->flags, BH_PENDING | new_flags);
    if (!(old_flags & BH_PENDING))
        bh_list_insert_head_atomic(&ctx.bh_list, b);
    aio_notify(&ctx);
}

static void qemu_bh_schedule(QEMUBH *b)
{
    aio_bh_enqueue(b, BH_SCHEDULED);
}

/* ---- the event loop side ---- */

/* 0 if a scheduled BH is on the list, else -1 (infinite). */
static long aio_compute_timeout(AioContext *c)
{
    for (QEMUBH *b = qatomic_rcu_read(&c->bh_list); b; b = qatomic_rcu_read(&b->next)) {
        if ((qatomic_read(&b->flags) & (BH_SCHEDULED | BH_DELETED)) == BH_SCHEDULED)
            return 0;
    }
    return -1;
}

static QEMUBH *aio_bh_dequeue(QEMUBH **head, unsigned *flags)
{
    QEMUBH *b = *head;
    if (!b)
        return NULL;
    *head = b->next;   /* QSLIST_REMOVE_HEAD */
    b->next = NULL;
    /* Pairs with aio_bh_enqueue's fetch_or: the callback sees the scheduler's writes, and the
     * scheduler sees the cleared flag before the callback runs. */
    *flags = qatomic_fetch_and(&b->flags, ~(BH_PENDING | BH_SCHEDULED | BH_IDLE));
    return b;
}

static int aio_bh_poll(AioContext *c)
{
    QEMUBH *slice = qatomic_xchg(&c->bh_list, NULL); /* QSLIST_MOVE_ATOMIC */
    QEMUBH *b;
    unsigned flags;
    int ret = 0;
    while ((b = aio_bh_dequeue(&slice, &flags))) {
        assert(flags & BH_PENDING); /* only pending BHs are on the list */
        if ((flags & (BH_SCHEDULED | BH_DELETED)) == BH_SCHEDULED) {
            if (!(flags & BH_IDLE))
                ret = 1;
            b->cb(b->opaque); /* aio_bh_call */
        }
    }
    return ret;
}

#if EVENT_LOOP_AIO_POLL

static void qemu_lockcnt_inc(unsigned *count)
{
    unsigned val = atomic_read(count);
    for (;;) {
        unsigned seen = atomic_cmpxchg(count, val, val + QEMU_LOCKCNT_COUNT_STEP);
        if (seen == val)
            break;
        val = seen;
    }
}

static void qemu_lockcnt_dec(unsigned *count)
{
    atomic_sub(count, QEMU_LOCKCNT_COUNT_STEP);
}

/* aio_poll(ctx, blocking = true). */
static void event_loop_iteration(void)
{
    atomic_add(&ctx.notify_me, 2);
    qemu_lockcnt_inc(&ctx.list_lock); /* its cmpxchg happens to order the add before... */
    if (aio_compute_timeout(&ctx)) {  /* ...these reads of the BH list */
        event_notifier_wait(&ctx.notifier); /* qemu_poll_ns with an infinite timeout */
        event_notifier_test_and_clear(&ctx.notifier);
    }
    atomic_sub(&ctx.notify_me, 2);
    aio_bh_poll(&ctx);
    qemu_lockcnt_dec(&ctx.list_lock);
}

#else

/* One glib main-loop iteration over the AioContext GSource. */
static void event_loop_iteration(void)
{
    /* aio_ctx_prepare */
#if EXPLICIT_BARRIERS
    /* single writer: a relaxed load and store, then order the store before the BH reads */
    qatomic_set(&ctx.notify_me, qatomic_read(&ctx.notify_me) | 1);
    smp_mb();
#else
    atomic_or(&ctx.notify_me, 1); /* assumed to be a full barrier: it is not on LL/SC */
#endif
    if (aio_compute_timeout(&ctx)) {
        event_notifier_wait(&ctx.notifier); /* g_poll with an infinite timeout */
        event_notifier_test_and_clear(&ctx.notifier);
    }
    /* aio_ctx_check */
#if EXPLICIT_BARRIERS
    /* finish computing the timeout before clearing the flag */
    qatomic_store_release(&ctx.notify_me, qatomic_read(&ctx.notify_me) & ~1u);
#else
    atomic_and(&ctx.notify_me, ~1u);
#endif
    /* aio_ctx_dispatch -> aio_dispatch -> aio_bh_poll */
    aio_bh_poll(&ctx);
}

#endif

/* ---- harness ---- */

static void work_cb(void *opaque)
{
    Work *w = opaque;
    unsigned n = w->ran + 1; /* only this thread writes ran */
    assert(n == qatomic_read(&w->scheduled)); /* once per schedule, and sees the round */
    callbacks_run++;
    publish(&w->ran, n);
}

static void *producer(void *arg)
{
    (void)arg;
    for (unsigned r = 1; r <= ROUNDS; r++) {
        wait_until_eq(&work.ran, r - 1); /* the previous round's BH has run */
        qatomic_set(&work.scheduled, r);
        qemu_bh_schedule(&bh);
    }
    return NULL;
}

int main(void)
{
    int err = event_notifier_init(&ctx.notifier, 0);
    assert(err == 0);
    (void)err;
    bh.cb = work_cb;
    bh.opaque = &work;
    pthread_t t = spawn(producer, NULL);
    while (callbacks_run < ROUNDS)
        event_loop_iteration();
    join(t);
    assert(work.ran == ROUNDS);
    return 0;
}
