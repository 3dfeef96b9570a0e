/*
 * Host unit tests of the buddy allocator (mm/buddy.c; API and rules in
 * mm/buddy.h): the buddy identity, buddy_add_range, allocation and free of
 * every order, zones and their fallback, watermarks and the shrinker, and
 * ALLOC_ZERO.  The per-hart caches, bad frees and buddy_check have files of
 * their own (test_buddy_pcp.c, test_buddy_check.c); all run on the arena
 * of buddy_arena.h.
 */
#include <stdlib.h>
#include <string.h>

#include "buddy_arena.h"

#define PFN_4GIB (ZONE_DMA32_LIMIT >> PAGE_SHIFT)
#define FILL_BYTE 0xa5                   /* "not zeroed" */
#define MAX_BLOCK_PAGES ((pfn_t)1 << (MAX_ORDER - 1))

/* Whether zone z's order list holds the block at pfn. */
static bool block_is_free(enum zone_id z, pfn_t pfn, unsigned order)
{
	const struct list *l;

	list_for_each(l, &mem.zones[z].free[order].blocks)
		if (pfn_of(container_of(l, struct frame, link)) == pfn)
			return true;
	return false;
}

/* Free blocks of every order in zone z. */
static uint64_t total_blocks(enum zone_id z)
{
	uint64_t n = 0;
	unsigned k;

	for (k = 0; k < MAX_ORDER; k++)
		n += mem.zones[z].free[k].count;
	return n;
}

/* ---- the buddy identity ------------------------------------------------------ */

/* The worked example of mm/buddy.h: 0x80010 (order 4) has buddy 0x80000, and
 * freeing both halves of 0x80000 order 5 merges them back, exactly once. */
static void test_buddy_identity_worked_example(void)
{
	const struct range r = { RAM_PFN, 32 };
	struct frame *low, *high;

	CHECK_EQ_U64(buddy_pfn(0x80010, 4), 0x80000);
	CHECK_EQ_U64(buddy_pfn(0x80000, 4), 0x80010);
	CHECK_EQ_U64(buddy_merged_pfn(0x80010, 4), 0x80000);
	CHECK_EQ_U64(buddy_merged_pfn(0x80000, 4), 0x80000);
	NEED_MAX_ORDER(6);
	setup_free(0, &r, 1, 1);
	CHECK(block_is_free(ZONE_DMA32, 0x80000, 5));
	low = buddy_alloc(&mem, 4, ALLOC_NOCACHE);
	high = buddy_alloc(&mem, 4, ALLOC_NOCACHE);
	CHECK(low && high);
	if (!low || !high)
		return;
	CHECK_EQ_U64(pfn_of(low), 0x80000);
	CHECK_EQ_U64(pfn_of(high), 0x80010);
	buddy_free(&mem, high, 4);
	CHECK(block_is_free(ZONE_DMA32, 0x80010, 4));
	CHECK_EQ_U64(mem.zones[ZONE_DMA32].stats.merges, 0);
	buddy_free(&mem, low, 4);
	CHECK(block_is_free(ZONE_DMA32, 0x80000, 5));
	CHECK_EQ_U64(total_blocks(ZONE_DMA32), 1);
	CHECK_EQ_U64(mem.zones[ZONE_DMA32].stats.merges, 1);
	CHECK_BUDDY_OK();
}

/* ---- buddy_add_range -------------------------------------------------------- */

/* Pages [0x80003, 0x80040) become the maximal aligned blocks 1+4+8+16+32;
 * adding [0x80000, 0x80003) later merges all into one order-6 block. */
static void test_add_range_makes_maximal_aligned_blocks(void)
{
	const struct range r = { RAM_PFN, 0x40 };
	struct zone *z = &mem.zones[ZONE_DMA32];

	NEED_MAX_ORDER(7);
	setup(0, &r, 1, 1);
	buddy_add_range(&mem, 0x80003, 0x3d);
	CHECK(block_is_free(ZONE_DMA32, 0x80003, 0));
	CHECK(block_is_free(ZONE_DMA32, 0x80004, 2));
	CHECK(block_is_free(ZONE_DMA32, 0x80008, 3));
	CHECK(block_is_free(ZONE_DMA32, 0x80010, 4));
	CHECK(block_is_free(ZONE_DMA32, 0x80020, 5));
	CHECK_EQ_U64(total_blocks(ZONE_DMA32), 5);
	CHECK_EQ_U64(z->free_pages, 0x3d);
	CHECK_EQ_U64(z->managed_pages, 0x3d);
	CHECK(frame_at(0x80000)->flags == FRAME_RESERVED);
	CHECK(frame_at(0x80005)->flags == FRAME_TAIL);
	CHECK_BUDDY_OK();
	buddy_add_range(&mem, 0x80000, 3);
	CHECK(block_is_free(ZONE_DMA32, 0x80000, 6));
	CHECK_EQ_U64(total_blocks(ZONE_DMA32), 1);
	CHECK_EQ_U64(z->managed_pages, 0x40);
	CHECK_BUDDY_OK();
}

/* Buddies split by a frame-block edge or by the DMA limit never merge, and
 * a hole between ranges is skipped; giving pages twice is refused. */
static void test_add_range_respects_zone_and_block_boundaries(void)
{
	const struct range r[] = {
		{ 0x80000, 8 }, { 0x80008, 8 }, { 0x80010, 0x30 }, { 0x80100, 0x100 },
	};
	struct snapshot before, after;

	NEED_MAX_ORDER(6);
	setup(pfn_to_pa(0x80020), r, 4, 1);
	buddy_add_range(&mem, 0x80000, 0x200);  /* the hole 0x80040-0x80100 too */
	CHECK(block_is_free(ZONE_DMA, 0x80000, 3));
	CHECK(block_is_free(ZONE_DMA, 0x80008, 3));
	CHECK(block_is_free(ZONE_DMA, 0x80010, 4));
	CHECK(block_is_free(ZONE_DMA32, 0x80020, 5));
	CHECK_EQ_U64(total_blocks(ZONE_DMA), 3);
	CHECK_EQ_U64(mem.zones[ZONE_DMA].managed_pages, 0x20);
	CHECK_EQ_U64(mem.zones[ZONE_DMA32].managed_pages, 0x120);
	CHECK_EQ_U64(mem.zones[ZONE_DMA].end, pfn_to_pa(0x80020));
	CHECK_EQ_U64(mem.zones[ZONE_DMA32].present_pages, 0x120);
	CHECK(MAX_ORDER < 9 || block_is_free(ZONE_DMA32, 0x80100, 8));
	CHECK_BUDDY_OK();
	/* Allocating and freeing everything does not merge across either edge. */
	snap(&before);
	free_held(alloc_until_null(0, ALLOC_NOCACHE, 0));
	buddy_drain_caches(&mem);
	snap(&after);
	CHECK(same_snapshot(&before, &after));
	CHECK_EQ_U64(bad_frees(), 0);
	buddy_add_range(&mem, 0x80000, 4);
	CHECK_EQ_U64(mem.zones[ZONE_DMA].stats.bad_frees, 4);
	snap(&after);
	CHECK(same_snapshot(&before, &after));
	CHECK_BUDDY_OK();
}

/* One frame block across 4 GiB with no phys window: DMA32 and NORMAL each get
 * their half, allocations go to the right zone, and ALLOC_ZERO fails cleanly. */
static void test_zones_across_4gib_without_window(void)
{
	const struct range r = { PFN_4GIB - 0x100, 0x200 };
	struct snapshot before, after;
	struct frame *f;

	NEED_MAX_ORDER(3);
	setup_free(0, &r, 1, 1);
	CHECK_EQ_U64(mem.zones[ZONE_DMA32].managed_pages, 0x100);
	CHECK_EQ_U64(mem.zones[ZONE_NORMAL].managed_pages, 0x100);
	CHECK_EQ_U64(mem.zones[ZONE_DMA32].end, ZONE_DMA32_LIMIT);
	CHECK_EQ_U64(mem.zones[ZONE_NORMAL].start, ZONE_DMA32_LIMIT);
	CHECK(MAX_ORDER < 9 || block_is_free(ZONE_NORMAL, PFN_4GIB, 8));
	f = buddy_alloc(&mem, 2, 0);
	CHECK(f && pfn_of(f) >= PFN_4GIB && f->zone == ZONE_NORMAL);
	buddy_free(&mem, f, 2);
	f = buddy_alloc(&mem, 2, ALLOC_DMA32);
	CHECK(f && pfn_of(f) < PFN_4GIB && f->zone == ZONE_DMA32);
	buddy_free(&mem, f, 2);
	snap(&before);
	CHECK(buddy_alloc(&mem, 2, ALLOC_ZERO | ALLOC_NOCACHE) == NULL);
	CHECK(buddy_alloc(&mem, 0, ALLOC_ZERO | ALLOC_NOCACHE) == NULL);
	snap(&after);
	CHECK(same_snapshot(&before, &after));
	CHECK_EQ_U64(bad_frees(), 0);
	CHECK_BUDDY_OK();
}

/* ---- allocation and free --------------------------------------------------------- */

/* Every order 0..MAX_ORDER-1 allocates an aligned block with the head and
 * tail flags of mm/frame.h, and freeing it restores the lists; MAX_ORDER fails. */
static void test_alloc_free_every_order(void)
{
	const struct range r = { RAM_PFN, 2 * MAX_BLOCK_PAGES };
	struct snapshot before, after;
	unsigned order;

	setup_free(0, &r, 1, 1);
	mem.pcp_enabled = false;              /* single pages too: the lists */
	snap(&before);
	for (order = 0; order < MAX_ORDER; order++) {
		struct frame *f = buddy_alloc(&mem, order, ALLOC_NOCACHE);
		pfn_t i;

		CHECK(f != NULL);
		if (!f)
			continue;
		CHECK_EQ_U64(f->flags, FRAME_ALLOCATED);
		CHECK_EQ_U64(f->order, order);
		CHECK_EQ_U64(f->refcount, 1);
		CHECK(IS_ALIGNED(pfn_of(f), (pfn_t)1 << order));
		for (i = 1; i < ((pfn_t)1 << order); i++)
			if (f[i].flags != FRAME_TAIL)
				break;
		CHECK_EQ_U64(i, (pfn_t)1 << order);
		CHECK_EQ_U64(mem.zones[f->zone].stats.allocs[order], 1);
		CHECK_BUDDY_OK();
		buddy_free(&mem, f, order);
		CHECK_EQ_U64(mem.zones[f->zone].stats.frees[order], 1);
		snap(&after);
		CHECK(same_snapshot(&before, &after));
	}
	CHECK(buddy_alloc(&mem, MAX_ORDER, 0) == NULL);
	CHECK(buddy_alloc(&mem, MAX_ORDER + 5, ALLOC_NOWAIT) == NULL);
	CHECK_BUDDY_OK();
}

/* Allocating all memory in mixed orders and freeing it in shuffled order
 * (through the caches too) ends with exactly the initial buddyinfo. */
static void test_full_coalescing_after_freeing_everything(void)
{
	const struct range r[] = { { RAM_PFN + 1, 1000 }, { RAM_PFN + 0x500, 777 } };
	struct snapshot before, after;
	unsigned n = 0, order, i;

	setup_free(pfn_to_pa(RAM_PFN + 0x300), r, 2, 1);
	snap(&before);
	srand(7);
	for (order = MAX_ORDER; order-- > 0;)
		n += alloc_until_null(order, order % 2 ? ALLOC_DMA : 0, n);
	n += alloc_until_null(0, 0, n);
	CHECK_EQ_U64(buddy_zone_free_pages(&mem, ZONE_DMA32), 0);
	CHECK_EQ_U64(buddy_zone_free_pages(&mem, ZONE_DMA), 0);
	for (i = n; i > 1; i--) {
		unsigned j = (unsigned)rand() % i;
		struct frame *f = held[j];
		unsigned o = held_order[j];

		held[j] = held[i - 1];
		held_order[j] = held_order[i - 1];
		held[i - 1] = f;
		held_order[i - 1] = o;
	}
	free_held(n);
	CHECK_BUDDY_OK();
	buddy_drain_caches(&mem);
	snap(&after);
	CHECK(same_snapshot(&before, &after));
	CHECK_BUDDY_OK();
}

/* ---- zones ------------------------------------------------------------------- */

/* ALLOC_DMA gets only DMA pages and fails when DMA is empty, whatever DMA32
 * holds; ALLOC_DMA32 and ordinary allocations fall back downward. */
static void test_zone_fallback_only_downward(void)
{
	const struct range r = { RAM_PFN, 0x400 };
	const pfn_t limit = RAM_PFN + 0x100;
	const unsigned big = MAX_ORDER > 4 ? 4 : MAX_ORDER - 1;
	unsigned n, i;

	setup_free(pfn_to_pa(limit), &r, 1, 1);
	n = alloc_until_null(0, ALLOC_DMA | ALLOC_NOCACHE, 0);
	CHECK_EQ_U64(n, 0x100);
	for (i = 0; i < n; i++)
		CHECK(pfn_of(held[i]) < limit && held[i]->zone == ZONE_DMA);
	CHECK(buddy_alloc(&mem, 0, ALLOC_DMA) == NULL);
	CHECK(mem.zones[ZONE_DMA32].free_pages == 0x300);
	free_held(n);

	/* ZONE_NORMAL is empty: ordinary allocations take DMA32, then DMA. */
	n = alloc_until_null(0, ALLOC_NOCACHE, 0);
	CHECK_EQ_U64(n, 0x400);
	for (i = 0; i < n; i++)
		CHECK(held[i]->zone == (i < 0x300 ? ZONE_DMA32 : ZONE_DMA));
	free_held(n);

	/* ALLOC_DMA32 with DMA32 exhausted falls back to DMA. */
	n = alloc_until_null(big, ALLOC_DMA32 | ALLOC_NOCACHE, 0);
	CHECK_EQ_U64(n, 0x400 >> big);
	CHECK(held[n - 1]->zone == ZONE_DMA && held[0]->zone == ZONE_DMA32);
	free_held(n);
	CHECK(mem.zones[ZONE_DMA32].stats.failures > 0);
	CHECK_BUDDY_OK();
}

/* ---- watermarks and the shrinker ---------------------------------------------- */

/* min = isqrt(managed), low = 5/4 min, high = 3/2 min: the values the
 * report quotes for 128 MiB and 8 GiB, a tiny zone, and an empty one. */
static void test_watermark_formula(void)
{
	memset(&mem, 0, sizeof(mem));
	buddy_init(&mem, 1, NULL);
	mem.zones[ZONE_DMA].managed_pages = 64;
	mem.zones[ZONE_DMA32].managed_pages = 128 * MiB / PAGE_SIZE;
	mem.zones[ZONE_NORMAL].managed_pages = 8 * GiB / PAGE_SIZE;
	buddy_set_watermarks(&mem);
	CHECK_EQ_U64(mem.zones[ZONE_DMA32].watermark[WMARK_MIN], 181);
	CHECK_EQ_U64(mem.zones[ZONE_DMA32].watermark[WMARK_LOW], 226);
	CHECK_EQ_U64(mem.zones[ZONE_DMA32].watermark[WMARK_HIGH], 271);
	CHECK_EQ_U64(mem.zones[ZONE_NORMAL].watermark[WMARK_MIN], 1448);
	CHECK_EQ_U64(mem.zones[ZONE_NORMAL].watermark[WMARK_LOW], 1810);
	CHECK_EQ_U64(mem.zones[ZONE_NORMAL].watermark[WMARK_HIGH], 2172);
	CHECK_EQ_U64(mem.zones[ZONE_DMA].watermark[WMARK_MIN], 8);
	mem.zones[ZONE_DMA].managed_pages = 0;
	buddy_set_watermarks(&mem);
	CHECK_EQ_U64(mem.zones[ZONE_DMA].watermark[WMARK_MIN], 0);
	CHECK_EQ_U64(mem.zones[ZONE_DMA].watermark[WMARK_HIGH], 0);
}

/* Ordinary allocations stop with `low` pages left, ALLOC_NOWAIT goes on to
 * `min` and no further: single pages with and without the cache, and blocks. */
static void test_watermarks_low_for_ordinary_min_for_nowait(void)
{
	const struct range r = { RAM_PFN, 1024 };
	const struct { unsigned order, flags; } variants[] = {
		{ 0, ALLOC_NOCACHE }, { 0, 0 }, { 2, 0 },
	};
	struct zone *z = &mem.zones[ZONE_DMA32];
	unsigned v;

	for (v = 0; v < ARRAY_SIZE(variants); v++) {
		unsigned order = variants[v].order, flags = variants[v].flags, n, m;

		if (order >= MAX_ORDER)
			continue;
		setup_free(0, &r, 1, 1);
		buddy_set_watermarks(&mem);
		CHECK_EQ_U64(z->watermark[WMARK_MIN], 32);
		CHECK_EQ_U64(z->watermark[WMARK_LOW], 40);
		n = alloc_until_null(order, flags, 0);
		CHECK_EQ_U64(n, (1024 - 40) >> order);
		CHECK_EQ_U64(z->free_pages, 40);
		m = alloc_until_null(order, flags | ALLOC_NOWAIT, n);
		CHECK_EQ_U64(m, (40 - 32) >> order);
		CHECK_EQ_U64(z->free_pages, 32);
		CHECK(buddy_alloc(&mem, 0, ALLOC_NOWAIT | ALLOC_NOCACHE) == NULL);
		CHECK(buddy_alloc(&mem, 0, ALLOC_NOWAIT) == NULL);
		free_held(n + m);
		buddy_drain_caches(&mem);
		CHECK_EQ_U64(z->free_pages, 1024);
		CHECK_BUDDY_OK();
	}
}

/* ALLOC_SPARE stops with `high` pages left (48 of 1024 here: the formula's
 * low + (low - min)), single pages too (past the cache, which would check
 * no mark); an ordinary allocation then still has high - low pages. */
static void test_spare_stops_at_high(void)
{
	const struct range r = { RAM_PFN, 1024 };
	struct zone *z = &mem.zones[ZONE_DMA32];
	unsigned order, n, m;

	for (order = 0; order < 3 && order < MAX_ORDER; order++) {
		setup_free(0, &r, 1, 1);
		buddy_set_watermarks(&mem);
		CHECK_EQ_U64(z->watermark[WMARK_HIGH], 48);
		n = alloc_until_null(order, ALLOC_SPARE, 0);
		CHECK_EQ_U64(n, (1024 - 48) >> order);
		CHECK_EQ_U64(z->free_pages, 48);
		CHECK(buddy_alloc(&mem, 0, ALLOC_SPARE) == NULL);
		m = alloc_until_null(order, 0, n);
		CHECK_EQ_U64(m, (48 - 40) >> order);
		free_held(n + m);
		buddy_drain_caches(&mem);
		CHECK_EQ_U64(z->free_pages, 1024);
		CHECK_BUDDY_OK();
	}
}

/* The shrinker's state: what it may free, and how often it ran. */
struct shrink {
	unsigned calls;
	unsigned first, count;    /* held[first .. first + count) to free */
	uint64_t freed;
};

static uint64_t test_shrinker(void *arg)
{
	struct shrink *s = arg;
	unsigned i;

	s->calls++;
	for (i = 0; i < s->count; i++) {
		buddy_free(&mem, held[s->first + i], held_order[s->first + i]);
		s->freed += (uint64_t)1 << held_order[s->first + i];
	}
	s->count = 0;
	return s->freed;
}

/* A failed ordinary allocation runs the shrinker exactly once and succeeds
 * with what it freed, even single pages that went to this hart's cache;
 * ALLOC_NOWAIT never runs it; with nothing to free the allocation fails. */
static void test_shrinker_runs_once_and_the_retry_uses_its_pages(void)
{
	const struct range r = { RAM_PFN, 256 };
	struct shrink s = { 0 };
	struct frame *f;
	unsigned n, i;

	NEED_MAX_ORDER(4);
	setup_free(0, &r, 1, 1);
	buddy_set_shrinker(test_shrinker, &s);
	n = alloc_until_null(0, ALLOC_NOCACHE, 0);
	CHECK_EQ_U64(n, 256);
	CHECK_EQ_U64(s.calls, 1);             /* the failing 257th page */
	CHECK(buddy_alloc(&mem, 3, ALLOC_NOWAIT) == NULL);
	CHECK_EQ_U64(s.calls, 1);
	/* Eight single pages forming an aligned order-3 block: they go to the cache. */
	for (i = 0; i < n && (pfn_of(held[i]) & 7) != 0; i++)
		;
	s.first = i;
	s.count = 8;
	f = buddy_alloc(&mem, 3, 0);
	CHECK_EQ_U64(s.calls, 2);
	CHECK(f != NULL && pfn_of(f) == pfn_of(held[i]));
	CHECK_EQ_U64(mem.pcp[0][ZONE_DMA32].count, 0);
	CHECK(buddy_alloc(&mem, 0, 0) == NULL);
	CHECK_EQ_U64(s.calls, 3);
	buddy_set_shrinker(NULL, NULL);
	for (i = 0; i < n; i++)
		if (i < s.first || i >= s.first + 8)
			buddy_free(&mem, held[i], 0);
	if (f)
		buddy_free(&mem, f, 3);
	buddy_drain_caches(&mem);
	CHECK_EQ_U64(mem.zones[ZONE_DMA32].free_pages, 256);
	CHECK_BUDDY_OK();
}

/* ---- ALLOC_ZERO -------------------------------------------------------------------- */

static bool all_bytes(const struct frame *f, unsigned order, uint8_t byte)
{
	const uint8_t *p = phys_to_virt(pfn_to_pa(pfn_of(f)));
	uint64_t i;

	for (i = 0; p && i < (PAGE_SIZE << order); i++)
		if (p[i] != byte)
			return false;
	return p != NULL;
}

/* ALLOC_ZERO clears every byte of the block through the phys window, from
 * the lists and from the per-hart cache alike. */
static void test_alloc_zero_zeroes(void)
{
	const struct range r = { RAM_PFN, 64 };
	const unsigned orders[] = { 0, 0, 3, 5 };
	struct frame *f[ARRAY_SIZE(orders)] = { NULL }, *plain;
	unsigned i;

	setup_free(0, &r, 1, 1);
	memset(arena, FILL_BYTE, 64 * PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		if (orders[i] >= MAX_ORDER)
			continue;
		f[i] = buddy_alloc(&mem, orders[i], ALLOC_ZERO);
		CHECK(f[i] != NULL && all_bytes(f[i], orders[i], 0));
	}
	CHECK_EQ_U64(mem.pcp[0][ZONE_DMA32].hits, 1);   /* the second page */
	plain = buddy_alloc(&mem, 1, 0);
	CHECK(plain && all_bytes(plain, 1, FILL_BYTE));  /* not zeroed unasked */
	if (plain)
		buddy_free(&mem, plain, 1);
	for (i = 0; i < ARRAY_SIZE(orders); i++)
		if (orders[i] < MAX_ORDER && f[i])
			buddy_free(&mem, f[i], orders[i]);
	CHECK_BUDDY_OK();
}

int main(void)
{
	if (!buddy_arena_setup())
		return 1;
	RUN(test_buddy_identity_worked_example);
	RUN(test_add_range_makes_maximal_aligned_blocks);
	RUN(test_add_range_respects_zone_and_block_boundaries);
	RUN(test_zones_across_4gib_without_window);
	RUN(test_alloc_free_every_order);
	RUN(test_full_coalescing_after_freeing_everything);
	RUN(test_zone_fallback_only_downward);
	RUN(test_watermark_formula);
	RUN(test_watermarks_low_for_ordinary_min_for_nowait);
	RUN(test_spare_stops_at_high);
	RUN(test_shrinker_runs_once_and_the_retry_uses_its_pages);
	RUN(test_alloc_zero_zeroes);
	buddy_arena_teardown();
	return test_done();
}
