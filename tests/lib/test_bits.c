/*
 * lib/bits.h: bit_lowest against a plain loop over the bits, for every
 * single bit, every bit with all the bits above it set, and a run of
 * pseudo-random words.
 */
#include <stdint.h>

#include "lib/bits.h"
#include "test.h"

/* The model: the first set bit, counted from bit 0 one at a time. */
static unsigned lowest_by_loop(uint64_t x)
{
	unsigned i = 0;

	while (!(x & 1)) {
		x >>= 1;
		i++;
	}
	return i;
}

static void test_each_single_bit(void)
{
	unsigned i;

	for (i = 0; i < 64; i++)
		CHECK_EQ_U64(bit_lowest((uint64_t)1 << i), i);
}

static void test_bits_above_ignored(void)
{
	unsigned i;

	for (i = 0; i < 64; i++)
		CHECK_EQ_U64(bit_lowest(~(uint64_t)0 << i), i);
}

static void test_random_words(void)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	unsigned n;

	for (n = 0; n < 100000; n++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* Sparse words too: the low bits cleared by a varying amount. */
		uint64_t w = x & (~(uint64_t)0 << (n % 64));

		if (w)
			CHECK_EQ_U64(bit_lowest(w), lowest_by_loop(w));
	}
}

int main(void)
{
	RUN(test_each_single_bit);
	RUN(test_bits_above_ignored);
	RUN(test_random_words);
	return test_done();
}
