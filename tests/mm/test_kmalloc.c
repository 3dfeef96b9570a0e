/*
 * Host unit tests of kmalloc (mm/kmalloc.c; API in mm/slab.h): the size
 * classes and how a size picks one, kzalloc, large blocks from the buddy,
 * the DMA caches, and what kfree and ksize take and refuse.  The memory is
 * the arena of slab_arena.h.
 */
#include <string.h>

#include "slab_arena.h"

/* The physical address of p, through the phys window. */
static paddr_t pa_of(const void *p)
{
	return virt_to_phys(p);
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
			test_failure_note("kmalloc(%zu): %zu bytes, want %zu", size, ksize(p), want);
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
	struct frame *lf = mem_frame_at(&mem, pa_of(large));
	struct frame *f = buddy_alloc(&mem, 1, 0);
	uint8_t *p = phys_to_virt(mem_frame_pa(&mem, f));
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

int main(void)
{
	if (!slab_arena_setup())
		return 1;
	RUN(test_kmalloc_size_classes);
	RUN(test_kmalloc_picks_the_smallest_class_for_every_size);
	RUN(test_kmalloc_power_of_two_classes_are_naturally_aligned);
	RUN(test_kzalloc_zeroes);
	RUN(test_large_kmalloc_uses_the_buddy);
	RUN(test_dma_caches_return_dma_memory);
	RUN(test_kfree_of_cache_objects_null_and_ksize_of_unknown);
	RUN(test_kfree_refuses_a_buddy_block_kmalloc_did_not_hand_out);
	slab_arena_teardown();
	return test_done();
}
