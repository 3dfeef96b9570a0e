/*
 * The IPC fast path: call and reply_recv in the common case, as one
 * straight run of checks followed by work that cannot fail.  Any check that
 * misses returns false before anything changed, and the general path
 * (kernel/ipc.c) does the call instead, with the same result.
 *
 * The common case: no handle passed, a user tag, the endpoint handle valid
 * with the right, and the partner ready at once (a receiver waiting for the
 * call; the caller waiting for the reply, with no sender queued), allowed
 * to run now on this hart.  Then the message goes straight into the
 * partner's registers and the hart leaves for the partner's user mode
 * (sched_fast_switch): the blocked side is left to resume in user space
 * directly, so neither kernel stack is unwound.
 *
 * ipc_fast=off on the kernel command line switches the whole file off: the
 * suite runs the IPC, fault and pager tests both ways, and ipc_fast_taken
 * (which counts every switch made here) shows which way a boot went.
 */
#include "kernel_arch.h"
#include "kernel/boot.h"
#include "kernel/ipc.h"
#include "kernel/ipc_queue.h"
#include "kernel/sched.h"
#include "kernel/sched_fast.h"

uint64_t ipc_fast_taken;

/* Count the fast switch, then make it (no return). */
static inline __attribute__((always_inline, noreturn)) void
fast_switch(unsigned hart, struct thread *from, struct thread *to)
{
	ipc_fast_taken++;
	sched_fast_switch(hart, from, to);
}

/* The endpoint behind handle h of cur's task, if it has `right`. */
static struct endpoint *fast_endpoint(struct thread *cur, uint64_t h, uint32_t right,
				      uint64_t *badge)
{
	const struct handle *slot;

	if (h == 0 || h >= TASK_HANDLES)
		return NULL;
	slot = &cur->task->handles[h];
	if (!slot->obj || slot->obj->type != OBJ_ENDPOINT || !(slot->rights & right))
		return NULL;
	*badge = slot->badge;
	return (struct endpoint *)slot->obj;
}

/* Copy the message in `from`'s registers to `to`'s, as received. */
static void fast_copy(const uint64_t *from, uint64_t *to, uint64_t badge)
{
	to[MSG_REG_RESULT] = 0;
	to[MSG_REG_TAG] = from[MSG_REG_TAG];
	to[MSG_REG_WORD0] = from[MSG_REG_WORD0];
	to[MSG_REG_WORD0 + 1] = from[MSG_REG_WORD0 + 1];
	to[MSG_REG_WORD0 + 2] = from[MSG_REG_WORD0 + 2];
	to[MSG_REG_WORD0 + 3] = from[MSG_REG_WORD0 + 3];
	to[MSG_REG_HANDLE] = 0;
	to[MSG_REG_BADGE] = badge;
}

static bool fast_call(unsigned hart, struct thread *cur, const uint64_t *regs)
{
	struct endpoint *ep;
	struct thread *r;
	uint64_t badge;

	ep = fast_endpoint(cur, regs[MSG_REG_ENDPOINT], RIGHT_SEND, &badge);
	if (!ep || !ep->recv_refs)
		return false;
	r = first_waiter(&ep->receivers);
	if (!r || !sched_fast_ok(hart, r))
		return false;
	/* unqueue(r), with the queue's reference dropped in place: cur's
	 * handle holds another, so the endpoint stays. */
	list_remove(&r->link);
	r->queued_on = NULL;
	ep->obj.refs--;
	fast_copy(regs, arch_msg_regs(r->tf), badge);
	r->caller = cur;
	cur->callee = r;
	cur->state = THREAD_REPLY_BLOCKED;
	fast_switch(hart, cur, r);
}

/*
 * A fault reply that maps a page or resumes: checked and done by
 * fault_reply (nothing happens on an error, which the general path then
 * reports).  The faulting thread's registers stay as they were: it retries.
 */
static bool fast_fault_reply(struct thread *cur, struct thread *c, const uint64_t *regs)
{
	struct ipc_msg m = { .tag = regs[MSG_REG_TAG] };
	enum exit_reason kill_reason = EXIT_NORMAL;
	unsigned i;

	if (m.tag != MSG_FAULT_MAP && m.tag != MSG_FAULT_RESUME)
		return false;
	for (i = 0; i < MSG_WORDS; i++)
		m.words[i] = regs[MSG_REG_WORD0 + i];
	if (fault_reply(cur, c, &m, &kill_reason) != ERR_OK)
		return false;
	fault_done(c);
	return true;
}

static bool fast_reply_recv(unsigned hart, struct thread *cur, const uint64_t *regs)
{
	struct thread *c = cur->caller;
	struct endpoint *ep;
	uint64_t badge;

	ep = fast_endpoint(cur, regs[MSG_REG_ENDPOINT], RIGHT_RECV, &badge);
	if (!ep || !c || !list_empty(&ep->senders) || !list_empty(&ep->notices) ||
	    !ep->send_refs || !sched_fast_ok(hart, c))
		return false;
	if (c->in_kernel_fault) {
		return false;   /* it must go back into its system call: keep its stack */
	} else if (c->in_fault) {
		if (!fast_fault_reply(cur, c, regs))
			return false;
	} else if (regs[MSG_REG_TAG] & MSG_KERNEL) {
		return false;
	} else {
		fast_copy(regs, arch_msg_regs(c->tf), 0);
	}
	cur->caller = NULL;
	c->callee = NULL;
	cur->state = THREAD_RECV_BLOCKED;
	queue_on(ep, &ep->receivers, cur);
	fast_switch(hart, cur, c);
}

void ipc_fast_fault(struct thread *cur, struct endpoint *ep, const struct ipc_msg *msg)
{
	struct thread *r = first_waiter(&ep->receivers);
	unsigned hart = hart_index();
	uint64_t *to;
	unsigned i;

	if (boot.cmdline.ipc_fast_off || !r || !ep->recv_refs || !sched_fast_ok(hart, r))
		return;
	list_remove(&r->link);      /* unqueue(r); the task's fault slot keeps ep */
	r->queued_on = NULL;
	ep->obj.refs--;
	to = arch_msg_regs(r->tf);
	to[MSG_REG_RESULT] = 0;
	to[MSG_REG_TAG] = msg->tag;
	for (i = 0; i < MSG_WORDS; i++)
		to[MSG_REG_WORD0 + i] = msg->words[i];
	to[MSG_REG_HANDLE] = 0;
	to[MSG_REG_BADGE] = msg->badge;
	r->caller = cur;
	cur->callee = r;
	fault_begin(cur);
	cur->state = THREAD_REPLY_BLOCKED;
	fast_switch(hart, cur, r);
}

bool ipc_fast_path(struct thread *cur)
{
	const uint64_t *regs = arch_msg_regs(cur->tf);

	if (boot.cmdline.ipc_fast_off || regs[MSG_REG_HANDLE])
		return false;
	if (regs[MSG_REG_NUMBER] == SYS_IPC_CALL && !(regs[MSG_REG_TAG] & MSG_KERNEL))
		return fast_call(hart_index(), cur, regs);
	if (regs[MSG_REG_NUMBER] == SYS_IPC_REPLY_RECV)
		return fast_reply_recv(hart_index(), cur, regs);
	return false;
}
