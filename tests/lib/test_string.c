/*
 * lib/string.c, the kernel's and user space's memcpy, memmove and memset
 * (and the rest of libc/string.h), built here under other names beside
 * the host's C library: every length up to 300 bytes at every alignment
 * of both pointers, against a byte-by-byte model, with the bytes around
 * the destination checked untouched.  The word loops (sixteen words a
 * turn, then one) and the byte tails all run.
 */
#include <stdint.h>
#include <string.h>

#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#define memcpy lib_memcpy
#define memmove lib_memmove
#define memset lib_memset
#define memcmp lib_memcmp
#define memchr lib_memchr
#define strlen lib_strlen
#define strnlen lib_strnlen
#define strcmp lib_strcmp
#define strncmp lib_strncmp
#define strchr lib_strchr
#include "../../lib/string.c"
/* (The names stay lib_'s below: test.h's calls use them too.) */

#include "test.h"

#define MAX_LEN 300
#define ALIGNS 16
#define BUF (MAX_LEN + 2 * ALIGNS + 16)

static unsigned char src[BUF], dst[BUF], want[BUF];

/* src a pattern with no repeats a word apart; dst and want a different one. */
static void fill(void)
{
	unsigned i;

	for (i = 0; i < BUF; i++) {
		src[i] = (unsigned char)(i * 7 + 1);
		dst[i] = want[i] = (unsigned char)(0xa5 ^ i);
	}
}

static unsigned differences(void)
{
	unsigned i, n = 0;

	for (i = 0; i < BUF; i++)
		n += dst[i] != want[i];
	return n;
}

static void test_memcpy_every_length_and_alignment(void)
{
	unsigned d, s, len, bad = 0;

	for (d = 0; d < ALIGNS; d++)
		for (s = 0; s < ALIGNS; s++)
			for (len = 0; len <= MAX_LEN; len++) {
				unsigned i;

				fill();
				for (i = 0; i < len; i++)
					want[8 + d + i] = src[8 + s + i];
				if (lib_memcpy(dst + 8 + d, src + 8 + s, len) != dst + 8 + d ||
				    differences())
					bad++;
			}
	CHECK_EQ_U64(bad, 0);
}

static void test_memset_every_length_and_alignment(void)
{
	unsigned d, len, bad = 0;

	for (d = 0; d < ALIGNS; d++)
		for (len = 0; len <= MAX_LEN; len++) {
			unsigned i;

			fill();
			for (i = 0; i < len; i++)
				want[8 + d + i] = 0x3c;
			if (lib_memset(dst + 8 + d, 0x13c, len) != dst + 8 + d || differences())
				bad++;
		}
	CHECK_EQ_U64(bad, 0);
}

/* Overlapping both ways: the result is what a copy through a spare buffer gives. */
static void test_memmove_overlapping(void)
{
	unsigned from, to, len, bad = 0;

	for (from = 0; from < 2 * ALIGNS; from++)
		for (to = 0; to < 2 * ALIGNS; to++)
			for (len = 0; len <= MAX_LEN; len += 7) {
				unsigned char spare[MAX_LEN];
				unsigned i;

				fill();
				for (i = 0; i < BUF; i++)
					dst[i] = want[i] = src[i];
				for (i = 0; i < len; i++)
					spare[i] = want[8 + from + i];
				for (i = 0; i < len; i++)
					want[8 + to + i] = spare[i];
				if (lib_memmove(dst + 8 + to, dst + 8 + from, len) != dst + 8 + to ||
				    differences())
					bad++;
			}
	CHECK_EQ_U64(bad, 0);
}

int main(void)
{
	RUN(test_memcpy_every_length_and_alignment);
	RUN(test_memset_every_length_and_alignment);
	RUN(test_memmove_overlapping);
	return test_done();
}
