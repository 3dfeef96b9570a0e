/*
 * Per-task instruction accounting (see kernel/account.h) and the call that
 * reads it, SYS_TASK_USAGE.  Under the kernel lock.
 */
#include "kernel_arch.h"
#include "kernel/account.h"
#include "kernel/boot.h"
#include "kernel/sched.h"
#include "kernel/syscall_internal.h"

/*
 * SYS_TASK_USAGE (a[0] task): 0, with a1 = the task's user-mode
 * instructions, a2 = its kernel-mode ones, a3 = 1 when they are counted
 * (the word icount: instret counts instructions), 0 when they may be
 * something else (QEMU without -icount gives host ticks).  READ; an ended
 * task's figures stay while a handle holds it.  The figures run to the
 * last time one of its threads left a hart (a thread asking for its own
 * task lacks its current run).  a4 = the instructions every hart's idle
 * thread ran while it waited for work, so a measurement can leave the
 * waiting out.  Or the handle's error.  Kernel lock held.
 */
long sys_task_usage(struct thread *cur, const uint64_t *a)
{
	struct handle *h;
	struct task *t;
	uint64_t *out = arch_syscall_args(cur->tf);
	err_t err = handle_get(cur->task, a[0], OBJ_TASK, RIGHT_READ, &h);

	if (err)
		return error(err);
	t = (struct task *)h->obj;
	out[1] = t->user_instructions;    /* a1..a3 (tessera/syscall.h, SYS_TASK_USAGE) */
	out[2] = t->instructions - t->user_instructions;
	out[3] = boot.cmdline.icount;
	out[4] = sched_unowned_instructions();
	return 0;
}
