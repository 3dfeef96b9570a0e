/*
 * swapfork: swap under sharing (tests/qemu/test_swap.py, with tools/boot
 * --swap).  A client fills MIB MiB of private memory, forks (the child
 * holds every page copy-on-write, swapped-out ones by their slots), and
 * then parent and child each make ACCESSES seeded random accesses to that
 * memory, half writes: each side must see its own writes and, for pages it
 * has not written since the fork, the bytes from before it, never the
 * other side's.  A small shared region (PAGER_SHARED) carries writes both
 * ways.  Oracles: a version per page and side, in the client's own private
 * memory (so the child's copy of the parent's oracle diverges with it).
 *
 * A large shared region too (SHARED_MIB, none by default), written before the fork
 * and cold while both sides work, so that reclaim takes its pages (a
 * memory object's, from both mappers at once): after its work each side
 * checks the whole of it, then the child writes a new pattern into its
 * first half, and the parent, once the child has ended, must read that
 * pattern there and the old one in the rest.
 *
 *   swapfork MIB ACCESSES [SHARED_MIB]
 *
 * Prints "swapfork: N pages, W writes, C page checks, X corrupted; child
 * exited with Y" and exits with 1 if either side saw a wrong byte.
 */
#include "pager/client.h"

#define WORDS (PAGE_SIZE / sizeof(uint64_t))
#define SHARED_PAGES 8
#define CHILD_STACK 0x10000ul
#define PARENT 1u
#define CHILD 2u

static long pager;
static uint64_t pages, accesses;
static uint64_t *mem;                   /* pages * PAGE_SIZE, private */
static uint32_t *version;               /* per page: the last write's version */
static uint8_t *writer;                 /* per page: who wrote it last (PARENT before the fork) */
static volatile uint64_t *shared;       /* SHARED_PAGES, the same for both */
static uint64_t *big;                   /* big_pages, shared, cold */
static uint64_t big_pages;
static uint64_t writes, checks, corrupted;

static uint64_t word(uint64_t p, uint32_t v, unsigned who, uint64_t w)
{
	return (p << 40) ^ ((uint64_t)v << 16) ^ ((uint64_t)who << 60) ^ (w * 0x9e3779b97f4a7c15ull);
}

static void fill(uint64_t p, unsigned who)
{
	uint64_t w;

	version[p]++;
	writer[p] = (uint8_t)who;
	for (w = 0; w < WORDS; w++)
		mem[p * WORDS + w] = word(p, version[p], who, w);
	writes++;
}

static void verify(uint64_t p)
{
	uint64_t w;

	checks++;
	for (w = 0; w < WORDS; w++)
		if (mem[p * WORDS + w] != word(p, version[p], writer[p], w)) {
			corrupted++;
			return;
		}
}

/* ACCESSES seeded random accesses by `who`, then every page checked. */
static void work(unsigned who, uint64_t seed)
{
	uint64_t i, r, p;

	for (i = 0; i < accesses; i++) {
		r = xorshift64(&seed);
		p = (r >> 1) % pages;
		if (r & 1)
			fill(p, who);
		else
			verify(p);
	}
	for (p = 0; p < pages; p++)
		verify(p);
}

/* The large shared region: page p holds word(p, v, 3, w) (v 1 as filled
 * before the fork, 2 where the child wrote it again).  Fill or count the
 * pages that differ. */
static void big_fill(uint64_t from, uint64_t to, uint32_t v)
{
	uint64_t p, w;

	for (p = from; p < to; p++)
		for (w = 0; w < WORDS; w++)
			big[p * WORDS + w] = word(p, v, 3, w);
}

static uint64_t big_wrong(uint64_t from, uint64_t to, uint32_t v)
{
	uint64_t p, w, wrong = 0;

	for (p = from; p < to; p++)
		for (w = 0; w < WORDS; w++)
			if (big[p * WORDS + w] != word(p, v, 3, w)) {
				wrong++;
				break;
			}
	return wrong;
}

/* The shared pages: each side writes its own word of each page, then
 * waits to see the other's. */
static bool shared_both_ways(unsigned who)
{
	unsigned k, tries;

	for (k = 0; k < SHARED_PAGES; k++)
		shared[k * WORDS + who] = 0x5000 + k * 16 + who;
	for (tries = 0; tries < 100000; tries++) {
		for (k = 0; k < SHARED_PAGES; k++)
			if (shared[k * WORDS + (3 - who)] != 0x5000 + k * 16 + (3 - who))
				break;
		if (k == SHARED_PAGES)
			return true;
		sys_yield();
	}
	return false;
}

static void __attribute__((noreturn)) child(uint64_t arg)
{
	bool both;

	(void)arg;
	writes = checks = corrupted = 0;
	work(CHILD, 0x2545f4914f6cdd1dull);
	corrupted += big_wrong(0, big_pages, 1);
	big_fill(0, big_pages / 2, 2);
	both = shared_both_ways(CHILD);
	printf("swapfork: child: %lu writes, %lu page checks, %lu corrupted; shared pages %s\n",
	       writes, checks, corrupted, both ? "both ways" : "NOT SEEN");
	sys_exit(corrupted || !both ? 1 : 0);
}

/* n bytes of private (or shared) anonymous memory from the pager, or NULL. */
static void *anon(uint64_t n, uint64_t flags)
{
	struct msg m;

	return pager_request(pager, PAGER_MAP_ANON, 0, n, MAP_READ | MAP_WRITE, flags, &m)
		       ? NULL : (void *)m.w[0];
}

int main(long handle, const uint64_t *sp)
{
	const char **argv = (const char **)(sp + 1);
	uint64_t p, stack, big_corrupted;
	struct msg m;
	long kid, code;

	if (sp[0] < 3 || sp[0] > 4 || !parse_number(argv[1], &pages) ||
	    !parse_number(argv[2], &accesses) || !pages || pages > (1ul << 20) ||
	    (sp[0] == 4 && (!parse_number(argv[3], &big_pages) || big_pages > (1ul << 20)))) {
		printf("usage: swapfork MIB ACCESSES [SHARED_MIB] (MIB: 1 to 1048576)\n");
		return 2;
	}
	pager = handle;
	pages *= 256;
	mem = anon(pages * PAGE_SIZE, 0);
	version = anon(pages * sizeof(*version), 0);
	writer = anon(pages, 0);
	shared = anon(SHARED_PAGES * PAGE_SIZE, PAGER_SHARED);
	big_pages *= 256;
	big = big_pages ? anon(big_pages * PAGE_SIZE, PAGER_SHARED) : NULL;
	if (!mem || !version || !writer || !shared || (big_pages && !big)) {
		printf("swapfork: no memory for %lu pages\n", pages);
		return 2;
	}
	big_fill(0, big_pages, 1);
	for (p = 0; p < pages; p++)
		fill(p, PARENT);
	kid = pager_fork(pager, child, 0, CHILD_STACK, &stack);
	if (kid <= 0) {
		printf("swapfork: the fork failed\n");
		return 2;
	}
	work(PARENT, 0x9e3779b97f4a7c15ull);
	corrupted += !shared_both_ways(PARENT);
	corrupted += big_wrong(big_pages / 2, big_pages, 1);  /* the half the child leaves */
	code = sys_task_wait(kid);
	big_corrupted = big_wrong(0, big_pages / 2, 2) + big_wrong(big_pages / 2, big_pages, 1);
	corrupted += big_corrupted;
	printf("swapfork: %lu pages, %lu writes, %lu page checks, %lu corrupted; child exited "
	       "with %ld\n", pages, writes, checks, corrupted, code);
	pager_request(pager, PAGER_SWAP_STATS, 3, 0, 0, 0, &m);
	printf("swapfork: shared memory: %lu pages, the child's writes seen, %lu wrong; object "
	       "pages %lu swapped out, %lu in\n", big_pages, big_corrupted, m.w[0], m.w[1]);
	/* The pager's audit: every page mapped is in its books (none on swap is
	 * still mapped), every reference counted, the swap cache's included. */
	pager_request(pager, PAGER_CHECK, 0, 0, 0, 0, &m);
	printf("swapfork: the pager's books: %lu wrong\n", m.w[0]);
	return corrupted || code || m.w[0];
}
