/*
 * Physical memory set-up at boot (see mm/boot_mem.h).  Runs once, on the
 * boot hart, before any other hart: no locks needed.
 */
#include <string.h>

#include "lib/format.h"
#include "mm/boot_mem.h"
#include "mm/phys.h"

/*
 * The DMA limit, a page boundary.  zone_dma= wins: the first zone_dma bytes
 * of RAM, rounded down to whole pages, and at most everything below 4 GiB
 * (ZONE_DMA is a part of what ZONE_DMA32 would hold: a size past the end of
 * RAM makes every page below 4 GiB DMA-capable, and leaves ZONE_DMA32
 * empty).  Else the tree's, and 0 (no ZONE_DMA) unless it is below 4 GiB.
 */
static paddr_t dma_limit(const struct memmap *mm, const struct boot_info *bi,
			 const struct mem_setup *s)
{
	paddr_t base = mm->ram.r[0].start;
	uint64_t size = ALIGN_DOWN(s->zone_dma_size, PAGE_SIZE);

	if (s->zone_dma_size)
		return base >= ZONE_DMA32_LIMIT ? 0
		     : size >= ZONE_DMA32_LIMIT - base ? ZONE_DMA32_LIMIT : base + size;
	return bi->dma_limit < ZONE_DMA32_LIMIT ? ALIGN_DOWN(bi->dma_limit, PAGE_SIZE) : 0;
}

/*
 * A frame table for every RAM range, from the top of free memory.  Nothing
 * is written yet (buddy_boot sets up what it must), but for a range above
 * MEM_UNSET_LIMIT, which only a host tool sees: set up whole.
 */
static err_t add_frame_tables(struct mem *m, struct memmap *mm, const struct mem_setup *s)
{
	unsigned i;

	for (i = 0; i < mm->ram.n; i++) {
		pfn_t first = pa_to_pfn(mm->ram.r[i].start);
		pfn_t count = pa_to_pfn(mm->ram.r[i].end) - first;
		uint64_t bytes = count * sizeof(struct frame);
		paddr_t pa = memmap_alloc(mm, bytes, PAGE_SIZE, s->limit);
		struct frame *frames = pa ? s->table_at(s->arg, pa, bytes) : NULL;
		err_t err;

		if (!frames) {
			mm_log(s->log, s->log_arg, "memmap: no room for %lu KiB of frame table "
			     "for 0x%lx-0x%lx", bytes / KiB, mm->ram.r[i].start, mm->ram.r[i].end);
			return ERR_NO_MEMORY;
		}
		err = mm->ram.r[i].end <= MEM_UNSET_LIMIT ? mem_add_block_unset(m, first, count, frames)
							  : mem_add_block(m, first, count, frames);
		if (err)
			return err;
	}
	return ERR_OK;
}

/* Span and present pages of each zone, from the RAM ranges. */
static void set_zone_spans(struct mem *m, const struct memmap *mm)
{
	const paddr_t bounds[ZONE_COUNT + 1] = { 0, m->dma_limit, ZONE_DMA32_LIMIT, UINT64_MAX };
	unsigned z, i;

	for (z = 0; z < ZONE_COUNT; z++) {
		struct zone *zone = &m->zones[z];

		zone->start = zone->end = 0;
		zone->present_pages = 0;
		for (i = 0; i < mm->ram.n; i++) {
			paddr_t lo = mm->ram.r[i].start > bounds[z] ? mm->ram.r[i].start : bounds[z];
			paddr_t hi = mm->ram.r[i].end < bounds[z + 1] ? mm->ram.r[i].end
								    : bounds[z + 1];

			if (lo >= hi)
				continue;
			if (!zone->present_pages)
				zone->start = lo;
			zone->end = hi;
			zone->present_pages += (hi - lo) >> PAGE_SHIFT;
		}
	}
}

err_t mem_boot(struct mem *m, struct memmap *mm, const struct boot_info *bi,
	       const struct mem_setup *s)
{
	err_t err = memmap_build(mm, bi, s->limit, s->log, s->log_arg);

	if (err)
		return err;
	memset(m, 0, sizeof(*m));
	m->dma_limit = dma_limit(mm, bi, s);
	err = add_frame_tables(m, mm, s);
	if (err)
		return err;
	buddy_init(m, s->nharts, s->this_hart);
	set_zone_spans(m, mm);
	buddy_boot(m, &mm->free);
	buddy_set_watermarks(m);
	return ERR_OK;
}

uint64_t mem_frame_count(const struct mem *m)
{
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < m->nblocks; i++)
		n += m->blocks[i].count;
	return n;
}

void mem_report(const struct mem *m, memmap_log_fn log, void *arg)
{
	uint64_t frames = mem_frame_count(m);
	unsigned z;

	for (z = 0; z < ZONE_COUNT; z++) {
		const struct zone *zone = &m->zones[z];

		if (!zone->present_pages)
			mm_log(log, arg, "zone %s: empty", zone_name(z));
		else
			mm_log(log, arg, "zone %s: 0x%lx-0x%lx %lu pages, %lu free", zone_name(z),
			     zone->start, zone->end, zone->present_pages,
			     buddy_zone_free_pages(m, z));
	}
	mm_log(log, arg, "frames: %lu x %u B = %lu KiB", frames, (unsigned)sizeof(struct frame),
	     frames * sizeof(struct frame) / KiB);
}

void mem_report_buddyinfo(const struct mem *m, memmap_log_fn log, void *arg)
{
	char line[256];
	unsigned z, o;

	for (z = 0; z < ZONE_COUNT; z++) {
		const struct zone *zone = &m->zones[z];
		size_t used;

		if (!zone->present_pages)
			continue;
		used = (size_t)snprint(line, sizeof(line), "buddyinfo %s:", zone_name(z));
		for (o = 0; o < MAX_ORDER && used < sizeof(line); o++)
			used += (size_t)snprint(line + used, sizeof(line) - used, " %lu",
						zone->free[o].count);
		mm_log(log, arg, "%s", line);
	}
}
