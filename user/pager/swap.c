/*
 * Swap: page reclaim for the pager (swap.h).
 *
 * Which pages go.  Every page the pool hands out starts on the inactive
 * list (pool.h); reclaim looks at the inactive head and asks the kernel
 * whether any holder used the page since the last look (SYS_PAGE_USED,
 * which clears the accessed bit as it answers): used pages are promoted to
 * the active list, unused ones go.  The active list feeds the inactive one
 * from its head, accessed bits cleared, whenever the inactive list is the
 * shorter: a page stays in memory as long as it is used between two looks,
 * and the pages used least lately go first (Linux's two lists).  A page may
 * go when only region pages hold it, each in the reverse map: a private
 * page, or one that fork relatives share copy-on-write (not a new client's
 * prepared first stack page), from every holder at once: the slot counts
 * them, and each reads its own copy back.  A memory object's page goes
 * from every region that maps it at once too; the object holds the slot,
 * and a fault in any of them reads it back into the object.
 *
 * How.  The pages picked (up to SWAP_CLUSTER) get consecutive
 * slots where there are some, so one request writes them all.  Each page is
 * unmapped from its client first (the kernel's unmap flushes every hart),
 * then copied into our disk buffer, then written: a write the client makes
 * meanwhile faults and waits for us.  Only after the disk said yes does the
 * region page take the swap entry and the pool page go back; a failed write
 * leaves the pages where they were (unmapped: the next fault maps them
 * again), and nothing is lost.  A fault on a swap entry reads its slot into
 * a new pool page; the slot is free once no region page holds it.
 *
 * The pager is one thread: while it waits for the disk nothing else
 * changes its books, and a page is never written out and read in at once.
 */
#include "drivers/blk_client.h"
#include "pager.h"
#include "swap.h"

#define SWAP_BUFFER_VA 0x1800000000ul     /* our disk buffer */
#define SWAP_SLOTS_MAX (1u << 20)         /* 4 GiB of swap */
#define SECTORS_PER_PAGE (PAGE_SIZE / BLK_SECTOR)
#define SLOT_BAD UINT16_MAX               /* a slot the disk failed to write: never again */
#define WRITE_TRIES 4                     /* failed clusters a reclaim may meet */

_Static_assert(SWAP_CLUSTER * PAGE_SIZE <= BLK_BUFFER_MAX, "a cluster fits the buffer");

struct swap_stats swap_stats;
static long disk;
static uint8_t *buffer;
static uint16_t *slot_refs;               /* per slot: the region pages that hold it */
static uint32_t *slot_cache;              /* per slot: the pool page read from it while
					   * other region pages still hold the slot, or 0 */
uint32_t swap_nslots;                     /* 0: no swap */
static uint32_t slot_hint = 1;            /* where the next search for a free slot starts */

/* A region page that holds a page reclaim picked. */
struct holder {
	struct client *c;
	struct vregion *v;
	uint64_t i, va;
};

/* A page reclaim picked, and every region page that holds it. */
struct victim {
	uint32_t id;
	uint32_t slot;                    /* the swap cache's: its copy is on the disk */
	struct object *obj;               /* a memory object's page: the object, */
	uint64_t obj_index;               /* ... and which of its pages; else NULL */
	unsigned n;
	struct holder h[MAX_CLIENTS];
};

/* The pages being picked (static: a cluster's holders would fill the stack). */
static struct victim victims[SWAP_CLUSTER];

/* Our buffer, attached to our session: false with the line printed. */
static bool buffer_attach(uint64_t dma_limit)
{
	long frame = sys_frame_alloc(BLK_BUFFER_MAX, dma_limit ? FRAME_ALLOC_DMA : 0), r;
	struct msg m;

	if (frame < 0 && dma_limit)
		frame = sys_frame_alloc(BLK_BUFFER_MAX, 0);   /* the driver bounces it */
	if (frame < 0 || sys_map(HANDLE_SELF, frame, 0, SWAP_BUFFER_VA, BLK_BUFFER_MAX,
				 MAP_READ | MAP_WRITE)) {
		printf("pager: swap: no memory for the disk buffer: no swap\n");
		sys_handle_close(frame);
		return false;
	}
	buffer = (uint8_t *)SWAP_BUFFER_VA;
	r = blk_call(disk, BLK_ATTACH, 0, 0, 0, frame, &m);
	sys_handle_close(frame);                  /* the mapping and the driver hold it */
	if (r) {
		printf("pager: swap: the disk refused our buffer: %s: no swap\n", err_name((err_t)-r));
		return false;
	}
	return true;
}

void swap_setup(long session)
{
	struct msg m;
	uint64_t sectors;
	long r;

	disk = session;
	r = blk_call(disk, BLK_INFO, 0, 0, 0, 0, &m);
	if (r) {
		printf("pager: swap: the disk does not answer: %s: no swap\n", err_name((err_t)-r));
		return;
	}
	sectors = m.w[0];
	if (!buffer_attach(m.w[3]))
		return;
	r = blk_call(disk, BLK_READ, 0, SECTORS_PER_PAGE, 0, 0, &m);
	if (r || memcmp(buffer, SWAP_SIGNATURE, sizeof(SWAP_SIGNATURE) - 1)) {
		printf("pager: the disk is no swap area (%s): not used for swap\n",
		       r ? err_name((err_t)-r) : "no TESSERA-SWAP-1 signature");
		return;
	}
	swap_nslots = sectors / SECTORS_PER_PAGE < SWAP_SLOTS_MAX ? (uint32_t)(sectors / SECTORS_PER_PAGE)
							     : SWAP_SLOTS_MAX;
	slot_refs = swap_nslots > 1 ? calloc(swap_nslots, sizeof(*slot_refs)) : NULL;
	slot_cache = slot_refs ? calloc(swap_nslots, sizeof(*slot_cache)) : NULL;
	if (!slot_cache) {
		free(slot_refs);
		printf("pager: swap: no memory for %u slots' counts: no swap\n", swap_nslots);
		swap_nslots = 0;
		return;
	}
	swap_stats.slots = swap_nslots - 1;             /* slot 0 is the signature's */
	pool_kernel_spare_only(true);                   /* reclaim, not grow, below high */
	printf("pager: swap: %u slots (%lu KiB) on the disk\n", swap_nslots - 1,
	       (uint64_t)(swap_nslots - 1) * PAGE_SIZE / 1024);
}

void swap_slot_share(uint32_t slot)
{
	slot_refs[slot]++;
}

/* The swap cache lets go of slot's page, if it has one. */
static void cache_drop(uint32_t slot)
{
	uint32_t id = slot_cache[slot];

	if (!id)
		return;
	slot_cache[slot] = POOL_NONE;
	pool_set_swap_slot(id, 0);
	pool_put(id);
}

void swap_slot_put(uint32_t slot)
{
	if (slot == 0 || slot >= swap_nslots || !slot_refs[slot] || slot_refs[slot] == SLOT_BAD)
		pager_bug("a swap slot put that nothing held");
	if (--slot_refs[slot] == 0) {
		swap_stats.slots_used--;
		cache_drop(slot);
	}
}

/* Up to n free slots in a row (at least one): the first, and how many in
 * *got; *got 0 when swap is full. */
static uint32_t slots_take(unsigned n, unsigned *got)
{
	uint32_t s = slot_hint, tried, k;

	*got = 0;
	if (!n)
		return 0;
	for (tried = 0; tried < swap_nslots; tried++, s = s + 1 < swap_nslots ? s + 1 : 1) {
		if (s == 0 || slot_refs[s])
			continue;
		for (k = 1; k < n && s + k < swap_nslots && !slot_refs[s + k]; k++)
			;
		for (*got = k; k--;)
			slot_refs[s + k] = 1;
		swap_stats.slots_used += *got;
		slot_hint = s + *got < swap_nslots ? s + *got : 1;
		return s;
	}
	*got = 0;
	return 0;
}

/* rmap_walk's visit: one more holder of the page, looked up; stops when
 * the holder is no region page of a client's, or holds the page otherwise
 * than the others (a private page, or the same page of one memory
 * object): then x->n is 0. */
static bool add_holder(void *arg, uint32_t owner, uint64_t va)
{
	struct victim *x = arg;
	struct holder *h = &x->h[x->n];
	struct region *r;
	uint64_t i;

	h->c = client_of_badge(owner);
	r = h->c ? region_find(&h->c->map, va) : NULL;
	h->v = r ? r->data : NULL;
	i = r ? (va - r->start) / PAGE_SIZE : 0;
	if (!h->v || va == h->c->start_page || h->v->pages[i] != x->id ||
	    (x->n && h->v->obj != x->obj) ||
	    (h->v->obj && x->n && h->v->obj_first + i != x->obj_index)) {
		x->n = 0;
		return false;
	}
	x->obj = h->v->obj;
	x->obj_index = h->v->obj ? h->v->obj_first + i : 0;
	h->i = i;
	h->va = va;
	x->n++;
	return true;
}

/*
 * Whether pool page id may go (only c's, when c), with its holders in *x:
 * every reference to it but the swap cache's and a memory object's is a
 * region page's, each in the reverse map: a private page, one fork
 * relatives share copy-on-write, or a memory object's page and the region
 * pages that map it (an object's page no region maps stays: nothing leads
 * from the page to its object).  They all let it go together.
 */
static bool evictable(uint32_t id, struct client *c, struct victim *x)
{
	unsigned refs = pool_refs(id), holders = rmap_count(id), i;

	x->slot = pool_swap_slot(id);
	if (refs == 0 || holders > MAX_CLIENTS)
		return false;
	x->id = id;
	x->n = 0;
	x->obj = NULL;
	rmap_walk(id, add_holder, x);
	if (x->n != holders)
		return false;
	if (x->obj ? refs != holders + 1 || x->slot || x->obj->pages[x->obj_index] != id
		   : refs != holders + (x->slot != 0))   /* the swap cache holds one reference */
		return false;
	for (i = 0; c && i < x->n; i++)
		if (x->h[i].c != c)
			return false;
	return true;
}

/* Whether any holder used page x since reclaim last looked (and the bits
 * are cleared for next time). */
static bool used_lately(const struct victim *x)
{
	uint64_t accessed, dirty, any = 0;
	unsigned i;

	for (i = 0; i < x->n; i++)
		if (sys_page_used(x->h[i].c->task, x->h[i].va, 1, PAGE_USED_CLEAR, &accessed,
				  &dirty) == 0)
			any |= accessed;
	return any != 0;
}

/* Whether page id is among the n picked already (the list may come round
 * twice in one pick when few pages may go). */
static bool picked(const struct victim *x, unsigned n, uint32_t id)
{
	while (n--)
		if (x[n].id == id)
			return true;
	return false;
}

/*
 * Feed the inactive list from the active head until it is at least as long
 * (Linux keeps the two in proportion the same way): each page moved has
 * its accessed bits cleared, so it must be used again to be promoted back.
 */
static void deactivate(void)
{
	struct victim probe;
	unsigned moved = 0;
	uint32_t id;

	while (pool_list_count(POOL_INACTIVE) < pool_list_count(POOL_ACTIVE) &&
	       moved++ < 4 * SWAP_CLUSTER) {
		id = pool_list_first(POOL_ACTIVE);
		if (evictable(id, NULL, &probe)) {
			swap_stats.scanned++;
			used_lately(&probe);
		}
		pool_list_move(id, POOL_INACTIVE);
		swap_stats.deactivated++;
	}
}

/*
 * Up to `want` pages to take (c's only, when c), into x: from the inactive
 * head, each asked of the kernel (SYS_PAGE_USED, which clears the accessed
 * bits as it answers).  Used since the last look: promoted to the active
 * tail.  Not a page reclaim may take (an object's page no region maps, a
 * prepared stack page), or another client's when c: to the inactive tail.
 * Unused: taken, and moved to the tail too, so a failed write leaves it
 * last in line.
 * Each sample clears the bits on this hart's TLB only; one PAGE_USED_SYNC
 * at the end of the pick makes every hart drop what it cached (one remote
 * fence a pick, not one a page), so the next look at a page sees every
 * use made after this pick.  A use made during the pick by a hart that
 * cached the entry may go unseen: the page may then go early and fault
 * back in, never with wrong data, since taking it away unmaps it on every
 * hart.
 */
static unsigned lists_pick(struct client *c, struct victim *x, unsigned want)
{
	uint64_t start = rdinstret(), budget, accessed, dirty;
	unsigned n = 0;
	uint32_t id;

	budget = 2 * (pool_list_count(POOL_INACTIVE) + pool_list_count(POOL_ACTIVE));
	while (n < want && budget--) {
		if (pool_list_count(POOL_INACTIVE) < pool_list_count(POOL_ACTIVE))
			deactivate();
		id = pool_list_first(POOL_INACTIVE);
		if (id == POOL_NONE)
			break;
		pool_list_move(id, POOL_INACTIVE);            /* to the tail, whatever comes */
		if (picked(x, n, id) || !evictable(id, c, &x[n]))
			continue;
		swap_stats.scanned++;
		if (used_lately(&x[n])) {
			pool_list_move(id, POOL_ACTIVE);
			swap_stats.activated++;
			continue;
		}
		n++;
	}
	sys_page_used(HANDLE_SELF, 0, 0, PAGE_USED_SYNC, &accessed, &dirty);
	swap_stats.scan_instructions += rdinstret() - start;
	return n;
}

/* Give a region page the swap entry of slot in place of the page x picked
 * (a memory object's region page: none, the object takes the entry). */
static void holder_to_swap(const struct victim *x, struct holder *h, uint32_t slot)
{
	h->v->pages[h->i] = x->obj ? 0 : swap_entry(slot);
	rmap_remove(x->id, (uint32_t)client_badge(h->c), h->va);
	pool_put(x->id);
	h->c->resident--;
	h->c->stats.swapped_out++;
}

/*
 * A page of the swap cache: its copy is on the disk already, unchanged
 * (its holders map it read-only while the cache holds it too, so a write
 * copies it): its holders take the slot again, and nothing is written.
 */
static void drop_clean(struct victim *x)
{
	unsigned i;

	for (i = 0; i < x->n; i++) {
		sys_unmap(x->h[i].c->task, x->h[i].va, PAGE_SIZE);
		slot_refs[x->slot]++;
		holder_to_swap(x, &x->h[i], x->slot);
	}
	cache_drop(x->slot);
	swap_stats.reclaimed++;
	swap_stats.cache_dropped++;
}

/* Write the n picked pages (none in the swap cache) out in one request. */
static unsigned write_cluster(struct victim *x, unsigned n)
{
	uint64_t start = rdinstret(), waited;
	unsigned got, k, i;
	uint32_t first = slots_take(n, &got);
	struct msg m;
	long r;

	for (k = 0; k < got; k++) {
		for (i = 0; i < x[k].n; i++)     /* from every holder: its writes now fault */
			sys_unmap(x[k].h[i].c->task, x[k].h[i].va, PAGE_SIZE);
		memcpy(buffer + k * PAGE_SIZE, pool_va(x[k].id), PAGE_SIZE);
	}
	r = got ? blk_call(disk, BLK_WRITE, (uint64_t)first * SECTORS_PER_PAGE,
			   got * SECTORS_PER_PAGE, 0, 0, &m) : 0;
	if (r) {
		swap_stats.write_errors++;
		printf("pager: swap: writing %u page(s) at slot %u: %s; they stay in memory, "
		       "and those slots are not used again\n", got, first, err_name((err_t)-r));
		for (k = 0; k < got; k++)
			slot_refs[first + k] = SLOT_BAD;
		swap_stats.slots_used -= got;
		swap_stats.slots_bad += got;
		return 0;
	}
	for (k = 0; k < got; k++) {
		slot_refs[first + k] = x[k].obj ? 1 : (uint16_t)x[k].n;
		for (i = 0; i < x[k].n; i++)
			holder_to_swap(&x[k], &x[k].h[i], first + k);
		if (x[k].obj) {                   /* the object holds the slot now */
			x[k].obj->pages[x[k].obj_index] = swap_entry(first + k);
			pool_put(x[k].id);
			swap_stats.objects_out++;
		}
	}
	swap_stats.swapped_out += got;
	swap_stats.reclaimed += got;
	waited = got ? m.w[3] : 0;                 /* the driver's waiting, apart */
	swap_stats.write_instructions += rdinstret() - start - waited;
	swap_stats.wait_instructions += waited;
	return got;
}

/* Write the n picked pages out and give their pool pages back: how many
 * went.  Pages of the swap cache go without a write. */
static unsigned write_out(struct victim *x, unsigned n)
{
	unsigned k, kept = 0, clean = 0;

	for (k = 0; k < n; k++) {
		if (x[k].slot) {
			drop_clean(&x[k]);
			clean++;
		} else if (kept++ != k) {
			x[kept - 1] = x[k];
		}
	}
	return clean + (kept ? write_cluster(x, kept) : 0);
}

unsigned swap_reclaim(struct client *c, unsigned want)
{
	struct victim *x = victims;
	unsigned n, done = 0, wrote, failed = 0;
	uint64_t full = swap_stats.slots - swap_stats.slots_bad;

	if (!swap_nslots)
		return 0;
	while (done < want && failed < WRITE_TRIES && swap_stats.slots_used < full) {
		n = lists_pick(c, x, want - done < SWAP_CLUSTER ? want - done : SWAP_CLUSTER);
		if (!n)
			break;
		wrote = write_out(x, n);
		failed += !wrote;             /* the disk failed: other slots next time */
		done += wrote;
	}
	return done;
}

/* Reclaim found nothing to take: one chunk as the pool would grow without
 * swap, down to the zone's low watermark (pool_kernel.c).  True when a
 * page is free now. */
static bool grow_past_spare(void)
{
	bool ok;

	pool_kernel_spare_only(false);
	ok = pool_prepare();
	pool_kernel_spare_only(true);
	swap_stats.grown_past_spare += ok;
	return ok;
}

uint32_t swap_page_alloc(struct client *c, bool zeroed)
{
	uint32_t id;

	if (c->resident >= c->limit && swap_reclaim(c, SWAP_CLUSTER) == 0)
		return POOL_NONE;
	id = zeroed ? pool_alloc() : pool_alloc_uninit();
	if (id == POOL_NONE && (swap_reclaim(NULL, SWAP_CLUSTER) || grow_past_spare()))
		id = zeroed ? pool_alloc() : pool_alloc_uninit();
	return id;
}

void swap_make_room(struct client *c, uint32_t keep)
{
	if (!swap_nslots)
		return;
	if (keep)
		pool_share(keep);               /* a reference the reverse map lacks: not evictable */
	if (c->resident >= c->limit)
		swap_reclaim(c, SWAP_CLUSTER);
	if (!pool_prepare() && !swap_reclaim(NULL, SWAP_CLUSTER))
		grow_past_spare();
	if (keep)
		pool_put(keep);
}

/* Page i of v from the swap cache: shared again with the relative that read
 * it (read-only until a write copies it). */
static err_t cache_hit(struct client *c, struct vregion *v, uint64_t i, uint32_t id)
{
	pool_share(id);                       /* ours; and reclaim cannot take it meanwhile */
	if (c->resident >= c->limit)
		swap_reclaim(c, SWAP_CLUSTER);
	if (c->resident >= c->limit || !rmap_reserve(1)) {
		pool_put(id);
		return ERR_NO_MEMORY;
	}
	swap_stats.cache_hits++;
	v->pages[i] = id;
	return ERR_OK;
}

/* Slot's page read into a new pool page for c (one reference, ours):
 * ERR_OK, ERR_NO_MEMORY or ERR_IO (said in a line). */
static err_t read_slot(struct client *c, uint32_t slot, uint32_t *out)
{
	uint32_t id = swap_page_alloc(c, false);
	uint64_t start = rdinstret();
	struct msg m;
	long r;

	if (id == POOL_NONE)
		return ERR_NO_MEMORY;
	r = blk_call(disk, BLK_READ, (uint64_t)slot * SECTORS_PER_PAGE, SECTORS_PER_PAGE, 0, 0, &m);
	if (r) {
		swap_stats.read_errors++;
		printf("pager: swap: reading slot %u: %s\n", slot, err_name((err_t)-r));
		pool_put(id);
		return ERR_IO;
	}
	memcpy(pool_va(id), buffer, PAGE_SIZE);
	swap_stats.read_instructions += rdinstret() - start - m.w[3];   /* the waiting apart */
	swap_stats.wait_instructions += m.w[3];
	swap_stats.swapped_in++;
	*out = id;
	return ERR_OK;
}

err_t swap_in_object(struct client *c, struct object *o, uint64_t k)
{
	uint32_t slot = swap_slot_of(o->pages[k]), id;
	err_t err = read_slot(c, slot, &id);

	if (err)
		return err;
	o->pages[k] = id;                     /* the object's reference */
	swap_slot_put(slot);
	swap_stats.objects_in++;
	return ERR_OK;
}

err_t swap_in(struct client *c, struct vregion *v, uint64_t i)
{
	uint32_t slot = swap_slot_of(v->pages[i]), id = slot_cache[slot];
	err_t err;

	if (id) {
		err = cache_hit(c, v, i, id);
		if (err)
			return err;
		goto held;
	}
	if (!rmap_reserve(1))
		return ERR_NO_MEMORY;
	err = read_slot(c, slot, &id);
	if (err)
		return err;
	if (slot_refs[slot] > 1) {            /* relatives hold the slot too: keep the copy */
		slot_cache[slot] = id;
		pool_share(id);
		pool_set_swap_slot(id, slot);
	}
	v->pages[i] = id;
held:
	rmap_add(id, (uint32_t)client_badge(c), v->node.start + i * PAGE_SIZE);
	swap_slot_put(slot);
	if (++c->resident > c->stats.resident_peak)
		c->stats.resident_peak = c->resident;
	c->stats.swapped_in++;
	return ERR_OK;
}

void swap_report(void)
{
	const struct swap_stats *s = &swap_stats;

	printf("pager: swap: scanned %lu, reclaimed %lu, swapped out %lu, swapped in %lu, "
	       "slots in use %lu of %lu, pool pages in use %lu, errors %lu written %lu read, "
	       "swap cache %lu hits %lu dropped, pool grown past spare %lu, object pages %lu "
	       "out %lu in\n", s->scanned, s->reclaimed, s->swapped_out, s->swapped_in,
	       s->slots_used, s->slots, pool_used(), s->write_errors, s->read_errors,
	       s->cache_hits, s->cache_dropped, s->grown_past_spare, s->objects_out,
	       s->objects_in);
}
