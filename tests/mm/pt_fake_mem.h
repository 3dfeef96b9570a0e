/*
 * The fake physical memory of the page-table tests (tests/mm/test_pt*.c)
 * and the helpers they share.  The tables live in a static array of pages
 * that the allocator hands out at made-up physical addresses, with a budget
 * after which it fails, so that running out can be tested too.
 *
 * test.h keeps a test program's pass/fail state in static variables, one
 * copy per file, so a helper that CHECKs must be compiled into the test's
 * own file: CHECK_ERR and check_lookup are therefore defined here, the rest
 * lives in pt_fake_mem.c.
 */
#ifndef TESSERA_TESTS_MM_PT_FAKE_MEM_H
#define TESSERA_TESTS_MM_PT_FAKE_MEM_H

#include "mm/pt.h"
#include "test.h"

/* ---- fake physical memory ------------------------------------------------ */

#define FAKE_PAGES 512                  /* table pages the fake RAM holds */
#define FAKE_PA_BASE 0x80000000ull      /* where the fake RAM "is" (QEMU virt RAM) */
#define UNLIMITED ((unsigned)-1)        /* allocation budget: no limit */

struct fake_mem {
	unsigned used;          /* pages ever handed out: fake_ram[0, used) */
	unsigned budget;        /* allocations that succeed; the next ones fail */
	unsigned allocs;        /* allocations so far (a reused page counts again) */
	unsigned freed;         /* pages given back through free_table so far */
	unsigned free_n;        /* given-back pages waiting to be handed out again */
	unsigned free_stack[FAKE_PAGES];
	bool live[FAKE_PAGES];  /* handed out and not given back */
};

/* The state of the one fake memory that setup() resets. */
extern struct fake_mem fake;

/* The fake memory with no free_table: pt_unmap keeps the tables it empties. */
extern const struct pt_mem fake_pt_mem_keeping;

/* The table page at `pa` (arg: &fake); aborts unless it is a live table page. */
pte_t *fake_table(void *arg, paddr_t pa);

/* An empty table of `levels` levels over a fresh fake memory whose first
 * `budget` allocations succeed; returns what pt_init returns. */
err_t setup_with(struct page_table *pt, unsigned levels, unsigned budget,
		 const struct pt_mem *mem);
err_t setup(struct page_table *pt, unsigned levels, unsigned budget);

/* Table pages in use: handed out and not given back. */
unsigned tables_live(void);

/* A copy of the fake memory, to prove that a refused call changed nothing:
 * take one, then ask whether anything changed since. */
void take_snapshot(void);
bool unchanged_since_snapshot(void);

/* ---- helpers --------------------------------------------------------------- */

#define CHECK_ERR(expr, want) do { \
	err_t got_ = (expr), want_ = (want); \
	if (got_ != want_) { \
		test_failure_note("%s:%d: %s is %s, expected %s", __FILE__, __LINE__, \
		       #expr, err_name(got_), err_name(want_)); \
		test_current_failed = 1; \
	} } while (0)

#define TERAPAGE_SIZE ((uint64_t)1 << 39)      /* a level-3 leaf: 512 GiB */
#define TOP_VA ((vaddr_t)0)                     /* 2^64, as a range end */

/* Every non-PPN bit of a PTE: V R W X U G A D and the two RSW bits. */
#define PTE_FLAGS_MASK (~PTE_PPN_MASK)

/* The PTE flags pt.h promises for `rights`: literal values from the spec. */
pte_t expected_flags(unsigned rights);

/* Whether `pte` points to a next-level table (V set, none of R/W/X). */
bool pte_is_pointer(pte_t pte);

/* Pointer PTEs with more than V in the tables below `table_pa`. */
unsigned bad_pointers(paddr_t table_pa, unsigned level);

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

/* What the last collect_leaves saw. */
extern struct leaves seen;

/* Walk `pt` into `seen`, stopping after `stop_after` leaves (0: never). */
void collect_leaves(const struct page_table *pt, unsigned stop_after);

/* Check that `va` translates to `pa` through a `size` leaf with `rights`. */
static inline void check_lookup(const struct page_table *pt, vaddr_t va, paddr_t pa,
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

#endif
