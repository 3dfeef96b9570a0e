/*
 * The page-table walker (see mm/pt.h for the format and the rules).
 *
 * Locking: none inside.  The caller serialises changes to one table; the
 * boot code uses it on one hart before any other hart runs.
 */
#include "mm/pt.h"

uint64_t pt_level_size(unsigned level)
{
	return PAGE_SIZE << (PT_INDEX_BITS * level);
}

unsigned pt_index(vaddr_t va, unsigned level)
{
	return (unsigned)(va >> (PAGE_SHIFT + PT_INDEX_BITS * level)) & (PT_ENTRIES - 1);
}

bool pt_va_canonical(vaddr_t va, unsigned levels)
{
	unsigned bits = PAGE_SHIFT + PT_INDEX_BITS * levels; /* 39 or 48 */
	int64_t sign_extended = (int64_t)(va << (64 - bits)) >> (64 - bits);

	return (vaddr_t)sign_extended == va;
}

static pte_t *table_at(const struct page_table *pt, paddr_t pa)
{
	return pt->mem.table(pt->mem.arg, pa);
}

static pte_t make_pte(paddr_t pa, pte_t bits)
{
	return ((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | bits | PTE_V;
}

static bool pte_is_leaf(pte_t pte)
{
	return (pte & PTE_V) && (pte & (PTE_R | PTE_W | PTE_X));
}

err_t pt_init(struct page_table *pt, unsigned levels, const struct pt_mem *mem)
{
	if (levels != PT_LEVELS_SV39 && levels != PT_LEVELS_SV48)
		return ERR_INVALID_ARGUMENT;
	pt->levels = levels;
	pt->mem = *mem;
	pt->root = mem->alloc_table(mem->arg);
	return pt->root ? ERR_OK : ERR_NO_MEMORY;
}

/* PTE bits for `rights`, or 0 when the combination is not allowed. */
static pte_t leaf_bits(unsigned rights)
{
	pte_t bits = PTE_A;

	if ((rights & PT_WRITE) && (rights & PT_EXEC))
		return 0;
	if ((rights & PT_WRITE) && !(rights & PT_READ))
		return 0;
	if (!(rights & (PT_READ | PT_WRITE | PT_EXEC)))
		return 0;
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

/*
 * The entry for `va` at `level`, creating missing intermediate tables.
 * Returns NULL with *err set when a table cannot be had or a leaf is in the way.
 */
static pte_t *walk_create(struct page_table *pt, vaddr_t va, unsigned level, err_t *err)
{
	pte_t *table = table_at(pt, pt->root);
	unsigned l;

	for (l = pt->levels - 1; l > level; l--) {
		pte_t *e = &table[pt_index(va, l)];

		if (pte_is_leaf(*e)) {
			*err = ERR_EXISTS;
			return NULL;
		}
		if (!(*e & PTE_V)) {
			paddr_t next = pt->mem.alloc_table(pt->mem.arg);

			if (!next) {
				*err = ERR_NO_MEMORY;
				return NULL;
			}
			*e = make_pte(next, 0);
		}
		table = table_at(pt, pte_pa(*e));
	}
	return &table[pt_index(va, level)];
}

/* Level whose leaves are `size` bytes, or -1. */
static int level_for_size(const struct page_table *pt, uint64_t size)
{
	unsigned l;

	/* 4 KiB, 2 MiB and 1 GiB leaves; the 1 GiB level is Sv39's root. */
	for (l = 0; l < pt->levels && l <= 2; l++)
		if (pt_level_size(l) == size)
			return (int)l;
	return -1;
}

err_t pt_map(struct page_table *pt, vaddr_t va, paddr_t pa, uint64_t size,
	     uint64_t leaf_size, unsigned rights)
{
	int level = level_for_size(pt, leaf_size);
	pte_t bits = leaf_bits(rights);
	err_t err = ERR_OK;
	uint64_t off;

	if (level < 0 || !bits || !size || !IS_ALIGNED(va | pa | size, leaf_size) ||
	    !pt_va_canonical(va, pt->levels) ||
	    !pt_va_canonical(va + size - 1, pt->levels) || va + size - 1 < va ||
	    (va ^ (va + size - 1)) >> 63) /* both ends canonical, the hole between */
		return ERR_INVALID_ARGUMENT;
	for (off = 0; off < size; off += leaf_size) {
		pte_t *e = walk_create(pt, va + off, (unsigned)level, &err);

		if (!e)
			return err;
		if (*e & PTE_V)
			return ERR_EXISTS;
		*e = make_pte(pa + off, bits);
	}
	return ERR_OK;
}

err_t pt_lookup(const struct page_table *pt, vaddr_t va, paddr_t *pa,
		pte_t *pte, uint64_t *leaf_size)
{
	pte_t *table = table_at(pt, pt->root);
	unsigned l = pt->levels;

	if (!pt_va_canonical(va, pt->levels))
		return ERR_NOT_FOUND;
	while (l--) {
		pte_t e = table[pt_index(va, l)];

		if (!(e & PTE_V))
			return ERR_NOT_FOUND;
		if (pte_is_leaf(e)) {
			uint64_t size = pt_level_size(l);

			if (pa)
				*pa = pte_pa(e) + (va & (size - 1));
			if (pte)
				*pte = e;
			if (leaf_size)
				*leaf_size = size;
			return ERR_OK;
		}
		table = table_at(pt, pte_pa(e));
	}
	return ERR_NOT_FOUND;
}

/* Sign-extend a translated address to its canonical form. */
static vaddr_t canonical(vaddr_t va, unsigned levels)
{
	unsigned bits = PAGE_SHIFT + PT_INDEX_BITS * levels;

	return (vaddr_t)((int64_t)(va << (64 - bits)) >> (64 - bits));
}

static bool visit(const struct page_table *pt, paddr_t table_pa, unsigned level,
		  vaddr_t base, pt_leaf_fn fn, void *arg)
{
	pte_t *table = table_at(pt, table_pa);
	unsigned i;

	for (i = 0; i < PT_ENTRIES; i++) {
		vaddr_t va = base + (vaddr_t)i * pt_level_size(level);
		pte_t e = table[i];

		if (!(e & PTE_V))
			continue;
		if (pte_is_leaf(e)) {
			if (!fn(arg, canonical(va, pt->levels), e, pt_level_size(level)))
				return false;
		} else if (level > 0) {
			/* (a pointer entry at level 0 would be malformed: nothing below) */
			if (!visit(pt, pte_pa(e), level - 1, va, fn, arg))
				return false;
		}
	}
	return true;
}

void pt_for_each_leaf(const struct page_table *pt, pt_leaf_fn fn, void *arg)
{
	visit(pt, pt->root, pt->levels - 1, 0, fn, arg);
}
