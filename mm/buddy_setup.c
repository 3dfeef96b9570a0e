/*
 * The buddy allocator's set-up (mm/buddy.h): zones and per-hart caches made
 * empty (buddy_init), RAM given to the free lists as maximal aligned blocks
 * (buddy_add_range; at boot buddy_boot, which leaves wholly free chunks'
 * descriptors unwritten), the set-up of such a chunk on first use
 * (buddy_set_up_chunk), and each zone's watermarks from its size
 * (buddy_set_watermarks).  The free lists, the caches and the allocation
 * paths are mm/buddy.c; its header states the invariants these functions
 * establish.
 *
 * Locks: buddy_init, buddy_boot and buddy_set_watermarks run before any
 * allocation, on one hart; buddy_add_range takes each zone's lock while it
 * gives that zone pages (one zone lock at a time, as everywhere in the
 * buddy); buddy_set_up_chunk runs under its zone's lock.
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
	z->deferred = 0;
	z->deferred_top = 0;
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

/* The fast path's zone: the highest with managed pages (alloc_pass's first choice). */
static void set_fast_zone(struct mem *m)
{
	int z;

	for (z = ZONE_NORMAL; z > ZONE_DMA && !m->zones[z].managed_pages; z--)
		;
	m->fast_zone = (uint8_t)z;
}

static pfn_t chunk_pages(void)
{
	return (pfn_t)1 << FRAME_CHUNK_ORDER;
}

/* The first chunk after p's, below stop, whose descriptors are not set up; else stop. */
static pfn_t next_unset(const struct frame_block *b, pfn_t p, pfn_t stop)
{
	pfn_t c;

	if (!b->unset)
		return stop;
	for (c = ALIGN_DOWN(p, chunk_pages()) + chunk_pages(); c < stop; c += chunk_pages())
		if (frame_block_unset(b, c))
			return c;
	return stop;
}

/*
 * Give [first, first + count) to the buddy.  A chunk not set up is free
 * already: skipped, and counted in bad_frees page by page unless `boot`
 * (buddy_boot feeds the free ranges around the chunks it left unset).
 */
static void add_range(struct mem *m, pfn_t first, pfn_t count, bool boot)
{
	pfn_t end = first + count < first ? (pfn_t)-1 : first + count;
	const struct frame_block *b;
	pfn_t p = first;

	while (p < end && (b = mem_block_from(m, p)) != NULL && b->first < end) {
		pfn_t stop = b->first + b->count < end ? b->first + b->count : end;

		if (p < b->first)
			p = b->first;
		if (frame_block_unset(b, p)) {
			pfn_t next = ALIGN_DOWN(p, chunk_pages()) + chunk_pages();
			struct zone *z = &m->zones[zone_of(pfn_to_pa(p), m->dma_limit)];

			next = next < stop ? next : stop;
			if (!boot) {
				spin_lock(&z->lock);
				z->stats.bad_frees += next - p;
				spin_unlock(&z->lock);
			}
			p = next;
			continue;
		}
		p = buddy_add_run(m, b, p, next_unset(b, p, stop));
	}
	set_fast_zone(m);
}

void buddy_add_range(struct mem *m, pfn_t first, pfn_t count)
{
	add_range(m, first, count, false);
}

/* Whether [pa, end) lies inside one range of l, from *at on (l sorted). */
static bool in_ranges(const struct memmap_list *l, unsigned *at, paddr_t pa, paddr_t end)
{
	while (*at < l->n && l->r[*at].end <= pa)
		(*at)++;
	return *at < l->n && l->r[*at].start <= pa && end <= l->r[*at].end;
}

/*
 * Decide, chunk by chunk, what of block b (descriptors unwritten) is set up
 * now: a chunk wholly inside b, one free range and one zone is left unset
 * and marked; every other frame is written FRAME_RESERVED.
 */
static void plan_block(struct mem *m, const struct frame_block *b, const struct memmap_list *free)
{
	pfn_t p = b->first, end = b->first + b->count;
	unsigned at = 0;

	while (p < end) {
		pfn_t next = ALIGN_DOWN(p, chunk_pages()) + chunk_pages();
		paddr_t pa = pfn_to_pa(p);

		if (next - chunk_pages() == p && next <= end &&
		    in_ranges(free, &at, pa, pfn_to_pa(next)) &&
		    zone_of(pa, m->dma_limit) == zone_of(pfn_to_pa(next) - 1, m->dma_limit)) {
			b->unset[frame_chunk_word(p)] |= frame_chunk_bit(p);
		} else {
			next = next < end ? next : end;
			mem_set_up_frames(m, b, p, next);
		}
		p = next;
	}
}

/* Count every unset chunk as a free block of the largest order in its zone. */
static void count_unset(struct mem *m, const struct frame_block *b)
{
	pfn_t c;

	for (c = ALIGN_UP(b->first, chunk_pages()); c + chunk_pages() <= b->first + b->count;
	     c += chunk_pages()) {
		struct zone *z = &m->zones[zone_of(pfn_to_pa(c), m->dma_limit)];

		if (!frame_block_unset(b, c))
			continue;
		z->deferred++;
		z->free[FRAME_CHUNK_ORDER].count++;
		z->free_pages += chunk_pages();
		z->managed_pages += chunk_pages();
		if (z->deferred_top < c + chunk_pages())
			z->deferred_top = c + chunk_pages();
	}
}

void buddy_boot(struct mem *m, const struct memmap_list *free)
{
	unsigned i;

	for (i = 0; i < m->nblocks; i++)
		if (m->blocks[i].unset)
			plan_block(m, &m->blocks[i], free);
	for (i = 0; i < free->n; i++)
		add_range(m, pa_to_pfn(free->r[i].start),
			  pa_to_pfn(free->r[i].end) - pa_to_pfn(free->r[i].start), true);
	for (i = 0; i < m->nblocks; i++)
		if (m->blocks[i].unset)
			count_unset(m, &m->blocks[i]);
	set_fast_zone(m);
}

/*
 * Write the descriptors of b's unset chunk at c (zone zid): the head of a
 * free block of the largest order, and its tails; then clear its bit (zone
 * lock held: mm/frame.h says why that orders readers after the writes).
 */
static void set_up_chunk(const struct frame_block *b, pfn_t c, uint8_t zid)
{
	struct frame *f = &b->frames[c - b->first], *end = f + chunk_pages(), *t;
	const struct frame head = frame_unset_view(c, zid), tail = frame_unset_view(c + 1, zid);

	/* The two views, each written whole with its link (one store a word). */
	*f = head;
	list_init(&f->link);
	for (t = f + 1; t < end; t++) {
		*t = tail;
		list_init(&t->link);
	}
	__atomic_fetch_and(&b->unset[frame_chunk_word(c)], ~frame_chunk_bit(c), __ATOMIC_RELAXED);
}

/* See mm/buddy_internal.h. */
bool buddy_set_up_chunk(struct mem *m, struct zone *z)
{
	pfn_t zone_first = ALIGN_UP(pa_to_pfn(z->start), chunk_pages());
	unsigned i = m->nblocks;

	while (i-- > 0) {
		const struct frame_block *b = &m->blocks[i];
		pfn_t lo = ALIGN_UP(b->first, chunk_pages());
		pfn_t c = b->first + b->count < z->deferred_top ? b->first + b->count
								 : z->deferred_top;

		if (!b->unset)
			continue;
		lo = lo > zone_first ? lo : zone_first;
		for (c = ALIGN_DOWN(c, chunk_pages()); c >= lo + chunk_pages();) {
			c -= chunk_pages();
			if (!frame_block_unset(b, c))
				continue;
			set_up_chunk(b, c, (uint8_t)(z - m->zones));
			list_push(&z->free[FRAME_CHUNK_ORDER].blocks, &b->frames[c - b->first].link);
			z->deferred--;
			z->deferred_top = c;
			return true;
		}
	}
	return false;
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
