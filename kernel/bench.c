/*
 * Benchmarks (see kernel/bench.h).  Each figure is net of the cost of an
 * empty measurement, so it counts the work alone.  Later issues add the
 * allocator, IPC and fault round-trip figures to the table.
 */
#include "arch/riscv/csr.h"
#include "arch/riscv/mmu.h"
#include "kernel/bench.h"
#include "kernel/boot.h"
#include "kernel/printk.h"

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
} benches[] = {
	{ "fdt_open", bench_fdt_open },
	{ "bootinfo_read", bench_bootinfo_read },
	{ "pt_lookup", bench_pt_lookup },
};

void bench_run(void)
{
	uint64_t overhead = measure(bench_empty);
	unsigned i;

	printk("bench: median of %u runs, net of %lu instructions of measurement\n",
	       BENCH_RUNS, overhead);
	for (i = 0; i < ARRAY_SIZE(benches); i++) {
		uint64_t n = measure(benches[i].fn);

		printk("bench %s: %lu instructions\n", benches[i].name,
		       n > overhead ? n - overhead : 0);
	}
}
