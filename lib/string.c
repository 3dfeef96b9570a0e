/*
 * Freestanding string routines for the kernel and user builds (see
 * lib/libc/string.h).  Byte at a time, but for memcpy and memset below.
 * GCC may also emit calls to memcpy/memset for struct copies.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/*
 * memcpy and memset move eight bytes at a time when the addresses allow
 * (page zeroing and copying are on the fault path): sixteen words a turn,
 * to an end pointer (a 4 KiB page is 32 turns of 18 instructions for
 * memset, 34 for memcpy), then a word a turn (a 32-byte struct cleared
 * byte by byte cost about 130 instructions, and the boot cleared one per
 * page of RAM); the kernel is built with -mstrict-align, so a misaligned
 * pair goes byte by byte.
 */
#define WORD sizeof(uint64_t)
#define BLOCK 16   /* words a turn of the main loops */

static bool word_aligned(const void *p)
{
	return ((uintptr_t)p & (WORD - 1)) == 0;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (((uintptr_t)d & (WORD - 1)) == ((uintptr_t)s & (WORD - 1))) {
		while (n && !word_aligned(d)) {
			*d++ = *s++;
			n--;
		}
		const uint64_t *from = (const uint64_t *)s;
		uint64_t *to = (uint64_t *)d, *end = to + n / (BLOCK * WORD) * BLOCK;

		for (; to < end; to += BLOCK, from += BLOCK) {
			uint64_t w0 = from[0], w1 = from[1], w2 = from[2], w3 = from[3];
			uint64_t w4 = from[4], w5 = from[5], w6 = from[6], w7 = from[7];

			to[0] = w0; to[1] = w1; to[2] = w2; to[3] = w3;
			to[4] = w4; to[5] = w5; to[6] = w6; to[7] = w7;
			w0 = from[8]; w1 = from[9]; w2 = from[10]; w3 = from[11];
			w4 = from[12]; w5 = from[13]; w6 = from[14]; w7 = from[15];
			to[8] = w0; to[9] = w1; to[10] = w2; to[11] = w3;
			to[12] = w4; to[13] = w5; to[14] = w6; to[15] = w7;
		}
		d = (unsigned char *)to;
		s = (const unsigned char *)from;
		n %= BLOCK * WORD;
		for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
			*(uint64_t *)d = *(const uint64_t *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t w = (unsigned char)c * 0x0101010101010101ull;

	while (n && !word_aligned(d)) {
		*d++ = (unsigned char)c;
		n--;
	}
	uint64_t *q = (uint64_t *)d, *end = q + n / (BLOCK * WORD) * BLOCK;

	for (; q < end; q += BLOCK) {
		q[0] = w; q[1] = w; q[2] = w; q[3] = w;
		q[4] = w; q[5] = w; q[6] = w; q[7] = w;
		q[8] = w; q[9] = w; q[10] = w; q[11] = w;
		q[12] = w; q[13] = w; q[14] = w; q[15] = w;
	}
	d = (unsigned char *)q;
	n %= BLOCK * WORD;
	for (; n >= WORD; n -= WORD, d += WORD)
		*(uint64_t *)d = w;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}
