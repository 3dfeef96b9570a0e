/*
 * Swap (user/pager/swap.c): when the pool can have no more pages, or a
 * client is at its limit, the pager writes private pages to a swap area on
 * the disk (user/drivers/blk_protocol.h) and gives their pool pages back;
 * a fault brings one in again.
 *
 * A region page that is swapped out holds a swap entry instead of a pool
 * page id: SWAP_ENTRY_BIT and the slot.  A slot holds one page; it has a
 * count of the region pages that hold it (a fork copies the entry and
 * counts one more), and is free at none.  A memory object's page that is
 * swapped out is a swap entry in the object's pages (one count), and its
 * regions' pages are 0 again: their next fault asks the object.
 */
#ifndef TESSERA_USER_PAGER_SWAP_H
#define TESSERA_USER_PAGER_SWAP_H

#include <stdbool.h>
#include <stdint.h>

#include "tessera/errors.h"

#define SWAP_ENTRY_BIT 0x80000000u
#define SWAP_CLUSTER 16                  /* pages written in one request */
#define SWAP_SIGNATURE "TESSERA-SWAP-1\n" /* at the disk's first byte (tools/boot --swap) */

struct client;
struct object;
struct vregion;

static inline uint32_t swap_entry(uint32_t slot)
{
	return SWAP_ENTRY_BIT | slot;
}

/* FILE_PAGE (all ones) has the bit too, and is no swap entry. */
static inline bool is_swap_entry(uint32_t e)
{
	return (e & SWAP_ENTRY_BIT) && e != UINT32_MAX;
}

static inline uint32_t swap_slot_of(uint32_t e)
{
	return e & ~SWAP_ENTRY_BIT;
}

struct swap_stats {
	uint64_t scanned;        /* pages reclaim sampled, on either list */
	uint64_t activated;      /* ... found used: promoted to the active list */
	uint64_t deactivated;    /* pages moved from the active list to the inactive */
	uint64_t reclaimed;      /* pool pages given back by swapping out */
	uint64_t swapped_out;    /* pages written to swap */
	uint64_t swapped_in;     /* pages read back (refaults of evicted pages) */
	uint64_t slots, slots_used, slots_bad;  /* bad: a write there failed */
	uint64_t write_errors, read_errors;
	uint64_t cache_hits;     /* swap-ins served by the swap cache: no read */
	uint64_t cache_dropped;  /* swap-cache pages reclaimed: no write */
	uint64_t grown_past_spare; /* chunks taken below the high watermark: reclaim
				    * found nothing to take */
	uint64_t objects_out, objects_in;  /* of those, memory objects' pages */
	/* Instructions the hart retired (rdinstret: exact under QEMU -icount,
	 * one hart; the kernel's and the driver's work for us included) in
	 * sampling the lists, in writing clusters out (the copies and the
	 * disk), and in reading pages in (the disk and the copy); the waiting
	 * for the device apart (the driver says how much: blk_protocol.h), in
	 * the last. */
	uint64_t scan_instructions, write_instructions, read_instructions, wait_instructions;
};
extern struct swap_stats swap_stats;

/*
 * The disk (our own session, `disk`) as swap, if its first sector says
 * SWAP_SIGNATURE: slots from 1 on (slot 0 is the signature's page).  One
 * line says what came of it.  Without it nothing is ever swapped.
 */
void swap_setup(long disk);

/* Slots of the swap area, 0 without one (swap.c). */
extern uint32_t swap_nslots;

static inline bool swap_enabled(void)
{
	return swap_nslots != 0;
}

/* One more region page holds slot (a fork), one fewer (a region let go). */
void swap_slot_share(uint32_t slot);
void swap_slot_put(uint32_t slot);

/*
 * Give back up to `want` pool pages by swapping out pages from the head of
 * the inactive list not used since reclaim last looked (only c's when c is
 * not NULL: c is at its limit).  Returns how many were given back.
 */
unsigned swap_reclaim(struct client *c, unsigned want);

/*
 * Page i of v, a swap entry, read back into a pool page that v then holds
 * (in the reverse map, counted resident to c).  ERR_OK, ERR_NO_MEMORY (no
 * page, even after reclaim) or ERR_IO (the disk failed: the entry stays).
 */
err_t swap_in(struct client *c, struct vregion *v, uint64_t i);

/* The same for page k of memory object o, a swap entry, for c's fault: the
 * object holds the page read back (its one reference, as object_page). */
err_t swap_in_object(struct client *c, struct object *o, uint64_t k);

/* One line of the counters, as the pager ends:
 * "pager: swap: scanned N, reclaimed N, swapped out N, swapped in N, slots
 * in use N of N, pool pages in use N, errors N written N read, swap cache N
 * hits N dropped, pool grown past spare N, object pages N out N in". */
void swap_report(void);

/*
 * Before taking a page some other way (a copy-on-write copy, a memory
 * object's page): make sure the pool has one free and c is under its
 * limit, reclaiming if not.  Pool page `keep` (or POOL_NONE) is not taken
 * meanwhile: the page the copy is made from.
 */
void swap_make_room(struct client *c, uint32_t keep);

/* A pool page for c, reclaiming when none is free: POOL_NONE when none can be had. */
uint32_t swap_page_alloc(struct client *c, bool zeroed);

#endif
