/*
 * The reverse map (see rmap.h).  Entry i (1-based; 0 is "none") lives in
 * block (i - 1) / RMAP_BLOCK; each page's entries form a singly linked list
 * from its head in rmap_heads, and free entries a stack.
 */
#include <stdlib.h>

#include "pool.h"
#include "rmap.h"

#define RMAP_BLOCK 256                      /* entries per block: 4 KiB */
#define RMAP_MAX_BLOCKS 1024
#define MAX_PAGE_ID (POOL_MAX_CHUNKS * POOL_CHUNK_PAGES)

struct rmap_entry {
	uint32_t next;
	uint32_t owner;
	uint64_t va;
};

static struct rmap_entry *blocks[RMAP_MAX_BLOCKS];
static unsigned nblocks;
static uint32_t heads[MAX_PAGE_ID + 1];
static uint32_t free_top;
static uint64_t nfree, used;

static struct rmap_entry *entry(uint32_t i)
{
	return &blocks[(i - 1) / RMAP_BLOCK][(i - 1) % RMAP_BLOCK];
}

bool rmap_reserve(uint64_t n)
{
	while (nfree < n) {
		unsigned i;

		if (nblocks == RMAP_MAX_BLOCKS)
			return false;
		blocks[nblocks] = malloc(RMAP_BLOCK * sizeof(struct rmap_entry));
		if (!blocks[nblocks])
			return false;
		nblocks++;
		for (i = RMAP_BLOCK; i > 0; i--) {
			uint32_t e = (uint32_t)((nblocks - 1) * RMAP_BLOCK + i);

			entry(e)->next = free_top;
			free_top = e;
		}
		nfree += RMAP_BLOCK;
	}
	return true;
}

void rmap_add(uint32_t id, uint32_t owner, uint64_t va)
{
	uint32_t e = free_top;

	if (!e) {
		pager_bug("rmap_add without rmap_reserve");
		return;
	}
	free_top = entry(e)->next;
	nfree--;
	used++;
	*entry(e) = (struct rmap_entry){ .next = heads[id], .owner = owner, .va = va };
	heads[id] = e;
}

/* Unlink (owner, va) from id's list; its entry index, or 0. */
static uint32_t unlink(uint32_t id, uint32_t owner, uint64_t va)
{
	uint32_t *link = &heads[id], e;

	for (e = *link; e; link = &entry(e)->next, e = *link) {
		if (entry(e)->owner == owner && entry(e)->va == va) {
			*link = entry(e)->next;
			return e;
		}
	}
	return 0;
}

bool rmap_remove(uint32_t id, uint32_t owner, uint64_t va)
{
	uint32_t e = unlink(id, owner, va);

	if (!e)
		return false;
	entry(e)->next = free_top;
	free_top = e;
	nfree++;
	used--;
	return true;
}

void rmap_move(uint32_t from, uint32_t to, uint32_t owner, uint64_t va)
{
	uint32_t e = unlink(from, owner, va);

	if (!e) {
		pager_bug("rmap_move of a mapping the reverse map does not have");
		return;
	}
	entry(e)->next = heads[to];
	heads[to] = e;
}

bool rmap_has(uint32_t id, uint32_t owner, uint64_t va)
{
	uint32_t e;

	for (e = heads[id]; e; e = entry(e)->next)
		if (entry(e)->owner == owner && entry(e)->va == va)
			return true;
	return false;
}

unsigned rmap_count(uint32_t id)
{
	unsigned n = 0;
	uint32_t e;

	for (e = heads[id]; e; e = entry(e)->next)
		n++;
	return n;
}

void rmap_walk(uint32_t id, bool (*fn)(void *arg, uint32_t owner, uint64_t va), void *arg)
{
	uint32_t e, next;

	for (e = heads[id]; e; e = next) {
		next = entry(e)->next;
		if (!fn(arg, entry(e)->owner, entry(e)->va))
			return;
	}
}

uint64_t rmap_entries(void)
{
	return used;
}
