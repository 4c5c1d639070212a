// QEMU's atomics (include/qemu/atomic.h) as the instructions a compiler emits for them, per
// target. Every macro is written once; `.if TARGET_*` picks the instruction sequence.
//
// Targets (exactly one of TARGET_LLSC, TARGET_LSE, TARGET_X86 is 1):
//   TARGET_LLSC  AArch64 without LSE: a seq-cst read-modify-write is an LDAXR/STLXR retry loop
//                (GCC's inline expansion of __atomic_* with __ATOMIC_SEQ_CST).
//   TARGET_LSE   AArch64 with LSE: a seq-cst RMW is one SWPAL/CASAL/LDADDAL/LDSETAL/LDCLRAL
//                with a real destination register, even when C discards the result.
//   TARGET_X86   the same ISA run under x86-TSO: an RMW stands for a LOCK'd instruction (the AL
//                atomic), smp_mb for MFENCE (DMB SY); acquire/release fences emit nothing and
//                acquire loads / release stores are plain MOVs (the engine makes every access TSO).
// See programs/README.md for the full table and its sources.
//
// Register conventions (every macro):
//   - operands are registers chosen by the caller; an address operand is an X register holding
//     the address (no offset); a 32-bit macro (`_w`) takes W operands, a 64-bit one (`_x`) X.
//   - scratch: x16 and x17 (w16/w17); w9 is the store-exclusive status. Never pass x9, x16 or
//     x17 as an operand.
//   - the condition flags (NZCV) are clobbered by cmpxchg on TARGET_LLSC.
//   - a result register (`old`) must differ from the value / compare / new operands.
//   - labels inside macros are `\@`-unique, so the caller's numeric labels (1:, 1b, 1f) can be
//     used around any macro.

.ifndef TARGET_LLSC
.equ TARGET_LLSC, 0
.endif
.ifndef TARGET_LSE
.equ TARGET_LSE, 0
.endif
.ifndef TARGET_X86
.equ TARGET_X86, 0
.endif
.if TARGET_LLSC + TARGET_LSE + TARGET_X86 - 1
    .error "exactly one of TARGET_LLSC, TARGET_LSE, TARGET_X86 must be 1"
.endif

// ---------------------------------------------------------------------------------------------
// Relaxed accesses: qatomic_read / qatomic_set (__ATOMIC_RELAXED): plain LDR / STR everywhere.

.macro qatomic_read_w dst, addr
    ldr \dst, [\addr]
.endm

.macro qatomic_read_x dst, addr
    ldr \dst, [\addr]
.endm

.macro qatomic_set_w val, addr
    str \val, [\addr]
.endm

.macro qatomic_set_x val, addr
    str \val, [\addr]
.endm

// ---------------------------------------------------------------------------------------------
// qatomic_load_acquire / qatomic_store_release: LDAR / STLR on AArch64, plain MOV on x86.

.macro load_acquire_w dst, addr
.if TARGET_X86
    ldr \dst, [\addr]
.else
    ldar \dst, [\addr]
.endif
.endm

.macro load_acquire_x dst, addr
.if TARGET_X86
    ldr \dst, [\addr]
.else
    ldar \dst, [\addr]
.endif
.endm

.macro store_release_w val, addr
.if TARGET_X86
    str \val, [\addr]
.else
    stlr \val, [\addr]
.endif
.endm

.macro store_release_x val, addr
.if TARGET_X86
    str \val, [\addr]
.else
    stlr \val, [\addr]
.endif
.endm

// ---------------------------------------------------------------------------------------------
// Sequentially consistent read-modify-writes (qatomic_xchg, qatomic_cmpxchg, qatomic_fetch_*,
// qatomic_inc/dec/or/and/add/sub). `old` receives the value before the operation.

// old = xchg(*addr, new)
.macro xchg_w old, new, addr
.if TARGET_LLSC
.Lxchg_w\@:
    ldaxr \old, [\addr]
    stlxr w9, \new, [\addr]
    cbnz w9, .Lxchg_w\@
.else
    swpal \new, \old, [\addr]
.endif
.endm

.macro xchg_x old, new, addr
.if TARGET_LLSC
.Lxchg_x\@:
    ldaxr \old, [\addr]
    stlxr w9, \new, [\addr]
    cbnz w9, .Lxchg_x\@
.else
    swpal \new, \old, [\addr]
.endif
.endm

// old = cmpxchg(*addr, exp, new): strong compare-and-swap; old == exp iff it succeeded.
.macro cmpxchg_w old, exp, new, addr
.if TARGET_LLSC
.Lcmpxchg_w\@:
    ldaxr \old, [\addr]
    cmp \old, \exp
    b.ne .Lcmpxchg_w_done\@
    stlxr w9, \new, [\addr]
    cbnz w9, .Lcmpxchg_w\@
.Lcmpxchg_w_done\@:
.else
    mov \old, \exp
    casal \old, \new, [\addr]
.endif
.endm

.macro cmpxchg_x old, exp, new, addr
.if TARGET_LLSC
.Lcmpxchg_x\@:
    ldaxr \old, [\addr]
    cmp \old, \exp
    b.ne .Lcmpxchg_x_done\@
    stlxr w9, \new, [\addr]
    cbnz w9, .Lcmpxchg_x\@
.Lcmpxchg_x_done\@:
.else
    mov \old, \exp
    casal \old, \new, [\addr]
.endif
.endm

// old = fetch_or(*addr, val)
.macro fetch_or_w old, val, addr
.if TARGET_LLSC
.Lfetch_or_w\@:
    ldaxr \old, [\addr]
    orr w16, \old, \val
    stlxr w9, w16, [\addr]
    cbnz w9, .Lfetch_or_w\@
.else
    ldsetal \val, \old, [\addr]
.endif
.endm

// old = fetch_and(*addr, val); LSE has no atomic AND, so the compiler clears ~val (LDCLRAL).
.macro fetch_and_w old, val, addr
.if TARGET_LLSC
.Lfetch_and_w\@:
    ldaxr \old, [\addr]
    and w16, \old, \val
    stlxr w9, w16, [\addr]
    cbnz w9, .Lfetch_and_w\@
.else
    movn w16, #0
    eor w16, w16, \val
    ldclral w16, \old, [\addr]
.endif
.endm

// old = fetch_add(*addr, val)
.macro fetch_add_w old, val, addr
.if TARGET_LLSC
.Lfetch_add_w\@:
    ldaxr \old, [\addr]
    add w16, \old, \val
    stlxr w9, w16, [\addr]
    cbnz w9, .Lfetch_add_w\@
.else
    ldaddal \val, \old, [\addr]
.endif
.endm

// old = fetch_sub(*addr, val); LSE adds the negated value.
.macro fetch_sub_w old, val, addr
.if TARGET_LLSC
.Lfetch_sub_w\@:
    ldaxr \old, [\addr]
    sub w16, \old, \val
    stlxr w9, w16, [\addr]
    cbnz w9, .Lfetch_sub_w\@
.else
    neg w16, \val
    ldaddal w16, \old, [\addr]
.endif
.endm

// The result-discarding forms (qatomic_or, qatomic_and, qatomic_add, qatomic_sub, qatomic_inc,
// qatomic_dec). They are still seq-cst RMWs: on LSE the compiler keeps a real destination
// register (w17 here), so the A of the AL suffix is not lost.
.macro qatomic_or_w val, addr
    fetch_or_w w17, \val, \addr
.endm

.macro qatomic_and_w val, addr
    fetch_and_w w17, \val, \addr
.endm

.macro qatomic_add_w val, addr
    fetch_add_w w17, \val, \addr
.endm

.macro qatomic_sub_w val, addr
    fetch_sub_w w17, \val, \addr
.endm

.macro qatomic_inc_w addr
.if TARGET_LLSC
.Linc_w\@:
    ldaxr w17, [\addr]
    add w16, w17, #1
    stlxr w9, w16, [\addr]
    cbnz w9, .Linc_w\@
.else
    mov w16, #1
    ldaddal w16, w17, [\addr]
.endif
.endm

.macro qatomic_dec_w addr
.if TARGET_LLSC
.Ldec_w\@:
    ldaxr w17, [\addr]
    sub w16, w17, #1
    stlxr w9, w16, [\addr]
    cbnz w9, .Ldec_w\@
.else
    movn w16, #0
    ldaddal w16, w17, [\addr]
.endif
.endm

// ---------------------------------------------------------------------------------------------
// Fences.
//   smp_mb        __atomic_thread_fence(SEQ_CST): DMB ISH; x86 MFENCE (DMB SY here).
//   smp_rmb       __atomic_thread_fence(ACQUIRE): DMB ISHLD; x86 nothing.
//   smp_wmb       __atomic_thread_fence(RELEASE): GCC emits DMB ISH; x86 nothing.
//   smp_mb_acquire / smp_mb_release: the same fences as smp_rmb / smp_wmb.
//   smp_mb__before_rmw / smp_mb__after_rmw (QEMU 8.0+): smp_mb on AArch64; nothing on x86,
//                 where the LOCK'd RMW already is a full barrier.

.macro smp_mb
.if TARGET_X86
    dmb sy
.else
    dmb ish
.endif
.endm

.macro smp_rmb
.if TARGET_X86
.else
    dmb ishld
.endif
.endm

.macro smp_wmb
.if TARGET_X86
.else
    dmb ish
.endif
.endm

.macro smp_mb_acquire
    smp_rmb
.endm

.macro smp_mb_release
    smp_wmb
.endm

.macro smp_mb__before_rmw
.if TARGET_X86
.else
    dmb ish
.endif
.endm

.macro smp_mb__after_rmw
.if TARGET_X86
.else
    dmb ish
.endif
.endm
