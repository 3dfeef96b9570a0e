/*
 * Endpoint queues, shared by the IPC general path (kernel/ipc.c) and its
 * fast path (kernel/ipc_fast.c).  Under the kernel lock.
 */
#ifndef TESSERA_KERNEL_IPC_QUEUE_H
#define TESSERA_KERNEL_IPC_QUEUE_H

#include "kernel/object.h"

static inline struct thread *first_waiter(struct list *q)
{
	return list_empty(q) ? NULL : container_of(q->next, struct thread, link);
}

/* Queue t on ep's queue q; the queue holds a reference to ep. */
static inline void queue_on(struct endpoint *ep, struct list *q, struct thread *t)
{
	list_push_back(q, &t->link);
	t->queued_on = ep;
	obj_get(&ep->obj);
}

static inline void unqueue(struct thread *t)
{
	struct endpoint *ep = t->queued_on;

	list_remove(&t->link);
	t->queued_on = NULL;
	obj_put(&ep->obj);
}

#endif
