/*
 * Median-of-runs measurement for the user benchmarks (bench.c, bench_fault.c,
 * pbench.c).  A sample function reads the counter around what it measures
 * and returns the difference.  Every sample function, and the empty one that
 * says what the two reads cost, is called the same way (through a pointer
 * from bench_measure, which GCC may not analyse: noipa), so the cost taken
 * off is the cost the samples hold.
 */
#ifndef TESSERA_USER_TESTS_BENCH_H
#define TESSERA_USER_TESTS_BENCH_H

#include "ulib.h"

#define BENCH_RUNS 31
#define BENCH_MAX_RUNS 1024   /* the most samples one figure may take */

struct bench_figure {
	uint64_t median;
	uint64_t max;         /* the worst sample: what a median hides */
};

/* An empty sample: reading the counter twice. */
static __attribute__((noipa)) uint64_t bench_empty_sample(void)
{
	uint64_t t0 = rdinstret();

	return rdinstret() - t0;
}

/*
 * Call fn once to warm up (first-touch costs are not the steady state), then
 * `runs` times (1..BENCH_MAX_RUNS); each sample less `over`, never below 0.
 * Returns the median and the largest sample.
 */
static __attribute__((noipa)) struct bench_figure bench_measure(uint64_t (*fn)(void),
								unsigned runs, uint64_t over)
{
	static uint64_t s[BENCH_MAX_RUNS];
	uint64_t v;
	unsigned i, j;

	if (runs < 1 || runs > BENCH_MAX_RUNS) {
		printf("bench: %u runs asked, 1 to %u allowed\n", runs, BENCH_MAX_RUNS);
		sys_exit(1);
	}
	fn();
	for (i = 0; i < runs; i++) {
		v = fn();
		v = v > over ? v - over : 0;   /* never an underflow, counted or not */
		for (j = i; j > 0 && s[j - 1] > v; j--)
			s[j] = s[j - 1];
		s[j] = v;
	}
	return (struct bench_figure){ s[runs / 2], s[runs - 1] };
}

/* What reading the counter costs in a sample: the empty sample's median. */
static inline uint64_t bench_overhead(void)
{
	static uint64_t over = UINT64_MAX;

	if (over == UINT64_MAX)
		over = bench_measure(bench_empty_sample, BENCH_RUNS, 0).median;
	return over;
}

/* Print "bench <name>: <median of `runs` samples of fn> instructions"; the figure. */
static inline struct bench_figure bench_print_runs(const char *name, uint64_t (*fn)(void),
						   unsigned runs)
{
	struct bench_figure f = bench_measure(fn, runs, bench_overhead());

	printf("bench %s: %lu instructions\n", name, (unsigned long)f.median);
	return f;
}

/* The same with BENCH_RUNS samples. */
static inline struct bench_figure bench_print(const char *name, uint64_t (*fn)(void))
{
	return bench_print_runs(name, fn, BENCH_RUNS);
}

/* The same, and "bench <name>_max: <largest sample> instructions". */
static inline struct bench_figure bench_print_max(const char *name, uint64_t (*fn)(void),
						  unsigned runs)
{
	struct bench_figure f = bench_print_runs(name, fn, runs);

	printf("bench %s_max: %lu instructions\n", name, (unsigned long)f.max);
	return f;
}

#endif
