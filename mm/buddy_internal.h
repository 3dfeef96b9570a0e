/*
 * Shared between mm/buddy.c, mm/buddy_setup.c and mm/buddy_check.c only:
 * the merge test, so that the checker's idea of "could merge" is the
 * allocator's own, the freeing of a run of new pages for the set-up, and
 * the set-up of a chunk of descriptors left for later.
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
 * Give the buddy the run of reserved frames of one zone that starts at p in
 * b and ends by stop, as maximal aligned blocks merged with what is free
 * around them (for buddy_add_range, mm/buddy_setup.c).  Returns the pfn
 * after the run; a frame at p that is not reserved is refused (a bad free)
 * and skipped.  Takes the zone's lock.
 */
pfn_t buddy_add_run(struct mem *m, const struct frame_block *b, pfn_t p, pfn_t stop);

/*
 * Set up the highest chunk of zone z not set up yet (mm/frame.h) and put it
 * on z's list of the largest order; z->deferred goes down by one, its
 * free counts stay (they counted the chunk already).  Returns false when
 * there is none.  z's lock held.
 */
bool buddy_set_up_chunk(struct mem *m, struct zone *z);

#endif
