/*
 * Bottom-half scheduling (util/async.c) and the event loop's BH processing (util/aio-posix.c)
 * of QEMU 7.2 in C, written once for every version, and its pthread harness. Included once by
 * each version file (v7.2.c, v1-patch.c), which tells what its QEMU code does and sets the
 * switch below, as programs/bh-enqueue/common.s is included by the .s versions.
 *
 * Switch (0 or 1):
 *   HAS_MB_AFTER_FLAGS_RMW  smp_mb__after_rmw() right after the fetch_or of aio_bh_enqueue and
 *                           the fetch_and of aio_bh_dequeue (v1 of the March 2023 series only).
 *
 * Where the C differs from QEMU's code, and why (the simplifications of common.s):
 *   - One AioContext without fd handlers, timers, idle BHs or poll mode; the lockcnt and the
 *     nested-slice queue of aio_bh_poll are left out; fdmon's wait is a ppoll of the notifier,
 *     whose handler (event_notifier_test_and_clear) runs after aio_bh_poll, and only when the
 *     wait reported it readable (see include/event-notifier.h).
 *   - QEMU reads the list head in QSLIST_INSERT_HEAD_ATOMIC and bh->flags in
 *     aio_compute_timeout with plain loads; here they are qatomic_read (same LDR).
 *   - QEMUBH keeps cb/opaque/next/flags; ctx and name are left out.
 *
 * Harness: 3 threads (main is core 0, the event loop), ROUNDS rounds per producer:
 *   main (event loop): aio_poll(ctx, true) until both BHs delivered round ROUNDS.
 *   producers 1 and 2 (one BH each), round r: payload = r; qemu_bh_schedule(bh) twice (the
 *     second call usually finds the BH pending, or re-queues it while it runs); wait until the
 *     callback copied payload r into done.
 *   The callback: done = payload (published). A callback that ran without seeing its
 *   producer's payload would leave the producer waiting forever: a hang.
 * Hang: the loop sleeps with a BH queued and nobody notifies it, or a BH is scheduled but
 * never runs; the producers sleep waiting for done.
 * Asserts: a BH on the list is pending; a callback never sees a payload older than the one it
 * delivered last, nor beyond its producer's round.
 */
#ifndef HAS_MB_AFTER_FLAGS_RMW
#error "bh-enqueue: the version file must define HAS_MB_AFTER_FLAGS_RMW (0 or 1)"
#endif

#include "../include/hangar.h"
#include "../include/qatomic.h"
#include "../include/event-notifier.h"

#ifndef ROUNDS
#define ROUNDS 20
#endif

/* bh->flags bits (util/async.c) */
#define BH_PENDING   (1 << 0)
#define BH_SCHEDULED (1 << 1)
#define BH_DELETED   (1 << 2)
#define BH_ONESHOT   (1 << 3)
#define BH_IDLE      (1 << 4)

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
    bool notified;
    QEMUBH *bh_list;       /* QSLIST_HEAD: slh_first */
} AioContext;

/* A producer's work item, the BH's opaque. */
typedef struct Work {
    unsigned payload;      /* written by the producer before scheduling */
    unsigned done;         /* written by the callback: the payload it saw */
} Work;

static AioContext ctx;
static QEMUBH bhs[2];
static Work works[2];

/* ---- the producer side ---- */

static void aio_notify(AioContext *c)
{
    /* Write bh->flags and the list before notified; pairs with aio_notify_accept's smp_mb. */
    smp_wmb();
    qatomic_set(&c->notified, true);
    /* Write notified before reading notify_me; pairs with the smp_mb in aio_poll. */
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
    /* The memory barrier implicit in qatomic_fetch_or makes sure that the callback sees the
     * scheduler's writes and the list insertion is ordered after the flags update. */
    unsigned old_flags = qatomic_fetch_or(&b->flags, BH_PENDING | new_flags);
#if HAS_MB_AFTER_FLAGS_RMW
    smp_mb__after_rmw(); /* added by the v1 patch */
#endif
    if (!(old_flags & BH_PENDING))
        bh_list_insert_head_atomic(&ctx.bh_list, b);
    aio_notify(&ctx);
}

static void qemu_bh_schedule(QEMUBH *b)
{
    aio_bh_enqueue(b, BH_SCHEDULED);
}

/* ---- the event loop side ---- */

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
     * scheduler sees the cleared flag before the callback runs (and so calls aio_notify
     * again if it schedules the BH meanwhile). */
    *flags = qatomic_fetch_and(&b->flags, ~(BH_PENDING | BH_SCHEDULED | BH_IDLE));
#if HAS_MB_AFTER_FLAGS_RMW
    smp_mb__after_rmw(); /* added by the v1 patch */
#endif
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

static void aio_notify_accept(AioContext *c)
{
    qatomic_set(&c->notified, false);
    /* Write notified before reading bh->flags; pairs with aio_notify's smp_wmb. */
    smp_mb();
}

/* aio_poll(ctx, blocking = true). */
static bool aio_poll(AioContext *c)
{
    long timeout = aio_compute_timeout(c);
    bool use_notify_me = timeout != 0;
    bool readable = false;
    bool progress;
    if (use_notify_me) {
        /* single writer: relaxed load and store */
        qatomic_set(&c->notify_me, qatomic_read(&c->notify_me) + 2);
        /* Write notify_me before reading notified; pairs with aio_notify's smp_mb. */
        smp_mb();
        if (qatomic_read(&c->notified))
            timeout = 0; /* aio_notify() was called: do not block */
    }
    if (timeout) {
        event_notifier_wait(&c->notifier); /* fdmon wait with an infinite timeout */
        readable = true;
    }
    if (use_notify_me) {
        /* Finish the poll before clearing the flag. */
        qatomic_store_release(&c->notify_me, qatomic_read(&c->notify_me) - 2);
    }
    aio_notify_accept(c);
    progress = aio_bh_poll(c);
    if (readable) /* the notifier's fd handler */
        progress |= event_notifier_test_and_clear(&c->notifier);
    return progress;
}

/* ---- harness ---- */

static void work_cb(void *opaque)
{
    Work *w = opaque;
    unsigned v = qatomic_read(&w->payload);
    assert(v != 0 && v >= w->done && v <= ROUNDS); /* only this thread writes done */
    publish(&w->done, v);
}

static void *producer(void *arg)
{
    int i = (int)(intptr_t)arg;
    for (unsigned r = 1; r <= ROUNDS; r++) {
        qatomic_set(&works[i].payload, r); /* the work the callback will pick up */
        qemu_bh_schedule(&bhs[i]);
        qemu_bh_schedule(&bhs[i]);
        wait_until_eq(&works[i].done, r);
    }
    return NULL;
}

int main(void)
{
    int err = event_notifier_init(&ctx.notifier, 0);
    assert(err == 0);
    (void)err;
    for (int i = 0; i < 2; i++) {
        bhs[i].cb = work_cb;
        bhs[i].opaque = &works[i];
    }
    pthread_t t1 = spawn(producer, (void *)(intptr_t)0);
    pthread_t t2 = spawn(producer, (void *)(intptr_t)1);
    /* done is written only by this thread: plain reads of it here are its own stores */
    while (works[0].done != ROUNDS || works[1].done != ROUNDS)
        aio_poll(&ctx);
    join(t1);
    join(t2);
    return 0;
}
