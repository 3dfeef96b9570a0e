/*
 * swap-oracle: a working set larger than RAM, with an oracle for every
 * page (tests/qemu/test_swap.py runs it with tools/boot --swap).
 *
 *   swap-oracle MIB ACCESSES [SEED]
 *
 * Fills MIB MiB page by page, then makes ACCESSES seeded random accesses
 * (half writes, half reads), then reads every page once more.  Each write
 * gives its page a new version and fills all of it from (page, version);
 * the versions live in a small array (the oracle, 4 bytes a page), so
 * every read can check every byte of the page against what its last writer
 * wrote.  Prints one line, and exits with 1 if any page was wrong:
 *   swap-oracle: P pages, W writes, R page checks, C corrupted
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define PAGE 4096
#define WORDS (PAGE / sizeof(uint64_t))

static uint64_t state = 88172645463325252ull;

static uint64_t next(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

/* Word w of page p at version v. */
static uint64_t word(uint64_t p, uint32_t v, uint64_t w)
{
	return (p << 40) ^ ((uint64_t)v << 20) ^ (w * 0x9e3779b97f4a7c15ull);
}

static void fill(uint64_t *page, uint64_t p, uint32_t v)
{
	for (uint64_t w = 0; w < WORDS; w++)
		page[w] = word(p, v, w);
}

static int intact(const uint64_t *page, uint64_t p, uint32_t v)
{
	for (uint64_t w = 0; w < WORDS; w++)
		if (page[w] != word(p, v, w))
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	uint64_t pages, accesses, writes = 0, checks = 0, corrupted = 0;
	uint64_t *mem;
	uint32_t *version;

	if (argc < 3) {
		printf("usage: swap-oracle MIB ACCESSES [SEED]\n");
		return 2;
	}
	pages = strtoull(argv[1], NULL, 0) * (1 << 20) / PAGE;
	accesses = strtoull(argv[2], NULL, 0);
	if (argc > 3)
		state = strtoull(argv[3], NULL, 0) | 1;
	mem = malloc(pages * PAGE);
	version = calloc(pages, sizeof(*version));
	if (!mem || !version) {
		printf("swap-oracle: no memory for %llu pages\n", (unsigned long long)pages);
		return 2;
	}
	for (uint64_t p = 0; p < pages; p++) {
		version[p] = 1;
		fill(mem + p * WORDS, p, 1);
		writes++;
	}
	for (uint64_t i = 0; i < accesses; i++) {
		uint64_t r = next(), p = (r >> 1) % pages;

		if (r & 1) {
			fill(mem + p * WORDS, p, ++version[p]);
			writes++;
		} else {
			corrupted += !intact(mem + p * WORDS, p, version[p]);
			checks++;
		}
	}
	for (uint64_t p = 0; p < pages; p++, checks++)
		corrupted += !intact(mem + p * WORDS, p, version[p]);
	printf("swap-oracle: %llu pages, %llu writes, %llu page checks, %llu corrupted\n",
	       (unsigned long long)pages, (unsigned long long)writes, (unsigned long long)checks,
	       (unsigned long long)corrupted);
	return corrupted != 0;
}
