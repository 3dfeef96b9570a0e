/*
 * pclient's PC_FUZZ mode: random pager requests of every type, with touches
 * of what they map and now and then a fork.
 */
#include "pclient.h"

#define FUZZ_REQUESTS 20000
#define FUZZ_VA 0x2a00000000ul    /* the fuzzer's own part of the address space */
#define FUZZ_PAGES 64

static uint64_t fuzz_seed = 0x0f0e0d0c0b0a0908ul;

static uint64_t fuzz_rand(uint64_t n)
{
	return xorshift64(&fuzz_seed) % n;
}

/* An address: mostly in the fuzzer's area, sometimes one no request may take. */
static uint64_t fuzz_addr(void)
{
	static const uint64_t bad[] = { 0, 8, 0xffffffc000000000ul, ~0ul & ~0xffful, 1ul << 47,
					FUZZ_VA + 3 };
	uint64_t k = fuzz_rand(10);

	return k < 8 ? FUZZ_VA + fuzz_rand(FUZZ_PAGES) * PAGE_SIZE
	     : k == 8 ? PAGER_MMAP_BASE + fuzz_rand(FUZZ_PAGES) * PAGE_SIZE
		      : bad[fuzz_rand(sizeof(bad) / sizeof(bad[0]))];
}

static uint64_t fuzz_len(void)
{
	static const uint64_t odd[] = { 0, 1, ~0ul, 1ul << 40, PAGE_SIZE + 1, ~0ul - PAGE_SIZE };
	uint64_t k = fuzz_rand(8);

	return k < 7 ? (1 + fuzz_rand(8)) * PAGE_SIZE : odd[fuzz_rand(sizeof(odd) / sizeof(odd[0]))];
}

/* Touch a page of the area the way its region allows (QUERY says how). */
static void fuzz_touch(void)
{
	uint64_t a = FUZZ_VA + fuzz_rand(FUZZ_PAGES) * PAGE_SIZE;
	struct msg m;
	unsigned rights;

	if (pager_request(pager, PAGER_QUERY, a, 0, 0, 0, &m))
		return;
	rights = (unsigned)(m.w[2] >> 8) & 0xff;
	if (rights & MAP_WRITE)
		*(volatile uint64_t *)a += 1;
	else if (rights & MAP_READ)
		(void)*(volatile uint64_t *)a;
}

static void __attribute__((noreturn)) fuzz_child(uint64_t arg)
{
	sys_exit((int)arg);
}

/*
 * 20,000 requests with random arguments, every client request type, and
 * touches of what they map: nothing may end us, every answer is a
 * documented code, and the pager's books still agree at the end.
 */
void fuzz(void)
{
	static const uint64_t tags[] = {
		PAGER_MAP_ANON, PAGER_UNMAP, PAGER_BRK, PAGER_PROTECT, PAGER_QUERY,
		PAGER_QUERY_PAGE, PAGER_DROP, PAGER_EVICT, PAGER_SHARE, PAGER_MAP_GRANT,
		PAGER_MAP_FILE, PAGER_STATS, PAGER_STATS_MORE, PAGER_STATS_RESIDENT,
		PAGER_STATS_FAULTS, PAGER_INFO, PAGER_ARG, PAGER_SPAWN, PAGER_EXIT, 0x9999,
		PAGER_MAP_ANON, PAGER_MAP_ANON, PAGER_PROTECT, PAGER_UNMAP,
	};
	unsigned long i, ok = 0, undocumented = 0, forks = 0;
	struct msg m;

	pager_request(pager, PAGER_ARG, 0, 0, 0, 0, &m);
	for (i = 0; i < FUZZ_REQUESTS; i++) {
		uint64_t tag = tags[fuzz_rand(sizeof(tags) / sizeof(tags[0]))];
		uint64_t w0 = fuzz_addr(), w1 = fuzz_len(), w2 = fuzz_rand(8), w3 = fuzz_rand(8);
		long r;

		if (tag == PAGER_SHARE)
			w3 = fuzz_rand(2) ? m.w[1] : fuzz_rand(0x1000);
		if (tag == PAGER_MAP_GRANT)
			w0 = fuzz_rand(0x400);
		r = pager_request(pager, tag, w0, w1, w2, w3, &m);
		if (r == 0)
			ok++;
		else if (r != -ERR_INVALID_ARGUMENT && r != -ERR_NOT_FOUND && r != -ERR_EXISTS &&
			 r != -ERR_DENIED && r != -ERR_NO_MEMORY && r != -ERR_NOT_SUPPORTED)
			undocumented++;
		if (fuzz_rand(4) == 0)
			fuzz_touch();
		if (fuzz_rand(2000) == 0)        /* now and then a fork, which must end well */
			forks += fork_and_wait(fuzz_child, 5) == 5;
		pager_request(pager, PAGER_ARG, 0, 0, 0, 0, &m);   /* m.w[1]: our id again */
	}
	check("20,000 random requests: some did something", ok > 1000);
	check_eq("every refusal a documented error", (long)undocumented, 0);
	check("the forks among them ran", forks > 0);
	check_books("the pager's books agree after the random requests");
	printf("# pclient: %lu of %u random requests succeeded, %lu forks\n", ok, FUZZ_REQUESTS,
	       forks);
}
