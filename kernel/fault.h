/* User page faults, sent to the task's fault handler (kernel/fault.c). */
#ifndef TESSERA_KERNEL_FAULT_H
#define TESSERA_KERNEL_FAULT_H

#include "kernel/object.h"

/*
 * The current thread cur faulted at addr with `access` (FAULT_*): ask its
 * handler and return once the page may be retried; or end the thread with a
 * report (no return).
 */
void fault_handle(struct thread *cur, vaddr_t addr, unsigned access);

/*
 * A copy helper of a system call of cur faulted at addr: ask cur's handler
 * as for a fault, and return once the copy may be tried again (ERR_OK), or
 * ERR_FAULT (not user memory, no handler, handler gone).  A handler that
 * refuses the fault ends the thread, as for any fault.
 */
err_t fault_resolve(struct thread *cur, vaddr_t addr, unsigned access);

#endif
