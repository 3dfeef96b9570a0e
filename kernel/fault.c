/*
 * User page faults become IPC: the faulting thread calls its task's fault
 * endpoint with {address, access, pc, thread id} (ABI in
 * include/tessera/syscall.h), and the handler's reply says what to map.
 *
 *   1. trap: scause is a page fault, stval the address (trap_handle_user)
 *   2. fault_handle: an address outside user space, or no handler: the
 *      thread ends with a report.  Else the kernel calls the handler's
 *      endpoint on the thread's behalf; the thread is blocked.
 *   3. the handler replies (reply_recv): fault_reply checks the reply
 *      against the handler's own handles, maps one page, and the thread
 *      resumes at the faulting instruction; a refused reply returns an
 *      error to the handler and leaves the thread waiting.
 *   4. handler gone (it ended, or closed the endpoint): the thread ends
 *      (PAGER_GONE); no answer within pager_timeout_ms: it ends too
 *      (PAGER_TIMEOUT, checked on every tick by fault_check_timeouts).
 * A copy helper that faults inside a system call asks the handler the same
 * way (fault_resolve), and the system call then goes on or fails.
 */
#include "kernel_arch.h"
#include "kernel/boot.h"
#include "kernel/device.h"
#include "kernel/fault.h"
#include "kernel/fault_trace.h"
#include "kernel/ipc.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/space.h"
#include "kernel/thread.h"

/* Threads waiting for a pager's answer to a fault, oldest first. */
static struct list fault_waiters = LIST_INIT(fault_waiters);

/*
 * t now waits for its pager's answer to a fault: flag it and put it last on
 * fault_waiters with its deadline (now + pager_timeout_ms).  Requires the
 * kernel lock, which guards fault_waiters and t's fault fields.
 */
void fault_begin(struct thread *t)
{
	t->in_fault = true;
	t->fault_deadline_ms = timer_uptime_ms() + boot.cmdline.pager_timeout_ms;
	list_push_back(&fault_waiters, &t->fault_link);
}

/*
 * t no longer waits for a fault answer (answered, timed out or killed):
 * off fault_waiters and its flags cleared; nothing if it was not waiting.
 * Requires the kernel lock.
 */
void fault_done(struct thread *t)
{
	if (!t->in_fault)
		return;
	t->in_fault = false;
	t->in_kernel_fault = false;
	list_remove(&t->fault_link);
}

/*
 * Kill every thread whose pager has not answered by its deadline
 * (PAGER_TIMEOUT), oldest first.  Called on ticks.  Requires the kernel
 * lock (the idle loop calls it only when its trylock succeeded).
 */
void fault_check_timeouts(void)
{
	uint64_t now = timer_uptime_ms();
	struct thread *t;

	/* Oldest first: the list is in deadline order (one timeout for all). */
	while (!list_empty(&fault_waiters)) {
		t = container_of(fault_waiters.next, struct thread, fault_link);
		if (t->fault_deadline_ms > now)
			return;
		fault_done(t);   /* off the list first: the loop always moves on */
		thread_kill(t, EXIT_PAGER_TIMEOUT, "its pager did not answer in time");
	}
}

/* MSG_FAULT_KILL reasons, by name (include/tessera/syscall.h). */
static const char *const kill_reason_names[FAULT_KILL_REASONS] = {
	[FAULT_KILL_NO_REGION] = "FAULT_KILL_NO_REGION (nothing is ever mapped there)",
	[FAULT_KILL_PROTECTION] = "FAULT_KILL_PROTECTION (that access is not allowed there)",
	[FAULT_KILL_OUT_OF_MEMORY] = "FAULT_KILL_OUT_OF_MEMORY (no page for it)",
	[FAULT_KILL_STACK_OVERFLOW] = "FAULT_KILL_STACK_OVERFLOW (the guard page below a stack)",
	[FAULT_KILL_FOREIGN_TASK] = "FAULT_KILL_FOREIGN_TASK (not the task its badge names)",
	[FAULT_KILL_IO_ERROR] = "FAULT_KILL_IO_ERROR (its page is on a disk that failed)",
};

static const char *const access_names[] = {
	[FAULT_READ] = "read", [FAULT_WRITE] = "write", [FAULT_EXEC] = "execute",
};

/* Print the fault and why it cannot be served, and end the current thread
 * with `reason`.  No return.  Requires the kernel lock. */
static void fault_fatal(struct thread *cur, vaddr_t addr, unsigned access, const char *why,
			enum exit_reason reason)
{
	printk("user fault: task %s thread %u: %s of 0x%lx at pc 0x%lx: %s (%s)\n",
	       cur->task->name, cur->id, access_names[access], addr, arch_user_pc(cur->tf), why,
	       exit_reason_name(reason));
	thread_exit(-1, reason);
}

/* What to do about a fault at addr: the first steps both paths share. */
enum fault_step { STEP_NOT_USER, STEP_RETRY, STEP_NO_HANDLER, STEP_ASK };

/*
 * Decide what to do about cur's fault at addr (access: FAULT_*): not user
 * memory, retry (a mapping another hart made, not yet flushed here), no
 * handler, or ask the handler with *msg (filled only then, and the task's
 * fault count and cur's fault page set).  Requires the kernel lock.
 */
static enum fault_step fault_prepare(struct thread *cur, vaddr_t addr, unsigned access,
				     struct ipc_msg *msg)
{
	struct task *t = cur->task;

	if (addr < USER_BASE || addr >= USER_TOP)
		return STEP_NOT_USER;
	if (space_bits_ever_cleared && space_mark_used(&t->pt, addr, access))
		return STEP_RETRY;      /* the hart left A/D to software */
	/*
	 * Mapped meanwhile, by a thread on another hart whose flush has not
	 * reached this one (SYS_MAP flushes its own hart only): retry.  With
	 * one hart every change to a mapping was flushed here before this
	 * thread ran again, so no fault is spurious and the walk is skipped.
	 */
	if (smp_online() > 1 && space_allows(&t->pt, addr, access)) {
		space_flush_page(addr);
		return STEP_RETRY;
	}
	if (!t->fault_ep.obj)
		return STEP_NO_HANDLER;
	*msg = (struct ipc_msg){
		.tag = MSG_FAULT,
		.words = { addr, access, arch_user_pc(cur->tf), cur->id | (uint64_t)t->id << 32 },
		.badge = t->fault_ep.badge,
	};
	t->faults++;
	cur->fault_page = ALIGN_DOWN(addr, PAGE_SIZE);
	if (fault_tracing || cur->fault_traced)
		fault_trace_begin(cur, addr, access, msg->words[2]);
	return STEP_ASK;
}

/*
 * A page fault cur took in user mode at addr: ask its pager (the fast path
 * does not return; the general one blocks cur until the answer), retry, or
 * end cur with a report.  Returns to the trap path when cur may go back to
 * user space.  Requires the kernel lock.
 */
void fault_handle(struct thread *cur, vaddr_t addr, unsigned access)
{
	struct endpoint *ep = (struct endpoint *)cur->task->fault_ep.obj;
	struct ipc_msg msg;
	enum fault_step step = fault_prepare(cur, addr, access, &msg);

	if (step == STEP_ASK) {
		ipc_fast_fault(cur, ep, &msg);  /* no return when it can be taken */
		if (ipc_fault_call(cur, ep, &msg) != ERR_OK)
			fault_fatal(cur, addr, access, "its pager is gone", EXIT_PAGER_GONE);
	} else if (step == STEP_NO_HANDLER) {
		fault_fatal(cur, addr, access, "no fault handler; thread stopped",
			    EXIT_NO_FAULT_HANDLER);
	} else if (step == STEP_NOT_USER) {
		fault_fatal(cur, addr, access, addr < USER_BASE ? "no memory is ever mapped there"
								 : "not user memory",
			    EXIT_NOT_USER_MEMORY);
	}
}

/*
 * A fault at addr inside one of cur's system calls (a user copy): ask the
 * pager as a fault would and wait for its answer, keeping cur's kernel
 * stack.  ERR_OK when the copy may be tried again, ERR_FAULT when no one
 * will map the page.  Requires the kernel lock; cur blocks until answered.
 */
err_t fault_resolve(struct thread *cur, vaddr_t addr, unsigned access)
{
	struct ipc_msg msg;
	enum fault_step step = fault_prepare(cur, addr, access, &msg);

	if (step != STEP_ASK)
		return step == STEP_RETRY ? ERR_OK : ERR_FAULT;
	/* The general path only: this thread must come back into its system
	 * call, so its kernel stack is kept (the fast path would drop it). */
	cur->in_kernel_fault = true;
	if (ipc_fault_call(cur, (struct endpoint *)cur->task->fault_ep.obj, &msg) != ERR_OK) {
		cur->in_kernel_fault = false;
		return ERR_FAULT;
	}
	return ERR_OK;
}

/*
 * MSG_FAULT_MAP words: frame handle, offset, vaddr, rights.  vaddr must be
 * the faulting page; a mapping already there (a read-only copy-on-write
 * page, say) is replaced.  Checks every word against replier's handles
 * before it maps; returns ERR_OK or the first check's error (then nothing
 * changed).  Requires the kernel lock.
 */
static err_t fault_map(struct thread *replier, struct thread *faulted, const uint64_t *w)
{
	struct page_table *pt = &faulted->task->pt;
	uint64_t rights = w[3] & ((1ul << FAULT_NOTE_SHIFT) - 1);   /* the note above */
	struct handle *frame;
	err_t err = handle_get(replier->task, w[0], OBJ_FRAME, 0, &frame);

	if (!err)
		err = device_map_check((struct frame_object *)frame->obj, replier->task,
				       faulted->task);
	if (!err)
		err = space_map_check(frame, w[1], w[2], PAGE_SIZE, rights);
	if (!err && w[2] != faulted->fault_page)
		err = ERR_INVALID_ARGUMENT;
	if (err)
		return err;
	return space_map_replace(pt, (struct frame_object *)frame->obj, w[1], w[2], rights);
}

/* fault_reply but for the trace. */
static err_t fault_answer(struct thread *replier, struct thread *faulted,
			  const struct ipc_msg *msg, enum exit_reason *kill_reason)
{
	if (msg->pass.obj)
		return ERR_INVALID_ARGUMENT;  /* a fault reply passes no handle */
	switch (msg->tag) {
	case MSG_FAULT_MAP:
		return fault_map(replier, faulted, msg->words);
	case MSG_FAULT_RESUME:
		return ERR_OK;
	case MSG_FAULT_KILL:
		if (msg->words[0] < FAULT_KILL_REASONS && kill_reason_names[msg->words[0]]) {
			printk("fault handler of task %s refuses the fault of thread %u: %s\n",
			       faulted->task->name, faulted->id, kill_reason_names[msg->words[0]]);
			*kill_reason = (enum exit_reason)msg->words[0];  /* EXIT_REFUSED_* */
		} else {
			printk("fault handler of task %s refuses the fault of thread %u: reason %lu, "
			       "not one of FAULT_KILL_*\n", faulted->task->name, faulted->id,
			       msg->words[0]);
			*kill_reason = EXIT_REFUSED_OTHER;
		}
		return ERR_OK;
	default:
		return ERR_INVALID_ARGUMENT;
	}
}

/*
 * The pager replier's answer msg to faulted's fault: map the page, resume,
 * or refuse (*kill_reason is then set and the refusal printed by name).
 * ERR_OK when faulted may go on (or is to be killed), else the error for
 * the replier, faulted still waiting.  Requires the kernel lock.
 */
err_t fault_reply(struct thread *replier, struct thread *faulted, const struct ipc_msg *msg,
		  enum exit_reason *kill_reason)
{
	err_t err = fault_answer(replier, faulted, msg, kill_reason);

	if (!err && faulted->fault_traced)
		fault_trace_end(faulted, msg, *kill_reason);
	return err;
}
