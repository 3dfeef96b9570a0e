/*
 * Host unit tests of the page-table walker (mm/pt.c; format and rules in
 * mm/pt.h).  The tables live in a fake physical memory: a static array of
 * pages that the allocator hands out at made-up physical addresses, with a
 * budget after which it fails, so that running out can be tested too.
 */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "mm/pt.h"

/* ---- fake physical memory ------------------------------------------------ */

#define FAKE_PAGES 512                  /* table pages the fake RAM holds */
#define FAKE_PA_BASE 0x80000000ull      /* where the fake RAM "is" (QEMU virt RAM) */
#define UNLIMITED ((unsigned)-1)        /* allocation budget: no limit */

static _Alignas(PAGE_SIZE) pte_t fake_ram[FAKE_PAGES][PT_ENTRIES];

struct fake_mem {
	unsigned used;          /* pages ever handed out: fake_ram[0, used) */
	unsigned budget;        /* allocations that succeed; the next ones fail */
	unsigned allocs;        /* allocations so far (a reused page counts again) */
	unsigned freed;         /* pages given back through free_table so far */
	unsigned free_n;        /* given-back pages waiting to be handed out again */
	unsigned free_stack[FAKE_PAGES];
	bool live[FAKE_PAGES];  /* handed out and not given back */
};

static struct fake_mem fake;

/* Given-back pages first (most recent first), then fresh ones. */
static paddr_t fake_alloc(void *arg)
{
	struct fake_mem *m = arg;
	unsigned index;

	if (m->allocs >= m->budget)
		return 0;
	if (m->free_n)
		index = m->free_stack[--m->free_n];
	else if (m->used < FAKE_PAGES)
		index = m->used++;
	else
		return 0;
	memset(fake_ram[index], 0, sizeof(fake_ram[0]));
	m->live[index] = true;
	m->allocs++;
	return FAKE_PA_BASE + (paddr_t)index * PAGE_SIZE;
}

/* The index of a live table page; anything else is a corrupt PTE, a
 * use after free_table or a double free: stop loudly. */
static unsigned fake_index(const struct fake_mem *m, paddr_t pa, const char *what)
{
	uint64_t index = (pa - FAKE_PA_BASE) / PAGE_SIZE;

	if (pa < FAKE_PA_BASE || !IS_ALIGNED(pa, PAGE_SIZE) || index >= m->used ||
	    !m->live[index]) {
		printf("#   %s called with bad pa 0x%" PRIx64 "\n", what, pa);
		fflush(stdout);
		abort();
	}
	return (unsigned)index;
}

static pte_t *fake_table(void *arg, paddr_t pa)
{
	return fake_ram[fake_index(arg, pa, "table()")];
}

/* Record the page as given back and keep it for the next allocations. */
static void fake_free(void *arg, paddr_t pa)
{
	struct fake_mem *m = arg;
	unsigned index = fake_index(m, pa, "free_table()");

	m->live[index] = false;
	m->free_stack[m->free_n++] = index;
	m->freed++;
}

static const struct pt_mem fake_pt_mem = {
	.alloc_table = fake_alloc,
	.table = fake_table,
	.free_table = fake_free,
	.arg = &fake,
};

/* The same memory with no free_table: pt_unmap keeps the tables it empties. */
static const struct pt_mem fake_pt_mem_keeping = {
	.alloc_table = fake_alloc,
	.table = fake_table,
	.arg = &fake,
};

/* An empty table of `levels` levels over a fresh fake memory. */
static err_t setup_with(struct page_table *pt, unsigned levels, unsigned budget,
			const struct pt_mem *mem)
{
	memset(&fake, 0, sizeof(fake));
	fake.budget = budget;
	return pt_init(pt, levels, mem);
}

static err_t setup(struct page_table *pt, unsigned levels, unsigned budget)
{
	return setup_with(pt, levels, budget, &fake_pt_mem);
}

/* Table pages in use: handed out and not given back. */
static unsigned tables_live(void)
{
	return fake.allocs - fake.freed;
}

/* ---- helpers --------------------------------------------------------------- */

#define CHECK_ERR(expr, want) do { \
	err_t got_ = (expr), want_ = (want); \
	if (got_ != want_) { \
		printf("#   %s:%d: %s is %s, expected %s\n", __FILE__, __LINE__, \
		       #expr, err_name(got_), err_name(want_)); \
		test_current_failed = 1; \
	} } while (0)

#define TERAPAGE_SIZE ((uint64_t)1 << 39)      /* a level-3 leaf: 512 GiB */
#define TOP_VA ((vaddr_t)0)                     /* 2^64, as a range end */

/* Every non-PPN bit of a PTE: V R W X U G A D and the two RSW bits. */
#define PTE_FLAGS_MASK (~PTE_PPN_MASK)

/* The PTE flags pt.h promises for `rights`, computed here from the spec. */
static pte_t expected_flags(unsigned rights)
{
	pte_t bits = PTE_V | PTE_A;

	if (rights & PT_READ)
		bits |= PTE_R;
	if (rights & PT_WRITE)
		bits |= PTE_W | PTE_D;
	if (rights & PT_EXEC)
		bits |= PTE_X;
	if (rights & PT_USER)
		bits |= PTE_U;
	if (rights & PT_GLOBAL)
		bits |= PTE_G;
	return bits;
}

/* Check that `va` translates to `pa` through a `size` leaf with `rights`. */
static void check_lookup(const struct page_table *pt, vaddr_t va, paddr_t pa,
			 uint64_t size, unsigned rights)
{
	paddr_t got_pa = 0;
	pte_t pte = 0;
	uint64_t got_size = 0;

	CHECK_ERR(pt_lookup(pt, va, &got_pa, &pte, &got_size), ERR_OK);
	CHECK_EQ_U64(got_pa, pa);
	CHECK_EQ_U64(got_size, size);
	CHECK_EQ_U64(pte & PTE_FLAGS_MASK, expected_flags(rights));
	CHECK_EQ_U64(pte_pa(pte), ALIGN_DOWN(pa, size));
}

static bool pte_is_pointer(pte_t pte)
{
	return (pte & PTE_V) && !(pte & (PTE_R | PTE_W | PTE_X));
}

/* Walk every table below `table_pa`; count non-leaf PTEs with more than V. */
static unsigned bad_pointers(paddr_t table_pa, unsigned level)
{
	pte_t *table = fake_table(&fake, table_pa);
	unsigned i, bad = 0;

	for (i = 0; i < PT_ENTRIES; i++) {
		if (!pte_is_pointer(table[i]))
			continue;
		if ((table[i] & PTE_FLAGS_MASK) != PTE_V || level == 0) {
			printf("#   level %u entry %u: bad pointer PTE 0x%" PRIx64 "\n",
			       level, i, table[i]);
			bad++;
		} else {
			bad += bad_pointers(pte_pa(table[i]), level - 1);
		}
	}
	return bad;
}

/* The leaves pt_for_each_leaf reports, in the order it reports them. */
#define MAX_LEAVES 1024

struct leaf {
	vaddr_t va;
	pte_t pte;
	uint64_t size;
};

struct leaves {
	unsigned n;
	unsigned stop_after;    /* return false after this many; 0: never */
	struct leaf v[MAX_LEAVES];
};

static struct leaves seen;

static bool collect_leaf(void *arg, vaddr_t va, pte_t pte, uint64_t size)
{
	struct leaves *l = arg;

	if (l->n < MAX_LEAVES)
		l->v[l->n] = (struct leaf){ .va = va, .pte = pte, .size = size };
	l->n++;
	return l->n != l->stop_after;
}

static void collect_leaves(const struct page_table *pt, unsigned stop_after)
{
	memset(&seen, 0, sizeof(seen));
	seen.stop_after = stop_after;
	pt_for_each_leaf(pt, collect_leaf, &seen);
}

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

/* ---- pt_unmap ---------------------------------------------------------------- */

/* A copy of the fake memory, to prove that a refused call changed nothing. */
static _Alignas(PAGE_SIZE) pte_t snapshot_ram[FAKE_PAGES][PT_ENTRIES];
static struct fake_mem snapshot_fake;

static void take_snapshot(void)
{
	memcpy(snapshot_ram, fake_ram, fake.used * sizeof(fake_ram[0]));
	snapshot_fake = fake;
}

/* Same tables, same PTEs, no table allocated or given back since the snapshot. */
static bool unchanged_since_snapshot(void)
{
	return fake.used == snapshot_fake.used && fake.allocs == snapshot_fake.allocs &&
	       fake.freed == snapshot_fake.freed &&
	       !memcmp(snapshot_ram, fake_ram, fake.used * sizeof(fake_ram[0]));
}

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

/* ---- randomized ------------------------------------------------------------- */

#define RANDOM_SEED 0x7e55e7a5eedull    /* override: TESSERA_TEST_SEED=<n> */
#define RANDOM_MAPS 300                 /* leaves mapped per mode */
#define RANDOM_PROBES 2000              /* random lookups per mode */
#define WINDOW_SIZE (4 * GiB)           /* at the bottom and at the top of va */
#define PA_SPAN ((uint64_t)1 << 40)     /* physical addresses drawn below this */

static uint64_t rng_state;

/* xorshift64*: small, and the same sequence on every host. */
static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static void rng_seed(void)
{
	const char *env = getenv("TESSERA_TEST_SEED");

	rng_state = env ? strtoull(env, NULL, 0) : RANDOM_SEED;
	if (!rng_state)
		rng_state = RANDOM_SEED;        /* xorshift never leaves 0 */
	printf("# random seed 0x%" PRIx64 "\n", rng_state);
}

struct shadow {
	vaddr_t va;
	paddr_t pa;
	uint64_t size;
	unsigned rights;
};

static struct shadow shadow[RANDOM_MAPS];
static unsigned shadow_n;

static const unsigned random_rights[] = {
	PT_KERNEL_RW, PT_KERNEL_RO, PT_KERNEL_RX, PT_READ | PT_USER,
	PT_READ | PT_WRITE | PT_USER, PT_EXEC | PT_USER,
};

/* A random, leaf-aligned address in the bottom or the top window. */
static vaddr_t random_va(uint64_t size)
{
	vaddr_t base = (rng_next() & 1) ? 0 : TOP_VA - WINDOW_SIZE;

	return base + (rng_next() % (WINDOW_SIZE / size)) * size;
}

/* The shadow entry containing va, or NULL.  (Ends are inclusive: no wrap.) */
static const struct shadow *shadow_find(vaddr_t va)
{
	unsigned i;

	for (i = 0; i < shadow_n; i++)
		if (va >= shadow[i].va && va <= shadow[i].va + (shadow[i].size - 1))
			return &shadow[i];
	return NULL;
}

static bool shadow_overlaps(vaddr_t va, uint64_t size)
{
	unsigned i;

	for (i = 0; i < shadow_n; i++) {
		vaddr_t last = shadow[i].va + (shadow[i].size - 1);

		if (va <= last && shadow[i].va <= va + (size - 1))
			return true;
	}
	return false;
}

/* Map random non-overlapping 4 KiB and 2 MiB leaves; a draw that overlaps
 * must be refused with ERR_EXISTS. */
static void random_fill(struct page_table *pt)
{
	unsigned clashes = 0;

	shadow_n = 0;
	while (shadow_n < RANDOM_MAPS && !test_current_failed) {
		struct shadow s;

		s.size = (rng_next() & 1) ? PAGE_SIZE : MEGAPAGE_SIZE;
		s.va = random_va(s.size);
		s.pa = (rng_next() % (PA_SPAN / s.size)) * s.size;
		s.rights = random_rights[rng_next() % ARRAY_SIZE(random_rights)];
		if (shadow_overlaps(s.va, s.size)) {
			CHECK_ERR(pt_map(pt, s.va, s.pa, s.size, s.size, s.rights), ERR_EXISTS);
			clashes++;
			continue;
		}
		CHECK_ERR(pt_map(pt, s.va, s.pa, s.size, s.size, s.rights), ERR_OK);
		shadow[shadow_n++] = s;
	}
	printf("# %u leaves mapped, %u overlapping draws refused, %u tables\n",
	       shadow_n, clashes, fake.used);
}

/* Every shadow entry translates at its first, last and a random byte. */
static void random_check_mapped(const struct page_table *pt)
{
	unsigned i;

	for (i = 0; i < shadow_n; i++) {
		const struct shadow *s = &shadow[i];
		uint64_t off = rng_next() % s->size;

		check_lookup(pt, s->va, s->pa, s->size, s->rights);
		check_lookup(pt, s->va + off, s->pa + off, s->size, s->rights);
		check_lookup(pt, s->va + s->size - 1, s->pa + s->size - 1, s->size,
			     s->rights);
	}
}

/* Random addresses in the windows translate exactly when the shadow says. */
static void random_check_probes(const struct page_table *pt)
{
	unsigned i;

	for (i = 0; i < RANDOM_PROBES; i++) {
		vaddr_t va = random_va(1);
		const struct shadow *s = shadow_find(va);
		paddr_t pa = 0;

		if (s) {
			CHECK_ERR(pt_lookup(pt, va, &pa, NULL, NULL), ERR_OK);
			CHECK_EQ_U64(pa, s->pa + (va - s->va));
		} else {
			CHECK_ERR(pt_lookup(pt, va, NULL, NULL, NULL), ERR_NOT_FOUND);
		}
	}
}

/* pt_for_each_leaf sees exactly the shadow entries, in increasing order. */
static void random_check_walk(const struct page_table *pt)
{
	unsigned i;

	collect_leaves(pt, 0);
	CHECK_EQ_U64(seen.n, shadow_n);
	for (i = 0; i < seen.n && i < MAX_LEAVES; i++) {
		const struct shadow *s = shadow_find(seen.v[i].va);

		CHECK(s && s->va == seen.v[i].va && s->size == seen.v[i].size);
		CHECK(i == 0 || seen.v[i - 1].va < seen.v[i].va);
	}
}

static void random_run(unsigned levels)
{
	struct page_table pt;

	CHECK_ERR(setup(&pt, levels, UNLIMITED), ERR_OK);
	random_fill(&pt);
	random_check_mapped(&pt);
	random_check_probes(&pt);
	random_check_walk(&pt);
	CHECK_EQ_U64(bad_pointers(pt.root, levels - 1), 0);
}

/* A few hundred random non-overlapping 4 KiB/2 MiB leaves in both halves:
 * every lookup agrees with a shadow list, and so does the walk (Sv39). */
static void test_random_maps_match_shadow_sv39(void)
{
	random_run(PT_LEVELS_SV39);
}

/* The same randomized check with four levels (Sv48). */
static void test_random_maps_match_shadow_sv48(void)
{
	random_run(PT_LEVELS_SV48);
}

/* ---- randomized map, unmap and protect against a page model --------------- */

#define MODEL_WINDOW (8 * MiB)          /* two windows: one low, one at the top */
#define MODEL_WINDOW_PAGES ((unsigned)(MODEL_WINDOW / PAGE_SIZE))
#define MODEL_PAGES (2 * MODEL_WINDOW_PAGES)
#define MODEL_OPS 20000                 /* operations per mode */
#define MODEL_FULL_CHECK_EVERY 64       /* operations between whole-window checks */

enum model_op { OP_MAP, OP_UNMAP, OP_PROTECT, OP_COUNT };

/* What the model says about one 4 KiB page of the windows. */
struct model_page {
	bool mapped;
	vaddr_t leaf_va;        /* the leaf holding the page */
	uint64_t leaf_size;
	paddr_t leaf_pa;
	unsigned rights;
};

static struct model_page model[MODEL_PAGES];
static vaddr_t model_base[2];                   /* window starts, 2 MiB aligned */
static unsigned model_stats[OP_COUNT][ERR_COUNT];

static vaddr_t model_va(unsigned page)
{
	return model_base[page / MODEL_WINDOW_PAGES] +
	       (vaddr_t)(page % MODEL_WINDOW_PAGES) * PAGE_SIZE;
}

/* The model page of `va`, which must lie in a window. */
static unsigned model_page_of(vaddr_t va)
{
	unsigned w = va - model_base[0] < MODEL_WINDOW ? 0 : 1;

	return w * MODEL_WINDOW_PAGES + (unsigned)((va - model_base[w]) / PAGE_SIZE);
}

/* pt_map as the model sees it: leaf by leaf, stopping at the first leaf
 * that would overlap a mapped page (the leaves before it stay). */
static err_t model_map(vaddr_t va, paddr_t pa, uint64_t size, uint64_t leaf,
		       unsigned rights)
{
	unsigned first = model_page_of(va), per_leaf = (unsigned)(leaf / PAGE_SIZE);
	unsigned p, q;

	for (p = first; p < first + size / PAGE_SIZE; p += per_leaf) {
		for (q = p; q < p + per_leaf; q++)
			if (model[q].mapped)
				return ERR_EXISTS;
		for (q = p; q < p + per_leaf; q++)
			model[q] = (struct model_page){
				.mapped = true, .leaf_va = model_va(p), .leaf_size = leaf,
				.leaf_pa = pa + (uint64_t)(p - first) * PAGE_SIZE,
				.rights = rights,
			};
	}
	return ERR_OK;
}

/* Does a leaf reach outside pages [first, first + n)? */
static bool model_straddles(unsigned first, unsigned n)
{
	const struct model_page *a = &model[first], *b = &model[first + n - 1];
	vaddr_t va = model_va(first), last = va + (uint64_t)n * PAGE_SIZE - 1;

	return (a->mapped && a->leaf_va < va) ||
	       (b->mapped && b->leaf_va + (b->leaf_size - 1) > last);
}

/* The rights rules of pt.h, written out again for the model. */
static bool model_rights_ok(unsigned r)
{
	bool rd = r & PT_READ, wr = r & PT_WRITE, ex = r & PT_EXEC;

	return (rd || wr || ex) && !(wr && ex) && !(wr && !rd);
}

/* A random run of pages in one window: mostly short, sometimes most of the
 * window; half of the time widened to the leaves at its ends. */
static void random_pages(unsigned *first, unsigned *n)
{
	unsigned w = rng_next() & 1, start = rng_next() % MODEL_WINDOW_PAGES;
	unsigned len = 1 + rng_next() % ((rng_next() & 3) ? 16 : MODEL_WINDOW_PAGES);
	unsigned last;

	if (len > MODEL_WINDOW_PAGES - start)
		len = MODEL_WINDOW_PAGES - start;
	*first = w * MODEL_WINDOW_PAGES + start;
	last = *first + len - 1;
	if (rng_next() & 1) {
		if (model[*first].mapped)
			*first = model_page_of(model[*first].leaf_va);
		if (model[last].mapped)
			last = model_page_of(model[last].leaf_va + model[last].leaf_size - 1);
	}
	*n = last - *first + 1;
}

/* Pages [first, first + n) translate exactly as the model says. */
static void model_check_pages(const struct page_table *pt, unsigned first, unsigned n)
{
	unsigned p;

	for (p = first; p < first + n && !test_current_failed; p++) {
		const struct model_page *m = &model[p];
		vaddr_t va = model_va(p);

		if (m->mapped)
			check_lookup(pt, va, m->leaf_pa + (va - m->leaf_va), m->leaf_size,
				     m->rights);
		else
			CHECK_ERR(pt_lookup(pt, va, NULL, NULL, NULL), ERR_NOT_FOUND);
	}
}

/* Tables the model's leaves need: the root, and a table of `level` for
 * every pt_level_size(level + 1) region holding a leaf of that level or below. */
static unsigned model_tables(unsigned levels)
{
	unsigned tables = 1, level, p;

	for (level = 0; level + 1 < levels; level++) {
		vaddr_t region = 0;
		bool any = false;

		for (p = 0; p < MODEL_PAGES; p++) {         /* pages in address order */
			vaddr_t r = model_va(p) / pt_level_size(level + 1);

			if (!model[p].mapped || model[p].leaf_size > pt_level_size(level))
				continue;
			tables += !any || r != region;
			any = true;
			region = r;
		}
	}
	return tables;
}

/* Map 1-4 random 4 KiB or 2 MiB leaves; returns the pages touched. */
static err_t random_map_op(struct page_table *pt, unsigned *first, unsigned *n)
{
	uint64_t leaf = (rng_next() & 1) ? PAGE_SIZE : MEGAPAGE_SIZE;
	uint64_t count = 1 + rng_next() % 4;
	unsigned w = rng_next() & 1;
	vaddr_t va = model_base[w] + rng_next() % (MODEL_WINDOW / leaf - count + 1) * leaf;
	paddr_t pa = rng_next() % (PA_SPAN / leaf) * leaf;
	unsigned rights = random_rights[rng_next() % ARRAY_SIZE(random_rights)];
	err_t want = model_map(va, pa, count * leaf, leaf, rights);
	err_t got = pt_map(pt, va, pa, count * leaf, leaf, rights);

	if (got != want)
		printf("#   pt_map(0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64
		       ", 0x%x)\n", va, pa, count * leaf, leaf, rights);
	CHECK_ERR(got, want);
	*first = model_page_of(va);
	*n = (unsigned)(count * leaf / PAGE_SIZE);
	return got;
}

/* Unmap a random run of pages, now and then a whole canonical half. */
static err_t random_unmap_op(struct page_table *pt, unsigned levels, unsigned *first,
			     unsigned *n)
{
	const uint64_t half = pt_level_size(levels) / 2;
	vaddr_t va;
	uint64_t size;
	err_t want = ERR_OK, got;
	unsigned p;

	random_pages(first, n);
	va = model_va(*first);
	size = (uint64_t)*n * PAGE_SIZE;
	if (rng_next() % 128 == 0) {
		*first = *first < MODEL_WINDOW_PAGES ? 0 : MODEL_WINDOW_PAGES;
		*n = MODEL_WINDOW_PAGES;
		va = *first ? TOP_VA - half : 0;
		size = half;
	} else if (model_straddles(*first, *n)) {
		want = ERR_INVALID_ARGUMENT;
	}
	for (p = *first; want == ERR_OK && p < *first + *n; p++)
		model[p].mapped = false;
	got = pt_unmap(pt, va, size);
	if (got != want)
		printf("#   pt_unmap(0x%" PRIx64 ", 0x%" PRIx64 ")\n", va, size);
	CHECK_ERR(got, want);
	return got;
}

/* Half of the time a run of mapped pages (up to 32, widened to its leaves)
 * from the first mapped page at or after a random one; else any run. */
static void random_mapped_pages(unsigned *first, unsigned *n)
{
	unsigned p = rng_next() % MODEL_PAGES, want = 1 + rng_next() % 32;
	unsigned tries, last, end;

	for (tries = 0; tries < MODEL_PAGES && !model[p].mapped; tries++)
		p = (p + 1) % MODEL_PAGES;
	if ((rng_next() & 1) || !model[p].mapped) {
		random_pages(first, n);
		return;
	}
	end = p - p % MODEL_WINDOW_PAGES + MODEL_WINDOW_PAGES;  /* p's window end */
	for (last = p; last + 1 < end && last + 1 - p < want && model[last + 1].mapped;)
		last++;
	*first = model_page_of(model[p].leaf_va);
	last = model_page_of(model[last].leaf_va + model[last].leaf_size - 1);
	*n = last - *first + 1;
}

/* Protect a random run of pages with random rights, some of them refused. */
static err_t random_protect_op(struct page_table *pt, unsigned *first, unsigned *n)
{
	static const unsigned refused[] = { PT_WRITE, PT_KERNEL_RW | PT_EXEC, PT_USER };
	unsigned rights = (rng_next() & 7) ?
		random_rights[rng_next() % ARRAY_SIZE(random_rights)] :
		refused[rng_next() % ARRAY_SIZE(refused)];
	err_t want = ERR_OK, got;
	vaddr_t va;
	unsigned p;

	random_mapped_pages(first, n);
	va = model_va(*first);
	if (!model_rights_ok(rights) || model_straddles(*first, *n))
		want = ERR_INVALID_ARGUMENT;
	for (p = *first; want == ERR_OK && p < *first + *n; p++)
		if (!model[p].mapped)
			want = ERR_NOT_FOUND;
	for (p = *first; want == ERR_OK && p < *first + *n; p++)
		model[p].rights = rights;
	got = pt_protect(pt, va, (uint64_t)*n * PAGE_SIZE, rights);
	if (got != want)
		printf("#   pt_protect(0x%" PRIx64 ", 0x%" PRIx64 ", 0x%x)\n", va,
		       (uint64_t)*n * PAGE_SIZE, rights);
	CHECK_ERR(got, want);
	return got;
}

/* One random operation, then a check of the pages it named. */
static void model_step(struct page_table *pt, unsigned levels)
{
	enum model_op op = (enum model_op)(rng_next() % OP_COUNT);
	unsigned first, n;
	err_t err;

	if (op == OP_MAP)
		err = random_map_op(pt, &first, &n);
	else if (op == OP_UNMAP)
		err = random_unmap_op(pt, levels, &first, &n);
	else
		err = random_protect_op(pt, &first, &n);
	model_stats[op][err]++;
	model_check_pages(pt, first, n);
}

/* The walk reports exactly the model's leaves, with the model's PTEs. */
static void model_check_walk(const struct page_table *pt)
{
	unsigned p, leaves = 0, i;

	for (p = 0; p < MODEL_PAGES; p++)
		leaves += model[p].mapped && model[p].leaf_va == model_va(p);
	collect_leaves(pt, 0);
	CHECK_EQ_U64(seen.n, leaves);
	for (i = 0; i < seen.n && i < MAX_LEAVES && !test_current_failed; i++) {
		const struct model_page *m = &model[model_page_of(seen.v[i].va)];

		CHECK(m->mapped && m->leaf_va == seen.v[i].va);
		CHECK_EQ_U64(seen.v[i].size, m->leaf_size);
		CHECK_EQ_U64(pte_pa(seen.v[i].pte), m->leaf_pa);
		CHECK_EQ_U64(seen.v[i].pte & PTE_FLAGS_MASK, expected_flags(m->rights));
	}
}

static void model_run(unsigned levels, vaddr_t low_base)
{
	struct page_table pt;
	unsigned op;

	memset(model, 0, sizeof(model));
	memset(model_stats, 0, sizeof(model_stats));
	model_base[0] = low_base;
	model_base[1] = TOP_VA - MODEL_WINDOW;
	CHECK_ERR(setup(&pt, levels, UNLIMITED), ERR_OK);
	for (op = 1; op <= MODEL_OPS && !test_current_failed; op++) {
		model_step(&pt, levels);
		if (op % MODEL_FULL_CHECK_EVERY && op != MODEL_OPS)
			continue;
		model_check_pages(&pt, 0, MODEL_PAGES);
		CHECK_EQ_U64(tables_live(), model_tables(levels));
	}
	model_check_walk(&pt);
	CHECK_EQ_U64(bad_pointers(pt.root, levels - 1), 0);
	printf("# %u operations: map %u ok %u exists; unmap %u ok %u refused; "
	       "protect %u ok %u refused %u not found; %u tables freed\n", op - 1,
	       model_stats[OP_MAP][ERR_OK], model_stats[OP_MAP][ERR_EXISTS],
	       model_stats[OP_UNMAP][ERR_OK], model_stats[OP_UNMAP][ERR_INVALID_ARGUMENT],
	       model_stats[OP_PROTECT][ERR_OK],
	       model_stats[OP_PROTECT][ERR_INVALID_ARGUMENT],
	       model_stats[OP_PROTECT][ERR_NOT_FOUND], fake.freed);
}

/* Random maps, unmaps and protects in an 8 MiB window across a 1 GiB
 * boundary and one at the top agree with a per-page model, tables too (Sv39). */
static void test_random_map_unmap_protect_match_model_sv39(void)
{
	model_run(PT_LEVELS_SV39, GIGAPAGE_SIZE - MODEL_WINDOW / 2);
}

/* The same with four levels, the low window across a 512 GiB boundary
 * (two level-2 tables) (Sv48). */
static void test_random_map_unmap_protect_match_model_sv48(void)
{
	model_run(PT_LEVELS_SV48, TERAPAGE_SIZE - MODEL_WINDOW / 2);
}

int main(void)
{
	rng_seed();
	RUN(test_index_sv39_worked_example);
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
	RUN(test_pointer_ptes_carry_only_v);
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
	RUN(test_no_memory_when_tables_run_out);
	RUN(test_no_memory_midway_through_range);
	RUN(test_lookup_unmapped);
	RUN(test_lookup_non_canonical);
	RUN(test_for_each_leaf_order_sv39);
	RUN(test_for_each_leaf_order_sv48);
	RUN(test_for_each_leaf_early_stop);
	RUN(test_random_maps_match_shadow_sv39);
	RUN(test_random_maps_match_shadow_sv48);
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
	RUN(test_protect_changes_rights_a_d_rules);
	RUN(test_protect_range_of_mixed_leaves);
	RUN(test_protect_refuses_bad_rights);
	RUN(test_protect_refuses_unmapped_page);
	RUN(test_protect_refuses_straddling_leaf_and_bad_range);
	RUN(test_random_map_unmap_protect_match_model_sv39);
	RUN(test_random_map_unmap_protect_match_model_sv48);
	return test_done();
}
