/*
 * The memory of the buddy allocator tests (tests/mm/test_buddy*.c) and the
 * helpers they share.  RAM is a 16 MiB arena standing at physical
 * 0x80000000 (the phys window, so ALLOC_ZERO can be checked); frame tables
 * are calloc'ed.  Ranges above the arena (around 4 GiB) have frames but no
 * window: zones can be tested there as long as nothing touches page
 * contents.  Each test starts from a fresh memory of its own ranges
 * (setup, setup_free) and may hold blocks in held[].
 *
 * test.h keeps a test program's pass/fail state in static variables, one
 * copy per file, so the helpers that CHECK (setup, setup_free,
 * CHECK_BUDDY_OK) are defined here; the rest lives in buddy_arena.c.
 */
#ifndef TESSERA_TESTS_MM_BUDDY_ARENA_H
#define TESSERA_TESTS_MM_BUDDY_ARENA_H

#include <stdlib.h>
#include <string.h>

#include "mm/buddy.h"
#include "mm/phys.h"
#include "test.h"

#define RAM_PFN 0x80000ull               /* the arena's first pfn: pa 0x80000000 */
#define ARENA_PAGES 4096u                /* 16 MiB behind the phys window */
#define MAX_HELD 8192u

struct range {
	pfn_t first, count;
};

extern uint8_t *arena;                   /* the RAM, at RAM_PFN */
extern struct mem mem;
extern struct frame *frame_tables[MEM_MAX_BLOCKS];
extern unsigned cur_hart;                /* what this_hart() returns */
extern struct frame *held[MAX_HELD];     /* blocks a test holds */
extern unsigned held_order[MAX_HELD];

/* Tests of particular orders need MAX_ORDER (meson option max_order) above them. */
#define NEED_MAX_ORDER(n) do { \
	if (MAX_ORDER < (n)) { \
		TEST_SKIP("needs MAX_ORDER >= %d", (n)); \
		return; \
	} } while (0)

/* Map the arena behind the phys window; false if out of host memory. */
bool buddy_arena_setup(void);

/* Free the last test's frame tables and the arena at the end of a program. */
void buddy_arena_teardown(void);

/* this_hart() of the buddy: cur_hart. */
unsigned test_hart(void);

/* Free the frame tables of the last setup and drop any shrinker. */
void teardown(void);

/* The pfn of frame f, and the frame of pfn. */
pfn_t pfn_of(const struct frame *f);
struct frame *frame_at(pfn_t pfn);

/* Free lists and caches, to compare before and after. */
struct snapshot {
	uint64_t blocks[ZONE_COUNT][MAX_ORDER];
	uint64_t free_pages[ZONE_COUNT];
	unsigned cached[MEM_MAX_HARTS][ZONE_COUNT];
};

/* Take a snapshot of the free lists and caches; compare two. */
void snap(struct snapshot *s);
bool same_snapshot(const struct snapshot *a, const struct snapshot *b);

/* Frees refused so far, in every zone. */
uint64_t bad_frees(void);

/* Allocate blocks of `order` until it fails, into held[from..]; returns how many. */
unsigned alloc_until_null(unsigned order, unsigned flags, unsigned from);

/* Free held[0..n), last first. */
void free_held(unsigned n);

/* ---- checking helpers ------------------------------------------------------------ */

/* A fresh memory of `n` RAM ranges (all reserved, nothing given yet). */
static inline void setup(paddr_t dma_limit, const struct range *r, unsigned n, unsigned nharts)
{
	unsigned i;

	teardown();
	memset(&mem, 0, sizeof(mem));
	mem.dma_limit = dma_limit;
	for (i = 0; i < n; i++) {
		frame_tables[i] = calloc(r[i].count, sizeof(struct frame));
		CHECK(mem_add_block(&mem, r[i].first, r[i].count, frame_tables[i]) == ERR_OK);
	}
	cur_hart = 0;
	buddy_init(&mem, nharts, test_hart);
}

/* setup() and give every range to the buddy. */
static inline void setup_free(paddr_t dma_limit, const struct range *r, unsigned n, unsigned nharts)
{
	unsigned i;

	setup(dma_limit, r, n, nharts);
	for (i = 0; i < n; i++)
		buddy_add_range(&mem, r[i].first, r[i].count);
}

/* CHECK_BUDDY_OK(): buddy_check finds the memory sound; else the failure, with the line. */
static inline void check_ok_(int line)
{
	char why[256];

	if (!buddy_check(&mem, why, sizeof(why))) {
		test_failure_note("line %d: buddy_check: %s", line, why);
		test_current_failed = 1;
	}
}
#define CHECK_BUDDY_OK() check_ok_(__LINE__)

#endif
