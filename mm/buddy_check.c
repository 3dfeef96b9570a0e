/*
 * buddy_check: every invariant listed at the top of mm/buddy.c, checked by
 * walking the free lists, the per-hart caches and every frame.  For tests
 * and self-tests; like buddy_drain_caches it needs the other harts quiet.
 */
#include <stdarg.h>
#include <string.h>

#include "lib/format.h"
#include "mm/buddy_internal.h"
#include "mm/phys.h"

static pfn_t pages_of(unsigned order)
{
	return (pfn_t)1 << order;
}

static pfn_t pfn_in(const struct frame_block *b, const struct frame *f)
{
	return b->first + (pfn_t)(f - b->frames);
}

/* Free block heads, cached pages and chunks not set up, per zone. */
struct census {
	uint64_t free_heads[ZONE_COUNT];
	uint64_t cached[ZONE_COUNT];
	uint64_t unset[ZONE_COUNT];
};

struct check {
	const struct mem *m;
	char *why;
	size_t why_size;
	struct census listed;            /* on the free lists and in the caches */
};

/* Describe the first broken invariant in why[]; returns false. */
static bool fail(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(struct check *c, const char *fmt, ...)
{
	va_list ap;

	if (c->why && c->why_size) {
		va_start(ap, fmt);
		format_buffer(c->why, c->why_size, fmt, ap);
		va_end(ap);
	}
	return false;
}

/* Invariants 1 and 3 for the block headed by f on zone zid's order-k list. */
static bool check_free_block(struct check *c, enum zone_id zid, unsigned k,
			     const struct frame *f)
{
	const struct zone *z = &c->m->zones[zid];
	const struct frame_block *b = mem_block_of(c->m, f);
	pfn_t pfn, last;

	if (!b)
		return fail(c, "zone %s order %u: a listed frame is not in the frame table",
			    z->name, k);
	pfn = pfn_in(b, f);
	if (frame_block_unset(b, pfn))
		return fail(c, "zone %s order %u: listed pfn 0x%lx lies in a chunk not set up",
			    z->name, k, (unsigned long)pfn);
	if (f->flags != FRAME_FREE || f->order != k || f->zone != zid)
		return fail(c, "zone %s order %u: pfn 0x%lx has flags 0x%x order %u zone %u",
			    z->name, k, (unsigned long)pfn, f->flags, f->order, f->zone);
	if (!IS_ALIGNED(pfn, pages_of(k)))
		return fail(c, "zone %s order %u: pfn 0x%lx is not aligned to its order",
			    z->name, k, (unsigned long)pfn);
	last = pfn + pages_of(k) - 1;
	if (last - b->first >= b->count || b->frames[last - b->first].zone != zid)
		return fail(c, "zone %s order %u: block at pfn 0x%lx leaves its frame block "
			    "or zone", z->name, k, (unsigned long)pfn);
	if (z->end > z->start && (pfn_to_pa(pfn) < z->start || pfn_to_pa(last) >= z->end))
		return fail(c, "zone %s order %u: block at pfn 0x%lx is outside the zone's span",
			    z->name, k, (unsigned long)pfn);
	if (buddy_mergeable(b, pfn, k, zid))
		return fail(c, "zone %s order %u: blocks at pfn 0x%lx and its buddy 0x%lx are both "
			    "free: not coalesced", z->name, k, (unsigned long)pfn,
			    (unsigned long)buddy_pfn(pfn, k));
	return true;
}

/*
 * Invariants 1 to 3 for zone zid's order-k list; adds its pages to *pages.
 * The largest order's count also holds the chunks not set up (z->deferred).
 */
static bool check_area(struct check *c, enum zone_id zid, unsigned k, uint64_t *pages)
{
	const struct zone *z = &c->m->zones[zid];
	const struct list *head = &z->free[k].blocks, *l;
	uint64_t n = 0;

	for (l = head->next; l != head; l = l->next) {
		if (l->next->prev != l)
			return fail(c, "zone %s order %u: broken link after entry %lu",
				    z->name, k, (unsigned long)n);
		if (++n > z->managed_pages)
			return fail(c, "zone %s order %u: list longer than the zone", z->name, k);
		if (!check_free_block(c, zid, k, container_of(l, struct frame, link)))
			return false;
	}
	if (k == FRAME_CHUNK_ORDER)
		n += z->deferred;
	if (n != z->free[k].count)
		return fail(c, "zone %s order %u: %lu blocks listed (with %lu not set up), count "
			    "says %lu", z->name, k, (unsigned long)n,
			    (unsigned long)(k == FRAME_CHUNK_ORDER ? z->deferred : 0),
			    (unsigned long)z->free[k].count);
	c->listed.free_heads[zid] += n;
	*pages += n << k;
	return true;
}

/* Invariant 4 for zone zid's caches on every hart in use. */
static bool check_caches(struct check *c, enum zone_id zid)
{
	const struct zone *z = &c->m->zones[zid];
	unsigned h;

	for (h = 0; h < c->m->nharts; h++) {
		const struct pcp_cache *pc = &c->m->pcp[h][zid];
		const struct list *l;
		uint64_t n = 0;

		list_for_each(l, &pc->pages) {
			const struct frame *f = container_of(l, struct frame, link);
			const struct frame_block *b;

			if (++n > z->managed_pages || l->next->prev != l)
				return fail(c, "zone %s hart %u cache: broken list", z->name, h);
			b = mem_block_of(c->m, f);
			if (!b || frame_block_unset(b, pfn_in(b, f)) || f->flags != FRAME_CACHED ||
			    f->zone != zid)
				return fail(c, "zone %s hart %u cache: entry %lu is not a cached "
					    "page of the zone", z->name, h, (unsigned long)n);
		}
		if (n != pc->count)
			return fail(c, "zone %s hart %u cache: %lu pages listed, count says %u",
				    z->name, h, (unsigned long)n, pc->count);
		c->listed.cached[zid] += n;
	}
	return true;
}

static bool check_zone(struct check *c, enum zone_id zid)
{
	const struct zone *z = &c->m->zones[zid];
	uint64_t pages = 0;
	unsigned k;

	for (k = 0; k < MAX_ORDER; k++)
		if (!check_area(c, zid, k, &pages))
			return false;
	if (pages != z->free_pages)
		return fail(c, "zone %s: %lu pages listed, free_pages says %lu", z->name,
			    (unsigned long)pages, (unsigned long)z->free_pages);
	if (!check_caches(c, zid))
		return false;
	if (pages + c->listed.cached[zid] > z->managed_pages)
		return fail(c, "zone %s: more free and cached pages than managed", z->name);
	return true;
}

/* Whether t may be a tail of the block headed by h: a free block's are plain. */
static bool tail_ok(const struct frame *h, const struct frame *t)
{
	return h->flags == FRAME_FREE ? t->flags == FRAME_TAIL : (t->flags & FRAME_TAIL) != 0;
}

/*
 * A chunk of b not set up, at pfn p: wholly in b and in one zone, below
 * its zone's deferred_top.  Counted as a free head of its zone.
 */
static bool check_unset_chunk(struct check *c, const struct frame_block *b, pfn_t p,
			      struct census *seen)
{
	pfn_t end = p + pages_of(FRAME_CHUNK_ORDER);
	enum zone_id z = zone_of(pfn_to_pa(p), c->m->dma_limit);

	if (!IS_ALIGNED(p, pages_of(FRAME_CHUNK_ORDER)) || p < b->first ||
	    end > b->first + b->count)
		return fail(c, "pfn 0x%lx: a chunk not set up overlaps a block or its frame "
			    "block's edge", (unsigned long)p);
	if (zone_of(pfn_to_pa(end) - 1, c->m->dma_limit) != z || end > c->m->zones[z].deferred_top)
		return fail(c, "pfn 0x%lx: a chunk not set up crosses a zone or lies above "
			    "zone %s's deferred_top", (unsigned long)p, zone_name(z));
	seen->free_heads[z]++;
	seen->unset[z]++;
	return true;
}

/*
 * Invariant 5 over frame block b: walking it in pfn order, every frame is
 * reserved, cached, or heads a free or allocated block whose other frames
 * are tails, or lies in a chunk not set up (a free block of the largest
 * order).  Counts free heads, cached frames and such chunks per zone.
 */
static bool check_partition(struct check *c, const struct frame_block *b, struct census *seen)
{
	pfn_t i = 0, span, j;

	for (; i < b->count; i += span) {
		const struct frame *f = &b->frames[i];
		bool head;

		if (frame_block_unset(b, b->first + i)) {
			if (!check_unset_chunk(c, b, b->first + i, seen))
				return false;
			span = pages_of(FRAME_CHUNK_ORDER);
			continue;
		}
		head = f->flags == FRAME_FREE || (f->flags & ~(FRAME_SLAB | FRAME_KMALLOC)) == FRAME_ALLOCATED;
		span = head && f->order < MAX_ORDER ? pages_of(f->order) : 1;
		if (f->zone >= ZONE_COUNT || (head && i + span > b->count))
			return fail(c, "pfn 0x%lx: zone %u order %u out of range",
				    (unsigned long)(b->first + i), f->zone, f->order);
		if (frame_block_unset(b, b->first + i + span - 1))
			return fail(c, "pfn 0x%lx: its block of %lu pages runs into a chunk not "
				    "set up", (unsigned long)(b->first + i), (unsigned long)span);
		if (!head && f->flags != FRAME_CACHED && !(f->flags & FRAME_RESERVED))
			return fail(c, "pfn 0x%lx: flags 0x%x outside any block",
				    (unsigned long)(b->first + i), f->flags);
		for (j = 1; j < span; j++)
			if (!tail_ok(f, &f[j]))
				return fail(c, "pfn 0x%lx: in the block at 0x%lx but not its tail: "
					    "blocks overlap", (unsigned long)(b->first + i + j),
					    (unsigned long)(b->first + i));
		seen->free_heads[f->zone] += f->flags == FRAME_FREE;
		seen->cached[f->zone] += f->flags == FRAME_CACHED;
	}
	return true;
}

/* Invariant 5 over all frames; every FREE/CACHED frame must be one the lists hold. */
static bool check_frames(struct check *c)
{
	struct census seen = { 0 };
	unsigned i, z;

	for (i = 0; i < c->m->nblocks; i++)
		if (!check_partition(c, &c->m->blocks[i], &seen))
			return false;
	for (z = 0; z < ZONE_COUNT; z++) {
		uint64_t heads = c->listed.free_heads[z], cached = c->listed.cached[z];

		if (seen.unset[z] != c->m->zones[z].deferred)
			return fail(c, "zone %s: %lu chunks not set up in the table, deferred says "
				    "%lu", zone_name((enum zone_id)z), (unsigned long)seen.unset[z],
				    (unsigned long)c->m->zones[z].deferred);
		if (seen.free_heads[z] != heads || seen.cached[z] != cached)
			return fail(c, "zone %s: %lu free heads and %lu cached pages in the "
				    "table, %lu and %lu listed", zone_name((enum zone_id)z),
				    (unsigned long)seen.free_heads[z],
				    (unsigned long)seen.cached[z], (unsigned long)heads,
				    (unsigned long)cached);
	}
	return true;
}

bool buddy_check(const struct mem *m, char *why, size_t why_size)
{
	struct check c = { .m = m, .why = why, .why_size = why_size };
	unsigned z;

	for (z = 0; z < ZONE_COUNT; z++)
		if (!check_zone(&c, (enum zone_id)z))
			return false;
	if (!check_frames(&c))
		return false;
	if (why && why_size)
		why[0] = '\0';
	return true;
}
