// A queued spinlock of the shape of Linux's qspinlock (kernel/locking/qspinlock.c and
// include/asm-generic/qspinlock.h, Linux 6.x), written once for every version, with a harness
// that checks mutual exclusion. A version file (correct.s, unlock-relaxed.s, tail-relaxed.s)
// says what it changes, sets the switches below and includes this file.
//
// The lock is one 32-bit word used at three sizes, which is why it is here: the `locked` byte
// (bits 0-7), the pending byte (bits 8-15, unused by this simplified slow path: it always
// queues, as the kernel does once pending is taken) and the 16-bit `tail` (bits 16-31: the
// queued CPU + 1, 0 = empty queue). Each CPU has an MCS node {locked (32-bit), next (pointer)}.
//   lock fast path:  atomic_try_cmpxchg_acquire(&lock->val, 0, LOCKED)       (32-bit CAS)
//   slow path:       node.locked = 0; node.next = NULL; smp_wmb();
//                    old = xchg_tail(lock, tail)   (xchg of the 16-bit tail halfword: the
//                                                   kernel's is relaxed; see XCHG_TAIL_ACQUIRE)
//                    if old has a tail: WRITE_ONCE(prev->next, node);
//                                       smp_cond_load_acquire(&node.locked, VAL)
//                    val = atomic_cond_read_acquire(&lock->val, !(VAL & LOCKED_PENDING))
//                    if val's tail is ours: atomic_try_cmpxchg_relaxed(&lock->val, val, LOCKED)
//                                           succeeds -> done (no one queued behind us)
//                    set_locked(lock)              (WRITE_ONCE of the locked byte: STRB)
//                    next = smp_cond_load_relaxed(&node.next, VAL)
//                    smp_store_release(&next->locked, 1)     (MCS hand-over to the next)
//   unlock:          smp_store_release(&lock->locked, 0)      (STLRB)
// The instructions are those GCC and the kernel's arm64 atomics emit per target: LL/SC loops
// (LDAXR/STXR, LDXRH/STXRH) without LSE, CASA/CAS/SWPH with LSE, LOCK'd (AL) atomics on x86.
//
// Switches (0 or 1):
//   UNLOCK_RELEASE     the unlock is a store-release of the locked byte; 0: a plain byte store
//                      (WRITE_ONCE), which lets the critical section's stores become visible
//                      after the lock is seen free.
//   XCHG_TAIL_ACQUIRE  the tail exchange is an acquire (SWPAH, LDAXRH); 0: relaxed, as the
//                      kernel's xchg_relaxed. With mixed sizes the relaxed one is not enough
//                      under the ARMv8 model (tail-relaxed.s says why).
//
// Harness: NCORES cores, ROUNDS rounds each of lock; critical section; unlock. The critical
// section writes the core's id into `owner`, increments `counter` with a plain load and store,
// and reads `owner` back: another id there means two cores were inside at once. At the end
// every core adds 1 to `finished`; core 0 waits for all of them and checks counter ==
// NCORES * ROUNDS (a lost increment is the other symptom of a broken exclusion). A core that
// finds a violation stores 1 to `violation` and exits with status 1; otherwise every core
// exits 0. (A non-zero exit status is not yet its own verdict: test/qspinlock.test.ts reads
// `violation` and the exit codes.)

.ifndef UNLOCK_RELEASE
.equ UNLOCK_RELEASE, 1
.endif
.ifndef XCHG_TAIL_ACQUIRE
.equ XCHG_TAIL_ACQUIRE, 1
.endif
.ifndef NCORES
.equ NCORES, 2
.endif
.ifndef ROUNDS
.equ ROUNDS, 3
.endif
.ifndef TARGET_LLSC
.equ TARGET_LLSC, 0
.endif
.ifndef TARGET_LSE
.equ TARGET_LSE, 0
.endif
.ifndef TARGET_X86
.equ TARGET_X86, 0
.endif

    .cores NCORES
    .stack 0

    .equ LOCKED, 1
    .equ LOCKED_PENDING, 0xffff
    .equ SYS_exit, 93

    .data
    .align 3
lock:      .word 0            // locked byte, pending byte, 16-bit tail
           .word 0
counter:   .quad 0
owner:     .quad 0
finished:  .quad 0
violation: .quad 0
    .align 4
nodes:                        // per core: locked (32-bit) at +0, next (pointer) at +8
    .rept NCORES
    .word 0
    .word 0
    .quad 0
    .endr

    .text
// ---------------------------------------------------------------------------------------------
// Registers: x19 &lock, x20 my node, x21 my core id, w22 my tail (id + 1), w23 rounds left,
// x24 &counter, x25 &owner, x26 &nodes; scratch w0-w7, x9-x12.

_start:
    mov x21, x0
    ldr x19, =lock
    ldr x24, =counter
    ldr x25, =owner
    ldr x26, =nodes
    add x20, x26, x21, lsl #4
    add w22, w21, #1
    mov w23, #ROUNDS

round:
    bl qspin_lock
    // ---- critical section ----
    str w22, [x25]                  // owner = me
    ldr w1, [x24]
    add w1, w1, #1
    str w1, [x24]                   // counter++ (plain: exclusion makes it safe)
    ldr w2, [x25]
    cmp w2, w22
    b.ne found_violation            // someone else entered
    // ---- end ----
    bl qspin_unlock
    subs w23, w23, #1
    b.ne round

    // finished++ (an RMW: the cores race on it)
    ldr x9, =finished
.if TARGET_LLSC
1:  ldaxr w1, [x9]
    add w1, w1, #1
    stlxr w10, w1, [x9]
    cbnz w10, 1b
.else
    mov w1, #1
    ldaddal w1, w2, [x9]
.endif
    cbnz x21, exit_ok
    // core 0: wait for every core, then check the count.
    mov w3, #NCORES
2:  ldar w1, [x9]
    cmp w1, w3
    b.ne 2b
    ldr w1, [x24]
    mov w2, #(NCORES * ROUNDS)
    cmp w1, w2
    b.ne found_violation
exit_ok:
    mov x0, #0
    mov x8, #SYS_exit
    svc #0

found_violation:
    ldr x9, =violation
    mov w1, #1
    str w1, [x9]
    mov x0, #1
    mov x8, #SYS_exit
    svc #0

// ---------------------------------------------------------------------------------------------
// queued_spin_lock: the fast path, then the slow path.
qspin_lock:
    mov w0, #0
    mov w1, #LOCKED
.if TARGET_LLSC
1:  ldaxr w2, [x19]                 // atomic_try_cmpxchg_acquire(&lock->val, 0, LOCKED)
    cmp w2, w0
    b.ne slowpath
    stxr w10, w1, [x19]
    cbnz w10, 1b
    ret
.elseif TARGET_LSE
    mov w2, w0
    casa w2, w1, [x19]
    cbnz w2, slowpath
    ret
.else
    mov w2, w0
    casal w2, w1, [x19]
    cbnz w2, slowpath
    ret
.endif

slowpath:
    // node.locked = 0; node.next = NULL; smp_wmb()
    str wzr, [x20]
    str xzr, [x20, #8]
.if TARGET_X86 == 0
    dmb ishst
.endif
    // old = xchg_tail(lock, tail): the 16-bit tail halfword at lock+2
    add x11, x19, #2
.if TARGET_LLSC
.if XCHG_TAIL_ACQUIRE
1:  ldaxrh w3, [x11]
.else
1:  ldxrh w3, [x11]
.endif
    stxrh w10, w22, [x11]
    cbnz w10, 1b
.elseif TARGET_LSE
.if XCHG_TAIL_ACQUIRE
    swpah w22, w3, [x11]
.else
    swph w22, w3, [x11]
.endif
.else
    swpalh w22, w3, [x11]
.endif
    mov x12, #0                     // next = NULL
    cbz w3, queue_head
    // prev = decode_tail(old): node of core old-1; WRITE_ONCE(prev->next, node)
    sub w4, w3, #1
    add x5, x26, x4, lsl #4
    str x20, [x5, #8]
    // smp_cond_load_acquire(&node.locked, VAL)
2:
.if TARGET_X86
    ldr w6, [x20]
.else
    ldar w6, [x20]
.endif
    cbz w6, 2b
    ldr x12, [x20, #8]              // next = READ_ONCE(node.next)

queue_head:
    // val = atomic_cond_read_acquire(&lock->val, !(VAL & LOCKED_PENDING))
3:
.if TARGET_X86
    ldr w7, [x19]
.else
    ldar w7, [x19]
.endif
    tst w7, #LOCKED_PENDING
    b.ne 3b
    // if the tail is ours, nobody queued behind: take the lock and clear the tail at once
    lsr w4, w7, #16
    cmp w4, w22
    b.ne set_locked
    mov w1, #LOCKED
.if TARGET_LLSC
4:  ldxr w2, [x19]                  // atomic_try_cmpxchg_relaxed(&lock->val, val, LOCKED)
    cmp w2, w7
    b.ne set_locked
    stxr w10, w1, [x19]
    cbnz w10, 4b
    ret
.elseif TARGET_LSE
    mov w2, w7
    cas w2, w1, [x19]
    cmp w2, w7
    b.ne set_locked
    ret
.else
    mov w2, w7
    casal w2, w1, [x19]
    cmp w2, w7
    b.ne set_locked
    ret
.endif

set_locked:
    mov w1, #LOCKED
    strb w1, [x19]                  // set_locked(): WRITE_ONCE(lock->locked, LOCKED)
    cbnz x12, 6f
5:  ldr x12, [x20, #8]              // next = smp_cond_load_relaxed(&node.next, VAL)
    cbz x12, 5b
6:  mov w1, #1
.if TARGET_X86
    str w1, [x12]
.else
    stlr w1, [x12]                  // arch_mcs_spin_unlock_contended(&next->locked)
.endif
    ret

// queued_spin_unlock: smp_store_release(&lock->locked, 0)
qspin_unlock:
.if UNLOCK_RELEASE && TARGET_X86 == 0
    stlrb wzr, [x19]
.else
    strb wzr, [x19]
.endif
    ret
