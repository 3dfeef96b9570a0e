/*
 * Threads (kernel/thread.c): creation, the way into user space, and the
 * way out (exit, kill).  All under the kernel lock.
 *
 * A user thread's kernel stack (KERNEL_STACK_SIZE, guard page below) holds,
 * from the top: the word the trap entry (trap.S) reloads tp from (the index of
 * the hart the thread runs on), a padding word, the thread's trap frame
 * (its user registers while it is in the kernel or not running), and then
 * the kernel's own call frames.
 */
#ifndef TESSERA_KERNEL_THREAD_H
#define TESSERA_KERNEL_THREAD_H

#include "kernel/object.h"
#include "kernel/sched.h"

/*
 * A new user thread of task t, starting at `entry` with sp = stack_top and
 * a0 = arg, at `priority`, queued on a hart.  Returns ERR_OK (the thread
 * holds a reference to t; *out has one reference for the caller) or
 * ERR_NO_MEMORY.
 */
err_t thread_create(struct task *t, uint64_t entry, uint64_t stack_top, uint64_t arg,
		    unsigned priority, struct thread **out);

/*
 * End thread t (not the current one) with exit code -1 and `reason`;
 * `why` (NULL: nothing) is printed with the reason's name.  A thread
 * running on another hart ends when it next enters the kernel (it is sent
 * an IPI).  A thread already marked keeps its first reason.
 */
void thread_kill(struct thread *t, enum exit_reason reason, const char *why);

/* End the current thread with `code` and `reason`.  No return. */
void thread_exit(long code, enum exit_reason reason) __attribute__((noreturn));

/* If the current thread was killed while it ran: end it now. */
void thread_check_killed(void);

/*
 * The current thread t, killed, has just set a blocked state (and queued
 * itself): undo that and end it.  No return.  Called by sched_block.
 */
void thread_end_instead_of_blocking(struct thread *t) __attribute__((noreturn));

/* Free a DEAD thread (its stack is not in use). */
void thread_free(struct thread *t);

/*
 * Where a thread starts, or resumes after the IPC fast path blocked it
 * (kernel/sched.c): straight back to user space, on its own stack.
 */
void thread_resume_in_user(void *arg) __attribute__((noreturn));

/*
 * On every way out to user space for `cur`, the current thread: a pending
 * reschedule runs first (cur runs again when it returns) and a killed
 * thread ends here; then the kernel lock goes.  Returns the trap
 * frame of the thread that goes on (read under the lock), for the caller's
 * own way out: thread_return_to_user's whole frame, or the system call's
 * short one (kernel_syscall).
 */
static inline __attribute__((always_inline)) struct trap_frame *
thread_leave_kernel(struct thread *cur)
{
	struct trap_frame *tf;

	if (sched_need_resched[hart_index()] || cur->killed) {
		sched_preempt_check();
		thread_check_killed();
	}
	tf = cur->tf;
	kernel_unlock();
	return tf;
}

/* Leave the kernel for the current thread's user registers. */
void thread_return_to_user(void) __attribute__((noreturn));

/* Scheduler internals used by threads (kernel/sched.c). */
void sched_remove(struct thread *t);
void sched_finish_switch(void);

#endif
