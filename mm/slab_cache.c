/*
 * The slab allocator's caches as objects (API in mm/slab.h): making one
 * (its slot layout, its slab order, its descriptor and magazines), the list
 * of all caches, and their statistics.  The slabs, the magazines and the
 * allocation paths are mm/slab.c, whose header has the slot picture, the
 * invariants and the lock order; what the files share is
 * mm/slab_internal.h.
 *
 * Locks: cache_list_lock protects cache_list, and comes before any cache's
 * lock (slab_shrink_mem takes each cache's lock inside it).
 */
#include "mm/slab_internal.h"

#define SLAB_USER_FLAGS (SLAB_DMA | SLAB_HWCACHE_ALIGN | SLAB_DEBUG)

#define SLAB_MIN_ALIGN 8u       /* objects hold a pointer: at least 8-aligned */
#define SLAB_MIN_OBJECTS 8u     /* wanted per slab ... */
#define SLAB_WASTE_SHARE 8u     /* ... wasting at most 1/8 of it */
#define SLAB_MAX_ORDER 4u       /* largest slab tried: 16 pages (capped by MAX_ORDER) */

static struct list cache_list = LIST_INIT(cache_list);
static struct spinlock cache_list_lock = SPINLOCK_INIT;

/*
 * The magazine of every hart that has none of its own (mags[h] for
 * h >= nmags): empty and with no room, so both fast paths miss on it and
 * never write it; the general paths ask my_magazine, which never gives it.
 */
static struct magazine magazine_closed;

/* ---- caches ---------------------------------------------------------------------- */

/* Slots in a slab of 2^order pages. */
static unsigned slots_in(const struct kmem_cache *c, unsigned order)
{
	return (unsigned)(((PAGE_SIZE << order) - c->first_slot) / c->stride);
}

/* The slot geometry of c from its size, alignment, flags and ctor (pictures in mm/slab.c, mm/slab_debug.c). */
static void set_layout(struct kmem_cache *c)
{
	size_t end = c->size;

	c->object_offset = 0;
	if (c->flags & SLAB_DEBUG) {
		c->object_offset = ALIGN_UP(STATE_BYTES + REDZONE_BYTES, c->align);
		end = c->object_offset + c->size + REDZONE_BYTES;
	}
	c->free_offset = c->ctor ? end - c->object_offset : 0;
	if (c->ctor)
		end += sizeof(void *);
	c->stride = ALIGN_UP(end, c->align);
	c->first_slot = ALIGN_UP(sizeof(struct slab), c->align);
}

/*
 * The slab order: the smallest holding SLAB_MIN_OBJECTS objects and wasting
 * at most 1/SLAB_WASTE_SHARE of the slab, else the largest tried.  Example,
 * kmalloc-1024 (header 48 B, slots from +1024): order 2 holds 15 and
 * leaves 1024 B of 16 KiB (6%); order 1 would hold only 7.  Then the
 * magazine size: smaller for bigger objects, so a full one holds <= 32 KiB.
 */
static void set_order(struct kmem_cache *c)
{
	unsigned top = SLAB_MAX_ORDER < MAX_ORDER ? SLAB_MAX_ORDER : MAX_ORDER - 1;
	unsigned order;

	for (order = 0; order < top; order++) {
		uint64_t bytes = PAGE_SIZE << order, n = slots_in(c, order);

		if (n >= SLAB_MIN_OBJECTS && (bytes - n * c->stride) * SLAB_WASTE_SHARE <= bytes)
			break;
	}
	c->order = order;
	c->objects = slots_in(c, order);
	c->mag_limit = c->size <= MAG_SMALL ? MAG_MAX : c->size <= MAG_MEDIUM ? MAG_MAX / 2 : MAG_MAX / 4;
	c->mag_batch = c->mag_limit / 2;
}

/*
 * A zeroed descriptor with `nmags` (<= MEM_MAX_HARTS, as m->nharts is)
 * magazines (the other harts' mags[]: the closed magazine), in its own
 * buddy block; NULL if none.
 */
static struct kmem_cache *descriptor_alloc(struct mem *m, unsigned nmags)
{
	size_t bytes = sizeof(struct kmem_cache) + nmags * sizeof(struct magazine);
	unsigned order = 0, h;
	struct kmem_cache *c;
	struct frame *f;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	f = buddy_alloc(m, order, ALLOC_ZERO);
	c = f ? slab_block_address(m, f, order) : NULL;
	if (!c) {
		if (f)
			buddy_free(m, f, order);
		return NULL;
	}
	c->self = f;
	c->self_order = order;
	c->nmags = nmags;
	for (h = 0; h < MEM_MAX_HARTS; h++)
		c->mags[h] = h < nmags ? &c->mag_store[h] : &magazine_closed;
	return c;
}

/* Whether align is 0 or a power of two up to PAGE_SIZE. */
static bool align_ok(size_t align)
{
	return (align & (align - 1)) == 0 && align <= PAGE_SIZE;
}

struct kmem_cache *kmem_cache_create(struct mem *m, const char *name, size_t size,
				     size_t align, unsigned flags, void (*ctor)(void *obj))
{
	struct kmem_cache *c;
	unsigned l;

	if (!m || !name || !size || size > SLAB_MAX_SIZE || !align_ok(align) ||
	    (flags & ~SLAB_USER_FLAGS))
		return NULL;
	if (SLAB_DEBUG_ALL)
		flags |= SLAB_DEBUG;
	c = descriptor_alloc(m, (flags & SLAB_DEBUG) ? 0 : m->nharts);
	if (!c)
		return NULL;
	for (l = 0; l + 1 < SLAB_NAME_MAX && name[l]; l++)
		c->name[l] = name[l];
	c->m = m;
	c->this_hart = m->this_hart;
	c->flags = flags;
	c->page_flags = (flags & SLAB_DMA) ? ALLOC_DMA : 0;
	c->ctor = ctor;
	c->size = ALIGN_UP(size, SLAB_MIN_ALIGN);
	c->align = align < SLAB_MIN_ALIGN ? SLAB_MIN_ALIGN : align;
	if ((flags & SLAB_HWCACHE_ALIGN) && c->align < SLAB_CACHE_LINE)
		c->align = SLAB_CACHE_LINE;
	set_layout(c);
	set_order(c);
	for (l = 0; l < c->nmags; l++)
		c->mag_store[l].limit = c->mag_limit;
	frame_map_init(&c->map, m);
	c->lock = (struct spinlock)SPINLOCK_INIT;
	for (l = 0; l < SLAB_LISTS; l++)
		list_init(&c->lists[l]);
	spin_lock(&cache_list_lock);
	list_push_back(&cache_list, &c->link);
	spin_unlock(&cache_list_lock);
	return c;
}

/* See mm/slab_internal.h. */
void slab_cache_unlist(struct kmem_cache *c)
{
	spin_lock(&cache_list_lock);
	list_remove(&c->link);
	spin_unlock(&cache_list_lock);
}

/* ---- statistics ------------------------------------------------------------------ */

/* The frees g served (struct magazine: they follow from its other counters). */
static uint64_t magazine_frees(const struct magazine *g)
{
	return g->count + g->allocs + g->drained - g->refilled;
}

bool kmem_cache_stats(struct kmem_cache *c, struct slab_stats *out)
{
	uint64_t inuse;
	unsigned h;

	if (!c || !out)
		return false;
	*out = (struct slab_stats){
		.name = c->name, .object_size = c->size,
		.slab_size = (size_t)(PAGE_SIZE << c->order), .objects_per_slab = c->objects,
		.allocs = __atomic_load_n(&c->allocs, __ATOMIC_RELAXED),
		.frees = __atomic_load_n(&c->frees, __ATOMIC_RELAXED),
		.debug_errors = __atomic_load_n(&c->debug_errors, __ATOMIC_RELAXED),
	};
	spin_lock(&c->lock);
	out->slabs_full = c->nslabs[SLABS_FULL];
	out->slabs_partial = c->nslabs[SLABS_PARTIAL];
	out->slabs_empty = c->nslabs[SLABS_EMPTY];
	inuse = c->inuse;
	spin_unlock(&c->lock);
	out->total_objects = (out->slabs_full + out->slabs_partial + out->slabs_empty) * c->objects;
	out->harts = c->nmags;
	for (h = 0; h < c->nmags; h++) {
		const struct magazine *g = c->mags[h];

		out->cached_objects += g->count;
		out->allocs += g->allocs;
		out->frees += magazine_frees(g);
		out->hart_cached[h] = g->count;
		out->hart_allocs[h] = g->allocs;
		out->hart_refilled[h] = g->refilled;
		out->hart_drained[h] = g->drained;
	}
	out->active_objects = inuse > out->cached_objects ? inuse - out->cached_objects : 0;
	return true;
}

struct kmem_cache *kmem_cache_next(struct kmem_cache *prev)
{
	struct kmem_cache *next = NULL;
	struct list *l;

	spin_lock(&cache_list_lock);
	l = prev ? prev->link.next : cache_list.next;
	if (l != &cache_list)
		next = container_of(l, struct kmem_cache, link);
	spin_unlock(&cache_list_lock);
	return next;
}

/* The buddy's shrinker: shrink every cache of memory `arg`.  Returns pages freed. */
uint64_t slab_shrink_mem(void *arg)
{
	uint64_t pages = 0;
	struct list *l;

	spin_lock(&cache_list_lock);
	list_for_each(l, &cache_list) {
		struct kmem_cache *c = container_of(l, struct kmem_cache, link);

		if (c->m == arg)
			pages += kmem_cache_shrink(c);
	}
	spin_unlock(&cache_list_lock);
	return pages;
}
