/*
 * Tests of vmalloc (mm/vmalloc.c) over a fake RAM arena: page tables whose
 * pages come from the same buddy, so that every page (data and tables) is
 * accounted for.  Virtual addresses are never dereferenced on the host:
 * contents are reached through the page table and the phys window.
 */
#include <stdlib.h>
#include <string.h>

#include "mm/phys.h"
#include "mm/pt_buddy.h"
#include "mm/vmalloc.h"
#include "test.h"

#define ARENA_PAGES 2048u                      /* 8 MiB of fake RAM */
#define ARENA_PA 0x80000000ull
#define WINDOW_BASE 0xffffffe000000000ull      /* as the kernel's vmalloc window */
#define WINDOW_SIZE (64ull * MiB)
#define STACK_ALIGN (32 * KiB)

static struct mem m;
static struct page_table pt;
static struct vmalloc_space vs;
static unsigned flushes;

static unsigned hart0(void)
{
	return 0;
}

static void count_flush(vaddr_t va, uint64_t size)
{
	(void)va;
	(void)size;
	flushes++;
}

static uint64_t free_pages(void)
{
	buddy_drain_caches(&m);
	return buddy_zone_free_pages(&m, ZONE_DMA32);
}

static void setup(void)
{
	static uint8_t *arena;
	static struct frame *frames;
	const struct pt_mem mem = pt_mem_from_buddy(&m);

	if (!arena) {
		arena = aligned_alloc(PAGE_SIZE, (size_t)ARENA_PAGES * PAGE_SIZE);
		frames = calloc(ARENA_PAGES, sizeof(*frames));
	}
	memset(&m, 0, sizeof(m));
	phys_set_window(ARENA_PA, arena, (uint64_t)ARENA_PAGES * PAGE_SIZE);
	mem_add_block(&m, pa_to_pfn(ARENA_PA), ARENA_PAGES, frames);
	buddy_init(&m, 1, hart0);
	buddy_add_range(&m, pa_to_pfn(ARENA_PA), ARENA_PAGES);
	buddy_set_watermarks(&m);
	pt_init(&pt, PT_LEVELS_SV39, &mem);
	vmalloc_init(&vs, &pt, &m, WINDOW_BASE, WINDOW_BASE + WINDOW_SIZE, count_flush);
}

static bool mapped(vaddr_t va)
{
	return pt_lookup(&pt, va, NULL, NULL, NULL) == ERR_OK;
}

/* An area is mapped page by page, with an unmapped guard page below it. */
static void test_area_mapped_with_guard_below(void)
{
	vaddr_t a;
	unsigned i;

	setup();
	a = (vaddr_t)vmalloc_area(&vs, 3 * PAGE_SIZE + 1, 0, 0);
	CHECK(a != 0);
	CHECK(!mapped(a - PAGE_SIZE));
	for (i = 0; i < 4; i++)
		CHECK(mapped(a + i * PAGE_SIZE));
	CHECK(!mapped(a + 4 * PAGE_SIZE));
	CHECK_EQ_U64(vs.pages, 4);
	CHECK(vmalloc_in_guard(&vs, a - 8, NULL));
	CHECK(!vmalloc_in_guard(&vs, a + 8, NULL));
}

/* The next area starts after the first one's end, with its own guard. */
static void test_areas_do_not_touch(void)
{
	vaddr_t a, b, bottom = 0;

	setup();
	a = (vaddr_t)vmalloc_area(&vs, 2 * PAGE_SIZE, 0, 0);
	b = (vaddr_t)vmalloc_area(&vs, PAGE_SIZE, 0, 0);
	CHECK(a && b);
	CHECK(b >= a + 3 * PAGE_SIZE);
	CHECK(!mapped(b - PAGE_SIZE));
	CHECK(vmalloc_in_guard(&vs, b - 1, &bottom));
	CHECK_EQ_U64(bottom, b);
}

/* Alignment is honoured: kernel stacks want 32 KiB. */
static void test_alignment(void)
{
	vaddr_t a, b;

	setup();
	a = (vaddr_t)vmalloc_area(&vs, 16 * KiB, STACK_ALIGN, 0);
	b = (vaddr_t)vmalloc_area(&vs, 16 * KiB, STACK_ALIGN, 0);
	CHECK(a && IS_ALIGNED(a, STACK_ALIGN));
	CHECK(b && IS_ALIGNED(b, STACK_ALIGN) && b != a);
	CHECK(vmalloc_area(&vs, PAGE_SIZE, 3 * PAGE_SIZE, 0) == NULL);
}

/* Freeing gives back every page, the emptied tables included. */
static void test_free_returns_everything(void)
{
	uint64_t before;
	void *a, *b;

	setup();
	before = free_pages();
	a = vmalloc_area(&vs, 40 * PAGE_SIZE, 0, ALLOC_ZERO);
	b = vmalloc_area(&vs, 3 * PAGE_SIZE, 0, 0);
	CHECK(a && b);
	CHECK(vfree_area(&vs, a));
	CHECK(vfree_area(&vs, b));
	CHECK_EQ_U64(vs.nareas, 0);
	CHECK_EQ_U64(vs.pages, 0);
	CHECK_EQ_U64(free_pages(), before);
	CHECK(flushes >= 2);
}

/* A pointer that is not an area's start is refused and changes nothing. */
static void test_bad_free_refused(void)
{
	char *a;

	setup();
	a = vmalloc_area(&vs, 2 * PAGE_SIZE, 0, 0);
	CHECK(a != NULL);
	CHECK(!vfree_area(&vs, a + PAGE_SIZE));
	CHECK(!vfree_area(&vs, (void *)(WINDOW_BASE + 12345)));
	CHECK(vfree_area(&vs, NULL));
	CHECK_EQ_U64(vs.nareas, 1);
	CHECK(mapped((vaddr_t)a));
}

/* Asking for more than RAM fails cleanly: nothing stays mapped or allocated. */
static void test_out_of_memory_leaves_nothing(void)
{
	uint64_t before;

	setup();
	before = free_pages();
	CHECK(vmalloc_area(&vs, (uint64_t)ARENA_PAGES * PAGE_SIZE, 0, 0) == NULL);
	CHECK_EQ_U64(vs.nareas, 0);
	CHECK_EQ_U64(free_pages(), before);
	CHECK(vmalloc_area(&vs, 0, 0, 0) == NULL);
	CHECK(vmalloc_area(&vs, WINDOW_SIZE * 2, 0, 0) == NULL);
}

/* A full area table says no rather than overwriting an area. */
static void test_area_table_full(void)
{
	unsigned i;

	setup();
	for (i = 0; i < VMALLOC_MAX_AREAS; i++)
		CHECK(vmalloc_area(&vs, PAGE_SIZE, 0, 0) != NULL);
	CHECK(vmalloc_area(&vs, PAGE_SIZE, 0, 0) == NULL);
	CHECK_EQ_U64(vs.nareas, VMALLOC_MAX_AREAS);
}

int main(void)
{
	RUN(test_area_mapped_with_guard_below);
	RUN(test_areas_do_not_touch);
	RUN(test_alignment);
	RUN(test_free_returns_everything);
	RUN(test_bad_free_refused);
	RUN(test_out_of_memory_leaves_nothing);
	RUN(test_area_table_full);
	return test_done();
}
