/*
 * A client's address space as the pager keeps it (see pager.h): its
 * regions, what backs each, and the requests that change them: map
 * anonymous memory or a file, unmap, protect, brk, query.  Regions split
 * where a request cuts them and merge with compatible neighbours.
 */
#include "pager.h"

struct vregion *region_add(struct client *c, uint64_t start, uint64_t end,
			   enum region_kind kind, unsigned rights)
{
	struct vregion *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->node = (struct region){ .start = start, .end = end, .data = v };
	v->kind = kind;
	v->rights = rights;
	v->max_rights = rights;
	v->pages = calloc((end - start) / PAGE_SIZE, sizeof(uint32_t));
	if (!v->pages || !region_insert(&c->map, &v->node)) {
		free(v->pages);
		free(v);
		return NULL;
	}
	return v;
}

void region_inherit(struct vregion *dst, const struct vregion *src, uint64_t skip)
{
	dst->max_rights = src->max_rights;
	dst->image = src->image;
	if (dst->image)
		dst->image->refs++;
	dst->file_off = src->file_off + skip * PAGE_SIZE;
	dst->file_end = src->file_end;
	dst->obj = src->obj;
	if (dst->obj)
		object_get(dst->obj);
	dst->obj_first = src->obj_first + skip;
}

/* Give back pages [first, first + n) of v (the client's mappings are gone). */
static void release_pages(struct client *c, struct vregion *v, uint64_t first, uint64_t n)
{
	uint64_t i;

	for (i = first; i < first + n; i++) {
		if (is_pool_page(v->pages[i])) {
			rmap_remove(v->pages[i], client_badge(c), v->node.start + i * PAGE_SIZE);
			pool_put(v->pages[i]);
			c->resident--;
		} else if (is_swap_entry(v->pages[i])) {
			swap_slot_put(swap_slot_of(v->pages[i]));
		}
		v->pages[i] = 0;
	}
}

/* Free v, which is out of every map, and what it holds. */
static void region_free(struct vregion *v)
{
	if (v->image)
		image_put(v->image);
	if (v->obj)
		object_put(v->obj);
	free(v->pages);
	free(v);
}

void region_drop(struct client *c, struct vregion *v)
{
	release_pages(c, v, 0, region_pages(v));
	region_remove(&c->map, &v->node);
	if (c->heap == v)
		c->heap = NULL;
	region_free(v);
}

/*
 * Split v at `at` (inside it, page aligned): v keeps [start, at), a new
 * region gets [at, end) with the same backing.  False (nothing changed)
 * when memory is out.
 */
static bool region_split(struct client *c, struct vregion *v, uint64_t at)
{
	uint64_t old_end = v->node.end;
	struct vregion *tail;

	v->node.end = at;                  /* the bottom stays; its start is its key */
	tail = region_add(c, at, old_end, v->kind, v->rights);
	if (!tail) {
		v->node.end = old_end;
		return false;
	}
	region_inherit(tail, v, (at - v->node.start) / PAGE_SIZE);
	memcpy(tail->pages, v->pages + (at - v->node.start) / PAGE_SIZE,
	       region_pages(tail) * sizeof(uint32_t));
	return true;
}

/* Could b, just above a, join it: the same backing, continued? */
static bool regions_compatible(const struct vregion *a, const struct vregion *b)
{
	uint64_t n = region_pages(a);

	return a->node.end == b->node.start && a->kind == b->kind &&
	       (a->kind == RK_ANON || a->kind == RK_TEXT || a->kind == RK_DATA) &&
	       a->rights == b->rights && a->max_rights == b->max_rights &&
	       a->image == b->image && a->file_end == b->file_end &&
	       (!a->image || b->file_off == a->file_off + n * PAGE_SIZE) &&
	       a->obj == b->obj && (!a->obj || b->obj_first == a->obj_first + n);
}

/* a takes b's range and pages, and b goes; false (nothing changed) when memory is out. */
static bool region_join(struct client *c, struct vregion *a, struct vregion *b)
{
	uint64_t na = region_pages(a), nb = region_pages(b);
	uint32_t *pages = malloc((na + nb) * sizeof(uint32_t));

	if (!pages)
		return false;
	memcpy(pages, a->pages, na * sizeof(uint32_t));
	memcpy(pages + na, b->pages, nb * sizeof(uint32_t));
	free(a->pages);
	a->pages = pages;
	region_remove(&c->map, &b->node);
	a->node.end = b->node.end;        /* not the tree's key: a stays where it is */
	region_free(b);
	return true;
}

/* Merge v with compatible neighbours; the region that now holds v's range. */
static struct vregion *region_merge(struct client *c, struct vregion *v)
{
	struct region *r = region_find(&c->map, v->node.start - 1);

	if (r && regions_compatible(r->data, v) && region_join(c, r->data, v))
		v = r->data;
	r = region_find(&c->map, v->node.end);
	if (r && regions_compatible(v, r->data))
		region_join(c, v, r->data);
	return v;
}

err_t cut(struct client *c, uint64_t start, uint64_t end)
{
	struct region *r;

	while ((r = region_next(&c->map, start)) && r->start < end) {
		struct vregion *v = r->data;
		uint64_t lo = r->start > start ? r->start : start, hi = r->end < end ? r->end : end;
		uint64_t first = (lo - r->start) / PAGE_SIZE, n = (hi - lo) / PAGE_SIZE;

		sys_unmap(c->task, lo, hi - lo);
		release_pages(c, v, first, n);
		if (lo == r->start && hi == r->end) {
			region_drop(c, v);
		} else if (lo == r->start) {       /* keep the top: move its pages down */
			memmove(v->pages, v->pages + n, (region_pages(v) - n) * sizeof(uint32_t));
			region_remove(&c->map, r);
			v->file_off += hi - r->start;
			v->obj_first += n;
			r->start = hi;
			region_insert(&c->map, r);
		} else if (hi == r->end) {         /* keep the bottom */
			r->end = lo;
		} else {                           /* split: a new region for the top */
			if (!region_split(c, v, hi))
				return ERR_NO_MEMORY; /* pages of the hole are gone, the region not */
			r->end = lo;
		}
	}
	return ERR_OK;
}

bool user_range(uint64_t start, uint64_t len)
{
	return len && start >= USER_BASE && start + len > start && start + len <= USER_TOP &&
	       !(start % PAGE_SIZE);
}

bool map_rights_valid(uint64_t r)
{
	return r && !(r & ~(uint64_t)(MAP_READ | MAP_WRITE | MAP_EXEC)) &&
	       !((r & MAP_WRITE) && ((r & MAP_EXEC) || !(r & MAP_READ)));
}

/* PAGER_UNMAP {addr, length}. */
err_t unmap(struct client *c, struct msg *m)
{
	uint64_t len = page_up(m->w[1]);

	return user_range(m->w[0], len) ? cut(c, m->w[0], m->w[0] + len) : ERR_INVALID_ARGUMENT;
}

/* PAGER_DROP {addr, length}: unmapped from c, kept by the region. */
err_t drop(struct client *c, struct msg *m)
{
	uint64_t len = page_up(m->w[1]);

	return user_range(m->w[0], len) && sys_unmap(c->task, m->w[0], len) == 0
		       ? ERR_OK : ERR_INVALID_ARGUMENT;
}

err_t protect(struct client *c, struct msg *m)
{
	uint64_t start = m->w[0], len = page_up(m->w[1]), rights = m->w[2];
	uint64_t end = start + len, at, i;
	struct region *r;

	/* rights 0: no access (PROT_NONE); the pages stay, and come back with rights */
	if (!user_range(start, len) || (rights && !map_rights_valid(rights)))
		return ERR_INVALID_ARGUMENT;
	for (at = start; at < end; at = r->end) {
		r = region_find(&c->map, at);
		if (!r)
			return ERR_NOT_FOUND;
		if (rights & ~(uint64_t)((struct vregion *)r->data)->max_rights)
			return ERR_DENIED;
	}
	r = region_find(&c->map, start);
	if (r->start < start && !region_split(c, r->data, start))
		return ERR_NO_MEMORY;
	r = region_find(&c->map, end - 1);
	if (r->end > end && !region_split(c, r->data, end))
		return ERR_NO_MEMORY;
	for (at = start; at < end; at = r->end) {
		struct vregion *v;

		r = region_find(&c->map, at);
		v = r->data;
		v->rights = (unsigned)rights;
		for (i = 0; i < region_pages(v); i++)
			if (v->pages[i] == FILE_PAGE)
				v->pages[i] = 0;   /* the file's page: mapped no more */
	}
	/* Every page faults again and is mapped with the new rights (kept). */
	sys_unmap(c->task, start, len);
	for (r = region_find(&c->map, start); r && r->start <= end;
	     r = region_next(&c->map, r->end))
		r = &region_merge(c, r->data)->node;
	return ERR_OK;
}

err_t place(struct client *c, uint64_t hint, uint64_t len, bool fixed, uint64_t *at)
{
	if (hint % PAGE_SIZE)
		return ERR_INVALID_ARGUMENT;
	if (fixed) {
		if (!user_range(hint, len))
			return ERR_INVALID_ARGUMENT;
		if (region_overlaps(&c->map, hint, hint + len))
			return ERR_EXISTS;
		*at = hint;
		return ERR_OK;
	}
	*at = region_find_gap(&c->map, PAGER_MMAP_BASE, PAGER_MMAP_TOP, len);
	return *at ? ERR_OK : ERR_NO_MEMORY;
}

err_t map_anon(struct client *c, struct msg *m)
{
	uint64_t hint = m->w[0], len = page_up(m->w[1]), rights = m->w[2], flags = m->w[3];
	struct vregion *v;
	uint64_t at;
	err_t err;

	if (!m->w[1] || len < m->w[1] || (flags & ~(PAGER_FIXED | PAGER_SHARED)) ||
	    !map_rights_valid(rights) || (rights & MAP_EXEC))
		return ERR_INVALID_ARGUMENT;
	err = place(c, hint, len, flags & PAGER_FIXED, &at);
	if (err)
		return err;
	v = region_add(c, at, at + len, RK_ANON, (unsigned)rights);
	if (!v)
		return ERR_NO_MEMORY;
	if (flags & PAGER_SHARED) {
		v->obj = object_new(len / PAGE_SIZE);
		if (!v->obj) {
			region_drop(c, v);
			return ERR_NO_MEMORY;
		}
	} else {
		v = region_merge(c, v);
	}
	m->w[0] = at;
	return ERR_OK;
}

err_t brk(struct client *c, struct msg *m)
{
	uint64_t want = page_up(m->w[0]);
	uint64_t end = c->heap ? c->heap->node.end : c->brk_base;
	struct vregion *grown;

	if (m->w[0] == 0 || want == end) {
		m->w[0] = end;
		return ERR_OK;
	}
	if (want < c->brk_base || m->w[0] > c->brk_base + PAGER_HEAP_MAX)
		return want < c->brk_base ? ERR_INVALID_ARGUMENT : ERR_NO_MEMORY;
	if (want < end) {
		cut(c, want, end);
	} else {
		/* A new, longer region in place of the old: the old one steps out
		 * first, and comes back if the new one cannot be made. */
		if (c->heap)
			region_remove(&c->map, &c->heap->node);
		grown = region_add(c, c->brk_base, want, RK_HEAP, MAP_READ | MAP_WRITE);
		if (!grown) {
			if (c->heap)
				region_insert(&c->map, &c->heap->node);
			return ERR_NO_MEMORY;
		}
		if (c->heap) {                /* carry the pages over */
			memcpy(grown->pages, c->heap->pages, region_pages(c->heap) * sizeof(uint32_t));
			region_free(c->heap);
		}
		c->heap = grown;
	}
	m->w[0] = want;
	return ERR_OK;
}

/* Pages of v that hold something in memory (text: mapped; not swapped out). */
static uint64_t region_resident(const struct vregion *v)
{
	uint64_t i, n = 0;

	for (i = 0; i < region_pages(v); i++)
		n += v->pages[i] != 0 && !is_swap_entry(v->pages[i]);
	return n;
}

err_t query(struct client *c, struct msg *m)
{
	struct region *r = region_find(&c->map, m->w[0]);
	struct vregion *v = r ? r->data : NULL;

	if (!v)
		return ERR_NOT_FOUND;
	m->w[0] = r->start;
	m->w[1] = r->end;
	m->w[2] = (uint64_t)v->kind | (uint64_t)v->rights << 8 | (uint64_t)(v->obj != NULL) << 16 |
		  (uint64_t)(v->image && !v->image->name[0]) << 17;   /* PAGER_MAP_FILE's */
	m->w[3] = region_resident(v);
	return ERR_OK;
}

err_t region_of(struct msg *m)
{
	struct client *c = client_of_task_id(m->w[0]);
	uint64_t index = m->w[1];
	struct region *r = c ? region_next(&c->map, 0) : NULL;

	if (!c)
		return ERR_NOT_FOUND;
	while (r && index--)
		r = region_next(&c->map, r->end);
	if (!r)
		return ERR_NOT_FOUND;
	m->w[0] = r->start;
	return query(c, m);
}

err_t resident_by_kind(struct client *c, struct msg *m)
{
	struct region *r;
	uint64_t i;

	m->w[0] = m->w[1] = m->w[2] = m->w[3] = 0;
	for (r = region_next(&c->map, 0); r; r = region_next(&c->map, r->end)) {
		struct vregion *v = r->data;

		for (i = 0; i < region_pages(v); i++) {
			if (!v->pages[i] || is_swap_entry(v->pages[i]))
				continue;
			if (v->pages[i] == FILE_PAGE)
				m->w[3]++;
			else if (rmap_count(v->pages[i]) > 1)
				m->w[2]++;
			else if (v->kind == RK_DATA)
				m->w[1]++;
			else
				m->w[0]++;
		}
	}
	return ERR_OK;
}

err_t map_file(struct client *c, struct msg *m, long *file)
{
	uint64_t off = m->w[0], len = page_up(m->w[1]), rights = m->w[2], flags = m->w[3], at;
	bool private = flags & PAGER_PRIVATE;
	long size = *file ? sys_frame_size(*file) : -ERR_BAD_HANDLE;
	struct image *img;
	struct vregion *v;
	err_t err;

	if (size < 0 || !m->w[1] || len < m->w[1] || off % PAGE_SIZE || (flags & ~PAGER_PRIVATE) ||
	    off >= (uint64_t)size || len > (uint64_t)size - off)
		return ERR_INVALID_ARGUMENT;
	if (private ? rights != (MAP_READ | MAP_WRITE)
		    : rights != MAP_READ && rights != (MAP_READ | MAP_EXEC))
		return ERR_INVALID_ARGUMENT;
	at = region_find_gap(&c->map, PAGER_MMAP_BASE, PAGER_MMAP_TOP, len);
	if (!at)
		return ERR_NO_MEMORY;
	img = image_adopt(*file, &err);
	if (!img)
		return err;
	*file = 0;                  /* the slot has it now, whatever happens next */
	v = region_add(c, at, at + len, private ? RK_DATA : RK_TEXT, (unsigned)rights);
	if (v) {
		v->image = img;
		img->refs++;
		v->file_off = off;
		v->file_end = at + len;
		m->w[0] = at;
	}
	image_put(img);             /* the region holds it now, if it was made */
	return v ? ERR_OK : ERR_NO_MEMORY;
}
