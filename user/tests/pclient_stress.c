/*
 * pclient's PC_STRESS mode: four threads fault on the same 64 pages while
 * thread 0 keeps dropping them, against an oracle each thread keeps.
 */
#include "pclient.h"

#define ST_PAGES 64
#define ST_THREADS 4
#define ST_FAULTS 100000
#define ST_DROP_EVERY 16          /* thread 0's touches between two drops */

static volatile uint64_t *st_area;
static uint64_t st_count[ST_THREADS][ST_PAGES];   /* the oracle: each thread's own */
static volatile bool st_stop;
static volatile unsigned st_finished;
static uint64_t st_faults;

/*
 * One stress thread: increments its own word of random pages, counting in
 * the oracle; thread 0 also drops every mapping of the area now and then,
 * so that all threads fault again, often on the same page at once.
 */
static void stress_thread(void *arg)
{
	unsigned long tid = (unsigned long)arg, n = 0;
	uint64_t seed = 0x9e3779b9ul * (tid + 1);
	struct msg m;

	while (!st_stop) {
		unsigned p;

		p = (unsigned)(xorshift64(&seed) % ST_PAGES);
		st_area[p * 512 + tid]++;
		st_count[tid][p]++;
		if (tid || ++n % ST_DROP_EVERY)
			continue;
		pager_request(pager, PAGER_DROP, (uint64_t)st_area, ST_PAGES * PAGE_SIZE, 0, 0, &m);
		pager_request(pager, PAGER_STATS_FAULTS, 0, 0, 0, 0, &m);
		if (m.w[0] >= ST_FAULTS) {
			st_faults = m.w[0];
			st_stop = true;
		}
	}
	__atomic_add_fetch(&st_finished, 1, __ATOMIC_RELEASE);
}

void stress(void)
{
	struct msg m;
	unsigned long t, p, wrong = 0;

	pager_request(pager, PAGER_MAP_ANON, 0, ST_PAGES * PAGE_SIZE, MAP_READ | MAP_WRITE, 0, &m);
	st_area = (volatile uint64_t *)m.w[0];
	for (t = 1; t < ST_THREADS; t++)
		thread_start(stress_thread, (void *)t, PRIORITY_USER);
	stress_thread(0);
	while (__atomic_load_n(&st_finished, __ATOMIC_ACQUIRE) < ST_THREADS)
		sys_yield();
	for (t = 0; t < ST_THREADS; t++)
		for (p = 0; p < ST_PAGES; p++)
			wrong += st_area[p * 512 + t] != st_count[t][p];
	check("100,000 faults served", st_faults >= ST_FAULTS);
	check_eq("every page holds what its last writer wrote", (long)wrong, 0);
	check_books("the pager's books agree after the stress");
	pager_request(pager, PAGER_STATS_FAULTS, 0, 0, 0, 0, &m);
	printf("# pclient: %lu faults, %lu of them on pages the region had\n",
	       (unsigned long)m.w[0], (unsigned long)m.w[1]);
}
