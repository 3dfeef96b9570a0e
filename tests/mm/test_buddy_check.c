/*
 * Host unit tests of what the buddy allocator refuses and detects
 * (mm/buddy.c, mm/buddy_check.c; rules in mm/buddy.h): bad frees refused
 * and counted without a trace in the lists, and buddy_check reporting each
 * kind of corrupted free list, overlap and cache entry.  The memory is the
 * arena of buddy_arena.h.
 */
#include <stdlib.h>
#include <string.h>

#include "buddy_arena.h"

/* ---- bad frees ------------------------------------------------------------------ */

/* Double frees (from a cache and from the lists), wrong orders, a tail, a
 * reserved frame, a frame of no table and NULL are refused and counted,
 * and leave the lists and caches as they were. */
static void test_bad_frees_are_refused_and_counted(void)
{
	const struct range r = { RAM_PFN, 512 };
	struct frame foreign = { .flags = FRAME_ALLOCATED };
	struct snapshot before, after;
	struct frame *page, *block;

	NEED_MAX_ORDER(4);
	setup(0, &r, 1, 1);
	buddy_add_range(&mem, RAM_PFN, 256);  /* the rest stays reserved */
	page = buddy_alloc(&mem, 0, 0);
	block = buddy_alloc(&mem, 2, 0);
	CHECK(page && block);
	if (!page || !block)
		return;
	buddy_free(&mem, page, 0);
	snap(&before);
	buddy_free(&mem, page, 0);            /* double free: it is FRAME_CACHED */
	buddy_free(&mem, block, 1);
	buddy_free(&mem, block, 3);
	buddy_free(&mem, block + 1, 0);       /* a tail */
	buddy_free(&mem, frame_at(RAM_PFN + 300), 0);
	CHECK_EQ_U64(mem.zones[ZONE_DMA32].stats.bad_frees, 5);
	buddy_free(&mem, &foreign, 0);
	buddy_free(&mem, NULL, 0);
	CHECK_EQ_U64(mem.zones[ZONE_NORMAL].stats.bad_frees, 2);
	snap(&after);
	CHECK(same_snapshot(&before, &after));
	CHECK(frame_at(RAM_PFN + 300)->flags == FRAME_RESERVED);
	CHECK_BUDDY_OK();
	buddy_free(&mem, block, 2);
	buddy_drain_caches(&mem);
	mem.pcp_enabled = false;
	page = buddy_alloc(&mem, 0, 0);
	buddy_free(&mem, page, 0);
	snap(&before);
	buddy_free(&mem, page, 0);            /* double free: it is on the lists */
	snap(&after);
	CHECK(same_snapshot(&before, &after));
	CHECK_EQ_U64(bad_frees(), 8);
	CHECK_EQ_U64(mem.zones[ZONE_DMA32].free_pages, 256);
	CHECK_BUDDY_OK();
}

/* ---- buddy_check ---------------------------------------------------------------- */

static void expect_broken_(int line, const char *what)
{
	char why[256];

	if (buddy_check(&mem, why, sizeof(why))) {
		test_failure_note("line %d: buddy_check missed: %s", line, what);
		test_current_failed = 1;
	} else if (!strstr(why, what)) {
		test_failure_note("line %d: buddy_check said \"%s\", expected \"%s\"", line, why, what);
		test_current_failed = 1;
	}
}
#define EXPECT_BROKEN(what) expect_broken_(__LINE__, what)

/* Split free block f (order k) into two free halves without merging them. */
static void split_by_hand(struct zone *z, struct frame *f, unsigned k)
{
	struct frame *upper = f + ((pfn_t)1 << (k - 1));

	list_remove(&f->link);
	z->free[k].count--;
	f->order = (uint8_t)(k - 1);
	upper->flags = FRAME_FREE;
	upper->order = (uint8_t)(k - 1);
	list_push(&z->free[k - 1].blocks, &f->link);
	list_push(&z->free[k - 1].blocks, &upper->link);
	z->free[k - 1].count += 2;
}

/* Undo split_by_hand. */
static void unsplit_by_hand(struct zone *z, struct frame *f, unsigned k)
{
	struct frame *upper = f + ((pfn_t)1 << (k - 1));

	list_remove(&upper->link);
	list_remove(&f->link);
	z->free[k - 1].count -= 2;
	upper->flags = FRAME_TAIL;
	upper->order = 0;
	f->order = (uint8_t)k;
	list_push(&z->free[k].blocks, &f->link);
	z->free[k].count++;
}

/* The state the corruption tests start from: one page allocated (15 more
 * in hart 0's cache), an order-3 block allocated, and a free order-3 block. */
struct victims {
	struct frame *page, *block, *free_head;
};

static bool corruption_setup(struct victims *v)
{
	const struct range r = { RAM_PFN, 256 };
	struct zone *z = &mem.zones[ZONE_DMA32];

	setup_free(0, &r, 1, 1);
	v->page = buddy_alloc(&mem, 0, 0);
	v->block = buddy_alloc(&mem, 3, 0);
	CHECK(v->page && v->block && !list_empty(&z->free[3].blocks));
	if (!v->page || !v->block || list_empty(&z->free[3].blocks))
		return false;
	v->free_head = container_of(z->free[3].blocks.next, struct frame, link);
	CHECK_BUDDY_OK();
	return true;
}

/* A wrong head flag or order, a wrong list or zone count, and two free
 * buddies left unmerged are each reported; undoing each heals. */
static void test_check_detects_corrupt_free_lists(void)
{
	struct zone *z = &mem.zones[ZONE_DMA32];
	struct victims v;
	struct frame *head;

	NEED_MAX_ORDER(4);
	if (!corruption_setup(&v))
		return;
	head = v.free_head;
	head->flags = FRAME_TAIL;
	EXPECT_BROKEN("has flags");
	head->flags = FRAME_FREE;
	head->order = 2;
	EXPECT_BROKEN("order 2");
	head->order = 3;
	z->free[3].count++;
	EXPECT_BROKEN("count says");
	z->free[3].count--;
	z->free_pages++;
	EXPECT_BROKEN("free_pages says");
	z->free_pages--;
	split_by_hand(z, head, 3);
	EXPECT_BROKEN("not coalesced");
	unsplit_by_hand(z, head, 3);
	CHECK_BUDDY_OK();
	CHECK(buddy_check(&mem, NULL, 0));
}

/* Overlapping blocks, a bad cache entry or count, a free head on no list,
 * and a frame in no state at all are each reported; undoing each heals. */
static void test_check_detects_overlaps_and_bad_cache_entries(void)
{
	struct pcp_cache *c = &mem.pcp[0][ZONE_DMA32];
	struct frame *cached;
	struct victims v;

	NEED_MAX_ORDER(4);
	if (!corruption_setup(&v))
		return;
	v.block[2].flags = FRAME_ALLOCATED;   /* a block inside a block */
	EXPECT_BROKEN("blocks overlap");
	v.block[2].flags = FRAME_TAIL;
	v.free_head[1].flags = FRAME_CACHED;
	EXPECT_BROKEN("blocks overlap");
	v.free_head[1].flags = FRAME_FREE | FRAME_TAIL;
	EXPECT_BROKEN("blocks overlap");
	v.free_head[1].flags = FRAME_TAIL;
	cached = container_of(c->pages.next, struct frame, link);
	cached->flags = FRAME_ALLOCATED;
	EXPECT_BROKEN("not a cached page");
	cached->flags = FRAME_CACHED;
	c->count--;
	EXPECT_BROKEN("count says");
	c->count++;
	v.page->flags = FRAME_FREE;           /* free, but on no list */
	EXPECT_BROKEN("free heads");
	v.page->flags = 0;                    /* no state at all */
	EXPECT_BROKEN("outside any block");
	v.page->flags = FRAME_ALLOCATED;
	CHECK_BUDDY_OK();
}

int main(void)
{
	if (!buddy_arena_setup())
		return 1;
	RUN(test_bad_frees_are_refused_and_counted);
	RUN(test_check_detects_corrupt_free_lists);
	RUN(test_check_detects_overlaps_and_bad_cache_entries);
	buddy_arena_teardown();
	return test_done();
}
