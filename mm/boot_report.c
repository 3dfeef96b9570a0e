/*
 * The boot report's lines about the device tree's facts, shared by the
 * kernel and tessera-mm so that both print them alike (see mm/boot_mem.h).
 */
#include "mm/boot_mem.h"

void bootinfo_report(const struct boot_info *bi, uint64_t boot_hartid, memmap_log_fn log,
		     void *arg)
{
	char why[64];
	uint32_t i;

	mm_log(log, arg, "harts: %u", bi->nusable);
	for (i = 0; i < bi->nharts; i++) {
		const struct boot_hart *h = &bi->harts[i];
		bool boot = h->hartid == boot_hartid;
		bool unused = !boot && boot_hart_unusable(h, why, sizeof(why));

		mm_log(log, arg, "hart %lu: %s, mmu %s%s%s%s%s%s", h->hartid,
		     h->enabled ? "okay" : "disabled", boot_mmu_name(h->mmu),
		     h->sstc ? ", sstc" : "", boot ? " (boot)" : "",
		     unused ? " (not used: " : "", unused ? why : "", unused ? ")" : "");
	}
	mm_log(log, arg, "timebase: %lu", bi->timebase_hz);
	for (i = 0; i < bi->nmemory; i++)
		mm_log(log, arg, "memory: 0x%lx-0x%lx", bi->memory[i].start, bi->memory[i].end);
	for (i = 0; i < bi->nreserved; i++)
		mm_log(log, arg, "reserved: 0x%lx-0x%lx %s%s", bi->reserved[i].start,
		     bi->reserved[i].end, bi->reserved[i].name,
		     bi->reserved[i].no_map ? " (no-map)" : "");
	if (bi->ndynamic)
		mm_log(log, arg, "reserved-memory: %u pool(s) sized but not placed (not reserved)",
		     bi->ndynamic);
	mm_log(log, arg, "cmdline: %s", bi->bootargs);
	if (bi->dma_limit)
		mm_log(log, arg, "dma: devices under %s reach only below 0x%lx", bi->dma_limit_node,
		     bi->dma_limit);
}
