/*
 * Frame-table lookups, zone naming and a zone's free pages with its caches
 * (see mm/mem.h, mm/zone.h, mm/buddy.h).  Frame blocks are few (one per
 * RAM range), so lookups scan them.
 */
#include <string.h>

#include "mm/buddy.h"
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
	const struct frame_block *b = m->blocks, *end = b + m->nblocks;

	for (; b < end; b++)
		if (pfn - b->first < b->count)
			return frame_block_unset(b, pfn) ? NULL : &b->frames[pfn - b->first];
	return NULL;
}

const struct frame_block *mem_block_from(const struct mem *m, pfn_t pfn)
{
	unsigned i;

	for (i = 0; i < m->nblocks; i++)
		if (pfn < m->blocks[i].first + m->blocks[i].count)
			return &m->blocks[i];
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

pfn_t mem_frame_pfn_any(const struct mem *m, const struct frame *f)
{
	const struct frame_block *b = mem_block_of(m, f);

	return b ? b->first + (pfn_t)(f - b->frames) : 0;
}

struct frame *mem_frame_at(const struct mem *m, paddr_t pa)
{
	return mem_frame(m, pa_to_pfn(pa));
}

/* Insert the block in pfn order.  Returns it, or NULL (overlap, empty, full: *err). */
static struct frame_block *insert_block(struct mem *m, pfn_t first, pfn_t count,
					struct frame *frames, uint64_t *unset, err_t *err)
{
	unsigned i, at;

	*err = ERR_INVALID_ARGUMENT;
	if (!count || first + count < first)
		return NULL;
	*err = ERR_NO_MEMORY;
	if (m->nblocks >= MEM_MAX_BLOCKS)
		return NULL;
	*err = ERR_INVALID_ARGUMENT;
	for (at = 0; at < m->nblocks && m->blocks[at].first < first; at++)
		;
	if ((at > 0 && m->blocks[at - 1].first + m->blocks[at - 1].count > first) ||
	    (at < m->nblocks && first + count > m->blocks[at].first))
		return NULL;
	for (i = m->nblocks; i > at; i--)
		m->blocks[i] = m->blocks[i - 1];
	m->blocks[at] = (struct frame_block){ .first = first, .count = count, .frames = frames,
					      .unset = unset };
	m->nblocks++;
	*err = ERR_OK;
	return &m->blocks[at];
}

void mem_set_up_frames(const struct mem *m, const struct frame_block *b, pfn_t p, pfn_t end)
{
	struct frame *f = &b->frames[p - b->first];

	/* Zone by zone: the zone changes at most twice in a block, so it is
	 * found once per stretch rather than once per page (boot cost). */
	while (p < end) {
		enum zone_id z = zone_of(pfn_to_pa(p), m->dma_limit);
		pfn_t stop = end;

		if (z == ZONE_DMA && pa_to_pfn(m->dma_limit) < stop)
			stop = pa_to_pfn(m->dma_limit);
		else if (z == ZONE_DMA32 && pa_to_pfn(ZONE_DMA32_LIMIT) < stop)
			stop = pa_to_pfn(ZONE_DMA32_LIMIT);
		for (; p < stop; p++, f++)
			*f = (struct frame){ .link = { &f->link, &f->link }, .flags = FRAME_RESERVED,
					     .zone = (uint8_t)z };
	}
}

err_t mem_add_block(struct mem *m, pfn_t first, pfn_t count, struct frame *frames)
{
	err_t err;
	const struct frame_block *b = insert_block(m, first, count, frames, NULL, &err);

	if (b)
		mem_set_up_frames(m, b, first, first + count);
	return err;
}

err_t mem_add_block_unset(struct mem *m, pfn_t first, pfn_t count, struct frame *frames)
{
	err_t err;
	pfn_t c;

	if (first + count > pa_to_pfn(MEM_UNSET_LIMIT) || first + count < first)
		return ERR_INVALID_ARGUMENT;
	if (insert_block(m, first, count, frames, m->unset_chunks, &err))
		for (c = ALIGN_DOWN(first, (pfn_t)1 << FRAME_CHUNK_ORDER); c < first + count;
		     c += (pfn_t)1 << FRAME_CHUNK_ORDER)
			m->unset_chunks[frame_chunk_word(c)] &= ~frame_chunk_bit(c);
	return err;
}

uint64_t buddy_zone_free_pages(const struct mem *m, enum zone_id z)
{
	uint64_t n;
	unsigned h;

	if ((unsigned)z >= ZONE_COUNT)
		return 0;
	n = m->zones[z].free_pages;
	for (h = 0; h < m->nharts; h++)
		n += m->pcp[h][z].count;
	return n;
}
