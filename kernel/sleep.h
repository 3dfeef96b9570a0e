/*
 * Timed sleep (kernel/sleep.c): SYS_SLEEP_UNTIL blocks a thread until the
 * time CSR reaches a deadline; the timer tick wakes it.  Under the kernel
 * lock.
 */
#ifndef TESSERA_KERNEL_SLEEP_H
#define TESSERA_KERNEL_SLEEP_H

#include "kernel/object.h"

/* SYS_SLEEP_UNTIL (a[0] the deadline, in time-CSR counts), as a syscall_fn:
 * 0 once the time CSR has reached it.  Never fails.  Requires the kernel
 * lock; cur may block. */
long sys_sleep_until(struct thread *cur, const uint64_t *a);

/* Make every sleeper whose deadline has come runnable, earliest first.
 * Called on every timer tick (taken in user mode, or seen by an idle hart).
 * Requires the kernel lock. */
void sleep_wake_due(void);

/* Put t (blocking, not yet blocked) on the sleepers until `until`: the
 * first tick at or after it makes t runnable (SYS_IRQ_WAIT's deadline).
 * Requires the kernel lock. */
void sleep_queue(struct thread *t, uint64_t until);

/* t, SLEEP_BLOCKED and not running (being killed), leaves the sleepers.
 * Requires the kernel lock. */
void sleep_cancel(struct thread *t);

#endif
