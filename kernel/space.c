/*
 * User address spaces: one page table per task, of the kernel's paging
 * mode, whose upper half shares the kernel's tables (the root entries are
 * copied; the kernel settled all of them at boot) and whose lower half,
 * [USER_BASE, USER_TOP), holds the task's pages.
 *
 * A user leaf maps either a page of a frame object (its descriptor's owner;
 * the mapping holds a reference) or a private page the kernel allocated for
 * the task (program segments and stack; freed with the mapping).
 *
 * TLB: a task's mappings are tagged with its ASID (mm/asid.h); removing or
 * changing one is followed by a shootdown on every hart (the arch layer's tlb.c).
 * Under the kernel lock.
 */
#include <string.h>

#include "kernel_arch.h"
#include "kernel/memory.h"
#include "kernel/printk.h"
#include "kernel/space.h"
#include "mm/buddy.h"
#include "mm/phys.h"
#include "mm/pt_buddy.h"

#define ROOT_KERNEL_HALF (PT_ENTRIES / 2) /* root entries 256..511: the upper half */

err_t space_create(struct page_table *pt)
{
	const struct pt_mem mem = pt_mem_from_buddy(&kmem);
	err_t err = pt_init(pt, kernel_pt.levels, &mem);
	pte_t *root, *kroot;
	unsigned i;

	if (err)
		return err;
	root = phys_to_virt(pt->root);
	kroot = kernel_pt.mem.table(kernel_pt.mem.arg, kernel_pt.root);
	for (i = ROOT_KERNEL_HALF; i < PT_ENTRIES; i++)
		root[i] = kroot[i];
	return ERR_OK;
}

err_t space_map_private(struct page_table *pt, vaddr_t va, uint64_t len, unsigned rights,
			const uint8_t *src, uint64_t src_len)
{
	vaddr_t page;

	for (page = ALIGN_DOWN(va, PAGE_SIZE); page < va + len; page += PAGE_SIZE) {
		struct frame *f = buddy_alloc(&kmem, 0, ALLOC_ZERO);
		/* The bytes of src that fall in this page: [lo, hi) of the page. */
		uint64_t lo = page < va ? va - page : 0;
		uint64_t hi = va + src_len > page ? va + src_len - page : 0;
		uint8_t *dst;
		err_t err;

		if (!f)
			return ERR_NO_MEMORY;
		dst = phys_to_virt(mem_frame_pa(&kmem, f));
		if (hi > PAGE_SIZE)
			hi = PAGE_SIZE;
		if (hi > lo)
			memcpy(dst + lo, src + (page + lo - va), hi - lo);
		err = pt_map(pt, page, mem_frame_pa(&kmem, f), PAGE_SIZE, PAGE_SIZE,
			     rights | PT_USER);
		if (err) {
			buddy_free(&kmem, f, 0);
			return err;
		}
	}
	return ERR_OK;
}

/* Give back what the user leaf at va held. */
static void release_page(pte_t pte)
{
	paddr_t pa = pte_pa(pte);
	struct frame_object *owner = frame_object_of(pa);

	if (owner)
		obj_put(&owner->obj);
	else
		buddy_free(&kmem, mem_frame_at(&kmem, pa), 0);
}

struct range {
	vaddr_t start, end;
	unsigned pages;
};

static bool release_in_range(void *arg, vaddr_t va, pte_t pte, uint64_t size)
{
	struct range *r = arg;

	(void)size;
	if (va >= r->start && va < r->end) {
		release_page(pte);
		r->pages++;
	}
	return va < r->end;
}

/* Small ranges are looked up page by page; a walk visits every table entry. */
#define UNMAP_LOOKUP_PAGES 64

unsigned space_unmap(struct page_table *pt, vaddr_t va, uint64_t size)
{
	struct range r = { va, va + size, 0 };
	vaddr_t page;
	pte_t pte;

	if (size <= UNMAP_LOOKUP_PAGES * PAGE_SIZE) {
		for (page = va; page < va + size; page += PAGE_SIZE)
			if (pt_lookup(pt, page, NULL, &pte, NULL) == ERR_OK)
				release_in_range(&r, page, pte, PAGE_SIZE);
	} else {
		pt_for_each_leaf(pt, release_in_range, &r);
	}
	if (pt_unmap(pt, va, size) != ERR_OK)
		panic("space_unmap: user range 0x%lx+0x%lx rejected", va, size);
	if (r.pages)
		tlb_shootdown(va, size);
	return r.pages;
}

bool space_range_ok(vaddr_t va, uint64_t size)
{
	return IS_ALIGNED(va, PAGE_SIZE) && IS_ALIGNED(size, PAGE_SIZE) && size &&
	       va >= USER_BASE && va + size > va && va + size <= USER_TOP;
}

/* MAP_* rights to pt_map's; 0 when the combination is not allowed. */
static unsigned pt_rights(uint64_t rights)
{
	if (!rights || (rights & ~(uint64_t)(MAP_READ | MAP_WRITE | MAP_EXEC)))
		return 0;
	if ((rights & MAP_WRITE) && ((rights & MAP_EXEC) || !(rights & MAP_READ)))
		return 0;  /* no W+X, no W without R */
	return (rights & MAP_READ ? PT_READ : 0) | (rights & MAP_WRITE ? PT_WRITE : 0) |
	       (rights & MAP_EXEC ? PT_EXEC : 0);
}

/* pt_for_each_leaf: stop at the first user leaf that ends above w->from. */
struct next_mapping {
	vaddr_t from, found;
	paddr_t pa;
	unsigned rights;
	bool seen;
};

static bool find_next(void *arg, vaddr_t va, pte_t pte, uint64_t size)
{
	struct next_mapping *w = arg;

	if (va >= USER_TOP)
		return false;              /* the kernel half, shared by every table */
	if (va + size <= w->from)
		return true;
	w->found = va > w->from ? va : ALIGN_DOWN(w->from, PAGE_SIZE);
	w->pa = pte_pa(pte) + (w->found - va);
	w->rights = (pte & PTE_R ? MAP_READ : 0) | (pte & PTE_W ? MAP_WRITE : 0) |
		    (pte & PTE_X ? MAP_EXEC : 0);
	w->seen = true;
	return false;
}

err_t space_next_mapping(const struct page_table *pt, vaddr_t va, vaddr_t *found, paddr_t *pa,
			 unsigned *rights)
{
	struct next_mapping w = { .from = va };

	pt_for_each_leaf(pt, find_next, &w);
	if (!w.seen)
		return ERR_NOT_FOUND;
	*found = w.found;
	*pa = w.pa;
	*rights = w.rights;
	return ERR_OK;
}

err_t space_map_check(const struct handle *frame, uint64_t offset, vaddr_t va, uint64_t size,
		      uint64_t rights)
{
	const struct frame_object *f = (const struct frame_object *)frame->obj;

	if (!space_range_ok(va, size) || !IS_ALIGNED(offset, PAGE_SIZE) || !pt_rights(rights))
		return ERR_INVALID_ARGUMENT;
	if (offset >= f->size || size > f->size - offset)
		return ERR_INVALID_ARGUMENT;
	if ((rights & frame->rights) != rights)
		return ERR_DENIED;
	return ERR_OK;
}

err_t space_map_frame(struct page_table *pt, struct frame_object *f, uint64_t offset,
		      vaddr_t va, uint64_t size, uint64_t rights)
{
	uint64_t mapped, i;
	err_t err = pt_map_some(pt, va, f->pa + offset, size, PAGE_SIZE,
				pt_rights(rights) | PT_USER, &mapped);

	for (i = 0; i < mapped; i += PAGE_SIZE)
		obj_get(&f->obj);              /* each mapped page holds the frame */
	if (err && mapped)
		space_unmap(pt, va, mapped);   /* ERR_EXISTS or ERR_NO_MEMORY: undo */
	return err;
}

err_t space_map_replace(struct page_table *pt, struct frame_object *f, uint64_t offset,
			vaddr_t va, uint64_t rights)
{
	pte_t old;
	err_t err = pt_map_replace(pt, va, f->pa + offset, pt_rights(rights) | PT_USER, &old);

	if (err)
		return err;
	obj_get(&f->obj);
	if (old & PTE_V) {
		release_page(old);
		tlb_shootdown(va, PAGE_SIZE);   /* other harts may run the task */
	} else {
		tlb_flush_page(va);
	}
	return ERR_OK;
}

/* Whether leaf pte lets user mode make `access` (FAULT_*). */
static bool pte_allows(pte_t pte, unsigned access)
{
	pte_t need = access == FAULT_WRITE ? PTE_W : access == FAULT_EXEC ? PTE_X : PTE_R;

	return (pte & PTE_U) && (pte & need);
}

bool space_allows(const struct page_table *pt, vaddr_t va, unsigned access)
{
	pte_t pte;

	return pt_lookup(pt, va, NULL, &pte, NULL) == ERR_OK && pte_allows(pte, access);
}

bool space_bits_ever_cleared;
static bool bits_cleared_unsynced;   /* since the last space_page_bits_sync */

void space_page_bits(struct page_table *pt, vaddr_t va, unsigned count, bool clear,
		     uint64_t *accessed, uint64_t *dirty)
{
	unsigned i;
	pte_t old;

	*accessed = *dirty = 0;
	for (i = 0; i < count; i++) {
		if (pt_leaf_bits(pt, va + (uint64_t)i * PAGE_SIZE, clear ? PTE_A | PTE_D : 0, 0,
				 &old) != ERR_OK || !(old & PTE_U))
			continue;
		*accessed |= (uint64_t)!!(old & PTE_A) << i;
		*dirty |= (uint64_t)!!(old & PTE_D) << i;
	}
	if (clear && (*accessed | *dirty)) {
		space_bits_ever_cleared = true;
		bits_cleared_unsynced = true;
		tlb_flush_page(va);   /* this hart's; the others' at the next sync */
	}
}

void space_page_bits_sync(void)
{
	if (!bits_cleared_unsynced)
		return;
	bits_cleared_unsynced = false;
	tlb_shootdown(0, TLB_FLUSH_ALL_SIZE);
}

bool space_mark_used(struct page_table *pt, vaddr_t va, unsigned access)
{
	pte_t bits = PTE_A | (access == FAULT_WRITE ? PTE_D : 0), old;

	/* Read first; set (a second walk) only when the access is allowed and
	 * a bit is missing: the fault's cause. */
	if (pt_leaf_bits(pt, va, 0, 0, &old) != ERR_OK || !pte_allows(old, access) ||
	    (old & bits) == bits)
		return false;
	pt_leaf_bits(pt, va, 0, bits, &old);
	tlb_flush_page(va);
	return true;
}

void space_flush_page(vaddr_t va)
{
	tlb_flush_page(va);
}

err_t space_protect(struct page_table *pt, vaddr_t va, uint64_t size, uint64_t rights)
{
	unsigned bits = pt_rights(rights);
	pte_t pte, want;
	vaddr_t page;

	if (!bits)
		return ERR_INVALID_ARGUMENT;
	want = (bits & PT_READ ? PTE_R : 0) | (bits & PT_WRITE ? PTE_W : 0) |
	       (bits & PT_EXEC ? PTE_X : 0);
	for (page = va; page < va + size; page += PAGE_SIZE) {
		if (pt_lookup(pt, page, NULL, &pte, NULL) != ERR_OK)
			return ERR_NOT_FOUND;
		if (want & ~pte)
			return ERR_DENIED;
	}
	if (pt_protect(pt, va, size, bits | PT_USER) != ERR_OK)
		panic("space_protect: checked range 0x%lx+0x%lx refused", va, size);
	tlb_shootdown(va, size);
	return ERR_OK;
}

void space_destroy(struct page_table *pt)
{
	if (!pt->root)
		return;
	space_unmap(pt, 0, USER_TOP);
	buddy_free(&kmem, mem_frame_at(&kmem, pt->root), 0);
	pt->root = 0;
}

void space_leave(void)
{
	mmu_switch_table(kernel_pt.root, 0, false);
}
