/*
 * What each task cost: the instructions retired while one of its threads
 * was running, and of those the ones in user mode (kernel/account.c has
 * SYS_TASK_USAGE).  Exact only where instret counts instructions (QEMU
 * -icount; the word icount says so).
 *
 * Every instruction a hart retires between two switches belongs to the
 * thread that was current: its task's when it has one, nobody's for the
 * idle and boot threads (wfi and boot work).  A switch (sched.c: switch_to
 * and the IPC fast path's sched_fast_switch) charges the interval since
 * the hart's last switch to the thread it leaves, and takes the user-mode
 * part that trap.S counted in the thread's frame.  A timer tick or any
 * trap taken while a thread ran is that thread's, so nothing is charged
 * on the way into or out of the kernel but the frame's count (eight
 * instructions of trap.S).  Under the kernel lock, which guards the
 * counts and each hart's time of its last switch (sched.c's hart_sched).
 */
#ifndef TESSERA_KERNEL_ACCOUNT_H
#define TESSERA_KERNEL_ACCOUNT_H

#include "kernel/object.h"

/*
 * This hart leaves thread prev: charge prev's task with the instructions
 * since the hart's last switch (*since, which becomes now) and with prev's
 * user-mode ones.  Requires the kernel lock and prev's frame still in
 * place (a DEAD thread is freed only after the switch).  (The idle
 * thread's are counted apart, around its wait: sched.c's idle_loop.)
 */
static inline __attribute__((always_inline)) void account_switch(struct thread *prev,
								  uint64_t *since)
{
	uint64_t now = rdinstret();
	struct task *t = prev->task;

	if (t) {
		t->instructions += now - *since;
		t->user_instructions += arch_take_user_instructions(prev->tf);
	}
	*since = now;
}

#endif
