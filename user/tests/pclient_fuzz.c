/*
 * pclient's PC_FUZZ mode: random pager requests of every type, with touches
 * of what they map and now and then a fork; and the table of bad requests
 * every mode's checks begin with.
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

/* Requests with bad arguments, and requests a plain client may not make:
 * each refused with its documented error. */
void bad_requests(void)
{
	static const struct {
		const char *what;
		uint64_t tag, w[4];
		long want;
	} table[] = {
		{ "map: length 0", PAGER_MAP_ANON, { 0, 0, MAP_READ, 0 }, -ERR_INVALID_ARGUMENT },
		{ "map: length wraps", PAGER_MAP_ANON, { 0, ~0ul, MAP_READ, 0 }, -ERR_INVALID_ARGUMENT },
		{ "map: no rights", PAGER_MAP_ANON, { 0, 4096, 0, 0 }, -ERR_INVALID_ARGUMENT },
		{ "map: execute", PAGER_MAP_ANON, { 0, 4096, MAP_EXEC, 0 }, -ERR_INVALID_ARGUMENT },
		{ "map: unknown flag", PAGER_MAP_ANON, { 0, 4096, MAP_READ, 4 }, -ERR_INVALID_ARGUMENT },
		{ "map: misaligned hint", PAGER_MAP_ANON, { 0x3000000001ul, 4096, MAP_READ, PAGER_FIXED },
		  -ERR_INVALID_ARGUMENT },
		{ "map: fixed in kernel space", PAGER_MAP_ANON,
		  { 0xffffffc000000000ul, 4096, MAP_READ, PAGER_FIXED }, -ERR_INVALID_ARGUMENT },
		{ "map: fixed over our code", PAGER_MAP_ANON, { USER_BASE, 4096, MAP_READ, PAGER_FIXED },
		  -ERR_EXISTS },
		{ "map: too big for any gap", PAGER_MAP_ANON, { 0, 0x4000000000ul, MAP_READ, 0 },
		  -ERR_NO_MEMORY },
		{ "unmap: misaligned", PAGER_UNMAP, { USER_BASE + 1, 4096 }, -ERR_INVALID_ARGUMENT },
		{ "unmap: length 0", PAGER_UNMAP, { 0x3000000000ul, 0 }, -ERR_INVALID_ARGUMENT },
		{ "unmap: wraps", PAGER_UNMAP, { 0x3000000000ul, ~0ul - 4096 }, -ERR_INVALID_ARGUMENT },
		{ "protect: misaligned", PAGER_PROTECT, { USER_BASE + 8, 4096, MAP_READ },
		  -ERR_INVALID_ARGUMENT },
		{ "protect: a hole", PAGER_PROTECT, { PAGER_MMAP_TOP - 4096, 4096, MAP_READ },
		  -ERR_NOT_FOUND },
		{ "protect: an unknown right", PAGER_PROTECT, { USER_BASE, 4096, 8 },
		  -ERR_INVALID_ARGUMENT },
		{ "brk: below the heap's start", PAGER_BRK, { USER_BASE }, -ERR_INVALID_ARGUMENT },
		{ "brk: past its maximum", PAGER_BRK, { 0x3f00000000ul }, -ERR_NO_MEMORY },
		{ "fork: entry in kernel space", PAGER_FORK, { 0xffffffc000000000ul, 0x30000000ul },
		  -ERR_INVALID_ARGUMENT },
		{ "fork: misaligned stack", PAGER_FORK, { USER_BASE, 0x30000008ul },
		  -ERR_INVALID_ARGUMENT },
		{ "drop: misaligned", PAGER_DROP, { USER_BASE + 1, 4096 }, -ERR_INVALID_ARGUMENT },
		{ "drop: length 0", PAGER_DROP, { USER_BASE, 0 }, -ERR_INVALID_ARGUMENT },
		{ "query: a hole", PAGER_QUERY, { PAGER_MMAP_TOP - 8 }, -ERR_NOT_FOUND },
		{ "query page: a hole", PAGER_QUERY_PAGE, { PAGER_MMAP_TOP - 8 }, -ERR_NOT_FOUND },
		{ "query page: a text page", PAGER_QUERY_PAGE, { USER_BASE }, -ERR_NOT_FOUND },
		{ "map file: no file passed", PAGER_MAP_FILE, { 0, 4096, MAP_READ, 0 },
		  -ERR_INVALID_ARGUMENT },
		{ "share: length 0", PAGER_SHARE, { PAGER_MMAP_BASE, 0, MAP_READ, 1 },
		  -ERR_INVALID_ARGUMENT },
		{ "share: a hole, with no such client", PAGER_SHARE,
		  { PAGER_MMAP_TOP - 4096, 4096, MAP_READ, 0xff00 }, -ERR_NOT_FOUND },
		{ "map grant: unknown flag", PAGER_MAP_GRANT, { 0, 0, 2 }, -ERR_INVALID_ARGUMENT },
		{ "map grant: none offered", PAGER_MAP_GRANT, { 0 }, -ERR_NOT_FOUND },
		/* only the parent, or a shell (a client holding the right) */
		{ "spawn", PAGER_SPAWN, { 0 }, -ERR_DENIED },
		{ "exit: the parent's", PAGER_EXIT, { 0 }, -ERR_DENIED },
		{ "client stats", PAGER_CLIENT_STATS, { 1 }, -ERR_DENIED },
		{ "client of a task", PAGER_CLIENT, { 1 }, -ERR_DENIED },
		{ "region of a task", PAGER_REGION, { 1, 0 }, -ERR_DENIED },
		{ "kill", PAGER_KILL, { 1 }, -ERR_DENIED },
		{ "limit", PAGER_LIMIT, { 1, 1 }, -ERR_DENIED },
		{ "spawn with the right: the parent's", PAGER_SPAWN_INTROSPECT, { 0 }, -ERR_DENIED },
		{ "unknown request", 0x999, { 0 }, -ERR_NOT_SUPPORTED },
	};
	unsigned i;
	struct msg m;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		check_eq(table[i].what, pager_request(pager, table[i].tag, table[i].w[0],
						      table[i].w[1], table[i].w[2], table[i].w[3],
						      &m), table[i].want);
}
