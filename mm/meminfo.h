/*
 * Snapshots of the buddy allocator and the slab caches in the layout of
 * the introspection ABI (include/tessera/meminfo.h), for SYS_MEMINFO.
 */
#ifndef TESSERA_MM_MEMINFO_H
#define TESSERA_MM_MEMINFO_H

#include "mm/mem.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"
#include "mm/zone.h"
#include "tessera/meminfo.h"

/* Fill *out with zone `id` of m (id < ZONE_COUNT): its span, counts,
 * watermarks, free blocks per order and per-hart caches.  Takes the zone's
 * lock; any other lock state. */
void meminfo_zone(struct mem *m, enum zone_id id, struct meminfo_zone *out);

/* Fill *out with what the frame at physical address pa is: not RAM,
 * reserved, free (in a block of the lists, or a hart's cache), or in an
 * allocated block (a slab's, with its cache; a big kmalloc's; any other).
 * Takes the frame's zone lock; any other lock state. */
void meminfo_frame(struct mem *m, paddr_t pa, struct meminfo_frame *out);

/* MEMINFO_FRAME_RUN: the run of frames alike from pa's page (a hole: up to
 * the next RAM; at most MEMINFO_RUN_MAX_PAGES); false above all RAM.  Takes
 * the zone's lock. */
#define MEMINFO_RUN_MAX_PAGES (1ull << 24)
bool meminfo_frame_run(struct mem *m, paddr_t pa, struct meminfo_frame_run *out);

/* Fill *out with area `index` (0: the lowest) of vs and the window's
 * totals; false when there are no more.  Takes vs's lock. */
bool meminfo_vmalloc(struct vmalloc_space *vs, uint64_t index, struct meminfo_vmalloc *out);

/* Fill *out with the slab cache at place `index` (0: the first made);
 * false when there are no more.  O(index). */
bool meminfo_slab(unsigned index, struct meminfo_slab *out);

#endif
