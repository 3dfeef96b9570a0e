/*
 * The initrd's place in the boot memory map (see mm/boot_mem.h): checked
 * against RAM and every reservation made before it, then reserved whole
 * pages as "initrd".  A bad initrd is a bootloader's mistake, not a reason
 * to stop: one line says why it is ignored and the boot goes on.
 */
#include <string.h>

#include "mm/boot_mem.h"

/*
 * Why an initrd at [start, end) cannot be used whatever the memory around
 * it; NULL when its shape is sound.  Both bootloaders place it page aligned
 * (QEMU 7.2's -initrd does; U-Boot allocates it with 4 KiB alignment), so an
 * unaligned start is a wrong value rather than a placement; and the
 * reservation, grown to whole pages, would take bytes before it that are
 * not the initrd's.
 */
static const char *shape_error(uint64_t start, uint64_t end)
{
	if (end < start)
		return "it ends before it starts";
	if (end == start)
		return "it is empty";
	if (!IS_ALIGNED(start, PAGE_SIZE))
		return "its start is not page aligned";
	return NULL;
}

/* Is [start, end) inside one /memory range? */
static bool in_ram(const struct boot_info *bi, uint64_t start, uint64_t end)
{
	uint32_t i;

	for (i = 0; i < bi->nmemory; i++)
		if (start >= bi->memory[i].start && end <= bi->memory[i].end)
			return true;
	return false;
}

/*
 * U-Boot adds a memreserve entry of exactly the initrd (fdt_initrd()): that
 * one is the initrd's own reservation, not a range it overlaps.
 */
static bool is_own_memreserve(const struct boot_reserved *r, uint64_t start, uint64_t end)
{
	return r->start == start && r->end == end && strcmp(r->name, "memreserve") == 0;
}

/*
 * The reservation whose bytes the initrd's overlap, or NULL.  Bytes, not
 * pages: two reservations that share a page (an FDT placed right after the
 * initrd) are both kept whole-page out of the buddy, and neither clobbers
 * the other.
 */
static const struct boot_reserved *overlapped(const struct boot_info *bi, uint64_t start,
					      uint64_t end)
{
	uint32_t i;

	for (i = 0; i < bi->nreserved; i++) {
		const struct boot_reserved *r = &bi->reserved[i];

		if (start < r->end && r->start < end && !is_own_memreserve(r, start, end))
			return r;
	}
	return NULL;
}

bool bootinfo_reserve_initrd(struct boot_info *bi, paddr_t limit, memmap_log_fn log,
			     void *arg)
{
	uint64_t start = bi->initrd_start, end = bi->initrd_end;
	const struct boot_reserved *r = NULL;
	const char *why;

	if (!bi->has_initrd)
		return false;
	bi->has_initrd = false;
	if (bi->initrd_error) {
		mm_log(log, arg, "initrd: ignored: %s", bi->initrd_error);
		return false;
	}
	why = shape_error(start, end);
	if (!why && !in_ram(bi, start, end))
		why = "it lies outside RAM";
	else if (!why && end > limit)
		why = "it ends above the direct map, out of the kernel's reach";
	else if (!why && (r = overlapped(bi, start, end)) != NULL)
		why = "it overlaps reserved";
	else if (!why && bootinfo_add_reserved(bi, start, end, "initrd", false) != FDT_OK)
		why = "too many reserved ranges";
	if (!why) {
		bi->has_initrd = true;
		return true;
	}
	if (r)
		mm_log(log, arg, "initrd: 0x%lx-0x%lx ignored: %s 0x%lx-0x%lx %s", start, end, why,
		       r->start, r->end, r->name);
	else
		mm_log(log, arg, "initrd: 0x%lx-0x%lx ignored: %s", start, end, why);
	return false;
}
