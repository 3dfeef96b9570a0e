/*
 * Host unit tests of the slab allocator (mm/slab.c, mm/slab_check.c; API
 * and rules in mm/slab.h): creating, using and destroying caches, object
 * alignment and constructors, shrinking (by hand and by the buddy's
 * shrinker) without leaks, the per-hart magazines, slabinfo counters, and
 * destroy refused while objects live.  kmalloc and debug mode have files of
 * their own (test_kmalloc.c, test_slab_debug.c); all run on the arena of
 * slab_arena.h.
 */
#include <stdlib.h>
#include <string.h>

#include "slab_arena.h"

#define HOARD_MAX ARENA_PAGES
#define MAG_SMALL_BATCH 16u              /* mm/slab_internal.h: MAG_MAX / 2 for objects <= 256 B */

/* Shrink every cache on every hart: all free objects and empty slabs go back. */
static void shrink_all_harts(void)
{
	struct kmem_cache *c;
	unsigned h;

	for (h = 0; h < NHARTS; h++) {
		cur_hart = h;
		for (c = kmem_cache_next(NULL); c; c = kmem_cache_next(c))
			kmem_cache_shrink(c);
	}
	cur_hart = 0;
}

static uint64_t slabs_of(const struct slab_stats *s)
{
	return s->slabs_full + s->slabs_partial + s->slabs_empty;
}

/* ---- caches ---------------------------------------------------------------------- */

static void test_create_refuses_bad_arguments(void)
{
	struct kmem_cache *c;

	CHECK(kmem_cache_create(&mem, "zero", 0, 0, 0, NULL) == NULL);
	CHECK(kmem_cache_create(&mem, "big", SLAB_MAX_SIZE + 1, 0, 0, NULL) == NULL);
	CHECK(kmem_cache_create(&mem, "align3", 32, 3, 0, NULL) == NULL);
	CHECK(kmem_cache_create(&mem, "align24", 32, 24, 0, NULL) == NULL);
	CHECK(kmem_cache_create(&mem, "align8k", 32, 2 * PAGE_SIZE, 0, NULL) == NULL);
	CHECK(kmem_cache_create(&mem, NULL, 32, 0, 0, NULL) == NULL);
	CHECK(kmem_cache_create(&mem, "flags", 32, 0, 1u << 20, NULL) == NULL);
	c = kmem_cache_create(&mem, "max-size", SLAB_MAX_SIZE, PAGE_SIZE, 0, NULL);
	CHECK(c != NULL);
	kmem_cache_destroy(c);
}

static void test_alloc_free_destroy(void)
{
	uint64_t start = total_free();
	struct kmem_cache *c = kmem_cache_create(&mem, "plain-40", 40, 0, 0, NULL), *it;
	void *p[200];
	unsigned i;
	bool listed = false;

	CHECK(c != NULL);
	for (i = 0; i < 200; i++) {
		p[i] = kmem_cache_alloc(c, 0);
		CHECK(p[i] != NULL);
		memset(p[i], (int)i, 40);
	}
	for (i = 0; i < 200; i++)
		CHECK(((uint8_t *)p[i])[39] == (uint8_t)i);
	CHECK(disjoint(p, 200, 40));
	CHECK_EQ_U64(stats(c).active_objects, 200);
	CHECK_CACHE_OK(c);
	for (i = 0; i < 200; i++)
		kmem_cache_free(c, p[i]);
	CHECK_EQ_U64(stats(c).active_objects, 0);
	CHECK_CACHE_OK(c);
	for (it = kmem_cache_next(NULL); it; it = kmem_cache_next(it))
		listed |= it == c;
	CHECK(listed);
	kmem_cache_destroy(c);
	for (it = kmem_cache_next(NULL); it; it = kmem_cache_next(it))
		CHECK(it != c);
	CHECK_EQ_U64(total_free(), start);
}

static unsigned ctor_calls;
static const char ctor_mark[] = "constructed";

static void ctor(void *obj)
{
	ctor_calls++;
	memcpy(obj, ctor_mark, sizeof(ctor_mark));
}

/* The ctor runs for each object when its slab is made, and not on alloc or free. */
static void test_ctor_runs_once_per_object_when_a_slab_is_made(void)
{
	struct kmem_cache *c = kmem_cache_create(&mem, "ctor-32", 32, 0, 0, ctor);
	unsigned per_slab, i, n;
	void **p;

	ctor_calls = 0;
	CHECK(c != NULL);
	per_slab = (unsigned)stats(c).objects_per_slab;
	p = calloc(2 * per_slab, sizeof(*p));
	CHECK_EQ_U64(ctor_calls, 0);
	p[0] = kmem_cache_alloc(c, 0);
	CHECK_EQ_U64(ctor_calls, per_slab);
	for (i = 1; i < per_slab + 1; i++)
		p[i] = kmem_cache_alloc(c, 0);
	n = per_slab + 1;
	CHECK_EQ_U64(ctor_calls, 2 * per_slab);
	for (i = 0; i < n; i++)
		CHECK(p[i] && memcmp(p[i], ctor_mark, sizeof(ctor_mark)) == 0);
	for (i = 0; i < n; i++)
		kmem_cache_free(c, p[i]);
	for (i = 0; i < n; i++) {
		p[i] = kmem_cache_alloc(c, 0);
		CHECK(p[i] && memcmp(p[i], ctor_mark, sizeof(ctor_mark)) == 0);
	}
	CHECK_EQ_U64(ctor_calls, 2 * per_slab);
	for (i = 0; i < n; i++)
		kmem_cache_free(c, p[i]);
	CHECK_CACHE_OK(c);
	kmem_cache_destroy(c);
	free(p);
}

static void test_alignment_is_honoured(void)
{
	static const size_t aligns[] = { 0, 1, 8, 16, 32, 64, 128, 256, 1024, PAGE_SIZE };
	static const size_t sizes[] = { 1, 24, 100, 1000 };
	void *p[40];
	unsigned a, s, i;

	for (a = 0; a < ARRAY_SIZE(aligns); a++) {
		for (s = 0; s < ARRAY_SIZE(sizes); s++) {
			struct kmem_cache *c = kmem_cache_create(&mem, "align", sizes[s], aligns[a], 0, NULL);
			size_t want = aligns[a] < 8 ? 8 : aligns[a];

			CHECK(c != NULL);
			for (i = 0; i < 40; i++) {
				p[i] = kmem_cache_alloc(c, 0);
				CHECK(p[i] && IS_ALIGNED((uintptr_t)p[i], want));
			}
			CHECK(disjoint(p, 40, sizes[s]));
			for (i = 0; i < 40; i++)
				kmem_cache_free(c, p[i]);
			kmem_cache_destroy(c);
		}
	}
	{
		struct kmem_cache *c = kmem_cache_create(&mem, "hwcache", 24, 0, SLAB_HWCACHE_ALIGN, NULL);

		for (i = 0; i < 40; i++) {
			p[i] = kmem_cache_alloc(c, 0);
			CHECK(p[i] && IS_ALIGNED((uintptr_t)p[i], SLAB_CACHE_LINE));
		}
		for (i = 0; i < 40; i++)
			kmem_cache_free(c, p[i]);
		kmem_cache_destroy(c);
	}
}

/* Three slabs' worth of objects, each filled with its own byte: none is disturbed. */
static void test_objects_never_overlap(void)
{
	struct kmem_cache *c = kmem_cache_create(&mem, "overlap-24", 24, 0, 0, NULL);
	unsigned n = 3 * (unsigned)stats(c).objects_per_slab, i;
	void **p = calloc(n, sizeof(*p));

	for (i = 0; i < n; i++) {
		p[i] = kmem_cache_alloc(c, 0);
		CHECK(p[i] != NULL);
		memset(p[i], (int)(i * 7 + 1), 24);
	}
	for (i = 0; i < n; i++) {
		const uint8_t *q = p[i];

		CHECK(q[0] == (uint8_t)(i * 7 + 1) && q[23] == (uint8_t)(i * 7 + 1));
	}
	for (i = 0; i < n; i++)
		kmem_cache_free(c, p[i]);
	CHECK(disjoint(p, n, 24));
	kmem_cache_destroy(c);
	free(p);
}

/* ---- shrinking and leaks --------------------------------------------------------- */

static void test_shrink_frees_empty_slabs_and_nothing_leaks(void)
{
	struct kmem_cache *c = kmem_cache_create(&mem, "shrink-100", 100, 0, 0, NULL);
	uint64_t start, pages;
	struct slab_stats s;
	void *p[1000];
	unsigned i;

	shrink_all_harts();
	start = total_free();
	for (i = 0; i < 1000; i++) {
		cur_hart = i % NHARTS;
		p[i] = i % 3 ? kmem_cache_alloc(c, 0) : kmalloc(1 + (i * 37) % 9000, i % 2 ? ALLOC_DMA : 0);
		CHECK(p[i] != NULL);
	}
	CHECK(total_free() < start);
	for (i = 0; i < 1000; i++) {
		cur_hart = (i / 7) % NHARTS;
		if (i % 3)
			kmem_cache_free(c, p[i]);
		else
			kfree(p[i]);
	}
	cur_hart = 0;
	s = stats(c);
	CHECK(s.slabs_empty <= SLAB_KEEP_EMPTY);
	CHECK_EQ_U64(s.active_objects, 0);
	pages = kmem_cache_shrink(c);
	cur_hart = 1;
	pages += kmem_cache_shrink(c);
	cur_hart = 0;
	CHECK_EQ_U64(pages, slabs_of(&s) * (s.slab_size / PAGE_SIZE));
	s = stats(c);
	CHECK_EQ_U64(slabs_of(&s), 0);
	CHECK_EQ_U64(s.cached_objects, 0);
	shrink_all_harts();
	CHECK_EQ_U64(total_free(), start);
	kmem_cache_destroy(c);
	CHECK_EQ_U64(total_free(), start + 1); /* the descriptor page too */
}

static void test_buddy_shrinker_frees_empty_slabs_under_pressure(void)
{
	static struct frame *hoard[HOARD_MAX];
	static unsigned hoard_order[HOARD_MAX];
	struct kmem_cache *c = kmem_cache_create(&mem, "press-256", 256, 0, 0, NULL);
	unsigned n = 0, i, order;
	struct frame *f;
	struct slab_stats s;
	void *p[400];
	uint64_t start;

	shrink_all_harts();
	start = total_free();
	for (i = 0; i < 400; i++)
		p[i] = kmem_cache_alloc(c, 0);
	for (i = 0; i < 400; i++)
		kmem_cache_free(c, p[i]);
	s = stats(c);
	CHECK(slabs_of(&s) > 0);
	/* Take every page the buddy gives; its failures run the slab's shrinker. */
	for (order = MAX_ORDER; order-- > 0;) {
		while (n < HOARD_MAX && (f = buddy_alloc(&mem, order, 0)) != NULL) {
			hoard[n] = f;
			hoard_order[n++] = order;
		}
	}
	s = stats(c);
	CHECK_EQ_U64(slabs_of(&s), 0);
	CHECK_EQ_U64(s.cached_objects, 0);
	for (i = 0; i < KMALLOC_CLASSES; i++)
		CHECK_EQ_U64(stats(kmalloc_cache(i, false)).slabs_empty, 0);
	for (i = 0; i < n; i++)
		buddy_free(&mem, hoard[i], hoard_order[i]);
	kmem_cache_destroy(c);
	shrink_all_harts();
	CHECK_EQ_U64(total_free(), start + 1);
}

/* ---- per-hart magazines and slabinfo ----------------------------------------------- */

static void test_per_hart_magazines_are_per_hart(void)
{
	struct kmem_cache *c = kmem_cache_create(&mem, "hart-64", 64, 0, 0, NULL);
	void *a, *b, *x, *y, *again;
	uint64_t batch = SLAB_DEBUG_ALL ? 1 : MAG_SMALL_BATCH;

	cur_hart = 0;
	a = kmem_cache_alloc(c, 0);
	CHECK_EQ_U64(stats(c).cached_objects, batch - 1);
	cur_hart = 1;
	b = kmem_cache_alloc(c, 0);
	CHECK_EQ_U64(stats(c).cached_objects, 2 * (batch - 1));
	CHECK(a && b && a != b);
	kmem_cache_free(c, a);              /* hart 1 frees hart 0's object: into hart 1's magazine */
	again = kmem_cache_alloc(c, 0);
	CHECK(again == a);
	cur_hart = 0;
	x = kmem_cache_alloc(c, 0);
	CHECK(x != a && x != b);
	CHECK_EQ_U64(stats(c).cached_objects, 2 * (batch - 1) - (SLAB_DEBUG_ALL ? 0 : 1));
	cur_hart = 5;                       /* beyond nharts: no magazine, straight to the slabs */
	y = kmem_cache_alloc(c, 0);
	CHECK(y && y != a && y != b && y != x);
	CHECK_EQ_U64(stats(c).cached_objects, 2 * (batch - 1) - (SLAB_DEBUG_ALL ? 0 : 1));
	CHECK_EQ_U64(stats(c).active_objects, 4);
	kmem_cache_free(c, y);
	cur_hart = 0;
	kmem_cache_free(c, a);
	kmem_cache_free(c, b);
	kmem_cache_free(c, x);
	CHECK_CACHE_OK(c);
	kmem_cache_destroy(c);
}

static void test_slabinfo_counters_agree(void)
{
	struct kmem_cache *c = kmem_cache_create(&mem, "info-128", 128, 0, 0, NULL), *it;
	unsigned found = 0, i;
	struct slab_stats s;
	void *p[100];

	for (i = 0; i < 100; i++)
		p[i] = kmem_cache_alloc(c, 0);
	for (i = 0; i < 40; i++)
		kmem_cache_free(c, p[i]);
	s = stats(c);
	CHECK_STR(s.name, "info-128");
	CHECK_EQ_U64(s.object_size, 128);
	CHECK_EQ_U64(s.allocs, 100);
	CHECK_EQ_U64(s.frees, 40);
	CHECK_EQ_U64(s.active_objects, 60);
	CHECK_EQ_U64(s.total_objects, slabs_of(&s) * s.objects_per_slab);
	CHECK(s.active_objects + s.cached_objects <= s.total_objects);
	CHECK(s.objects_per_slab >= 8 && s.objects_per_slab * 128 <= s.slab_size);
	if (!SLAB_DEBUG_ALL)
		CHECK_EQ_U64(s.objects_per_slab, (PAGE_SIZE - 48) / 128); /* 48-byte header */
	CHECK_EQ_U64(s.debug_errors, 0);
	for (it = kmem_cache_next(NULL); it; it = kmem_cache_next(it)) {
		struct slab_stats t = stats(it);

		found += strcmp(t.name, "info-128") == 0 || strcmp(t.name, "kmalloc-64") == 0 ||
			 strcmp(t.name, "dma-kmalloc-4096") == 0;
	}
	CHECK_EQ_U64(found, 3);
	for (i = 40; i < 100; i++)
		kmem_cache_free(c, p[i]);
	CHECK_EQ_U64(stats(c).frees, 100);
	CHECK_EQ_U64(stats(c).active_objects, 0);
	CHECK_CACHE_OK(c);
	kmem_cache_destroy(c);
}

static void test_destroy_refuses_while_objects_live(void)
{
	struct kmem_cache *c = kmem_cache_create(&mem, "live-32", 32, 0, 0, NULL);
	void *p = kmem_cache_alloc(c, 0), *q;
	unsigned before = reports;

	kmem_cache_destroy(c);
	CHECK_REPORT(before, "slab: live-32: destroy refused: 1 object(s) still allocated");
	CHECK_EQ_U64(stats(c).debug_errors, 1);
	q = kmem_cache_alloc(c, 0);
	CHECK(q && q != p);
	kmem_cache_free(c, p);
	kmem_cache_free(c, q);
	CHECK_CACHE_OK(c);
	kmem_cache_destroy(c);
	CHECK_EQ_U64(reports, before + 1);
	kmem_cache_destroy(kmalloc_cache(3, false));
	CHECK_REPORT(before + 1, "slab: kmalloc-64: destroy refused: a kmalloc cache");
}

int main(void)
{
	if (!slab_arena_setup())
		return 1;
	RUN(test_create_refuses_bad_arguments);
	RUN(test_alloc_free_destroy);
	RUN(test_ctor_runs_once_per_object_when_a_slab_is_made);
	RUN(test_alignment_is_honoured);
	RUN(test_objects_never_overlap);
	RUN(test_shrink_frees_empty_slabs_and_nothing_leaks);
	RUN(test_buddy_shrinker_frees_empty_slabs_under_pressure);
	RUN(test_per_hart_magazines_are_per_hart);
	RUN(test_slabinfo_counters_agree);
	RUN(test_destroy_refuses_while_objects_live);
	slab_arena_teardown();
	return test_done();
}
