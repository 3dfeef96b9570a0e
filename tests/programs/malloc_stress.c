/*
 * malloc_stress: thousands of malloc/realloc/free of random sizes, each
 * block filled with a pattern of its own that a checker verifies before
 * every realloc and free (a corrupted or overlapping block shows at once).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 64
#define ROUNDS 4000

struct block {
	unsigned char *p;
	size_t n;
	unsigned char tag;
};

static unsigned long long seed = 88172645463325252ull;

static unsigned long long next(void)      /* xorshift64 (13, 7, 17) */
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

/* Does block b still hold its pattern (tag + index) over its first n bytes? */
static int intact(const struct block *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b->p[i] != (unsigned char)(b->tag + i))
			return 0;
	return 1;
}

static void fill(struct block *b, size_t from)
{
	size_t i;

	for (i = from; i < b->n; i++)
		b->p[i] = (unsigned char)(b->tag + i);
}

int main(void)
{
	static struct block slot[SLOTS];
	unsigned long bad = 0, allocs = 0, reallocs = 0, frees = 0;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		struct block *b = &slot[next() % SLOTS];
		size_t n = (size_t)(next() % 3000) + 1;

		if (!b->p) {
			b->p = malloc(n);
			if (!b->p) {
				bad++;
				continue;
			}
			b->n = n;
			b->tag = (unsigned char)next();
			fill(b, 0);
			allocs++;
		} else if (next() % 2) {
			size_t keep = n < b->n ? n : b->n;
			unsigned char *q;

			bad += !intact(b, b->n);
			q = realloc(b->p, n);
			if (!q) {
				bad++;
				continue;
			}
			b->p = q;
			bad += !intact(b, keep);   /* realloc keeps the common part */
			b->n = n;
			fill(b, keep);
			reallocs++;
		} else {
			bad += !intact(b, b->n);
			free(b->p);
			b->p = NULL;
			frees++;
		}
	}
	for (r = 0; r < SLOTS; r++) {
		if (slot[r].p)
			bad += !intact(&slot[r], slot[r].n);
		free(slot[r].p);
	}
	printf("malloc_stress: %lu mallocs, %lu reallocs, %lu frees, %lu bad\n", allocs,
	       reallocs, frees, bad);
	return bad != 0;
}
