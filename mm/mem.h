/*
 * The physical memory manager: frame table, zones and per-hart page caches,
 * in one object so that host tests can build as many as they like (the
 * kernel has one, `kmem`).
 *
 * Lock order: a zone's lock, then nothing else in mm/.  The per-hart caches
 * are touched only by their own hart, with interrupts off in the kernel
 * (callers in interrupt context come later, with the irq-saving wrappers).
 */
#ifndef TESSERA_MM_MEM_H
#define TESSERA_MM_MEM_H

#include "mm/frame.h"
#include "mm/zone.h"
#include "tessera/errors.h"

/*
 * MM_FAST_PATH marks an allocator fast path that calls nothing (it returns,
 * or jumps to its general path): it needs no frame record, and without one
 * saves the prologue and epilogue.  A backtrace from inside one shows its
 * caller as if from the general path.
 */
#define MM_FAST_PATH __attribute__((optimize("omit-frame-pointer")))

#define MEM_MAX_BLOCKS 32
#define MEM_MAX_HARTS 64

/*
 * Chunks (mm/frame.h) may be left unset only below this address, which
 * bounds the bitmap: the kernel reaches no RAM above it (the direct map's
 * end, MEMMAP_DIRECT_MAP_LIMIT), so only host tools ever see blocks above,
 * and those are set up whole.  512 words, 4 KiB.
 */
#define MEM_UNSET_LIMIT ((paddr_t)128 * GiB)
#define MEM_UNSET_WORDS (MEM_UNSET_LIMIT >> (PAGE_SHIFT + FRAME_CHUNK_ORDER) >> 6)

/*
 * A per-hart cache of free order-0 pages of one zone.  One cache line each,
 * so that harts never write to the same line.
 */
#define PCP_CACHE_LINE 64
struct pcp_cache {
	struct list pages;  /* frames with FRAME_CACHED */
	unsigned count;
	unsigned high;      /* drain `batch` pages back to the buddy above this */
	unsigned batch;     /* pages moved per refill or drain */
	uint64_t hits, misses;
} __attribute__((aligned(PCP_CACHE_LINE)));

/*
 * Zone slots per hart: ZONE_COUNT rounded up to a power of two, so that the
 * fast paths find pcp[h][z] at (h * 4 + z) * 64 bytes with two shifts.
 */
#define PCP_ZONE_SLOTS 4
_Static_assert(ZONE_COUNT <= PCP_ZONE_SLOTS, "a cache slot for every zone");
_Static_assert(sizeof(struct pcp_cache) == PCP_CACHE_LINE, "one line per cache");

struct mem {
	struct frame_block blocks[MEM_MAX_BLOCKS]; /* sorted by pfn, disjoint */
	unsigned nblocks;
	struct zone zones[ZONE_COUNT];
	paddr_t dma_limit;                   /* 0: no ZONE_DMA */
	struct pcp_cache pcp[MEM_MAX_HARTS][PCP_ZONE_SLOTS];
	unsigned nharts;                     /* caches in use: harts 0..nharts-1 */
	/*
	 * The fast paths' view of the caches: row h is pcp[h] for a hart with
	 * caches, and pcp_closed (count 0, high 0: every lookup misses) for
	 * any other index, so a masked hart index needs no bound check.
	 */
	struct pcp_cache *pcp_row[MEM_MAX_HARTS];
	struct pcp_cache pcp_closed[PCP_ZONE_SLOTS];
	bool pcp_enabled;                    /* false: every order-0 call goes to the buddy */
	uint8_t fast_zone;                   /* the buddy fast path's zone: the highest with pages */
	unsigned (*this_hart)(void);         /* index of the calling hart, < nharts */
	uint64_t unset_chunks[MEM_UNSET_WORDS]; /* the blocks' `unset` map (mm/frame.h) */
};

/*
 * The frame of `pfn`, or NULL if it is not RAM described by the table or
 * lies in a chunk whose descriptors are not set up (a free block no one
 * holds: mm/frame.h).
 */
struct frame *mem_frame(const struct mem *m, pfn_t pfn);

/* The pfn of a frame of this table, whichever block holds it (0 if none). */
pfn_t mem_frame_pfn_any(const struct mem *m, const struct frame *f);

/*
 * The pfn of a frame of this table: the first frame block (on most boards
 * the only one) tried inline, the rest by mem_frame_pfn_any.
 */
static inline pfn_t mem_frame_pfn(const struct mem *m, const struct frame *f)
{
	const struct frame_block *b = &m->blocks[0];

	if (f >= b->frames && f < b->frames + b->count)
		return b->first + (pfn_t)(f - b->frames);
	return mem_frame_pfn_any(m, f);
}

/* The physical address of a frame of this table. */
static inline paddr_t mem_frame_pa(const struct mem *m, const struct frame *f)
{
	return (paddr_t)mem_frame_pfn(m, f) << PAGE_SHIFT;
}

/* The frame of the page holding physical `pa`, or NULL if it is not RAM here. */
struct frame *mem_frame_at(const struct mem *m, paddr_t pa);

/* The frame block holding pfn, or else the first one above it; NULL if none. */
const struct frame_block *mem_block_from(const struct mem *m, pfn_t pfn);

/* The block holding `f`, or NULL. */
const struct frame_block *mem_block_of(const struct mem *m, const struct frame *f);

/*
 * Describe RAM pfns [first, first + count) with the descriptors at `frames`
 * (count of them): every frame starts FRAME_RESERVED, in the zone its
 * address falls in (set m->dma_limit first).  Blocks must not overlap.
 * Returns ERR_OK, ERR_INVALID_ARGUMENT (overlap, empty) or ERR_NO_MEMORY
 * (MEM_MAX_BLOCKS reached).
 */
err_t mem_add_block(struct mem *m, pfn_t first, pfn_t count, struct frame *frames);

/*
 * As mem_add_block, but the descriptors are left unwritten and the block
 * uses m->unset_chunks, its chunks' bits cleared: the caller then sets up
 * each chunk with mem_set_up_frames or marks it there (the boot:
 * buddy_boot, mm/buddy.h) before anything reads the block.  The block
 * must end at or below MEM_UNSET_LIMIT (ERR_INVALID_ARGUMENT otherwise).
 */
err_t mem_add_block_unset(struct mem *m, pfn_t first, pfn_t count, struct frame *frames);

/* Write the descriptors of pfns [p, end) of b as FRAME_RESERVED, each in its zone. */
void mem_set_up_frames(const struct mem *m, const struct frame_block *b, pfn_t p, pfn_t end);

#endif
