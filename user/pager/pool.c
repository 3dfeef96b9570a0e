/*
 * The pager's page pool (see pool.h).  Page ids are 1 + chunk * 512 +
 * page (a chunk smaller than 512 pages leaves the rest of its ids unused); free pages form a stack threaded through their descriptors.  A
 * fresh chunk is zero (the kernel zeroes frames); a freed page is marked
 * dirty and zeroed when it is handed out again.  Pages handed out are on a
 * reclaim list (pool.h), doubly linked through the same descriptors.
 * Portable: chunks come from a pool_source, so the host tests run this
 * file as it is.
 */
#include <string.h>

#include "pool.h"

#define PAGE 4096ul

struct chunk {
	long handle;
	uint8_t *va;
};

static struct chunk chunks[POOL_MAX_CHUNKS];
static struct pool_page pages[POOL_MAX_CHUNKS * POOL_CHUNK_PAGES + 1];
static unsigned nchunks;
static uint32_t free_top = POOL_NONE;
static uint64_t used;
static struct pool_source source;
static struct {
	uint32_t head, tail;
	uint64_t count;
} lists[POOL_LISTS];

static void list_unlink(uint32_t id)
{
	struct pool_page *p = &pages[id];

	if (p->list == POOL_LIST_NONE)
		return;
	if (p->prev)
		pages[p->prev].next = p->next;
	else
		lists[p->list].head = p->next;
	if (p->next)
		pages[p->next].prev = p->prev;
	else
		lists[p->list].tail = p->prev;
	lists[p->list].count--;
	p->list = POOL_LIST_NONE;
	p->next = p->prev = POOL_NONE;
}

static void list_push_tail(uint32_t id, enum pool_list list)
{
	struct pool_page *p = &pages[id];

	p->list = (uint8_t)list;
	p->next = POOL_NONE;
	p->prev = lists[list].tail;
	if (p->prev)
		pages[p->prev].next = id;
	else
		lists[list].head = id;
	lists[list].tail = id;
	lists[list].count++;
}

void pool_set_source(const struct pool_source *s)
{
	source = *s;
}

static void push_free(uint32_t id)
{
	pages[id].next = free_top;
	free_top = id;
}

/* One more chunk from the source; false when none. */
static bool grow(void)
{
	struct chunk *c = &chunks[nchunks];
	uint32_t i, npages = POOL_CHUNK_PAGES;   /* unless the source says less */

	if (nchunks == POOL_MAX_CHUNKS || !source.grow ||
	    !source.grow(source.arg, nchunks, &c->handle, &c->va, &npages))
		return false;
	if (npages > POOL_CHUNK_PAGES)
		npages = POOL_CHUNK_PAGES;
	for (i = npages; i > 0; i--)
		push_free((uint32_t)(1 + nchunks * POOL_CHUNK_PAGES + i - 1));
	nchunks++;
	return true;
}

/* Take a free page (zeroed if `zero` and it was used before); POOL_NONE when none. */
static uint32_t take(bool zero)
{
	uint32_t id;

	if (free_top == POOL_NONE && !grow())
		return POOL_NONE;
	id = free_top;
	free_top = pages[id].next;
	if (zero && pages[id].dirty)
		memset(pool_va(id), 0, PAGE);
	pages[id] = (struct pool_page){ .refs = 1, .dirty = !zero };
	list_push_tail(id, POOL_INACTIVE);
	used++;
	return id;
}

bool pool_prepare(void)
{
	return free_top != POOL_NONE || grow();
}

uint32_t pool_alloc(void)
{
	return take(true);
}

uint32_t pool_alloc_uninit(void)
{
	return take(false);
}

void pool_share(uint32_t id)
{
	pages[id].refs++;
}

unsigned pool_refs(uint32_t id)
{
	return pages[id].refs;
}

void pool_put(uint32_t id)
{
	if (--pages[id].refs)
		return;
	list_unlink(id);
	pages[id].dirty = 1;
	push_free(id);
	used--;
}

void *pool_va(uint32_t id)
{
	return chunks[(id - 1) / POOL_CHUNK_PAGES].va + pool_offset(id);
}

long pool_handle(uint32_t id)
{
	return chunks[(id - 1) / POOL_CHUNK_PAGES].handle;
}

uint64_t pool_offset(uint32_t id)
{
	return ((id - 1) % POOL_CHUNK_PAGES) * PAGE;
}

uint64_t pool_used(void)
{
	return used;
}

unsigned pool_chunks(void)
{
	return nchunks;
}

uint32_t pool_list_first(enum pool_list list)
{
	return lists[list].head;
}

uint32_t pool_list_next(uint32_t id)
{
	return pages[id].next;
}

void pool_list_move(uint32_t id, enum pool_list list)
{
	list_unlink(id);
	list_push_tail(id, list);
}

uint64_t pool_list_count(enum pool_list list)
{
	return lists[list].count;
}

enum pool_list pool_list_of(uint32_t id)
{
	return (enum pool_list)pages[id].list;
}

uint32_t pool_swap_slot(uint32_t id)
{
	return pages[id].swap_slot;
}

void pool_set_swap_slot(uint32_t id, uint32_t slot)
{
	pages[id].swap_slot = slot;
}
