/*
 * The requests that read the pager's books through the reverse map
 * (rmap.c): who maps a page (PAGER_QUERY_PAGE), unmap a page everywhere
 * (PAGER_EVICT), and the audit of every count against every map
 * (PAGER_CHECK), the clients' page tables included.
 */
#include "pager.h"

/*
 * Is page i of region v, mapped in its client as (frame, offset, rights),
 * what the books say is there: the pool page v holds (not writable while
 * it is shared copy-on-write), or the file's own page (never writable)?
 */
static bool mapping_in_books(const struct vregion *v, uint64_t i, const struct mapping *mp)
{
	uint32_t id = v->pages[i];

	if (mp->rights & ~v->rights)
		return false;
	if (id == FILE_PAGE)
		return mp->frame == v->image->handle && !(mp->rights & MAP_WRITE) &&
		       mp->offset == v->file_off + i * PAGE_SIZE;
	if (!is_pool_page(id) || mp->frame != pool_handle(id) || mp->offset != pool_offset(id))
		return false;
	return v->obj || pool_refs(id) == 1 || !(mp->rights & MAP_WRITE);
}

/*
 * Walk c's page table: every page it maps of one of our frames must be in
 * the books where it is mapped, so a page we give back to the pool is
 * mapped nowhere.  (Pages of frames the client holds itself, such as its
 * threads' stacks, are its own affair.)  The number that are not; *seen
 * counts the pages of ours found mapped.
 */
static uint64_t audit_page_table(const struct client *c, uint64_t *seen)
{
	struct mapping mp;
	uint64_t va = USER_BASE, bad = 0;

	while (sys_mapping(c->task, va, &mp) >= 0) {
		struct region *r = region_find(&c->map, mp.va);

		va = mp.va + PAGE_SIZE;
		if (!mp.frame)
			continue;
		(*seen)++;
		bad += !r || !mapping_in_books(r->data, (mp.va - r->start) / PAGE_SIZE, &mp);
	}
	return bad;
}

void audit(struct msg *m)
{
	static uint16_t held[POOL_MAX_CHUNKS * POOL_CHUNK_PAGES + 1];
	uint64_t bad = 0, mapped = 0, resident = 0, in_tables = 0, i, id;
	bool tables = m->w[0] == PAGER_CHECK_TABLES;
	uint64_t top = (uint64_t)pool_chunks() * POOL_CHUNK_PAGES;
	struct object *o;
	struct region *r;
	unsigned k;

	memset(held, 0, sizeof(held));
	for (o = object_first(); o; o = o->next)
		for (i = 0; i < o->npages; i++)
			if (!is_swap_entry(o->pages[i]))
				held[o->pages[i]]++;
	for (k = 0; k < MAX_CLIENTS; k++) {
		struct client *c = &clients[k];

		for (r = c->used ? region_next(&c->map, 0) : NULL; r; r = region_next(&c->map, r->end)) {
			struct vregion *v = r->data;

			for (i = 0; i < region_pages(v); i++) {
				if (!is_pool_page(v->pages[i]))
					continue;
				mapped++;
				resident++;
				bad += !rmap_has(v->pages[i], client_badge(c), r->start + i * PAGE_SIZE);
			}
		}
		bad += c->used && (resident != c->resident || !region_map_check(&c->map));
		bad += c->used ? audit_page_table(c, &in_tables) : 0;
		resident = 0;
	}
	bad += mapped != rmap_entries();
	for (id = 1; id <= top; id++)
		bad += pool_refs((uint32_t)id) != rmap_count((uint32_t)id) + held[id] +
		       (pool_swap_slot((uint32_t)id) != 0);   /* the swap cache's reference */
	m->w[0] = bad;
	m->w[1] = tables ? in_tables : mapped;
	m->w[2] = object_count();
	m->w[3] = pool_used();
}

/* rmap_walk: unmap one mapping of a page from its client's address space. */
static bool unmap_mapping(void *arg, uint32_t owner, uint64_t va)
{
	struct client *c = client_of_badge(owner);
	uint64_t *count = arg;

	if (c && sys_unmap(c->task, va, PAGE_SIZE) == 0)
		(*count)++;
	return true;
}

err_t evict(struct client *c, struct msg *m)
{
	uint64_t start = m->w[0], len = page_up(m->w[1]), at, count = 0;

	if (!user_range(start, len))
		return ERR_INVALID_ARGUMENT;
	for (at = start; at < start + len; at += PAGE_SIZE) {
		struct region *r = region_find(&c->map, at);
		struct vregion *v = r ? r->data : NULL;

		if (v && is_pool_page(v->pages[(at - r->start) / PAGE_SIZE]))
			rmap_walk(v->pages[(at - r->start) / PAGE_SIZE], unmap_mapping, &count);
	}
	m->w[0] = count;
	return ERR_OK;
}

err_t query_page(struct client *c, struct msg *m)
{
	struct region *r = region_find(&c->map, m->w[0]);
	struct vregion *v = r ? r->data : NULL;
	uint32_t id = v ? v->pages[(m->w[0] - r->start) / PAGE_SIZE] : 0;

	if (!is_pool_page(id))
		return ERR_NOT_FOUND;
	m->w[0] = rmap_count(id);
	m->w[1] = pool_refs(id);
	m->w[2] = v->obj != NULL;
	m->w[3] = id;
	return ERR_OK;
}
