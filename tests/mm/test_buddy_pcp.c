/*
 * Host unit tests of the buddy allocator's per-hart page caches (mm/buddy.c;
 * rules in mm/buddy.h): hits, misses, refills of BATCH and drains past
 * HIGH, and each hart's cache kept to itself.  The memory is the arena of
 * buddy_arena.h.
 */
#include <stdlib.h>
#include <string.h>

#include "buddy_arena.h"

#define BATCH 16u                        /* mm/buddy.c PCP_BATCH, checked below */
#define HIGH 64u                         /* mm/buddy.c PCP_HIGH, checked below */

/* ---- per-hart caches -------------------------------------------------------------- */

/* 80 single pages: 5 misses (each refills 16) and 75 hits; freeing them
 * drains 16 when the cache passes 64, leaving 64; draining returns them all. */
static void test_pcp_hits_misses_and_drains(void)
{
	const struct range r = { RAM_PFN, 1024 };
	struct pcp_cache *c = &mem.pcp[0][ZONE_DMA32];
	struct zone *z = &mem.zones[ZONE_DMA32];
	struct snapshot before, after;
	unsigned i;

	setup_free(0, &r, 1, 1);
	CHECK_EQ_U64(c->batch, BATCH);
	CHECK_EQ_U64(c->high, HIGH);
	snap(&before);
	for (i = 0; i < 80; i++) {
		held[i] = buddy_alloc(&mem, 0, 0);
		CHECK(held[i] != NULL);
		held_order[i] = 0;
	}
	CHECK_EQ_U64(c->misses, 80 / BATCH);
	CHECK_EQ_U64(c->hits, 80 - 80 / BATCH);
	CHECK_EQ_U64(c->count, 0);
	CHECK_EQ_U64(z->stats.allocs[0], 80);
	CHECK_EQ_U64(z->free_pages, 1024 - 80);
	for (i = 0; i < HIGH; i++)
		buddy_free(&mem, held[i], 0);
	CHECK_EQ_U64(c->count, HIGH);
	CHECK_EQ_U64(z->stats.frees[0], 0);
	buddy_free(&mem, held[HIGH], 0);
	CHECK_EQ_U64(c->count, HIGH + 1 - BATCH);
	CHECK_EQ_U64(z->stats.frees[0], BATCH);
	for (i = HIGH + 1; i < 80; i++)
		buddy_free(&mem, held[i], 0);
	CHECK_EQ_U64(c->count, 80 - BATCH);
	CHECK_EQ_U64(buddy_zone_free_pages(&mem, ZONE_DMA32), 1024);
	CHECK_BUDDY_OK();
	buddy_drain_caches(&mem);
	CHECK_EQ_U64(c->count, 0);
	snap(&after);
	CHECK(same_snapshot(&before, &after));
	CHECK_BUDDY_OK();
}

static bool cache_holds(unsigned hart, const struct frame *f)
{
	const struct list *l;

	list_for_each(l, &mem.pcp[hart][f->zone].pages)
		if (container_of(l, struct frame, link) == f)
			return true;
	return false;
}

/* Each hart refills and frees into its own cache; a hart index out of range
 * or pcp_enabled = false bypasses the caches. */
static void test_pcp_caches_stay_separate_per_hart(void)
{
	const struct range r = { RAM_PFN, 1024 };
	struct frame *a, *b, *c;

	setup_free(0, &r, 1, 2);
	cur_hart = 0;
	a = buddy_alloc(&mem, 0, 0);
	cur_hart = 1;
	b = buddy_alloc(&mem, 0, 0);
	CHECK(a && b && a != b);
	if (!a || !b)
		return;
	CHECK_EQ_U64(mem.pcp[0][ZONE_DMA32].count, BATCH - 1);
	CHECK_EQ_U64(mem.pcp[1][ZONE_DMA32].count, BATCH - 1);
	CHECK_EQ_U64(mem.pcp[1][ZONE_DMA32].misses, 1);
	buddy_free(&mem, a, 0);               /* hart 1 frees hart 0's page */
	CHECK(cache_holds(1, a) && !cache_holds(0, a));
	cur_hart = 0;
	buddy_free(&mem, b, 0);
	CHECK(cache_holds(0, b) && !cache_holds(1, b));
	CHECK_EQ_U64(mem.pcp[0][ZONE_DMA32].count, BATCH);
	CHECK_EQ_U64(mem.pcp[1][ZONE_DMA32].count, BATCH);
	CHECK_BUDDY_OK();
	cur_hart = 7;                         /* no cache: straight to the lists */
	c = buddy_alloc(&mem, 0, 0);
	CHECK(c && c->flags == FRAME_ALLOCATED);
	CHECK_EQ_U64(mem.pcp[0][ZONE_DMA32].count + mem.pcp[1][ZONE_DMA32].count, 2 * BATCH);
	buddy_free(&mem, c, 0);
	CHECK_EQ_U64(mem.zones[ZONE_DMA32].free_pages, 1024 - 2 * BATCH);
	cur_hart = 0;
	mem.pcp_enabled = false;
	c = buddy_alloc(&mem, 0, 0);
	buddy_free(&mem, c, 0);
	CHECK_EQ_U64(mem.pcp[0][ZONE_DMA32].count, BATCH);
	CHECK_EQ_U64(mem.zones[ZONE_DMA32].stats.allocs[0], 2 * BATCH + 2);
	buddy_drain_caches(&mem);             /* drains even with caches off */
	CHECK_EQ_U64(mem.zones[ZONE_DMA32].free_pages, 1024);
	CHECK_BUDDY_OK();
}

/*
 * ALLOC_ZERO from the cache: a hit (the fast path), the hottest page, its
 * old bytes zeroed.  A page outside the phys window (a range at 4 GiB,
 * which the arena does not back) cannot be zeroed: NULL, and the page is
 * back in the cache it came from.
 */
static void test_pcp_hit_zeroed_or_given_back(void)
{
	const struct range r[2] = { { RAM_PFN, 1024 }, { 0x100000, 1024 } };
	struct pcp_cache *c = &mem.pcp[0][ZONE_DMA32], *n = &mem.pcp[0][ZONE_NORMAL];
	struct frame *f, *g;
	uint8_t *page;
	uint64_t hits, i, nonzero = 0;

	setup_free(0, r, 1, 1);
	f = buddy_alloc(&mem, 0, 0);
	CHECK(f != NULL);
	page = phys_to_virt(mem_frame_pa(&mem, f));
	memset(page, 0xff, PAGE_SIZE);
	buddy_free(&mem, f, 0);
	hits = c->hits;
	g = buddy_alloc(&mem, 0, ALLOC_ZERO);
	CHECK(g == f);
	CHECK_EQ_U64(c->hits, hits + 1);
	for (i = 0; i < PAGE_SIZE; i++)
		nonzero += page[i] != 0;
	CHECK_EQ_U64(nonzero, 0);
	buddy_free(&mem, g, 0);
	CHECK_BUDDY_OK();

	setup_free(0, r, 2, 1);
	f = buddy_alloc(&mem, 0, 0);
	CHECK(f != NULL && mem_frame_pfn(&mem, f) >= 0x100000);
	buddy_free(&mem, f, 0);
	CHECK_EQ_U64(n->count, BATCH);
	CHECK(buddy_alloc(&mem, 0, ALLOC_ZERO) == NULL);
	CHECK_EQ_U64(n->count, BATCH);
	CHECK(cache_holds(0, f));
	CHECK_EQ_U64(buddy_zone_free_pages(&mem, ZONE_NORMAL), 1024);
	CHECK_BUDDY_OK();
}

int main(void)
{
	if (!buddy_arena_setup())
		return 1;
	RUN(test_pcp_hits_misses_and_drains);
	RUN(test_pcp_caches_stay_separate_per_hart);
	RUN(test_pcp_hit_zeroed_or_given_back);
	buddy_arena_teardown();
	return test_done();
}
