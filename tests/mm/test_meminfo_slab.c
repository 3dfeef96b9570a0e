/*
 * Host unit tests of mm/meminfo.c on the slab arena (slab_arena.h): a
 * slab's frame names its cache, and so does the last page of a slab of
 * several pages; a kmalloc bigger than any cache is a kmalloc block; and
 * meminfo_slab tells the caches in the order they were made, and each
 * hart's magazine counts.
 */
#include <string.h>

#include "mm/meminfo.h"
#include "mm/phys.h"
#include "slab_arena.h"

/* An object of a cache of our own: its page is a slab of "meminfo-test". */
static void test_slab_frame_names_its_cache(void)
{
	struct kmem_cache *c = kmem_cache_create(&mem, "meminfo-test", 3000, 8, 0, NULL);
	struct meminfo_frame f;
	struct slab_stats st;
	void *p;

	CHECK(c != NULL);
	if (!c)
		return;
	p = kmem_cache_alloc(c, 0);
	CHECK(p != NULL && kmem_cache_stats(c, &st));
	meminfo_frame(&mem, virt_to_phys(p), &f);
	CHECK_EQ_U64(f.state, MEMINFO_FRAME_SLAB);
	CHECK(strcmp(f.slab_cache, "meminfo-test") == 0);
	CHECK_EQ_U64(4096ull << f.order, st.slab_size);
	/* The slab's last page, a tail of its block, tells the same. */
	meminfo_frame(&mem, f.block + st.slab_size - 1, &f);
	CHECK_EQ_U64(f.state, MEMINFO_FRAME_SLAB);
	CHECK(strcmp(f.slab_cache, "meminfo-test") == 0);
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
}

/* 64 KiB from kmalloc is a buddy block of order 4 that says so. */
static void test_big_kmalloc_frame(void)
{
	void *p = kmalloc(64 * 1024, 0);
	struct meminfo_frame f;

	CHECK(p != NULL);
	meminfo_frame(&mem, virt_to_phys(p) + 5 * 4096, &f);
	CHECK_EQ_U64(f.state, MEMINFO_FRAME_KMALLOC);
	CHECK_EQ_U64(f.block, virt_to_phys(p));
	CHECK_EQ_U64(f.order, 4);
	CHECK(f.slab_cache[0] == 0);
	kfree(p);
}

/* The caches, first made first: kmalloc's size classes lead, ours last. */
static void test_slab_list(void)
{
	struct kmem_cache *c = kmem_cache_create(&mem, "meminfo-last", 24, 8, 0, NULL);
	struct meminfo_slab s;
	unsigned n = 0;

	CHECK(c != NULL);
	CHECK(meminfo_slab(0, &s) && strcmp(s.name, "kmalloc-8") == 0 && s.object_size == 8);
	while (meminfo_slab(n, &s))
		n++;
	CHECK(n > 1 && meminfo_slab(n - 1, &s) && strcmp(s.name, "meminfo-last") == 0);
	CHECK(!meminfo_slab(n, &s));
	kmem_cache_destroy(c);
}

/* The cache made last, as meminfo_slab tells it. */
static bool last_cache(struct meminfo_slab *s)
{
	unsigned n = 0;

	while (meminfo_slab(n, s))
		n++;
	return n && meminfo_slab(n - 1, s);
}

/*
 * Each hart's magazine: hart 0 allocates 3 objects (one miss: a batch
 * refilled, then hits), hart 1 allocates 1 and frees all 4 into its own
 * magazine.  The per-hart counts are those calls, and add up to the
 * cache's: the magazines hold what the cache says is cached.
 */
static void test_slab_hart_magazines(void)
{
	struct kmem_cache *c = kmem_cache_create(&mem, "meminfo-mags", 40, 8, 0, NULL);
	struct meminfo_slab s;
	void *p[4];
	unsigned i;

	CHECK(c != NULL);
	if (!c)
		return;
	cur_hart = 0;
	for (i = 0; i < 3; i++)
		p[i] = kmem_cache_alloc(c, 0);
	cur_hart = 1;
	p[3] = kmem_cache_alloc(c, 0);
	CHECK(last_cache(&s) && strcmp(s.name, "meminfo-mags") == 0);
	CHECK_EQ_U64(s.harts, 2);
	CHECK_EQ_U64(s.hart_allocs[0], 3);
	CHECK_EQ_U64(s.hart_allocs[1], 1);
	CHECK(s.hart_refilled[0] >= 3 && s.hart_refilled[1] >= 1);
	CHECK_EQ_U64(s.hart_cached[0] + s.hart_cached[1], s.cached_objects);
	CHECK_EQ_U64(s.hart_cached[0], s.hart_refilled[0] - 3);
	for (i = 0; i < 4; i++)
		kmem_cache_free(c, p[i]);
	CHECK(last_cache(&s));
	CHECK_EQ_U64(s.hart_cached[0] + s.hart_cached[1], s.cached_objects);
	CHECK_EQ_U64(s.hart_cached[1], s.hart_refilled[1] - 1 + 4 - s.hart_drained[1]);
	CHECK_EQ_U64(s.active_objects, 0);
	cur_hart = 0;
	kmem_cache_destroy(c);
}

int main(void)
{
	if (!slab_arena_setup())
		return 1;
	RUN(test_slab_frame_names_its_cache);
	RUN(test_big_kmalloc_frame);
	RUN(test_slab_list);
	RUN(test_slab_hart_magazines);
	slab_arena_teardown();
	return test_done();
}
