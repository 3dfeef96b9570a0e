/*
 * Physical memory set-up at boot, shared by the kernel and tessera-mm so
 * that both print the same zones and free lists for the same tree:
 *
 *   1. the boot memory map (mm/memmap.h) from the boot facts
 *   2. zone limits: ZONE_DMA from zone_dma= or the tightest dma-ranges (when
 *      below 4 GiB), ZONE_DMA32 below 4 GiB, ZONE_NORMAL above
 *   3. one frame-table array per RAM range, taken from the top of free RAM
 *   4. the buddy allocator, fed every free range (buddy_boot: descriptors
 *      written only where a chunk is not wholly free); watermarks
 */
#ifndef TESSERA_MM_BOOT_MEM_H
#define TESSERA_MM_BOOT_MEM_H

#include "mm/buddy.h"
#include "mm/memmap.h"

struct mem_setup {
	paddr_t limit;            /* RAM at or above this is out of reach */
	uint64_t zone_dma_size;   /* zone_dma= from the command line; 0: from the tree */
	unsigned nharts;          /* per-hart caches to set up */
	unsigned (*this_hart)(void);
	/*
	 * Where the kernel can write the `bytes` of frame descriptors placed
	 * at physical `pa` (kernel: the direct map; tessera-mm: host memory).
	 * NULL: cannot.
	 */
	struct frame *(*table_at)(void *arg, paddr_t pa, uint64_t bytes);
	void *arg;
	memmap_log_fn log;        /* "memmap: ..." lines; may be NULL */
	void *log_arg;
};

/*
 * Build *mm and *m from the boot facts.  Returns ERR_OK; ERR_NOT_FOUND (no
 * usable RAM); ERR_NO_MEMORY (no room for the frame table, or too many
 * ranges).  On error the reason has been logged.
 */
err_t mem_boot(struct mem *m, struct memmap *mm, const struct boot_info *bi,
	       const struct mem_setup *s);

/* Total frames described, and the bytes their descriptors take. */
uint64_t mem_frame_count(const struct mem *m);

/*
 * Report lines, through `log`:
 *   "zone DMA32: 0x80000000-0x100000000 524288 pages, 523264 free" (or "zone DMA: empty")
 *   "frames: 524288 x 32 B = 16384 KiB"
 */
void mem_report(const struct mem *m, memmap_log_fn log, void *arg);

/*
 * The boot report's lines about the tree (mm/boot_report.c): "harts: N", one
 * "hart ..." line each, "timebase:", "memory:" and "reserved:" lines, pools,
 * "cmdline:", and the DMA limit.  The hart `boot_hartid` is marked (boot).
 */
void bootinfo_report(const struct boot_info *bi, uint64_t boot_hartid, memmap_log_fn log,
		     void *arg);

/*
 * Reserve the initrd /chosen names (bi->initrd_*) as "initrd", after the
 * reservations it must not overlap (the kernel image and the FDT among
 * them).  Returns true if reserved.  Otherwise (none, or malformed: not 4 or
 * 8 bytes, only one of the pair, end before start, empty, start not page
 * aligned, outside RAM, above `limit`, overlapping a reservation) returns
 * false with has_initrd cleared and, if there was one, a line through `log`
 * ("initrd: 0x84200000-0x84201388 ignored: it lies outside RAM").
 */
bool bootinfo_reserve_initrd(struct boot_info *bi, paddr_t limit, memmap_log_fn log,
			     void *arg);

/* "buddyinfo DMA32: 1 0 2 ..." (free blocks per order), one line per non-empty zone. */
void mem_report_buddyinfo(const struct mem *m, memmap_log_fn log, void *arg);

#endif
