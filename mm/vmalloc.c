/*
 * vmalloc (see mm/vmalloc.h).  The area table is a sorted array: areas are
 * few (kernel stacks, large tables) and a linear first-fit scan over it is
 * simple to check.  Invariants, under vs->lock:
 *   1. areas[] is sorted by start; areas do not overlap; each lies in
 *      [base, end) with its guard page;
 *   2. an area's guard page is unmapped and each of its pages is mapped to a
 *      buddy page of its own (FRAME_ALLOCATED, order 0);
 *   3. nothing else in [base, end) is mapped.
 */
#include <string.h>

#include "mm/phys.h"
#include "mm/vmalloc.h"

void vmalloc_init(struct vmalloc_space *vs, struct page_table *pt, struct mem *m,
		  vaddr_t base, vaddr_t end, void (*flush)(vaddr_t va, uint64_t size))
{
	memset(vs, 0, sizeof(*vs));
	vs->pt = pt;
	vs->m = m;
	vs->base = base;
	vs->end = end;
	vs->flush = flush;
}

/* Where the pages of an area of `pages` (aligned to align) fit first; 0 if nowhere. */
static vaddr_t find_gap(const struct vmalloc_space *vs, uint64_t pages, uint64_t align,
			unsigned *slot)
{
	vaddr_t lo = vs->base;
	unsigned i;

	for (i = 0; i <= vs->nareas; i++) {
		vaddr_t hi = i < vs->nareas ? vs->areas[i].start : vs->end;
		vaddr_t data = ALIGN_UP(lo + PAGE_SIZE, align);

		if (data > lo && data < hi && pages <= (hi - data) >> PAGE_SHIFT) {
			*slot = i;
			return data;
		}
		if (i < vs->nareas)
			lo = vs->areas[i].start + ((vs->areas[i].pages + 1) << PAGE_SHIFT);
	}
	return 0;
}

#define RELEASE_BATCH 32

/*
 * Unmap [va, va + pages) and give each mapped page back to the buddy: a
 * batch at a time, each page freed only after the flush, so that no hart
 * can still reach a page through a stale TLB entry once it is reused.
 */
static void release_pages(struct vmalloc_space *vs, vaddr_t va, uint64_t pages)
{
	paddr_t pa[RELEASE_BATCH];
	bool mapped[RELEASE_BATCH];

	while (pages) {
		uint64_t n = pages < RELEASE_BATCH ? pages : RELEASE_BATCH, i;

		for (i = 0; i < n; i++)
			mapped[i] = pt_lookup(vs->pt, va + (i << PAGE_SHIFT), &pa[i], NULL,
					      NULL) == ERR_OK;
		pt_unmap(vs->pt, va, n << PAGE_SHIFT);
		vs->flush(va, n << PAGE_SHIFT);
		for (i = 0; i < n; i++)
			if (mapped[i])
				buddy_free(vs->m, mem_frame_at(vs->m, pa[i]), 0);
		va += n << PAGE_SHIFT;
		pages -= n;
	}
}

/* Back [va, va + pages) with fresh pages; false (all undone) if one is missing. */
static bool map_pages(struct vmalloc_space *vs, vaddr_t va, uint64_t pages, unsigned flags)
{
	uint64_t i;

	for (i = 0; i < pages; i++) {
		struct frame *f = buddy_alloc(vs->m, 0, flags);
		vaddr_t at = va + (i << PAGE_SHIFT);

		if (!f || pt_map(vs->pt, at, mem_frame_pa(vs->m, f), PAGE_SIZE,
				 PAGE_SIZE, PT_KERNEL_RW) != ERR_OK) {
			if (f)
				buddy_free(vs->m, f, 0);
			release_pages(vs, va, i);
			return false;
		}
	}
	return true;
}

void *vmalloc_area(struct vmalloc_space *vs, uint64_t size, uint64_t align, unsigned flags)
{
	uint64_t pages = ALIGN_UP(size, PAGE_SIZE) >> PAGE_SHIFT;
	vaddr_t data = 0;
	unsigned slot, i;

	if (!size || size > vs->end - vs->base || (align & (align - 1)))
		return NULL;
	if (align < PAGE_SIZE)
		align = PAGE_SIZE;
	spin_lock(&vs->lock);
	if (vs->nareas < VMALLOC_MAX_AREAS)
		data = find_gap(vs, pages, align, &slot);
	if (data && map_pages(vs, data, pages, flags & (ALLOC_ZERO | ALLOC_NOWAIT))) {
		for (i = vs->nareas; i > slot; i--)
			vs->areas[i] = vs->areas[i - 1];
		vs->areas[slot] = (struct vm_area){ .start = data - PAGE_SIZE, .pages = pages };
		vs->nareas++;
		vs->pages += pages;
	} else {
		data = 0;
	}
	spin_unlock(&vs->lock);
	return (void *)data;
}

bool vfree_area(struct vmalloc_space *vs, const void *p)
{
	vaddr_t data = (vaddr_t)p;
	unsigned i;

	if (!p)
		return true;
	spin_lock(&vs->lock);
	for (i = 0; i < vs->nareas && vs->areas[i].start + PAGE_SIZE != data; i++)
		;
	if (i == vs->nareas) {
		spin_unlock(&vs->lock);
		return false;
	}
	release_pages(vs, data, vs->areas[i].pages);
	vs->pages -= vs->areas[i].pages;
	for (vs->nareas--; i < vs->nareas; i++)
		vs->areas[i] = vs->areas[i + 1];
	spin_unlock(&vs->lock);
	return true;
}

bool vmalloc_in_guard(struct vmalloc_space *vs, vaddr_t addr, vaddr_t *area_start)
{
	bool hit = false;
	unsigned i;

	if (!spin_trylock(&vs->lock))
		return false; /* from a trap taken with the lock held: cannot tell */
	for (i = 0; i < vs->nareas && !hit; i++) {
		hit = addr >= vs->areas[i].start && addr - vs->areas[i].start < PAGE_SIZE;
		if (hit && area_start)
			*area_start = vs->areas[i].start + PAGE_SIZE;
	}
	spin_unlock(&vs->lock);
	return hit;
}
