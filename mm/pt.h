/*
 * RISC-V page tables (Sv39 and Sv48), as portable C.
 *
 * One walker serves both modes: a table has `levels` levels (3 for Sv39, 4
 * for Sv48), each of 512 eight-byte entries.  The code never touches memory
 * by physical address itself: the caller supplies how to get a zeroed table
 * page and how to reach a table by its physical address, so the same code
 * runs on a fake physical memory in a host test and on real RAM in the kernel.
 *
 * PTE format (privileged spec 4.4.1 / 4.5.1):
 *   bit 0 V, 1 R, 2 W, 3 X, 4 U, 5 G, 6 A, 7 D, 8-9 RSW, 10-53 PPN.
 *   R = W = X = 0 with V = 1 points to the next level; anything else is a leaf.
 *
 * Index identity: the index of `va` at level L (0 = the 4 KiB level) is
 *   (va >> (12 + 9 * L)) & 511.
 * Worked example, Sv39, va = 0xffffffff80201000:
 *   level 2: (va >> 30) & 511 = 510;  level 1: (va >> 21) & 511 = 1;
 *   level 0: (va >> 12) & 511 = 1.    (tests/mm/test_pt.c checks it)
 *
 * Rules every mapping obeys: A is set on every leaf and D on every writable
 * leaf (SiFive U54/U74 fault instead of setting them in hardware); no leaf is
 * both writable and executable; W without R is refused (a reserved encoding);
 * non-leaf entries carry only V (QEMU >= 7.0 faults on A/D/U there).
 */
#ifndef TESSERA_MM_PT_H
#define TESSERA_MM_PT_H

#include "tessera/errors.h"
#include "tessera/types.h"

typedef uint64_t pte_t;

#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_U (1ull << 4)
#define PTE_G (1ull << 5)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK (((1ull << 44) - 1) << PTE_PPN_SHIFT)

#define PT_ENTRIES 512
#define PT_INDEX_BITS 9
#define PT_LEVELS_SV39 3
#define PT_LEVELS_SV48 4
#define PT_MAX_LEVELS 4

/* Mapping rights: what a caller asks for.  The walker turns them into PTE bits. */
enum pt_rights {
	PT_READ = 1u << 0,
	PT_WRITE = 1u << 1,
	PT_EXEC = 1u << 2,
	PT_USER = 1u << 3,
	PT_GLOBAL = 1u << 4,
	/* Ready-made combinations. */
	PT_KERNEL_RX = PT_READ | PT_EXEC | PT_GLOBAL,
	PT_KERNEL_RO = PT_READ | PT_GLOBAL,
	PT_KERNEL_RW = PT_READ | PT_WRITE | PT_GLOBAL,
};

/* Where tables come from and how to reach them; see the header comment. */
struct pt_mem {
	/* A zeroed, 4 KiB-aligned table page, or 0 when none is left. */
	paddr_t (*alloc_table)(void *arg);
	/* A pointer through which the table at physical `pa` can be used;
	 * NULL: through the phys window (mm/phys.h), without a call. */
	pte_t *(*table)(void *arg, paddr_t pa);
	/*
	 * Give back a table page pt_unmap emptied; NULL: keep empty tables.
	 * It runs before the caller's TLB flush, and harts may cache
	 * intermediate tables until then: a live table (one any hart may
	 * walk) must not reuse the page before the flush, so the kernel's
	 * tables pass NULL.  Tables must not be shared between roots when it
	 * is set.
	 */
	void (*free_table)(void *arg, paddr_t pa);
	void *arg;
};

struct page_table {
	paddr_t root;
	unsigned levels;
	struct pt_mem mem;
};

/* Size in bytes of a leaf at `level` (0: 4 KiB, 1: 2 MiB, 2: 1 GiB, 3: 512 GiB). */
static inline uint64_t pt_level_size(unsigned level)
{
	return PAGE_SIZE << (PT_INDEX_BITS * level);
}

/* Index of `va` in a table at `level` (see the identity above). */
static inline unsigned pt_index(vaddr_t va, unsigned level)
{
	return (unsigned)(va >> (PAGE_SHIFT + PT_INDEX_BITS * level)) & (PT_ENTRIES - 1);
}

/* Is `va` canonical (sign-extended from the top translated bit) for `levels`? */
static inline bool pt_va_canonical(vaddr_t va, unsigned levels)
{
	unsigned bits = PAGE_SHIFT + PT_INDEX_BITS * levels; /* 39 or 48 */
	int64_t sign_extended = (int64_t)(va << (64 - bits)) >> (64 - bits);

	return (vaddr_t)sign_extended == va;
}

/*
 * Set up an empty table with `levels` levels (3 or 4).
 * Returns ERR_OK, ERR_INVALID_ARGUMENT or ERR_NO_MEMORY.
 */
err_t pt_init(struct page_table *pt, unsigned levels, const struct pt_mem *mem);

/*
 * Map [va, va + size) to [pa, pa + size) with leaves of `leaf_size` bytes
 * (4 KiB, 2 MiB or 1 GiB).  va, pa and size must be multiples of leaf_size.
 * Returns ERR_OK; ERR_INVALID_ARGUMENT (alignment, non-canonical va, W+X, W
 * without R, no R/W/X at all, a leaf size the mode lacks); ERR_EXISTS (some
 * page is already mapped, or a 2 MiB / 1 GiB leaf would replace a table
 * that pt_unmap kept, even an empty one; pages mapped before it stay
 * mapped); ERR_NO_MEMORY.
 */
err_t pt_map(struct page_table *pt, vaddr_t va, paddr_t pa, uint64_t size,
	     uint64_t leaf_size, unsigned rights);

/* pt_map, telling in *mapped how many bytes from va it mapped (all, or those before an error). */
err_t pt_map_some(struct page_table *pt, vaddr_t va, paddr_t pa, uint64_t size,
		  uint64_t leaf_size, unsigned rights, uint64_t *mapped);

/*
 * Map the 4 KiB page at va to pa, replacing whatever 4 KiB leaf is there:
 * *old gets the entry it replaced (0 when there was none).  The caller
 * releases what the old entry held and flushes the TLB.  Returns ERR_OK,
 * ERR_INVALID_ARGUMENT (as pt_map), ERR_EXISTS (a larger leaf covers va) or
 * ERR_NO_MEMORY.
 */
err_t pt_map_replace(struct page_table *pt, vaddr_t va, paddr_t pa, unsigned rights,
		     pte_t *old);

/*
 * Remove every mapping in [va, va + size) (va and size page aligned).  A leaf
 * must lie wholly inside the range or wholly outside it: one that straddles
 * an end is not split, and the call fails with ERR_INVALID_ARGUMENT before
 * changing anything.  Pages in the range that are not mapped are skipped.
 * Intermediate tables left empty are unlinked and given to free_table (when
 * set; see struct pt_mem).  The caller flushes the TLB.  Returns ERR_OK or ERR_INVALID_ARGUMENT
 * (alignment, non-canonical or wrapping range, a straddling leaf).
 */
err_t pt_unmap(struct page_table *pt, vaddr_t va, uint64_t size);

/*
 * Give every leaf in [va, va + size) the rights `rights` (the same rules as
 * pt_map: A always, D with W, no W+X, no W without R, not none).  Leaves
 * must lie wholly inside the range; every page in it must be mapped.  Checks
 * everything before changing anything.  The caller flushes the TLB.  Returns
 * ERR_OK, ERR_INVALID_ARGUMENT or ERR_NOT_FOUND (a page is not mapped).
 */
err_t pt_protect(struct page_table *pt, vaddr_t va, uint64_t size, unsigned rights);

/*
 * Make the tables that lead to `va` exist down to the one at `level` (0 is
 * the 4 KiB level; below the root), creating the missing ones.  Lets a
 * table's root entries be settled in advance: the kernel makes all of its
 * upper-half root entries at boot, so address spaces that copy them never
 * miss one made later.  Returns ERR_OK, ERR_NO_MEMORY, ERR_EXISTS (a leaf
 * is in the way) or ERR_INVALID_ARGUMENT (level, non-canonical va).
 */
err_t pt_prepare(struct page_table *pt, vaddr_t va, unsigned level);

/*
 * Translate `va`.  Returns ERR_OK with the physical address, the leaf's PTE
 * and its size, or ERR_NOT_FOUND.  Any out-parameter may be NULL.
 */
err_t pt_lookup(const struct page_table *pt, vaddr_t va, paddr_t *pa,
		pte_t *pte, uint64_t *leaf_size);

/*
 * The accessed and dirty bits of the leaf that maps va: *old gets the
 * entry as it was, then the bits in `clear` are cleared and those in `set`
 * set (PTE_A and PTE_D only: ERR_INVALID_ARGUMENT otherwise).  The caller
 * flushes the TLB.  ERR_OK or ERR_NOT_FOUND (no leaf maps va).  For
 * reclaim: the pager samples which pages were used (kernel/fault.c sets
 * the bits again in software where the hart does not).
 */
err_t pt_leaf_bits(struct page_table *pt, vaddr_t va, pte_t clear, pte_t set, pte_t *old);

/* One entry read by pt_walk: the table, the entry's index in it, the entry. */
struct pt_step {
	paddr_t table;
	unsigned index;
	pte_t pte;
};

/*
 * The hardware's walk for `va`, as steps: steps[0] is the root's entry, and
 * the walk goes down until a leaf or an invalid entry (the last step).
 * Returns the steps taken (1 to levels), or 0 for a non-canonical va.
 */
unsigned pt_walk(const struct page_table *pt, vaddr_t va, struct pt_step *steps);

/* The table pages below the root's lower half (the user half; the root
 * itself not counted). */
uint64_t pt_lower_tables(const struct page_table *pt);

/* Visit every leaf in address order; stops early when `fn` returns false. */
typedef bool (*pt_leaf_fn)(void *arg, vaddr_t va, pte_t pte, uint64_t size);
void pt_for_each_leaf(const struct page_table *pt, pt_leaf_fn fn, void *arg);

/* The satp-style physical address held in a PTE. */
static inline paddr_t pte_pa(pte_t pte)
{
	return (paddr_t)((pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT) << PAGE_SHIFT;
}

#endif /* TESSERA_MM_PT_H */
