/*
 * Snapshots of the allocators for memory introspection (SYS_MEMINFO; the
 * answers' layout is the ABI's, include/tessera/meminfo.h).  Portable: the
 * host tests fill the same structs from an arena.
 *
 * Locks: meminfo_zone takes the zone's lock, so its free lists and free
 * count agree with each other; the per-hart caches are read without their
 * owners' cooperation, as buddy_zone_free_pages does.  meminfo_slab reads a
 * cache's counts as kmem_cache_stats does.  meminfo_frame reads a frame and
 * its block's head under the frame's zone lock; a page moving between a
 * hart's cache and its user changes without it (exact while no other hart
 * allocates).
 */
#include <string.h>

#include "mm/meminfo.h"
#include "mm/slab_internal.h"

_Static_assert(ZONE_COUNT == MEMINFO_ZONES, "a meminfo zone index for every zone");
_Static_assert(MAX_ORDER <= MEMINFO_ORDERS, "room for every buddy order");
_Static_assert(MEM_MAX_HARTS <= MEMINFO_HARTS, "room for every hart's cache");
_Static_assert(SLAB_NAME_MAX <= MEMINFO_NAME_MAX, "room for a cache's whole name");

/* Copy NUL-terminated name into out[MEMINFO_NAME_MAX] (it fits: the asserts). */
static void copy_name(char out[MEMINFO_NAME_MAX], const char *name)
{
	size_t n = strlen(name);

	memcpy(out, name, n < MEMINFO_NAME_MAX ? n : MEMINFO_NAME_MAX - 1);
}

/* What the free lists and counters of z say, under z's lock. */
static void zone_lists(struct zone *z, struct meminfo_zone *out)
{
	unsigned o;

	spin_lock(&z->lock);
	out->free_pages = z->free_pages;
	for (o = 0; o < MAX_ORDER; o++) {
		out->free_blocks[o] = z->free[o].count;
		out->allocs += z->stats.allocs[o];
		out->frees += z->stats.frees[o];
	}
	out->failures = z->stats.failures;
	out->merges = z->stats.merges;
	spin_unlock(&z->lock);
}

void meminfo_zone(struct mem *m, enum zone_id id, struct meminfo_zone *out)
{
	struct zone *z = &m->zones[id];
	unsigned h;

	memset(out, 0, sizeof(*out));
	copy_name(out->name, zone_name(id));
	out->orders = MAX_ORDER;
	if (!z->managed_pages && !z->present_pages)
		return;
	out->start = z->start;
	out->end = z->end;
	out->present_pages = z->present_pages;
	out->managed_pages = z->managed_pages;
	out->watermark_min = z->watermark[WMARK_MIN];
	out->watermark_low = z->watermark[WMARK_LOW];
	out->watermark_high = z->watermark[WMARK_HIGH];
	zone_lists(z, out);
	out->harts = m->nharts;
	for (h = 0; h < m->nharts; h++) {
		const struct pcp_cache *c = &m->pcp[h][id];

		out->hart_cached[h] = c->count;
		out->hart_hits[h] = c->hits;
		out->hart_misses[h] = c->misses;
		out->cached_pages += c->count;
	}
}

bool meminfo_slab(unsigned index, struct meminfo_slab *out)
{
	struct kmem_cache *c = kmem_cache_next(NULL);
	struct slab_stats st;
	unsigned h;

	while (c && index--)
		c = kmem_cache_next(c);
	if (!c || !kmem_cache_stats(c, &st))
		return false;
	memset(out, 0, sizeof(*out));
	copy_name(out->name, st.name);
	out->object_size = st.object_size;
	out->slab_size = st.slab_size;
	out->objects_per_slab = st.objects_per_slab;
	out->active_objects = st.active_objects;
	out->cached_objects = st.cached_objects;
	out->total_objects = st.total_objects;
	out->slabs_full = st.slabs_full;
	out->slabs_partial = st.slabs_partial;
	out->slabs_empty = st.slabs_empty;
	out->allocs = st.allocs;
	out->frees = st.frees;
	out->harts = st.harts;
	for (h = 0; h < st.harts && h < MEMINFO_HARTS; h++) {
		out->hart_cached[h] = st.hart_cached[h];
		out->hart_allocs[h] = st.hart_allocs[h];
		out->hart_refilled[h] = st.hart_refilled[h];
		out->hart_drained[h] = st.hart_drained[h];
	}
	return true;
}

/*
 * The descriptor of pfn (of b) as the buddy would have it: the table's, or
 * for a chunk not set up (mm/frame.h) what setting it up would write -- a
 * free head of the largest order at its start, tails after -- built in *tmp.
 */
static const struct frame *frame_seen(const struct mem *m, const struct frame_block *b,
				      pfn_t pfn, struct frame *tmp)
{
	if (!frame_block_unset(b, pfn))
		return &b->frames[pfn - b->first];
	*tmp = frame_unset_view(pfn, (uint8_t)zone_of(pfn_to_pa(pfn), m->dma_limit));
	return tmp;
}

/* The pfn of the head of the block holding pfn (pfn itself if it heads one
 * or is alone): a tail lies after its head, in the same frame block, less
 * than 2^(MAX_ORDER - 1) frames on.  Requires pfn's zone lock. */
static pfn_t block_head(const struct mem *m, const struct frame_block *b, pfn_t pfn)
{
	struct frame tmp;
	unsigned back = 0;

	while ((frame_seen(m, b, pfn, &tmp)->flags & FRAME_TAIL) && pfn > b->first &&
	       ++back < (1u << (MAX_ORDER - 1)))
		pfn--;
	return pfn;
}

/* The state a block head's flags say (a tail with no head found, which
 * buddy_check would report, shows as reserved: given to nobody). */
static uint32_t head_state(uint16_t flags)
{
	if (flags & FRAME_CACHED)
		return MEMINFO_FRAME_CACHED;
	if (flags & FRAME_FREE)
		return MEMINFO_FRAME_FREE;
	if (flags & FRAME_ALLOCATED)
		return flags & FRAME_SLAB ? MEMINFO_FRAME_SLAB
		       : flags & FRAME_KMALLOC ? MEMINFO_FRAME_KMALLOC : MEMINFO_FRAME_ALLOCATED;
	return MEMINFO_FRAME_RESERVED;
}

void meminfo_frame(struct mem *m, paddr_t pa, struct meminfo_frame *out)
{
	const struct frame_block *b = mem_block_from(m, pa_to_pfn(pa));
	const struct frame *head;
	struct frame tmp;
	struct zone *z;
	pfn_t pfn = pa_to_pfn(pa);

	memset(out, 0, sizeof(*out));
	out->pa = pa & ~(PAGE_SIZE - 1);
	if (!b || pfn < b->first)
		return;                           /* MEMINFO_FRAME_NOT_RAM */
	out->zone = frame_seen(m, b, pfn, &tmp)->zone;
	z = &m->zones[out->zone];
	spin_lock(&z->lock);
	pfn = block_head(m, b, pfn);
	head = frame_seen(m, b, pfn, &tmp);
	out->state = head_state(head->flags);
	if (head->flags & (FRAME_FREE | FRAME_ALLOCATED)) {
		out->block = pfn_to_pa(pfn);
		out->order = head->order;
		out->refcount = head->flags & FRAME_ALLOCATED ? head->refcount : 0;
	}
	if (out->state == MEMINFO_FRAME_SLAB && head->owner)
		copy_name(out->slab_cache, ((const struct slab *)head->owner)->cache->name);
	spin_unlock(&z->lock);
}

/* Pages a frame stands for in a walk from head to head: its block's for a
 * free or allocated head, else one (reserved, or a page in a hart's cache). */
static uint64_t unit_pages(const struct frame *f)
{
	return f->flags & (FRAME_FREE | FRAME_ALLOCATED) && !(f->flags & FRAME_CACHED)
	       ? 1ull << f->order : 1;
}

/* Are heads a and b alike for a run (the same state, a free block's order,
 * a slab's cache)? */
static bool alike(const struct frame *a, const struct frame *b)
{
	uint32_t state = head_state(a->flags);

	if (head_state(b->flags) != state || a->zone != b->zone || (b->flags & FRAME_TAIL))
		return false;
	if (state == MEMINFO_FRAME_FREE)
		return a->order == b->order;
	if (state == MEMINFO_FRAME_SLAB)
		return a->owner && b->owner && ((const struct slab *)a->owner)->cache ==
					       ((const struct slab *)b->owner)->cache;
	return true;
}

bool meminfo_frame_run(struct mem *m, paddr_t pa, struct meminfo_frame_run *out)
{
	pfn_t pfn = pa >> PAGE_SHIFT;
	const struct frame_block *b = mem_block_from(m, pfn);
	const struct frame *head, *f;
	struct frame head_tmp, tmp;
	struct zone *z;
	uint64_t pages = 0;

	memset(out, 0, sizeof(*out));
	if (!b)
		return false;                     /* above all RAM */
	if (pfn < b->first) {                     /* a hole, up to the next RAM */
		out->start = pa & ~(PAGE_SIZE - 1);
		out->pages = b->first - pfn;
		return true;                      /* MEMINFO_FRAME_NOT_RAM */
	}
	z = &m->zones[frame_seen(m, b, pfn, &tmp)->zone];
	spin_lock(&z->lock);
	pfn = block_head(m, b, pfn);
	head = frame_seen(m, b, pfn, &head_tmp);
	out->start = pfn_to_pa(pfn);
	out->state = head_state(head->flags);
	out->zone = head->zone;
	out->order = head->flags & (FRAME_FREE | FRAME_ALLOCATED) ? head->order : 0;
	if (out->state == MEMINFO_FRAME_SLAB && head->owner)
		copy_name(out->slab_cache, ((const struct slab *)head->owner)->cache->name);
	for (; pfn < b->first + b->count && pages < MEMINFO_RUN_MAX_PAGES &&
	     alike(head, f = frame_seen(m, b, pfn, &tmp)); pfn += unit_pages(f))
		pages += unit_pages(f);
	spin_unlock(&z->lock);
	out->pages = pages ? pages : 1;           /* a lone tail: itself */
	return true;
}

bool meminfo_vmalloc(struct vmalloc_space *vs, uint64_t index, struct meminfo_vmalloc *out)
{
	bool found;

	memset(out, 0, sizeof(*out));
	spin_lock(&vs->lock);
	found = index < vs->nareas;
	out->window_start = vs->base;
	out->window_end = vs->end;
	out->areas = vs->nareas;
	out->pages = vs->pages;
	if (found) {
		out->start = vs->areas[index].start;
		out->area_pages = vs->areas[index].pages;
	}
	spin_unlock(&vs->lock);
	return found;
}
