/*
 * pbench: the pager's benchmarks, measured from inside a client (the
 * pager's fault path as the faulting thread sees it), median of 31:
 *   pager_fault_anon             first touch of an anonymous page: fault ->
 *                                pager -> zeroed pool page -> map -> resume
 *                                (a fresh page: the kernel zeroed its whole
 *                                2 MiB chunk when the pager took it)
 *   pager_fault_anon_reused      the same with a page given back before, which
 *                                the pager zeroes during the fault
 *   pager_fault_file             first touch of a read-only page of the
 *                                program file (mapped from the boot image, no copy)
 *   pager_fault_anon_10k_regions the anonymous fault with 10,000 regions
 *   pager_bytes_per_page, pager_bytes_per_region  the pager's metadata
 */
#include "bench.h"
#include "pager/client.h"

#define FILE_PAGES 40
#define MANY_REGIONS 10000
#define MANY_BASE 0x2000000000ul

static long pager;
static const uint64_t file_pages[FILE_PAGES][512] = { { 1 } };   /* .rodata: file pages */
static volatile uint8_t *next_anon;
static unsigned next_file;

static uint64_t touch_anon(void)
{
	uint64_t t0 = rdinstret();

	(void)*next_anon;
	t0 = rdinstret() - t0;
	next_anon += PAGE_SIZE;
	return t0;
}

static uint64_t touch_file(void)
{
	const volatile uint64_t *p = file_pages[next_file++];
	uint64_t t0 = rdinstret();

	(void)*p;
	return rdinstret() - t0;
}

static uint64_t anon_region(unsigned pages)
{
	struct msg m;

	if (pager_request(pager, PAGER_MAP_ANON, 0, pages * PAGE_SIZE, MAP_READ | MAP_WRITE, 0, &m))
		return 0;
	return m.w[0];
}

int main(long pager_handle)
{
	struct msg m;
	unsigned i, made = 0;

	pager = pager_handle;
	next_anon = (volatile uint8_t *)anon_region(BENCH_RUNS + 1);
	bench_print("pager_fault_anon", touch_anon);
	pager_request(pager, PAGER_UNMAP, (uint64_t)next_anon - (BENCH_RUNS + 1) * PAGE_SIZE,
		      (BENCH_RUNS + 1) * PAGE_SIZE, 0, 0, &m);   /* its pages back to the pool */
	next_anon = (volatile uint8_t *)anon_region(BENCH_RUNS + 1);
	bench_print("pager_fault_anon_reused", touch_anon);
	bench_print("pager_fault_file", touch_file);
	for (i = 0; i < MANY_REGIONS; i++)
		made += !pager_request(pager, PAGER_MAP_ANON, MANY_BASE + 2 * i * PAGE_SIZE,
				       PAGE_SIZE, MAP_READ, PAGER_FIXED, &m);
	check_eq("10,000 regions made", made, MANY_REGIONS);
	next_anon = (volatile uint8_t *)anon_region(BENCH_RUNS + 1);
	bench_print("pager_fault_anon_10k_regions", touch_anon);
	pager_request(pager, PAGER_INFO, 0, 0, 0, 0, &m);
	printf("bench pager_bytes_per_page: %lu bytes\n", (unsigned long)m.w[0]);
	printf("bench pager_bytes_per_region: %lu bytes\n", (unsigned long)m.w[1]);
	return test_failures;
}
