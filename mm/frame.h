/*
 * The frame table: one struct frame per 4 KiB page of RAM.
 *
 * Descriptors live in one array per contiguous RAM range (a frame block), so
 * holes between ranges cost nothing; a free 4 MiB chunk's are written only
 * when the buddy first hands it out (struct frame_block below).  32 bytes
 * each (Linux's struct page is 64): 0.78% of RAM, 8 MiB of descriptors per
 * GiB.
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
#include "mm/zone.h"
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

/*
 * Frames of one contiguous RAM range: pfns [first, first + count).
 *
 * Descriptors are written when first needed (boot cost must not grow with
 * RAM): the boot sets up every chunk -- an aligned run of 2^FRAME_CHUNK_ORDER
 * frames, the buddy's largest block -- except those that are wholly free,
 * inside the block and inside one zone.  Those it leaves as they were,
 * marks in `unset` and counts as free blocks of the largest order; the
 * buddy sets one up when its lists run dry (mm/buddy_setup.c).  Bit i of
 * `unset` stands for the chunk at pfn i << FRAME_CHUNK_ORDER: the map is
 * struct mem's, shared by its blocks.  NULL: every descriptor is set up.
 */
#define FRAME_CHUNK_ORDER (MAX_ORDER - 1)

struct frame_block {
	pfn_t first;
	pfn_t count;
	struct frame *frames;
	uint64_t *unset;    /* chunks whose descriptors are not written; may be NULL */
};

/* The word of an unset map that holds the bit of pfn's chunk, and that bit. */
static inline uint64_t frame_chunk_word(pfn_t pfn)
{
	return (pfn >> FRAME_CHUNK_ORDER) / 64;
}

static inline uint64_t frame_chunk_bit(pfn_t pfn)
{
	return (uint64_t)1 << ((pfn >> FRAME_CHUNK_ORDER) % 64);
}

/*
 * Whether pfn (of b) lies in a chunk whose descriptors are not set up: a
 * free block of the largest order, known only by this bit.  The set-up
 * clears the bit under its zone's lock, after writing the descriptors: a
 * caller that holds a frame of the chunk, or reads under that lock, is
 * ordered after it, so a relaxed load is enough.
 */
static inline bool frame_block_unset(const struct frame_block *b, pfn_t pfn)
{
	pfn_t i = pfn >> FRAME_CHUNK_ORDER;

	/* The word shifted, not masked with frame_chunk_bit: fewer instructions. */
	return b->unset && ((__atomic_load_n(&b->unset[i / 64], __ATOMIC_RELAXED) >> (i % 64)) & 1);
}

/*
 * What a chunk not set up stands for, frame by frame: the head of a free
 * block of the largest order at its start, a tail elsewhere, in zone z (the
 * link not set).  The set-up writes it; SYS_MEMINFO shows it before.
 */
static inline struct frame frame_unset_view(pfn_t pfn, uint8_t z)
{
	bool head = !(pfn & (((pfn_t)1 << FRAME_CHUNK_ORDER) - 1));

	return (struct frame){ .order = head ? FRAME_CHUNK_ORDER : 0, .zone = z,
			       .flags = head ? FRAME_FREE : FRAME_TAIL };
}

#endif
