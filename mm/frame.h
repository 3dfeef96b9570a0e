/*
 * The frame table: one struct frame per 4 KiB page of RAM.
 *
 * Descriptors live in one array per contiguous RAM range (a frame block), so
 * holes between ranges cost nothing.  32 bytes each (Linux's struct page is
 * 64): 0.78% of RAM, 8 MiB of descriptors per GiB.
 *
 * State of a frame, by flags:
 *   FRAME_RESERVED  never given to the buddy (kernel image, firmware, device
 *                   tree, the frame table itself, ...)
 *   FRAME_FREE      head of a free buddy block of 2^order pages
 *   FRAME_CACHED    an order-0 page in a per-hart cache (free, but not in
 *                   the buddy lists)
 *   FRAME_ALLOCATED head of an allocated block of 2^order pages
 *   FRAME_TAIL      inside a free or allocated block, not its head
 *   FRAME_SLAB      (with FRAME_ALLOCATED) owned by the slab allocator;
 *                   `owner` points at the slab
 *   FRAME_KMALLOC   (with FRAME_ALLOCATED) a kmalloc block larger than a
 *                   slab object; head frame only, cleared before buddy_free
 */
#ifndef TESSERA_MM_FRAME_H
#define TESSERA_MM_FRAME_H

#include "mm/list.h"
#include "tessera/types.h"

enum frame_flag {
	FRAME_RESERVED = 1u << 0,
	FRAME_FREE = 1u << 1,
	FRAME_CACHED = 1u << 2,
	FRAME_ALLOCATED = 1u << 3,
	FRAME_TAIL = 1u << 4,
	FRAME_SLAB = 1u << 5,
	FRAME_KMALLOC = 1u << 6,
};

struct frame {
	struct list link;   /* free list, per-hart cache, or the owner's list; on an
			     * allocated frame, unset until the owner pushes it */
	void *owner;        /* FRAME_SLAB: the slab; else NULL */
	uint32_t refcount;  /* users of an allocated block (head frame) */
	uint8_t order;      /* FREE / ALLOCATED heads: log2 of the block's pages */
	uint8_t zone;       /* enum zone_id */
	uint16_t flags;     /* enum frame_flag */
};

_Static_assert(sizeof(struct frame) <= 32, "a frame descriptor fits in 32 bytes");

/* Frames of one contiguous RAM range: pfns [first, first + count). */
struct frame_block {
	pfn_t first;
	pfn_t count;
	struct frame *frames;
};

#endif
