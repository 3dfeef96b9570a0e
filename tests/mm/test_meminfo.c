/*
 * Host unit tests of mm/meminfo.c: SYS_MEMINFO's zone answer on the arena of
 * buddy_arena.h, every value worked out by hand (1024 pages at 0x80000000
 * are one free block of order 10; a hart's first single page refills its
 * cache with 16 and leaves 1008 = 512 + 256 + 128 + 64 + 32 + 16 free).
 */
#include <string.h>

#include "buddy_arena.h"
#include "mm/meminfo.h"

#define PAGES 1024u

static const struct range ram = { RAM_PFN, PAGES };

/* A fresh zone of 1024 free pages: its span, counts and one block of order 10. */
static void test_fresh_zone(void)
{
	struct meminfo_zone z;
	unsigned o;

	NEED_MAX_ORDER(11);
	setup_free(0, &ram, 1, 2);
	meminfo_zone(&mem, ZONE_DMA32, &z);
	CHECK(strcmp(z.name, "DMA32") == 0);
	CHECK_EQ_U64(z.start, 0x80000000);
	CHECK_EQ_U64(z.end, 0x80400000);
	CHECK_EQ_U64(z.present_pages, PAGES);
	CHECK_EQ_U64(z.managed_pages, PAGES);
	CHECK_EQ_U64(z.free_pages, PAGES);
	CHECK_EQ_U64(z.cached_pages, 0);
	CHECK_EQ_U64(z.orders, MAX_ORDER);
	CHECK_EQ_U64(z.harts, 2);
	for (o = 0; o < MEMINFO_ORDERS; o++)
		CHECK_EQ_U64(z.free_blocks[o], o == 10 ? 1 : 0);
	CHECK_EQ_U64(z.watermark_min, mem.zones[ZONE_DMA32].watermark[WMARK_MIN]);
	CHECK_EQ_U64(z.watermark_high, mem.zones[ZONE_DMA32].watermark[WMARK_HIGH]);
}

/* Hart 1 takes one page: its cache holds 15, the zone's lists 1008 in six blocks. */
static void test_one_page_on_hart_1(void)
{
	static const unsigned orders[] = { 4, 5, 6, 7, 8, 9 };
	struct meminfo_zone z;
	struct frame *f;
	unsigned o, i;

	NEED_MAX_ORDER(11);
	setup_free(0, &ram, 1, 2);
	cur_hart = 1;
	f = buddy_alloc(&mem, 0, 0);
	CHECK(f != NULL);
	meminfo_zone(&mem, ZONE_DMA32, &z);
	CHECK_EQ_U64(z.free_pages, 1008);
	CHECK_EQ_U64(z.cached_pages, 15);
	CHECK_EQ_U64(z.hart_cached[0], 0);
	CHECK_EQ_U64(z.hart_cached[1], 15);
	CHECK_EQ_U64(z.hart_misses[1], 1);
	CHECK_EQ_U64(z.hart_hits[1], 0);
	CHECK_EQ_U64(z.allocs, 16);      /* the refill took 16 single pages off the lists */
	for (o = 0; o < MEMINFO_ORDERS; o++) {
		bool one = false;

		for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++)
			one |= orders[i] == o;
		CHECK_EQ_U64(z.free_blocks[o], one ? 1 : 0);
	}
	buddy_free(&mem, f, 0);
	cur_hart = 0;
}

/* An empty zone says only its name (and the orders there would be). */
static void test_empty_zone(void)
{
	struct meminfo_zone z, zero;

	setup_free(0, &ram, 1, 1);
	meminfo_zone(&mem, ZONE_NORMAL, &z);
	memset(&zero, 0, sizeof(zero));
	strcpy(zero.name, "NORMAL");
	zero.orders = MAX_ORDER;
	CHECK(memcmp(&z, &zero, sizeof(z)) == 0);
}

/* With no slab cache made, there is none to tell. */
static void test_no_slab_cache(void)
{
	struct meminfo_slab s;

	CHECK(!meminfo_slab(0, &s));
}

int main(void)
{
	if (!buddy_arena_setup())
		return 1;
	RUN(test_fresh_zone);
	RUN(test_one_page_on_hart_1);
	RUN(test_empty_zone);
	RUN(test_no_slab_cache);
	buddy_arena_teardown();
	return test_done();
}
