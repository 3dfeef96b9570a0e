/* Median-of-runs measurement for the user benchmarks (bench.c, bench_fault.c). */
#ifndef TESSERA_USER_TESTS_BENCH_H
#define TESSERA_USER_TESTS_BENCH_H

#include "ulib.h"

#define BENCH_RUNS 31

/* What reading the counter twice costs, to take off every sample. */
static inline uint64_t bench_overhead(void)
{
	uint64_t t0 = rdinstret();

	return rdinstret() - t0;
}

/* Print "bench <name>: <median of BENCH_RUNS samples of fn> instructions". */
static inline void bench_print(const char *name, uint64_t (*fn)(void))
{
	uint64_t s[BENCH_RUNS], over = bench_overhead(), v;
	unsigned i, j;

	fn();  /* warm up: first-touch costs are not the steady state */
	for (i = 0; i < BENCH_RUNS; i++) {
		v = fn() - over;
		for (j = i; j > 0 && s[j - 1] > v; j--)
			s[j] = s[j - 1];
		s[j] = v;
	}
	printf("bench %s: %lu instructions\n", name, (unsigned long)s[BENCH_RUNS / 2]);
}

#endif
