/*
 * The memory of the buddy allocator tests and the helpers they share (see
 * buddy_arena.h).
 */
#include "buddy_arena.h"

uint8_t *arena;
struct mem mem;
struct frame *frame_tables[MEM_MAX_BLOCKS];
unsigned cur_hart;
struct frame *held[MAX_HELD];
unsigned held_order[MAX_HELD];

/* this_hart() of the buddy: whichever hart the test chose. */
unsigned test_hart(void)
{
	return cur_hart;
}

/* Free the frame tables of the last setup and drop any shrinker. */
void teardown(void)
{
	unsigned i;

	for (i = 0; i < MEM_MAX_BLOCKS; i++) {
		free(frame_tables[i]);
		frame_tables[i] = NULL;
	}
	buddy_set_shrinker(NULL, NULL);
}

/* The pfn of frame f, and the frame of pfn (NULL if none). */
pfn_t pfn_of(const struct frame *f)
{
	return mem_frame_pfn(&mem, f);
}

struct frame *frame_at(pfn_t pfn)
{
	return mem_frame(&mem, pfn);
}

/* Free lists and caches, to compare before and after. */
void snap(struct snapshot *s)
{
	unsigned z, k, h;

	memset(s, 0, sizeof(*s));
	for (z = 0; z < ZONE_COUNT; z++) {
		for (k = 0; k < MAX_ORDER; k++)
			s->blocks[z][k] = mem.zones[z].free[k].count;
		s->free_pages[z] = mem.zones[z].free_pages;
		for (h = 0; h < MEM_MAX_HARTS; h++)
			s->cached[h][z] = mem.pcp[h][z].count;
	}
}

/* Two snapshots are equal, byte for byte. */
bool same_snapshot(const struct snapshot *a, const struct snapshot *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* Frees refused so far, in every zone. */
uint64_t bad_frees(void)
{
	uint64_t n = 0;
	unsigned z;

	for (z = 0; z < ZONE_COUNT; z++)
		n += mem.zones[z].stats.bad_frees;
	return n;
}

/* Allocate blocks of `order` until it fails, into held[from..]; returns how many. */
unsigned alloc_until_null(unsigned order, unsigned flags, unsigned from)
{
	unsigned n = from;
	struct frame *f;

	while (n < MAX_HELD && (f = buddy_alloc(&mem, order, flags)) != NULL) {
		held[n] = f;
		held_order[n++] = order;
	}
	return n - from;
}

/* Free held[0..n), last first. */
void free_held(unsigned n)
{
	while (n--)
		buddy_free(&mem, held[n], held_order[n]);
}

/* ---- set-up ------------------------------------------------------------------------ */

/* The arena, behind the phys window at RAM_PFN; false if the host has no memory for it. */
bool buddy_arena_setup(void)
{
	arena = aligned_alloc(PAGE_SIZE, (size_t)ARENA_PAGES * PAGE_SIZE);
	if (!arena)
		return false;
	phys_set_window(pfn_to_pa(RAM_PFN), arena, (uint64_t)ARENA_PAGES * PAGE_SIZE);
	return true;
}

/* Undo buddy_arena_setup and the last setup() for the host. */
void buddy_arena_teardown(void)
{
	teardown();
	phys_set_window(0, NULL, 0);
	free(arena);
}
