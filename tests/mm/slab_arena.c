/*
 * The memory of the slab and kmalloc tests and the helpers they share (see
 * slab_arena.h): a 32 MiB arena behind the phys window, a buddy over it
 * for two harts, kmalloc on top, and slab reports captured for the tests.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "slab_arena.h"

uint8_t *arena;
static struct frame *frames;
struct mem mem;
unsigned cur_hart;
char last_report[256];
unsigned reports;
static char expected[256];

/* this_hart() of the buddy and the slab: whichever hart the test chose. */
static unsigned test_hart(void)
{
	return cur_hart;
}

/* Count and keep each slab report, and print it into the TAP log. */
static void capture_report(void *arg, const char *line)
{
	(void)arg;
	reports++;
	snprintf(last_report, sizeof(last_report), "%s", line);
	printf("# report: %s\n", line);
}

/* The report line a test expects, printf-formatted (glibc's %p is the kernel's 0x%lx). */
const char *expect(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(expected, sizeof(expected), fmt, ap);
	va_end(ap);
	return expected;
}

/* Free pages of every zone, per-hart page caches included. */
uint64_t total_free(void)
{
	uint64_t n = 0;
	unsigned z;

	for (z = 0; z < ZONE_COUNT; z++)
		n += buddy_zone_free_pages(&mem, (enum zone_id)z);
	return n;
}

/* qsort order of pointers: by address. */
static int by_address(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;

	return x < y ? -1 : x > y;
}

/* Sort n pointers and check [p, p + size) never overlap. */
bool disjoint(void **p, unsigned n, size_t size)
{
	unsigned i;

	qsort(p, n, sizeof(*p), by_address);
	for (i = 1; i < n; i++)
		if ((uintptr_t)p[i - 1] + size > (uintptr_t)p[i])
			return false;
	return true;
}

/* ---- set-up ------------------------------------------------------------------------ */

/* The arena, given to the buddy but for its last RESERVED_PAGES, and kmalloc
 * over it; false if the host has no memory for it. */
bool slab_arena_setup(void)
{
	pfn_t count = ARENA_PAGES;

	arena = aligned_alloc(PAGE_SIZE, (size_t)ARENA_PAGES * PAGE_SIZE);
	frames = calloc(ARENA_PAGES, sizeof(*frames));
	if (!arena || !frames)
		return false;
	phys_set_window(pfn_to_pa(RAM_PFN), arena, (uint64_t)ARENA_PAGES * PAGE_SIZE);
	mem.dma_limit = DMA_LIMIT;
	if (mem_add_block(&mem, RAM_PFN, count, frames) != ERR_OK)
		return false;
	buddy_init(&mem, NHARTS, test_hart);
	buddy_add_range(&mem, RAM_PFN, count - RESERVED_PAGES);
	buddy_set_watermarks(&mem);
	slab_set_report(capture_report, NULL);
	kmalloc_init(&mem);
	return true;
}

/* Undo slab_arena_setup for the host: no shrinker, no phys window, no arena. */
void slab_arena_teardown(void)
{
	buddy_set_shrinker(NULL, NULL);
	phys_set_window(0, NULL, 0);
	free(frames);
	free(arena);
}
