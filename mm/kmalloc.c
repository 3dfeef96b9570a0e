/*
 * kmalloc (API in mm/slab.h): the size classes on top of the slab
 * allocator, large blocks straight from the buddy, and the registration of
 * the buddy's shrinker.
 *
 * A request of 1..KMALLOC_MAX_CACHE_SIZE bytes goes to the smallest class
 * that holds it ("kmalloc-64" for 33..64 bytes; the "dma-" twin for
 * ALLOC_DMA or ALLOC_DMA32).  A larger one gets a buddy block of the
 * smallest order that fits, its head frame marked FRAME_KMALLOC so that
 * kfree and ksize take no other block for one of kmalloc's.
 *
 * kfree finds what it frees from the address alone: the frame of p's page
 * is FRAME_SLAB (a slab object: back to its cache, whichever it is) or the
 * FRAME_KMALLOC head of a large block, p its first byte; anything else is
 * reported and refused.
 *
 * State: kmalloc_state is written once by kmalloc_init, before other harts
 * run, and only read afterwards: no lock.  Until then its map is empty and
 * its cache pointers NULL, so both fast paths miss.
 */
#include <string.h>

#include "lib/format.h"
#include "mm/slab_internal.h"

/*
 * Size to class without a search: class_of[(size - 1) >> KMALLOC_STEP_SHIFT]
 * for size 1..KMALLOC_MAX_CACHE_SIZE, filled by kmalloc_init from
 * kmalloc_sizes[].  Exact because every class is a multiple of the 8-byte
 * step, so all sizes of one step share their smallest class.  Example:
 * 64 -> class_of[7] = 3 (kmalloc-64); 65 -> class_of[8] = 4 (kmalloc-96);
 * 300 -> class_of[37] = 8 (kmalloc-512).
 */
#define KMALLOC_STEP_SHIFT 3

static const uint16_t kmalloc_sizes[KMALLOC_CLASSES] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096,
};

static struct {
	struct mem *m;
	struct frame_map map;      /* of m (mm/slab_internal.h), for kfree's fast path */
	struct kmem_cache *caches[2][KMALLOC_CLASSES]; /* [1]: the DMA classes */
	uint8_t class_of[KMALLOC_MAX_CACHE_SIZE >> KMALLOC_STEP_SHIFT];
	/*
	 * caches[0][class_of[i]], for kmalloc's fast path: entry i is at byte
	 * ((size - 1) >> 3) * 8 = (size - 1) & ~7, one AND from the size.
	 */
	struct kmem_cache *cache_of[KMALLOC_MAX_CACHE_SIZE >> KMALLOC_STEP_SHIFT];
} kmalloc_state;

/* ---- size classes ---------------------------------------------------------------- */

/* The smallest class holding size bytes (1..KMALLOC_MAX_CACHE_SIZE), by search. */
static unsigned smallest_class(size_t size)
{
	unsigned i = 0;

	while (kmalloc_sizes[i] < size)
		i++;
	return i;
}

/* The same, from class_of[] (filled by kmalloc_init). */
static unsigned class_index(size_t size)
{
	return kmalloc_state.class_of[(size - 1) >> KMALLOC_STEP_SHIFT];
}

/* Fill class_of[]: entry i serves the sizes up to (i + 1) steps. */
static void fill_class_table(void)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(kmalloc_state.class_of); i++)
		kmalloc_state.class_of[i] = (uint8_t)smallest_class((i + 1) << KMALLOC_STEP_SHIFT);
}

/*
 * One size class.  Power-of-two classes are naturally aligned (kmalloc-64
 * objects at multiples of 64), except in debug mode where red zones come
 * first; 96 and 192 are 8-aligned.
 */
static struct kmem_cache *kmalloc_class_create(struct mem *m, unsigned i, bool dma)
{
	size_t size = kmalloc_sizes[i];
	size_t align = (size & (size - 1)) || SLAB_DEBUG_ALL ? 0 : size;
	char name[SLAB_NAME_MAX];
	struct kmem_cache *c;

	snprint(name, sizeof(name), "%skmalloc-%u", dma ? "dma-" : "", (unsigned)size);
	c = kmem_cache_create(m, name, size, align, dma ? SLAB_DMA : 0, NULL);
	if (c)
		c->flags |= SLAB_KMALLOC;
	return c;
}

void kmalloc_init(struct mem *m)
{
	bool dma;
	unsigned i;

	if (!m || kmalloc_state.m)
		return;
	dma = m->zones[ZONE_DMA].managed_pages > 0;
	kmalloc_state.m = m;
	fill_class_table();
	for (i = 0; i < KMALLOC_CLASSES; i++) {
		kmalloc_state.caches[0][i] = kmalloc_class_create(m, i, false);
		if (dma)
			kmalloc_state.caches[1][i] = kmalloc_class_create(m, i, true);
	}
	for (i = 0; i < ARRAY_SIZE(kmalloc_state.cache_of); i++)
		kmalloc_state.cache_of[i] = kmalloc_state.caches[0][kmalloc_state.class_of[i]];
	frame_map_init(&kmalloc_state.map, m);
	buddy_set_shrinker(slab_shrink_mem, m);
}

struct kmem_cache *kmalloc_cache(unsigned index, bool dma)
{
	return index < KMALLOC_CLASSES ? kmalloc_state.caches[dma][index] : NULL;
}

/* ---- large blocks ---------------------------------------------------------------- */

/*
 * Set or clear FRAME_KMALLOC on f, the head of a block kmalloc holds.  A
 * relaxed atomic store, as the buddy's own: a merge on another hart may read
 * these flags meanwhile (mm/buddy.c) and must never see FRAME_FREE.
 */
static void mark_large(struct frame *f, bool large)
{
	uint16_t flags = large ? (uint16_t)(f->flags | FRAME_KMALLOC) :
				 (uint16_t)(f->flags & ~FRAME_KMALLOC);

	__atomic_store_n(&f->flags, flags, __ATOMIC_RELAXED);
}

/* Whether f heads a large kmalloc block. */
static bool is_large_head(const struct frame *f)
{
	return f && f->flags == (FRAME_ALLOCATED | FRAME_KMALLOC);
}

/* A block for size bytes (> KMALLOC_MAX_CACHE_SIZE) from the buddy, marked kmalloc's; or NULL. */
static void *kmalloc_large(struct mem *m, size_t size, unsigned flags)
{
	unsigned order = 0;
	struct frame *f;
	void *p;

	while (order < MAX_ORDER && (PAGE_SIZE << order) < size)
		order++;
	if (order >= MAX_ORDER)
		return NULL;
	f = buddy_alloc(m, order, flags & (ALLOC_ZONE_MASK | ALLOC_ZERO | ALLOC_NOWAIT));
	p = f ? slab_block_address(m, f, order) : NULL;
	if (p)
		mark_large(f, true);
	else if (f)
		buddy_free(m, f, order);
	return p;
}

/* Give the large block headed by f back to the buddy (whose free_ok wants it unmarked). */
static void kfree_large(struct mem *m, struct frame *f)
{
	mark_large(f, false);
	buddy_free(m, f, f->order);
}

/* The head of the large block that frame f lies in, or NULL. */
static struct frame *large_head_of(const struct mem *m, const struct frame *f)
{
	pfn_t pfn = mem_frame_pfn(m, f), back;

	for (back = 0; back < ((pfn_t)1 << (MAX_ORDER - 1)); back++) {
		struct frame *h = mem_frame(m, pfn - back);

		if (is_large_head(h))
			return pfn - back + ((pfn_t)1 << h->order) > pfn ? h : NULL;
		if (!h || !(h->flags & FRAME_TAIL))
			return NULL;
	}
	return NULL;
}

/* ---- kmalloc, kfree and ksize: the general paths --------------------------------- */

/* Everything kmalloc's fast path does not serve (kept out of line: a small fast frame). */
static __attribute__((noinline)) void *kmalloc_general(size_t size, unsigned flags)
{
	struct mem *m = kmalloc_state.m;
	struct kmem_cache *c;

	if (!size || !m)
		return NULL;
	if (size > KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_large(m, size, flags);
	c = kmalloc_state.caches[(flags & ALLOC_ZONE_MASK) != 0][class_index(size)];
	return kmem_cache_alloc(c, flags);
}

/* Everything kfree's fast path does not take (kept out of line: a small fast frame). */
static __attribute__((noinline)) void kfree_general(const void *p)
{
	struct mem *m = kmalloc_state.m;
	struct frame *f, *head;

	if (!p)
		return;
	f = m ? frame_of(m, p) : NULL;
	if (f && (f->flags & FRAME_SLAB)) {
		struct slab *s = f->owner;

		slab_cache_free(s->cache, s, (void *)p);
		return;
	}
	if (is_large_head(f) && p == slab_block_address(m, f, f->order)) {
		kfree_large(m, f);
		return;
	}
	head = f ? large_head_of(m, f) : NULL;
	if (head)
		slab_report(NULL, "free of pointer %p into the middle of large allocation %p", p,
			    slab_block_address(m, head, head->order));
	else
		slab_report(NULL, "free of non-slab pointer %p", p);
}

size_t ksize(const void *p)
{
	struct mem *m = kmalloc_state.m;
	struct frame *f = p && m ? frame_of(m, p) : NULL;

	if (f && (f->flags & FRAME_SLAB))
		return ((struct slab *)f->owner)->cache->size;
	if (is_large_head(f) && p == slab_block_address(m, f, f->order))
		return (size_t)(PAGE_SIZE << f->order);
	return 0;
}

/* ---- kmalloc and kfree: the fast paths (mm/slab_internal.h) ---------------------- */

/*
 * The fast path: a class size, no zone or ALLOC_ZERO flag, from this
 * hart's magazine (as kmem_cache_alloc's fast path); else the general path.
 * Before kmalloc_init every cache pointer is NULL: the general path answers.
 */
SLAB_FAST void *kmalloc(size_t size, unsigned flags)
{
	struct kmem_cache *c;
	struct magazine *g;

	if (size - 1 < KMALLOC_MAX_CACHE_SIZE && !(flags & (ALLOC_ZONE_MASK | ALLOC_ZERO))) {
		c = kmalloc_state.cache_of[(size - 1) >> KMALLOC_STEP_SHIFT];
		if (c && (g = hart_magazine(c))->count)
			return magazine_pop(g);
	}
	return kmalloc_general(size, flags);
}

/* kmalloc's fast path serves it too (ALLOC_ZERO would skip it); the bytes
 * asked for are zeroed here, which is all a caller may use. */
void *kzalloc(size_t size, unsigned flags)
{
	void *p = kmalloc(size, flags & ~ALLOC_ZERO);

	if (p)
		memset(p, 0, size);
	return p;
}

/*
 * The fast path: a slab object (its frame says so; found by the map, which
 * NULL is outside) into this hart's magazine of its cache (what
 * slab_cache_free does when the magazine has room); else the general path.
 */
SLAB_FAST void kfree(const void *p)
{
	const struct frame *f;
	struct magazine *g;

	if (frame_map_covers(&kmalloc_state.map, p) &&
	    frame_is_slab(f = frame_map_frame(&kmalloc_state.map, p))) {
		g = hart_magazine(frame_slab_cache(f));
		if (g->count < g->limit) {
			magazine_push(g, (void *)p);
			return;
		}
	}
	kfree_general(p);
}
