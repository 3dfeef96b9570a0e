/*
 * pclient: a client of the pager (started empty by it), for the pagertest
 * test.  Its argument (PAGER_ARG) says what to do: run every check of the
 * region kinds and requests (exit code: failures), or make one access the
 * pager must refuse (the thread is then ended).  The modes and what its
 * files share: pclient.h; here the checks of PC_CHECKS, copy-on-write and
 * the single refused accesses; the stress, sharing and fuzz modes in
 * pclient_stress.c, pclient_share.c and pclient_fuzz.c.
 */
#include "pclient.h"

#define COW_PAGES 8
#define COW_GENERATIONS 3

static volatile uint64_t *cow_area;

long pager;
uint64_t data_words[512] = { 0x1111, 0x2222 };
/* A page of data nothing touches before the kernel reads it for us. */
static char untouched[4096] __attribute__((aligned(4096))) =
	"# pclient: the kernel read this from a page it had to ask the pager for\n";
static uint64_t bss_words[2048];

/* The pager's audit: its reverse map agrees with every region and count. */
void check_books(const char *when)
{
	struct msg m;

	check_eq(when, pager_request(pager, PAGER_CHECK, 0, 0, 0, 0, &m) ? -1 : (long)m.w[0], 0);
}

/* How many mappings hold the page we have at va (the pager's reverse map). */
long page_users(const volatile uint64_t *va)
{
	struct msg m;

	return pager_request(pager, PAGER_QUERY_PAGE, (uint64_t)va, 0, 0, 0, &m) ? -1
													: (long)m.w[0];
}

/* Yield until *word == value; false if it never comes. */
bool wait_for(const volatile uint64_t *word, uint64_t value)
{
	unsigned long i;

	for (i = 0; i < SHARE_WAIT && *word != value; i++)
		sys_yield();
	return *word == value;
}

/* A data page read first is the file's own page; its first write copies it. */
static void data_read_then_written(void)
{
	static uint64_t page[512] __attribute__((aligned(4096))) = { 0x4d4d, 0x5e5e };
	volatile uint64_t *p = page;
	struct msg before, after;

	pager_request(pager, PAGER_STATS, 0, 0, 0, 0, &before);
	check_eq("a data page read first holds the file's bytes", (long)p[1], 0x5e5e);
	pager_request(pager, PAGER_STATS, 0, 0, 0, 0, &after);
	check("it is the file's page, not a copy", after.w[1] == before.w[1] + 1 &&
	      after.w[2] == before.w[2] &&
	      pager_request(pager, PAGER_QUERY_PAGE, (uint64_t)p, 0, 0, 0, &after) ==
	      -ERR_NOT_FOUND);
	p[2] = 0x6f6f;
	pager_request(pager, PAGER_STATS, 0, 0, 0, 0, &after);
	check("its first write copies it", after.w[2] == before.w[2] + 1 && p[0] == 0x4d4d &&
	      p[2] == 0x6f6f && page_users(p) == 1);
}

static void regions(void)
{
	volatile uint64_t *d = data_words, *b = bss_words;
	unsigned i, nonzero = 0;

	check_eq("data from the file", (long)d[0] + (long)d[1], 0x3333);
	d[2] = 7;
	check_eq("data written", (long)d[2], 7);
	for (i = 0; i < 2048; i += 97)
		nonzero += b[i] != 0;
	check_eq("bss zero", nonzero, 0);
	b[2047] = 9;
	check_eq("bss written", (long)b[2047], 9);
	data_read_then_written();
}

/* Use `depth` KiB of stack. */
static __attribute__((noinline)) long deep(unsigned depth)
{
	volatile char frame[1024];

	frame[0] = (char)depth;
	frame[1023] = 1;
	return depth ? deep(depth - 1) + frame[1023] : frame[0];
}

static void brk_checks(void)
{
	struct msg m;
	uint64_t base;
	volatile uint64_t *h;

	check_eq("brk query", pager_request(pager, PAGER_BRK, 0, 0, 0, 0, &m), 0);
	base = m.w[0];
	h = (volatile uint64_t *)base;
	check_eq("brk grow", pager_request(pager, PAGER_BRK, base + 4 * PAGE_SIZE, 0, 0, 0, &m), 0);
	h[0] = 1;
	h[3 * PAGE_SIZE / 8] = 2;
	check_eq("grown heap keeps its pages over a second grow",
		 pager_request(pager, PAGER_BRK, base + 8 * PAGE_SIZE, 0, 0, 0, &m) ||
		 h[0] != 1 || h[3 * PAGE_SIZE / 8] != 2, 0);
	check_eq("brk shrink", pager_request(pager, PAGER_BRK, base + PAGE_SIZE, 0, 0, 0, &m), 0);
	check_eq("the page kept keeps its bytes", (long)h[0], 1);
	pager_request(pager, PAGER_BRK, base + 4 * PAGE_SIZE, 0, 0, 0, &m);
	check_eq("grown again: the page let go comes back zero", (long)h[3 * PAGE_SIZE / 8], 0);
	check_eq("brk below its start", pager_request(pager, PAGER_BRK, base - PAGE_SIZE, 0, 0, 0, &m),
		 -ERR_INVALID_ARGUMENT);
	check_eq("brk past its limit", pager_request(pager, PAGER_BRK,
						     base + PAGER_HEAP_MAX + PAGE_SIZE, 0, 0, 0, &m),
		 -ERR_NO_MEMORY);
}

static void anon_checks(void)
{
	struct msg m;
	uint64_t a;
	volatile uint64_t *p;

	check_eq("map anonymous", pager_request(pager, PAGER_MAP_ANON, 0, 3 * PAGE_SIZE,
						MAP_READ | MAP_WRITE, 0, &m), 0);
	a = m.w[0];
	p = (volatile uint64_t *)a;
	check("in the mmap area", a >= PAGER_MMAP_BASE && a < PAGER_MMAP_TOP);
	p[0] = 10;
	p[PAGE_SIZE / 8] = 11;
	p[2 * PAGE_SIZE / 8] = 12;
	check_eq("fixed over it: ERR_EXISTS", pager_request(pager, PAGER_MAP_ANON, a, PAGE_SIZE,
							    MAP_READ, PAGER_FIXED, &m), -ERR_EXISTS);
	check_eq("unmap the middle page", pager_request(pager, PAGER_UNMAP, a + PAGE_SIZE,
							PAGE_SIZE, 0, 0, &m), 0);
	check("the split halves keep their pages", p[0] == 10 && p[2 * PAGE_SIZE / 8] == 12);
	check_eq("fixed in the hole", pager_request(pager, PAGER_MAP_ANON, a + PAGE_SIZE, PAGE_SIZE,
						    MAP_READ | MAP_WRITE, PAGER_FIXED, &m), 0);
	check_eq("the hole is new and zero", (long)p[PAGE_SIZE / 8], 0);
	check_eq("unmap all three", pager_request(pager, PAGER_UNMAP, a, 3 * PAGE_SIZE, 0, 0, &m), 0);
}

static uint64_t pattern(uint64_t gen, unsigned page)
{
	return 0xc0e0000000000000ul | gen << 32 | page;
}

/*
 * Fork a copy of ourselves that starts in entry(arg) on a stack of its own
 * (a fresh region, copied empty); wait for it.  Its exit code, or 1000.
 */
long fork_and_wait(void (*entry)(uint64_t), uint64_t arg)
{
	struct msg m;
	uint64_t stack;
	long child = pager_fork(pager, entry, arg, CHILD_STACK, &stack), code;

	if (!child)
		return 1000;
	code = sys_task_wait(child);
	sys_handle_close(child);
	pager_request(pager, PAGER_UNMAP, stack, CHILD_STACK, 0, 0, &m);
	return code;
}

/*
 * Generation `gen` of the copy-on-write test: it must see its parent's
 * pattern, write its own, let its child do the same, and still see its own.
 */
static void __attribute__((noreturn)) generation(uint64_t gen)
{
	unsigned p;
	int fails = 0;
	struct msg m;

	for (p = 0; p < COW_PAGES; p++)
		fails += cow_area[p * 512] != pattern(gen - 1, p);
	fails += page_users(cow_area) != 2;   /* the parent's page, and ours */
	for (p = 0; p < COW_PAGES; p++)
		cow_area[p * 512] = pattern(gen, p);
	fails += page_users(cow_area) != 1;   /* our own copy now */
	if (gen < COW_GENERATIONS)
		fails += fork_and_wait(generation, gen + 1) != 0;
	for (p = 0; p < COW_PAGES; p++)
		fails += cow_area[p * 512] != pattern(gen, p);
	pager_request(pager, PAGER_STATS_MORE, 0, 0, 0, 0, &m);
	fails += m.w[0] < COW_PAGES;         /* its writes were copies */
	sys_exit(fails);
}

static volatile uint64_t *evict_flags;   /* PAGER_SHARED: [0] child mapped, [1] evicted */
static volatile uint64_t *evict_page;

static uint64_t refaults(void)
{
	struct msg m;

	pager_request(pager, PAGER_STATS_FAULTS, 0, 0, 0, 0, &m);
	return m.w[1];
}

/* The fork child of evict_checks: maps the page, and after the eviction faults it back. */
static void __attribute__((noreturn)) evict_child(uint64_t value)
{
	uint64_t before;
	int fails = evict_page[0] != value;

	evict_flags[0] = 1;
	fails += !wait_for(&evict_flags[1], 1);
	before = refaults();
	fails += evict_page[0] != value;
	fails += refaults() != before + 1;      /* unmapped from us too: it faulted back */
	sys_exit(fails);
}

/* PAGER_EVICT: the reverse map finds every mapping of a page, ours and a fork child's. */
static void evict_checks(void)
{
	struct msg m;
	uint64_t stack = 0, before;
	long child;

	pager_request(pager, PAGER_MAP_ANON, 0, PAGE_SIZE, MAP_READ | MAP_WRITE, PAGER_SHARED, &m);
	evict_flags = (volatile uint64_t *)m.w[0];
	pager_request(pager, PAGER_MAP_ANON, 0, PAGE_SIZE, MAP_READ | MAP_WRITE, 0, &m);
	evict_page = (volatile uint64_t *)m.w[0];
	evict_page[0] = 0xe1e1;
	child = pager_fork(pager, evict_child, 0xe1e1, CHILD_STACK, &stack);
	check("a fork child maps our page", child > 0 && wait_for(&evict_flags[0], 1));
	check_eq("evict it", pager_request(pager, PAGER_EVICT, (uint64_t)evict_page, PAGE_SIZE, 0,
					   0, &m), 0);
	check_eq("two mappings removed: ours and the child's", (long)m.w[0], 2);
	before = refaults();
	check("the page faults back in with its bytes", evict_page[0] == 0xe1e1 &&
	      refaults() == before + 1);
	evict_flags[1] = 1;
	check_eq("so it does in the child", child > 0 ? sys_task_wait(child) : -1, 0);
	sys_handle_close(child);
	pager_request(pager, PAGER_UNMAP, stack, CHILD_STACK, 0, 0, &m);
	check_books("the pager's books agree after the eviction");
}

static void copy_on_write(void)
{
	struct msg m;
	unsigned p, wrong = 0;

	pager_request(pager, PAGER_MAP_ANON, 0, COW_PAGES * PAGE_SIZE, MAP_READ | MAP_WRITE, 0, &m);
	cow_area = (volatile uint64_t *)m.w[0];
	for (p = 0; p < COW_PAGES; p++)
		cow_area[p * 512] = pattern(0, p);
	check_eq("3 generations, each sees only its own writes and its parent's",
		 fork_and_wait(generation, 1), 0);
	for (p = 0; p < COW_PAGES; p++)
		wrong += cow_area[p * 512] != pattern(0, p);
	check_eq("the first keeps its own pages", wrong, 0);
	for (p = 0; p < COW_PAGES; p++)          /* the children have ended */
		cow_area[p * 512] = pattern(9, p);
	pager_request(pager, PAGER_STATS_MORE, 0, 0, 0, 0, &m);
	check("writes to pages no one shares any more regain write without a copy",
	      m.w[1] >= COW_PAGES);
	check_eq("the reverse map: the page has one user again", page_users(cow_area), 1);
	check_books("the pager's books agree after 3 generations");
	evict_checks();
}

static void protect_checks(void)
{
	struct msg m;
	uint64_t a;
	volatile uint64_t *p;

	pager_request(pager, PAGER_MAP_ANON, 0, 3 * PAGE_SIZE, MAP_READ | MAP_WRITE, 0, &m);
	a = m.w[0];
	p = (volatile uint64_t *)a;
	p[0] = 1;
	p[PAGE_SIZE / 8] = 2;
	check_eq("protect the middle page read-only", pager_request(pager, PAGER_PROTECT,
		 a + PAGE_SIZE, PAGE_SIZE, MAP_READ, 0, &m), 0);
	check("it still reads, its neighbours still write", p[PAGE_SIZE / 8] == 2 &&
	      (p[0] = 5, p[2 * PAGE_SIZE / 8] = 6, p[0] == 5));
	check_eq("and it gets write back", pager_request(pager, PAGER_PROTECT, a + PAGE_SIZE,
		 PAGE_SIZE, MAP_READ | MAP_WRITE, 0, &m), 0);
	p[PAGE_SIZE / 8] = 3;
	check_eq("which works, its bytes kept", (long)p[PAGE_SIZE / 8], 3);
	check_eq("protect the middle page to no access", pager_request(pager, PAGER_PROTECT,
		 a + PAGE_SIZE, PAGE_SIZE, 0, 0, &m), 0);
	check_eq("the query says rights 0", pager_request(pager, PAGER_QUERY, a + PAGE_SIZE, 0, 0,
		 0, &m) == 0 ? (long)((m.w[2] >> 8) & 0xff) : -1, 0);
	check_eq("back to read-write", pager_request(pager, PAGER_PROTECT, a + PAGE_SIZE, PAGE_SIZE,
		 MAP_READ | MAP_WRITE, 0, &m), 0);
	check_eq("the page kept its bytes through no access", (long)p[PAGE_SIZE / 8], 3);
	check_eq("protect: more than the region was made with",
		 pager_request(pager, PAGER_PROTECT, a, PAGE_SIZE, MAP_READ | MAP_EXEC, 0, &m),
		 -ERR_DENIED);
	check_eq("protect: write to text", pager_request(pager, PAGER_PROTECT, USER_BASE, PAGE_SIZE,
							 MAP_READ | MAP_WRITE, 0, &m), -ERR_DENIED);
	check_eq("protect: outside every region", pager_request(pager, PAGER_PROTECT,
		 PAGER_MMAP_TOP - PAGE_SIZE, PAGE_SIZE, MAP_READ, 0, &m), -ERR_NOT_FOUND);
	check_eq("protect: write+execute", pager_request(pager, PAGER_PROTECT, a, PAGE_SIZE,
		 MAP_READ | MAP_WRITE | MAP_EXEC, 0, &m), -ERR_INVALID_ARGUMENT);
	pager_request(pager, PAGER_UNMAP, a, 3 * PAGE_SIZE, 0, 0, &m);
}

/* Adjacent compatible regions merge; protect splits, and protect back merges. */
static void merge_checks(void)
{
	const uint64_t a = 0x2800000000ul;
	struct msg m;

	pager_request(pager, PAGER_MAP_ANON, a, 2 * PAGE_SIZE, MAP_READ | MAP_WRITE, PAGER_FIXED, &m);
	pager_request(pager, PAGER_MAP_ANON, a + 2 * PAGE_SIZE, 2 * PAGE_SIZE,
		      MAP_READ | MAP_WRITE, PAGER_FIXED, &m);
	*(volatile uint64_t *)(a + 3 * PAGE_SIZE) = 33;
	pager_request(pager, PAGER_QUERY, a, 0, 0, 0, &m);
	check("two adjacent mappings are one region", m.w[0] == a && m.w[1] == a + 4 * PAGE_SIZE);
	pager_request(pager, PAGER_MAP_ANON, a + 4 * PAGE_SIZE, PAGE_SIZE, MAP_READ, PAGER_FIXED, &m);
	pager_request(pager, PAGER_QUERY, a, 0, 0, 0, &m);
	check("one with other rights is not merged", m.w[1] == a + 4 * PAGE_SIZE);
	pager_request(pager, PAGER_PROTECT, a + PAGE_SIZE, PAGE_SIZE, MAP_READ, 0, &m);
	pager_request(pager, PAGER_QUERY, a, 0, 0, 0, &m);
	check("protect splits", m.w[1] == a + PAGE_SIZE);
	pager_request(pager, PAGER_PROTECT, a + PAGE_SIZE, PAGE_SIZE, MAP_READ | MAP_WRITE, 0, &m);
	pager_request(pager, PAGER_QUERY, a + 3 * PAGE_SIZE, 0, 0, 0, &m);
	check("protect back merges again, pages kept",
	      m.w[0] == a && m.w[1] == a + 4 * PAGE_SIZE && m.w[3] == 1 &&
	      *(volatile uint64_t *)(a + 3 * PAGE_SIZE) == 33);
	pager_request(pager, PAGER_UNMAP, a, 5 * PAGE_SIZE, 0, 0, &m);
}

static volatile uint64_t *shared_page;

static void __attribute__((noreturn)) write_shared(uint64_t value)
{
	shared_page[0] = value;
	sys_exit(0);
}

static void shared_checks(void)
{
	struct msg m;
	volatile uint64_t *private_page;

	pager_request(pager, PAGER_MAP_ANON, 0, PAGE_SIZE, MAP_READ | MAP_WRITE, PAGER_SHARED, &m);
	shared_page = (volatile uint64_t *)m.w[0];
	pager_request(pager, PAGER_MAP_ANON, 0, PAGE_SIZE, MAP_READ | MAP_WRITE, 0, &m);
	private_page = (volatile uint64_t *)m.w[0];
	shared_page[0] = 1;
	private_page[0] = 1;
	check_eq("a forked child writes the shared page", fork_and_wait(write_shared, 77), 0);
	check_eq("we see its write", (long)shared_page[0], 77);
	check_eq("our private page is still ours", (long)private_page[0], 1);
}

/* Ask for a mapping of file handle f; 0 or the error.  *at gets the address. */
static long map_file(long f, uint64_t off, uint64_t len, uint64_t rights, uint64_t flags,
		     uint64_t *at)
{
	struct msg m = { .tag = PAGER_MAP_FILE, .w = { off, len, rights, flags },
			 .handle = (uint64_t)f };
	long r = pager_call(pager, &m);

	*at = m.w[0];
	return r;
}

/* Map a copy of file handle f and unmap it, n times (more than the pager's 8 file slots). */
static bool map_unmap_files(long f, unsigned n)
{
	struct msg m;
	uint64_t at;

	while (n--) {
		if (map_file(sys_handle_dup(f, RIGHT_READ | RIGHT_TRANSFER, 0), 0, PAGE_SIZE, MAP_READ, 0,
			     &at) ||
		    *(const volatile uint8_t *)at != 0x7f ||
		    pager_request(pager, PAGER_UNMAP, at, PAGE_SIZE, 0, 0, &m))
			return false;
	}
	return true;
}

static void file_checks(void)
{
	long f = sys_image_open("echo");
	uint64_t shared, private, bad;
	const volatile uint8_t *s;
	volatile uint8_t *p;
	struct msg m;

	check("open a boot-image file", f > 0);
	check_eq("map it shared, read-only", map_file(f, 0, 2 * PAGE_SIZE, MAP_READ, 0, &shared), 0);
	s = (const volatile uint8_t *)shared;
	check("its pages are the file's", s[0] == 0x7f && s[1] == 'E' && s[2] == 'L' && s[3] == 'F');
	check_eq("map it private", map_file(f, 0, PAGE_SIZE, MAP_READ | MAP_WRITE, PAGER_PRIVATE,
					    &private), 0);
	p = (volatile uint8_t *)private;
	p[0] = 'x';
	check("a private copy takes writes; the file does not change", p[0] == 'x' && s[0] == 0x7f);
	check("the query says each is a file's, not the program's",
	      !pager_request(pager, PAGER_QUERY, shared, 0, 0, 0, &m) && (m.w[2] >> 16) == 2 &&
	      !pager_request(pager, PAGER_QUERY, private, 0, 0, 0, &m) && (m.w[2] >> 16) == 2);
	check_eq("map file: no handle", map_file(0, 0, PAGE_SIZE, MAP_READ, 0, &bad),
		 -ERR_INVALID_ARGUMENT);
	check_eq("map file: misaligned offset", map_file(f, 8, PAGE_SIZE, MAP_READ, 0, &bad),
		 -ERR_INVALID_ARGUMENT);
	check_eq("map file: past its end", map_file(f, 0, 1ul << 30, MAP_READ, 0, &bad),
		 -ERR_INVALID_ARGUMENT);
	check_eq("map file: shared and writable", map_file(f, 0, PAGE_SIZE, MAP_READ | MAP_WRITE, 0,
							  &bad), -ERR_INVALID_ARGUMENT);
	check("mapped and unmapped 20 times: the pager's file slots come back", map_unmap_files(f, 20));
	sys_handle_close(f);
}

int main(long pager_handle);

static void query_checks(void)
{
	struct msg m;

	check_eq("query our data", pager_request(pager, PAGER_QUERY, (uint64_t)data_words, 0, 0,
						 0, &m), 0);
	check("a data region, read-write, holding pages",
	      (m.w[2] & 0xff) == PAGER_KIND_DATA && ((m.w[2] >> 8) & 0xff) == (MAP_READ | MAP_WRITE) &&
	      m.w[0] <= (uint64_t)data_words && m.w[1] > (uint64_t)data_words && m.w[3] > 0);
	check_eq("query our code", pager_request(pager, PAGER_QUERY, (uint64_t)main, 0, 0, 0, &m), 0);
	check("a text region, read-execute, the program's own (not shared, no mapped file)",
	      (m.w[2] & 0xff) == PAGER_KIND_TEXT && ((m.w[2] >> 8) & 0xff) == (MAP_READ | MAP_EXEC) &&
	      (m.w[2] >> 16) == 0);
	check_eq("query a hole", pager_request(pager, PAGER_QUERY, PAGER_MMAP_TOP - 8, 0, 0, 0, &m),
		 -ERR_NOT_FOUND);
	check_eq("resident pages by kind", pager_request(pager, PAGER_STATS_RESIDENT, 0, 0, 0, 0,
							 &m), 0);
	check("anonymous, data and text pages counted", m.w[0] > 0 && m.w[1] > 0 && m.w[3] > 0);
}

static void checks(void)
{
	struct msg m;

	check_eq("a system call reads a page not mapped yet: the pager is asked",
		 sys_debug_write(untouched, strlen(untouched)), (long)strlen(untouched));
	regions();
	check_eq("64 KiB of stack", deep(64), 64);
	brk_checks();
	anon_checks();
	protect_checks();
	merge_checks();
	shared_checks();
	query_checks();
	file_checks();
	bad_requests();
	check_eq("stats", pager_request(pager, PAGER_STATS, 0, 0, 0, 0, &m), 0);
	check("faults of every kind counted", m.w[0] > 0 && m.w[1] > 0 && m.w[2] > 0);
	check_books("the pager's books agree");
	printf("# pclient: faults: zero-fill %lu, file %lu, file-copy %lu; resident %lu\n",
	       (unsigned long)m.w[0], (unsigned long)m.w[1], (unsigned long)m.w[2],
	       (unsigned long)m.w[3]);
}

int main(long pager_handle)
{
	struct msg m;
	uint64_t heap;

	pager = pager_handle;
	if (pager_request(pager, PAGER_ARG, 0, 0, 0, 0, &m))
		return 100;
	switch (m.w[0] & 0xff) {
	case PC_CHECKS:
		checks();
		return test_failures;
	case PC_STACK_OVERFLOW:
		return (int)deep(1024);                  /* 1 MiB: past the 256 KiB limit */
	case PC_WRITE_TEXT:
		*(volatile uint32_t *)(uintptr_t)main = 0;
		break;
	/* The modes that must be ended: a request that fails exits with
	 * PC_REQUEST_FAILED, which the test tells from the kill it wants. */
	case PC_UNMAPPED:
		if (pager_request(pager, PAGER_MAP_ANON, 0, PAGE_SIZE, MAP_READ | MAP_WRITE, 0, &m))
			return PC_REQUEST_FAILED;
		heap = m.w[0];
		if (pager_request(pager, PAGER_UNMAP, heap, PAGE_SIZE, 0, 0, &m))
			return PC_REQUEST_FAILED;
		return (int)*(volatile uint64_t *)heap;
	case PC_OUT_OF_MEMORY:
		if (pager_request(pager, PAGER_BRK, 0, 0, 0, 0, &m))
			return PC_REQUEST_FAILED;
		heap = m.w[0];
		if (pager_request(pager, PAGER_BRK, heap + PAGER_HEAP_MAX, 0, 0, 0, &m))
			return PC_REQUEST_FAILED;
		for (;; heap += PAGE_SIZE)
			*(volatile uint64_t *)heap = 1;  /* until the limit ends us */
	case PC_EXEC_DATA:
		((void (*)(void))data_words)();
		break;
	case PC_COPY_ON_WRITE:
		copy_on_write();
		return test_failures;
	case PC_STRESS:
		stress();
		return test_failures;
	case PC_SHARE_OFFER:
		return share_offer(m.w[0] >> 8);
	case PC_SHARE_TAKE:
		return share_take();
	case PC_FUZZ:
		fuzz();
		return test_failures;
	case PC_PROTECTED_WRITE:
		if (pager_request(pager, PAGER_MAP_ANON, 0, PAGE_SIZE, MAP_READ | MAP_WRITE, 0, &m))
			return PC_REQUEST_FAILED;
		heap = m.w[0];
		*(volatile uint64_t *)heap = 1;
		if (pager_request(pager, PAGER_PROTECT, heap, PAGE_SIZE, MAP_READ, 0, &m))
			return PC_REQUEST_FAILED;
		*(volatile uint64_t *)heap = 2;          /* ends us */
		return 1;
	case PC_FAULT_FOREVER:
		/* Fault until the pager is gone: a fault then ends us, a
		 * request fails (then we end ourselves). */
		if (pager_request(pager, PAGER_MAP_ANON, 0, 4 * PAGE_SIZE, MAP_READ | MAP_WRITE, 0,
				  &m))
			return 3;
		heap = m.w[0];
		for (;;) {
			((volatile uint64_t *)heap)[0]++;
			((volatile uint64_t *)heap)[1024]++;
			if (pager_request(pager, PAGER_DROP, heap, 4 * PAGE_SIZE, 0, 0, &m))
				return 3;
		}
	}
	return 1;
}
