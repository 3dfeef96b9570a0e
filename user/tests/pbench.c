/*
 * pbench: the pager's benchmarks, measured from inside a client (the
 * pager's fault path as the faulting thread sees it), median of 31:
 *   pager_fault_anon             first touch of an anonymous page in the
 *                                steady state: fault -> pager -> a pool page
 *                                given back before, which the pager zeroes ->
 *                                map -> resume (the target is for this one)
 *   pager_fault_anon_fresh       the same on fresh pages, whose 2 MiB chunk the
 *                                kernel zeroed when the pool took it: median of
 *                                513, so that the run crosses a chunk and the
 *                                pool grows in one sample
 *   ..._max                      the largest sample of each: for _fresh, the
 *                                fault during which the pool took a chunk
 *   pager_fault_file             first touch of a read-only page of the
 *                                program file (mapped from the boot image, no
 *                                copy), with its fault-around of up to 16 more
 *                                (median of 9: the pages are 17 apart)
 *   pager_fault_file_alone       the same fault when every neighbour is mapped
 *                                already: no fault-around
 *   pager_fault_anon_10k_regions the anonymous fault with 10,000 regions
 *   pager_fault_cow              a write to a page shared with a forked
 *                                child: the pager copies it
 *   spawn_cow_1mib               PAGER_FORK of a client with 256 resident pages,
 *                                each written since the last fork (so each
 *                                fork shares all 256 again, as the first does)
 *   pager_bytes_per_page, pager_bytes_per_region  the pager's metadata
 * and where the instructions of three of them go (the breakdown):
 *   <figure>_in_pager            the pager's own, from the fault message to
 *                                its answer built (PAGER_STATS_FAULTS: the
 *                                mean over the figure's runs); the rest of
 *                                the figure is the kernel's and the trap's:
 *                                the fault trap, the IPC to the pager and
 *                                back (two address-space switches), the map
 *   page_zero                    zeroing a 4 KiB page as the pager does
 *                                (the same memset), part of _in_pager
 */
#include "bench.h"
#include "pager/client.h"
#include "pager/pool.h"

#define FILE_STRIDE 17               /* past the pager's fault-around (8 each side) */
#define FILE_RUNS 9
#define FILE_PAGES ((FILE_RUNS + 1) * FILE_STRIDE)
#define MANY_REGIONS 10000
#define MANY_BASE 0x2000000000ul
/*
 * One sample more than a chunk holds: the warm-up and the samples take 514
 * fresh pages, so whatever the pool held before, it grows during a sample.
 */
#define FRESH_RUNS (POOL_CHUNK_PAGES + 1)
/* A chunk taken is at least 2 MiB zeroed by the kernel, 8 bytes a store at most. */
#define GROW_MIN_INSTRUCTIONS (POOL_CHUNK_SIZE / 8)

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
	const volatile uint64_t *p = file_pages[next_file];
	uint64_t t0 = rdinstret();

	(void)*p;
	t0 = rdinstret() - t0;
	next_file += FILE_STRIDE;
	return t0;
}

/*
 * A file page touched again after PAGER_DROP: the pager maps the file's page
 * and finds every neighbour mapped already, so this is a file fault alone,
 * without fault-around.
 */
static unsigned alone_next = 1;

static uint64_t touch_file_alone(void)
{
	const volatile uint64_t *p = file_pages[alone_next++];
	struct msg m;
	uint64_t t0;

	pager_request(pager, PAGER_DROP, (uint64_t)p & ~(PAGE_SIZE - 1), PAGE_SIZE, 0, 0, &m);
	t0 = rdinstret();
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

static void __attribute__((noreturn)) short_child(uint64_t yields)
{
	while (yields--)
		sys_yield();
	sys_exit(0);
}

#define COW_REGION_PAGES (BENCH_RUNS + 1)
#define SPAWN_PAGES 256
#define CHILD_STACK 0x4000ul

static uint64_t child_stack;
static volatile uint64_t *cow_next;
static long last_child;

/* Fork short_child; its task handle in last_child. */
static bool fork_short_child(void)
{
	struct msg m;

	if (pager_request(pager, PAGER_FORK, (uint64_t)short_child, child_stack + CHILD_STACK, 10,
			  0, &m) || !m.handle)
		return false;
	last_child = (long)m.handle;
	return true;
}

static void wait_child(void)
{
	sys_task_wait(last_child);
	sys_handle_close(last_child);
}

static uint64_t touch_cow(void)
{
	uint64_t t0 = rdinstret();

	*cow_next = 1;
	t0 = rdinstret() - t0;
	cow_next += PAGE_SIZE / 8;
	return t0;
}

static volatile uint64_t *spawn_pages;

/*
 * One fork of a client whose 256 pages are all writable: each is written
 * first (outside the count), as a fork leaves them read-only.  Without it
 * every fork after the first shares only the pages written since the last,
 * and the figure depends on what the measuring code itself wrote.
 */
static uint64_t spawn_cow(void)
{
	uint64_t t0, n;
	unsigned i;

	for (i = 0; i < SPAWN_PAGES; i++)
		spawn_pages[i * PAGE_SIZE / 8] = i;
	t0 = rdinstret();

	if (!fork_short_child())
		return 0;
	n = rdinstret() - t0;
	wait_child();
	return n;
}

/* bench_print (with its _max when max), and the pager's own instructions
 * per fault meanwhile. */
static void print_with_pager_part(const char *name, uint64_t (*fn)(void), bool max)
{
	struct msg before, after;

	pager_request(pager, PAGER_STATS_FAULTS, 0, 0, 0, 0, &before);
	if (max)
		bench_print_max(name, fn, BENCH_RUNS);
	else
		bench_print(name, fn);
	pager_request(pager, PAGER_STATS_FAULTS, 0, 0, 0, 0, &after);
	if (check("the faults were counted", after.w[0] > before.w[0]))
		printf("bench %s_in_pager: %lu instructions\n", name,
		       (unsigned long)((after.w[2] - before.w[2]) / (after.w[0] - before.w[0])));
}

static uint8_t zero_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static uint64_t page_zero(void)
{
	uint64_t t0 = rdinstret();

	memset(zero_page, 0, PAGE_SIZE);
	return rdinstret() - t0;
}

/* Fill `pages` fresh anonymous pages; their address. */
static uint64_t touched_region(unsigned pages)
{
	uint64_t a = anon_region(pages);
	unsigned i;

	for (i = 0; a && i < pages; i++)
		((volatile uint64_t *)a)[i * PAGE_SIZE / 8] = i;
	return a;
}

static void cow_benchmarks(void)
{
	uint64_t big;

	child_stack = anon_region(CHILD_STACK / PAGE_SIZE);
	cow_next = (volatile uint64_t *)touched_region(COW_REGION_PAGES);
	check("fork a child that shares our pages", fork_short_child());
	print_with_pager_part("pager_fault_cow", touch_cow, false);
	wait_child();
	big = touched_region(SPAWN_PAGES);
	check("1 MiB resident", big != 0);
	spawn_pages = (volatile uint64_t *)big;
	bench_print_max("spawn_cow_1mib", spawn_cow, BENCH_RUNS);
}

/*
 * The anonymous fault on fresh pages, then in the steady state: on the
 * fresh ones given back, which the pager zeroes as it hands them out again.
 */
static void anon_benchmarks(void)
{
	uint64_t fresh = anon_region(FRESH_RUNS + 1);
	struct bench_figure f;
	struct msg m;

	next_anon = (volatile uint8_t *)fresh;
	f = bench_print_max("pager_fault_anon_fresh", touch_anon, FRESH_RUNS);
	check("the pool grew during a sample (its largest zeroed a 2 MiB chunk)",
	      f.max >= GROW_MIN_INSTRUCTIONS);
	check_eq("the fresh pages go back to the pool",
		 pager_request(pager, PAGER_UNMAP, fresh, (FRESH_RUNS + 1) * PAGE_SIZE, 0, 0, &m),
		 0);
	next_anon = (volatile uint8_t *)anon_region(BENCH_RUNS + 1);
	print_with_pager_part("pager_fault_anon", touch_anon, true);
	bench_print("page_zero", page_zero);
}

int main(long pager_handle)
{
	struct msg m, before, more_before;
	unsigned i, made = 0;

	pager = pager_handle;
	anon_benchmarks();
	bench_print_runs("pager_fault_file", touch_file, FILE_RUNS);
	pager_request(pager, PAGER_STATS_MORE, 0, 0, 0, 0, &m);
	printf("bench pager_fault_around_saved: %lu pages\n", (unsigned long)m.w[3]);
	pager_request(pager, PAGER_STATS, 0, 0, 0, 0, &before);
	pager_request(pager, PAGER_STATS_MORE, 0, 0, 0, 0, &more_before);
	print_with_pager_part("pager_fault_file_alone", touch_file_alone, false);
	pager_request(pager, PAGER_STATS, 0, 0, 0, 0, &m);
	check_eq("each touch was one file fault", (long)(m.w[1] - before.w[1]), BENCH_RUNS + 1);
	pager_request(pager, PAGER_STATS_MORE, 0, 0, 0, 0, &m);
	check_eq("with no fault-around", (long)m.w[3], (long)more_before.w[3]);
	cow_benchmarks();          /* before the 10,000 regions: a fork copies them all */
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
