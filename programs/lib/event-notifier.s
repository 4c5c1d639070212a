// QEMU's EventNotifier (util/event_notifier-posix.c) on Linux: an eventfd. Setting it writes 1
// to the counter; a poller blocks in ppoll until the counter is non-zero; test-and-clear reads
// (and so zeroes) the counter.
//
// Layout of a notifier (16 bytes, 8-aligned; declare it with `event_notifier name`):
//   +0  struct pollfd { int32 fd; int16 events = POLLIN; int16 revents }, written once by
//       event_notifier_init as one 64-bit store (so no access ever splits the 8-byte word)
//   +8  the 8-byte buffer event_notifier_test_and_clear reads the counter into
//
// Register conventions: every macro clobbers x0-x3 and x8 (system-call registers) and x16.
// Pass the notifier's address in an X register that is not x0-x3, x8 or x16.
//
// Deviation from QEMU, on purpose: QEMU's eventfd is non-blocking (EFD_NONBLOCK) and its
// test-and-clear may find the counter at 0. hangar's read(2) blocks on 0, so the programs only
// call event_notifier_test_and_clear right after event_notifier_wait returned, when the counter
// is known to be non-zero (every program has a single reader per notifier).

.equ SYS_eventfd2, 19
.equ SYS_read, 63
.equ SYS_write, 64
.equ SYS_ppoll, 73
.equ POLLIN, 1

.data
.align 3
event_notifier_one:
    .quad 1
.text

// Declares a notifier (use inside .data).
.macro event_notifier name
    .align 3
\name:
    .quad 0
    .quad 0
.endm

// event_notifier_init(e, active = false): eventfd2(0, 0), then publish { fd, POLLIN, 0 }.
.macro event_notifier_init notifier
    mov x0, #0
    mov x1, #0
    mov x8, #SYS_eventfd2
    svc #0
    mov w0, w0
    mov x16, #POLLIN
    lsl x16, x16, #32
    orr x16, x16, x0
    str x16, [\notifier]
.endm

// event_notifier_set(e): write(fd, &1, 8). QEMU loops only on EINTR.
.macro event_notifier_set notifier
    ldr x0, [\notifier]
    mov w0, w0
    ldr x1, =event_notifier_one
    mov x2, #8
    mov x8, #SYS_write
    svc #0
.endm

// event_notifier_test_and_clear(e): read(fd, buf, 8); only after event_notifier_wait (above).
.macro event_notifier_test_and_clear notifier
    ldr x0, [\notifier]
    mov w0, w0
    add x1, \notifier, #8
    mov x2, #8
    mov x8, #SYS_read
    svc #0
.endm

// Block until the notifier is set: ppoll(&pollfd, 1, NULL, NULL), as the event loop's
// qemu_poll_ns / fdmon wait does with an infinite timeout.
.macro event_notifier_wait notifier
    mov x0, \notifier
    mov x1, #1
    mov x2, #0
    mov x3, #0
    mov x8, #SYS_ppoll
    svc #0
.endm
