/*
 * Host unit tests of the slab allocator and kmalloc (mm/slab.c,
 * mm/kmalloc.c, mm/slab_debug.c, mm/slab_check.c; API and rules in
 * mm/slab.h).  RAM is a 32 MiB arena at physical 0x80000000 behind the phys
 * window; its first quarter is ZONE_DMA, the rest ZONE_DMA32; its last
 * RESERVED_PAGES pages stay reserved (never given to the buddy), so that a
 * free of a pointer into them can be tested.  Two harts share the memory;
 * this_hart() returns cur_hart, which tests switch.
 *
 * One memory and one kmalloc serve the whole run (kmalloc is global): every
 * test gives back what it took, and the leak tests check the buddy's free
 * pages against their starting value.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mm/buddy.h"
#include "mm/phys.h"
#include "mm/slab.h"
#include "test.h"

#ifndef SLAB_DEBUG_ALL
#define SLAB_DEBUG_ALL 0
#endif

#define RAM_PFN 0x80000ull               /* the arena's first pfn: pa 0x80000000 */
#define ARENA_PAGES 8192u                /* 32 MiB */
#define RESERVED_PAGES 16u               /* at the arena's end, kept from the buddy */
#define DMA_LIMIT (pfn_to_pa(RAM_PFN) + (paddr_t)ARENA_PAGES / 4 * PAGE_SIZE)
#define NHARTS 2u
#define HOARD_MAX ARENA_PAGES
#define MAG_SMALL_BATCH 16u              /* mm/slab_internal.h: MAG_MAX / 2 for objects <= 256 B */

static uint8_t *arena;
static struct frame *frames;
static struct mem mem;
static unsigned cur_hart;
static char last_report[256];
static unsigned reports;
static char expected[256];

static unsigned test_hart(void)
{
	return cur_hart;
}

static void capture_report(void *arg, const char *line)
{
	(void)arg;
	reports++;
	snprintf(last_report, sizeof(last_report), "%s", line);
	printf("# report: %s\n", line);
}

/* The report line a test expects, printf-formatted (glibc's %p is the kernel's 0x%lx). */
static const char *expect(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const char *expect(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(expected, sizeof(expected), fmt, ap);
	va_end(ap);
	return expected;
}

/* One more report than `before`, and it reads `line`. */
#define CHECK_REPORT(before, line) do { \
	CHECK_EQ_U64(reports, (before) + 1); \
	CHECK_STR(last_report, (line)); \
	} while (0)

/* Free pages of every zone, per-hart page caches included. */
static uint64_t total_free(void)
{
	uint64_t n = 0;
	unsigned z;

	for (z = 0; z < ZONE_COUNT; z++)
		n += buddy_zone_free_pages(&mem, (enum zone_id)z);
	return n;
}

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

static struct slab_stats stats(struct kmem_cache *c)
{
	struct slab_stats s;

	memset(&s, 0, sizeof(s));
	CHECK(kmem_cache_stats(c, &s));
	return s;
}

static uint64_t slabs_of(const struct slab_stats *s)
{
	return s->slabs_full + s->slabs_partial + s->slabs_empty;
}

static void check_cache_(struct kmem_cache *c, int line)
{
	char why[256];

	if (!kmem_cache_check(c, why, sizeof(why))) {
		printf("#   line %d: kmem_cache_check: %s\n", line, why);
		test_current_failed = 1;
	}
}
#define CHECK_CACHE_OK(c) check_cache_((c), __LINE__)

/* Every counter of a and b but debug_errors agrees. */
static void check_same_counts_(struct slab_stats x, struct slab_stats y, int line)
{
	const struct slab_stats *a = &x, *b = &y;

	if (a->active_objects != b->active_objects || a->cached_objects != b->cached_objects ||
	    a->total_objects != b->total_objects || a->slabs_full != b->slabs_full ||
	    a->slabs_partial != b->slabs_partial || a->slabs_empty != b->slabs_empty ||
	    a->allocs != b->allocs || a->frees != b->frees) {
		printf("#   line %d: counters changed\n", line);
		test_current_failed = 1;
	}
}
#define CHECK_SAME_COUNTS(a, b) check_same_counts_((a), (b), __LINE__)

static paddr_t pa_of(const void *p)
{
	return virt_to_phys(p);
}

static int by_address(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;

	return x < y ? -1 : x > y;
}

/* Sort n pointers and check [p, p + size) never overlap. */
static bool disjoint(void **p, unsigned n, size_t size)
{
	unsigned i;

	qsort(p, n, sizeof(*p), by_address);
	for (i = 1; i < n; i++)
		if ((uintptr_t)p[i - 1] + size > (uintptr_t)p[i])
			return false;
	return true;
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

/* ---- kmalloc -------------------------------------------------------------------- */

static void test_kmalloc_size_classes(void)
{
	static const struct { size_t size, class_size; } cases[] = {
		{ 1, 8 }, { 8, 8 }, { 9, 16 }, { 17, 32 }, { 33, 64 }, { 64, 64 }, { 65, 96 },
		{ 96, 96 }, { 97, 128 }, { 129, 192 }, { 193, 256 }, { 257, 512 },
		{ 513, 1024 }, { 1025, 2048 }, { 2049, 4096 }, { 4096, 4096 },
	};
	unsigned i;
	size_t size;

	CHECK(kmalloc(0, 0) == NULL);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		void *p = kmalloc(cases[i].size, 0);

		CHECK(p != NULL);
		CHECK_EQ_U64(ksize(p), cases[i].class_size);
		kfree(p);
	}
	for (size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size += 7) {
		void *p = kmalloc(size, 0);

		CHECK(p && ksize(p) >= size);
		memset(p, 0x5a, size);
		kfree(p);
	}
	for (i = 0; i < KMALLOC_CLASSES; i++) {
		struct slab_stats s = stats(kmalloc_cache(i, false));
		char name[32];

		snprintf(name, sizeof(name), "kmalloc-%zu", s.object_size);
		CHECK_STR(s.name, name);
		CHECK(s.objects_per_slab * s.object_size <= s.slab_size);
	}
}

/* mm/kmalloc.c's class_of[] table gives, for every size, the smallest class that holds it. */
static void test_kmalloc_picks_the_smallest_class_for_every_size(void)
{
	size_t size;

	for (size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
		void *p = kmalloc(size, 0);
		size_t want = 0;
		unsigned i;

		for (i = 0; i < KMALLOC_CLASSES && !want; i++)
			if (stats(kmalloc_cache(i, false)).object_size >= size)
				want = stats(kmalloc_cache(i, false)).object_size;
		if (ksize(p) != want) {
			printf("#   kmalloc(%zu): %zu bytes, want %zu\n", size, ksize(p), want);
			test_current_failed = 1;
		}
		kfree(p);
	}
}

static void test_kmalloc_power_of_two_classes_are_naturally_aligned(void)
{
	size_t size;

	if (SLAB_DEBUG_ALL)
		return; /* debug mode puts red zones first */
	for (size = 8; size <= KMALLOC_MAX_CACHE_SIZE; size *= 2) {
		void *p = kmalloc(size, 0), *q = kmalloc(size, 0);

		CHECK(IS_ALIGNED((uintptr_t)p, size) && IS_ALIGNED((uintptr_t)q, size));
		kfree(p);
		kfree(q);
	}
}

static void test_kzalloc_zeroes(void)
{
	static const size_t sizes[] = { 8, 200, 4096, 3 * PAGE_SIZE };
	unsigned i;
	size_t j;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint8_t *p = kmalloc(sizes[i], 0), *q;
		bool zero = true;

		memset(p, 0xff, sizes[i]);
		kfree(p);
		q = kzalloc(sizes[i], 0);
		CHECK(q != NULL);
		for (j = 0; q && j < sizes[i]; j++)
			zero &= q[j] == 0;
		CHECK(zero);
		kfree(q);
	}
}

static void test_large_kmalloc_uses_the_buddy(void)
{
	uint64_t start = total_free();
	size_t max = (size_t)(PAGE_SIZE << (MAX_ORDER - 1));
	void *p = kmalloc(KMALLOC_MAX_CACHE_SIZE + 1, 0), *q;

	CHECK(p != NULL && IS_ALIGNED((uintptr_t)p, PAGE_SIZE));
	CHECK_EQ_U64(ksize(p), 2 * PAGE_SIZE);
	CHECK_EQ_U64(total_free(), start - 2);
	memset(p, 0x11, KMALLOC_MAX_CACHE_SIZE + 1);
	kfree(p);
	CHECK_EQ_U64(total_free(), start);
	q = kmalloc(5 * PAGE_SIZE, 0);
	CHECK_EQ_U64(ksize(q), 8 * PAGE_SIZE);
	kfree(q);
	p = kmalloc(max, 0);
	CHECK(p != NULL);
	CHECK_EQ_U64(ksize(p), max);
	kfree(p);
	CHECK(kmalloc(max + 1, 0) == NULL);
	CHECK_EQ_U64(total_free(), start);
}

static void test_dma_caches_return_dma_memory(void)
{
	struct kmem_cache *c = kmem_cache_create(&mem, "dma-obj", 100, 0, SLAB_DMA, NULL);
	void *p[50], *q, *big, *d32;
	unsigned i;

	CHECK_STR(stats(kmalloc_cache(3, true)).name, "dma-kmalloc-64");
	for (i = 0; i < 50; i++) {
		p[i] = kmalloc(64, ALLOC_DMA);
		CHECK(p[i] && pa_of(p[i]) < DMA_LIMIT);
	}
	q = kmalloc(64, 0);
	CHECK(q && pa_of(q) >= DMA_LIMIT);
	big = kmalloc(10000, ALLOC_DMA);
	CHECK(big && pa_of(big) < DMA_LIMIT);
	d32 = kmalloc(500, ALLOC_DMA32);
	CHECK(d32 && pa_of(d32) < DMA_LIMIT);
	kfree(q);
	kfree(big);
	kfree(d32);
	for (i = 0; i < 50; i++) {
		kfree(p[i]);
		p[i] = kmem_cache_alloc(c, 0);
		CHECK(p[i] && pa_of(p[i]) < DMA_LIMIT);
	}
	for (i = 0; i < 50; i++)
		kmem_cache_free(c, p[i]);
	kmem_cache_destroy(c);
}

/* kfree takes any slab object back to its own cache; NULL and unknown pointers are harmless. */
static void test_kfree_of_cache_objects_null_and_ksize_of_unknown(void)
{
	struct kmem_cache *c = kmem_cache_create(&mem, "kfree-72", 72, 0, 0, NULL);
	void *p = kmem_cache_alloc(c, 0);
	unsigned before = reports;
	int local;

	CHECK_EQ_U64(ksize(p), 72);
	kfree(p);
	CHECK_EQ_U64(stats(c).active_objects, 0);
	kfree(NULL);
	CHECK_EQ_U64(reports, before);
	CHECK_EQ_U64(ksize(NULL), 0);
	CHECK_EQ_U64(ksize(&local), 0);
	kmem_cache_destroy(c);
}

/*
 * A large kmalloc block's head is FRAME_KMALLOC until it is freed; kfree
 * refuses any other buddy block (a page table, a cache descriptor, ...),
 * which stays allocated.
 */
static void test_kfree_refuses_a_buddy_block_kmalloc_did_not_hand_out(void)
{
	uint64_t start = total_free(), errors = kmalloc_debug_errors();
	uint8_t *large = kmalloc(3 * PAGE_SIZE, 0);
	struct frame *lf = mem_frame(&mem, pa_to_pfn(pa_of(large)));
	struct frame *f = buddy_alloc(&mem, 1, 0);
	uint8_t *p = phys_to_virt(pfn_to_pa(mem_frame_pfn(&mem, f)));
	unsigned before = reports;

	CHECK(lf && lf->flags == (FRAME_ALLOCATED | FRAME_KMALLOC));
	CHECK(f && f->flags == FRAME_ALLOCATED);
	CHECK_EQ_U64(ksize(p), 0);
	kfree(p);
	CHECK_REPORT(before, expect("slab: kmalloc: free of non-slab pointer %p", (void *)p));
	kfree(p + PAGE_SIZE);
	CHECK_REPORT(before + 1, expect("slab: kmalloc: free of non-slab pointer %p",
					(void *)(p + PAGE_SIZE)));
	CHECK_EQ_U64(kmalloc_debug_errors(), errors + 2);
	CHECK(f->flags == FRAME_ALLOCATED && f->order == 1);  /* still allocated */
	CHECK_EQ_U64(total_free(), start - 4 - 2);
	buddy_free(&mem, f, 1);                               /* and the buddy takes it back */
	kfree(large);
	CHECK(!(lf->flags & FRAME_KMALLOC));
	CHECK_EQ_U64(reports, before + 2);
	CHECK_EQ_U64(total_free(), start);
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

/* ---- debug mode: one test per problem ---------------------------------------------- */

static struct kmem_cache *debug_cache(const char *name)
{
	struct kmem_cache *c = kmem_cache_create(&mem, name, 64, 0, SLAB_DEBUG, NULL);

	CHECK(c != NULL);
	return c;
}

/* Destroy a debug cache after a test, checking it is still sound. */
static void debug_done(struct kmem_cache *c)
{
	CHECK_CACHE_OK(c);
	CHECK_EQ_U64(stats(c).active_objects, 0);
	kmem_cache_destroy(c);
}

static void test_debug_double_free(void)
{
	struct kmem_cache *c = debug_cache("dbg-double");
	uint8_t *p = kmem_cache_alloc(c, 0), *q, *r;
	unsigned before;
	struct slab_stats s;

	kmem_cache_free(c, p);
	before = reports;
	s = stats(c);
	kmem_cache_free(c, p);
	CHECK_REPORT(before, expect("slab: dbg-double: double free of object %p", (void *)p));
	CHECK_SAME_COUNTS(s, stats(c));
	CHECK_EQ_U64(stats(c).debug_errors, s.debug_errors + 1);
	q = kmem_cache_alloc(c, 0);
	r = kmem_cache_alloc(c, 0);
	CHECK(q == p && r != p);            /* on the freelist once, not twice */
	CHECK_EQ_U64(reports, before + 1);
	kmem_cache_free(c, q);
	kmem_cache_free(c, r);
	debug_done(c);
}

static void test_debug_free_of_pointer_into_an_object(void)
{
	struct kmem_cache *c = debug_cache("dbg-middle");
	uint8_t *p = kmem_cache_alloc(c, 0);
	unsigned before = reports;
	struct slab_stats s = stats(c);

	kmem_cache_free(c, p + 8);
	CHECK_REPORT(before, expect("slab: dbg-middle: free of pointer %p into the middle of "
				    "object %p (offset 8)", (void *)(p + 8), (void *)p));
	CHECK_SAME_COUNTS(s, stats(c));
	kmem_cache_free(c, p - 8);          /* the red zone: no object there at all */
	CHECK_REPORT(before + 1, expect("slab: dbg-middle: free of pointer %p that is not an object",
					(void *)(p - 8)));
	CHECK_SAME_COUNTS(s, stats(c));
	CHECK_EQ_U64(stats(c).debug_errors, 2);
	kmem_cache_free(c, p);
	CHECK_EQ_U64(reports, before + 2);
	debug_done(c);
}

static void test_debug_free_to_the_wrong_cache(void)
{
	struct kmem_cache *a = debug_cache("dbg-owner"), *b = debug_cache("dbg-other");
	void *p = kmem_cache_alloc(a, 0), *k = kmalloc(64, 0);
	unsigned before = reports;
	struct slab_stats sa = stats(a), sb = stats(b);

	kmem_cache_free(b, p);
	CHECK_REPORT(before, expect("slab: dbg-other: free of object %p that belongs to cache "
				    "dbg-owner", p));
	CHECK_SAME_COUNTS(sa, stats(a));
	CHECK_SAME_COUNTS(sb, stats(b));
	CHECK_EQ_U64(stats(b).debug_errors, 1);
	CHECK_EQ_U64(stats(a).debug_errors, 0);
	kmem_cache_free(b, k);              /* a kmalloc object to a cache */
	CHECK_REPORT(before + 1, expect("slab: dbg-other: free of object %p that belongs to cache "
					"kmalloc-64", k));
	kmem_cache_free(a, p);
	kfree(k);
	CHECK_EQ_U64(reports, before + 2);
	debug_done(a);
	debug_done(b);
}

static void test_debug_free_of_non_slab_pointers(void)
{
	struct kmem_cache *c = debug_cache("dbg-stray");
	uint8_t *reserved = arena + (size_t)(ARENA_PAGES - RESERVED_PAGES) * PAGE_SIZE;
	uint64_t errors = kmalloc_debug_errors();
	unsigned before = reports;
	uint8_t *large = kmalloc(3 * PAGE_SIZE, 0);
	struct frame *f = buddy_alloc(&mem, 0, 0);
	uint8_t *freed = phys_to_virt(pfn_to_pa(mem_frame_pfn(&mem, f)));
	int local;

	buddy_free(&mem, f, 0);
	kfree(&local);
	CHECK_REPORT(before, expect("slab: kmalloc: free of non-slab pointer %p", (void *)&local));
	kfree(reserved + 64);
	CHECK_REPORT(before + 1, expect("slab: kmalloc: free of non-slab pointer %p",
					(void *)(reserved + 64)));
	kfree(freed);
	CHECK_REPORT(before + 2, expect("slab: kmalloc: free of non-slab pointer %p", (void *)freed));
	kfree(large + PAGE_SIZE + 8);
	CHECK_REPORT(before + 3, expect("slab: kmalloc: free of pointer %p into the middle of large "
					"allocation %p", (void *)(large + PAGE_SIZE + 8), (void *)large));
	CHECK_EQ_U64(kmalloc_debug_errors(), errors + 4);
	CHECK_EQ_U64(ksize(large), 4 * PAGE_SIZE); /* still allocated */
	kmem_cache_free(c, &local);
	CHECK_REPORT(before + 4, expect("slab: dbg-stray: free of non-slab pointer %p", (void *)&local));
	CHECK_EQ_U64(stats(c).debug_errors, 1);
	kfree(large);
	CHECK_EQ_U64(reports, before + 5);
	debug_done(c);
}

static void test_debug_write_past_the_end(void)
{
	struct kmem_cache *c = debug_cache("dbg-past");
	uint8_t *p = kmem_cache_alloc(c, 0), *q;
	unsigned before = reports;
	struct slab_stats s;

	p[64] = 0x42;
	s = stats(c);
	kmem_cache_free(c, p);
	CHECK_REPORT(before, expect("slab: dbg-past: write past the end of object %p (byte 64 is "
				    "0x42, expected 0xbb)", (void *)p));
	/* The free itself was genuine: it went through, with the red zone repaired. */
	CHECK_EQ_U64(stats(c).frees, s.frees + 1);
	CHECK_EQ_U64(stats(c).active_objects, s.active_objects - 1);
	CHECK_EQ_U64(stats(c).debug_errors, s.debug_errors + 1);
	q = kmem_cache_alloc(c, 0);
	CHECK(q == p);
	kmem_cache_free(c, q);
	CHECK_EQ_U64(reports, before + 1);
	debug_done(c);
}

static void test_debug_write_before_the_start(void)
{
	struct kmem_cache *c = debug_cache("dbg-before");
	uint8_t *p = kmem_cache_alloc(c, 0), *q;
	unsigned before = reports;
	struct slab_stats s;

	p[-1] = 0x42;
	s = stats(c);
	kmem_cache_free(c, p);
	CHECK_REPORT(before, expect("slab: dbg-before: write before the start of object %p (byte -1 "
				    "is 0x42, expected 0xbb)", (void *)p));
	CHECK_EQ_U64(stats(c).frees, s.frees + 1);
	CHECK_EQ_U64(stats(c).debug_errors, s.debug_errors + 1);
	q = kmem_cache_alloc(c, 0);
	CHECK(q == p);
	kmem_cache_free(c, q);
	CHECK_EQ_U64(reports, before + 1);
	debug_done(c);
}

static void test_debug_write_after_free(void)
{
	struct kmem_cache *c = debug_cache("dbg-uaf");
	uint8_t *p = kmem_cache_alloc(c, 0), *q, *r;
	unsigned before = reports;
	struct slab_stats s;

	kmem_cache_free(c, p);
	p[20] = 0x42;
	s = stats(c);
	q = kmem_cache_alloc(c, 0);
	CHECK(q == p);
	CHECK_REPORT(before, expect("slab: dbg-uaf: write after free of object %p (byte 20 is 0x42, "
				    "expected 0x6b)", (void *)p));
	CHECK_EQ_U64(stats(c).allocs, s.allocs + 1);
	CHECK_EQ_U64(stats(c).debug_errors, s.debug_errors + 1);
	kmem_cache_free(c, q);
	r = kmem_cache_alloc(c, 0);         /* freshly poisoned at the free: no new report */
	CHECK(r == p);
	kmem_cache_free(c, r);
	CHECK_EQ_U64(reports, before + 1);
	debug_done(c);
}

/* A freelist link out of its slab, then one into the middle of a neighbour. */
static void test_debug_corrupted_free_pointer(void)
{
	struct kmem_cache *c = debug_cache("dbg-link");
	unsigned per_slab = (unsigned)stats(c).objects_per_slab, i, before = reports;
	uint8_t *p = kmem_cache_alloc(c, 0), *q;
	uint64_t bad = 0x1234, bad2;
	void **all = calloc(per_slab + 1, sizeof(*all));
	struct slab_stats s;

	kmem_cache_free(c, p);
	memcpy(p, &bad, sizeof(bad));
	s = stats(c);
	q = kmem_cache_alloc(c, 0);
	CHECK(q == p);
	CHECK_REPORT(before, expect("slab: dbg-link: corrupted free pointer 0x1234 in free object %p",
				    (void *)p));
	CHECK_EQ_U64(stats(c).allocs, s.allocs + 1);
	CHECK_EQ_U64(stats(c).active_objects, s.active_objects + 1);
	CHECK_CACHE_OK(c);
	kmem_cache_free(c, q);
	memcpy(&bad2, p, sizeof(bad2));     /* p's link: the next free object */
	bad2 += 8;
	memcpy(p, &bad2, sizeof(bad2));
	q = kmem_cache_alloc(c, 0);
	CHECK_REPORT(before + 1, expect("slab: dbg-link: corrupted free pointer 0x%lx in free object "
					"%p", (unsigned long)bad2, (void *)p));
	CHECK_CACHE_OK(c);
	all[0] = q;
	for (i = 1; i <= per_slab; i++)
		all[i] = kmem_cache_alloc(c, 0);
	CHECK(disjoint(all, per_slab + 1, 64));
	CHECK_EQ_U64(reports, before + 2);
	for (i = 0; i <= per_slab; i++)
		kmem_cache_free(c, all[i]);
	CHECK_EQ_U64(stats(c).debug_errors, 2);
	free(all);
	debug_done(c);
}

/* ---- set-up ------------------------------------------------------------------------ */

static bool setup(void)
{
	pfn_t count = ARENA_PAGES;

	arena = aligned_alloc(PAGE_SIZE, (size_t)ARENA_PAGES * PAGE_SIZE);
	frames = calloc(ARENA_PAGES, sizeof(*frames));
	if (!arena || !frames)
		return false;
	phys_set_window(pfn_to_pa(RAM_PFN), arena, (uint64_t)ARENA_PAGES * PAGE_SIZE);
	mem.dma_limit = DMA_LIMIT;
	if (mem_add_block(&mem, RAM_PFN, count, frames) != ERR_OK)
		return false;
	buddy_init(&mem, NHARTS, test_hart);
	buddy_add_range(&mem, RAM_PFN, count - RESERVED_PAGES);
	buddy_set_watermarks(&mem);
	slab_set_report(capture_report, NULL);
	kmalloc_init(&mem);
	return true;
}

int main(void)
{
	if (!setup())
		return 1;
	RUN(test_create_refuses_bad_arguments);
	RUN(test_alloc_free_destroy);
	RUN(test_ctor_runs_once_per_object_when_a_slab_is_made);
	RUN(test_alignment_is_honoured);
	RUN(test_objects_never_overlap);
	RUN(test_kmalloc_size_classes);
	RUN(test_kmalloc_picks_the_smallest_class_for_every_size);
	RUN(test_kmalloc_power_of_two_classes_are_naturally_aligned);
	RUN(test_kzalloc_zeroes);
	RUN(test_large_kmalloc_uses_the_buddy);
	RUN(test_dma_caches_return_dma_memory);
	RUN(test_kfree_of_cache_objects_null_and_ksize_of_unknown);
	RUN(test_kfree_refuses_a_buddy_block_kmalloc_did_not_hand_out);
	RUN(test_shrink_frees_empty_slabs_and_nothing_leaks);
	RUN(test_buddy_shrinker_frees_empty_slabs_under_pressure);
	RUN(test_per_hart_magazines_are_per_hart);
	RUN(test_slabinfo_counters_agree);
	RUN(test_destroy_refuses_while_objects_live);
	RUN(test_debug_double_free);
	RUN(test_debug_free_of_pointer_into_an_object);
	RUN(test_debug_free_to_the_wrong_cache);
	RUN(test_debug_free_of_non_slab_pointers);
	RUN(test_debug_write_past_the_end);
	RUN(test_debug_write_before_the_start);
	RUN(test_debug_write_after_free);
	RUN(test_debug_corrupted_free_pointer);
	buddy_set_shrinker(NULL, NULL);
	phys_set_window(0, NULL, 0);
	free(frames);
	free(arena);
	return test_done();
}
