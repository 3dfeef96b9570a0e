/*
 * Console input (kernel/console_input.c): the bytes the console's UART
 * receives, the line editing of a terminal in canonical mode, and
 * SYS_CONSOLE_READ (ABI: include/tessera/syscall.h).  Under the kernel lock.
 */
#ifndef TESSERA_KERNEL_CONSOLE_INPUT_H
#define TESSERA_KERNEL_CONSOLE_INPUT_H

#include "kernel/object.h"

/*
 * Move what the UART has received into the input ring, and wake the first
 * reader if its read can now be answered.  Called on every timer tick (a
 * tick taken from user mode, or one an idle hart sees), on the UART's
 * interrupt, and by readers.  Requires the kernel lock.
 */
void console_input_poll(void);

/* The UART's interrupt was claimed at the PLIC (kernel/device.c, irq_poll):
 * the next poll that leaves room in the ring completes it. */
void console_input_claimed(void);

/* t, ending or killed, is no longer a reader (nothing if it was none); the
 * next reader is woken if it may be served now.  Requires the kernel lock. */
void console_reader_gone(struct thread *t);

/* SYS_CONSOLE_READ (a[0] buf, a[1] len, a[2] flags), as a syscall_fn.
 * Requires the kernel lock; cur may block. */
long sys_console_read(struct thread *cur, const uint64_t *a);

#endif
