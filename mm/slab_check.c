/*
 * kmem_cache_check (mm/slab.h): every invariant of one cache, as listed in
 * mm/slab.c's header, checked from the structures themselves; the first
 * broken one is described in why[].  The cache's lock is held throughout;
 * the magazines are read without one, so the other harts must be quiet.
 */
#include <stdarg.h>

#include "lib/format.h"
#include "mm/slab_internal.h"

struct check {
	struct kmem_cache *c;
	char *why;
	size_t why_size;
};

static bool fail(struct check *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Describe the first broken invariant in why[]; returns false. */
static bool fail(struct check *k, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!k->why || !k->why_size)
		return false;
	n = snprint(k->why, k->why_size, "%s: ", k->c->name);
	if ((size_t)n >= k->why_size)
		return false;
	va_start(ap, fmt);
	format_buffer(k->why + n, k->why_size - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

/* Whether obj is on s's freelist (at most `objects` links followed). */
static bool on_freelist(const struct kmem_cache *c, const struct slab *s, const void *obj)
{
	const void *p = s->freelist;
	unsigned n;

	for (n = 0; p && n < c->objects; n++, p = get_free_ptr(c, p))
		if (p == obj)
			return true;
	return false;
}

/* Invariants 2 and 5 for slab s: its freelist and state words. */
static bool check_freelist(struct check *k, const struct slab *s)
{
	const struct kmem_cache *c = k->c;
	const void *p = s->freelist;
	unsigned n = 0, i, allocated = 0;

	for (; p; p = get_free_ptr(c, p)) {
		long at = slot_index(c, s, p);

		if (++n > c->objects - s->inuse)
			return fail(k, "slab %p: freelist longer than its %u free objects", (void *)s,
				    c->objects - s->inuse);
		if (at < 0 || p != slot_object(c, s, (size_t)at))
			return fail(k, "slab %p: freelist link %p is not an object", (void *)s, p);
		if ((c->flags & SLAB_DEBUG) && get_state(c, p) != OBJ_FREE)
			return fail(k, "slab %p: free object %p is not marked free", (void *)s, p);
	}
	if (n != c->objects - s->inuse)
		return fail(k, "slab %p: %u objects on the freelist, inuse says %u", (void *)s, n,
			    c->objects - s->inuse);
	for (i = 0; (c->flags & SLAB_DEBUG) && i < c->objects; i++)
		allocated += get_state(c, slot_object(c, s, i)) == OBJ_ALLOCATED;
	if ((c->flags & SLAB_DEBUG) && allocated != s->inuse)
		return fail(k, "slab %p: %u objects marked allocated, inuse says %u", (void *)s,
			    allocated, s->inuse);
	return true;
}

/* Invariants 1 to 3 and 5 for slab s found on list `on`. */
static bool check_slab(struct check *k, const struct slab *s, enum slab_list on)
{
	const struct kmem_cache *c = k->c;
	pfn_t i;

	if (s->cache != c || list_for(c, s->inuse) != on || s->inuse > c->objects)
		return fail(k, "slab %p: cache %p, inuse %u, on list %d", (void *)s,
			    (void *)s->cache, s->inuse, (int)on);
	if (slab_block_address(c->m, s->frame, c->order) != s)
		return fail(k, "slab %p: its head frame is not its block", (void *)s);
	for (i = 0; i < ((pfn_t)1 << c->order); i++)
		if (!(s->frame[i].flags & FRAME_SLAB) || s->frame[i].owner != s)
			return fail(k, "slab %p: page %lu is not marked as the slab's", (void *)s,
				    (unsigned long)i);
	return check_freelist(k, s);
}

/* Invariants 1 and 6 for every list (with invariants 2, 3, 5 per slab). */
static bool check_lists(struct check *k)
{
	struct kmem_cache *c = k->c;
	uint64_t inuse = 0;
	unsigned on;

	for (on = 0; on < SLAB_LISTS; on++) {
		uint64_t n = 0;
		struct list *l;

		list_for_each(l, &c->lists[on]) {
			const struct slab *s = container_of(l, struct slab, link);

			if (l->next->prev != l || ++n > c->nslabs[on])
				return fail(k, "list %u: broken or longer than its count", on);
			if (!check_slab(k, s, (enum slab_list)on))
				return false;
			inuse += s->inuse;
		}
		if (n != c->nslabs[on])
			return fail(k, "list %u: %lu slabs, count says %lu", on, (unsigned long)n,
				    (unsigned long)c->nslabs[on]);
	}
	if (inuse != c->inuse)
		return fail(k, "slabs hold %lu objects in use, the cache says %lu",
			    (unsigned long)inuse, (unsigned long)c->inuse);
	if (c->nslabs[SLABS_EMPTY] > SLAB_KEEP_EMPTY)
		return fail(k, "%lu empty slabs kept, at most %u allowed",
			    (unsigned long)c->nslabs[SLABS_EMPTY], SLAB_KEEP_EMPTY);
	return true;
}

/* Invariant 4: magazines in place and within limits; their objects c's, off freelists, once. */
static bool check_magazines(struct check *k)
{
	struct kmem_cache *c = k->c;
	unsigned h, i, h2, j;

	for (h = 0; h < c->nmags; h++) {
		if (c->mags[h] != &c->mag_store[h] || c->mags[h]->count > c->mag_limit)
			return fail(k, "hart %u magazine: misplaced, or more than its %u objects", h,
				    c->mag_limit);
		for (i = 0; i < c->mags[h]->count; i++) {
			void *obj = c->mags[h]->objects[i];
			struct slab *s = slab_of(c->m, obj);
			long at = s ? slot_index(c, s, obj) : -1;

			if (!s || s->cache != c || at < 0 || obj != slot_object(c, s, (size_t)at))
				return fail(k, "hart %u magazine: %p is not an object", h, obj);
			if (on_freelist(c, s, obj))
				return fail(k, "hart %u magazine: %p is also on a freelist", h, obj);
			for (h2 = h; h2 < c->nmags; h2++)
				for (j = h2 == h ? i + 1 : 0; j < c->mags[h2]->count; j++)
					if (c->mags[h2]->objects[j] == obj)
						return fail(k, "hart %u magazine: %p twice", h, obj);
		}
	}
	return true;
}

bool kmem_cache_check(struct kmem_cache *c, char *why, size_t why_size)
{
	struct check k = { .c = c, .why = why, .why_size = why_size };
	bool ok;

	if (!c)
		return false;
	spin_lock(&c->lock);
	ok = check_lists(&k) && check_magazines(&k);
	spin_unlock(&c->lock);
	if (ok && why && why_size)
		why[0] = '\0';
	return ok;
}
