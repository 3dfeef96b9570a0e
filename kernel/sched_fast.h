/*
 * The scheduler's part of the IPC fast path (kernel/ipc_fast.c), inline
 * there so that the path is one function: the per-hart run state, whether
 * a thread may run at once, and the switch to it.  Included by
 * kernel/sched.c, which owns the state, and kernel/ipc_fast.c only.
 */
#ifndef TESSERA_KERNEL_SCHED_FAST_H
#define TESSERA_KERNEL_SCHED_FAST_H

#include "kernel_arch.h"
#include "kernel/account.h"
#include "kernel/sched.h"
#include "kernel/space.h"
#include "kernel/task.h"
#include "kernel/thread.h"
#include "kernel/thread_fpu.h"

struct hart_sched {
	struct thread *current;
	struct thread *idle;
	struct thread *reap;          /* ended; freed after the next switch */
	uint32_t ready;               /* bit p: queue[p] is not empty */
	uint64_t account_since;       /* instret at the last switch (kernel/account.h) */
	struct list queue[PRIORITY_MAX + 1];
	uint64_t unowned;             /* instret in the idle thread's waits (idle_loop) */
};

_Static_assert(PRIORITY_MAX < 32, "one bitmap word of priorities");

extern struct hart_sched sched_harts[SMP_MAX_HARTS];   /* indexed by hart_index() */

/*
 * Make t's address space this hart's (the kernel's, for a kernel thread)
 * and write the hart's index above t's trap frame, where trap.S reads it
 * back into tp on t's next trap.  Requires the kernel lock.
 */
static inline __attribute__((always_inline)) void thread_enter(struct thread *t, unsigned hart)
{
	if (t->task) {
		*(uint64_t *)(t->tf + 1) = hart;
		space_enter(&t->task->pt, &t->task->asid_ctx, hart);
	} else {
		space_leave();
	}
}

/*
 * Whether the IPC fast path may run `to` (just made ready, queued nowhere)
 * on this hart at once: no reschedule pending, nothing to reap, `to` not
 * killed, nothing queued above its priority.  No side effect.  Requires
 * the kernel lock.
 */
static inline bool sched_fast_ok(unsigned hart, const struct thread *to)
{
	const struct hart_sched *hs = &sched_harts[hart];

	/* Nothing queued above to's priority: no ready bit above its own. */
	return !sched_need_resched[hart] && !hs->reap && !to->killed &&
	       !(hs->ready >> to->priority >> 1);
}

/*
 * The IPC fast path's switch: the current thread `from` has set its
 * blocked state and will resume straight in user space when it next runs
 * (its kernel stack is not kept); `to` runs in user space now.  No return.
 * Requires the kernel lock, and drops it just before the return to user
 * mode.
 */
static inline __attribute__((always_inline, noreturn)) void
sched_fast_switch(unsigned hart, struct thread *from, struct thread *to)
{
	struct hart_sched *hs = &sched_harts[hart];

	account_switch(from, &hs->account_since);
	kcontext_prepare(&from->context, thread_resume_in_user, NULL, (uint64_t)from->tf);
	to->state = THREAD_RUNNING;
	to->hart = hart;
	hs->current = to;
	sched_current[hart] = to;
	thread_fpu_switch(from, to);
	thread_enter(to, hart);
	kernel_unlock();
	user_return(to->tf);
}

#endif
