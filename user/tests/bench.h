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

/* Print "bench <name>: <median of `runs` samples of fn> instructions". */
static inline void bench_print_runs(const char *name, uint64_t (*fn)(void), unsigned runs)
{
	uint64_t s[BENCH_RUNS], over = bench_overhead(), v;
	unsigned i, j;

	if (runs > BENCH_RUNS)
		runs = BENCH_RUNS;
	fn();  /* warm up: first-touch costs are not the steady state */
	for (i = 0; i < runs; i++) {
		v = fn();
		v = v > over ? v - over : 0;   /* never an underflow, counted or not */
		for (j = i; j > 0 && s[j - 1] > v; j--)
			s[j] = s[j - 1];
		s[j] = v;
	}
	printf("bench %s: %lu instructions\n", name, (unsigned long)s[runs / 2]);
}

/* The same with BENCH_RUNS samples. */
static inline void bench_print(const char *name, uint64_t (*fn)(void))
{
	bench_print_runs(name, fn, BENCH_RUNS);
}

#endif
