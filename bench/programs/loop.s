// Baseline: the bench loop with an empty body (its counter and branch are in every figure).
    .include "../../programs/lib/qatomic.s"
    .include "harness.s"

    .text
_start:
    bench_start
    bench_stop
