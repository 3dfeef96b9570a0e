/*
 * Shared between mm/buddy.c, mm/buddy_setup.c and mm/buddy_check.c only:
 * the merge test, so that the checker's idea of "could merge" is the
 * allocator's own, and the freeing of a run of new pages for the set-up.
 */
#ifndef TESSERA_MM_BUDDY_INTERNAL_H
#define TESSERA_MM_BUDDY_INTERNAL_H

#include "mm/buddy.h"

/*
 * The buddy of the block at pfn (order, zone) when the merge conditions of
 * mm/buddy.c hold, else NULL.  Reads the buddy's flags: zone lock held (or
 * every hart quiet, in buddy_check).
 */
struct frame *buddy_mergeable(const struct frame_block *b, pfn_t pfn, unsigned order,
			      unsigned zone);

/*
 * Free [p, end) of b into z as maximal aligned blocks, merging with what is
 * free around them; the frames are reserved (on no list).  Zone lock held.
 */
void buddy_give_blocks(struct zone *z, const struct frame_block *b, pfn_t p, pfn_t end);

#endif
