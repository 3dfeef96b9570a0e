/*
 * Bit scans without the Zbb extension (rv64gc has no ctz instruction, and
 * the compiler's __builtin_ctzll would call libgcc).
 */
#ifndef TESSERA_LIB_BITS_H
#define TESSERA_LIB_BITS_H

#include <stdint.h>

/*
 * The index (0..63) of the lowest set bit of x, which must not be 0.
 * x & -x keeps that bit alone, 2^i.  Multiplied by a de Bruijn sequence of
 * order 6 (each 6-bit string appears once as a window of its bits), the
 * top 6 bits of the product are that sequence's window at i: different
 * for each i, so a 64-entry table maps them back.  Five instructions and a
 * load; tests/lib/test_bits.c checks all 64 and mixed words.
 */
#define BITS_DE_BRUIJN_64 0x03f79d71b4cb0a89ull

static inline unsigned bit_lowest(uint64_t x)
{
	static const uint8_t index[64] = {
		0, 1, 48, 2, 57, 49, 28, 3, 61, 58, 50, 42, 38, 29, 17, 4,
		62, 55, 59, 36, 53, 51, 43, 22, 45, 39, 33, 30, 24, 18, 12, 5,
		63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21, 44, 32, 23, 11,
		46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9, 13, 8, 7, 6,
	};

	return index[((x & -x) * BITS_DE_BRUIJN_64) >> 58];
}

#endif
