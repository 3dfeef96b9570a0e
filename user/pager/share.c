/*
 * Sharing memory between clients that are not fork relatives (see pager.h):
 * one offers a range (PAGER_SHARE), which turns its region into a memory
 * object; the other maps the offer (PAGER_MAP_GRANT).
 */
#include "pager.h"

static struct grant grants[MAX_GRANTS];
static uint64_t grant_seq;

static uint64_t grant_id(const struct grant *g)
{
	return (uint64_t)(g - grants) + 1 + ((uint64_t)g->gen << 8);
}

static void grant_drop(struct grant *g)
{
	if (g->obj)
		object_put(g->obj);
	*g = (struct grant){ .gen = (uint8_t)(g->gen + 1) };
}

void grants_drop_for(uint64_t to)
{
	unsigned i;

	for (i = 0; i < MAX_GRANTS; i++)
		if (grants[i].used && grants[i].to == to)
			grant_drop(&grants[i]);
}

/*
 * Region v of c becomes shared memory: its pages move into a new object.
 * A page a fork relative still shares is copied first (the relative keeps
 * the old one), and our mapping of it goes, to fault in the copy.
 */
static err_t region_make_shared(struct client *c, struct vregion *v)
{
	uint64_t i, n = region_pages(v);
	struct object *o;

	for (i = 0; i < n; i++) {
		uint32_t old = v->pages[i];
		uint64_t va = v->node.start + i * PAGE_SIZE;

		if (is_swap_entry(old) && swap_in(c, v, i) != ERR_OK)
			return ERR_NO_MEMORY;   /* an object holds pages in memory only */
		old = v->pages[i];
		if (!old || (rmap_count(old) == 1 && !pool_swap_slot(old)))
			continue;             /* ours alone (a swap-cached page is the cache's too) */
		swap_make_room(c, old);
		if (cow_write(&v->pages[i]) == COW_NO_MEMORY)
			return ERR_NO_MEMORY;   /* the pages copied so far stay private copies */
		rmap_move(old, v->pages[i], client_badge(c), va);
		sys_unmap(c->task, va, PAGE_SIZE);
		c->stats.cow_copy++;
		c->stats.share_copy++;
	}
	o = object_new(n);
	if (!o)
		return ERR_NO_MEMORY;
	for (i = 0; i < n; i++) {
		o->pages[i] = v->pages[i];
		if (v->pages[i])
			pool_share(v->pages[i]);
	}
	v->obj = o;
	v->obj_first = 0;
	return ERR_OK;
}

err_t share(struct client *c, struct msg *m)
{
	uint64_t start = m->w[0], len = page_up(m->w[1]), rights = m->w[2];
	struct client *to = client_of_badge(m->w[3]);
	struct region *r = region_find(&c->map, start);
	struct vregion *v = r ? r->data : NULL;
	struct grant *g = NULL;
	unsigned i;
	err_t err;

	if (!user_range(start, len) || !map_rights_valid(rights) || (rights & MAP_EXEC) || to == c)
		return ERR_INVALID_ARGUMENT;
	if (!to || !v || r->end < start + len)
		return ERR_NOT_FOUND;
	if (v->kind != RK_ANON)
		return ERR_INVALID_ARGUMENT;
	if (rights & ~(uint64_t)v->max_rights)
		return ERR_DENIED;
	for (i = 0; i < MAX_GRANTS && !g; i++)
		if (!grants[i].used)
			g = &grants[i];
	if (!g)
		return ERR_NO_MEMORY;
	if (!v->obj && (err = region_make_shared(c, v)))
		return err;
	*g = (struct grant){ .used = true, .gen = g->gen, .seq = ++grant_seq, .to = m->w[3],
			     .obj = v->obj, .first = v->obj_first + (start - r->start) / PAGE_SIZE,
			     .npages = len / PAGE_SIZE, .rights = (unsigned)rights };
	object_get(v->obj);
	m->w[0] = grant_id(g);
	return ERR_OK;
}

err_t map_grant(struct client *c, struct msg *m)
{
	uint64_t id = m->w[0], flags = m->w[2], at;
	struct grant *g = NULL;
	struct vregion *v;
	unsigned i;
	err_t err;

	if (flags & ~PAGER_FIXED)
		return ERR_INVALID_ARGUMENT;
	for (i = 0; i < MAX_GRANTS; i++) {
		struct grant *x = &grants[i];

		if (x->used && (id ? grant_id(x) == id
				   : x->to == client_badge(c) && (!g || x->seq < g->seq)))
			g = x;
	}
	if (!g)
		return ERR_NOT_FOUND;
	if (g->to != client_badge(c))
		return ERR_DENIED;
	err = place(c, m->w[1], g->npages * PAGE_SIZE, flags & PAGER_FIXED, &at);
	if (err)
		return err;
	v = region_add(c, at, at + g->npages * PAGE_SIZE, RK_ANON, g->rights);
	if (!v)
		return ERR_NO_MEMORY;
	v->obj = g->obj;                 /* the grant's reference goes to the region */
	v->obj_first = g->first;
	g->obj = NULL;
	m->w[0] = at;
	m->w[1] = g->npages * PAGE_SIZE;
	m->w[2] = g->rights;
	grant_drop(g);
	return ERR_OK;
}
