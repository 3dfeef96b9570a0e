/*
 * The buddy page allocator: per zone, free lists of blocks of 2^order pages
 * for orders 0..MAX_ORDER-1; a freed block merges with its buddy while the
 * buddy is free, of the same order, in the same zone and frame block.
 *
 * Buddy identity: the buddy of the block at pfn p of order k is at
 *   p ^ (1 << k)      (p is a multiple of 2^k)
 * and the merged block starts at p & ~(1 << k).
 * Worked example: p = 0x80010 (order 4, 16 pages) has buddy 0x80010 ^ 0x10 =
 * 0x80000; merged: 0x80000, order 5.  (tests/mm/test_buddy.c checks it.)
 *
 * Watermarks (per zone, pages): an ordinary allocation must leave at least
 * `low` pages free; ALLOC_NOWAIT (callers that cannot wait for memory to be
 * freed, like GFP_ATOMIC) may go down to `min`; nothing goes below `min`.
 * When an ordinary allocation fails at `low`, the shrinker runs (the slab
 * gives back empty slabs), the calling hart's cached pages go back to the
 * lists, and it is tried once more.  `high` is the level reclaim will aim for,
 * and the floor for ALLOC_SPARE: memory a pager with swap takes for its pool
 * only while no one else could want it (user/pager/pool_kernel.c).
 *
 * Watermarks apply to a zone's free_pages, which counts the pages on its
 * free lists only: pages in per-hart caches have already left the zone, so
 * a cache hit checks no watermark, and a cache refill takes pages only while
 * the zone stays at or above the caller's mark.  Hence no zone's free_pages
 * ever goes below `min`, whatever the caches hold.
 *
 * Per-hart caches keep order-0 pages per zone and hart; allocations and
 * frees of single pages usually touch no lock and no list but the cache.
 * A cache refills `batch` pages at a time from the zone when empty, and gives
 * `batch` back when it holds more than `high` (mm/buddy_setup.c names both).
 */
#ifndef TESSERA_MM_BUDDY_H
#define TESSERA_MM_BUDDY_H

#include "mm/mem.h"
#include "mm/memmap.h"

/* The buddy identity above; pfn must be a multiple of 2^order. */
static inline pfn_t buddy_pfn(pfn_t pfn, unsigned order)
{
	return pfn ^ ((pfn_t)1 << order);
}

/* The first pfn of the order + 1 block made of the block at pfn and its buddy. */
static inline pfn_t buddy_merged_pfn(pfn_t pfn, unsigned order)
{
	return pfn & ~((pfn_t)1 << order);
}

/*
 * Allocation flags, in tiers.
 *
 * Zone choice (at most one; none means ZONE_NORMAL; both count as ALLOC_DMA,
 * the stricter): the block comes from that zone or, failing that, from a
 * lower one; never a higher one.  Empty zones are skipped.
 */
#define ALLOC_DMA (1u << 0)    /* ZONE_DMA only */
#define ALLOC_DMA32 (1u << 1)  /* ZONE_DMA32, else ZONE_DMA */
#define ALLOC_ZONE_MASK (ALLOC_DMA | ALLOC_DMA32)
/* Behaviour. */
#define ALLOC_ZERO (1u << 4)   /* zero the block's bytes; fails without a phys window */
#define ALLOC_NOWAIT (1u << 5) /* cannot wait: may use the reserve between low and min */
#define ALLOC_SPARE (1u << 6)  /* only memory to spare: the zone stays at or above `high`
				* (a pager growing while it could reclaim instead); past
				* the cache, and no shrinker */
#define ALLOC_NOCACHE (1u << 7) /* allocate past the per-hart cache (tests, benchmarks) */
/* Ready-made combinations. */
#define ALLOC_KERNEL 0u
#define ALLOC_ATOMIC ALLOC_NOWAIT
#define ALLOC_KERNEL_ZERO ALLOC_ZERO

/*
 * Set up empty zones for memory `m` (blocks already filled in, all frames
 * FRAME_RESERVED) and the per-hart caches for `nharts` harts (0 counts as
 * 1; more than MEM_MAX_HARTS as MEM_MAX_HARTS).  this_hart() returns the
 * caller's index; NULL means hart 0 always; an index >= nharts bypasses the
 * caches.  A zone's span (start, end, present_pages) is kept if already set,
 * else computed from the frame blocks.  Free lists, counts, watermarks and
 * stats start at zero.  Requires that nothing allocates meanwhile.
 */
void buddy_init(struct mem *m, unsigned nharts, unsigned (*this_hart)(void));

/*
 * Give the pages [first, first + count) to the buddy (boot: every free range
 * of the boot memory map).  They must be RAM of m's blocks and reserved.
 * Splits them into the largest aligned blocks within each zone and frame
 * block, merging with free neighbours as buddy_free does, and adds them to
 * managed_pages.  Pfns that are not RAM (holes) are skipped; a page that is
 * RAM but not FRAME_RESERVED (given twice, or in a chunk buddy_boot left
 * unset: free already) is refused and counted in its zone's stats.bad_frees.
 */
void buddy_add_range(struct mem *m, pfn_t first, pfn_t count);

/*
 * The boot's way to feed the buddy (mm/boot_mem.c): m's blocks were added
 * by mem_add_block_unset, so no descriptor is written yet.  Each chunk
 * (mm/frame.h) wholly inside one range of `free`, its frame block and one
 * zone is left unwritten and counted as a free block of the largest order;
 * every other frame is set up reserved, and the rest of `free` given as
 * buddy_add_range does.  Boot cost then grows with the chunks, not the pages.
 */
void buddy_boot(struct mem *m, const struct memmap_list *free);

/*
 * Compute each zone's watermarks from its managed pages (formula in
 * mm/buddy.c: min grows with the square root of the zone's size).
 */
void buddy_set_watermarks(struct mem *m);

/*
 * Allocate 2^order contiguous pages.  Returns the head frame (refcount 1,
 * FRAME_ALLOCATED, order set; the other frames FRAME_TAIL) or NULL when no
 * allowed zone can serve it, or order >= MAX_ORDER.  An ordinary (not
 * ALLOC_NOWAIT) allocation that fails runs the shrinker once, gives the
 * calling hart's cached pages back to the lists, and tries once more.
 * ALLOC_ZERO: when the block is not entirely inside the phys window
 * (mm/phys.h) it cannot be zeroed, so it is freed again and NULL returned.
 */
struct frame *buddy_alloc(struct mem *m, unsigned order, unsigned flags);

/*
 * Free a block from buddy_alloc (head frame, its order); FRAME_SLAB is
 * cleared.  A single page goes to the calling hart's cache when caches are
 * on, however it was allocated (ALLOC_NOCACHE included).  A bad free (NULL
 * or a frame not of this table, not an allocated head, wrong order: a
 * double free, a tail, a reserved frame) changes no list and is counted in
 * stats.bad_frees of the frame's zone (ZONE_NORMAL for a frame not of this
 * table).
 */
void buddy_free(struct mem *m, struct frame *f, unsigned order);

/*
 * Return all per-hart cached pages to the buddy lists (all harts).  Reaches
 * into other harts' caches: requires that no other hart allocates or frees
 * meanwhile (boot, tests, or harts stopped).
 */
void buddy_drain_caches(struct mem *m);

/*
 * A shrinker: frees memory under pressure; returns pages freed.  One for the
 * whole system (the slab's), set at boot before other harts run; NULL: none.
 * It runs with no lock held and may call buddy_free, but must not make an
 * ordinary allocation (ALLOC_NOWAIT only): it would recurse.
 */
typedef uint64_t (*buddy_shrinker_fn)(void *arg);
void buddy_set_shrinker(buddy_shrinker_fn fn, void *arg);

/*
 * Free pages of a zone including its per-hart caches.  Reads without locks:
 * a snapshot, exact when no other hart allocates.
 */
uint64_t buddy_zone_free_pages(const struct mem *m, enum zone_id z);

/*
 * Check every invariant (alignment, flags, counts, full coalescing, zone
 * membership, no overlap).  Returns true, or false with the first broken
 * invariant described in why[] (may be NULL).  For tests and the selftest;
 * like buddy_drain_caches it requires that no other hart allocates.
 */
bool buddy_check(const struct mem *m, char *why, size_t why_size);

#endif
