/*
 * User address spaces (kernel/space.c): page tables whose lower half is a
 * task's and whose upper half is the kernel's.  Under the kernel lock.
 */
#ifndef TESSERA_KERNEL_SPACE_H
#define TESSERA_KERNEL_SPACE_H

#include "kernel/memory.h"
#include "kernel/object.h"

/* An empty user table sharing the kernel half.  ERR_OK or ERR_NO_MEMORY. */
err_t space_create(struct page_table *pt);

/*
 * Fresh private pages for [va, va + len) with `rights` (PT_*), bytes copied
 * from src (src_len of them; the rest zero).  ERR_OK, ERR_NO_MEMORY or a
 * pt_map error; pages mapped before an error stay (space_destroy frees them).
 */
err_t space_map_private(struct page_table *pt, vaddr_t va, uint64_t len, unsigned rights,
			const uint8_t *src, uint64_t src_len);

/* Is [va, va + size) page aligned, non-empty and inside user space? */
bool space_range_ok(vaddr_t va, uint64_t size);

/*
 * Could [offset, offset + size) of the frame behind handle `frame` be mapped
 * at va with MAP_* `rights`?  ERR_OK; ERR_INVALID_ARGUMENT (alignment,
 * range, outside the frame, a rights combination no page may have);
 * ERR_DENIED (rights beyond the handle's).  Whether pages are mapped there
 * already is found by the mapping itself.
 */
err_t space_map_check(const struct handle *frame, uint64_t offset, vaddr_t va, uint64_t size,
		      uint64_t rights);

/*
 * Map what space_map_check accepted.  ERR_OK, or ERR_EXISTS (a page of the
 * range is mapped) or ERR_NO_MEMORY, with nothing mapped.
 */
err_t space_map_frame(struct page_table *pt, struct frame_object *f, uint64_t offset,
		      vaddr_t va, uint64_t size, uint64_t rights);

/*
 * Map one page of f (offset checked by space_map_check with `replace`) at
 * va in place of whatever is there, which is released and flushed from
 * every hart.  ERR_OK or ERR_NO_MEMORY (nothing changed).
 */
err_t space_map_replace(struct page_table *pt, struct frame_object *f, uint64_t offset,
			vaddr_t va, uint64_t rights);

/*
 * Give every page of [va, va + size) (checked by the caller) the MAP_*
 * `rights`, which must not add to any page's: ERR_OK, ERR_INVALID_ARGUMENT
 * (a combination no page may have), ERR_NOT_FOUND (a page is not mapped),
 * ERR_DENIED (a right the page does not have).  Flushes every hart's TLB.
 */
err_t space_protect(struct page_table *pt, vaddr_t va, uint64_t size, uint64_t rights);

/*
 * Remove the user mappings in [va, va + size) (page aligned, a range
 * space_range_ok accepts, or all of user space), releasing their pages, and
 * flush every hart's TLB.  Returns the pages unmapped.
 */
unsigned space_unmap(struct page_table *pt, vaddr_t va, uint64_t size);

/*
 * Does the space map va for `access` (FAULT_*) already?  A fault that finds
 * so was taken on a stale TLB entry (another hart mapped the page, or the
 * hart cached the old invalid entry): flush and retry, nothing to ask.
 */
bool space_allows(const struct page_table *pt, vaddr_t va, unsigned access);

/*
 * Reclaim's sampling (SYS_PAGE_USED): which of the `count` pages from va
 * were accessed (bit i of *accessed) and written (*dirty) since the bits
 * were last cleared; with `clear`, clear them and flush this hart's TLB.
 * Another hart that still caches a cleared page's entry may use the page
 * without setting A again until space_page_bits_sync, which makes every
 * hart drop its entries (one remote fence for all the clears since the
 * last sync, in any space): reclaim clears as it samples and syncs once a
 * pass, so a use it misses can only be one made during that pass.
 * Unmapped pages read as unused.
 */
void space_page_bits(struct page_table *pt, vaddr_t va, unsigned count, bool clear,
		     uint64_t *accessed, uint64_t *dirty);
void space_page_bits_sync(void);

/*
 * A fault on a page the space maps for `access` whose leaf lacks the A bit
 * (or D for a write): a hart that does not set them itself (the U74) faults
 * so once reclaim has cleared them.  Set them and flush: true when that
 * was the fault's cause, and the thread is to retry.  Call it only once
 * space_bits_ever_cleared: until some bit was cleared every leaf has them
 * as pt_map made it, and the fault path need not look (one load).
 */
bool space_mark_used(struct page_table *pt, vaddr_t va, unsigned access);
extern bool space_bits_ever_cleared;

/*
 * The first user page mapped at or above va: ERR_OK with its address in
 * *found, what it maps in *pa and its MAP_* rights in *rights; ERR_NOT_FOUND
 * when none is mapped from va to USER_TOP.  Walks the table from the start.
 */
err_t space_next_mapping(const struct page_table *pt, vaddr_t va, vaddr_t *found, paddr_t *pa,
			 unsigned *rights);

/*
 * Make a new mapping of va visible to this hart.  A valid PTE that replaced
 * an invalid one needs an sfence.vma before it is guaranteed to be used
 * (priv. spec 4.2.1); other harts find it through a spurious fault.
 */
void space_flush_page(vaddr_t va);

/* Free every page and table of the space (no hart may be using it). */
void space_destroy(struct page_table *pt);

/*
 * Switch this hart to the space (ASID from *asid_ctx) / to the kernel's
 * table.  space_enter is inline for the IPC path: in the common case (the
 * space's ASID is of the current generation, mm/asid.h) a check and a
 * satp write.
 */
void space_leave(void);

static inline __attribute__((always_inline)) void space_enter(struct page_table *pt,
							      uint64_t *asid_ctx, unsigned hart)
{
	struct asid_switch sw = asid_switch(&kasid, asid_ctx, hart);

	mmu_switch_table(pt->root, sw.asid, sw.flush);
}

/* The frame object owning the page at pa, or NULL (kernel/frame_object.c). */
struct frame_object *frame_object_of(paddr_t pa);

#endif
