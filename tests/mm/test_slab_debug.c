/*
 * Host unit tests of the slab debug mode (mm/slab_debug.c; rules in
 * mm/slab.h): one test per problem it reports (double frees, frees of
 * pointers into or outside objects, frees to the wrong cache, red zones
 * overwritten, writes after free, corrupted free pointers), each checking
 * the report's wording and that the caches stay sound.  The memory is the
 * arena of slab_arena.h.
 */
#include <stdlib.h>
#include <string.h>

#include "slab_arena.h"

/* Every counter of a and b but debug_errors agrees. */
static void check_same_counts_(struct slab_stats x, struct slab_stats y, int line)
{
	const struct slab_stats *a = &x, *b = &y;

	if (a->active_objects != b->active_objects || a->cached_objects != b->cached_objects ||
	    a->total_objects != b->total_objects || a->slabs_full != b->slabs_full ||
	    a->slabs_partial != b->slabs_partial || a->slabs_empty != b->slabs_empty ||
	    a->allocs != b->allocs || a->frees != b->frees) {
		test_failure_note("line %d: counters changed", line);
		test_current_failed = 1;
	}
}
#define CHECK_SAME_COUNTS(a, b) check_same_counts_((a), (b), __LINE__)

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
	uint8_t *freed = phys_to_virt(mem_frame_pa(&mem, f));
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

int main(void)
{
	if (!slab_arena_setup())
		return 1;
	RUN(test_debug_double_free);
	RUN(test_debug_free_of_pointer_into_an_object);
	RUN(test_debug_free_to_the_wrong_cache);
	RUN(test_debug_free_of_non_slab_pointers);
	RUN(test_debug_write_past_the_end);
	RUN(test_debug_write_before_the_start);
	RUN(test_debug_write_after_free);
	RUN(test_debug_corrupted_free_pointer);
	slab_arena_teardown();
	return test_done();
}
