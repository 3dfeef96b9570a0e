/*
 * Shared between mm/buddy.c and mm/buddy_check.c only: the merge test, so
 * that the checker's idea of "could merge" is the allocator's own.
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

#endif
