/*
 * swapbench: what swapping costs, measured from inside a client under
 * tools/boot --icount (one hart: rdinstret then counts every instruction
 * the hart retires, the kernel's, the pager's and the driver's included).
 *
 *   swapbench MIB ACCESSES
 *
 * Prints "bench <name>: <n> instructions" lines:
 *   swap_workload           MIB MiB written page by page, then ACCESSES
 *                           seeded random accesses (half writes), start to
 *                           end: run it with swap in little RAM and without
 *                           in enough, and compare
 *   swap_in_roundtrip       the median of touching a page that is on swap:
 *                           trap, pager, disk read, copy, map, resume (and,
 *                           on some, the reclaim that makes room)
 *   swap_in_roundtrip_mean  ... their mean: the reclaims spread over all
 *   swap_scan_per_page      the lists' sampling, per page looked at
 *   swap_reclaim_per_page   sampling and writing out, per page given back
 *   swap_in_read_per_page   the pager's disk read and copy, per page read
 * the last three from the pager's counters (PAGER_SWAP_STATS).  Without
 * swap only the workload.
 *
 * None of them holds the waiting for the disk.  QEMU does the disk's work
 * in host time, and with a disk --icount runs sleep=on: while the hart
 * sleeps in the idle thread, QEMU moves the instruction counter on with
 * the clock (one count a nanosecond at shift=0), so what the hart "retires"
 * then is host time, not instructions, and no two runs agree.  It is taken
 * out: the idle thread's counts (SYS_TASK_USAGE's a4, read outside the
 * measured span) from the workload and the round trips, the driver's
 * (BLK_READ / BLK_WRITE's w[3]) from the pager's counters, and printed
 * apart, on a line of its own, in those counts:
 *   "swapbench: waiting, apart: workload N, swap-in median N, the driver's
 *    per page moved N"
 */
#include "pager/client.h"

#define SAMPLES 63

static long pager;
static uint64_t seed = 0x853c49e6748fea9bull;
static uint64_t swap_in_wait, driver_wait;    /* apart: not instructions */

static void figure(const char *name, uint64_t n)
{
	printf("bench %s: %lu instructions\n", name, n);
}

/* Insertion sort: SAMPLES values. */
static void sort(uint64_t *v, unsigned n)
{
	unsigned i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/* The instructions no task ran so far: the harts' idle threads'. */
static uint64_t waited(void)
{
	struct task_usage u;

	return sys_task_usage(HANDLE_SELF, &u) ? 0 : u.unowned;
}

/* Touch pages that are on swap (the pager holds no pool page for them):
 * the samples' median and mean, the waiting apart. */
static void swap_ins(volatile uint64_t *mem, uint64_t pages)
{
	uint64_t sample[SAMPLES], wait[SAMPLES], sum = 0, p, t, w;
	unsigned n = 0;
	struct msg m;

	for (p = 0; p < pages && n < SAMPLES; p += 7) {
		if (pager_request(pager, PAGER_QUERY_PAGE, (uint64_t)&mem[p * 512], 0, 0, 0, &m) !=
		    -ERR_NOT_FOUND)
			continue;                 /* in memory */
		w = waited();
		t = rdinstret();
		(void)mem[p * 512];
		t = rdinstret() - t;
		wait[n] = waited() - w;
		sample[n] = t - wait[n];
		sum += sample[n++];
	}
	if (!n) {
		printf("swapbench: no page was on swap\n");
		return;
	}
	sort(sample, n);
	sort(wait, n);
	figure("swap_in_roundtrip", sample[n / 2]);
	figure("swap_in_roundtrip_mean", sum / n);
	swap_in_wait = wait[n / 2];
}

static void pager_figures(void)
{
	struct msg counts, instructions;

	if (pager_request(pager, PAGER_SWAP_STATS, 0, 0, 0, 0, &counts) ||
	    pager_request(pager, PAGER_SWAP_STATS, 2, 0, 0, 0, &instructions) ||
	    !counts.w[0] || !counts.w[1] || !counts.w[3])
		return;
	figure("swap_scan_per_page", instructions.w[0] / counts.w[0]);
	figure("swap_reclaim_per_page", (instructions.w[0] + instructions.w[1]) / counts.w[1]);
	figure("swap_in_read_per_page", instructions.w[2] / counts.w[3]);
	driver_wait = instructions.w[3] / (counts.w[2] + counts.w[3]);
}

int main(long handle, const uint64_t *sp)
{
	const char **argv = (const char **)(sp + 1);
	uint64_t pages, accesses, p, i, r, start, wait0, total;
	volatile uint64_t *mem;
	struct msg m;

	pager = handle;
	if (sp[0] != 3 || !parse_number(argv[1], &pages) || !parse_number(argv[2], &accesses) ||
	    !pages || pages > (1ul << 20)) {
		printf("usage: swapbench MIB ACCESSES (MIB: 1 to 1048576)\n");
		return 2;
	}
	pages *= 256;
	if (pager_request(pager, PAGER_MAP_ANON, 0, pages * PAGE_SIZE, MAP_READ | MAP_WRITE, 0, &m))
		return 2;
	mem = (volatile uint64_t *)m.w[0];
	wait0 = waited();
	start = rdinstret();
	for (p = 0; p < pages; p++)
		mem[p * 512] = p;
	for (i = 0; i < accesses; i++) {
		r = xorshift64(&seed);
		p = (r >> 1) % pages;
		if (r & 1)
			mem[p * 512] = p;
		else if (mem[p * 512] != p)
			printf("swapbench: page %lu holds %lu\n", p, mem[p * 512]);
	}
	total = rdinstret() - start;
	wait0 = waited() - wait0;
	figure("swap_workload", total - wait0);
	pager_request(pager, PAGER_SWAP_STATS, 1, 0, 0, 0, &m);
	if (!m.w[0])
		printf("swapbench: no swap: every page stayed in memory\n");
	else {
		swap_ins(mem, pages);
		pager_figures();
	}
	printf("swapbench: waiting, apart: workload %lu, swap-in median %lu, the driver's per page "
	       "moved %lu\n", wait0, swap_in_wait, driver_wait);
	return 0;
}
