/*
 * A client's region map (user/pager/region.c): the regions of its address
 * space, each a half-open range [start, end) of pages, kept in an AVL tree
 * ordered by start.  Regions never overlap.  Lookups by address and gap
 * searches are O(log n); an in-order walk lists them.  Portable C: no
 * system calls, no allocation (the caller owns every node), so the host
 * tests check it against a brute-force model.
 */
#ifndef TESSERA_USER_PAGER_REGION_H
#define TESSERA_USER_PAGER_REGION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct region {
	uint64_t start, end;          /* [start, end), page aligned, start < end */
	struct region *left, *right;  /* the tree */
	int height;
	void *data;                   /* the pager's: what backs the region */
};

struct region_map {
	struct region *root;
	size_t count;
};

static inline void region_map_init(struct region_map *m)
{
	m->root = NULL;
	m->count = 0;
}

/* The region containing addr, or NULL. */
struct region *region_find(const struct region_map *m, uint64_t addr);

/* The first region that ends after addr (contains it or lies above), or NULL. */
struct region *region_next(const struct region_map *m, uint64_t addr);

/* Does any region overlap [start, end)? */
bool region_overlaps(const struct region_map *m, uint64_t start, uint64_t end);

/*
 * Add r (start, end and data set).  Returns false, changing nothing, when
 * r is empty or overlaps a region already there.
 */
bool region_insert(struct region_map *m, struct region *r);

/* Take r (which is in m) out of the map. */
void region_remove(struct region_map *m, struct region *r);

/*
 * The lowest gap of `size` bytes inside [lo, hi) not overlapping any
 * region: its start, or 0 when there is none.  (Walks the regions above lo
 * in order: O(k log n) for the k it has to step over.)
 */
uint64_t region_find_gap(const struct region_map *m, uint64_t lo, uint64_t hi, uint64_t size);

/* Check the tree's order, balance and heights; false when broken. */
bool region_map_check(const struct region_map *m);

#endif
