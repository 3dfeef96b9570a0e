/*
 * Host unit tests of pt_protect (mm/pt.c; rules in mm/pt.h): new rights
 * with the A/D rules of pt_map, ranges of mixed leaves, and refusals
 * (bad rights, unmapped pages, straddling leaves, malformed ranges) that
 * leave every PTE as it was.  The tables live in the fake physical memory
 * of pt_fake_mem.h.
 */
#include "pt_fake_mem.h"

/* ---- pt_protect --------------------------------------------------------------- */

/* Protect one leaf with `rights`; it keeps its frame and size and gets
 * exactly the bits pt_map would give (A always, D only with W). */
static void check_protect(struct page_table *pt, vaddr_t va, paddr_t pa, uint64_t size,
			  unsigned rights)
{
	CHECK_ERR(pt_protect(pt, va, size, rights), ERR_OK);
	check_lookup(pt, va, pa, size, rights);
	check_lookup(pt, va + size - 1, pa + size - 1, size, rights);
}

/* RW -> R drops W and D; R -> RX adds X without D; R -> RW sets D again;
 * U and G follow the rights; for 4 KiB, 2 MiB and 1 GiB leaves. */
static void test_protect_changes_rights_a_d_rules(void)
{
	static const uint64_t sizes[] = { PAGE_SIZE, MEGAPAGE_SIZE, GIGAPAGE_SIZE };
	const paddr_t pa = 0x80000000ull;
	struct page_table pt;
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		const vaddr_t va = 0xffffffc000000000ull + sizes[i];
		pte_t pte = 0;

		CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
		CHECK_ERR(pt_map(&pt, va, pa, sizes[i], sizes[i], PT_KERNEL_RW), ERR_OK);
		check_protect(&pt, va, pa, sizes[i], PT_KERNEL_RO);
		CHECK_ERR(pt_lookup(&pt, va, NULL, &pte, NULL), ERR_OK);
		CHECK(!(pte & (PTE_W | PTE_D)) && (pte & PTE_A));
		check_protect(&pt, va, pa, sizes[i], PT_READ | PT_EXEC);
		check_protect(&pt, va, pa, sizes[i], PT_READ | PT_WRITE | PT_USER);
		CHECK_ERR(pt_lookup(&pt, va, NULL, &pte, NULL), ERR_OK);
		CHECK((pte & PTE_D) && (pte & PTE_U) && !(pte & PTE_G));
		check_protect(&pt, va, pa, sizes[i], PT_EXEC);
		CHECK_EQ_U64(fake.allocs, 3 - i);       /* protect allocates nothing */
	}
}

/* One call covers 4 KiB pages and a 2 MiB leaf on both sides of a 512 GiB
 * boundary (two level-2 tables); the leaves just outside keep their rights. */
static void test_protect_range_of_mixed_leaves(void)
{
	const vaddr_t va = 0x0000007fffe00000ull - 3 * PAGE_SIZE;
	const uint64_t size = 3 * PAGE_SIZE + MEGAPAGE_SIZE + PAGE_SIZE;
	const paddr_t pa = 0x80000000ull;
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV48, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, va - PAGE_SIZE, pa, 4 * PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW),
		  ERR_OK);
	CHECK_ERR(pt_map(&pt, va + 3 * PAGE_SIZE, pa + MEGAPAGE_SIZE, MEGAPAGE_SIZE,
			 MEGAPAGE_SIZE, PT_KERNEL_RW), ERR_OK);
	CHECK_ERR(pt_map(&pt, va + size - PAGE_SIZE, pa + 4 * MEGAPAGE_SIZE, 2 * PAGE_SIZE,
			 PAGE_SIZE, PT_KERNEL_RW), ERR_OK);
	CHECK_ERR(pt_protect(&pt, va, size, PT_READ | PT_USER), ERR_OK);
	check_lookup(&pt, va - PAGE_SIZE, pa, PAGE_SIZE, PT_KERNEL_RW);
	check_lookup(&pt, va, pa + PAGE_SIZE, PAGE_SIZE, PT_READ | PT_USER);
	check_lookup(&pt, va + 2 * PAGE_SIZE, pa + 3 * PAGE_SIZE, PAGE_SIZE,
		     PT_READ | PT_USER);
	check_lookup(&pt, va + 3 * PAGE_SIZE, pa + MEGAPAGE_SIZE, MEGAPAGE_SIZE,
		     PT_READ | PT_USER);
	check_lookup(&pt, va + size - PAGE_SIZE, pa + 4 * MEGAPAGE_SIZE, PAGE_SIZE,
		     PT_READ | PT_USER);
	check_lookup(&pt, va + size, pa + 4 * MEGAPAGE_SIZE + PAGE_SIZE, PAGE_SIZE,
		     PT_KERNEL_RW);
}

/* W+X, W without R, and rights with none of R/W/X are refused with
 * ERR_INVALID_ARGUMENT, and the leaf keeps its PTE. */
static void test_protect_refuses_bad_rights(void)
{
	static const unsigned refused[] = {
		PT_READ | PT_WRITE | PT_EXEC, PT_WRITE | PT_EXEC, PT_WRITE,
		PT_WRITE | PT_USER, 0, PT_USER, PT_GLOBAL,
	};
	struct page_table pt;
	unsigned i;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, 0x1000, 0x80001000ull, PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RO),
		  ERR_OK);
	take_snapshot();
	for (i = 0; i < ARRAY_SIZE(refused); i++)
		CHECK_ERR(pt_protect(&pt, 0x1000, PAGE_SIZE, refused[i]),
			  ERR_INVALID_ARGUMENT);
	CHECK(unchanged_since_snapshot());
}

/* One unmapped page anywhere in the range (a hole in a leaf table, a missing
 * leaf table, the last page) is ERR_NOT_FOUND, and no leaf changes. */
static void test_protect_refuses_unmapped_page(void)
{
	const vaddr_t va = 0x40000000ull;
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV48, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, va, 0x80000000ull, 3 * PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW),
		  ERR_OK);
	CHECK_ERR(pt_map(&pt, va + 4 * PAGE_SIZE, 0x80004000ull, 2 * PAGE_SIZE, PAGE_SIZE,
			 PT_KERNEL_RW), ERR_OK);
	CHECK_ERR(pt_map(&pt, va + 2 * MEGAPAGE_SIZE, 0x80200000ull, MEGAPAGE_SIZE,
			 MEGAPAGE_SIZE, PT_KERNEL_RW), ERR_OK);
	take_snapshot();
	CHECK_ERR(pt_protect(&pt, va, 6 * PAGE_SIZE, PT_KERNEL_RO), ERR_NOT_FOUND);
	CHECK_ERR(pt_protect(&pt, va, 3 * MEGAPAGE_SIZE, PT_KERNEL_RO), ERR_NOT_FOUND);
	CHECK_ERR(pt_protect(&pt, va + 4 * PAGE_SIZE, 3 * PAGE_SIZE, PT_KERNEL_RO),
		  ERR_NOT_FOUND);                                   /* the last page */
	CHECK_ERR(pt_protect(&pt, va + 2 * MEGAPAGE_SIZE, MEGAPAGE_SIZE + PAGE_SIZE,
			     PT_KERNEL_RO), ERR_NOT_FOUND);
	CHECK_ERR(pt_protect(&pt, 0, GIGAPAGE_SIZE, PT_KERNEL_RO), ERR_NOT_FOUND);
	CHECK(unchanged_since_snapshot());
	check_lookup(&pt, va, 0x80000000ull, PAGE_SIZE, PT_KERNEL_RW);
}

/* A leaf straddling either end of the range, or a malformed range, is
 * ERR_INVALID_ARGUMENT, and no leaf changes. */
static void test_protect_refuses_straddling_leaf_and_bad_range(void)
{
	const vaddr_t va = 0xffffffffffe00000ull;       /* the last 2 MiB */
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, va - PAGE_SIZE, 0x80000000ull, PAGE_SIZE, PAGE_SIZE,
			 PT_KERNEL_RW), ERR_OK);
	CHECK_ERR(pt_map(&pt, va, 0x80200000ull, MEGAPAGE_SIZE, MEGAPAGE_SIZE,
			 PT_KERNEL_RW), ERR_OK);
	take_snapshot();
	CHECK_ERR(pt_protect(&pt, va - PAGE_SIZE, 2 * PAGE_SIZE, PT_KERNEL_RO),
		  ERR_INVALID_ARGUMENT);
	CHECK_ERR(pt_protect(&pt, va + PAGE_SIZE, MEGAPAGE_SIZE - PAGE_SIZE, PT_KERNEL_RO),
		  ERR_INVALID_ARGUMENT);
	CHECK_ERR(pt_protect(&pt, va, PAGE_SIZE, PT_KERNEL_RO), ERR_INVALID_ARGUMENT);
	CHECK_ERR(pt_protect(&pt, va, MEGAPAGE_SIZE + PAGE_SIZE, PT_KERNEL_RO),
		  ERR_INVALID_ARGUMENT);                            /* wraps */
	CHECK_ERR(pt_protect(&pt, va + 1, PAGE_SIZE, PT_KERNEL_RO), ERR_INVALID_ARGUMENT);
	CHECK_ERR(pt_protect(&pt, va, 0, PT_KERNEL_RO), ERR_INVALID_ARGUMENT);
	CHECK_ERR(pt_protect(&pt, 0xffffffbffffff000ull, PAGE_SIZE, PT_KERNEL_RO),
		  ERR_INVALID_ARGUMENT);                            /* non-canonical */
	CHECK(unchanged_since_snapshot());
	CHECK_ERR(pt_protect(&pt, va - PAGE_SIZE, MEGAPAGE_SIZE + PAGE_SIZE, PT_KERNEL_RO),
		  ERR_OK);
	check_lookup(&pt, va, 0x80200000ull, MEGAPAGE_SIZE, PT_KERNEL_RO);
}

int main(void)
{
	RUN(test_protect_changes_rights_a_d_rules);
	RUN(test_protect_range_of_mixed_leaves);
	RUN(test_protect_refuses_bad_rights);
	RUN(test_protect_refuses_unmapped_page);
	RUN(test_protect_refuses_straddling_leaf_and_bad_range);
	return test_done();
}
