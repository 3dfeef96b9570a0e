/*
 * Benchmarks (see kernel/bench.h).  Every measured body, the empty one
 * included, is called the same way: measure() is noipa and gets the body as
 * a pointer, so each sample is the two counter reads, a jalr into the body,
 * the body with its own frame, and its return.  The bodies are noipa too,
 * so GCC can neither inline one nor shape a call to it from what it knows
 * of it.  A figure is its median net of the empty body's (the counter reads,
 * the call and `ret`), subtracted once.
 *
 * Every allocator figure is one allocation plus one free: the cache fast
 * paths are what they measure.  Each is printed twice: with its calling code
 * (`..._with_calling_code`: the body's frame and the two calls) and without
 * it, net of `calling_code` (the same body calling two functions that do
 * nothing, measured the same way).  tests/figures/call_shape.py checks
 * calling_code against the disassembly.  The kernel-core figures come from
 * user space (user/tests/bench.c).
 */
#include "kernel_arch.h"
#include "kernel/bench.h"
#include "kernel/boot.h"
#include "kernel/memory.h"
#include "mm/slab.h"
#include "kernel/printk.h"
#include "kernel/task.h"

#define BENCH_RUNS 15

static volatile uint64_t sink;

/* A measured body: called through a pointer, never inlined nor analysed. */
#define BENCH_BODY static __attribute__((noipa)) void

BENCH_BODY bench_empty(void)
{
}

BENCH_BODY bench_fdt_open(void)
{
	struct fdt fdt;

	sink = fdt_open(&fdt, boot.fdt.blob, boot.fdt.size, NULL);
}

BENCH_BODY bench_bootinfo_read(void)
{
	static struct boot_info bi;

	sink = bootinfo_read(&boot.fdt, &bi, NULL);
}

BENCH_BODY bench_pt_lookup(void)
{
	paddr_t pa;

	sink = pt_lookup(&kernel_pt, (vaddr_t)bench_pt_lookup, &pa, NULL, NULL);
}

static struct kmem_cache *bench_cache;

BENCH_BODY bench_buddy_order0(void)
{
	buddy_free(&kmem, buddy_alloc(&kmem, 0, 0), 0);
}

/* The same with the per-hart caches off: every call takes the zone lock. */
BENCH_BODY bench_buddy_order0_nocache(void)
{
	kmem.pcp_enabled = false;
	buddy_free(&kmem, buddy_alloc(&kmem, 0, 0), 0);
	kmem.pcp_enabled = true;
}

BENCH_BODY bench_buddy_order3(void)
{
	buddy_free(&kmem, buddy_alloc(&kmem, 3, 0), 3);
}

BENCH_BODY bench_kmalloc64(void)
{
	kfree(kmalloc(64, 0));
}

BENCH_BODY bench_kmem_cache(void)
{
	kmem_cache_free(bench_cache, kmem_cache_alloc(bench_cache, 0));
}

/*
 * Allocator-shaped functions that do nothing, for the calling-code figure:
 * noipa, so they are called as the allocators are (a full call, the
 * argument registers set, nothing assumed of what they clobber).
 */
static __attribute__((noipa)) void *nothing_alloc(void *owner, unsigned flags)
{
	__asm__ volatile("" ::: "memory");
	(void)flags;
	return owner;
}

static __attribute__((noipa)) void nothing_free(void *owner, void *p)
{
	__asm__ volatile("" ::: "memory");
	(void)owner;
	(void)p;
}

BENCH_BODY bench_calling_code(void)
{
	nothing_free(bench_cache, nothing_alloc(bench_cache, 0));
}

/*
 * Instructions retired around one call of fn through a pointer: the median
 * of BENCH_RUNS runs.  noipa: fn stays an unknown pointer, called by jalr,
 * whatever the caller passes.
 */
static __attribute__((noipa)) uint64_t measure(void (*fn)(void))
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

/* Print "bench <name><suffix>: <n - base> instructions"; n below base is said, not floored. */
static void print_net(const char *name, const char *suffix, uint64_t n, uint64_t base)
{
	if (n < base)
		printk("bench %s%s: not measured: %lu instructions, fewer than the %lu taken off\n",
		       name, suffix, n, base);
	else
		printk("bench %s%s: %lu instructions\n", name, suffix, n - base);
}

static const struct {
	const char *name;
	void (*fn)(void);
	bool alloc_free;   /* printed with and without its calling code */
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
	err_t err = img ? task_spawn(img, NULL, NULL, 0, &t) : ERR_NOT_FOUND;

	if (err) {
		printk("bench: cannot start the user benchmarks: %s\n", err_name(err));
		return;
	}
	if (task_wait(t, &reason) != 0 || reason != EXIT_NORMAL)
		printk("bench: the user benchmarks failed\n");
	obj_put(&t->obj);
}

/*
 * Memory set-up as it ran at boot, on all the RAM the kernel has (fixed
 * costs included), and per page of that RAM, rounded to the nearest.
 */
static void frame_table_setup(void)
{
	uint64_t n = memory_setup_instructions, pages = memory_setup_pages;

	printk("bench: frame table set up at boot for %lu pages (%lu MiB of RAM)\n", pages,
	       pages * PAGE_SIZE / MiB);
	printk("bench frame_table_setup: %lu instructions\n", n);
	if (pages)
		printk("bench frame_table_setup_per_page: %lu instructions\n",
		       (n + pages / 2) / pages);
}

void bench_run(void)
{
	uint64_t empty, calls;
	unsigned i;

	bench_cache = kmem_cache_create(&kmem, "bench-64", 64, 0, 0, NULL);
	if (!bench_cache) {
		printk("bench: cannot create the benchmark cache\n");
		return;
	}
	if (!boot.cmdline.icount)
		printk("bench: no word icount: rdinstret may not count instructions here "
		       "(plain QEMU counts host ticks); tools/boot bench counts exactly\n");
	empty = measure(bench_empty);
	calls = measure(bench_calling_code);
	printk("bench: median of %u runs, each body called through a pointer, net of an "
	       "empty body's %lu instructions (counter reads, call, return)\n", BENCH_RUNS, empty);
	frame_table_setup();
	print_net("calling_code", "", calls, empty);
	for (i = 0; i < ARRAY_SIZE(benches); i++) {
		uint64_t n = measure(benches[i].fn);

		if (benches[i].alloc_free) {
			print_net(benches[i].name, "", n, calls);
			print_net(benches[i].name, "_with_calling_code", n, empty);
		} else {
			print_net(benches[i].name, "", n, empty);
		}
	}
	kmem_cache_destroy(bench_cache);
	bench_user();
}
