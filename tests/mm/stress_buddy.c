/*
 * Randomized stress test of the buddy allocator (mm/buddy.c), against a
 * shadow model of what is allocated.
 *
 * Fake RAM: an 11 MiB arena behind the phys window, placed just below 4 GiB
 * so that all three zones exist: two frame blocks with a hole between them,
 * a DMA limit inside the first, 4 GiB inside the second, a few pages left
 * reserved.  Random allocations and frees of random orders and flags, from
 * 4 harts, with a shrinker that gives back held blocks.  After each
 * operation the result is checked against the shadow model (who owns each
 * page; a tag written into every allocated page and checked when it is
 * freed; a failure only when no allowed zone could have served it); every
 * CHECK_EVERY operations buddy_check runs and every free or cached page is
 * checked to be owned by nobody, and the pages are counted.  At the end all
 * is freed: the free lists must be back to the start, the counters balanced.
 *
 * Usage: stress_buddy [ops-per-seed [seed ...]]
 *   or BUDDY_STRESS_OPS=n BUDDY_STRESS_SEEDS="1 2 3" stress_buddy
 * Default: DEFAULT_SEEDS seeds x DEFAULT_OPS operations.  Prints TAP, one
 * test per seed, with its throughput.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mm/buddy.h"
#include "mm/phys.h"
#include "stress.h"
#include "test.h"

#define DEFAULT_OPS 2500000ull
#define DEFAULT_SEEDS 4u
#define MAX_SEEDS 64u
#define CHECK_EVERY 1000u             /* operations between full checks */
#define TOGGLE_EVERY 65536u           /* operations between cache drains/toggles */
#define FILL_STEPS 8u                 /* target fill: 0/8 .. 8/8 of managed pages */
#define NHARTS 4u
#define MAX_HELD 4096u

#define PFN_4GIB (ZONE_DMA32_LIMIT >> PAGE_SHIFT)
#define BASE_PFN (PFN_4GIB - 0x800)  /* first pfn of the arena */
#define ARENA_PAGES 0xb00u
#define DMA_LIMIT_PFN (BASE_PFN + 0x180)
#define RESERVED_PFN (BASE_PFN + 0x200) /* RESERVED_PAGES never given to the buddy */
#define RESERVED_PAGES 4u
#define NOBODY UINT32_MAX             /* owner of a page nobody holds */

struct range {
	pfn_t first, count;
};

static const struct range ram[] = {
	{ BASE_PFN, 0x600 },           /* DMA 0x180 pages, then DMA32 */
	{ BASE_PFN + 0x703, 0x3fd },   /* DMA32 up to 4 GiB, NORMAL above */
};

struct held_block {
	struct frame *f;
	pfn_t pfn;
	unsigned order;
	uint64_t tag;                  /* written into each page */
};

struct stress {
	uint64_t rng;
	uint64_t serial;
	struct held_block held[MAX_HELD];
	unsigned nheld;
	uint32_t owner[ARENA_PAGES];   /* index into held[], or NOBODY */
	uint64_t held_pages;           /* pages of held[] */
	uint64_t target;               /* the fill level do_op drifts to */
	uint64_t allocs, failures, frees, shrinks;
	bool broken;                   /* the shrinker found a broken block */
	char why[256];
};

static uint8_t *arena;
static struct mem mem;
static struct frame *frames[ARRAY_SIZE(ram)];
static struct stress st;
static unsigned cur_hart;

static unsigned stress_hart(void)
{
	return cur_hart;
}

/* The run's random numbers: the seed reproduces it. */
static uint64_t rnd(void)
{
	return stress_random(&st.rng);
}

static bool fail(const char *what, pfn_t pfn)
{
	snprintf(st.why, sizeof(st.why), "%s (pfn 0x%llx, op %llu)", what,
		 (unsigned long long)pfn, (unsigned long long)(st.allocs + st.failures + st.frees));
	return false;
}

static uint64_t *page_words(pfn_t pfn)
{
	return phys_to_virt(pfn_to_pa(pfn));
}

#define LAST_WORD (PAGE_SIZE / sizeof(uint64_t) - 1)

/* ---- the shadow model ------------------------------------------------------ */

/* Take ownership of the block's pages and tag them; false on an overlap. */
static bool shadow_take(unsigned slot, bool zeroed)
{
	struct held_block *h = &st.held[slot];
	pfn_t i, n = (pfn_t)1 << h->order;

	for (i = 0; i < n; i++) {
		uint64_t *w = page_words(h->pfn + i);

		if (st.owner[h->pfn + i - BASE_PFN] != NOBODY)
			return fail("allocated a page that is already held", h->pfn + i);
		if (zeroed && (w[0] || w[LAST_WORD]))
			return fail("ALLOC_ZERO page is not zero", h->pfn + i);
		st.owner[h->pfn + i - BASE_PFN] = slot;
		w[0] = h->tag ^ i;
		w[LAST_WORD] = ~h->tag;
	}
	return true;
}

/* Check the block's tags and release its pages; false if one was overwritten. */
static bool shadow_release(unsigned slot)
{
	struct held_block *h = &st.held[slot];
	pfn_t i, n = (pfn_t)1 << h->order;

	for (i = 0; i < n; i++) {
		uint64_t *w = page_words(h->pfn + i);

		if (st.owner[h->pfn + i - BASE_PFN] != slot)
			return fail("shadow owner changed while held", h->pfn + i);
		if (w[0] != (h->tag ^ i) || w[LAST_WORD] != ~h->tag)
			return fail("a held page was overwritten", h->pfn + i);
		st.owner[h->pfn + i - BASE_PFN] = NOBODY;
	}
	return true;
}

/* Move the last held block into `slot`, fixing the owners of its pages. */
static void shadow_compact(unsigned slot)
{
	pfn_t i;

	if (slot == --st.nheld)
		return;
	st.held[slot] = st.held[st.nheld];
	for (i = 0; i < ((pfn_t)1 << st.held[slot].order); i++)
		st.owner[st.held[slot].pfn + i - BASE_PFN] = slot;
}

static bool free_slot(unsigned slot)
{
	struct held_block h = st.held[slot];

	if (!shadow_release(slot))
		return false;
	buddy_free(&mem, h.f, h.order);
	shadow_compact(slot);
	st.held_pages -= (uint64_t)1 << h.order;
	st.frees++;
	return true;
}

/* Frees up to two random held blocks: pressure relief for ordinary allocations. */
static uint64_t stress_shrinker(void *arg)
{
	uint64_t pages = 0;
	unsigned i;

	(void)arg;
	st.shrinks++;
	for (i = 0; i < 2 && st.nheld; i++) {
		unsigned slot = (unsigned)(rnd() % st.nheld);

		pages += (uint64_t)1 << st.held[slot].order;
		if (!free_slot(slot))
			st.broken = true;      /* do_alloc reports it */
	}
	return pages;
}

/* ---- one operation ----------------------------------------------------------- */

static int top_zone(unsigned flags)
{
	if (flags & ALLOC_DMA)
		return ZONE_DMA;
	return (flags & ALLOC_DMA32) ? ZONE_DMA32 : ZONE_NORMAL;
}

/* Whether zone z could have served `order` for `flags` right now. */
static bool zone_could_serve(enum zone_id z, unsigned order, unsigned flags)
{
	const struct zone *zone = &mem.zones[z];
	uint64_t mark = zone->watermark[(flags & ALLOC_NOWAIT) ? WMARK_MIN : WMARK_LOW];
	unsigned k;

	if (order == 0 && !(flags & ALLOC_NOCACHE) && mem.pcp_enabled && cur_hart < mem.nharts &&
	    mem.pcp[cur_hart][z].count)
		return true;
	if (zone->free_pages < mark + ((uint64_t)1 << order))
		return false;
	for (k = order; k < MAX_ORDER; k++)
		if (zone->free[k].count)
			return true;
	return false;
}

static bool failure_is_legitimate(unsigned order, unsigned flags)
{
	int z;

	/* An ordinary allocation gives this hart's cached pages back before its retry. */
	for (z = 0; z < ZONE_COUNT && !(flags & ALLOC_NOWAIT) && cur_hart < NHARTS; z++)
		if (mem.pcp[cur_hart][z].count)
			return fail("ordinary allocation failed with pages in the hart's cache", 0);

	for (z = top_zone(flags); z >= ZONE_DMA; z--)
		if (mem.zones[z].managed_pages && zone_could_serve((enum zone_id)z, order, flags))
			return fail("allocation failed though an allowed zone could serve it", 0);
	return true;
}

static unsigned random_order(void)
{
	uint64_t r = rnd() | ((uint64_t)1 << (MAX_ORDER - 1));

	return (unsigned)__builtin_ctzll(r);  /* order k with probability 2^-(k+1) */
}

static unsigned random_flags(void)
{
	static const unsigned zones[] = { 0, 0, ALLOC_DMA32, ALLOC_DMA };
	uint64_t r = rnd();
	unsigned flags = zones[r & 3];

	if ((r >> 2 & 7) == 0)
		flags |= ALLOC_ZERO;
	if ((r >> 5 & 7) == 0)
		flags |= ALLOC_NOWAIT;
	if ((r >> 8 & 3) == 0)
		flags |= ALLOC_NOCACHE;
	return flags;
}

static bool do_alloc(void)
{
	unsigned order = random_order(), flags = random_flags();
	struct frame *f = buddy_alloc(&mem, order, flags);
	struct held_block *h;

	if (st.broken)
		return false;
	if (!f) {
		st.failures++;
		return failure_is_legitimate(order, flags);
	}
	st.allocs++;
	h = &st.held[st.nheld];
	*h = (struct held_block){ .f = f, .pfn = mem_frame_pfn(&mem, f), .order = order,
				  .tag = (st.serial++ << 8) ^ st.rng };
	if (f->flags != FRAME_ALLOCATED || f->order != order || f->refcount != 1)
		return fail("allocated head has wrong flags, order or refcount", h->pfn);
	if (!IS_ALIGNED(h->pfn, (pfn_t)1 << order) || h->pfn < BASE_PFN ||
	    h->pfn + ((pfn_t)1 << order) > BASE_PFN + ARENA_PAGES)
		return fail("block misaligned or outside RAM", h->pfn);
	if ((int)f->zone > top_zone(flags))
		return fail("block from a zone above the allowed ones", h->pfn);
	if (mem.zones[f->zone].free_pages < mem.zones[f->zone].watermark[WMARK_MIN])
		return fail("zone below its min watermark", h->pfn);
	st.held_pages += (uint64_t)1 << order;
	return shadow_take(st.nheld++, flags & ALLOC_ZERO);
}

static uint64_t managed_total(void)
{
	uint64_t n = 0;
	unsigned z;

	for (z = 0; z < ZONE_COUNT; z++)
		n += mem.zones[z].managed_pages;
	return n;
}

static bool do_op(uint64_t op)
{
	uint64_t r = rnd();

	if ((r & 15) == 0)
		cur_hart = (unsigned)(r >> 4) % NHARTS;
	if (op % TOGGLE_EVERY == TOGGLE_EVERY - 1) {
		buddy_drain_caches(&mem);
		mem.pcp_enabled = (r >> 8 & 3) != 0;
	}
	/* Drift towards a fill level that changes now and then, from nearly empty to full. */
	if (op % TOGGLE_EVERY == 0)
		st.target = managed_total() * (rnd() % (FILL_STEPS + 1)) / FILL_STEPS;
	if (st.nheld < MAX_HELD &&
	    (st.nheld == 0 || (r >> 16) % 100 < (st.held_pages < st.target ? 60u : 40u)))
		return do_alloc();
	return free_slot((unsigned)((r >> 24) % st.nheld));
}

/* ---- full checks ------------------------------------------------------------- */

static pfn_t pfn_of_link(const struct list *l)
{
	return mem_frame_pfn(&mem, container_of(l, struct frame, link));
}

/* Every page on a free list or in a cache is owned by nobody; returns their count or -1. */
static int64_t free_pages_unowned(void)
{
	int64_t pages = 0;
	unsigned z, k, h;
	pfn_t i;

	for (z = 0; z < ZONE_COUNT; z++) {
		const struct list *l;

		for (k = 0; k < MAX_ORDER; k++) {
			list_for_each(l, &mem.zones[z].free[k].blocks) {
				pfn_t pfn = pfn_of_link(l);

				for (i = 0; i < ((pfn_t)1 << k); i++)
					if (st.owner[pfn + i - BASE_PFN] != NOBODY) {
						fail("a held page is on a free list", pfn + i);
						return -1;
					}
				pages += (int64_t)1 << k;
			}
		}
		for (h = 0; h < NHARTS; h++) {
			list_for_each(l, &mem.pcp[h][z].pages) {
				pfn_t pfn = pfn_of_link(l);

				if (st.owner[pfn - BASE_PFN] != NOBODY) {
					fail("a held page is in a cache", pfn);
					return -1;
				}
				pages++;
			}
		}
	}
	return pages;
}

static bool full_check(void)
{
	uint64_t held = 0;
	int64_t free_pages;
	unsigned i;

	if (!buddy_check(&mem, st.why, sizeof(st.why)))
		return false;
	free_pages = free_pages_unowned();
	if (free_pages < 0)
		return false;
	for (i = 0; i < st.nheld; i++)
		held += (uint64_t)1 << st.held[i].order;
	if (held != st.held_pages || (uint64_t)free_pages + held != managed_total())
		return fail("free + cached + held pages differ from managed pages", 0);
	return true;
}

/* ---- one seed ------------------------------------------------------------------ */

static void setup(uint64_t seed)
{
	unsigned i;

	memset(&mem, 0, sizeof(mem));
	memset(&st, 0, sizeof(st));
	memset(st.owner, 0xff, sizeof(st.owner));
	st.rng = seed * 0x9e3779b97f4a7c15ull + 1;   /* never 0 */
	mem.dma_limit = pfn_to_pa(DMA_LIMIT_PFN);
	for (i = 0; i < ARRAY_SIZE(ram); i++)
		if (mem_add_block(&mem, ram[i].first, ram[i].count, frames[i]) != ERR_OK)
			abort();
	cur_hart = 0;
	buddy_init(&mem, NHARTS, stress_hart);
	buddy_add_range(&mem, ram[0].first, RESERVED_PFN - ram[0].first);
	buddy_add_range(&mem, RESERVED_PFN + RESERVED_PAGES,
			ram[0].first + ram[0].count - RESERVED_PFN - RESERVED_PAGES);
	buddy_add_range(&mem, ram[1].first, ram[1].count);
	buddy_set_watermarks(&mem);
	buddy_set_shrinker(stress_shrinker, NULL);
}

/* Free everything; the lists must be as after setup and every counter balanced. */
static bool finish(const uint64_t baseline[ZONE_COUNT][MAX_ORDER])
{
	unsigned z, k;

	buddy_set_shrinker(NULL, NULL);
	while (st.nheld)
		if (!free_slot(st.nheld - 1))
			return false;
	buddy_drain_caches(&mem);
	if (!full_check())
		return false;
	for (z = 0; z < ZONE_COUNT; z++) {
		const struct zone *zone = &mem.zones[z];
		uint64_t out = 0, in = 0;

		for (k = 0; k < MAX_ORDER; k++) {
			if (zone->free[k].count != baseline[z][k])
				return fail("free lists not as at the start after all is freed", 0);
			out += zone->stats.allocs[k] << k;
			in += zone->stats.frees[k] << k;
		}
		if (zone->free_pages != zone->managed_pages || out != in || zone->stats.bad_frees)
			return fail("counters unbalanced after freeing all", 0);
	}
	return true;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static bool run_seed(uint64_t seed, uint64_t ops, double *seconds)
{
	uint64_t baseline[ZONE_COUNT][MAX_ORDER], op;
	unsigned z, k;
	double t0;

	setup(seed);
	for (z = 0; z < ZONE_COUNT; z++)
		for (k = 0; k < MAX_ORDER; k++)
			baseline[z][k] = mem.zones[z].free[k].count;
	if (!full_check())
		return false;
	t0 = now();
	for (op = 0; op < ops; op++) {
		if (!do_op(op))
			return false;
		if (op % CHECK_EVERY == CHECK_EVERY - 1 && !full_check())
			return false;
	}
	*seconds = now() - t0;
	return finish((const uint64_t (*)[MAX_ORDER])baseline);
}

/* ---- main -------------------------------------------------------------------------- */

static unsigned parse_seeds(int argc, char **argv, uint64_t *seeds)
{
	unsigned n = stress_seeds(argc, argv, "BUDDY_STRESS_SEEDS", seeds, MAX_SEEDS);

	if (n)
		return n;
	for (; n < DEFAULT_SEEDS; n++)
		seeds[n] = 0x5eed0000u + n;
	return n;
}

/* Run one seed and print its TAP line and figures.  Returns the seconds it took. */
static double tap_seed(unsigned number, uint64_t seed, uint64_t ops)
{
	double s = 0;
	bool ok = run_seed(seed, ops, &s);

	test_count++;
	test_current_name = "stress_buddy";  /* the failure line's prefix on stderr */
	if (!ok) {
		test_failed++;
		test_failure_note("seed 0x%llx: %s", (unsigned long long)seed, st.why);
	}
	printf("# seed 0x%llx: %llu allocs, %llu failed, %llu frees, %llu shrinks; "
	       "%.2f s, %.0f ops/s\n", (unsigned long long)seed,
	       (unsigned long long)st.allocs, (unsigned long long)st.failures,
	       (unsigned long long)st.frees, (unsigned long long)st.shrinks, s,
	       s > 0 ? (double)ops / s : 0.0);
	printf("%s %u - seed 0x%llx: %llu random operations\n", ok ? "ok" : "not ok", number,
	       (unsigned long long)seed, (unsigned long long)ops);
	fflush(stdout);
	return s;
}

int main(int argc, char **argv)
{
	uint64_t seeds[MAX_SEEDS], ops = DEFAULT_OPS;
	double seconds = 0;
	unsigned n, i;

	if (argc > 1)
		ops = strtoull(argv[1], NULL, 0);
	else if (getenv("BUDDY_STRESS_OPS"))
		ops = strtoull(getenv("BUDDY_STRESS_OPS"), NULL, 0);
	n = parse_seeds(argc, argv, seeds);
	arena = aligned_alloc(PAGE_SIZE, (size_t)ARENA_PAGES * PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(ram); i++)
		frames[i] = calloc(ram[i].count, sizeof(struct frame));
	if (!arena || !frames[0] || !frames[1])
		return 1;
	phys_set_window(pfn_to_pa(BASE_PFN), arena, (uint64_t)ARENA_PAGES * PAGE_SIZE);
	printf("# %u seeds x %llu operations, full check every %u, MAX_ORDER %u\n", n,
	       (unsigned long long)ops, CHECK_EVERY, MAX_ORDER);
	for (i = 0; i < n; i++)
		seconds += tap_seed(i + 1, seeds[i], ops);
	printf("# total: %llu operations in %.2f s, %.0f ops/s\n",
	       (unsigned long long)(ops * n), seconds,
	       seconds > 0 ? (double)(ops * n) / seconds : 0.0);
	phys_set_window(0, NULL, 0);
	for (i = 0; i < ARRAY_SIZE(ram); i++)
		free(frames[i]);
	free(arena);
	return test_done();
}
