/*
 * Bottom-half scheduling and the event loop's BH processing as in QEMU 7.2 (util/async.c and
 * util/aio-posix.c at v7.2.0; unchanged in these parts by the 2023 barrier series), in C. A
 * control. The assembly version is v7.2.s beside this file; its header tells the story.
 *
 * The wake-up goes through notified/notify_me (fences on both sides), the BH's data through
 * the list (cmpxchg release, xchg acquire) and through the flags (fetch_or and fetch_and are
 * seq-cst RMWs, so release and acquire). No step relies on an RMW being a full barrier.
 *
 * Expected: no hang on any target.
 */
#define HAS_MB_AFTER_FLAGS_RMW 0 /* fetch_or / fetch_and are not followed by a barrier */
#include "common.h"
