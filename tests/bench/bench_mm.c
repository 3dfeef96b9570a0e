/*
 * Host benchmark of the allocators, for valgrind --tool=callgrind: the same
 * operations as the kernel's `bench` flag (kernel/bench.c), on an arena that
 * stands for RAM.  Each op_* function does one operation and is called
 * OP_CALLS times; tools/bench-host.py runs this under callgrind, collecting
 * only inside op_* functions, and divides each function's inclusive cost by
 * OP_CALLS: "bench <name>: <n> instructions".
 *
 * Every op_* function, op_calling_code included, is noipa: none is inlined
 * into run() or called in a shape GCC chose from knowing it, so each has the
 * same calling code around its body.
 *
 * Run alone, it only checks that every operation works.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mm/buddy.h"
#include "mm/phys.h"
#include "mm/slab.h"

#define OP_CALLS 1000
#define WARM_UP 64
#define ARENA_PAGES 8192u               /* 32 MiB */
#define ARENA_PA 0x80000000ull

static struct mem m;
static struct kmem_cache *cache;

static unsigned hart0(void)
{
	return 0;
}

/* RAM: the arena, all of it free. */
static void setup(void)
{
	uint8_t *arena = aligned_alloc(PAGE_SIZE, (size_t)ARENA_PAGES * PAGE_SIZE);
	struct frame *frames = calloc(ARENA_PAGES, sizeof(*frames));

	if (!arena || !frames) {
		fprintf(stderr, "bench_mm: no memory for the arena\n");
		exit(1);
	}
	phys_set_window(ARENA_PA, arena, (uint64_t)ARENA_PAGES * PAGE_SIZE);
	mem_add_block(&m, pa_to_pfn(ARENA_PA), ARENA_PAGES, frames);
	buddy_init(&m, 1, hart0);
	buddy_add_range(&m, pa_to_pfn(ARENA_PA), ARENA_PAGES);
	buddy_set_watermarks(&m);
	kmalloc_init(&m);
	cache = kmem_cache_create(&m, "bench-64", 64, 0, 0, NULL);
}

/* Allocator-shaped functions that do nothing: the calling code of an op. */
__attribute__((noipa)) static void *nothing_alloc(void *owner, unsigned flags)
{
	__asm__ volatile("" ::: "memory");
	(void)flags;
	return owner;
}

__attribute__((noipa)) static void nothing_free(void *owner, void *p)
{
	__asm__ volatile("" ::: "memory");
	(void)owner;
	(void)p;
}

/* Taken off every other figure by tools/bench-host.py, as the kernel does. */
__attribute__((noipa)) static void op_calling_code(void)
{
	nothing_free(cache, nothing_alloc(cache, 0));
}

__attribute__((noipa)) static void op_buddy_order0_alloc_free(void)
{
	buddy_free(&m, buddy_alloc(&m, 0, 0), 0);
}

__attribute__((noipa)) static void op_buddy_order0_alloc_free_nocache(void)
{
	m.pcp_enabled = false;
	buddy_free(&m, buddy_alloc(&m, 0, 0), 0);
	m.pcp_enabled = true;
}

__attribute__((noipa)) static void op_buddy_order3_alloc_free(void)
{
	buddy_free(&m, buddy_alloc(&m, 3, 0), 3);
}

__attribute__((noipa)) static void op_kmalloc64_kfree(void)
{
	kfree(kmalloc(64, 0));
}

__attribute__((noipa)) static void op_kmem_cache_alloc_free(void)
{
	kmem_cache_free(cache, kmem_cache_alloc(cache, 0));
}

static void run(void (*op)(void), unsigned times)
{
	while (times--)
		op();
}

int main(void)
{
	static void (*const ops[])(void) = {
		op_calling_code, op_buddy_order0_alloc_free, op_buddy_order0_alloc_free_nocache,
		op_buddy_order3_alloc_free, op_kmalloc64_kfree, op_kmem_cache_alloc_free,
	};
	char why[128];
	unsigned i;

	setup();
	if (!cache) {
		fprintf(stderr, "bench_mm: no cache\n");
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		run(ops[i], WARM_UP); /* fill the per-hart caches: measure the steady state */
		run(ops[i], OP_CALLS);
	}
	if (!buddy_check(&m, why, sizeof(why))) {
		fprintf(stderr, "bench_mm: %s\n", why);
		return 1;
	}
	printf("bench_mm: %u calls of each operation done\n", OP_CALLS);
	return 0;
}
