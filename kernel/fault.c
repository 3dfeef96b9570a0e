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
 *   4. handler gone (it ended, or closed the endpoint): the thread ends.
 */
#include "arch/riscv/trapframe.h"
#include "kernel/fault.h"
#include "kernel/ipc.h"
#include "kernel/printk.h"
#include "kernel/space.h"
#include "kernel/thread.h"

static const char *const access_names[] = {
	[FAULT_READ] = "read", [FAULT_WRITE] = "write", [FAULT_EXEC] = "execute",
};

/* Print the fault and end the current thread. */
static void fault_fatal(struct thread *cur, vaddr_t addr, unsigned access, const char *why)
{
	printk("user fault: task %s thread %u: %s of 0x%lx at pc 0x%lx: %s\n", cur->task->name,
	       cur->id, access_names[access], addr, cur->tf->sepc, why);
	thread_exit(-1);
}

void fault_handle(struct thread *cur, vaddr_t addr, unsigned access)
{
	struct task *t = cur->task;
	struct ipc_msg msg = {
		.tag = MSG_FAULT,
		.words = { addr, access, cur->tf->sepc, cur->id },
		.badge = t->fault_ep.badge,
	};

	if (addr < USER_BASE || addr >= USER_TOP)
		fault_fatal(cur, addr, access, addr < USER_BASE ? "no memory is ever mapped there"
								 : "not user memory");
	if (space_allows(&t->pt, addr, access)) {
		space_flush_page(addr);  /* mapped meanwhile: a stale TLB entry */
		return;
	}
	if (!t->fault_ep.obj)
		fault_fatal(cur, addr, access, "no fault handler; thread stopped");
	t->faults++;
	ipc_fast_fault(cur, (struct endpoint *)t->fault_ep.obj, &msg);
	if (ipc_fault_call(cur, (struct endpoint *)t->fault_ep.obj, &msg) != ERR_OK)
		fault_fatal(cur, addr, access, "its fault handler is gone");
}

/* MSG_FAULT_MAP words: frame handle, offset, vaddr, rights. */
static err_t fault_map(struct thread *replier, struct thread *faulted, const uint64_t *w)
{
	struct handle *frame;
	err_t err = handle_get(replier->task, w[0], OBJ_FRAME, 0, &frame);

	if (!err)
		err = space_map_check(&faulted->task->pt, frame, w[1], w[2], PAGE_SIZE, w[3]);
	if (!err)
		err = space_map_frame(&faulted->task->pt, (struct frame_object *)frame->obj, w[1],
				      w[2], PAGE_SIZE, w[3]);
	if (!err)
		space_flush_page(w[2]);  /* the faulting thread resumes on this hart */
	return err;
}

err_t fault_reply(struct thread *replier, struct thread *faulted, const struct ipc_msg *msg,
		  const char **kill_reason)
{
	if (msg->pass.obj)
		return ERR_INVALID_ARGUMENT;  /* a fault reply passes no handle */
	switch (msg->tag) {
	case MSG_FAULT_MAP:
		return fault_map(replier, faulted, msg->words);
	case MSG_FAULT_RESUME:
		return ERR_OK;
	case MSG_FAULT_KILL:
		printk("fault handler of task %s refuses the fault of thread %u (reason %lu)\n",
		       faulted->task->name, faulted->id, msg->words[0]);
		*kill_reason = "its fault handler refused the fault";
		return ERR_OK;
	default:
		return ERR_INVALID_ARGUMENT;
	}
}
