/*
 * The pager's fault path: a client thread touched a page it may not (the
 * kernel's MSG_FAULT {addr, access, pc, thread}); decide what backs it and
 * answer with MSG_FAULT_MAP, or end the thread with a reason.
 *
 *   0. the faulting task must be the client's own (the task id in word 3),
 *      or the thread is killed (PAGER_KILL_FOREIGN_TASK): the kernel lets
 *      only us install our endpoint, so this guards our own bookkeeping
 *   1. the client's region map (region.c) gives the region containing
 *      addr, or the thread is killed (no region; the stack's guard page)
 *   2. the region's rights must allow the access, or it is killed
 *   3. what backs the page, by region kind:
 *        text       the boot-image file's own page, read/execute, no copy,
 *                   and up to 16 neighbours mapped with it (fault-around)
 *        data       read: the file's page, read-only, no copy; written: a
 *                   pool page (pool.c) with the file's bytes copied in
 *        shared     the memory object's page (object.c), the same for all
 *        anon, bss, heap, stack: a zeroed pool page
 *      a page on swap is read back first (swap.c);
 *      a page the region already has is mapped again (so does the first
 *      stack page, which spawn filled with argv: stack.c); a write to a
 *      page a fork relative still shares is copied first (cow_write,
 *      object.c)
 *   4. every pool page a region holds is recorded in the reverse map
 *      (rmap.c); the reply maps it, and the kernel replaces what was there
 */
#include "pager.h"

/* The page for page index i of data region v: the file's bytes, zeros after. */
static void fill_from_file(const struct vregion *v, uint64_t i, uint8_t *dst)
{
	uint64_t va = v->node.start + i * PAGE_SIZE, n;

	if (va >= v->file_end)
		return;                  /* all bss: already zero */
	n = v->file_end - va < PAGE_SIZE ? v->file_end - va : PAGE_SIZE;
	memcpy(dst, v->image->data + v->file_off + i * PAGE_SIZE, n);
}

static bool access_allowed(unsigned rights, uint64_t access)
{
	return access == FAULT_WRITE ? rights & MAP_WRITE
	     : access == FAULT_EXEC ? rights & MAP_EXEC : rights & MAP_READ;
}

/* What the fault being served became (FAULT_NOTE(...)): set with each
 * counter below, and sent in the reply's rights word for the fault trace
 * (include/tessera/syscall.h). */
static uint64_t note;

void kill_reply(struct msg *m, enum pager_kill_reason why)
{
	*m = (struct msg){ .tag = MSG_FAULT_KILL, .w = { why } };
}

/*
 * A fault on page i of v, which the region has already: shared after a
 * fork (copy-on-write) or mapped with other rights before.  A write to a
 * shared page copies it; to a page only this client has left, it just
 * regains write.  The caller maps the page again (read-only while shared);
 * the kernel replaces the old mapping.  False when it killed the thread instead (*m set).
 */
static bool present_page(struct client *c, struct vregion *v, uint64_t i, uint64_t access,
			 struct msg *m)
{
	uint32_t old = v->pages[i];

	if (v->obj || access != FAULT_WRITE)
		return true;            /* shared memory is the same page for all */
	if (swap_enabled() && pool_refs(old) > 1)
		swap_make_room(c, old);  /* the copy's page */
	switch (c->resident <= c->limit ? cow_write(&v->pages[i]) : COW_NO_MEMORY) {
	case COW_NO_MEMORY:
		kill_reply(m, PAGER_KILL_OUT_OF_MEMORY);
		return false;
	case COW_COPIED:
		rmap_move(old, v->pages[i], client_badge(c), v->node.start + i * PAGE_SIZE);
		c->stats.cow_copy++;
		note = FAULT_NOTE(FAULT_NOTE_COW_COPY, 0);
		break;
	case COW_REUSED:
		c->stats.cow_reuse++;
		note = FAULT_NOTE(FAULT_NOTE_COW_REUSE, 0);
		break;
	}
	return true;   /* the map reply replaces the old mapping */
}

/*
 * Fault-around: map the file pages next to text page i (FAULT_AROUND on
 * either side) that are not mapped yet, a run at a time, before the thread
 * resumes.  The boot image's pages are always in memory.  Returns how many
 * were mapped: faults saved.
 */
static unsigned fault_around(struct client *c, struct vregion *v, uint64_t i)
{
	uint64_t lo = i > FAULT_AROUND ? i - FAULT_AROUND : 0, hi = i + FAULT_AROUND + 1, j, k;
	unsigned mapped = 0;

	if (hi > region_pages(v))
		hi = region_pages(v);
	for (j = lo; j < hi; j = k) {
		for (; j < hi && v->pages[j]; j++)
			;
		for (k = j; k < hi && !v->pages[k] && k != i; k++)
			;
		if (k > j && sys_map(c->task, v->image->handle, v->file_off + j * PAGE_SIZE,
				     v->node.start + j * PAGE_SIZE, (k - j) * PAGE_SIZE,
				     v->rights) == 0) {
			mapped += (unsigned)(k - j);
			while (j < k)
				v->pages[j++] = FILE_PAGE;
		}
		if (k == j)
			k++;
	}
	return mapped;
}

/*
 * Is page i of v to be the file's own page, read-only: text always, data
 * until it is written (a data page that ends in bss is copied at once)?
 */
static bool file_page_fits(const struct vregion *v, uint64_t i, uint64_t access)
{
	uint32_t id = v->pages[i];

	if (v->kind == RK_TEXT)
		return true;
	return v->kind == RK_DATA && access != FAULT_WRITE &&
	       (id == FILE_PAGE || (!id && v->node.start + (i + 1) * PAGE_SIZE <= v->file_end));
}

/* Step 3 for the file's own page: the reply maps it read-only. */
static void map_file_page(struct client *c, struct vregion *v, uint64_t i, struct msg *m)
{
	unsigned around = 0;

	if (v->pages[i] == FILE_PAGE && v->kind == RK_DATA) {
		c->stats.refaults++;
		note = FAULT_NOTE(FAULT_NOTE_MAPPED_AGAIN, 0);
	} else {
		c->stats.file++;
		v->pages[i] = FILE_PAGE;
		if (v->kind == RK_TEXT)
			around = fault_around(c, v, i);
		c->stats.file_around += around;
		note = FAULT_NOTE(FAULT_NOTE_FILE, around);
	}
	*m = (struct msg){ .tag = MSG_FAULT_MAP,
			   .w = { (uint64_t)v->image->handle, v->file_off + i * PAGE_SIZE,
				  v->node.start + i * PAGE_SIZE, v->rights & ~MAP_WRITE } };
}

/*
 * Step 3 for a page the region does not hold yet: a zeroed pool page, the
 * memory object's page, or (data) a copy of the file's.  Recorded in the
 * reverse map and charged to c.  False when it killed the thread (*m set).
 */
static bool new_page(struct client *c, struct vregion *v, uint64_t i, struct msg *m)
{
	uint64_t page = v->node.start + i * PAGE_SIZE;
	bool swapped = false;
	uint32_t id;

	if (v->obj && is_swap_entry(v->obj->pages[v->obj_first + i])) {
		err_t err = swap_in_object(c, v->obj, v->obj_first + i);

		if (err) {
			kill_reply(m, err == ERR_IO ? PAGER_KILL_IO_ERROR : PAGER_KILL_OUT_OF_MEMORY);
			return false;
		}
		swapped = true;
	}
	if (v->obj && swap_enabled())
		swap_make_room(c, POOL_NONE);
	id = !rmap_reserve(1) ? POOL_NONE
	   : v->obj ? (c->resident < c->limit ? object_page(v->obj, v->obj_first + i) : POOL_NONE)
	   : c->resident < c->limit ? pool_alloc() : POOL_NONE;
	if (id == POOL_NONE && !v->obj && swap_enabled())
		id = swap_page_alloc(c, true);         /* reclaims, at the limit or out of pages */

	if (id == POOL_NONE) {
		kill_reply(m, PAGER_KILL_OUT_OF_MEMORY);
		return false;
	}
	if (v->obj)
		pool_share(id);        /* the object holds one reference; this is ours */
	v->pages[i] = id;
	rmap_add(id, client_badge(c), page);
	if (++c->resident > c->stats.resident_peak)
		c->stats.resident_peak = c->resident;
	if (swapped) {
		note = FAULT_NOTE(FAULT_NOTE_SWAP_IN, 0);   /* read back into the object */
	} else if (v->obj && rmap_count(id) > 1) {
		c->stats.refaults++;   /* made by another user of the object */
		note = FAULT_NOTE(FAULT_NOTE_MAPPED_AGAIN, 0);
	} else if (v->kind == RK_DATA && page < v->file_end) {
		fill_from_file(v, i, pool_va(id));
		c->stats.file_copy++;
		note = FAULT_NOTE(FAULT_NOTE_FILE_COPY, 0);
	} else {
		c->stats.zero_fill++;
		note = FAULT_NOTE(FAULT_NOTE_ZERO_FILL, 0);
	}
	return true;
}

/* Step 3 for a page on swap: read back, then the region has it (swap.c).
 * False when it killed the thread (*m set): no page, or the disk failed. */
static bool page_in(struct client *c, struct vregion *v, uint64_t i, struct msg *m)
{
	err_t err = swap_in(c, v, i);

	if (err)
		kill_reply(m, err == ERR_IO ? PAGER_KILL_IO_ERROR : PAGER_KILL_OUT_OF_MEMORY);
	return !err;
}

/* fault() but for the count of refusals, which fault() keeps. */
static void decide(struct client *c, struct msg *m)
{
	uint64_t addr = m->w[0], access = m->w[1], i;
	struct region *r = region_find(&c->map, addr);          /* step 1 */
	struct vregion *v = r ? r->data : NULL;
	bool swapped;
	uint32_t id;

	c->stats.faults++;
	if (FAULT_TASK(m->w[3]) != c->task_id) {
		kill_reply(m, PAGER_KILL_FOREIGN_TASK);   /* not our client's task */
		return;
	}
	if (!v) {
		bool guard = addr >= USER_STACK_TOP - PAGER_STACK_LIMIT - PAGE_SIZE &&
			     addr < USER_STACK_TOP - PAGER_STACK_LIMIT;

		kill_reply(m, guard ? PAGER_KILL_STACK_OVERFLOW : PAGER_KILL_NO_REGION);
		return;
	}
	if (!access_allowed(v->rights, access)) {                /* step 2 */
		kill_reply(m, PAGER_KILL_PROTECTION);
		return;
	}
	i = (page_down(addr) - v->node.start) / PAGE_SIZE;      /* step 3 */
	if (file_page_fits(v, i, access)) {
		map_file_page(c, v, i, m);
		return;
	}
	swapped = is_swap_entry(v->pages[i]);
	if (swapped && !page_in(c, v, i, m))
		return;
	if (!is_pool_page(v->pages[i])) {
		if (!new_page(c, v, i, m))
			return;
	} else if (page_down(addr) == c->start_page && v->kind == RK_STACK) {
		c->start_page = 0;     /* stack_fill made it, and counted it as new */
		note = FAULT_NOTE(FAULT_NOTE_PREPARED, 0);
	} else {
		/* unless copy-on-write says more */
		note = FAULT_NOTE(swapped ? FAULT_NOTE_SWAP_IN : FAULT_NOTE_MAPPED_AGAIN, 0);
		if (!present_page(c, v, i, access, m))
			return;
		c->stats.refaults++;
	}
	id = v->pages[i];                                        /* step 4 */
	*m = (struct msg){ .tag = MSG_FAULT_MAP,
			   .w = { (uint64_t)pool_handle(id), pool_offset(id), page_down(addr),
				  pool_refs(id) > 1 && !v->obj ? v->rights & ~MAP_WRITE
								 : v->rights } };
}

void fault(struct client *c, struct msg *m)
{
	uint64_t start = rdinstret();

	decide(c, m);
	c->stats.fault_instructions += rdinstret() - start;
	if (m->tag == MSG_FAULT_KILL)
		c->stats.refused++;
	else
		m->w[3] |= note;       /* for the kernel's fault trace */
}
