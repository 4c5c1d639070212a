/*
 * Bottom-half scheduling as in QEMU 7.2 plus the barriers proposed by "[PATCH 5/8]
 * util/async: add smp_mb__after_rmw() around BH enqueue/dequeue" (Paolo Bonzini, 3 March 2023,
 * v1 of "Fix missing memory barriers on ARM"; dropped in v2 after review showed the flags RMWs
 * are already release/acquire), in C. A control. The assembly version is v1-patch.s beside
 * this file.
 *
 * Expected: no hang on any target.
 */
#define HAS_MB_AFTER_FLAGS_RMW 1 /* smp_mb__after_rmw() after fetch_or and after fetch_and */
#include "common.h"
