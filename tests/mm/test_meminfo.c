/*
 * Host unit tests of mm/meminfo.c: SYS_MEMINFO's zone and frame answers on
 * the arena of buddy_arena.h, every value worked out by hand (1024 pages at
 * 0x80000000 are one free block of order 10; a hart's first single page
 * refills its cache with 16 and leaves 1008 = 512 + 256 + 128 + 64 + 32 +
 * 16 free).  Slab and kmalloc frames: test_meminfo_slab.c.
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

/* Frames: reserved before the buddy has them, then free in the order-10
 * block; an order-2 block's head and tail, and the neighbour left free;
 * freed, merged back; a page served to hart 0 and the 15 its cache keeps;
 * no RAM below or above the arena. */
static void test_frames(void)
{
	const paddr_t base = 0x80000000, end = base + PAGES * PAGE_SIZE;
	struct meminfo_frame f;
	struct frame *block, *page;
	paddr_t pa;

	NEED_MAX_ORDER(11);
	setup(0, &ram, 1, 1);
	meminfo_frame(&mem, base + 5 * PAGE_SIZE, &f);
	CHECK_EQ_U64(f.state, MEMINFO_FRAME_RESERVED);
	CHECK_EQ_U64(f.pa, base + 5 * PAGE_SIZE);
	CHECK_EQ_U64(f.zone, ZONE_DMA32);
	buddy_add_range(&mem, RAM_PFN, PAGES);
	meminfo_frame(&mem, base + 5 * PAGE_SIZE + 123, &f);   /* rounded down */
	CHECK_EQ_U64(f.pa, base + 5 * PAGE_SIZE);
	CHECK_EQ_U64(f.state, MEMINFO_FRAME_FREE);
	CHECK_EQ_U64(f.block, base);
	CHECK_EQ_U64(f.order, 10);

	block = buddy_alloc(&mem, 2, 0);
	CHECK(block != NULL);
	pa = mem_frame_pa(&mem, block);
	meminfo_frame(&mem, pa + 3 * PAGE_SIZE, &f);           /* its last page, a tail */
	CHECK_EQ_U64(f.state, MEMINFO_FRAME_ALLOCATED);
	CHECK_EQ_U64(f.block, pa);
	CHECK_EQ_U64(f.order, 2);
	CHECK_EQ_U64(f.refcount, 1);
	meminfo_frame(&mem, pa ^ (4 * PAGE_SIZE), &f);         /* its buddy: free, order 2 */
	CHECK_EQ_U64(f.state, MEMINFO_FRAME_FREE);
	CHECK_EQ_U64(f.block, pa ^ (4 * PAGE_SIZE));
	CHECK_EQ_U64(f.order, 2);
	buddy_free(&mem, block, 2);
	meminfo_frame(&mem, pa, &f);
	CHECK_EQ_U64(f.state, MEMINFO_FRAME_FREE);
	CHECK_EQ_U64(f.block, base);
	CHECK_EQ_U64(f.order, 10);

	page = buddy_alloc(&mem, 0, 0);
	CHECK(page != NULL);
	meminfo_frame(&mem, mem_frame_pa(&mem, page), &f);
	CHECK_EQ_U64(f.state, MEMINFO_FRAME_ALLOCATED);
	CHECK_EQ_U64(f.order, 0);
	CHECK(!list_empty(&mem.pcp[0][ZONE_DMA32].pages));
	meminfo_frame(&mem, mem_frame_pa(&mem, container_of(mem.pcp[0][ZONE_DMA32].pages.next,
							    struct frame, link)), &f);
	CHECK_EQ_U64(f.state, MEMINFO_FRAME_CACHED);
	buddy_free(&mem, page, 0);

	meminfo_frame(&mem, base - PAGE_SIZE, &f);
	CHECK_EQ_U64(f.state, MEMINFO_FRAME_NOT_RAM);
	meminfo_frame(&mem, end, &f);
	CHECK_EQ_U64(f.state, MEMINFO_FRAME_NOT_RAM);
	meminfo_frame(&mem, ~0ull, &f);
	CHECK_EQ_U64(f.state, MEMINFO_FRAME_NOT_RAM);
}

/*
 * Walk RAM run by run, from 3 pages below it (a hole) to its end, and check
 * each run against meminfo_frame page by page: the runs tile RAM, and every
 * page of a run is in the run's state (a free page in a block of its order).
 */
static void check_runs(const char *when, unsigned want_runs)
{
	const paddr_t base = 0x80000000, end = base + PAGES * PAGE_SIZE;
	struct meminfo_frame_run r;
	struct meminfo_frame f;
	paddr_t pa = base - 3 * PAGE_SIZE;
	unsigned runs = 0, wrong = 0;
	uint64_t i;

	CHECK(meminfo_frame_run(&mem, pa, &r) && r.state == MEMINFO_FRAME_NOT_RAM &&
	      r.start == pa && r.pages == 3);
	for (pa = base; pa < end && meminfo_frame_run(&mem, pa, &r); pa = r.start + r.pages * PAGE_SIZE) {
		runs++;
		wrong += r.start != pa;
		for (i = 0; i < r.pages; i++) {
			meminfo_frame(&mem, r.start + i * PAGE_SIZE, &f);
			wrong += f.state != r.state ||
				 (r.state == MEMINFO_FRAME_FREE && f.order != r.order);
		}
	}
	if (wrong || pa != end || runs != want_runs)
		printf("# %s: %u runs (want %u), %u pages not as their run says, walk ended at %#llx\n",
		       when, runs, want_runs, wrong, (unsigned long long)pa);
	CHECK_EQ_U64(wrong, 0);
	CHECK_EQ_U64(pa, end);
	CHECK_EQ_U64(runs, want_runs);
	CHECK(!meminfo_frame_run(&mem, end, &r));     /* above all RAM */
}

/* The runs: one free block of order 10; an order-2 block taken from it
 * leaves it and free blocks of orders 2 to 9 (9 runs); given back, one run. */
static void test_frame_runs(void)
{
	struct frame *block;

	NEED_MAX_ORDER(11);
	setup(0, &ram, 1, 1);
	check_runs("reserved", 1);
	buddy_add_range(&mem, RAM_PFN, PAGES);
	check_runs("one free block", 1);
	block = buddy_alloc(&mem, 2, 0);
	CHECK(block != NULL);
	check_runs("an order-2 block taken", 9);
	buddy_free(&mem, block, 2);
	check_runs("given back", 1);
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
	RUN(test_frames);
	RUN(test_frame_runs);
	RUN(test_no_slab_cache);
	buddy_arena_teardown();
	return test_done();
}
