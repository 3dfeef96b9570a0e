/*
 * The buddy page allocator (API and flags in mm/buddy.h): per zone, free
 * lists of naturally aligned blocks of 2^order pages; per hart and zone, a
 * cache of single pages in front of them.
 *
 * Invariants (buddy_check verifies each one):
 *  1. A free block of order k starts at a multiple of 2^k, lies inside one
 *     frame block and one zone, and is on zone->free[k].blocks.  Its head
 *     frame is FRAME_FREE with order k; its other frames are FRAME_TAIL.
 *  2. free[k].count is the length of that list; free_pages is the sum of
 *     count * 2^k: the pages on the lists, never those in caches.
 *  3. Full coalescing: no free block could merge with its buddy (the merge
 *     conditions below do not hold for any free block).
 *  4. A page in hart h's cache of zone z is FRAME_CACHED, of zone z, on
 *     m->pcp[h][z].pages, and counted in that cache's count.
 *  5. Every frame is in exactly one of: reserved, cached, a free block, an
 *     allocated block (FRAME_ALLOCATED head with its order, FRAME_TAIL tails).
 *
 * Locks.  A zone's lock protects its free lists, free_pages, managed_pages
 * and stats, and the flags and order of every frame whose block is on those
 * lists or moves on or off them (a merge reads its neighbour's head under
 * the lock: a head leaving the lists is re-flagged before the lock drops).
 * Lock order: one zone lock at a time and nothing inside it; the shrinker
 * and ALLOC_ZERO's memset run with no lock held.  A per-hart cache is touched
 * only by its own hart, taking its zone's lock just to move pages between
 * the cache and the lists; buddy_drain_caches and buddy_check reach into
 * every hart's caches, so they require the other harts to be quiet.
 *
 * Merge conditions.  The free block at pfn p of order k merges with the
 * block at its buddy q = p ^ 2^k (mm/buddy.h) when, under the zone lock:
 *   a. k + 1 < MAX_ORDER;
 *   b. q lies in p's frame block (blocks are separate arrays, and RAM ends
 *      at a block's edge);
 *   c. q's frame is in the same zone (a zone boundary need not be aligned);
 *   d. q's frame is FRAME_FREE with order k: the head of a free block of the
 *      same size (a smaller free block at q waits for its own buddy first).
 * The merged block starts at p & ~2^k with order k + 1; repeat from there.
 *
 * Caches and watermarks: a zone's free_pages excludes cached pages, so the
 * watermark is checked whenever pages leave the zone's lists (allocation or
 * cache refill), never on a cache hit.  Zone stats count list traffic: a
 * refill of n pages is n order-0 allocs, a drain n order-0 frees.
 */
#include <string.h>

#include "mm/buddy_internal.h"
#include "mm/phys.h"
#include "mm_hart.h"

/* The one shrinker (mm/buddy.h): set at boot, read without a lock. */
static buddy_shrinker_fn shrinker;
static void *shrinker_arg;

static pfn_t pages_of(unsigned order)
{
	return (pfn_t)1 << order;
}

static pfn_t pfn_in(const struct frame_block *b, const struct frame *f)
{
	return b->first + (pfn_t)(f - b->frames);
}

/*
 * A frame's flags change outside any lock only between states no merge
 * looks for (FRAME_ALLOCATED <-> FRAME_CACHED, by the hart owning the page),
 * while a merge on another hart may read them under its zone lock: those
 * accesses are relaxed atomics (plain loads and stores on RISC-V), so the
 * race is defined and the merge never reads FRAME_FREE from it.
 */
static uint16_t flags_of(const struct frame *f)
{
	return __atomic_load_n(&f->flags, __ATOMIC_RELAXED);
}

static void set_flags(struct frame *f, uint16_t flags)
{
	__atomic_store_n(&f->flags, flags, __ATOMIC_RELAXED);
}

/* ---- free lists (zone lock held) ------------------------------------------ */

static void make_tail(struct frame *f)
{
	f->flags = FRAME_TAIL;
	f->order = 0;
	f->refcount = 0;
	f->owner = NULL;
}

/* Make f the head of a free block of `order` on z's list. */
static void area_add(struct zone *z, struct frame *f, unsigned order)
{
	f->flags = FRAME_FREE;
	f->order = (uint8_t)order;
	f->refcount = 0;
	f->owner = NULL;
	list_push(&z->free[order].blocks, &f->link);
	z->free[order].count++;
	z->free_pages += pages_of(order);
}

/* Unlink the free block headed by f; its flags stay until the caller sets them. */
static void area_del(struct zone *z, struct frame *f, unsigned order)
{
	list_remove(&f->link);
	z->free[order].count--;
	z->free_pages -= pages_of(order);
}

/* See mm/buddy_internal.h. */
struct frame *buddy_mergeable(const struct frame_block *b, pfn_t pfn, unsigned order,
			      unsigned zone)
{
	pfn_t buddy = buddy_pfn(pfn, order);
	struct frame *bf;

	if (order + 1 >= MAX_ORDER || buddy - b->first >= b->count)
		return NULL;
	bf = &b->frames[buddy - b->first];
	if (flags_of(bf) != FRAME_FREE || bf->order != order || bf->zone != zone)
		return NULL;
	return bf;
}

/*
 * Put the block at pfn of b (order; its frames on no list, none FRAME_FREE,
 * tails FRAME_TAIL) on z's lists, merging with free buddies first.
 */
static void merge_insert(struct zone *z, const struct frame_block *b, pfn_t pfn,
			 unsigned order)
{
	struct frame *f = &b->frames[pfn - b->first];
	unsigned zone = f->zone;
	struct frame *bf;

	while ((bf = buddy_mergeable(b, pfn, order, zone)) != NULL) {
		area_del(z, bf, order);
		make_tail(bf);
		make_tail(f);
		pfn = buddy_merged_pfn(pfn, order);
		f = &b->frames[pfn - b->first];
		order++;
		z->stats.merges++;
	}
	area_add(z, f, order);
}

/*
 * Take the smallest free block of at least 2^order pages off z's lists and
 * split it down, each split putting its upper half on the list below.
 * When the lists hold none, a chunk the boot left unset is set up first.
 * Returns the head, flagged `state` with `order`, or NULL.
 */
static struct frame *take_block(struct mem *m, struct zone *z, unsigned order, uint16_t state)
{
	unsigned k = order;
	struct frame *f;

	while (k < MAX_ORDER && list_empty(&z->free[k].blocks))
		k++;
	if (k == MAX_ORDER) {
		if (!z->deferred || !buddy_set_up_chunk(m, z))
			return NULL;
		k = MAX_ORDER - 1;
	}
	f = container_of(z->free[k].blocks.next, struct frame, link);
	area_del(z, f, k);
	while (k > order) {
		k--;
		area_add(z, f + pages_of(k), k);
	}
	f->flags = state;
	f->order = (uint8_t)order;
	return f;
}

/* The mark an allocation must leave, by its NOWAIT and SPARE bits: low,
 * min for NOWAIT, high for SPARE (the stricter when both). */
static const uint8_t mark_for[4] = { WMARK_LOW, WMARK_MIN, WMARK_HIGH, WMARK_HIGH };
_Static_assert(ALLOC_NOWAIT == 1u << 5 && ALLOC_SPARE == 1u << 6, "mark_for's index");

/* Whether z can give `pages` and stay at or above the watermark for `flags`. */
static bool zone_can_give(const struct zone *z, uint64_t pages, unsigned flags)
{
	uint64_t mark = z->watermark[mark_for[(flags >> 5) & 3]];

	return z->free_pages >= mark + pages;
}

/* Allocate 2^order pages from z's lists.  Returns the head or NULL.  Takes z's lock. */
static struct frame *zone_alloc(struct mem *m, struct zone *z, unsigned order, unsigned flags)
{
	struct frame *f = NULL;

	spin_lock(&z->lock);
	if (zone_can_give(z, pages_of(order), flags))
		f = take_block(m, z, order, FRAME_ALLOCATED);
	if (f)
		z->stats.allocs[order]++;
	else
		z->stats.failures++;
	spin_unlock(&z->lock);
	if (f)
		f->refcount = 1;
	return f;
}

/* ---- per-hart caches -------------------------------------------------------- */

/* Hart `hart`'s cache of zone z, or NULL when caches are off or it has none. */
static struct pcp_cache *cache_of(struct mem *m, unsigned hart, enum zone_id z)
{
	return m->pcp_enabled && hart < m->nharts ? &m->pcp[hart][z] : NULL;
}

/*
 * Move up to c->batch pages from z's lists into c while z stays at or above
 * the watermark for `flags`.  Returns the pages moved.
 */
static unsigned cache_refill(struct mem *m, struct zone *z, struct pcp_cache *c,
			     unsigned flags)
{
	struct frame *f;
	unsigned n = 0;

	spin_lock(&z->lock);
	while (n < c->batch && zone_can_give(z, 1, flags) &&
	       (f = take_block(m, z, 0, FRAME_CACHED)) != NULL) {
		list_push_back(&c->pages, &f->link);
		n++;
	}
	z->stats.allocs[0] += n;
	if (!n)
		z->stats.failures++;
	spin_unlock(&z->lock);
	c->count += n;
	return n;
}

/* Give the coldest `n` pages (at most all) of cache c of zone zid back to the lists. */
static void cache_drain(struct mem *m, struct pcp_cache *c, enum zone_id zid, unsigned n)
{
	struct zone *z = &m->zones[zid];
	unsigned i;

	spin_lock(&z->lock);
	for (i = 0; i < n && !list_empty(&c->pages); i++) {
		struct frame *f = container_of(c->pages.prev, struct frame, link);
		const struct frame_block *b = mem_block_of(m, f);

		list_remove(&f->link);
		merge_insert(z, b, pfn_in(b, f), 0);
	}
	z->stats.frees[0] += i;
	spin_unlock(&z->lock);
	c->count -= i;
}

/*
 * The hottest page of a non-empty cache, handed out: both paths end here.
 * It is the list's first entry, so unlinking needs no look at its prev;
 * its own link is left as it was (an allocated frame's link is unused).
 */
static inline struct frame *cache_pop(struct pcp_cache *c)
{
	struct frame *f = container_of(c->pages.next, struct frame, link);

	c->pages.next = f->link.next;
	f->link.next->prev = &c->pages;
	c->count--;
	set_flags(f, FRAME_ALLOCATED);
	f->refcount = 1;
	return f;
}

/*
 * One page from cache c (zone z): a hit, or a miss (the cache was empty)
 * that refills it first.  Returns the page or NULL when the refill got none.
 */
static struct frame *cache_alloc(struct mem *m, struct zone *z, struct pcp_cache *c,
				 unsigned flags)
{
	if (c->count) {
		c->hits++;
	} else {
		c->misses++;
		if (!cache_refill(m, z, c, flags))
			return NULL;
	}
	return cache_pop(c);
}

/* Put the page f into cache c (zone zid), hottest first; drain a batch above high. */
static void cache_free(struct mem *m, struct pcp_cache *c, enum zone_id zid, struct frame *f)
{
	set_flags(f, FRAME_CACHED);
	list_push(&c->pages, &f->link);
	if (++c->count > c->high)
		cache_drain(m, c, zid, c->batch);
}

/* Give every page of hart `hart`'s caches (even with caches now off) back. */
static void drain_hart(struct mem *m, unsigned hart)
{
	unsigned z;

	if (hart >= m->nharts)
		return;
	for (z = 0; z < ZONE_COUNT; z++)
		if (m->pcp[hart][z].count)
			cache_drain(m, &m->pcp[hart][z], (enum zone_id)z, m->pcp[hart][z].count);
}

/* ---- set-up (the rest is mm/buddy_setup.c) ----------------------------------- */

/* The largest order of an aligned block at p that ends at or before `end`. */
static unsigned largest_order(pfn_t p, pfn_t end)
{
	unsigned k = 0;

	while (k + 1 < MAX_ORDER && IS_ALIGNED(p, pages_of(k + 1)) && p + pages_of(k + 1) <= end)
		k++;
	return k;
}

/* Free [p, end) of b into z as maximal aligned blocks.  Zone lock held. */
static void give_blocks(struct zone *z, const struct frame_block *b, pfn_t p, pfn_t end)
{
	while (p < end) {
		unsigned order = largest_order(p, end);
		pfn_t i;

		for (i = 0; i < pages_of(order); i++)
			make_tail(&b->frames[p - b->first + i]);
		merge_insert(z, b, p, order);
		p += pages_of(order);
	}
}

/*
 * Give the buddy the run of reserved frames of one zone that starts at p in
 * b and ends by `stop` (mm/buddy_internal.h).  Returns the pfn after the
 * run.  A frame at p that is not reserved is refused (a bad free) and
 * skipped.  Takes the zone's lock.
 */
pfn_t buddy_add_run(struct mem *m, const struct frame_block *b, pfn_t p, pfn_t stop)
{
	const struct frame *f = &b->frames[p - b->first];
	struct zone *z = &m->zones[f->zone];
	pfn_t end = p;

	spin_lock(&z->lock);
	while (end < stop && b->frames[end - b->first].flags == FRAME_RESERVED &&
	       b->frames[end - b->first].zone == f->zone)
		end++;
	if (end == p) {
		z->stats.bad_frees++;
		end = p + 1;
	} else {
		give_blocks(z, b, p, end);
		z->managed_pages += end - p;
	}
	spin_unlock(&z->lock);
	return end;
}

void buddy_set_shrinker(buddy_shrinker_fn fn, void *arg)
{
	shrinker = fn;
	shrinker_arg = arg;
}

/* ---- allocation and free ---------------------------------------------------- */

/* The highest zone `flags` allow; allocation falls back from it downward. */
static int top_zone(unsigned flags)
{
	if (flags & ALLOC_DMA)
		return ZONE_DMA;
	return (flags & ALLOC_DMA32) ? ZONE_DMA32 : ZONE_NORMAL;
}

/* One try of every allowed non-empty zone, highest first.  Returns the head or NULL. */
static struct frame *alloc_pass(struct mem *m, unsigned order, unsigned flags, unsigned hart)
{
	int z;

	for (z = top_zone(flags); z >= ZONE_DMA; z--) {
		struct zone *zone = &m->zones[z];
		struct pcp_cache *c = NULL;
		struct frame *f;

		if (!zone->managed_pages)
			continue;
		if (order == 0 && !(flags & (ALLOC_NOCACHE | ALLOC_SPARE)))
			c = cache_of(m, hart, (enum zone_id)z);
		f = c ? cache_alloc(m, zone, c, flags) : zone_alloc(m, zone, order, flags);
		if (f)
			return f;
	}
	return NULL;
}

/* Zero the block's bytes through the phys window; false if it is not all inside. */
static bool zero_block(const struct mem *m, const struct frame *f, unsigned order)
{
	paddr_t pa = mem_frame_pa(m, f);
	uint64_t size = PAGE_SIZE << order;
	void *va = phys_to_virt(pa);

	if (!va || !phys_to_virt(pa + size - 1))
		return false;
	memset(va, 0, size);
	return true;
}

/* Whether f (in block b) is the head of an allocated block of `order`. */
static bool free_ok(const struct frame_block *b, const struct frame *f, unsigned order)
{
	pfn_t pfn;

	if (!b || order >= MAX_ORDER)
		return false;
	pfn = pfn_in(b, f);
	return (f->flags & ~FRAME_SLAB) == FRAME_ALLOCATED && f->order == order &&
	       f->zone < ZONE_COUNT && IS_ALIGNED(pfn, pages_of(order)) &&
	       pfn - b->first + pages_of(order) <= b->count;
}

/* Count a refused free in f's zone, or ZONE_NORMAL's for a foreign frame. */
static void count_bad_free(struct mem *m, const struct frame_block *b, const struct frame *f)
{
	struct zone *z = &m->zones[b && f->zone < ZONE_COUNT ? f->zone : ZONE_NORMAL];

	spin_lock(&z->lock);
	z->stats.bad_frees++;
	spin_unlock(&z->lock);
}

/*
 * Free the checked allocated block f of b: a single page into the calling
 * hart's cache when `use_cache` and caches are on, else onto the lists.
 */
static void release(struct mem *m, const struct frame_block *b, struct frame *f,
		    unsigned order, bool use_cache)
{
	struct pcp_cache *c = NULL;
	struct zone *z = &m->zones[f->zone];

	f->refcount = 0;
	f->owner = NULL;
	if (order == 0 && use_cache && m->pcp_enabled)
		c = cache_of(m, mm_hart_index(m->this_hart), f->zone);
	if (c) {
		cache_free(m, c, f->zone, f);
		return;
	}
	spin_lock(&z->lock);
	z->stats.frees[order]++;
	merge_insert(z, b, pfn_in(b, f), order);
	spin_unlock(&z->lock);
}

/* ---- fast paths: a single page from or to this hart's cache ---------------- */

/*
 * Order 0, default zone choice, cache hit.  alloc_pass would pick the same
 * page: its first choice is the cache of the highest zone with managed
 * pages (m->fast_zone), and a hit checks no watermark.  Anything else
 * (other flags, an empty cache) returns NULL for the general path.
 * ALLOC_ZERO is the caller's to do, as after the general path.
 */
static struct frame *alloc_fast(struct mem *m, unsigned flags)
{
	struct pcp_cache *c;
	unsigned long hart;

	if (flags & (ALLOC_ZONE_MASK | ALLOC_NOCACHE | ALLOC_SPARE) || !m->pcp_enabled)
		return NULL;
	hart = mm_hart_index(m->this_hart);
	if (hart >= MEM_MAX_HARTS)
		return NULL;
	c = &m->pcp_row[hart][m->fast_zone];
	if (!c->count)
		return NULL;
	c->hits++;
	return cache_pop(c);
}

/*
 * Order 0, a frame of the first frame block (on most boards the only one),
 * into a cache below its high mark: what release() does after free_ok()'s
 * checks, which for order 0 in a known block reduce to the two below.
 * False: take the general path.
 */
static bool free_fast(struct mem *m, struct frame *f)
{
	const struct frame_block *b = &m->blocks[0];
	struct pcp_cache *c;
	unsigned long hart;

	if (!m->pcp_enabled || f < b->frames || f >= b->frames + b->count ||
	    (f->flags & ~FRAME_SLAB) != FRAME_ALLOCATED || f->order != 0)
		return false;
	hart = mm_hart_index(m->this_hart);
	if (hart >= MEM_MAX_HARTS)
		return false;
	c = &m->pcp_row[hart][f->zone];
	if (c->count >= c->high)
		return false;
	f->refcount = 0;
	f->owner = NULL;
	set_flags(f, FRAME_CACHED);
	list_push(&c->pages, &f->link);
	c->count++;
	return true;
}

/* ---- the general paths ----------------------------------------------------- */

/*
 * ALLOC_ZERO's part, for either path: the block f just taken, zeroed; or,
 * when it cannot be, NULL with the block back where it came from (an
 * ALLOC_NOCACHE page to the lists).
 */
static __attribute__((noinline)) struct frame *alloc_zeroed(struct mem *m, struct frame *f,
							    unsigned order, unsigned flags)
{
	if (zero_block(m, f, order))
		return f;
	release(m, mem_block_of(m, f), f, order, !(flags & (ALLOC_NOCACHE | ALLOC_SPARE)));
	return NULL;
}

/* Everything alloc_fast() does not serve (kept out of line: its frame is big). */
static __attribute__((noinline)) struct frame *alloc_slow(struct mem *m, unsigned order,
							  unsigned flags)
{
	struct frame *f;
	unsigned hart;

	hart = mm_hart_index(m->this_hart);
	f = alloc_pass(m, order, flags, hart);
	if (!f && !(flags & (ALLOC_NOWAIT | ALLOC_SPARE))) {
		/* The shrinker's order-0 frees land in this hart's caches: drain after it. */
		if (shrinker)
			shrinker(shrinker_arg);
		drain_hart(m, hart);
		f = alloc_pass(m, order, flags, hart);
	}
	return f && (flags & ALLOC_ZERO) ? alloc_zeroed(m, f, order, flags) : f;
}

MM_FAST_PATH struct frame *buddy_alloc(struct mem *m, unsigned order, unsigned flags)
{
	struct frame *f;

	if (order >= MAX_ORDER)
		return NULL;
	if (order == 0 && (f = alloc_fast(m, flags)) != NULL)
		return flags & ALLOC_ZERO ? alloc_zeroed(m, f, 0, flags) : f;
	return alloc_slow(m, order, flags);
}

/* Everything free_fast() does not take. */
static __attribute__((noinline)) void free_slow(struct mem *m, struct frame *f,
						unsigned order)
{
	const struct frame_block *b = f ? mem_block_of(m, f) : NULL;

	if (!free_ok(b, f, order)) {
		count_bad_free(m, b, f);
		return;
	}
	release(m, b, f, order, true);
}

MM_FAST_PATH void buddy_free(struct mem *m, struct frame *f, unsigned order)
{
	if (order == 0 && f && free_fast(m, f))
		return;
	free_slow(m, f, order);
}

void buddy_drain_caches(struct mem *m)
{
	unsigned h;

	for (h = 0; h < m->nharts; h++)
		drain_hart(m, h);
}
