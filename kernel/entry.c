/* Traps from user space (see kernel/entry.h). */
#include "arch/riscv/trap.h"
#include "arch/riscv/trapframe.h"
#include "kernel/entry.h"
#include "kernel/fault.h"
#include "kernel/ipc.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/thread.h"

void kernel_user_trap(struct trap_frame *tf, enum user_trap kind)
{
	struct thread *cur;

	kernel_lock();
	cur = current_thread();
	if (cur->tf != tf)
		panic("kernel_user_trap: frame %p is not thread %u's", (void *)tf, cur->id);
	/* Killed while it ran or spun for the lock: end before doing anything
	 * that could block (kernel/thread.c, "Killing"). */
	if (cur->killed)
		thread_check_killed();
	switch (kind) {
	case USER_TRAP_SYSCALL:
		if (!ipc_fast_candidate(tf->regs[REG_A(7)]) || !ipc_fast_path(cur))
			syscall_dispatch(cur);
		break;
	case USER_TRAP_READ_FAULT:
		fault_handle(cur, tf->stval, FAULT_READ);
		break;
	case USER_TRAP_WRITE_FAULT:
		fault_handle(cur, tf->stval, FAULT_WRITE);
		break;
	case USER_TRAP_EXEC_FAULT:
		fault_handle(cur, tf->stval, FAULT_EXEC);
		break;
	case USER_TRAP_TICK:
		sched_tick();
		fault_check_timeouts();
		break;
	case USER_TRAP_IPI:
		sched_ipi();
		break;
	case USER_TRAP_IRQ_OTHER:
		break;
	case USER_TRAP_OTHER:
		printk("user fault: task %s thread %u: %s at pc 0x%lx (stval 0x%lx): "
		       "thread stopped (EXIT_BAD_TRAP)\n", cur->task->name, cur->id,
		       trap_cause_name(tf->scause), tf->sepc, tf->stval);
		thread_exit(-1, EXIT_BAD_TRAP);
	}
	thread_return_to_user();
}
