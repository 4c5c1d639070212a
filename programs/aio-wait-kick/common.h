/*
 * AIO_WAIT_WHILE against aio_wait_kick (include/block/aio-wait.h, util/aio-wait.c) in C,
 * written once for every version, and its pthread harness. Included once by each version file
 * (pre-2022.c, 2022.c, 2023.c), which tells what its QEMU code does and defines the two
 * barrier macros below, as programs/aio-wait-kick/common.s is included by the .s versions.
 *
 *   AIO_WAIT_WHILE(ctx, cond): qatomic_inc(&global_aio_wait.num_waiters);
 *     AIO_WAIT_WHILE_BARRIER(); while (cond) aio_poll(main AioContext, true);
 *     qatomic_dec(&num_waiters).
 *   aio_wait_kick(): AIO_WAIT_KICK_BARRIER(); if (qatomic_read(&num_waiters))
 *     aio_bh_schedule_oneshot(main context, dummy_bh_cb), whose only purpose is to wake the
 *     main loop (the BH enqueue ends in aio_notify, which writes the event notifier).
 *
 * Macros each version defines (empty where that version has no barrier):
 *   AIO_WAIT_WHILE_BARRIER()  after the waiter's qatomic_inc, before it reads the condition.
 *   AIO_WAIT_KICK_BARRIER()   in aio_wait_kick, before it reads num_waiters.
 *
 * Where the C differs from QEMU's code, and why (the simplifications of common.s):
 *   - aio_poll of the main context is "block on its event notifier, then clear it", and the
 *     one-shot BH is writing that notifier: the BH enqueue / notify_me machinery of that era
 *     is correct in itself (see aio-notify/post-2020 and bh-enqueue), and a pending BH would
 *     make the next aio_poll return at once, just as a notifier that stays set does here.
 *   - AIO_WAIT_WHILE's ctx argument is NULL (the caller is the main loop, no AioContext lock to
 *     drop); its "waited_" result is kept and checked.
 *   - The condition is `done < round`, written by the kicker with qatomic_set: the plain-store
 *     caller that the 2022 commit message describes.
 *
 * Harness: 2 threads (main is core 0, the waiter), ROUNDS rounds:
 *   main (waiter), round r: publish ready = r; AIO_WAIT_WHILE(NULL, done < r).
 *   kicker thread, round r: wait until ready == r; done = r; aio_wait_kick().
 * Hang: the waiter sleeps in ppoll with done == r already stored, and the kicker has read
 * num_waiters == 0 (it then sleeps waiting for ready, or has exited after the last round).
 * Asserts: the waiter never sees done beyond its round; num_waiters is 0 or 1.
 */
#if !defined(AIO_WAIT_WHILE_BARRIER) || !defined(AIO_WAIT_KICK_BARRIER)
#error "aio-wait-kick: the version file must define AIO_WAIT_WHILE_BARRIER() and AIO_WAIT_KICK_BARRIER()"
#endif

#include "../include/hangar.h"
#include "../include/qatomic.h"
#include "../include/event-notifier.h"

#ifndef ROUNDS
#define ROUNDS 32
#endif

typedef struct AioWait {
    unsigned num_waiters; /* how many AIO_WAIT_WHILE are waiting */
} AioWait;

static AioWait global_aio_wait;
static EventNotifier main_notifier; /* the main AioContext's notifier */
static unsigned done;               /* the waited-for condition: the last round completed */
static unsigned ready;              /* harness: the round the waiter is in */

/* aio_poll(qemu_get_aio_context(), true), reduced to sleeping on the main loop's notifier. */
static void aio_poll_main(void)
{
    event_notifier_wait(&main_notifier);
    event_notifier_test_and_clear(&main_notifier);
}

#define AIO_WAIT_WHILE(ctx, cond) ({                                     \
    bool waited_ = false;                                                \
    AioWait *wait_ = &global_aio_wait;                                   \
    (void)(ctx);                                                         \
    /* Increment num_waiters before evaluating cond. */                  \
    qatomic_inc(&wait_->num_waiters);                                    \
    AIO_WAIT_WHILE_BARRIER();                                            \
    while ((cond)) {                                                     \
        aio_poll_main();                                                 \
        waited_ = true;                                                  \
    }                                                                    \
    qatomic_dec(&wait_->num_waiters);                                    \
    waited_; })

static void aio_wait_kick(void)
{
    AIO_WAIT_KICK_BARRIER();
    unsigned n = qatomic_read(&global_aio_wait.num_waiters);
    assert(n <= 1); /* one waiter in this harness */
    if (n)
        event_notifier_set(&main_notifier); /* aio_bh_schedule_oneshot(main ctx, dummy_bh_cb) */
}

static void *kicker(void *arg)
{
    (void)arg;
    for (unsigned r = 1; r <= ROUNDS; r++) {
        wait_until_eq(&ready, r);
        qatomic_set(&done, r); /* the condition becomes false */
        aio_wait_kick();
    }
    return NULL;
}

static bool not_done(unsigned r)
{
    unsigned d = qatomic_read(&done);
    assert(d <= r); /* the kicker completes round r only after ready == r */
    return d < r;
}

int main(void)
{
    int err = event_notifier_init(&main_notifier, 0);
    assert(err == 0);
    (void)err;
    pthread_t t = spawn(kicker, NULL);
    unsigned waits = 0;
    for (unsigned r = 1; r <= ROUNDS; r++) {
        publish(&ready, r);
        waits += AIO_WAIT_WHILE(NULL, not_done(r));
    }
    join(t);
    assert(waits <= ROUNDS);
    return 0;
}
