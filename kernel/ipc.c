/*
 * Synchronous IPC (see kernel/ipc.h and the ABI in include/tessera/syscall.h).
 *
 * Invariants, all under the kernel lock:
 *   - a thread is on an endpoint queue iff it is SEND_BLOCKED or
 *     RECV_BLOCKED, and then queued_on holds a reference to the endpoint;
 *   - a SEND_BLOCKED thread's msg holds a reference to the handle it passes;
 *   - t->caller == c iff c->callee == t, and then c is REPLY_BLOCKED;
 *   - while an endpoint has no RECV handle, no sender waits on it, and
 *     while it has no SEND handle or fault slot, no receiver waits;
 *   - a task on an endpoint's notices holds a reference; notices are
 *     received before any sender, and no receiver waits while there is one.
 * A message is delivered straight into the receiver's trap frame.
 */
#include "kernel_arch.h"
#include "kernel/ipc.h"
#include "kernel/ipc_queue.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/thread.h"
#include "mm/slab.h"

static void set_error(struct thread *t, err_t err)
{
	arch_set_result(t->tf, (uint64_t)-(long)err);
}

/* Drop the reference a queued message holds on the handle it passes. */
static void drop_msg(struct ipc_msg *m)
{
	if (m->pass.obj)
		obj_put(m->pass.obj);
	m->pass.obj = NULL;
}

/*
 * The message in cur's registers (a1..a6).  Returns ERR_OK, or the error of
 * the passed handle (which needs TRANSFER).
 */
static err_t msg_decode(struct thread *cur, struct ipc_msg *m)
{
	const uint64_t *regs = arch_msg_regs(cur->tf);
	struct handle *h;
	unsigned i;
	err_t err;

	m->tag = regs[MSG_REG_TAG];
	for (i = 0; i < MSG_WORDS; i++)
		m->words[i] = regs[MSG_REG_WORD0 + i];
	m->pass = (struct handle){ 0 };
	m->badge = 0;
	if (!regs[MSG_REG_HANDLE])
		return ERR_OK;
	err = handle_get(cur->task, regs[MSG_REG_HANDLE], OBJ_NONE, RIGHT_TRANSFER, &h);
	if (!err)
		m->pass = *h;
	return err;
}

/* The endpoint in a0 with `right`, and for sends the message; no side effects. */
static err_t decode(struct thread *cur, uint32_t right, struct endpoint **ep, struct ipc_msg *m)
{
	struct handle *h;
	err_t err = handle_get(cur->task, arch_msg_regs(cur->tf)[MSG_REG_ENDPOINT], OBJ_ENDPOINT, right, &h);

	if (err)
		return err;
	*ep = (struct endpoint *)h->obj;
	if (!m)
		return ERR_OK;
	err = msg_decode(cur, m);
	m->badge = h->badge;
	return err;
}

/* A free slot in r's table when m passes a handle (else 0). */
static err_t room_for(const struct thread *r, const struct ipc_msg *m, unsigned *slot)
{
	*slot = 0;
	if (!m->pass.obj)
		return ERR_OK;
	*slot = handle_free_slot(r->task);
	return *slot ? ERR_OK : ERR_NO_MEMORY;
}

/* Write m into r's registers; `slot` (from room_for) receives the handle. */
static void deliver(struct thread *r, const struct ipc_msg *m, unsigned slot)
{
	uint64_t *regs = arch_msg_regs(r->tf);
	unsigned i;

	regs[MSG_REG_RESULT] = 0;
	regs[MSG_REG_TAG] = m->tag;
	for (i = 0; i < MSG_WORDS; i++)
		regs[MSG_REG_WORD0 + i] = m->words[i];
	if (m->pass.obj)
		handle_install(r->task, slot, &m->pass);
	regs[MSG_REG_HANDLE] = slot;
	regs[MSG_REG_BADGE] = m->badge;
}

static void wait_to_send(struct thread *cur, struct endpoint *ep, const struct ipc_msg *m,
			 bool calling)
{
	cur->msg = *m;
	if (m->pass.obj)
		obj_get(m->pass.obj);
	cur->calling = calling;
	cur->state = THREAD_SEND_BLOCKED;
	queue_on(ep, &ep->senders, cur);
}

/* cur gives up the call it received: its caller learns there is no reply. */
static void abandon_caller(struct thread *cur, const char *why)
{
	struct thread *c = cur->caller;

	if (!c)
		return;
	cur->caller = NULL;
	c->callee = NULL;
	if (c->in_fault) {
		thread_kill(c, EXIT_PAGER_GONE, why);
		return;
	}
	set_error(c, ERR_PEER_GONE);
	sched_add(c);
}

/* Send m on ep and wait for the reply.  Errors only before anything happened. */
static err_t call(struct thread *cur, struct endpoint *ep, const struct ipc_msg *m)
{
	struct thread *r = first_waiter(&ep->receivers);
	unsigned slot;
	err_t err;

	if (!ep->recv_refs)
		return ERR_PEER_GONE;
	if (!r) {
		wait_to_send(cur, ep, m, true);
		sched_block();
		return ERR_OK;
	}
	err = room_for(r, m, &slot);
	if (err)
		return err;
	unqueue(r);
	deliver(r, m, slot);
	r->caller = cur;
	cur->callee = r;
	cur->state = THREAD_REPLY_BLOCKED;
	sched_block_switch_to(r);
	return ERR_OK;
}

/* The notice that task t has ended, into receiver r; t leaves the list. */
static void deliver_notice(struct thread *r, struct task *t)
{
	struct ipc_msg m = { .tag = MSG_TASK_EXITED,
			     .words = { (uint64_t)t->exit_code, t->exit_reason },
			     .badge = t->notice_badge };

	list_remove(&t->notice_link);
	deliver(r, &m, 0);
	obj_put(&t->obj);
}

void ipc_notify_exit(struct task *t)
{
	struct endpoint *ep = (struct endpoint *)t->fault_ep.obj;
	struct thread *r;

	if (!t->exit_notice || !ep)
		return;
	obj_get(&t->obj);
	t->notice_badge = t->fault_ep.badge;
	list_push_back(&ep->notices, &t->notice_link);
	r = first_waiter(&ep->receivers);
	if (r) {
		unqueue(r);
		deliver_notice(r, t);
		sched_add(r);
	}
}

/*
 * Receive on ep for cur (its caller, if any, already answered or
 * abandoned).  `wake`, if set, is a thread made ready by a reply: it runs
 * at once on this hart if cur has to wait.
 */
static void receive(struct thread *cur, struct endpoint *ep, struct thread *wake)
{
	struct thread *s = first_waiter(&ep->senders);
	unsigned slot;
	err_t err;

	if (!list_empty(&ep->notices)) {
		deliver_notice(cur, container_of(ep->notices.next, struct task, notice_link));
	} else if (s) {
		err = room_for(cur, &s->msg, &slot);
		if (err) {
			set_error(cur, err);
		} else {
			unqueue(s);
			deliver(cur, &s->msg, slot);
			drop_msg(&s->msg);
			if (s->calling) {
				cur->caller = s;
				s->callee = cur;
				s->state = THREAD_REPLY_BLOCKED;
			} else {
				arch_set_result(s->tf, 0);
				sched_add(s);
			}
		}
	} else if (!ep->send_refs) {
		set_error(cur, ERR_PEER_GONE);
	} else {
		cur->state = THREAD_RECV_BLOCKED;
		queue_on(ep, &ep->receivers, cur);
		if (wake)
			sched_block_switch_to(wake);
		else
			sched_block();
		return;
	}
	if (wake)
		sched_add(wake);
}

void sys_ipc_send(struct thread *cur)
{
	struct endpoint *ep;
	struct ipc_msg m;
	struct thread *r;
	unsigned slot;
	err_t err = decode(cur, RIGHT_SEND, &ep, &m);

	if (!err && (m.tag & MSG_KERNEL))
		err = ERR_INVALID_ARGUMENT;
	if (!err && !ep->recv_refs)
		err = ERR_PEER_GONE;
	r = err ? NULL : first_waiter(&ep->receivers);
	if (r)
		err = room_for(r, &m, &slot);
	if (err) {
		set_error(cur, err);
	} else if (r) {
		unqueue(r);
		deliver(r, &m, slot);
		sched_add(r);
		arch_set_result(cur->tf, 0);
	} else {
		wait_to_send(cur, ep, &m, false);
		sched_block();
	}
}

void sys_ipc_call(struct thread *cur)
{
	struct endpoint *ep;
	struct ipc_msg m;
	err_t err = decode(cur, RIGHT_SEND, &ep, &m);

	if (!err && (m.tag & MSG_KERNEL))
		err = ERR_INVALID_ARGUMENT;
	if (!err)
		err = call(cur, ep, &m);
	if (err)
		set_error(cur, err);
}

void sys_ipc_recv(struct thread *cur)
{
	struct endpoint *ep;
	err_t err = decode(cur, RIGHT_RECV, &ep, NULL);

	if (err) {
		set_error(cur, err);
		return;
	}
	abandon_caller(cur, "its pager received again without replying");
	receive(cur, ep, NULL);
}

/* Answer cur's caller c with m; on an error nothing happened. */
static err_t reply(struct thread *cur, struct thread *c, const struct ipc_msg *m,
		   enum exit_reason *kill_reason)
{
	unsigned slot;
	err_t err;

	if (c->in_fault)
		return fault_reply(cur, c, m, kill_reason);
	if (m->tag & MSG_KERNEL)
		return ERR_INVALID_ARGUMENT;
	err = room_for(c, m, &slot);
	if (!err)
		deliver(c, m, slot);
	return err;
}

void sys_ipc_reply_recv(struct thread *cur)
{
	struct thread *c = cur->caller;
	enum exit_reason kill_reason = EXIT_NORMAL;
	struct endpoint *ep;
	struct ipc_msg m;
	err_t err = decode(cur, RIGHT_RECV, &ep, &m);

	if (!err && c)
		err = reply(cur, c, &m, &kill_reason);
	if (err) {
		set_error(cur, err);
		return;
	}
	if (c) {
		cur->caller = NULL;
		c->callee = NULL;
		fault_done(c);
		if (kill_reason != EXIT_NORMAL) {
			thread_kill(c, kill_reason, "its fault handler refused the fault");
			c = NULL;
		}
	}
	receive(cur, ep, c);
}

err_t ipc_fault_call(struct thread *cur, struct endpoint *ep, const struct ipc_msg *msg)
{
	err_t err;

	fault_begin(cur);
	err = call(cur, ep, msg);
	if (err)
		fault_done(cur);
	return err;
}

void ipc_thread_gone(struct thread *t)
{
	if (t->state == THREAD_SEND_BLOCKED)
		drop_msg(&t->msg);
	if (t->state == THREAD_SEND_BLOCKED || t->state == THREAD_RECV_BLOCKED) {
		unqueue(t);
	} else if (t->state == THREAD_REPLY_BLOCKED && t->callee) {
		t->callee->caller = NULL;
		t->callee = NULL;
	}
	fault_done(t);
	abandon_caller(t, "its pager ended");
}

/* A waiter whose peer can no longer exist: an error, or the end for a fault. */
static void fail_waiter(struct thread *t)
{
	if (t->in_fault) {
		thread_kill(t, EXIT_PAGER_GONE, "its pager is gone");
		return;
	}
	if (t->state == THREAD_SEND_BLOCKED)
		drop_msg(&t->msg);
	unqueue(t);
	set_error(t, ERR_PEER_GONE);
	sched_add(t);
}

void endpoint_count_rights(struct endpoint *ep, uint32_t rights, int delta)
{
	struct thread *t;

	if (rights & RIGHT_SEND)
		ep->send_refs += (uint32_t)delta;
	if (rights & RIGHT_RECV)
		ep->recv_refs += (uint32_t)delta;
	if (delta > 0)
		return;
	obj_get(&ep->obj);
	if ((rights & RIGHT_RECV) && !ep->recv_refs)
		while ((t = first_waiter(&ep->senders)))
			fail_waiter(t);
	if ((rights & RIGHT_SEND) && !ep->send_refs)
		while ((t = first_waiter(&ep->receivers)))
			fail_waiter(t);
	obj_put(&ep->obj);
}

struct endpoint *endpoint_create(void)
{
	struct endpoint *ep = kzalloc(sizeof(*ep), 0);

	if (!ep)
		return NULL;
	ep->obj.type = OBJ_ENDPOINT;
	list_init(&ep->senders);
	list_init(&ep->receivers);
	list_init(&ep->notices);
	return ep;
}

void endpoint_destroy(struct endpoint *ep)
{
	if (!list_empty(&ep->senders) || !list_empty(&ep->receivers))
		panic("endpoint_destroy: threads still queued");
	while (!list_empty(&ep->notices)) {
		struct task *t = container_of(ep->notices.next, struct task, notice_link);

		list_remove(&t->notice_link);
		obj_put(&t->obj);
	}
	kfree(ep);
}
