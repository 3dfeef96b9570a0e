/*
 * The fake physical memory of the page-table tests and the helpers they
 * share (see pt_fake_mem.h).  Table pages come from a static array and are
 * handed out at made-up physical addresses from FAKE_PA_BASE; given-back
 * pages are reused, most recent first, and every use of a page that is not
 * live (a corrupt PTE, a use after free_table, a double free) aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt_fake_mem.h"

/* ---- fake physical memory ------------------------------------------------ */

static _Alignas(PAGE_SIZE) pte_t fake_ram[FAKE_PAGES][PT_ENTRIES];

struct fake_mem fake;

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

/* The table page at `pa`; aborts unless it is live (see fake_index). */
pte_t *fake_table(void *arg, paddr_t pa)
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
const struct pt_mem fake_pt_mem_keeping = {
	.alloc_table = fake_alloc,
	.table = fake_table,
	.arg = &fake,
};

/* An empty table of `levels` levels over a fresh fake memory. */
err_t setup_with(struct page_table *pt, unsigned levels, unsigned budget,
		 const struct pt_mem *mem)
{
	memset(&fake, 0, sizeof(fake));
	fake.budget = budget;
	return pt_init(pt, levels, mem);
}

/* setup_with the fake memory that gives emptied tables back. */
err_t setup(struct page_table *pt, unsigned levels, unsigned budget)
{
	return setup_with(pt, levels, budget, &fake_pt_mem);
}

/* Table pages in use: handed out and not given back. */
unsigned tables_live(void)
{
	return fake.allocs - fake.freed;
}

/* ---- snapshots ------------------------------------------------------------- */

/* A copy of the fake memory, to prove that a refused call changed nothing. */
static _Alignas(PAGE_SIZE) pte_t snapshot_ram[FAKE_PAGES][PT_ENTRIES];
static struct fake_mem snapshot_fake;

void take_snapshot(void)
{
	memcpy(snapshot_ram, fake_ram, fake.used * sizeof(fake_ram[0]));
	snapshot_fake = fake;
}

/* Same tables, same PTEs, no table allocated or given back since the snapshot. */
bool unchanged_since_snapshot(void)
{
	return fake.used == snapshot_fake.used && fake.allocs == snapshot_fake.allocs &&
	       fake.freed == snapshot_fake.freed &&
	       !memcmp(snapshot_ram, fake_ram, fake.used * sizeof(fake_ram[0]));
}

/* ---- helpers --------------------------------------------------------------- */

/*
 * The PTE flags pt.h promises for `rights`, written down from the spec, not
 * from pt.h or pt.c: the RISC-V privileged spec (v1.12, section 4.4.1, the
 * Sv39 PTE of Figure 4.18; Sv48 keeps the same low byte) puts V at bit 0,
 * R 1, W 2, X 3, U 4, G 5, A 6, D 7.  Tessera sets A on every leaf and D on
 * every writable one (mm/pt.h), so no access or dirty fault ever comes.
 *   read            V R . . A .   0x43
 *   read-write      V R W . A D   0xc7
 *   execute         V . . X A .   0x49
 *   read-execute    V R . X A .   0x4b
 * plus U 0x10, G 0x20.  Any other R/W/X combination maps nothing (0).
 */
pte_t expected_flags(unsigned rights)
{
	static const pte_t rwx[8] = {
		[PT_READ] = 0x43,
		[PT_READ | PT_WRITE] = 0xc7,
		[PT_EXEC] = 0x49,
		[PT_READ | PT_EXEC] = 0x4b,
	};
	unsigned kind = rights & (PT_READ | PT_WRITE | PT_EXEC);
	pte_t bits = rwx[kind];

	if (!bits)
		return 0;
	if (rights & PT_USER)
		bits |= 0x10;
	if (rights & PT_GLOBAL)
		bits |= 0x20;
	return bits;
}

/* A valid PTE with none of R/W/X points to a next-level table. */
bool pte_is_pointer(pte_t pte)
{
	return (pte & PTE_V) && !(pte & (PTE_R | PTE_W | PTE_X));
}

/* Walk every table below `table_pa`; count non-leaf PTEs with more than V. */
unsigned bad_pointers(paddr_t table_pa, unsigned level)
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
struct leaves seen;

static bool collect_leaf(void *arg, vaddr_t va, pte_t pte, uint64_t size)
{
	struct leaves *l = arg;

	if (l->n < MAX_LEAVES)
		l->v[l->n] = (struct leaf){ .va = va, .pte = pte, .size = size };
	l->n++;
	return l->n != l->stop_after;
}

void collect_leaves(const struct page_table *pt, unsigned stop_after)
{
	memset(&seen, 0, sizeof(seen));
	seen.stop_after = stop_after;
	pt_for_each_leaf(pt, collect_leaf, &seen);
}
