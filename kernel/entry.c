/* Traps from user space (see kernel/entry.h). */
#include "kernel_arch.h"
#include "kernel/boot.h"
#include "kernel/device.h"
#include "kernel/entry.h"
#include "kernel/fault.h"
#include "kernel/ipc.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/syscall_internal.h"
#include "kernel/thread.h"
#include "kernel/thread_fpu.h"

/*
 * Every way in from user space: take the kernel lock and return the
 * current thread, ended first if it was killed while it ran or spun for
 * the lock, before it does anything that could block (kernel/thread.c,
 * "Killing").
 */
static inline __attribute__((always_inline)) struct thread *enter_kernel(void)
{
	struct thread *cur;

	kernel_lock();
	cur = current_thread();
	if (cur->killed)
		thread_check_killed();
	return cur;
}

/*
 * A system call of the current thread from the arch's system-call entry,
 * whose frame holds only the registers C may change: the call is done
 * here and this returns false, to go back to user space along the way it
 * came; the frame is never used to leave, so the registers C kept need no
 * saving.
 * Anything that switches threads on the way (a preemption, a blocking
 * call) returns here when this thread runs again.
 *
 * True, before anything is done, when the general path must take the
 * call with the whole frame: with ipc_fast=off, so that the suite's runs
 * both ways test that path too.  (The IPC calls never come here: their
 * fast path leaves through frames, so trap.S saves them whole.)
 */
bool kernel_syscall(void)
{
	struct thread *cur;

	if (boot.cmdline.ipc_fast_off)
		return true;
	cur = enter_kernel();
	syscall_dispatch(cur);
	thread_leave_kernel(cur);
	return false;
}

/*
 * An IPC call (SYS_IPC_SEND..SYS_IPC_REPLY_RECV) from the arch's
 * system-call entry, with the whole frame: the fast path when it can be
 * taken (kernel/ipc_fast.c: no return), else the general path.
 */
void kernel_ipc_syscall(void)
{
	struct thread *cur = enter_kernel();

	if (!ipc_fast_path(cur))
		syscall_dispatch(cur);
	thread_return_to_user();
}

void kernel_user_trap(struct trap_frame *tf, enum user_trap kind)
{
	struct thread *cur = enter_kernel();

	if (cur->tf != tf)
		panic("kernel_user_trap: frame %p is not thread %u's", (void *)tf, cur->id);
	switch (kind) {
	case USER_TRAP_SYSCALL:   /* from kernel_syscall, with ipc_fast=off */
		syscall_dispatch(cur);
		break;
	case USER_TRAP_READ_FAULT:
		fault_handle(cur, arch_fault_address(tf), FAULT_READ);
		break;
	case USER_TRAP_WRITE_FAULT:
		fault_handle(cur, arch_fault_address(tf), FAULT_WRITE);
		break;
	case USER_TRAP_EXEC_FAULT:
		fault_handle(cur, arch_fault_address(tf), FAULT_EXEC);
		break;
	case USER_TRAP_TICK:
		sched_tick();
		sched_timer_work();
		break;
	case USER_TRAP_IPI:
		sched_ipi();
		break;
	case USER_TRAP_EXTERNAL:
		irq_poll();   /* it claims, and hands each source to its owner */
		break;
	case USER_TRAP_IRQ_OTHER:
		break;
	case USER_TRAP_FPU_OFF:
		/* Not an FP instruction after all: it traps again with the FPU on. */
		if (thread_fpu_first_use(cur))
			break;
		/* fall through */
	case USER_TRAP_OTHER:
		printk("user fault: task %s thread %u: %s at pc 0x%lx (stval 0x%lx): "
		       "thread stopped (EXIT_BAD_TRAP)\n", cur->task->name, cur->id,
		       arch_trap_name(tf), arch_user_pc(tf), arch_trap_value(tf));
		thread_exit(-1, EXIT_BAD_TRAP);
	}
	thread_return_to_user();
}
