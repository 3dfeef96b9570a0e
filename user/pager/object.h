/*
 * Memory objects and copy-on-write (user/pager/object.c).
 *
 * A memory object is a run of pages that several regions, in one client or
 * many, map as the same memory: anonymous memory made with PAGER_SHARED,
 * or a range a client gave another with PAGER_SHARE.  The object holds one
 * pool reference on each of its pages; each region page that maps one
 * holds another.  Private pages (anonymous, data, heap, stack) belong to
 * their region alone until a fork shares them copy-on-write; cow_write
 * decides what a write to such a page does.  Portable C (host tested).
 */
#ifndef TESSERA_USER_PAGER_OBJECT_H
#define TESSERA_USER_PAGER_OBJECT_H

#include <stdbool.h>
#include <stdint.h>

struct object {
	unsigned refs;                /* regions and grants that use it */
	uint64_t npages;
	struct object *prev, *next;   /* every object, for the audit */
	uint32_t pages[];             /* pool page ids, POOL_NONE: not made yet, or
				       * a swap entry (swap.h): on the disk */
};

/* A new object of npages (none made yet), one reference; NULL when out of memory. */
struct object *object_new(uint64_t npages);
void object_get(struct object *o);
/* One reference fewer; at none its pages go back to the pool. */
void object_put(struct object *o);

/* Page i of o, made (zeroed) now if it has none; POOL_NONE when out of memory.
 * The reference stays with the object: a mapper takes its own.  A page on
 * swap is read back first (swap_in_object), not here. */
uint32_t object_page(struct object *o, uint64_t i);

/* The first object (then ->next), for walks over all of them. */
struct object *object_first(void);
uint64_t object_count(void);

/* What a write to private page *id does (cow_write). */
enum cow_result {
	COW_REUSED,     /* no one else holds it: write is simply given back */
	COW_COPIED,     /* others hold it: *id is now a copy, with our reference */
	COW_NO_MEMORY,  /* others hold it and no page can be had */
};

/*
 * A write to private page *id: when another mapping holds it too (a fork
 * relative), copy it into a new page and drop our reference on the old;
 * when we are its last user, keep it.  The caller maps *id writable after.
 */
enum cow_result cow_write(uint32_t *id);

#endif
