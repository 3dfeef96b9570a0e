/*
 * The pager's pages (user/pager/pool.c): frames of FRAME_MAX_SIZE from the
 * kernel, mapped into the pager itself so that it can zero and copy pages
 * directly, handed out a page at a time.  A client's page is named by its
 * page id; the pager maps it into the client as (chunk handle, offset).
 * Each page has a small descriptor: its reference count, and its place on
 * one of the two reclaim lists (below).
 */
#ifndef TESSERA_USER_PAGER_POOL_H
#define TESSERA_USER_PAGER_POOL_H

#include <stdbool.h>
#include <stdint.h>

#define POOL_CHUNK_SIZE 0x200000ul        /* one frame handle each */
#define POOL_CHUNK_PAGES (POOL_CHUNK_SIZE / 4096)
#define POOL_MAX_CHUNKS 32
#define POOL_VA 0x1000000000ul            /* chunk i at POOL_VA + i * POOL_CHUNK_SIZE */
#define POOL_NONE 0u                       /* page ids start at 1 */

struct pool_page {
	uint32_t next;          /* free list, or the reclaim list's next */
	uint32_t prev;          /* the reclaim list's previous */
	uint32_t swap_slot;     /* the swap slot whose copy it is (swap.c's cache), 0: none */
	uint16_t refs;          /* mappings (copy-on-write shares) */
	uint8_t dirty;          /* written since it was zero: zero it before reuse */
	uint8_t list;           /* enum pool_list: which reclaim list it is on */
};

/*
 * The reclaim lists (Linux's inactive and active lists, for the pager's
 * swap.c): every page handed out goes to the tail of the inactive list, a
 * page given back leaves its list.  Reclaim takes candidates from the
 * inactive head, moves the ones used since to the active tail, and keeps
 * the inactive list fed from the active head: a page stays in memory as
 * long as it is used between two looks.
 */
enum pool_list { POOL_LIST_NONE, POOL_INACTIVE, POOL_ACTIVE, POOL_LISTS };

/*
 * Where chunks come from: grow(arg, index, &handle, &va, &npages) gets
 * chunk number `index`: *npages pages (1 to POOL_CHUNK_PAGES: a chunk may
 * be smaller when memory is short or broken up), zeroed, readable and
 * writable at *va; false when there is none.  Chunk i's page ids stay
 * 1 + i * POOL_CHUNK_PAGES on, so a small chunk leaves ids unused.  The
 * pager's source asks the kernel (pool_kernel.c); host tests use plain
 * memory.  Set before the first pool_alloc.
 */
struct pool_source {
	bool (*grow)(void *arg, unsigned index, long *handle, uint8_t **va, uint32_t *npages);
	void *arg;
};

void pool_set_source(const struct pool_source *source);

/* The pager's source: the kernel (pool_kernel.c).  With spare_only (the
 * pager has swap) chunks after the first come only from memory to spare. */
void pool_use_kernel(void);
void pool_kernel_spare_only(bool on);

/* Take a chunk now if no page is free, so that the next page handed out
 * needs none: true when a page is free.  Hands out nothing. */
bool pool_prepare(void);

/* A zeroed page (one reference): its id, or POOL_NONE when no frame can be had. */
uint32_t pool_alloc(void);

/* The same, not zeroed: for a page the caller fills whole (a copy). */
uint32_t pool_alloc_uninit(void);

/* One more user of page id (copy-on-write sharing); one fewer, freed at none. */
void pool_share(uint32_t id);
void pool_put(uint32_t id);
unsigned pool_refs(uint32_t id);

/* Where page id is in the pager, and how to map it into a client. */
void *pool_va(uint32_t id);
long pool_handle(uint32_t id);
uint64_t pool_offset(uint32_t id);

/* The first page of a list (then pool_list_next), POOL_NONE at the end. */
uint32_t pool_list_first(enum pool_list list);
uint32_t pool_list_next(uint32_t id);
/* Move page id (handed out) to the tail of `list`. */
void pool_list_move(uint32_t id, enum pool_list list);
uint64_t pool_list_count(enum pool_list list);
enum pool_list pool_list_of(uint32_t id);

/* The swap slot page id is the swap cache's copy of (0: none), and setting it. */
uint32_t pool_swap_slot(uint32_t id);
void pool_set_swap_slot(uint32_t id, uint32_t slot);

/* Pages in use, and chunks held. */
uint64_t pool_used(void);
unsigned pool_chunks(void);

#endif
