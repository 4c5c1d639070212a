/*
 * QEMU's atomics (include/qemu/atomic.h), written here as GCC __atomic builtins with the same
 * memory orders, for the C versions of the QEMU programs. Written from the semantics of QEMU's
 * header, not copied from it:
 *   - qatomic_read / qatomic_set           relaxed load / store (__ATOMIC_RELAXED)
 *   - qatomic_load_acquire / _store_release acquire load / release store
 *   - qatomic_rcu_read / qatomic_rcu_set   relaxed load + compiler barrier / release store
 *   - qatomic_xchg, qatomic_cmpxchg (strong; returns the old value, failed or not), every
 *     qatomic_fetch_<op>, qatomic_<op>_fetch and the void forms qatomic_<op>: __ATOMIC_SEQ_CST
 *   - smp_mb / smp_mb_release / smp_mb_acquire: compiler barrier + SEQ_CST / RELEASE / ACQUIRE
 *     fence; smp_wmb = smp_mb_release, smp_rmb = smp_mb_acquire
 *   - smp_mb__before_rmw / smp_mb__after_rmw: only a compiler (signal) fence on x86-64 and
 *     s390x, where a locked RMW is already a full barrier; smp_mb() everywhere else (AArch64:
 *     a seq-cst RMW compiled to LDAXR/STLXR, or called through an outline-atomics helper, does
 *     not order a later plain load before its store)
 *   - qatomic_set_mb: xchg + smp_mb__after_rmw on x86-64/s390x, store-release + smp_mb elsewhere
 * Sources: QEMU include/qemu/atomic.h and docs/devel/atomics.rst; commit d73415a31547
 * "qemu/atomic.h: rename atomic_ to qatomic_" (QEMU 5.2; before it the same macros were
 * atomic_*, as in the pre-2020 aio-notify program); commit ff00bed1897c "qatomic: add
 * smp_mb__before/after_rmw()" (QEMU 8.0, March 2023). The instruction each one becomes per
 * target is tabulated in programs/README.md ("The mapping").
 *
 * QEMU checks at build time that no access is wider than a register (QEMU_BUILD_BUG_ON on
 * sizeof(*ptr) > ATOMIC_REG_SIZE); the same check is a _Static_assert here.
 */
#ifndef HANGAR_QATOMIC_H
#define HANGAR_QATOMIC_H

#define barrier() __asm__ __volatile__("" ::: "memory")
#define signal_barrier() __atomic_signal_fence(__ATOMIC_SEQ_CST)

#define QATOMIC_SIZE_OK(ptr) \
    _Static_assert(sizeof(*(ptr)) <= sizeof(void *), "qatomic: access wider than a register")

/* Fences. The compiler barrier keeps plain accesses from moving across a fence the processor
 * does not need (an empty fence on x86), as QEMU's do. */
#define smp_mb()          ({ barrier(); __atomic_thread_fence(__ATOMIC_SEQ_CST); })
#define smp_mb_release()  ({ barrier(); __atomic_thread_fence(__ATOMIC_RELEASE); })
#define smp_mb_acquire()  ({ barrier(); __atomic_thread_fence(__ATOMIC_ACQUIRE); })
#define smp_wmb()         smp_mb_release()
#define smp_rmb()         smp_mb_acquire()
#define smp_read_barrier_depends() barrier()

#if defined(__x86_64__) || defined(__s390x__)
# define smp_mb__before_rmw() signal_barrier()
# define smp_mb__after_rmw()  signal_barrier()
#else
# define smp_mb__before_rmw() smp_mb()
# define smp_mb__after_rmw()  smp_mb()
#endif

/* Relaxed, acquire and release accesses. */
#define qatomic_read(ptr) \
    ({ QATOMIC_SIZE_OK(ptr); __atomic_load_n(ptr, __ATOMIC_RELAXED); })
#define qatomic_set(ptr, i) \
    do { QATOMIC_SIZE_OK(ptr); __atomic_store_n(ptr, i, __ATOMIC_RELAXED); } while (0)
#define qatomic_load_acquire(ptr) \
    ({ QATOMIC_SIZE_OK(ptr); __atomic_load_n(ptr, __ATOMIC_ACQUIRE); })
#define qatomic_store_release(ptr, i) \
    do { QATOMIC_SIZE_OK(ptr); __atomic_store_n(ptr, i, __ATOMIC_RELEASE); } while (0)
#define qatomic_rcu_read(ptr) \
    ({ __typeof__(*(ptr)) rcu_val_ = qatomic_read(ptr); smp_read_barrier_depends(); rcu_val_; })
#define qatomic_rcu_set(ptr, i) qatomic_store_release(ptr, i)

/* Sequentially consistent read-modify-writes. */
#define qatomic_xchg(ptr, i) \
    ({ QATOMIC_SIZE_OK(ptr); __atomic_exchange_n(ptr, i, __ATOMIC_SEQ_CST); })
/* Strong compare-and-swap; evaluates to the value found, so success is "== old". */
#define qatomic_cmpxchg(ptr, old, new) ({                                        \
    QATOMIC_SIZE_OK(ptr);                                                        \
    __typeof__(*(ptr)) cmpxchg_seen_ = (old);                                    \
    (void)__atomic_compare_exchange_n(ptr, &cmpxchg_seen_, new, 0,               \
                                      __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);       \
    cmpxchg_seen_; })

#define qatomic_fetch_inc(ptr)    __atomic_fetch_add(ptr, 1, __ATOMIC_SEQ_CST)
#define qatomic_fetch_dec(ptr)    __atomic_fetch_sub(ptr, 1, __ATOMIC_SEQ_CST)
#define qatomic_fetch_add(ptr, n) __atomic_fetch_add(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_fetch_sub(ptr, n) __atomic_fetch_sub(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_fetch_and(ptr, n) __atomic_fetch_and(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_fetch_or(ptr, n)  __atomic_fetch_or(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_fetch_xor(ptr, n) __atomic_fetch_xor(ptr, n, __ATOMIC_SEQ_CST)

#define qatomic_inc_fetch(ptr)    __atomic_add_fetch(ptr, 1, __ATOMIC_SEQ_CST)
#define qatomic_dec_fetch(ptr)    __atomic_sub_fetch(ptr, 1, __ATOMIC_SEQ_CST)
#define qatomic_add_fetch(ptr, n) __atomic_add_fetch(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_sub_fetch(ptr, n) __atomic_sub_fetch(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_and_fetch(ptr, n) __atomic_and_fetch(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_or_fetch(ptr, n)  __atomic_or_fetch(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_xor_fetch(ptr, n) __atomic_xor_fetch(ptr, n, __ATOMIC_SEQ_CST)

/* The result-discarding forms: still seq-cst RMWs. */
#define qatomic_inc(ptr)    ((void)qatomic_fetch_inc(ptr))
#define qatomic_dec(ptr)    ((void)qatomic_fetch_dec(ptr))
#define qatomic_add(ptr, n) ((void)qatomic_fetch_add(ptr, n))
#define qatomic_sub(ptr, n) ((void)qatomic_fetch_sub(ptr, n))
#define qatomic_and(ptr, n) ((void)qatomic_fetch_and(ptr, n))
#define qatomic_or(ptr, n)  ((void)qatomic_fetch_or(ptr, n))
#define qatomic_xor(ptr, n) ((void)qatomic_fetch_xor(ptr, n))

#if defined(__x86_64__) || defined(__s390x__)
# define qatomic_set_mb(ptr, i) ({ (void)qatomic_xchg(ptr, i); smp_mb__after_rmw(); })
#else
# define qatomic_set_mb(ptr, i) ({ qatomic_store_release(ptr, i); smp_mb(); })
#endif

/* The pre-2020 names (before commit d73415a31547), for the aio-notify/pre-2020 sources. */
#define atomic_read  qatomic_read
#define atomic_set   qatomic_set
#define atomic_or    qatomic_or
#define atomic_and   qatomic_and
#define atomic_add   qatomic_add
#define atomic_sub   qatomic_sub
#define atomic_cmpxchg qatomic_cmpxchg

#endif /* HANGAR_QATOMIC_H */
