/*
 * The page-table walker (see mm/pt.h for the format and the rules).
 *
 * Locking: none inside.  The caller serialises changes to one table; the
 * boot code uses it on one hart before any other hart runs.
 *
 * pt_unmap and pt_protect decode, then perform: every check (arguments, a
 * leaf straddling an end of the range, for pt_protect an unmapped page) runs
 * before the first PTE changes, and the change itself cannot fail.  Both use
 * one range walker, which skips a missing subtree in a single step, so its
 * cost follows the tables that exist, not the size of the range.
 */
#include "mm/phys.h"
#include "mm/pt.h"

static pte_t *table_at(const struct page_table *pt, paddr_t pa)
{
	return pt->mem.table ? pt->mem.table(pt->mem.arg, pa) : phys_to_virt(pa);
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

/*
 * PTE bits for rights r (PT_READ..PT_GLOBAL, bits 0-4), or 0 when the
 * combination is not allowed: no access at all, write without read, or
 * write with execute (W^X).  Evaluated by the compiler for each of the 32
 * combinations into leaf_table, so a mapping looks its bits up.
 */
#define LEAF_BITS(r)                                                                       \
	(!((r) & (PT_READ | PT_WRITE | PT_EXEC)) ||                                        \
	 (((r) & PT_WRITE) && ((r) & (PT_EXEC | PT_READ)) != PT_READ) ? (pte_t)0 :       \
	 PTE_A | ((r) & PT_READ ? PTE_R : 0) | ((r) & PT_WRITE ? PTE_W | PTE_D : 0) |        \
	 ((r) & PT_EXEC ? PTE_X : 0) | ((r) & PT_USER ? PTE_U : 0) |                        \
	 ((r) & PT_GLOBAL ? PTE_G : 0))
#define LEAF_BITS4(r) LEAF_BITS(r), LEAF_BITS((r) + 1), LEAF_BITS((r) + 2), LEAF_BITS((r) + 3)
#define LEAF_BITS16(r) LEAF_BITS4(r), LEAF_BITS4((r) + 4), LEAF_BITS4((r) + 8), LEAF_BITS4((r) + 12)

_Static_assert((PT_READ | PT_WRITE | PT_EXEC | PT_USER | PT_GLOBAL) == 31, "rights index leaf_table");
static const pte_t leaf_table[32] = { LEAF_BITS16(0u), LEAF_BITS16(16u) };

/* PTE bits for `rights` (other bits ignored), or 0 when the combination is not allowed. */
static pte_t leaf_bits(unsigned rights)
{
	return leaf_table[rights & 31];
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

/*
 * Is [va, va + size) a usable range: not empty, not wrapping past 2^64, and
 * inside one canonical half?  Both ends canonical and the same top bit: the
 * non-canonical hole cannot lie between them.
 */
static bool range_valid(const struct page_table *pt, vaddr_t va, uint64_t size)
{
	vaddr_t last = va + size - 1;

	return size && last >= va && pt_va_canonical(va, pt->levels) &&
	       pt_va_canonical(last, pt->levels) && !((va ^ last) >> 63);
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

err_t pt_map_some(struct page_table *pt, vaddr_t va, paddr_t pa, uint64_t size,
		  uint64_t leaf_size, unsigned rights, uint64_t *mapped)
{
	int level = level_for_size(pt, leaf_size);
	pte_t bits = leaf_bits(rights);
	err_t err = ERR_OK;
	pte_t *e = NULL;
	uint64_t off;

	*mapped = 0;
	if (level < 0 || !bits || !IS_ALIGNED(va | pa | size, leaf_size) ||
	    !range_valid(pt, va, size))
		return ERR_INVALID_ARGUMENT;
	for (off = 0; off < size; off += leaf_size) {
		/* One walk per table: inside it, the next leaf is the next entry. */
		if (!e || pt_index(va + off, (unsigned)level) == 0)
			e = walk_create(pt, va + off, (unsigned)level, &err);
		else
			e++;
		if (!e)
			return err;
		if (*e & PTE_V)
			return ERR_EXISTS;
		*e = make_pte(pa + off, bits);
		*mapped = off + leaf_size;
	}
	return ERR_OK;
}

err_t pt_map(struct page_table *pt, vaddr_t va, paddr_t pa, uint64_t size,
	     uint64_t leaf_size, unsigned rights)
{
	uint64_t mapped;

	return pt_map_some(pt, va, pa, size, leaf_size, rights, &mapped);
}

err_t pt_map_replace(struct page_table *pt, vaddr_t va, paddr_t pa, unsigned rights,
		     pte_t *old)
{
	pte_t bits = leaf_bits(rights);
	err_t err = ERR_OK;
	pte_t *e;

	*old = 0;
	if (!bits || !IS_ALIGNED(va | pa, PAGE_SIZE) || !range_valid(pt, va, PAGE_SIZE))
		return ERR_INVALID_ARGUMENT;
	e = walk_create(pt, va, 0, &err);
	if (!e)
		return err;
	*old = *e;
	*e = make_pte(pa, bits);
	return ERR_OK;
}

/* ---- unmap and protect: one range walker ------------------------------- */

/*
 * `va` reduced to the bits the table translates (39 or 48): the table spans
 * pt_level_size(levels) bytes, so this is va mod that size.  Sv39 example:
 * 0xffffffc000001000 -> 0x4000001000 (root index 256, as pt_index says).
 * A valid range lies in one canonical half, so it stays contiguous here.
 */
static vaddr_t translated(vaddr_t va, unsigned levels)
{
	return va & (pt_level_size(levels) - 1);
}

/*
 * Does the leaf that maps `va`, if any, reach outside [first, last]?  Only a
 * leaf holding an end of a range can straddle that end, so asking this of
 * both ends finds every straddling leaf without walking the range.
 */
static bool leaf_straddles(const struct page_table *pt, vaddr_t va, vaddr_t first,
			   vaddr_t last)
{
	uint64_t size;
	vaddr_t start;

	if (pt_lookup(pt, va, NULL, NULL, &size) != ERR_OK)
		return false;
	start = ALIGN_DOWN(va, size);
	return start < first || start + (size - 1) > last;
}

/* What walk_range does in the part of the range it visits. */
enum range_op {
	RANGE_FIND_HOLE,        /* stop with ERR_NOT_FOUND at the first unmapped page */
	RANGE_PROTECT,          /* give every leaf the bits `bits` */
	RANGE_UNMAP,            /* clear every leaf; free the tables left empty */
};

struct range_walk {
	struct page_table *pt;
	vaddr_t first, last;    /* the range, inclusive, as translated addresses */
	enum range_op op;
	pte_t bits;             /* RANGE_PROTECT: leaf_bits() of the new rights */
};

/*
 * If the table `e` points to has no valid entry left, unlink it and hand it
 * to free_table; with free_table NULL, empty tables stay linked.
 */
static void free_if_empty(struct page_table *pt, pte_t *e)
{
	paddr_t child = pte_pa(*e);
	pte_t *table;
	unsigned i;

	if (!pt->mem.free_table)
		return;
	table = table_at(pt, child);
	for (i = 0; i < PT_ENTRIES; i++)
		if (table[i] & PTE_V)
			return;
	/*
	 * Unlink first, then free.  Hart walkers may still cache the old
	 * pointer until the caller's sfence.vma (privileged spec 4.2.1), so the
	 * page must not be reused as anything else before that flush.
	 */
	*e = 0;
	pt->mem.free_table(pt->mem.arg, child);
}

/*
 * Apply w->op to the part of the range covered by the table at `table_pa`,
 * whose entries map `level`-sized pieces starting at translated `base`.  An
 * invalid entry skips its whole subtree in one step.  Returns ERR_OK, or
 * ERR_NOT_FOUND (RANGE_FIND_HOLE only).  Requires: no leaf straddles the range.
 */
static err_t walk_range(const struct range_walk *w, paddr_t table_pa, unsigned level,
			vaddr_t base)
{
	pte_t *table = table_at(w->pt, table_pa);
	uint64_t piece = pt_level_size(level);
	vaddr_t end = base + (piece * PT_ENTRIES - 1);  /* the table's last byte */
	vaddr_t first = w->first > base ? w->first : base;
	vaddr_t last = w->last < end ? w->last : end;
	unsigned i;

	for (i = pt_index(first, level); i <= pt_index(last, level); i++) {
		pte_t *e = &table[i];
		err_t err;

		if (pte_is_leaf(*e)) {
			if (w->op == RANGE_PROTECT)
				*e = make_pte(pte_pa(*e), w->bits);
			else if (w->op == RANGE_UNMAP)
				*e = 0;
		} else if (!(*e & PTE_V) || level == 0) {
			/* nothing mapped (a pointer at level 0 is malformed: maps nothing) */
			if (w->op == RANGE_FIND_HOLE)
				return ERR_NOT_FOUND;
		} else {
			err = walk_range(w, pte_pa(*e), level - 1, base + i * piece);
			if (err != ERR_OK)
				return err;
			if (w->op == RANGE_UNMAP)
				free_if_empty(w->pt, e);
		}
	}
	return ERR_OK;
}

/* Run walk_range over [va, va + size) from the root.  Requires range_valid(). */
static err_t walk_from_root(struct page_table *pt, vaddr_t va, uint64_t size,
			    enum range_op op, pte_t bits)
{
	const struct range_walk w = {
		.pt = pt,
		.first = translated(va, pt->levels),
		.last = translated(va + size - 1, pt->levels),
		.op = op,
		.bits = bits,
	};

	return walk_range(&w, pt->root, pt->levels - 1, 0);
}

/* Is [va, va + size) a valid, page-aligned range that no leaf straddles? */
static bool range_ok_to_change(const struct page_table *pt, vaddr_t va, uint64_t size)
{
	if (!IS_ALIGNED(va | size, PAGE_SIZE) || !range_valid(pt, va, size))
		return false;
	return !leaf_straddles(pt, va, va, va + size - 1) &&
	       !leaf_straddles(pt, va + size - 1, va, va + size - 1);
}

/*
 * Contract in pt.h.  Decode: the range and its two ends (leaf_straddles);
 * perform: one walk that clears leaves and frees the tables left empty.
 */
err_t pt_unmap(struct page_table *pt, vaddr_t va, uint64_t size)
{
	if (!range_ok_to_change(pt, va, size))
		return ERR_INVALID_ARGUMENT;
	return walk_from_root(pt, va, size, RANGE_UNMAP, 0);   /* cannot fail */
}

/*
 * Contract in pt.h.  Decode: the rights, the range, its two ends, then a
 * walk that finds any unmapped page; perform: a walk that rewrites leaves.
 */
err_t pt_protect(struct page_table *pt, vaddr_t va, uint64_t size, unsigned rights)
{
	pte_t bits = leaf_bits(rights);

	if (!bits || !range_ok_to_change(pt, va, size))
		return ERR_INVALID_ARGUMENT;
	if (walk_from_root(pt, va, size, RANGE_FIND_HOLE, 0) != ERR_OK)
		return ERR_NOT_FOUND;
	return walk_from_root(pt, va, size, RANGE_PROTECT, bits);     /* cannot fail */
}

/* The leaf entry that maps va, with its size in *size; NULL when none does. */
static inline __attribute__((always_inline)) pte_t *
leaf_entry(const struct page_table *pt, vaddr_t va, uint64_t *size)
{
	pte_t *table = table_at(pt, pt->root);
	unsigned l = pt->levels;

	if (!pt_va_canonical(va, pt->levels))
		return NULL;
	while (l--) {
		pte_t *e = &table[pt_index(va, l)];

		if (!(*e & PTE_V))
			return NULL;
		if (pte_is_leaf(*e)) {
			*size = pt_level_size(l);
			return e;
		}
		table = table_at(pt, pte_pa(*e));
	}
	return NULL;
}

err_t pt_lookup(const struct page_table *pt, vaddr_t va, paddr_t *pa,
		pte_t *pte, uint64_t *leaf_size)
{
	uint64_t size;
	pte_t *e = leaf_entry(pt, va, &size);

	if (!e)
		return ERR_NOT_FOUND;
	if (pa)
		*pa = pte_pa(*e) + (va & (size - 1));
	if (pte)
		*pte = *e;
	if (leaf_size)
		*leaf_size = size;
	return ERR_OK;
}

err_t pt_leaf_bits(struct page_table *pt, vaddr_t va, pte_t clear, pte_t set, pte_t *old)
{
	uint64_t size;
	pte_t *e = leaf_entry(pt, va, &size);

	if ((clear | set) & ~(PTE_A | PTE_D))
		return ERR_INVALID_ARGUMENT;
	if (!e)
		return ERR_NOT_FOUND;
	*old = *e;
	*e = (*e & ~clear) | set;
	return ERR_OK;
}

unsigned pt_walk(const struct page_table *pt, vaddr_t va, struct pt_step *steps)
{
	paddr_t table = pt->root;
	unsigned n = 0, l = pt->levels;

	if (!pt_va_canonical(va, pt->levels))
		return 0;
	while (l--) {
		struct pt_step *s = &steps[n++];

		s->table = table;
		s->index = pt_index(va, l);
		s->pte = table_at(pt, table)[s->index];
		if (!(s->pte & PTE_V) || pte_is_leaf(s->pte))
			break;
		table = pte_pa(s->pte);
	}
	return n;
}

/* Tables below the table at table_pa (a table at `level`), entries [0, end). */
static uint64_t tables_below(const struct page_table *pt, paddr_t table_pa, unsigned level,
			     unsigned end)
{
	const pte_t *table = table_at(pt, table_pa);
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < end && level > 0; i++)
		if ((table[i] & PTE_V) && !pte_is_leaf(table[i]))
			n += 1 + tables_below(pt, pte_pa(table[i]), level - 1, PT_ENTRIES);
	return n;
}

uint64_t pt_lower_tables(const struct page_table *pt)
{
	return tables_below(pt, pt->root, pt->levels - 1, PT_ENTRIES / 2);
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

err_t pt_prepare(struct page_table *pt, vaddr_t va, unsigned level)
{
	err_t err = ERR_OK;

	if (level >= pt->levels - 1 || !pt_va_canonical(va, pt->levels))
		return ERR_INVALID_ARGUMENT;
	return walk_create(pt, va, level, &err) ? ERR_OK : err;
}
