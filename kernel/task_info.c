/*
 * What SYS_MEMINFO tells about tasks (include/tessera/meminfo.h): a task's
 * threads, pages and counters (MEMINFO_TASK), the walk of its page table
 * for one address (MEMINFO_PT) and its mapped user pages one at a time
 * (MEMINFO_LEAF).  Metadata only: addresses and page-table entries, never
 * what the pages hold.  Kernel lock held.
 */
#include <string.h>

#include "kernel/object.h"
#include "kernel/task.h"
#include "kernel/task_info.h"
#include "mm/pt.h"

_Static_assert((int)THREAD_RUNNING == (int)MEMINFO_THREAD_RUNNING &&
	       (int)THREAD_RUNNABLE == (int)MEMINFO_THREAD_RUNNABLE &&
	       (int)THREAD_SEND_BLOCKED == (int)MEMINFO_THREAD_SEND &&
	       (int)THREAD_RECV_BLOCKED == (int)MEMINFO_THREAD_RECEIVE &&
	       (int)THREAD_REPLY_BLOCKED == (int)MEMINFO_THREAD_REPLY &&
	       (int)THREAD_WAIT_BLOCKED == (int)MEMINFO_THREAD_WAIT &&
	       (int)THREAD_CONSOLE_BLOCKED == (int)MEMINFO_THREAD_CONSOLE &&
	       (int)THREAD_SLEEP_BLOCKED == (int)MEMINFO_THREAD_SLEEP &&
	       (int)THREAD_IRQ_BLOCKED == (int)MEMINFO_THREAD_IRQ &&
	       (int)THREAD_DEAD == (int)MEMINFO_THREAD_STATES,
	       "the ABI's thread states follow the kernel's");
_Static_assert(TASK_NAME_MAX < MEMINFO_TASK_NAME_MAX, "room for a task's whole name");

/* Counting user pages: the lower half comes first in the walk's order. */
static bool count_user_page(void *arg, vaddr_t va, pte_t pte, uint64_t size)
{
	if (va >= USER_TOP)
		return false;
	if (pte & PTE_U)
		*(uint64_t *)arg += size / PAGE_SIZE;
	return true;
}

err_t task_info(uint64_t index, struct meminfo_task *out)
{
	const struct task *t = task_nth(index);
	const struct list *pos;

	if (!t)
		return ERR_NOT_FOUND;
	*out = (struct meminfo_task){
		.id = t->id,
		.ended = t->exited,
		.threads = t->live_threads,
		.introspect = task_may_introspect(t),
		.faults = t->faults,
		.instructions = t->instructions,
		.user_instructions = t->user_instructions,
		.exit_code = t->exited ? t->exit_code : 0,
		.exit_reason = t->exited ? t->exit_reason : 0,
	};
	memcpy(out->name, t->name, strnlen(t->name, sizeof(out->name) - 1));
	for (pos = t->threads.next; pos != &t->threads; pos = pos->next) {
		const struct thread *th = container_of(pos, struct thread, task_link);

		if (th->state < THREAD_DEAD)
			out->threads_by_state[th->state]++;
		out->in_fault += th->in_fault;
	}
	if (t->pt.root) {
		out->levels = t->pt.levels;
		out->table_pages = pt_lower_tables(&t->pt);
		pt_for_each_leaf(&t->pt, count_user_page, &out->user_pages);
	}
	return ERR_OK;
}

err_t task_pt_walk(uint64_t id, uint64_t va, struct meminfo_pt *out)
{
	const struct task *t = task_with_id(id);
	struct pt_step steps[PT_MAX_LEVELS];
	unsigned i, n;

	if (!t || !t->pt.root)
		return ERR_NOT_FOUND;
	n = pt_walk(&t->pt, va, steps);
	if (!n)
		return ERR_INVALID_ARGUMENT;
	*out = (struct meminfo_pt){ .va = va, .task = t->id, .levels = t->pt.levels,
				    .steps = n, .root = t->pt.root };
	for (i = 0; i < n; i++) {
		out->table[i] = steps[i].table;
		out->index[i] = steps[i].index;
		out->pte[i] = steps[i].pte;
	}
	if ((steps[n - 1].pte & PTE_V) && (steps[n - 1].pte & (PTE_R | PTE_W | PTE_X))) {
		out->leaf = 1;
		out->leaf_size = pt_level_size(t->pt.levels - n);
		out->pa = pte_pa(steps[n - 1].pte) + (va & (out->leaf_size - 1));
	}
	return ERR_OK;
}

struct first_leaf {
	vaddr_t from;
	struct meminfo_leaf *out;
	bool seen;
};

/* The first user leaf that ends above `from`, below USER_TOP. */
static bool find_leaf(void *arg, vaddr_t va, pte_t pte, uint64_t size)
{
	struct first_leaf *w = arg;

	if (va >= USER_TOP)
		return false;
	if (!(pte & PTE_U) || va + size <= w->from)
		return true;
	*w->out = (struct meminfo_leaf){ .va = va, .pa = pte_pa(pte), .size = size, .pte = pte };
	/* (the tables: task_leaf walks to va once found) */
	w->seen = true;
	return false;
}

err_t task_leaf(uint64_t id, uint64_t va, struct meminfo_leaf *out)
{
	const struct task *t = task_with_id(id);
	struct first_leaf w = { .from = va, .out = out };
	struct pt_step steps[PT_MAX_LEVELS];
	unsigned i, n;

	if (va >= USER_TOP)
		return ERR_INVALID_ARGUMENT;
	if (!t || !t->pt.root)
		return ERR_NOT_FOUND;
	pt_for_each_leaf(&t->pt, find_leaf, &w);
	if (!w.seen)
		return ERR_NOT_FOUND;
	n = pt_walk(&t->pt, out->va, steps);     /* the tables on the way */
	for (i = 0; i < n; i++)
		out->table[i] = steps[i].table;
	return ERR_OK;
}

struct mapper_walk {
	paddr_t pa;
	uint64_t skip;                /* mappings still to pass over */
	struct meminfo_mapper *out;
	bool seen;
};

/* The user leaf that maps w->pa, once w->skip of them are passed. */
static bool find_mapper(void *arg, vaddr_t va, pte_t pte, uint64_t size)
{
	struct mapper_walk *w = arg;
	paddr_t base = pte_pa(pte);

	if (va >= USER_TOP)
		return false;
	if (!(pte & PTE_U) || w->pa < base || w->pa - base >= size)
		return true;
	if (w->skip) {
		w->skip--;
		return true;
	}
	w->out->va = va + (w->pa - base);
	w->out->pte = pte;
	w->seen = true;
	return false;
}

err_t task_mapper(uint64_t pa, uint64_t n, struct meminfo_mapper *out)
{
	struct mapper_walk w = { .pa = ALIGN_DOWN(pa, PAGE_SIZE), .skip = n, .out = out };
	const struct task *t;

	for (t = task_next(NULL); t; t = task_next(t)) {
		if (!t->pt.root)
			continue;
		pt_for_each_leaf(&t->pt, find_mapper, &w);
		if (w.seen) {
			out->pa = w.pa;
			out->task = t->id;
			out->pad = 0;
			return ERR_OK;
		}
	}
	return ERR_NOT_FOUND;
}
