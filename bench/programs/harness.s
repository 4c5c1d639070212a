// The loop every barrier-cost bench program runs: ITERS iterations of one primitive's hot
// path on core 0, and on core 1 too when CONTENDED is 1 (both cores hammering the same
// variables). bench/barrier.ts times the cycles between the first retirement of the
// instruction at `bench_begin` and of the one at `bench_end` on core 0 and divides by ITERS.
//
// Use:   bench_start            (after loading the addresses the body needs)
//        <the primitive's hot path, any registers but x0, x8, x27>
//        bench_stop
// Shared variables each take a 64-byte line of their own (`line32`), so that hangar's
// per-location coherence matches the hardware's per-line coherence (no false sharing).

.ifndef ITERS
    .equ ITERS, 400
.endif
.ifndef CONTENDED
    .equ CONTENDED, 0
.endif

    .cores 2
    .stack 0

// A 32-bit variable alone in a 64-byte cache line.
.macro line32 name, init=0
    .align 6
\name:
    .word \init
    .word 0
.endm

// A 64-bit variable alone in a 64-byte cache line.
.macro line64 name, init=0
    .align 6
\name:
    .quad \init
.endm

.macro bench_start
.if CONTENDED == 0
    cbnz x0, bench_exit         // uncontended: core 1 leaves at once
.endif
    mov x27, #ITERS
bench_begin:
    nop
bench_loop:
.endm

.macro bench_stop
    subs x27, x27, #1
    b.ne bench_loop
bench_end:
    nop
bench_exit:
    mov x0, #0
    mov x8, #93                 // exit
    svc #0
.endm
