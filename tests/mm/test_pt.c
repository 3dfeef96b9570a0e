/*
 * Host unit tests of the page-table walker (mm/pt.c; format and rules in
 * mm/pt.h): the index identity and canonical addresses, pt_init, pt_map of
 * every leaf size and the PTE bits it writes, pt_lookup and
 * pt_for_each_leaf.  pt_map's refusals, pt_unmap, pt_protect and the
 * randomized tests have files of their own (test_pt_*.c); all of them run
 * on the fake physical memory of pt_fake_mem.h.
 */
#include "pt_fake_mem.h"

/* ---- index identity and canonical addresses --------------------------------- */

/* The worked example of mm/pt.h: Sv39 va 0xffffffff80201000 has the indices
 * 510, 1, 1 at levels 2, 1, 0. */
static void test_index_sv39_worked_example(void)
{
	const vaddr_t va = 0xffffffff80201000ull;

	CHECK_EQ_U64(pt_index(va, 2), 510);
	CHECK_EQ_U64(pt_index(va, 1), 1);
	CHECK_EQ_U64(pt_index(va, 0), 1);
}

/* A Sv48 example built from its indices: 256 (the first upper-half slot),
 * 1, 1, 3 at levels 3, 2, 1, 0, sign-extended from bit 47. */
static void test_index_sv48_example(void)
{
	const vaddr_t va = 0xffff800040203000ull;

	CHECK_EQ_U64(pt_index(va, 3), 256);
	CHECK_EQ_U64(pt_index(va, 2), 1);
	CHECK_EQ_U64(pt_index(va, 1), 1);
	CHECK_EQ_U64(pt_index(va, 0), 3);
}

/* pt_level_size gives 4 KiB, 2 MiB, 1 GiB, 512 GiB for levels 0-3,
 * matching the names in tessera/types.h. */
static void test_level_sizes(void)
{
	CHECK_EQ_U64(pt_level_size(0), PAGE_SIZE);
	CHECK_EQ_U64(pt_level_size(1), MEGAPAGE_SIZE);
	CHECK_EQ_U64(pt_level_size(2), GIGAPAGE_SIZE);
	CHECK_EQ_U64(pt_level_size(3), TERAPAGE_SIZE);
}

/* Sv39 canonical addresses are sign-extended from bit 38: the edges of the
 * lower half, the hole and the upper half are classified correctly. */
static void test_canonical_sv39_edges(void)
{
	const unsigned l = PT_LEVELS_SV39;

	CHECK(pt_va_canonical(0, l));
	CHECK(pt_va_canonical(0x0000003fffffffffull, l));      /* top of lower half */
	CHECK(!pt_va_canonical(0x0000004000000000ull, l));     /* first of the hole */
	CHECK(!pt_va_canonical(0x0000800000000000ull, l));     /* Sv48-only upper bit */
	CHECK(!pt_va_canonical(0x8000000000000000ull, l));
	CHECK(!pt_va_canonical(0xffffffbfffffffffull, l));     /* last of the hole */
	CHECK(pt_va_canonical(0xffffffc000000000ull, l));      /* bottom of upper half */
	CHECK(pt_va_canonical(0xffffffffffffffffull, l));
}

/* Sv48 canonical addresses are sign-extended from bit 47; an address that is
 * in the Sv39 hole is fine in Sv48. */
static void test_canonical_sv48_edges(void)
{
	const unsigned l = PT_LEVELS_SV48;

	CHECK(pt_va_canonical(0, l));
	CHECK(pt_va_canonical(0x0000004000000000ull, l));      /* in the Sv39 hole */
	CHECK(pt_va_canonical(0x00007fffffffffffull, l));      /* top of lower half */
	CHECK(!pt_va_canonical(0x0000800000000000ull, l));     /* first of the hole */
	CHECK(!pt_va_canonical(0x8000000000000000ull, l));
	CHECK(!pt_va_canonical(0xffff7fffffffffffull, l));     /* last of the hole */
	CHECK(pt_va_canonical(0xffff800000000000ull, l));      /* bottom of upper half */
	CHECK(pt_va_canonical(0xffffffffffffffffull, l));
}

/* ---- init ------------------------------------------------------------------- */

/* pt_init accepts only 3 or 4 levels, allocates exactly the root, and reports
 * ERR_NO_MEMORY when even the root cannot be had. */
static void test_init_levels_and_root(void)
{
	struct page_table pt;

	CHECK_ERR(setup(&pt, 2, UNLIMITED), ERR_INVALID_ARGUMENT);
	CHECK_ERR(setup(&pt, 5, UNLIMITED), ERR_INVALID_ARGUMENT);
	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	CHECK_EQ_U64(fake.used, 1);
	CHECK_EQ_U64(pt.root, FAKE_PA_BASE);
	CHECK_EQ_U64(pt.levels, PT_LEVELS_SV39);
	CHECK_ERR(setup(&pt, PT_LEVELS_SV48, 0), ERR_NO_MEMORY);
}

/* ---- map and lookup of each leaf size ------------------------------------ */

/* Map one leaf, then check its first, a middle and its last byte, and that
 * the bytes just outside it are unmapped. */
static void check_one_leaf(unsigned levels, vaddr_t va, paddr_t pa, uint64_t size,
			   unsigned rights)
{
	const uint64_t middle = size / 2 + 0x123;       /* any unaligned offset */
	struct page_table pt;

	CHECK_ERR(setup(&pt, levels, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, va, pa, size, size, rights), ERR_OK);
	if (test_current_failed)
		return;         /* the lookups below would only repeat it */
	check_lookup(&pt, va, pa, size, rights);
	check_lookup(&pt, va + middle, pa + middle, size, rights);
	check_lookup(&pt, va + size - 1, pa + size - 1, size, rights);
	CHECK_ERR(pt_lookup(&pt, va - 1, NULL, NULL, NULL), ERR_NOT_FOUND);
	CHECK_ERR(pt_lookup(&pt, va + size, NULL, NULL, NULL), ERR_NOT_FOUND);
	CHECK_EQ_U64(bad_pointers(pt.root, levels - 1), 0);
}

/* Sv39 4 KiB leaves, at the worked-example kernel address and at a low
 * user address. */
static void test_map_4k_sv39(void)
{
	check_one_leaf(PT_LEVELS_SV39, 0xffffffff80201000ull, 0x80201000ull,
		       PAGE_SIZE, PT_KERNEL_RW);
	check_one_leaf(PT_LEVELS_SV39, 0x10000, 0x87654000ull, PAGE_SIZE,
		       PT_READ | PT_USER);
}

/* Sv39 2 MiB leaves, in the lower and upper halves. */
static void test_map_2m_sv39(void)
{
	check_one_leaf(PT_LEVELS_SV39, 0x40200000ull, 0x80200000ull,
		       MEGAPAGE_SIZE, PT_READ | PT_EXEC | PT_USER);
	check_one_leaf(PT_LEVELS_SV39, 0xffffffffffe00000ull, 0x80000000ull,
		       MEGAPAGE_SIZE, PT_KERNEL_RX);
}

/* Sv39 1 GiB leaves sit in the root table (level 2); the privileged spec
 * allows them and pt.h lists 1 GiB as a leaf size. */
static void test_map_1g_sv39(void)
{
	check_one_leaf(PT_LEVELS_SV39, 0xffffffc000000000ull, 0x80000000ull,
		       GIGAPAGE_SIZE, PT_KERNEL_RW);
	check_one_leaf(PT_LEVELS_SV39, 0x3fc0000000ull, 0x40000000ull,
		       GIGAPAGE_SIZE, PT_READ | PT_USER);
}

/* Sv48 4 KiB leaves, including one at an address in the Sv39 hole. */
static void test_map_4k_sv48(void)
{
	check_one_leaf(PT_LEVELS_SV48, 0xffff800040203000ull, 0x80203000ull,
		       PAGE_SIZE, PT_KERNEL_RO);
	check_one_leaf(PT_LEVELS_SV48, 0x0000004000000000ull, 0x90000000ull,
		       PAGE_SIZE, PT_READ | PT_WRITE | PT_USER);
}

/* Sv48 2 MiB leaves at the very top and bottom of the address space. */
static void test_map_2m_sv48(void)
{
	check_one_leaf(PT_LEVELS_SV48, 0xffffffffffe00000ull, 0x80000000ull,
		       MEGAPAGE_SIZE, PT_KERNEL_RX);
	check_one_leaf(PT_LEVELS_SV48, 0, 0x80200000ull, MEGAPAGE_SIZE,
		       PT_EXEC | PT_USER);
}

/* Sv48 1 GiB leaves (level 2, below the root), in both halves. */
static void test_map_1g_sv48(void)
{
	check_one_leaf(PT_LEVELS_SV48, 0xffff800000000000ull, 0x80000000ull,
		       GIGAPAGE_SIZE, PT_KERNEL_RW);
	check_one_leaf(PT_LEVELS_SV48, 0x00007fffc0000000ull, 0xc0000000ull,
		       GIGAPAGE_SIZE, PT_READ | PT_USER);
}

/* A multi-page range is mapped page by page onto consecutive frames. */
static void test_map_range_of_pages(void)
{
	const unsigned pages = 5;
	const vaddr_t va = 0x1ff000;    /* straddles a 2 MiB boundary */
	const paddr_t pa = 0x80400000ull;
	struct page_table pt;
	unsigned i;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, va, pa, pages * PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW), ERR_OK);
	for (i = 0; i < pages; i++)
		check_lookup(&pt, va + i * PAGE_SIZE, pa + i * PAGE_SIZE, PAGE_SIZE,
			     PT_KERNEL_RW);
	CHECK_ERR(pt_lookup(&pt, va + pages * PAGE_SIZE, NULL, NULL, NULL), ERR_NOT_FOUND);
}

/* ---- PTE bits ---------------------------------------------------------------- */

/* Every allowed rights combination gives exactly its PTE bits: A always,
 * D exactly when writable, U and G from the rights, no RSW bits. */
static void test_leaf_bits_follow_rights(void)
{
	static const unsigned allowed[] = {
		PT_READ, PT_READ | PT_WRITE, PT_READ | PT_EXEC, PT_EXEC,
		PT_READ | PT_USER, PT_READ | PT_WRITE | PT_USER,
		PT_EXEC | PT_USER | PT_GLOBAL, PT_KERNEL_RX, PT_KERNEL_RO,
		PT_KERNEL_RW, PT_READ | PT_EXEC | PT_USER | PT_GLOBAL,
	};
	struct page_table pt;
	unsigned i;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	for (i = 0; i < ARRAY_SIZE(allowed); i++) {
		vaddr_t va = i * PAGE_SIZE;
		paddr_t pa = FAKE_PA_BASE + i * PAGE_SIZE;
		pte_t pte = 0;

		CHECK_ERR(pt_map(&pt, va, pa, PAGE_SIZE, PAGE_SIZE, allowed[i]), ERR_OK);
		check_lookup(&pt, va, pa, PAGE_SIZE, allowed[i]);
		CHECK_ERR(pt_lookup(&pt, va, NULL, &pte, NULL), ERR_OK);
		CHECK(pte & PTE_A);
		CHECK(!(pte & PTE_D) == !(allowed[i] & PT_WRITE));
		CHECK(!(pte & PTE_U) == !(allowed[i] & PT_USER));
		CHECK(!(pte & PTE_G) == !(allowed[i] & PT_GLOBAL));
	}
}

/*
 * All 32 combinations of PT_READ..PT_GLOBAL: refused exactly when there is
 * no access or a write without read or with execute; otherwise the leaf
 * has V and A, and each right's own bits (W brings D), nothing more.
 */
static void test_every_rights_combination(void)
{
	struct page_table pt;
	unsigned r;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	for (r = 0; r < 32; r++) {
		bool w = r & PT_WRITE, ok = (r & (PT_READ | PT_WRITE | PT_EXEC)) &&
					   !(w && (!(r & PT_READ) || (r & PT_EXEC)));
		pte_t want = PTE_V | PTE_A;
		pte_t pte = 0;

		want |= (r & PT_READ ? PTE_R : 0) | (w ? PTE_W | PTE_D : 0) |
			(r & PT_EXEC ? PTE_X : 0) | (r & PT_USER ? PTE_U : 0) |
			(r & PT_GLOBAL ? PTE_G : 0);
		CHECK_ERR(pt_map(&pt, r * PAGE_SIZE, FAKE_PA_BASE, PAGE_SIZE, PAGE_SIZE, r),
			  ok ? ERR_OK : ERR_INVALID_ARGUMENT);
		if (!ok)
			continue;
		CHECK_ERR(pt_lookup(&pt, r * PAGE_SIZE, NULL, &pte, NULL), ERR_OK);
		CHECK_EQ_U64(pte & ~PTE_PPN_MASK, want);
	}
}

/* Intermediate (non-leaf) PTEs carry only V, even when the leaves below them
 * are user, global, writable and dirty; in both modes, for all leaf sizes. */
static void test_pointer_ptes_carry_only_v(void)
{
	const unsigned rights = PT_READ | PT_WRITE | PT_USER | PT_GLOBAL;
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, 0x1000, 0x80001000ull, PAGE_SIZE, PAGE_SIZE, rights), ERR_OK);
	CHECK_ERR(pt_map(&pt, 0xffffffffffe00000ull, 0x80200000ull, MEGAPAGE_SIZE,
			 MEGAPAGE_SIZE, rights), ERR_OK);
	CHECK_EQ_U64(bad_pointers(pt.root, PT_LEVELS_SV39 - 1), 0);

	CHECK_ERR(setup(&pt, PT_LEVELS_SV48, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, 0x1000, 0x80001000ull, PAGE_SIZE, PAGE_SIZE, rights), ERR_OK);
	CHECK_ERR(pt_map(&pt, 0xffff800000000000ull, 0x80000000ull, GIGAPAGE_SIZE,
			 GIGAPAGE_SIZE, rights), ERR_OK);
	CHECK_EQ_U64(bad_pointers(pt.root, PT_LEVELS_SV48 - 1), 0);
}

/* ---- lookup ------------------------------------------------------------------ */

/* Lookups of unmapped addresses are ERR_NOT_FOUND: in an empty table, next to
 * a mapped page, and in a 2 MiB region that has one other page. */
static void test_lookup_unmapped(void)
{
	struct page_table pt;
	paddr_t pa = 0x1234;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_lookup(&pt, 0, &pa, NULL, NULL), ERR_NOT_FOUND);
	CHECK_EQ_U64(pa, 0x1234);       /* untouched on failure */
	CHECK_ERR(pt_lookup(&pt, 0xffffffff80200000ull, NULL, NULL, NULL), ERR_NOT_FOUND);
	CHECK_ERR(pt_map(&pt, 0x3000, 0x80003000ull, PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW),
		  ERR_OK);
	CHECK_ERR(pt_lookup(&pt, 0x2fff, NULL, NULL, NULL), ERR_NOT_FOUND);
	CHECK_ERR(pt_lookup(&pt, 0x4000, NULL, NULL, NULL), ERR_NOT_FOUND);
	CHECK_ERR(pt_lookup(&pt, 0x1ff000, NULL, NULL, NULL), ERR_NOT_FOUND);
}

/* A non-canonical address is ERR_NOT_FOUND even when the canonical address
 * with the same table indices is mapped (no aliasing through the hole). */
static void test_lookup_non_canonical(void)
{
	const vaddr_t sv39_high = 0xffffffc000000000ull;        /* root index 256 */
	const vaddr_t sv39_alias = 0x0000004000000000ull;       /* same indices */
	const vaddr_t sv48_high = 0xffff800000000000ull;
	const vaddr_t sv48_alias = 0x0000800000000000ull;
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, sv39_high, 0x80000000ull, PAGE_SIZE, PAGE_SIZE,
			 PT_KERNEL_RW), ERR_OK);
	CHECK_ERR(pt_lookup(&pt, sv39_high, NULL, NULL, NULL), ERR_OK);
	CHECK_ERR(pt_lookup(&pt, sv39_alias, NULL, NULL, NULL), ERR_NOT_FOUND);

	CHECK_ERR(setup(&pt, PT_LEVELS_SV48, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, sv48_high, 0x80000000ull, PAGE_SIZE, PAGE_SIZE,
			 PT_KERNEL_RW), ERR_OK);
	CHECK_ERR(pt_lookup(&pt, sv48_high, NULL, NULL, NULL), ERR_OK);
	CHECK_ERR(pt_lookup(&pt, sv48_alias, NULL, NULL, NULL), ERR_NOT_FOUND);
}

/* ---- pt_for_each_leaf ------------------------------------------------------- */

/* Leaves mapped out of order are visited in address order, with their PTEs
 * and sizes, and upper-half addresses come back sign-extended (Sv39). */
static void test_for_each_leaf_order_sv39(void)
{
	static const struct leaf want[] = {
		{ 0x1000, 0, PAGE_SIZE },
		{ 0x200000, 0, MEGAPAGE_SIZE },
		{ 0x3fffe00000ull, 0, MEGAPAGE_SIZE },          /* top of lower half */
		{ 0xffffffc000000000ull, 0, PAGE_SIZE },        /* bottom of upper half */
		{ 0xffffffff80200000ull, 0, MEGAPAGE_SIZE },
		{ 0xfffffffffffff000ull, 0, PAGE_SIZE },        /* the last page */
	};
	static const unsigned map_order[] = { 4, 1, 5, 0, 3, 2 };
	struct page_table pt;
	unsigned i;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	for (i = 0; i < ARRAY_SIZE(map_order); i++) {
		const struct leaf *l = &want[map_order[i]];

		CHECK_ERR(pt_map(&pt, l->va, FAKE_PA_BASE + l->size * i, l->size, l->size,
				 PT_KERNEL_RW), ERR_OK);
	}
	collect_leaves(&pt, 0);
	CHECK_EQ_U64(seen.n, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want) && i < seen.n; i++) {
		pte_t pte = 0;

		CHECK_EQ_U64(seen.v[i].va, want[i].va);
		CHECK_EQ_U64(seen.v[i].size, want[i].size);
		CHECK_ERR(pt_lookup(&pt, want[i].va, NULL, &pte, NULL), ERR_OK);
		CHECK_EQ_U64(seen.v[i].pte, pte);
	}
}

/* In Sv48, upper-half leaves of every size come back sign-extended from
 * bit 47, after the lower-half ones. */
static void test_for_each_leaf_order_sv48(void)
{
	static const struct leaf want[] = {
		{ 0x0000004000000000ull, 0, GIGAPAGE_SIZE },
		{ 0x00007ffffffff000ull, 0, PAGE_SIZE },
		{ 0xffff800000000000ull, 0, GIGAPAGE_SIZE },
		{ 0xffffffff80200000ull, 0, MEGAPAGE_SIZE },
	};
	struct page_table pt;
	unsigned i;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV48, UNLIMITED), ERR_OK);
	for (i = ARRAY_SIZE(want); i-- > 0;)
		CHECK_ERR(pt_map(&pt, want[i].va, 0, want[i].size, want[i].size,
				 PT_KERNEL_RO), ERR_OK);
	collect_leaves(&pt, 0);
	CHECK_EQ_U64(seen.n, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want) && i < seen.n; i++) {
		CHECK_EQ_U64(seen.v[i].va, want[i].va);
		CHECK_EQ_U64(seen.v[i].size, want[i].size);
	}
}

/* When the callback returns false the walk stops at once, also from inside
 * a nested table; an empty table visits nothing. */
static void test_for_each_leaf_early_stop(void)
{
	const unsigned pages = 4;
	struct page_table pt;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	collect_leaves(&pt, 0);
	CHECK_EQ_U64(seen.n, 0);

	CHECK_ERR(pt_map(&pt, 0x1000, 0x80001000ull, pages * PAGE_SIZE, PAGE_SIZE,
			 PT_KERNEL_RW), ERR_OK);
	CHECK_ERR(pt_map(&pt, 0xffffffff80000000ull, 0x80000000ull, MEGAPAGE_SIZE,
			 MEGAPAGE_SIZE, PT_KERNEL_RW), ERR_OK);
	collect_leaves(&pt, 2);
	CHECK_EQ_U64(seen.n, 2);
	CHECK_EQ_U64(seen.v[0].va, 0x1000);
	CHECK_EQ_U64(seen.v[1].va, 0x2000);
	collect_leaves(&pt, 1);
	CHECK_EQ_U64(seen.n, 1);
	collect_leaves(&pt, 0);
	CHECK_EQ_U64(seen.n, pages + 1);
}

/*
 * pt_prepare makes the tables down to a level, once: a later 4 KiB map there
 * needs only the tables below it, and nothing is mapped meanwhile.
 */
static void test_prepare_makes_tables_once(void)
{
	struct page_table pt;
	vaddr_t va = 0xffffffe000000000ull;
	unsigned before;

	CHECK_EQ_U64(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	before = tables_live();
	CHECK_EQ_U64(pt_prepare(&pt, va, 1), ERR_OK);
	CHECK_EQ_U64(tables_live(), before + 1);            /* the level-1 table */
	CHECK_EQ_U64(pt_prepare(&pt, va, 1), ERR_OK);
	CHECK_EQ_U64(tables_live(), before + 1);            /* not twice */
	CHECK_EQ_U64(pt_lookup(&pt, va, NULL, NULL, NULL), ERR_NOT_FOUND);
	CHECK_EQ_U64(pt_map(&pt, va, FAKE_PA_BASE, PAGE_SIZE, PAGE_SIZE, PT_KERNEL_RW), ERR_OK);
	CHECK_EQ_U64(tables_live(), before + 2);            /* only the level-0 table */
	CHECK_EQ_U64(pt_prepare(&pt, va, 2), ERR_INVALID_ARGUMENT); /* the root itself */
	CHECK_EQ_U64(pt_prepare(&pt, 0x0000800000000000ull, 0), ERR_INVALID_ARGUMENT);
}

/* pt_walk reads what the hardware reads: indexes computed here by hand
 * from the identity in mm/pt.h, for a 4 KiB leaf, a 2 MiB leaf, a hole and
 * a non-canonical address; pt_lower_tables counts the user half only. */
static void test_walk_steps_and_lower_tables(void)
{
	struct page_table pt;
	struct pt_step st[PT_MAX_LEVELS];

	CHECK_ERR(setup(&pt, PT_LEVELS_SV39, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, 0x10000, 0x87654000ull, PAGE_SIZE, PAGE_SIZE, PT_READ | PT_USER),
		  ERR_OK);
	CHECK_ERR(pt_map(&pt, 0x40200000ull, 0x80200000ull, 0x200000, 0x200000,
			 PT_READ | PT_USER), ERR_OK);
	CHECK_ERR(pt_map(&pt, 0xffffffff80201000ull, 0x80201000ull, PAGE_SIZE, PAGE_SIZE,
			 PT_KERNEL_RW), ERR_OK);
	/* 0x10000: root index 0, level-1 index 0, level-0 index 0x10 */
	CHECK_EQ_U64(pt_walk(&pt, 0x10123, st), 3);
	CHECK_EQ_U64(st[0].table, pt.root);
	CHECK_EQ_U64(st[0].index, 0);
	CHECK_EQ_U64(st[1].table, pte_pa(st[0].pte));
	CHECK_EQ_U64(st[1].index, 0);
	CHECK_EQ_U64(st[2].index, 0x10);
	CHECK_EQ_U64(pte_pa(st[2].pte), 0x87654000ull);
	CHECK_EQ_U64(st[2].pte & (PTE_V | PTE_R | PTE_W | PTE_U), PTE_V | PTE_R | PTE_U);
	/* 0x40200000: root index 1, a 2 MiB leaf at level-1 index 1 */
	CHECK_EQ_U64(pt_walk(&pt, 0x40212345ull, st), 2);
	CHECK_EQ_U64(st[0].index, 1);
	CHECK_EQ_U64(st[1].index, 1);
	CHECK_EQ_U64(pte_pa(st[1].pte), 0x80200000ull);
	/* a hole: level-1 index 2 of root entry 0 is invalid */
	CHECK_EQ_U64(pt_walk(&pt, 0x400000, st), 2);
	CHECK_EQ_U64(st[1].pte & PTE_V, 0);
	CHECK_EQ_U64(pt_walk(&pt, 0x0000800000000000ull, st), 0);
	/* user half: two level-1 tables and one level-0 table; the kernel's not */
	CHECK_EQ_U64(pt_lower_tables(&pt), 3);
}

/* Reclaim's accessed and dirty bits: cleared and set on the leaf that maps
 * va, 4 KiB and 2 MiB alike, with the entry as it was; no other bit. */
static void test_leaf_bits_clear_and_set(void)
{
	struct page_table pt;
	pte_t old, now;

	CHECK_ERR(setup(&pt, PT_LEVELS_SV48, UNLIMITED), ERR_OK);
	CHECK_ERR(pt_map(&pt, 0x10000, 0x80000000ull, PAGE_SIZE, PAGE_SIZE,
			 PT_READ | PT_WRITE | PT_USER), ERR_OK);
	CHECK_ERR(pt_map(&pt, 0x200000, 0x80200000ull, MEGAPAGE_SIZE, MEGAPAGE_SIZE,
			 PT_READ | PT_USER), ERR_OK);
	CHECK_ERR(pt_leaf_bits(&pt, 0x10000, PTE_A | PTE_D, 0, &old), ERR_OK);
	CHECK_EQ_U64(old & (PTE_A | PTE_D), PTE_A | PTE_D);   /* pt_map sets them */
	CHECK_ERR(pt_lookup(&pt, 0x10000, NULL, &now, NULL), ERR_OK);
	CHECK_EQ_U64(now, old & ~(PTE_A | PTE_D));
	CHECK_ERR(pt_leaf_bits(&pt, 0x10fff, 0, PTE_A, &old), ERR_OK);
	CHECK_EQ_U64(old, now);
	CHECK_ERR(pt_lookup(&pt, 0x10000, NULL, &now, NULL), ERR_OK);
	CHECK_EQ_U64(now, old | PTE_A);
	CHECK_ERR(pt_leaf_bits(&pt, 0x3ff000, PTE_A, 0, &old), ERR_OK);   /* in the 2 MiB leaf */
	CHECK_ERR(pt_lookup(&pt, 0x200000, NULL, &now, NULL), ERR_OK);
	CHECK_EQ_U64(now, old & ~PTE_A);
	CHECK_ERR(pt_leaf_bits(&pt, 0x11000, PTE_A, 0, &old), ERR_NOT_FOUND);
	CHECK_ERR(pt_leaf_bits(&pt, 0x10000, PTE_W, 0, &old), ERR_INVALID_ARGUMENT);
	CHECK_ERR(pt_leaf_bits(&pt, 0x10000, 0, PTE_U, &old), ERR_INVALID_ARGUMENT);
}

int main(void)
{
	RUN(test_leaf_bits_clear_and_set);
	RUN(test_walk_steps_and_lower_tables);
	RUN(test_index_sv39_worked_example);
	RUN(test_prepare_makes_tables_once);
	RUN(test_index_sv48_example);
	RUN(test_level_sizes);
	RUN(test_canonical_sv39_edges);
	RUN(test_canonical_sv48_edges);
	RUN(test_init_levels_and_root);
	RUN(test_map_4k_sv39);
	RUN(test_map_2m_sv39);
	RUN(test_map_1g_sv39);
	RUN(test_map_4k_sv48);
	RUN(test_map_2m_sv48);
	RUN(test_map_1g_sv48);
	RUN(test_map_range_of_pages);
	RUN(test_leaf_bits_follow_rights);
	RUN(test_every_rights_combination);
	RUN(test_pointer_ptes_carry_only_v);
	RUN(test_lookup_unmapped);
	RUN(test_lookup_non_canonical);
	RUN(test_for_each_leaf_order_sv39);
	RUN(test_for_each_leaf_order_sv48);
	RUN(test_for_each_leaf_early_stop);
	return test_done();
}
