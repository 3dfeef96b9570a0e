/*
 * Frame-table lookups and zone naming (see mm/mem.h, mm/zone.h).
 * Frame blocks are few (one per RAM range), so lookups scan them.
 */
#include <string.h>

#include "mm/mem.h"
#include "mm/phys.h"

const char *zone_name(enum zone_id id)
{
	static const char *const names[ZONE_COUNT] = {
		[ZONE_DMA] = "DMA", [ZONE_DMA32] = "DMA32", [ZONE_NORMAL] = "NORMAL",
	};

	return (unsigned)id < ZONE_COUNT ? names[id] : "?";
}

enum zone_id zone_of(paddr_t pa, paddr_t dma_limit)
{
	if (pa < dma_limit)
		return ZONE_DMA;
	return pa < ZONE_DMA32_LIMIT ? ZONE_DMA32 : ZONE_NORMAL;
}

struct frame *mem_frame(const struct mem *m, pfn_t pfn)
{
	unsigned i;

	for (i = 0; i < m->nblocks; i++) {
		const struct frame_block *b = &m->blocks[i];

		if (pfn - b->first < b->count)
			return &b->frames[pfn - b->first];
	}
	return NULL;
}

const struct frame_block *mem_block_of(const struct mem *m, const struct frame *f)
{
	unsigned i;

	for (i = 0; i < m->nblocks; i++) {
		const struct frame_block *b = &m->blocks[i];

		if (f >= b->frames && f < b->frames + b->count)
			return b;
	}
	return NULL;
}

pfn_t mem_frame_pfn(const struct mem *m, const struct frame *f)
{
	const struct frame_block *b = mem_block_of(m, f);

	return b ? b->first + (pfn_t)(f - b->frames) : 0;
}

paddr_t mem_frame_pa(const struct mem *m, const struct frame *f)
{
	return pfn_to_pa(mem_frame_pfn(m, f));
}

struct frame *mem_frame_at(const struct mem *m, paddr_t pa)
{
	return mem_frame(m, pa_to_pfn(pa));
}

err_t mem_add_block(struct mem *m, pfn_t first, pfn_t count, struct frame *frames)
{
	unsigned i, at;
	pfn_t p;

	if (!count || first + count < first)
		return ERR_INVALID_ARGUMENT;
	if (m->nblocks >= MEM_MAX_BLOCKS)
		return ERR_NO_MEMORY;
	for (at = 0; at < m->nblocks && m->blocks[at].first < first; at++)
		;
	if ((at > 0 && m->blocks[at - 1].first + m->blocks[at - 1].count > first) ||
	    (at < m->nblocks && first + count > m->blocks[at].first))
		return ERR_INVALID_ARGUMENT;
	for (i = m->nblocks; i > at; i--)
		m->blocks[i] = m->blocks[i - 1];
	m->blocks[at] = (struct frame_block){ .first = first, .count = count, .frames = frames };
	m->nblocks++;
	/* Zone by zone: the zone changes at most twice in a block, so it is
	 * found once per stretch rather than once per page (boot cost). */
	for (p = 0; p < count;) {
		enum zone_id z = zone_of(pfn_to_pa(first + p), m->dma_limit);
		pfn_t end = count;

		if (z == ZONE_DMA && pa_to_pfn(m->dma_limit) - first < end)
			end = pa_to_pfn(m->dma_limit) - first;
		else if (z == ZONE_DMA32 && pa_to_pfn(ZONE_DMA32_LIMIT) - first < end)
			end = pa_to_pfn(ZONE_DMA32_LIMIT) - first;
		for (; p < end; p++)
			frames[p] = (struct frame){ .link = { &frames[p].link, &frames[p].link },
						    .flags = FRAME_RESERVED, .zone = (uint8_t)z };
	}
	return ERR_OK;
}
