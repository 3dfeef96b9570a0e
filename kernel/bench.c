/*
 * Benchmarks (see kernel/bench.h).  Each figure is net of the cost of an
 * empty measurement, so it counts the work alone.  Every allocator figure is
 * one allocation plus one free: the cache fast paths are what they measure,
 * net of the calling code around the two calls (printed as its own figure,
 * `calling_code`: the same two calls into functions that do nothing).
 * Later issues add IPC and fault round trips to the table.
 */
#include "arch/riscv/csr.h"
#include "arch/riscv/mmu.h"
#include "kernel/bench.h"
#include "kernel/boot.h"
#include "kernel/memory.h"
#include "mm/slab.h"
#include "kernel/printk.h"
#include "kernel/task.h"

#define BENCH_RUNS 15

static volatile uint64_t sink;

static void bench_empty(void)
{
}

static void bench_fdt_open(void)
{
	struct fdt fdt;

	sink = fdt_open(&fdt, boot.fdt.blob, boot.fdt.size, NULL);
}

static void bench_bootinfo_read(void)
{
	static struct boot_info bi;

	sink = bootinfo_read(&boot.fdt, &bi, NULL);
}

static void bench_pt_lookup(void)
{
	paddr_t pa;

	sink = pt_lookup(&kernel_pt, (vaddr_t)bench_pt_lookup, &pa, NULL, NULL);
}

static struct kmem_cache *bench_cache;

static void bench_buddy_order0(void)
{
	buddy_free(&kmem, buddy_alloc(&kmem, 0, 0), 0);
}

/* The same with the per-hart caches off: every call takes the zone lock. */
static void bench_buddy_order0_nocache(void)
{
	kmem.pcp_enabled = false;
	buddy_free(&kmem, buddy_alloc(&kmem, 0, 0), 0);
	kmem.pcp_enabled = true;
}

static void bench_buddy_order3(void)
{
	buddy_free(&kmem, buddy_alloc(&kmem, 3, 0), 3);
}

static void bench_kmalloc64(void)
{
	kfree(kmalloc(64, 0));
}

static void bench_kmem_cache(void)
{
	kmem_cache_free(bench_cache, kmem_cache_alloc(bench_cache, 0));
}

/* Allocator-shaped functions that do nothing, for the calling-code figure. */
static __attribute__((noinline)) void *nothing_alloc(void *owner, unsigned flags)
{
	__asm__ volatile("" ::: "memory");
	(void)flags;
	return owner;
}

static __attribute__((noinline)) void nothing_free(void *owner, void *p)
{
	__asm__ volatile("" ::: "memory");
	(void)owner;
	(void)p;
}

static void bench_calling_code(void)
{
	nothing_free(bench_cache, nothing_alloc(bench_cache, 0));
}

/* Instructions retired by one call of fn: the median of BENCH_RUNS runs. */
static uint64_t measure(void (*fn)(void))
{
	uint64_t runs[BENCH_RUNS];
	unsigned i, j;

	for (i = 0; i < BENCH_RUNS; i++) {
		uint64_t start = rdinstret();

		fn();
		runs[i] = rdinstret() - start;
	}
	for (i = 1; i < BENCH_RUNS; i++) /* insertion sort: 15 numbers */
		for (j = i; j > 0 && runs[j - 1] > runs[j]; j--) {
			uint64_t t = runs[j];

			runs[j] = runs[j - 1];
			runs[j - 1] = t;
		}
	return runs[BENCH_RUNS / 2];
}

static const struct {
	const char *name;
	void (*fn)(void);
	bool alloc_free;   /* net of the calling code, too */
} benches[] = {
	{ "fdt_open", bench_fdt_open, false },
	{ "bootinfo_read", bench_bootinfo_read, false },
	{ "pt_lookup", bench_pt_lookup, false },
	{ "buddy_order0_alloc_free", bench_buddy_order0, true },
	{ "buddy_order0_alloc_free_nocache", bench_buddy_order0_nocache, true },
	{ "buddy_order3_alloc_free", bench_buddy_order3, true },
	{ "kmalloc64_kfree", bench_kmalloc64, true },
	{ "kmem_cache_alloc_free", bench_kmem_cache, true },
};

/*
 * The kernel-core figures (system call, IPC, fault, map) are taken from
 * user space by the `bench` program (user/tests/bench.c), which prints its
 * own lines.
 */
static void bench_user(void)
{
	const struct user_image *img = user_image_find("bench", 5);
	enum exit_reason reason;
	struct task *t;
	err_t err = img ? task_spawn(img, NULL, NULL, &t) : ERR_NOT_FOUND;

	if (err) {
		printk("bench: cannot start the user benchmarks: %s\n", err_name(err));
		return;
	}
	if (task_wait(t, &reason) != 0 || reason != EXIT_NORMAL)
		printk("bench: the user benchmarks failed\n");
	obj_put(&t->obj);
}

void bench_run(void)
{
	uint64_t overhead = measure(bench_empty), calls;
	unsigned i;

	bench_cache = kmem_cache_create(&kmem, "bench-64", 64, 0, 0, NULL);
	if (!bench_cache) {
		printk("bench: cannot create the benchmark cache\n");
		return;
	}
	printk("bench: median of %u runs, net of %lu instructions of measurement; "
	       "alloc+free figures also net of calling_code\n", BENCH_RUNS, overhead);
	printk("bench frame_table_setup_per_gib: %lu instructions\n",
	       memory_setup_instructions_per_gib);
	calls = measure(bench_calling_code);
	printk("bench calling_code: %lu instructions\n", calls);
	for (i = 0; i < ARRAY_SIZE(benches); i++) {
		uint64_t n = measure(benches[i].fn);
		uint64_t off = overhead + (benches[i].alloc_free ? calls : 0);

		printk("bench %s: %lu instructions\n", benches[i].name, n > off ? n - off : 0);
	}
	kmem_cache_destroy(bench_cache);
	bench_user();
}
