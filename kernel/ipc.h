/*
 * Synchronous IPC on endpoints (kernel/ipc.c); the ABI is in
 * include/tessera/syscall.h.  Under the kernel lock.
 *
 * The system calls read their arguments from the caller's trap frame and
 * write every result there (a0..a7), also when another thread completes
 * them later: a blocked thread's answer is written into its frame by the
 * thread that wakes it.
 */
#ifndef TESSERA_KERNEL_IPC_H
#define TESSERA_KERNEL_IPC_H

#include "kernel/object.h"

void sys_ipc_send(struct thread *cur);
void sys_ipc_recv(struct thread *cur);
void sys_ipc_call(struct thread *cur);
void sys_ipc_reply_recv(struct thread *cur);

/*
 * The fast path (kernel/ipc_fast.c): if cur's system call is a call or a
 * reply_recv of the common case, do it and leave for user space (no
 * return); else return false, having changed nothing.
 */
bool ipc_fast_path(struct thread *cur);

/* Switches the fast paths made since boot (0 with ipc_fast=off).  Under the
 * kernel lock. */
extern uint64_t ipc_fast_taken;

/*
 * The fault's fast path: if a handler waits on ep and may run now, hand it
 * msg and leave for it (no return); else return, having changed nothing.
 */
void ipc_fast_fault(struct thread *cur, struct endpoint *ep, const struct ipc_msg *msg);

/*
 * Call endpoint ep with msg on behalf of cur (a page fault: kernel/fault.c)
 * and block until the reply.  Returns ERR_OK once answered, ERR_PEER_GONE
 * when nobody can receive.
 */
err_t ipc_fault_call(struct thread *cur, struct endpoint *ep, const struct ipc_msg *msg);

/*
 * A thread starts / stops waiting for a pager's answer to a fault (kernel/
 * fault.c): it is on the timeout list meanwhile.  fault_done does nothing
 * for a thread that is not waiting.
 */
void fault_begin(struct thread *t);
void fault_done(struct thread *t);

/* End every thread whose pager has not answered in time (PAGER_TIMEOUT). */
void fault_check_timeouts(void);

/* Undo every IPC tie of a thread that is ending (queues, caller, callee). */
void ipc_thread_gone(struct thread *t);

/*
 * Task t has ended: if it asked (TASK_EXIT_NOTICE), its fault endpoint gets
 * the notice MSG_TASK_EXITED, delivered now to a waiting receiver or kept
 * (with a reference to t) for the next receive.
 */
void ipc_notify_exit(struct task *t);

/*
 * The fault reply (kernel/fault.c): the handler `replier` answers the fault
 * of `faulted` with msg.  Checks it, then maps what it asks for.  Returns
 * ERR_OK when `faulted` may go on: resumed, or to be ended when
 * *kill_reason is set (not EXIT_NORMAL: the refusal's EXIT_REFUSED_*); else
 * the error, and nothing happened.
 */
err_t fault_reply(struct thread *replier, struct thread *faulted, const struct ipc_msg *msg,
		  enum exit_reason *kill_reason);

#endif
