/* Calling the pager from a client or a parent (protocol: user/pager/protocol.h). */
#ifndef TESSERA_USER_PAGER_CLIENT_H
#define TESSERA_USER_PAGER_CLIENT_H

#include "pager/protocol.h"
#include "ulib.h"

/*
 * Call the pager with request m; the answer replaces m.  Returns 0, the
 * pager's error negated (-ERR_*), or the IPC error.
 */
static inline long pager_call(long pager, struct msg *m)
{
	long r = ipc_call(pager, m);

	return r ? r : -(long)m->tag;
}

/* A request with up to four words; the answer's words land in *m. */
static inline long pager_request(long pager, uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2,
				 uint64_t w3, struct msg *m)
{
	*m = (struct msg){ .tag = tag, .w = { w0, w1, w2, w3 } };
	return pager_call(pager, m);
}

/*
 * Fork (PAGER_FORK) a copy of ourselves that starts in entry(arg) on a
 * stack of its own: a fresh region of `stack_size` bytes, whose address
 * goes in *stack.  Returns the child's task handle, or 0.
 */
static inline long pager_fork(long pager, void (*entry)(uint64_t), uint64_t arg,
			      uint64_t stack_size, uint64_t *stack)
{
	struct msg m;

	if (pager_request(pager, PAGER_MAP_ANON, 0, stack_size, MAP_READ | MAP_WRITE, 0, &m))
		return 0;
	*stack = m.w[0];
	if (pager_request(pager, PAGER_FORK, (uint64_t)entry, *stack + stack_size, arg, 0, &m))
		return 0;
	return (long)m.handle;
}

/*
 * Start a pager: *task gets its task handle; returns a send-only handle to
 * it, or -ERR_*.  The pager holds the only receive handle, so that if it
 * dies every call and fault waiting for it fails (ERR_PEER_GONE, PAGER_GONE)
 * instead of waiting for a receiver that can never come.  flags: 0, or
 * TASK_INTROSPECT (ours must have the right) for a pager that may start a
 * client with it (PAGER_SPAWN_INTROSPECT).
 */
static inline long pager_start_flags(long *task, unsigned long flags)
{
	long ep = sys_endpoint_create(), send;

	if (ep < 0)
		return ep;
	*task = sys_task_spawn_flags("pager", 0, ep, flags);
	send = sys_handle_dup(ep, RIGHT_SEND, 0);
	sys_handle_close(ep);
	if (*task < 0) {
		sys_handle_close(send);
		return *task;
	}
	return send;
}

/* pager_start_flags with no flags: a pager that gives no client RIGHT_INTROSPECT. */
static inline long pager_start(long *task)
{
	return pager_start_flags(task, 0);
}

#endif
