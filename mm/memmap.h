/*
 * The boot memory map (like Linux's memblock): which physical pages are RAM,
 * which of those are free for the page allocator, and which must never be
 * mapped at all.
 *
 *   ram    /memory ranges, sorted, merged where they overlap or touch,
 *          shrunk inward to whole pages, clipped to what the kernel can map
 *   free   ram minus every reserved range (grown outward to whole pages):
 *          /reserved-memory, memreserve entries, the kernel image, the device
 *          tree, the initrd, and what memmap_alloc() hands out at boot
 *   nomap  firmware ranges the kernel must not map, even in the direct map:
 *          `no-map` reservations and OpenSBI's mmode_resv* (OpenSBI 1.1 does
 *          not mark them no-map, but PMP protects them: a mapping that covers
 *          them faults on FU540 when accessed through a superpage)
 *
 * Every range dropped or clipped is logged once with the reason.  All ranges
 * are half-open [start, end) and page aligned.  Portable C.
 */
#ifndef TESSERA_MM_MEMMAP_H
#define TESSERA_MM_MEMMAP_H

#include "mm/bootinfo.h"
#include "tessera/errors.h"

#define MEMMAP_MAX 64

struct memmap_range {
	paddr_t start;
	paddr_t end;
};

struct memmap_list {
	struct memmap_range r[MEMMAP_MAX];
	unsigned n;
};

struct memmap {
	struct memmap_list ram;
	struct memmap_list free;
	struct memmap_list nomap;
};

/* Where log lines go ("memmap: ..." without a newline); may be NULL. */
typedef void (*memmap_log_fn)(void *arg, const char *line);

#define MM_LOG_LINE_MAX 200 /* longer lines are cut (they are all far shorter) */

/* Format one line and hand it to log(arg, line); nothing if log is NULL. */
void mm_log(memmap_log_fn log, void *arg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Build the map from the boot facts.  RAM at or above `limit` is clipped
 * (the kernel cannot reach it).  Returns ERR_OK, ERR_NOT_FOUND (no usable
 * RAM left: one line through `log` says why) or ERR_NO_MEMORY (more pieces
 * than MEMMAP_MAX).
 */
err_t memmap_build(struct memmap *mm, const struct boot_info *bi, paddr_t limit,
		   memmap_log_fn log, void *arg);

/*
 * Reserve `size` bytes aligned to `align` (a power of two, at least a page)
 * from the top of the highest free range that ends at or below `below`.
 * Returns the physical address, or 0 when nothing fits.
 */
paddr_t memmap_alloc(struct memmap *mm, uint64_t size, uint64_t align, paddr_t below);

/*
 * Remove [start, end) from a list, splitting a range if needed.  Returns
 * ERR_OK, or ERR_NO_MEMORY when a split needs a slot the list does not
 * have (the list is then unchanged).
 */
err_t memmap_subtract(struct memmap_list *l, paddr_t start, paddr_t end);

/* Pages in a list. */
uint64_t memmap_pages(const struct memmap_list *l);

/* Is this reserved range firmware that must never be mapped? */
bool memmap_is_firmware(const struct boot_reserved *r);

#endif
