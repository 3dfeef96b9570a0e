/*
 * Threads (see kernel/thread.h).  A thread holds one reference to itself
 * while it lives (dropped by thread_free) and one to its task; handles add
 * theirs.  Everything runs under the kernel lock.
 *
 * The thread state machine.  Every move is made under the kernel lock, by
 * the code named:
 *
 *                    sched_add                   switch_to / fast switch
 *   thread_create ─────────────► RUNNABLE ─────────────────────────► RUNNING
 *                                  ▲   ◄───────────────────────────    │
 *                                  │     sched_yield (preempted)       │
 *                   sched_add      │                                   │ the thread
 *      (a partner, a reply, an     │                                   │ itself blocks:
 *       exit, a failing peer)      │                                   │ sched_block or
 *                                  │                                   ▼ a fast switch
 *                     SEND_BLOCKED, RECV_BLOCKED, REPLY_BLOCKED, WAIT_BLOCKED,
 *                     CONSOLE_BLOCKED, SLEEP_BLOCKED (sleep_wake_due wakes it),
 *                     IRQ_BLOCKED (irq_poll or the deadline wakes it)
 *
 *   any state ──► DEAD: thread_exit (the thread itself), thread_kill
 *                 (anyone: at once unless RUNNING), thread_check_killed
 *
 * Killing.  A thread that is not RUNNING is ended at once by thread_kill:
 * it is taken off its run queue, endpoint queue or wait list, its IPC ties
 * are undone (ipc_thread_gone) and it is freed.  A RUNNING thread runs on
 * some hart without the lock (in user mode, or on its way into the kernel
 * spinning for the lock): it is only marked `killed` and sent an IPI.  A
 * marked thread never blocks again, on any hart, because every way it can
 * reach a blocking point passes a check of the mark first:
 *   - kernel_user_trap checks it as soon as it has the lock, before the
 *     system call, fault or interrupt is looked at (kernel/entry.c), and
 *     the IPI makes a thread in user mode enter;
 *   - thread_return_to_user checks it on every way out;
 *   - sched_block, the one place every general-path block goes through
 *     (sched_block_switch_to too, for a killed thread), checks it again and
 *     ends the thread instead of blocking it; the IPC fast paths block only
 *     the thread that has just passed the entry check with the lock held
 *     since, so the mark cannot have been set meanwhile.
 * So SYS_EXIT and SYS_TASK_KILL always end every thread of the task, and
 * SYS_TASK_WAIT always returns once they have.
 */
#include <string.h>

#include "kernel_arch.h"
#include "kernel/boot.h"
#include "kernel/console_input.h"
#include "kernel/device.h"
#include "kernel/ipc.h"
#include "kernel/memory.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/sleep.h"
#include "kernel/space.h"
#include "kernel/task.h"
#include "kernel/thread.h"
#include "kernel/thread_fpu.h"
#include "mm/slab.h"

#define STACK_TOP_WORDS 2   /* the hart-index word and padding, above the frame */

static uint32_t next_thread_id = 1;

/* The words above the trap frame at the top of t's kernel stack. */
static uint64_t *stack_top_words(const struct thread *t)
{
	return (uint64_t *)((uint8_t *)t->kstack + KERNEL_STACK_SIZE) - STACK_TOP_WORDS;
}

/* With icount, the first thread into user mode says when (the boot's cost). */
static void note_first_user_instruction(void)
{
	static bool said;
	uint64_t now;

	if (said || !boot.cmdline.icount)
		return;
	now = rdinstret();
	said = true;
	printk("boot: the first user instruction comes after %lu instructions; the kernel's "
	       "part: %lu\n", now, now - boot_entry_instret);
}

void thread_resume_in_user(void *arg)
{
	(void)arg;
	sched_finish_switch();
	note_first_user_instruction();
	thread_return_to_user();
}

err_t thread_create(struct task *t, uint64_t entry, uint64_t stack_top, uint64_t arg,
		    unsigned priority, struct thread **out)
{
	struct thread *th = kzalloc(sizeof(*th), 0);
	void *stack = kernel_stack_alloc();

	if (!th || !stack) {
		kfree(th);
		if (stack)
			kernel_stack_free(stack);
		return ERR_NO_MEMORY;
	}
	th->obj = (struct object){ .type = OBJ_THREAD, .refs = 2 }; /* alive + *out */
	th->task = t;
	th->id = next_thread_id++;
	th->priority = priority;
	th->hart = sched_pick_hart();
	th->kstack = stack;
	list_init(&th->link);
	list_init(&th->fault_link);
	list_init(&th->console_link);
	th->tf = (struct trap_frame *)stack_top_words(th) - 1;
	trap_frame_init_user(th->tf, entry, stack_top, arg);
	kcontext_prepare(&th->context, thread_resume_in_user, NULL, (uint64_t)th->tf);
	obj_get(&t->obj);
	list_push_back(&t->threads, &th->task_link);
	t->live_threads++;
	t->unfreed_threads++;
	sched_add(th);
	*out = th;
	return ERR_OK;
}

/* Bookkeeping of an ending thread (its IPC ties already undone). */
static void thread_end(struct thread *t, long code, enum exit_reason reason)
{
	struct task *task = t->task;

	t->state = THREAD_DEAD;
	t->exit_code = code;
	if (task) {
		list_remove(&t->task_link);
		if (--task->live_threads == 0)
			task_exited(task, code, reason);
	}
}

void thread_free(struct thread *t)
{
	struct task *task = t->task;

	if (t->kstack)
		kernel_stack_free(t->kstack);
	t->kstack = NULL;
	t->tf = NULL;
	thread_fpu_free(t);
	if (task) {
		if (--task->unfreed_threads == 0)
			task_release_space(task);
		t->task = NULL;
		obj_put(&task->obj);
	}
	obj_put(&t->obj);
}

void thread_destroy(struct thread *t)
{
	kfree(t);
}

/*
 * Take t, which is not running, off whatever holds it waiting: its run
 * queue, a task's waiters, the sleepers, an interrupt (in any state, as the
 * console's readers: woken, it may not have left yet), the console's readers (in any state: it stays
 * there while a fault of its read is served), an endpoint queue, and its
 * IPC ties.  In any
 * state it may hold a call it received (a pager preempted while it serves a
 * fault): its caller learns there is no answer.
 */
static void thread_stop_waiting(struct thread *t)
{
	if (t->state == THREAD_RUNNABLE)
		sched_remove(t);
	else if (t->state == THREAD_WAIT_BLOCKED)
		task_wait_cancel(t);
	else if (t->state == THREAD_SLEEP_BLOCKED)
		sleep_cancel(t);
	if (t->irq_wait)
		irq_wait_cancel(t);
	console_reader_gone(t);
	ipc_thread_gone(t);
}

/* "thread 5 of task pclient killed: its pager ended (EXIT_PAGER_GONE)" */
static void thread_report_kill(const struct thread *t, enum exit_reason reason, const char *why)
{
	if (why)
		printk("thread %u of task %s killed: %s (%s)\n", t->id,
		       t->task ? t->task->name : "-", why, exit_reason_name(reason));
}

void thread_kill(struct thread *t, enum exit_reason reason, const char *why)
{
	if (t->state == THREAD_DEAD)
		return;
	if (t->state == THREAD_RUNNING) {
		if (!t->killed) {
			t->kill_reason = reason;
			t->kill_why = why;
		}
		t->killed = true;
		if (t->hart != hart_index())
			smp_send_ipi(t->hart);
		return;
	}
	thread_stop_waiting(t);
	thread_report_kill(t, reason, why);
	thread_end(t, -1, reason);
	thread_free(t);
}

void thread_exit(long code, enum exit_reason reason)
{
	struct thread *t = current_thread();

	console_reader_gone(t);   /* a fault in its read may have ended it */
	ipc_thread_gone(t);
	thread_end(t, code, reason);
	sched_block();
	panic("thread_exit: a dead thread ran again");
}

void thread_check_killed(void)
{
	struct thread *t = current_thread();

	if (t->killed) {
		thread_report_kill(t, t->kill_reason, t->kill_why);
		thread_exit(-1, t->kill_reason);
	}
}

void thread_end_instead_of_blocking(struct thread *t)
{
	thread_stop_waiting(t);
	t->state = THREAD_RUNNING;
	thread_check_killed();
	panic("thread_end_instead_of_blocking: thread %u is not killed", t->id);
}

void thread_return_to_user(void)
{
	user_return(thread_leave_kernel(current_thread()));
}
