/*
 * bench-fault: touches fresh pages of ZERO_REGION one by one, each a fault
 * its parent (bench.c) serves, and prints the median round trip.
 */
#include "bench.h"
#include "layout.h"

static unsigned next_page;

static uint64_t touch(void)
{
	volatile uint64_t *p = (volatile uint64_t *)(ZERO_REGION + next_page++ * PAGE_SIZE);
	uint64_t t0 = rdinstret();

	(void)*p;
	return rdinstret() - t0;
}

int main(void)
{
	bench_print("fault_roundtrip", touch);
	return 0;
}
