/*
 * Host unit tests of pt_unmap (mm/pt.c; rules in mm/pt.h): leaves of every
 * size removed, ranges with holes and across table boundaries, refused
 * ranges that change nothing, emptied tables given back (or kept without
 * free_table), and whole-half unmaps that skip missing subtrees.  The
 * tables live in the fake physical memory of pt_fake_mem.h.
 */
#include "pt_fake_mem.h"

/* ---- pt_unmap ---------------------------------------------------------------- */

/* Check that no byte of [va, va + size) translates, probing 512 points at
 * most (every page of a range up to 2 MiB). */
static void check_unmapped(const struct page_table *pt, vaddr_t va, uint64_t size)
{
	uint64_t step = size / PT_ENTRIES > PAGE_SIZE ? size / PT_ENTRIES : PAGE_SIZE;
	uint64_t off;

	for (off = 0; off < size && !test_current_failed; off += step) {
		CHECK_ERR(pt_lookup(pt, va + off, NULL, NULL, NULL), ERR_NOT_FOUND);
		CHECK_ERR(pt_lookup(pt, va + off + step - 1, NULL, NULL, NULL),
			  ERR_NOT_FOUND);
	}
}

/* Map a leaf and a 4 KiB neighbour just below it, unmap exactly the leaf:
 * the leaf is gone, the neighbour and the table structure are intact. */
static void check_unmap_one_leaf(unsigned levels, vaddr_t va, uint64_t size)
{
	const vaddr_t below = va - PAGE_SIZE;
	struct page_table pt;

	CHECK_ERR(setup(&pt, levels, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, va, 0x80000000ull, size, size, PT_KERNEL_RW), ERR_OK);
	CHECK_ERR(pt_map(&pt, below, 0x90000000ull, PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RO),
		  ERR_OK);
	CHECK_ERR(pt_unmap(&pt, va, size), ERR_OK);
	check_unmapped(&pt, va, size);
	check_lookup(&pt, below, 0x90000000ull, PAGE_SIZE, PT_KERNEL_RO);
	collect_leaves(&pt, 0);
	CHECK_EQ_U64(seen.n, 1);
	CHECK_EQ_U64(bad_pointers(pt.root, levels - 1), 0);
}

/* Sv39: a 4 KiB, a 2 MiB and a 1 GiB (root-level) leaf are each removed
 * by an unmap of exactly their range, in both halves. */
static void test_unmap_each_leaf_size_sv39(void)
{
	check_unmap_one_leaf(PT_LEVELS_SV39, 0xffffffff80201000ull, PAGE_SIZE);
	check_unmap_one_leaf(PT_LEVELS_SV39, 0x40200000ull, MEGAPAGE_SIZE);
	check_unmap_one_leaf(PT_LEVELS_SV39, 0xffffffc040000000ull, GIGAPAGE_SIZE);
	check_unmap_one_leaf(PT_LEVELS_SV39, 0x3fc0000000ull, GIGAPAGE_SIZE);
}

/* Sv48: the same for 4 KiB (in the Sv39 hole), 2 MiB (the top of the
 * address space) and 1 GiB leaves. */
static void test_unmap_each_leaf_size_sv48(void)
{
	check_unmap_one_leaf(PT_LEVELS_SV48, 0x0000004000000000ull, PAGE_SIZE);
	check_unmap_one_leaf(PT_LEVELS_SV48, 0xffffffffffe00000ull, MEGAPAGE_SIZE);
	check_unmap_one_leaf(PT_LEVELS_SV48, 0xffff800040000000ull, GIGAPAGE_SIZE);
	check_unmap_one_leaf(PT_LEVELS_SV48, 0x00007fffc0000000ull, GIGAPAGE_SIZE);
}

/* Unmapping part of a mapped run removes exactly those pages: lookups inside
 * are ERR_NOT_FOUND, the pages on both sides still translate. */
static void test_unmap_then_lookup_not_found(void)
{
	const vaddr_t va = MEGAPAGE_SIZE - 2 * PAGE_SIZE;       /* crosses 2 MiB */
	const paddr_t pa = 0x80000000ull;
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, va, pa, 5 * PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW), ERR_OK);
	CHECK_ERR(pt_unmap(&pt, va + PAGE_SIZE, 3 * PAGE_SIZE), ERR_OK);
	check_lookup(&pt, va, pa, PAGE_SIZE, PT_KERNEL_RW);
	check_unmapped(&pt, va + PAGE_SIZE, 3 * PAGE_SIZE);
	check_lookup(&pt, va + 4 * PAGE_SIZE, pa + 4 * PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW);
	collect_leaves(&pt, 0);
	CHECK_EQ_U64(seen.n, 2);
}

/* A range with unmapped pages, a missing leaf table and a missing 1 GiB
 * subtree among its leaves: all leaves go, the holes are skipped. */
static void test_unmap_range_with_holes(void)
{
	const vaddr_t end = 2 * GIGAPAGE_SIZE + MEGAPAGE_SIZE;
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV48, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, 0x1000, 0x80001000ull, PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW),
		  ERR_OK);
	CHECK_ERR(pt_map(&pt, 0x5000, 0x80005000ull, 2 * PAGE_SIZE, PAGE_SIZE,
			 PT_KERNEL_RO), ERR_OK);
	CHECK_ERR(pt_map(&pt, 0x600000, 0x80600000ull, MEGAPAGE_SIZE, MEGAPAGE_SIZE,
			 PT_KERNEL_RX), ERR_OK);
	/* nothing in the second GiB; one page in the third, one page after it */
	CHECK_ERR(pt_map(&pt, end - PAGE_SIZE, 0x90000000ull, 2 * PAGE_SIZE, PAGE_SIZE,
			 PT_KERNEL_RW), ERR_OK);
	CHECK_ERR(pt_unmap(&pt, 0, end), ERR_OK);
	check_unmapped(&pt, 0, 2 * MEGAPAGE_SIZE);
	check_unmapped(&pt, end - MEGAPAGE_SIZE, MEGAPAGE_SIZE);
	check_lookup(&pt, end, 0x90001000ull, PAGE_SIZE, PT_KERNEL_RW);
	collect_leaves(&pt, 0);
	CHECK_EQ_U64(seen.n, 1);

	/* a range with nothing mapped in it succeeds and changes nothing */
	take_snapshot();
	CHECK_ERR(pt_unmap(&pt, GIGAPAGE_SIZE, GIGAPAGE_SIZE), ERR_OK);
	CHECK(unchanged_since_snapshot());
}

/* A range spanning a 512 GiB boundary: the leaves and every table below the
 * root on both sides go, and leaves just outside the range stay. */
static void test_unmap_across_table_boundaries(void)
{
	const vaddr_t boundary = TERAPAGE_SIZE;         /* root index 0 | 1 */
	const vaddr_t va = boundary - GIGAPAGE_SIZE;
	const uint64_t size = 2 * GIGAPAGE_SIZE;
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV48, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, va, 0x80000000ull, MEGAPAGE_SIZE, MEGAPAGE_SIZE,
			 PT_KERNEL_RW), ERR_OK);
	CHECK_ERR(pt_map(&pt, boundary - PAGE_SIZE, 0x81000000ull, 2 * PAGE_SIZE,
			 PAGE_SIZE, PT_KERNEL_RW), ERR_OK);
	CHECK_ERR(pt_map(&pt, va + size - PAGE_SIZE, 0x82000000ull, PAGE_SIZE,
			 PAGE_SIZE, PT_KERNEL_RW), ERR_OK);
	CHECK_ERR(pt_map(&pt, va - PAGE_SIZE, 0x83000000ull, PAGE_SIZE, PAGE_SIZE,
			 PT_KERNEL_RO), ERR_OK);
	CHECK_ERR(pt_map(&pt, va + size, 0x84000000ull, PAGE_SIZE, PAGE_SIZE,
			 PT_KERNEL_RO), ERR_OK);
	CHECK_EQ_U64(tables_live(), 12);

	CHECK_ERR(pt_unmap(&pt, va, size), ERR_OK);
	check_unmapped(&pt, va, MEGAPAGE_SIZE);
	check_unmapped(&pt, boundary - MEGAPAGE_SIZE, 2 * MEGAPAGE_SIZE);
	check_unmapped(&pt, va + size - MEGAPAGE_SIZE, MEGAPAGE_SIZE);
	check_lookup(&pt, va - PAGE_SIZE, 0x83000000ull, PAGE_SIZE, PT_KERNEL_RO);
	check_lookup(&pt, va + size, 0x84000000ull, PAGE_SIZE, PT_KERNEL_RO);
	/* root, and for each outside page a level-2, level-1 and level-0 table */
	CHECK_EQ_U64(tables_live(), 7);
	CHECK_EQ_U64(bad_pointers(pt.root, PT_LEVELS_SV48 - 1), 0);
}

/* Any leaf that straddles an end of the range makes pt_unmap fail with
 * ERR_INVALID_ARGUMENT, and the tables are exactly as before the call. */
static void test_unmap_refuses_straddling_leaf(void)
{
	const vaddr_t mega = 0x200000, giga = 0xffff800000000000ull;
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, mega - 4 * PAGE_SIZE, 0x80000000ull, 4 * PAGE_SIZE,
			 PAGE_SIZE, PT_KERNEL_RW), ERR_OK);
	CHECK_ERR(pt_map(&pt, mega, 0x80200000ull, MEGAPAGE_SIZE, MEGAPAGE_SIZE,
			 PT_KERNEL_RW), ERR_OK);
	CHECK_ERR(pt_map(&pt, 2 * mega, 0x80400000ull, PAGE_SIZE, PAGE_SIZE,
			 PT_KERNEL_RW), ERR_OK);
	take_snapshot();
	/* the end inside the leaf, the start inside it, both inside it */
	CHECK_ERR(pt_unmap(&pt, 0, mega + PAGE_SIZE), ERR_INVALID_ARGUMENT);
	CHECK_ERR(pt_unmap(&pt, 2 * mega - PAGE_SIZE, 2 * PAGE_SIZE), ERR_INVALID_ARGUMENT);
	CHECK_ERR(pt_unmap(&pt, mega + PAGE_SIZE, PAGE_SIZE), ERR_INVALID_ARGUMENT);
	CHECK(unchanged_since_snapshot());
	check_lookup(&pt, mega - PAGE_SIZE, 0x80003000ull, PAGE_SIZE, PT_KERNEL_RW);

	CHECK_ERR(setup(&pt, PT_LEVELS_SV48, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, giga, 0x80000000ull, GIGAPAGE_SIZE, GIGAPAGE_SIZE,
			 PT_KERNEL_RW), ERR_OK);
	take_snapshot();
	CHECK_ERR(pt_unmap(&pt, giga + GIGAPAGE_SIZE - MEGAPAGE_SIZE, 2 * MEGAPAGE_SIZE),
		  ERR_INVALID_ARGUMENT);
	CHECK_ERR(pt_unmap(&pt, giga, GIGAPAGE_SIZE - PAGE_SIZE), ERR_INVALID_ARGUMENT);
	CHECK(unchanged_since_snapshot());
}

/* Malformed ranges (misaligned, empty, non-canonical, wrapping, across the
 * hole) are refused with ERR_INVALID_ARGUMENT and change nothing. */
static void test_unmap_rejects_bad_ranges(void)
{
	const vaddr_t last_page = TOP_VA - PAGE_SIZE;
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, 0, 0x80000000ull, 2 * PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW),
		  ERR_OK);
	CHECK_ERR(pt_map(&pt, last_page, 0x81000000ull, PAGE_SIZE, PAGE_SIZE,
			 PT_KERNEL_RW), ERR_OK);
	take_snapshot();
	CHECK_ERR(pt_unmap(&pt, 0x800, PAGE_SIZE), ERR_INVALID_ARGUMENT);
	CHECK_ERR(pt_unmap(&pt, 0, PAGE_SIZE + 1), ERR_INVALID_ARGUMENT);
	CHECK_ERR(pt_unmap(&pt, 0, 0), ERR_INVALID_ARGUMENT);
	CHECK_ERR(pt_unmap(&pt, 0x0000004000000000ull, PAGE_SIZE), ERR_INVALID_ARGUMENT);
	CHECK_ERR(pt_unmap(&pt, 0x0000003ffffff000ull, 2 * PAGE_SIZE),
		  ERR_INVALID_ARGUMENT);
	CHECK_ERR(pt_unmap(&pt, last_page, 2 * PAGE_SIZE), ERR_INVALID_ARGUMENT);
	CHECK_ERR(pt_unmap(&pt, 0, last_page), ERR_INVALID_ARGUMENT);  /* lower to upper */
	CHECK(unchanged_since_snapshot());
}

/* After mapping one 4 KiB page at a fresh Sv48 address, unmapping it gives
 * back exactly the 3 tables below the root; the root stays (Sv39: 2). */
static void test_unmap_frees_emptied_tables_not_root(void)
{
	static const unsigned modes[] = { PT_LEVELS_SV39, PT_LEVELS_SV48 };
	const vaddr_t va = 0x0000001234567000ull;
	struct page_table pt;
	unsigned m, i;

	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		pte_t *root;

		CHECK_ERR(setup(&pt, modes[m], UNLIMITED), ERR_OK);
		CHECK_ERR(pt_map(&pt, va, 0x80000000ull, PAGE_SIZE, PAGE_SIZE,
				 PT_KERNEL_RW), ERR_OK);
		CHECK_EQ_U64(tables_live(), modes[m]);
		CHECK_ERR(pt_unmap(&pt, va, PAGE_SIZE), ERR_OK);
		CHECK_EQ_U64(fake.freed, modes[m] - 1);
		CHECK_EQ_U64(tables_live(), 1);
		root = fake_table(&fake, pt.root);      /* aborts if the root was freed */
		for (i = 0; i < PT_ENTRIES; i++)
			CHECK_EQ_U64(root[i], 0);
	}
}

/* Tables that still hold a mapping are kept: only a leaf table whose last
 * page went, and then the tables its parents no longer need, come back. */
static void test_unmap_keeps_tables_in_use(void)
{
	const vaddr_t a = 0x0000001234400000ull;               /* same GiB as b */
	const vaddr_t b = a + 3 * MEGAPAGE_SIZE;
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV48, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, a, 0x80000000ull, 2 * PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW),
		  ERR_OK);
	CHECK_ERR(pt_map(&pt, b, 0x81000000ull, PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW),
		  ERR_OK);
	CHECK_EQ_U64(tables_live(), 5);         /* root, level 2, level 1, two leaf tables */
	CHECK_ERR(pt_unmap(&pt, a, PAGE_SIZE), ERR_OK);
	CHECK_EQ_U64(fake.freed, 0);
	CHECK_ERR(pt_unmap(&pt, a + PAGE_SIZE, PAGE_SIZE), ERR_OK);
	CHECK_EQ_U64(fake.freed, 1);
	check_lookup(&pt, b, 0x81000000ull, PAGE_SIZE, PT_KERNEL_RW);
	CHECK_ERR(pt_unmap(&pt, b, PAGE_SIZE), ERR_OK);
	CHECK_EQ_U64(fake.freed, 4);
	CHECK_EQ_U64(tables_live(), 1);
}

/* After an unmap the range can be mapped again, with other leaf sizes and
 * rights too (a 2 MiB leaf where a 4 KiB leaf table was freed). */
static void test_remap_after_unmap(void)
{
	const vaddr_t va = 0xffffffff80200000ull;
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, va, 0x80000000ull, PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW),
		  ERR_OK);
	CHECK_ERR(pt_unmap(&pt, va, PAGE_SIZE), ERR_OK);
	CHECK_ERR(pt_map(&pt, va, 0x90000000ull, PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RX),
		  ERR_OK);
	check_lookup(&pt, va, 0x90000000ull, PAGE_SIZE, PT_KERNEL_RX);
	CHECK_ERR(pt_unmap(&pt, va, PAGE_SIZE), ERR_OK);
	CHECK_ERR(pt_map(&pt, va, 0x90200000ull, MEGAPAGE_SIZE, MEGAPAGE_SIZE,
			 PT_KERNEL_RO), ERR_OK);
	check_lookup(&pt, va + PAGE_SIZE, 0x90201000ull, MEGAPAGE_SIZE, PT_KERNEL_RO);
	CHECK_ERR(pt_unmap(&pt, va, MEGAPAGE_SIZE), ERR_OK);
	CHECK_ERR(pt_map(&pt, va, 0x80000000ull, 3 * PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW),
		  ERR_OK);
	check_lookup(&pt, va + 2 * PAGE_SIZE, 0x80002000ull, PAGE_SIZE, PT_KERNEL_RW);
	CHECK_EQ_U64(bad_pointers(pt.root, PT_LEVELS_SV39 - 1), 0);
}

/* With free_table NULL the emptied tables stay linked and nothing is given
 * back; mapping there again needs no new table. */
static void test_unmap_without_free_table_keeps_tables(void)
{
	const vaddr_t va = 0x0000001234567000ull;
	struct page_table pt;
	pte_t *root;

	CHECK_ERR(setup_with(&pt, PT_LEVELS_SV48, UNLIMITED, &fake_pt_mem_keeping), ERR_OK);
	CHECK_ERR(pt_map(&pt, va, 0x80000000ull, PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW),
		  ERR_OK);
	CHECK_ERR(pt_unmap(&pt, va, PAGE_SIZE), ERR_OK);
	CHECK_ERR(pt_lookup(&pt, va, NULL, NULL, NULL), ERR_NOT_FOUND);
	CHECK_EQ_U64(fake.freed, 0);
	CHECK_EQ_U64(tables_live(), PT_LEVELS_SV48);
	root = fake_table(&fake, pt.root);
	CHECK(pte_is_pointer(root[pt_index(va, PT_LEVELS_SV48 - 1)]));
	CHECK_ERR(pt_map(&pt, va, 0x90000000ull, PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RO),
		  ERR_OK);
	CHECK_EQ_U64(fake.allocs, PT_LEVELS_SV48);
	check_lookup(&pt, va, 0x90000000ull, PAGE_SIZE, PT_KERNEL_RO);
}

/* Unmapping a whole canonical half (2^47 bytes in Sv48, 2^38 in Sv39) skips
 * the missing subtrees: it is fast, and the other half is untouched. */
static void check_unmap_whole_half(unsigned levels)
{
	const uint64_t half = pt_level_size(levels) / 2;
	const vaddr_t upper = TOP_VA - half;
	struct page_table pt;

	CHECK_ERR(setup(&pt, levels, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, 0, 0x80000000ull, PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW), ERR_OK);
	CHECK_ERR(pt_map(&pt, half / 2, 0x80000000ull, MEGAPAGE_SIZE, MEGAPAGE_SIZE,
			 PT_KERNEL_RW), ERR_OK);
	CHECK_ERR(pt_map(&pt, half - GIGAPAGE_SIZE, 0x80000000ull, GIGAPAGE_SIZE,
			 GIGAPAGE_SIZE, PT_KERNEL_RW), ERR_OK);
	CHECK_ERR(pt_map(&pt, upper, 0x80000000ull, PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW),
		  ERR_OK);
	CHECK_ERR(pt_map(&pt, TOP_VA - PAGE_SIZE, 0x80000000ull, PAGE_SIZE, PAGE_SIZE,
			 PT_KERNEL_RW), ERR_OK);

	CHECK_ERR(pt_unmap(&pt, 0, half), ERR_OK);
	collect_leaves(&pt, 0);
	CHECK_EQ_U64(seen.n, 2);
	CHECK_EQ_U64(seen.v[0].va, upper);
	CHECK_ERR(pt_unmap(&pt, upper, half), ERR_OK);  /* ends exactly at 2^64 */
	collect_leaves(&pt, 0);
	CHECK_EQ_U64(seen.n, 0);
	CHECK_EQ_U64(tables_live(), 1);
}

/* Whole-half unmaps in Sv39 and Sv48 finish at once (a page-by-page walk
 * of 2^35 pages would time out) and free every table below the root. */
static void test_unmap_whole_half_skips_holes(void)
{
	check_unmap_whole_half(PT_LEVELS_SV39);
	check_unmap_whole_half(PT_LEVELS_SV48);
}

int main(void)
{
	RUN(test_unmap_each_leaf_size_sv39);
	RUN(test_unmap_each_leaf_size_sv48);
	RUN(test_unmap_then_lookup_not_found);
	RUN(test_unmap_range_with_holes);
	RUN(test_unmap_across_table_boundaries);
	RUN(test_unmap_refuses_straddling_leaf);
	RUN(test_unmap_rejects_bad_ranges);
	RUN(test_unmap_frees_emptied_tables_not_root);
	RUN(test_unmap_keeps_tables_in_use);
	RUN(test_remap_after_unmap);
	RUN(test_unmap_without_free_table_keeps_tables);
	RUN(test_unmap_whole_half_skips_holes);
	return test_done();
}
