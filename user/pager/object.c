/* Memory objects and the copy-on-write decision (see object.h). */
#include <stdlib.h>
#include <string.h>

#include "object.h"
#include "pool.h"
#include "swap.h"

#define PAGE 4096ul

static struct object *all;
static uint64_t count;

struct object *object_new(uint64_t npages)
{
	struct object *o = calloc(1, sizeof(*o) + npages * sizeof(uint32_t));

	if (!o)
		return NULL;
	o->refs = 1;
	o->npages = npages;
	o->next = all;
	if (all)
		all->prev = o;
	all = o;
	count++;
	return o;
}

void object_get(struct object *o)
{
	o->refs++;
}

void object_put(struct object *o)
{
	uint64_t i;

	if (--o->refs)
		return;
	for (i = 0; i < o->npages; i++)
		if (is_swap_entry(o->pages[i]))
			swap_slot_put(swap_slot_of(o->pages[i]));
		else if (o->pages[i] != POOL_NONE)
			pool_put(o->pages[i]);
	if (o->prev)
		o->prev->next = o->next;
	else
		all = o->next;
	if (o->next)
		o->next->prev = o->prev;
	count--;
	free(o);
}

uint32_t object_page(struct object *o, uint64_t i)
{
	if (o->pages[i] == POOL_NONE)
		o->pages[i] = pool_alloc();
	return o->pages[i];
}

struct object *object_first(void)
{
	return all;
}

uint64_t object_count(void)
{
	return count;
}

enum cow_result cow_write(uint32_t *id)
{
	uint32_t copy;

	if (pool_refs(*id) == 1)
		return COW_REUSED;
	copy = pool_alloc_uninit();    /* every byte is copied over */
	if (copy == POOL_NONE)
		return COW_NO_MEMORY;
	memcpy(pool_va(copy), pool_va(*id), PAGE);
	pool_put(*id);
	*id = copy;
	return COW_COPIED;
}
