/*
 * The slab allocator proper (API and rules in mm/slab.h): caches' slabs
 * and the per-hart magazines in front of them, with the fast paths of
 * kmem_cache_alloc and kmem_cache_free.  Elsewhere: making caches, the list
 * of caches and their statistics in mm/slab_cache.c, kmalloc in
 * mm/kmalloc.c, debug mode and reports in mm/slab_debug.c, the invariant
 * checker in mm/slab_check.c; what they share in mm/slab_internal.h.
 *
 * A slab is one buddy block of 2^order pages; its header sits at the start:
 *
 *   base                                                base + (PAGE_SIZE << order)
 *   | struct slab | pad | slot 0 | slot 1 | ... | slot n-1 | unused |
 *                       ^ base + first_slot, aligned to the cache's alignment
 *
 * A slot of an ordinary cache (stride bytes, a multiple of the alignment):
 *   | object (size) | [free pointer: ctor caches only] | pad |
 * without a ctor the free pointer of a free object is its first word.
 *
 * A slot of a debug cache adds a state word and red zones (mm/slab_debug.c).
 *
 * Invariants (kmem_cache_check, mm/slab_check.c, verifies each one):
 *  1. A slab is on exactly one of its cache's lists, the one its inuse
 *     gives (0: empty, objects: full, else partial); nslabs[] counts each
 *     list; the cache's inuse is the sum of its slabs' inuse.
 *  2. A slab's freelist links objects - inuse distinct objects of that
 *     slab, each at a slot's object offset; the rest are allocated or in a
 *     magazine.
 *  3. Every frame of a slab's block is FRAME_SLAB with owner = the slab.
 *  4. Hart h's magazine is mags[h] = &mag_store[h] (h < nmags; the other
 *     entries are the closed magazine) and holds at most mag_limit objects
 *     of its cache, each on no freelist and in no other magazine entry.
 *  5. Debug caches (no magazines): the state word says OBJ_FREE exactly for
 *     the objects on the freelist.
 *  6. After a free, at most SLAB_KEEP_EMPTY slabs are empty.
 *
 * Locks.  cache_list_lock protects cache_list.  A cache's lock protects its
 * lists, nslabs and inuse, and every field of its slabs (freelist, inuse,
 * link) and the state, red zones and poison of its free objects.  A
 * magazine is touched only by its hart, without a lock (destroy and check
 * require the other harts to be quiet); the fast paths write nothing else,
 * so they take no lock.  allocs, frees (slow path) and debug_errors are
 * updated atomically.
 * Lock order: cache_list_lock, then a cache's lock, then a zone's lock
 * (inside buddy_free); never the reverse.  Nothing here calls the buddy
 * with a cache lock held: buddy_alloc may run the shrinker, which takes
 * cache locks; so new slabs are made, and empty ones freed, unlocked.
 */
#include "mm/slab_internal.h"

/* ---- addresses and frames -------------------------------------------------------- */

/* The bytes of the block headed by f (2^order pages), or NULL outside the phys window. */
void *slab_block_address(const struct mem *m, const struct frame *f, unsigned order)
{
	paddr_t pa = mem_frame_pa(m, f);
	void *va = phys_to_virt(pa);

	if (!va || !phys_to_virt(pa + (PAGE_SIZE << order) - 1))
		return NULL;
	return va;
}

void frame_map_init(struct frame_map *map, const struct mem *m)
{
	const struct frame_block *b = &m->blocks[0];
	pfn_t first = b->first, end = b->first + b->count;
	pfn_t win_first = pa_to_pfn(phys_window.pa + PAGE_SIZE - 1);
	pfn_t win_end = pa_to_pfn(phys_window.pa + phys_window.size);

	*map = (struct frame_map){ 0 };
	if (!phys_window.size || !b->count)
		return;
	if (first < win_first)
		first = win_first;
	if (end > win_end)
		end = win_end;
	if (first >= end || !phys_to_virt(pfn_to_pa(first)))
		return;
	map->va = (uintptr_t)phys_to_virt(pfn_to_pa(first));
	map->bytes = (end - first) << PAGE_SHIFT;
	map->frames = &b->frames[first - b->first];
}

/* Point every frame of the block at f (2^order pages) at slab s; NULL unmarks them. */
static void mark_frames(struct frame *f, unsigned order, struct slab *s)
{
	pfn_t i;

	for (i = 0; i < ((pfn_t)1 << order); i++) {
		f[i].owner = s;
		if (s)
			f[i].flags |= FRAME_SLAB;
		else
			f[i].flags &= (uint16_t)~FRAME_SLAB;
	}
}

/* ---- slab lists (cache lock held) ------------------------------------------------ */

/* Set s's inuse, moving it to the list that now fits. */
static void slab_set_inuse(struct kmem_cache *c, struct slab *s, unsigned inuse)
{
	enum slab_list from = list_for(c, s->inuse), to = list_for(c, inuse);

	c->inuse = c->inuse - s->inuse + inuse;
	s->inuse = inuse;
	if (from == to)
		return;
	list_remove(&s->link);
	list_push(&c->lists[to], &s->link);
	c->nslabs[from]--;
	c->nslabs[to]++;
}

/* Add the new slab s (all objects free) to c. */
static void slab_attach(struct kmem_cache *c, struct slab *s)
{
	list_push(&c->lists[SLABS_EMPTY], &s->link);
	c->nslabs[SLABS_EMPTY]++;
}

/* Take the empty slab s off c (to give it back to the buddy once unlocked). */
static void slab_detach(struct kmem_cache *c, struct slab *s, struct list *out)
{
	list_remove(&s->link);
	c->nslabs[SLABS_EMPTY]--;
	list_push(out, &s->link);
}

/* Take the first free object of s (which has one). */
static void *slab_pop(struct kmem_cache *c, struct slab *s)
{
	uint8_t *obj = s->freelist;
	unsigned inuse = s->inuse + 1;

	s->freelist = get_free_ptr(c, obj);
	if (c->flags & SLAB_DEBUG)
		inuse = slab_debug_check_alloc(c, s, obj);
	slab_set_inuse(c, s, inuse);
	return obj;
}

/* Take up to max free objects into out[], partial slabs first.  Returns how many. */
static unsigned take_objects(struct kmem_cache *c, void **out, unsigned max)
{
	unsigned n = 0;

	while (n < max) {
		struct list *l = &c->lists[SLABS_PARTIAL];

		if (list_empty(l))
			l = &c->lists[SLABS_EMPTY];
		if (list_empty(l))
			break;
		out[n++] = slab_pop(c, container_of(l->next, struct slab, link));
	}
	return n;
}

/*
 * Put obj back on its slab s; when that leaves more than SLAB_KEEP_EMPTY
 * empty slabs, move the coldest to *victims.
 */
static void free_to_slab(struct kmem_cache *c, struct slab *s, void *obj, struct list *victims)
{
	if (c->flags & SLAB_DEBUG)
		slab_debug_dress_free(c, obj);
	set_free_ptr(c, obj, s->freelist);
	s->freelist = obj;
	slab_set_inuse(c, s, s->inuse - 1);
	if (c->nslabs[SLABS_EMPTY] > SLAB_KEEP_EMPTY)
		slab_detach(c, container_of(c->lists[SLABS_EMPTY].prev, struct slab, link), victims);
}

/* ---- slabs and the buddy (no cache lock held) ------------------------------------ */

/*
 * A new slab of c with every object free (dressed and constructed), on no
 * list; NULL when the buddy has no block for it.
 */
static struct slab *slab_create(struct kmem_cache *c, unsigned flags)
{
	struct frame *f = buddy_alloc(c->m, c->order, c->page_flags | (flags & ALLOC_NOWAIT));
	struct slab *s = f ? slab_block_address(c->m, f, c->order) : NULL;
	unsigned i;

	if (!s) {
		if (f)
			buddy_free(c->m, f, c->order);
		return NULL;
	}
	*s = (struct slab){ .cache = c, .frame = f };
	list_init(&s->link);
	mark_frames(f, c->order, s);
	for (i = c->objects; i-- > 0;) {
		uint8_t *obj = slot_object(c, s, i);

		if (c->flags & SLAB_DEBUG)
			slab_debug_dress_free(c, obj);
		if (c->ctor)
			c->ctor(obj);
		set_free_ptr(c, obj, s->freelist);
		s->freelist = obj;
	}
	return s;
}

/* Give every slab on `victims` back to the buddy.  Returns how many. */
static uint64_t release_slabs(struct kmem_cache *c, struct list *victims)
{
	uint64_t n = 0;

	while (!list_empty(victims)) {
		struct slab *s = container_of(victims->next, struct slab, link);
		struct frame *f = s->frame;

		list_remove(&s->link);
		mark_frames(f, c->order, NULL);
		buddy_free(c->m, f, c->order);
		n++;
	}
	return n;
}

/* Take up to max free objects into out[], adding a slab if c has none.  Returns how many. */
static unsigned take_or_grow(struct kmem_cache *c, void **out, unsigned max, unsigned flags)
{
	struct slab *s;
	unsigned n;

	spin_lock(&c->lock);
	n = take_objects(c, out, max);
	spin_unlock(&c->lock);
	if (n)
		return n;
	s = slab_create(c, flags);
	if (!s)
		return 0;
	spin_lock(&c->lock);
	slab_attach(c, s);
	n = take_objects(c, out, max);
	spin_unlock(&c->lock);
	return n;
}

/* ---- magazines (the calling hart's own) ------------------------------------------ */

/*
 * The calling hart's own magazine of c, or NULL (debug cache, or a hart
 * beyond nmags); without asking for the hart when c has no magazines.
 */
static struct magazine *my_magazine(struct kmem_cache *c)
{
	unsigned h;

	if (!c->nmags)
		return NULL;
	h = mm_hart_index(c->this_hart);
	return h < c->nmags ? c->mags[h] : NULL;
}

/* Give the n oldest objects of g back to their slabs.  Returns the slabs freed. */
static uint64_t magazine_drain(struct kmem_cache *c, struct magazine *g, unsigned n)
{
	struct list victims = LIST_INIT(victims);
	unsigned i;

	spin_lock(&c->lock);
	for (i = 0; i < n; i++)
		free_to_slab(c, slab_of(c->m, g->objects[i]), g->objects[i], &victims);
	spin_unlock(&c->lock);
	for (i = n; i < g->count; i++)
		g->objects[i - n] = g->objects[i];
	g->count -= n;
	g->drained += n;
	return release_slabs(c, &victims);
}

/* ---- allocation and free: the general paths -------------------------------------- */

/* The slow path: one object straight from the slabs (debug caches, harts without magazines). */
static void *alloc_slow(struct kmem_cache *c, unsigned flags)
{
	void *obj;

	if (!take_or_grow(c, &obj, 1, flags))
		return NULL;
	__atomic_fetch_add(&c->allocs, 1, __ATOMIC_RELAXED);
	return obj;
}

/* The general path of kmem_cache_alloc (kept out of line: the fast path's frame stays small). */
static __attribute__((noinline)) void *alloc_general(struct kmem_cache *c, unsigned flags)
{
	struct magazine *g;
	void *obj;

	if (!c)
		return NULL;
	g = my_magazine(c);
	if (!g) {
		obj = alloc_slow(c, flags);
	} else {
		if (!g->count) {
			g->count = take_or_grow(c, g->objects, c->mag_batch, flags);
			g->refilled += g->count;
		}
		obj = g->count ? magazine_pop(g) : NULL;
	}
	if (obj && (flags & ALLOC_ZERO))
		memset(obj, 0, c->size);
	return obj;
}

/* The slow path: obj (of slab s) straight back to its slab, with the debug checks. */
static void free_slow(struct kmem_cache *c, struct slab *s, void *obj)
{
	struct list victims = LIST_INIT(victims);
	bool debug = (c->flags & SLAB_DEBUG) != 0;

	if (debug && !slab_debug_check_pointer(c, s, obj))
		return;
	spin_lock(&c->lock);
	if (debug && !slab_debug_check_free(c, obj)) {
		spin_unlock(&c->lock);
		return;
	}
	free_to_slab(c, s, obj, &victims);
	spin_unlock(&c->lock);
	__atomic_fetch_add(&c->frees, 1, __ATOMIC_RELAXED);
	release_slabs(c, &victims);
}

/* Free obj, an object of slab s of cache c: into the hart's magazine when it has one. */
void slab_cache_free(struct kmem_cache *c, struct slab *s, void *obj)
{
	struct magazine *g = my_magazine(c);

	if (!g) {
		free_slow(c, s, obj);
		return;
	}
	if (g->count == g->limit)
		magazine_drain(c, g, c->mag_batch);
	magazine_push(g, obj);
}

/* The general path of kmem_cache_free: refuse obj unless it is an object of c. */
static __attribute__((noinline)) void free_general(struct kmem_cache *c, void *obj)
{
	struct slab *s;

	if (!c || !obj)
		return;
	s = slab_of(c->m, obj);
	if (!s)
		slab_report(c, "free of non-slab pointer %p", obj);
	else if (s->cache != c)
		slab_report(c, "free of object %p that belongs to cache %s", obj, s->cache->name);
	else
		slab_cache_free(c, s, obj);
}

/* ---- allocation and free: the fast paths (mm/slab_internal.h) -------------------- */

/* The fast path: without ALLOC_ZERO, a hit in this hart's magazine; else the general path. */
SLAB_FAST void *kmem_cache_alloc(struct kmem_cache *c, unsigned flags)
{
	struct magazine *g;

	if (c && !(flags & ALLOC_ZERO) && (g = hart_magazine(c))->count)
		return magazine_pop(g);
	return alloc_general(c, flags);
}

/*
 * The fast path: an object of c (its frame says so, in every mode; found
 * by c->map) into this hart's magazine when it has room; else the general
 * path.  A NULL obj is outside every map.
 */
SLAB_FAST void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	const struct frame *f;

	if (c && frame_map_covers(&c->map, obj) && frame_is_slab(f = frame_map_frame(&c->map, obj)) &&
	    frame_slab_cache(f) == c) {
		struct magazine *g = hart_magazine(c);

		if (g->count < g->limit) {
			magazine_push(g, obj);
			return;
		}
	}
	free_general(c, obj);
}

/* ---- shrinking and destruction --------------------------------------------------- */

/* Give all of c's empty slabs back to the buddy.  Returns how many. */
static uint64_t release_empty(struct kmem_cache *c)
{
	struct list victims = LIST_INIT(victims);

	spin_lock(&c->lock);
	while (!list_empty(&c->lists[SLABS_EMPTY]))
		slab_detach(c, container_of(c->lists[SLABS_EMPTY].next, struct slab, link), &victims);
	spin_unlock(&c->lock);
	return release_slabs(c, &victims);
}

uint64_t kmem_cache_shrink(struct kmem_cache *c)
{
	struct magazine *g;
	uint64_t slabs = 0;

	if (!c)
		return 0;
	g = my_magazine(c);
	if (g && g->count)
		slabs = magazine_drain(c, g, g->count);
	slabs += release_empty(c);
	return slabs << c->order;
}

void kmem_cache_destroy(struct kmem_cache *c)
{
	uint64_t inuse;
	unsigned h;

	if (!c)
		return;
	if (c->flags & SLAB_KMALLOC) {
		slab_report(c, "destroy refused: a kmalloc cache");
		return;
	}
	for (h = 0; h < c->nmags; h++)
		if (c->mags[h]->count)
			magazine_drain(c, c->mags[h], c->mags[h]->count);
	spin_lock(&c->lock);
	inuse = c->inuse;
	spin_unlock(&c->lock);
	if (inuse) {
		slab_report(c, "destroy refused: %lu object(s) still allocated", (unsigned long)inuse);
		return;
	}
	slab_cache_unlist(c);
	release_empty(c);
	buddy_free(c->m, c->self, c->self_order);
}
