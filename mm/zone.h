/*
 * Memory zones: which physical addresses a block may come from.
 *
 *   ZONE_DMA     below the tightest DMA limit of any device (dma-ranges), when
 *                that is below 4 GiB, or as set by zone_dma= (for teaching)
 *   ZONE_DMA32   below 4 GiB
 *   ZONE_NORMAL  the rest
 *
 * Any zone may be empty.  Allocation falls back NORMAL -> DMA32 -> DMA, never
 * upward: memory a device can reach is kept for those that need it.
 */
#ifndef TESSERA_MM_ZONE_H
#define TESSERA_MM_ZONE_H

#include "mm/list.h"
#include "mm/lock.h"
#include "tessera/types.h"

#ifndef MAX_ORDER
#define MAX_ORDER 11 /* orders 0..10: blocks up to 4 MiB (meson option max_order) */
#endif

enum zone_id { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_COUNT };

#define ZONE_DMA32_LIMIT ((paddr_t)4 * GiB)

enum watermark { WMARK_MIN, WMARK_LOW, WMARK_HIGH, WMARK_COUNT };

struct free_area {
	struct list blocks; /* head frames of free blocks of this order */
	uint64_t count;     /* blocks on the list (buddyinfo) */
};

/*
 * Blocks taking and leaving the free lists.  A per-hart cache refill of n
 * pages counts n in allocs[0], a drain n in frees[0]; pages moving between
 * a cache and its users are counted in the cache (hits, misses) instead.
 */
struct zone_stats {
	uint64_t allocs[MAX_ORDER];  /* blocks taken off the free lists, per order */
	uint64_t frees[MAX_ORDER];   /* blocks put back by buddy_free or a drain */
	uint64_t failures;           /* allocations this zone could not serve */
	uint64_t merges;             /* buddy merges on free */
	uint64_t bad_frees;          /* frees refused: not an allocated head of that order */
};

/*
 * lock protects free[], free_pages, deferred and stats.  Fields set at boot (span,
 * present, managed, watermarks) are read without it.
 */
struct zone {
	const char *name;          /* "DMA", "DMA32", "NORMAL" */
	paddr_t start, end;        /* span [start, end): lowest to highest RAM in the zone */
	uint64_t present_pages;    /* RAM pages in the span */
	uint64_t managed_pages;    /* pages handed to the buddy */
	uint64_t free_pages;       /* in free lists (not counting per-hart caches) */
	uint64_t watermark[WMARK_COUNT];
	struct free_area free[MAX_ORDER];
	/*
	 * Free chunks of the largest order whose descriptors are not set up
	 * yet (mm/frame.h): counted in free[MAX_ORDER - 1].count and in
	 * free_pages, but on no list; every one lies below pfn deferred_top.
	 */
	uint64_t deferred;
	pfn_t deferred_top;
	struct zone_stats stats;
	struct spinlock lock;
};

/* "DMA", "DMA32", "NORMAL". */
const char *zone_name(enum zone_id id);

/* The zone of a physical address, given the DMA limit (0: no DMA zone). */
enum zone_id zone_of(paddr_t pa, paddr_t dma_limit);

#endif
