/*
 * The buddy allocator's set-up (mm/buddy.h): zones and per-hart caches made
 * empty (buddy_init), RAM given to the free lists as maximal aligned blocks
 * (buddy_add_range), and each zone's watermarks from its size
 * (buddy_set_watermarks).  The free lists, the caches and the allocation
 * paths are mm/buddy.c; its header states the invariants these functions
 * establish.
 *
 * Locks: buddy_init and buddy_set_watermarks run before any allocation, on
 * one hart; buddy_add_range takes each zone's lock while it gives that zone
 * pages (one zone lock at a time, as everywhere in the buddy).
 */
#include <string.h>

#include "mm/buddy_internal.h"
#include "mm/phys.h"

/* Per-hart caches: pages moved per refill or drain, and the fill above which one drains. */
#define PCP_BATCH 16
#define PCP_HIGH 64

/*
 * Watermarks, per zone of M managed pages: min = isqrt(M) pages, i.e.
 * 2 * sqrt(managed KiB) KiB (half of Linux's min_free_kbytes rule, applied
 * per zone): 724 KiB for 128 MiB, 5.7 MiB for 8 GiB.  At least
 * WMARK_MIN_FLOOR pages, at most 1/WMARK_MAX_SHARE of the zone (tiny zones).
 * low = min * 5/4, high = min * 3/2.
 */
#define WMARK_MIN_FLOOR 16
#define WMARK_MAX_SHARE 8
#define WMARK_LOW_NUM 5
#define WMARK_LOW_DEN 4
#define WMARK_HIGH_NUM 3
#define WMARK_HIGH_DEN 2

static unsigned hart_zero(void)
{
	return 0;
}

/* Span and present pages of zone id from the frame blocks, by address. */
static void zone_span(struct mem *m, enum zone_id id)
{
	const paddr_t bounds[ZONE_COUNT + 1] = { 0, m->dma_limit, ZONE_DMA32_LIMIT, UINT64_MAX };
	struct zone *z = &m->zones[id];
	unsigned i;

	for (i = 0; i < m->nblocks; i++) {
		paddr_t lo = pfn_to_pa(m->blocks[i].first);
		paddr_t hi = pfn_to_pa(m->blocks[i].first + m->blocks[i].count);

		lo = lo > bounds[id] ? lo : bounds[id];
		hi = hi < bounds[id + 1] ? hi : bounds[id + 1];
		if (lo >= hi)
			continue;
		if (!z->present_pages)
			z->start = lo;
		z->end = hi;
		z->present_pages += pa_to_pfn(hi - lo);
	}
}

/* Empty lists, zero counts, stats and watermarks; the span if not set yet. */
static void zone_init(struct mem *m, enum zone_id id)
{
	struct zone *z = &m->zones[id];
	unsigned k;

	z->name = zone_name(id);
	z->managed_pages = 0;
	z->free_pages = 0;
	memset(z->watermark, 0, sizeof(z->watermark));
	memset(&z->stats, 0, sizeof(z->stats));
	for (k = 0; k < MAX_ORDER; k++) {
		list_init(&z->free[k].blocks);
		z->free[k].count = 0;
	}
	z->lock = (struct spinlock)SPINLOCK_INIT;
	if (!z->present_pages)
		zone_span(m, id);
}

void buddy_init(struct mem *m, unsigned nharts, unsigned (*this_hart)(void))
{
	unsigned h, z;

	for (z = 0; z < ZONE_COUNT; z++)
		zone_init(m, (enum zone_id)z);
	for (h = 0; h < MEM_MAX_HARTS; h++) {
		for (z = 0; z < ZONE_COUNT; z++) {
			struct pcp_cache *c = &m->pcp[h][z];

			*c = (struct pcp_cache){ .high = PCP_HIGH, .batch = PCP_BATCH };
			list_init(&c->pages);
		}
	}
	m->nharts = nharts == 0 ? 1 : nharts > MEM_MAX_HARTS ? MEM_MAX_HARTS : nharts;
	m->this_hart = this_hart ? this_hart : hart_zero;
	m->pcp_enabled = true;
	for (z = 0; z < PCP_ZONE_SLOTS; z++) {
		m->pcp_closed[z] = (struct pcp_cache){ .high = 0 };
		list_init(&m->pcp_closed[z].pages);
	}
	for (h = 0; h < MEM_MAX_HARTS; h++)
		m->pcp_row[h] = h < m->nharts ? m->pcp[h] : m->pcp_closed;
}

/* The frame block holding pfn or else the first one above it; NULL if none. */
static const struct frame_block *block_from(const struct mem *m, pfn_t pfn)
{
	unsigned i;

	for (i = 0; i < m->nblocks; i++)
		if (pfn < m->blocks[i].first + m->blocks[i].count)
			return &m->blocks[i];
	return NULL;
}

/* The fast path's zone: the highest with managed pages (alloc_pass's first choice). */
static void set_fast_zone(struct mem *m)
{
	int z;

	for (z = ZONE_NORMAL; z > ZONE_DMA && !m->zones[z].managed_pages; z--)
		;
	m->fast_zone = (uint8_t)z;
}

void buddy_add_range(struct mem *m, pfn_t first, pfn_t count)
{
	pfn_t end = first + count < first ? (pfn_t)-1 : first + count;
	const struct frame_block *b;
	pfn_t p = first;

	while (p < end && (b = block_from(m, p)) != NULL && b->first < end) {
		pfn_t stop = b->first + b->count < end ? b->first + b->count : end;

		if (p < b->first)
			p = b->first;
		p = buddy_add_run(m, b, p, stop);
	}
	set_fast_zone(m);
}

/* floor(sqrt(n)), bit by bit. */
static uint64_t isqrt(uint64_t n)
{
	uint64_t root = 0, bit = (uint64_t)1 << 62;

	while (bit > n)
		bit >>= 2;
	for (; bit; bit >>= 2) {
		if (n >= root + bit) {
			n -= root + bit;
			root = (root >> 1) + bit;
		} else {
			root >>= 1;
		}
	}
	return root;
}

void buddy_set_watermarks(struct mem *m)
{
	unsigned z;

	for (z = 0; z < ZONE_COUNT; z++) {
		struct zone *zone = &m->zones[z];
		uint64_t min = isqrt(zone->managed_pages);

		if (min < WMARK_MIN_FLOOR)
			min = WMARK_MIN_FLOOR;
		if (min > zone->managed_pages / WMARK_MAX_SHARE)
			min = zone->managed_pages / WMARK_MAX_SHARE;
		zone->watermark[WMARK_MIN] = min;
		zone->watermark[WMARK_LOW] = min * WMARK_LOW_NUM / WMARK_LOW_DEN;
		zone->watermark[WMARK_HIGH] = min * WMARK_HIGH_NUM / WMARK_HIGH_DEN;
	}
}
