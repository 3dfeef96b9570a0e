/*
 * vmalloc: virtually contiguous kernel memory made of scattered pages.
 *
 * A vmalloc space hands out ranges of a window of the kernel's address space
 * [base, end).  Each area is one unmapped guard page followed by its pages:
 *
 *     ... | guard | page page page | guard | page page | ...   (free space)
 *
 * so running off the start of an area (a stack growing down) or off its end
 * into the next area's guard faults instead of corrupting a neighbour.  The
 * pages come from the buddy one at a time (any zone), and are found again at
 * free time by walking the page table: an area costs no memory beyond its
 * pages and one slot in the area table.
 *
 * Lock: vs->lock protects the area table and the page table below the
 * window; it is held across buddy calls (the buddy's zone locks nest inside).
 * Portable C: the kernel uses one space for its vmalloc window; host tests
 * build their own over a fake page table.
 */
#ifndef TESSERA_MM_VMALLOC_H
#define TESSERA_MM_VMALLOC_H

#include "mm/buddy.h"
#include "mm/lock.h"
#include "mm/pt.h"

#define VMALLOC_MAX_AREAS 256

struct vm_area {
	vaddr_t start;     /* the guard page; the pages follow */
	uint64_t pages;    /* mapped pages after the guard */
};

struct vmalloc_space {
	struct page_table *pt;
	struct mem *m;
	vaddr_t base, end;
	/* Make a change to [va, va + size) visible on every hart (TLB shootdown). */
	void (*flush)(vaddr_t va, uint64_t size);
	struct vm_area areas[VMALLOC_MAX_AREAS]; /* sorted by start */
	unsigned nareas;
	uint64_t pages;                          /* mapped pages in all areas */
	struct spinlock lock;
};

/* Set up an empty space over [base, end) (page aligned) of table pt. */
void vmalloc_init(struct vmalloc_space *vs, struct page_table *pt, struct mem *m,
		  vaddr_t base, vaddr_t end, void (*flush)(vaddr_t va, uint64_t size));

/*
 * `size` bytes (rounded up to pages) of kernel read/write memory whose first
 * byte is aligned to `align` (a power of two, at least a page; 0 means a
 * page).  flags: ALLOC_ZERO, ALLOC_NOWAIT (to the buddy; any zone).
 * Returns the address, or NULL: size 0, no room in the window or the area
 * table, or not enough pages (nothing is left mapped or allocated then).
 */
void *vmalloc_area(struct vmalloc_space *vs, uint64_t size, uint64_t align, unsigned flags);

/*
 * Free an area from vmalloc_area (p is its first byte): unmap it, flush,
 * give the pages back.  NULL is ignored.  Returns false, changing nothing,
 * if p is not the start of an area.
 */
bool vfree_area(struct vmalloc_space *vs, const void *p);

/*
 * Is addr inside the guard page of an area?  If so *area_start is the first
 * byte of that area's pages (the stack whose bottom addr ran off).  Safe
 * from a trap handler: if the lock is held it answers false.
 */
bool vmalloc_in_guard(struct vmalloc_space *vs, vaddr_t addr, vaddr_t *area_start);

#endif
