/*
 * Host unit tests of pt_map's refusals (mm/pt.c; rules in mm/pt.h): the
 * arguments it rejects before touching the table (rights, alignment,
 * canonical addresses, leaf sizes, empty and wrapping ranges),
 * ERR_EXISTS over what is already mapped, and ERR_NO_MEMORY when the fake
 * memory of pt_fake_mem.h runs out of table pages.
 */
#include "pt_fake_mem.h"

/* ---- rejected arguments ---------------------------------------------------- */

/* A rejected pt_map returns ERR_INVALID_ARGUMENT before touching the table:
 * no table is allocated and `va` stays unmapped. */
static void check_rejected(struct page_table *pt, vaddr_t va, paddr_t pa,
			   uint64_t size, uint64_t leaf, unsigned rights)
{
	unsigned used = fake.used;

	CHECK_ERR(pt_map(pt, va, pa, size, leaf, rights), ERR_INVALID_ARGUMENT);
	CHECK_EQ_U64(fake.used, used);
	CHECK_ERR(pt_lookup(pt, va, NULL, NULL, NULL), ERR_NOT_FOUND);
}

/* W+X, W without R, and rights without any of R/W/X are refused. */
static void test_reject_bad_rights(void)
{
	static const unsigned refused[] = {
		PT_READ | PT_WRITE | PT_EXEC, PT_WRITE | PT_EXEC, PT_WRITE,
		PT_WRITE | PT_USER, 0, PT_USER, PT_GLOBAL, PT_USER | PT_GLOBAL,
	};
	struct page_table pt;
	unsigned i;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	for (i = 0; i < ARRAY_SIZE(refused); i++)
		check_rejected(&pt, 0x1000, 0x80001000ull, PAGE_SIZE, PAGE_SIZE, refused[i]);
}

/* va, pa and size must all be multiples of the leaf size. */
static void test_reject_misaligned(void)
{
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	check_rejected(&pt, 0x1001, 0x80001000ull, PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW);
	check_rejected(&pt, 0x1000, 0x80001001ull, PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW);
	check_rejected(&pt, 0x1000, 0x80001000ull, PAGE_SIZE + 1, PAGE_SIZE, PT_KERNEL_RW);
	/* 4 KiB-aligned but not 2 MiB-aligned, for a 2 MiB leaf: */
	check_rejected(&pt, MEGAPAGE_SIZE + PAGE_SIZE, 0x80200000ull, MEGAPAGE_SIZE,
		       MEGAPAGE_SIZE, PT_KERNEL_RW);
	check_rejected(&pt, MEGAPAGE_SIZE, 0x80201000ull, MEGAPAGE_SIZE,
		       MEGAPAGE_SIZE, PT_KERNEL_RW);
	check_rejected(&pt, MEGAPAGE_SIZE, 0x80200000ull, MEGAPAGE_SIZE + PAGE_SIZE,
		       MEGAPAGE_SIZE, PT_KERNEL_RW);
}

/* A non-canonical start, or a range whose end falls into the hole, is refused;
 * Sv39's hole is mappable in Sv48. */
static void test_reject_non_canonical(void)
{
	const vaddr_t sv39_hole = 0x0000004000000000ull;
	const vaddr_t sv48_hole = 0x0000800000000000ull;
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	check_rejected(&pt, sv39_hole, 0x80000000ull, PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW);
	check_rejected(&pt, 0xffffffbffffff000ull, 0x80000000ull, PAGE_SIZE, PAGE_SIZE,
		       PT_KERNEL_RW);
	/* the last page of the lower half, plus one page in the hole: */
	check_rejected(&pt, sv39_hole - PAGE_SIZE, 0x80000000ull, 2 * PAGE_SIZE,
		       PAGE_SIZE, PT_KERNEL_RW);

	CHECK_ERR(setup(&pt, PT_LEVELS_SV48, UNLIMITED), ERR_OK);
	check_rejected(&pt, sv48_hole, 0x80000000ull, PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW);
	check_rejected(&pt, sv48_hole - MEGAPAGE_SIZE, 0x80000000ull, 2 * MEGAPAGE_SIZE,
		       MEGAPAGE_SIZE, PT_KERNEL_RW);
	CHECK_ERR(pt_map(&pt, sv39_hole, 0x80000000ull, PAGE_SIZE, PAGE_SIZE,
			 PT_KERNEL_RW), ERR_OK);
}

/* Only 4 KiB, 2 MiB and 1 GiB leaves exist: 512 GiB (a level neither mode
 * maps through pt_map), odd sizes and 0 are refused. */
static void test_reject_leaf_size_mode_lacks(void)
{
	static const uint64_t refused[] = {
		TERAPAGE_SIZE, 0, 1, 2 * PAGE_SIZE, 2 * MEGAPAGE_SIZE, 2 * GIGAPAGE_SIZE,
	};
	static const unsigned modes[] = { PT_LEVELS_SV39, PT_LEVELS_SV48 };
	struct page_table pt;
	unsigned m, i;

	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		CHECK_ERR(setup(&pt, modes[m], UNLIMITED), ERR_OK);
		for (i = 0; i < ARRAY_SIZE(refused); i++)
			check_rejected(&pt, 0, 0, TERAPAGE_SIZE, refused[i], PT_KERNEL_RW);
	}
}

/* Size 0 maps nothing and is refused. */
static void test_reject_size_zero(void)
{
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	check_rejected(&pt, 0x1000, 0x80001000ull, 0, PAGE_SIZE, PT_KERNEL_RW);
	check_rejected(&pt, 0, 0x80000000ull, 0, MEGAPAGE_SIZE, PT_KERNEL_RW);
}

/* A range that runs past 2^64 and wraps to 0 is refused (both of its ends
 * are canonical, so only the wrap check can catch it). */
static void test_reject_wrapping_range(void)
{
	const vaddr_t last_page = TOP_VA - PAGE_SIZE;
	const vaddr_t last_mega = TOP_VA - MEGAPAGE_SIZE;
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	check_rejected(&pt, last_page, 0x80000000ull, 2 * PAGE_SIZE, PAGE_SIZE,
		       PT_KERNEL_RW);
	CHECK_ERR(pt_lookup(&pt, 0, NULL, NULL, NULL), ERR_NOT_FOUND);

	CHECK_ERR(setup(&pt, PT_LEVELS_SV48, UNLIMITED), ERR_OK);
	check_rejected(&pt, last_mega, 0x80000000ull, 2 * MEGAPAGE_SIZE,
		       MEGAPAGE_SIZE, PT_KERNEL_RW);
	CHECK_ERR(pt_lookup(&pt, 0, NULL, NULL, NULL), ERR_NOT_FOUND);
}

/* A range from the lower half to the upper half covers the whole hole: it is
 * refused, and nothing gets mapped at the upper-half addresses that the
 * non-canonical pages would alias. */
static void test_reject_range_across_hole(void)
{
	const vaddr_t sv48_low_top = 0x0000800000000000ull;     /* end of lower half */
	const vaddr_t sv48_high = 0xffff800000000000ull;        /* start of upper half */
	const vaddr_t va = sv48_low_top - GIGAPAGE_SIZE;
	const uint64_t size = sv48_high + GIGAPAGE_SIZE - va;   /* end is canonical */
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV48, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, va, 0, size, GIGAPAGE_SIZE, PT_KERNEL_RW),
		  ERR_INVALID_ARGUMENT);
	CHECK_ERR(pt_lookup(&pt, va, NULL, NULL, NULL), ERR_NOT_FOUND);
	CHECK_ERR(pt_lookup(&pt, sv48_high, NULL, NULL, NULL), ERR_NOT_FOUND);
}

/* ---- ERR_EXISTS and ERR_NO_MEMORY ----------------------------------------- */

/* Mapping over a mapped page is ERR_EXISTS and leaves it as it was; in a
 * range, the pages before the clash stay mapped (as pt.h says). */
static void test_exists_over_mapped_page(void)
{
	const vaddr_t va = 0x5000;
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, va, 0x80005000ull, PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RO), ERR_OK);
	CHECK_ERR(pt_map(&pt, va, 0x90000000ull, PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW),
		  ERR_EXISTS);
	check_lookup(&pt, va, 0x80005000ull, PAGE_SIZE, PT_KERNEL_RO);

	/* three pages starting two before the mapped one: */
	CHECK_ERR(pt_map(&pt, va - 2 * PAGE_SIZE, 0x90000000ull, 3 * PAGE_SIZE,
			 PAGE_SIZE, PT_KERNEL_RW), ERR_EXISTS);
	check_lookup(&pt, va - 2 * PAGE_SIZE, 0x90000000ull, PAGE_SIZE, PT_KERNEL_RW);
	check_lookup(&pt, va, 0x80005000ull, PAGE_SIZE, PT_KERNEL_RO);
}

/* A 4 KiB map inside an existing 2 MiB leaf (or 1 GiB leaf) hits that leaf
 * on the way down: ERR_EXISTS, and the big leaf is unchanged. */
static void test_exists_4k_inside_big_leaf(void)
{
	const vaddr_t mega = 0x40000000ull + MEGAPAGE_SIZE;
	const vaddr_t giga = 0xffff800000000000ull;
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, mega, 0x80200000ull, MEGAPAGE_SIZE, MEGAPAGE_SIZE,
			 PT_KERNEL_RX), ERR_OK);
	CHECK_ERR(pt_map(&pt, mega + PAGE_SIZE, 0x90000000ull, PAGE_SIZE, PAGE_SIZE,
			 PT_KERNEL_RW), ERR_EXISTS);
	check_lookup(&pt, mega + PAGE_SIZE, 0x80201000ull, MEGAPAGE_SIZE, PT_KERNEL_RX);

	CHECK_ERR(setup(&pt, PT_LEVELS_SV48, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, giga, 0x80000000ull, GIGAPAGE_SIZE, GIGAPAGE_SIZE,
			 PT_KERNEL_RO), ERR_OK);
	CHECK_ERR(pt_map(&pt, giga + MEGAPAGE_SIZE, 0x90000000ull, PAGE_SIZE, PAGE_SIZE,
			 PT_KERNEL_RW), ERR_EXISTS);
	check_lookup(&pt, giga + MEGAPAGE_SIZE, 0x80200000ull, GIGAPAGE_SIZE,
		     PT_KERNEL_RO);
}

/* pt_map_replace: maps where nothing was (old 0), replaces a 4 KiB leaf
 * (old = that leaf), refuses bad rights and a page inside a big leaf. */
static void test_map_replace(void)
{
	const vaddr_t va = 0x7000, mega = 0x40000000ull;
	struct page_table pt;
	pte_t old = 1;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV48, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map_replace(&pt, va, 0x80007000ull, PT_KERNEL_RO, &old), ERR_OK);
	CHECK_EQ_U64(old, 0);
	check_lookup(&pt, va, 0x80007000ull, PAGE_SIZE, PT_KERNEL_RO);
	CHECK_ERR(pt_map_replace(&pt, va, 0x90000000ull, PT_KERNEL_RW, &old), ERR_OK);
	CHECK_EQ_U64(pte_pa(old), 0x80007000ull);
	CHECK(old & PTE_V);
	check_lookup(&pt, va, 0x90000000ull, PAGE_SIZE, PT_KERNEL_RW);
	CHECK_ERR(pt_map_replace(&pt, va, 0x90000000ull, PT_WRITE, &old), ERR_INVALID_ARGUMENT);
	CHECK_ERR(pt_map_replace(&pt, va + 1, 0x90000000ull, PT_KERNEL_RW, &old),
		  ERR_INVALID_ARGUMENT);
	check_lookup(&pt, va, 0x90000000ull, PAGE_SIZE, PT_KERNEL_RW);
	CHECK_ERR(pt_map(&pt, mega, 0x80200000ull, MEGAPAGE_SIZE, MEGAPAGE_SIZE, PT_KERNEL_RX),
		  ERR_OK);
	CHECK_ERR(pt_map_replace(&pt, mega + PAGE_SIZE, 0x90000000ull, PT_KERNEL_RW, &old),
		  ERR_EXISTS);
	check_lookup(&pt, mega + PAGE_SIZE, 0x80201000ull, MEGAPAGE_SIZE, PT_KERNEL_RX);
}

/* pt_map_some tells how far it got, and a range across two leaf tables
 * (one walk per table) maps every page where it belongs. */
static void test_map_some(void)
{
	const vaddr_t edge = 0x40000000ull + MEGAPAGE_SIZE - 2 * PAGE_SIZE;
	struct page_table pt;
	uint64_t mapped = 1, i;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map_some(&pt, edge, 0x80000000ull, 4 * PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW,
			      &mapped), ERR_OK);
	CHECK_EQ_U64(mapped, 4 * PAGE_SIZE);
	for (i = 0; i < 4; i++)
		check_lookup(&pt, edge + i * PAGE_SIZE, 0x80000000ull + i * PAGE_SIZE, PAGE_SIZE,
			     PT_KERNEL_RW);
	CHECK_ERR(pt_map_some(&pt, edge - 3 * PAGE_SIZE, 0x90000000ull, 5 * PAGE_SIZE, PAGE_SIZE,
			      PT_KERNEL_RO, &mapped), ERR_EXISTS);
	CHECK_EQ_U64(mapped, 3 * PAGE_SIZE);    /* the three before the first mapped page */
	check_lookup(&pt, edge - PAGE_SIZE, 0x90000000ull + 2 * PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RO);
	check_lookup(&pt, edge, 0x80000000ull, PAGE_SIZE, PT_KERNEL_RW);
	CHECK_ERR(pt_map_some(&pt, edge + 1, 0x90000000ull, PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RO,
			      &mapped), ERR_INVALID_ARGUMENT);
	CHECK_EQ_U64(mapped, 0);
}

/* A 2 MiB map over a region already split into 4 KiB pages is ERR_EXISTS
 * and does not replace the table pointer. */
static void test_exists_2m_over_4k_table(void)
{
	const vaddr_t va = 0x40000000ull;
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, va + PAGE_SIZE, 0x80001000ull, PAGE_SIZE, PAGE_SIZE,
			 PT_KERNEL_RW), ERR_OK);
	CHECK_ERR(pt_map(&pt, va, 0x80200000ull, MEGAPAGE_SIZE, MEGAPAGE_SIZE,
			 PT_KERNEL_RW), ERR_EXISTS);
	check_lookup(&pt, va + PAGE_SIZE, 0x80001000ull, PAGE_SIZE, PT_KERNEL_RW);
	CHECK_ERR(pt_lookup(&pt, va, NULL, NULL, NULL), ERR_NOT_FOUND);
}

/* With a table budget too small for the walk, pt_map returns ERR_NO_MEMORY
 * without crashing or corrupting the table, and works once memory is back. */
static void check_no_memory(unsigned levels)
{
	const vaddr_t va = 0xffffffff80201000ull;
	struct page_table pt;
	unsigned budget;

	/* A 4 KiB leaf needs the root plus levels - 1 tables. */
	for (budget = 1; budget <= levels; budget++) {
		err_t want = budget < levels ? ERR_NO_MEMORY : ERR_OK;

		CHECK_ERR(setup(&pt, levels, budget), ERR_OK);
		CHECK_ERR(pt_map(&pt, va, 0x80201000ull, PAGE_SIZE, PAGE_SIZE,
				 PT_KERNEL_RW), want);
		CHECK_EQ_U64(fake.used, budget);
		CHECK_EQ_U64(bad_pointers(pt.root, levels - 1), 0);
		if (want == ERR_OK)
			continue;
		CHECK_ERR(pt_lookup(&pt, va, NULL, NULL, NULL), ERR_NOT_FOUND);
		fake.budget = UNLIMITED;
		CHECK_ERR(pt_map(&pt, va, 0x80201000ull, PAGE_SIZE, PAGE_SIZE,
				 PT_KERNEL_RW), ERR_OK);
		check_lookup(&pt, va, 0x80201000ull, PAGE_SIZE, PT_KERNEL_RW);
	}
}

/* ERR_NO_MEMORY at every level of the walk, in Sv39 and in Sv48. */
static void test_no_memory_when_tables_run_out(void)
{
	check_no_memory(PT_LEVELS_SV39);
	check_no_memory(PT_LEVELS_SV48);
}

/* A range that needs a second leaf table when none is left: ERR_NO_MEMORY. */
static void test_no_memory_midway_through_range(void)
{
	const vaddr_t va = MEGAPAGE_SIZE - PAGE_SIZE;   /* last page of a 2 MiB region */
	struct page_table pt;

	/* root, one level-1 and one level-0 table: enough for the first page only */
	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, PT_LEVELS_SV39), ERR_OK);
	CHECK_ERR(pt_map(&pt, va, 0x80000000ull, 2 * PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW),
		  ERR_NO_MEMORY);
	CHECK_ERR(pt_lookup(&pt, va + PAGE_SIZE, NULL, NULL, NULL), ERR_NOT_FOUND);
	CHECK_EQ_U64(bad_pointers(pt.root, PT_LEVELS_SV39 - 1), 0);
}

int main(void)
{
	RUN(test_reject_bad_rights);
	RUN(test_reject_misaligned);
	RUN(test_reject_non_canonical);
	RUN(test_reject_leaf_size_mode_lacks);
	RUN(test_reject_size_zero);
	RUN(test_reject_wrapping_range);
	RUN(test_reject_range_across_hole);
	RUN(test_exists_over_mapped_page);
	RUN(test_exists_4k_inside_big_leaf);
	RUN(test_exists_2m_over_4k_table);
	RUN(test_map_replace);
	RUN(test_map_some);
	RUN(test_no_memory_when_tables_run_out);
	RUN(test_no_memory_midway_through_range);
	return test_done();
}
