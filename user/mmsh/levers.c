/*
 * mmsh's levers: change memory and watch the views move.
 *
 *   alloc ORDER [ZONE]   a block of 2^ORDER pages (a frame the shell holds),
 *                        its physical address printed for `frame`; free PA
 *   kmalloc SIZE         a kernel kmalloc block (SYS_LEVER), its address
 *                        printed; kfree ADDR
 *   limit TASK PAGES     a client's resident limit at the pager
 *   stress buddy|slab|faults [N]   N allocations of a kind, then all freed,
 *                        with the counters before, at the peak and after
 *
 * What the shell holds is its own: `free` and `kfree` give it back, and
 * the rest goes when the shell ends (the kernel closes its frames and
 * frees its kmalloc blocks).
 */
#include "pager/client.h"
#include "ulib.h"

#include "mmsh.h"

#define HELD_MAX 32
#define STRESS_MAX 10000
#define STRESS_DEFAULT 100
#define STRESS_VA 0x30000000ul        /* stress faults: a window of the shell's own */

/* The kmalloc blocks the shell holds, by address (0: a free slot). */
static uint64_t kblocks[LEVER_BLOCKS];

static struct held {
	long frame;                       /* 0: free slot */
	uint64_t pa;
	unsigned order;
} held[HELD_MAX];

/* The zone named by word (DMA, DMA32) as SYS_FRAME_ALLOC's flag; false if none. */
static bool zone_flag(const char *word, unsigned long *flag)
{
	if (strcmp(word, "DMA") == 0 || strcmp(word, "dma") == 0)
		*flag = FRAME_ALLOC_DMA;
	else if (strcmp(word, "DMA32") == 0 || strcmp(word, "dma32") == 0)
		*flag = FRAME_ALLOC_DMA32;
	else
		return false;
	return true;
}

int mmsh_alloc(int argc, char **argv)
{
	unsigned long flag = 0;
	struct held *h = NULL;
	uint64_t order;
	long frame, pa;
	unsigned i;

	if (argc < 2 || argc > 3)
		return mmsh_error("alloc: an order, and a zone if you like (alloc ORDER [DMA|DMA32])");
	if (!parse_number(argv[1], &order) || order > 9)
		return mmsh_error("alloc: '%s' is not an order from 0 to 9 (a frame is at most "
				  "2 MiB)", argv[1]);
	if (argc == 3 && !zone_flag(argv[2], &flag))
		return mmsh_error("alloc: '%s' is not DMA or DMA32 (without one: any zone)", argv[2]);
	for (i = 0; i < HELD_MAX && !h; i++)
		if (!held[i].frame)
			h = &held[i];
	if (!h)
		return mmsh_error("alloc: the shell holds %u blocks already (free one)", HELD_MAX);
	frame = sys_frame_alloc(PAGE_SIZE << order, flag);
	if (frame == -ERR_NO_MEMORY)
		return mmsh_error("alloc: no free block of order %lu%s%s: ERR_NO_MEMORY",
				  (unsigned long)order, argc == 3 ? " in zone " : "",
				  argc == 3 ? argv[2] : "");
	if (frame < 0)
		return mmsh_error("alloc: the kernel refuses: %s", err_name((err_t)-frame));
	pa = sys_frame_paddr(frame);
	if (pa < 0) {
		sys_handle_close(frame);
		return mmsh_error("alloc: its address: %s", err_name((err_t)-pa));
	}
	*h = (struct held){ .frame = frame, .pa = (uint64_t)pa, .order = (unsigned)order };
	printf("alloc: order %lu (%lu pages) at 0x%lx (free 0x%lx gives it back)\n",
	       (unsigned long)order, 1ul << order, (unsigned long)pa, (unsigned long)pa);
	return 0;
}

int mmsh_free(int argc, char **argv)
{
	uint64_t pa, pages = 0;
	unsigned i, n = 0;

	if (argc == 2 && strcmp(argv[1], "all") == 0) {
		for (i = 0; i < HELD_MAX; i++)
			if (held[i].frame) {
				sys_handle_close(held[i].frame);
				pages += 1ul << held[i].order;
				held[i] = (struct held){ 0 };
				n++;
			}
		printf("free: %u blocks, %lu pages back\n", n, (unsigned long)pages);
		return 0;
	}
	if (argc != 2 || !parse_number(argv[1], &pa))
		return mmsh_error("free: the address alloc printed, or all (free PA|all)");
	for (i = 0; i < HELD_MAX; i++)
		if (held[i].frame && held[i].pa == pa) {
			sys_handle_close(held[i].frame);
			printf("free: 0x%lx, %lu pages back\n", (unsigned long)pa,
			       1ul << held[i].order);
			held[i] = (struct held){ 0 };
			return 0;
		}
	return mmsh_error("free: 0x%lx is no block the shell allocated", (unsigned long)pa);
}

int mmsh_kmalloc(int argc, char **argv)
{
	uint64_t size;
	unsigned i;
	long r;

	if (argc != 2 || !parse_number(argv[1], &size) || !size || size > LEVER_KMALLOC_MAX)
		return mmsh_error("kmalloc: a size from 1 to %lu bytes (kmalloc SIZE)",
				  LEVER_KMALLOC_MAX);
	r = sys_lever(LEVER_KMALLOC, size);   /* a kernel address, or -ERR_* */
	if (r == -ERR_NO_MEMORY)
		return mmsh_error("kmalloc: %lu bytes: ERR_NO_MEMORY (no memory, or the shell "
				  "holds %u blocks)", (unsigned long)size, LEVER_BLOCKS);
	if (r < 0 && r > -4096)
		return mmsh_error("kmalloc: the kernel refuses: %s", err_name((err_t)-r));
	for (i = 0; i < LEVER_BLOCKS; i++)
		if (!kblocks[i]) {
			kblocks[i] = (uint64_t)r;
			break;
		}
	printf("kmalloc: %lu bytes at 0x%lx (kfree 0x%lx gives it back)\n", (unsigned long)size,
	       (unsigned long)r, (unsigned long)r);
	return 0;
}

int mmsh_kfree(int argc, char **argv)
{
	uint64_t addr;
	unsigned i, n = 0;
	long r;

	if (argc == 2 && strcmp(argv[1], "all") == 0) {
		for (i = 0; i < LEVER_BLOCKS; i++)
			if (kblocks[i] && sys_lever(LEVER_KFREE, kblocks[i]) == 0) {
				kblocks[i] = 0;
				n++;
			}
		printf("kfree: %u blocks\n", n);
		return 0;
	}
	if (argc != 2 || !parse_number(argv[1], &addr))
		return mmsh_error("kfree: the address kmalloc printed, or all (kfree ADDR|all)");
	r = sys_lever(LEVER_KFREE, addr);
	if (r == -ERR_NOT_FOUND)
		return mmsh_error("kfree: 0x%lx is no block the shell kmalloc'd", (unsigned long)addr);
	if (r < 0)
		return mmsh_error("kfree: the kernel refuses: %s", err_name((err_t)-r));
	for (i = 0; i < LEVER_BLOCKS; i++)
		if (kblocks[i] == addr)
			kblocks[i] = 0;
	printf("kfree: 0x%lx\n", (unsigned long)addr);
	return 0;
}

int mmsh_slabdebug(int argc, char **argv)
{
	static const char *const kinds[] = { "write-after-free", "double-free", "overflow" };
	static const char *const bugs[] = { "a write after free", "a double free",
					    "an overflow (the byte after the object)" };
	unsigned k;
	long r;

	for (k = 0; argc == 2 && k < 3; k++)
		if (strcmp(argv[1], kinds[k]) == 0)
			break;
	if (argc != 2 || k == 3)
		return mmsh_error("slabdebug: write-after-free, double-free or overflow");
	r = sys_lever(LEVER_SLAB_BUG, k + 1);
	if (r < 0)
		return mmsh_error("slabdebug: the kernel refuses: %s", err_name((err_t)-r));
	printf("slabdebug: %s on a %d-byte object of a debug cache: %ld report%s (the kernel's "
	       "line above)\n", bugs[k], LEVER_BUG_OBJECT, r, r == 1 ? "" : "s");
	return r == 1 ? 0 : 1;
}

int mmsh_limit(int argc, char **argv)
{
	struct meminfo_task t;
	uint64_t pages;
	struct msg m;
	long r;

	if (argc != 3)
		return mmsh_error("limit: a task and a number of pages (limit TASK PAGES)");
	if (!parse_number(argv[2], &pages) || !pages || pages > 8192)
		return mmsh_error("limit: '%s' is not a number of pages from 1 to 8192", argv[2]);
	if (!mmsh_task_find("limit", argv[1], &t))
		return 1;
	if (t.id == (uint32_t)sys_task_id(HANDLE_SELF))
		return mmsh_error("limit: not the shell itself (its next page would end it)");
	r = pager_request(mmsh_pager, PAGER_LIMIT, t.id, pages, 0, 0, &m);
	if (r == -ERR_NOT_FOUND)
		return mmsh_error("limit: task %u (%s) is not a client of the shell's pager", t.id,
				  t.name);
	if (r)
		return mmsh_error("limit: the pager refuses: %s", err_name((err_t)-r));
	printf("limit: task %u (%s) may have %lu resident pages (it had %lu); a fault past them "
	       "is refused: out of memory\n", t.id, t.name, (unsigned long)pages,
	       (unsigned long)m.w[0]);
	return 0;
}

/*
 * swap [TASK]: the pager's reclaim counters (PAGER_SWAP_STATS, all four
 * parts), and under
 * --icount what a page scanned, reclaimed and read in cost; with TASK, that
 * program's pages written out and read back (PAGER_CLIENT_STATS part 3).
 */
int mmsh_swap(int argc, char **argv)
{
	struct msg a, b, c, d;
	struct meminfo_task t;
	struct task_usage u;

	if (argc > 2)
		return mmsh_error("swap: at most one task (swap [TASK])");
	if (argc == 2) {
		if (!mmsh_task_find("swap", argv[1], &t))
			return 1;
		if (pager_request(mmsh_pager, PAGER_CLIENT, t.id, 0, 0, 0, &a) ||
		    pager_request(mmsh_pager, PAGER_CLIENT_STATS, a.w[0], 3, 0, 0, &b))
			return mmsh_error("swap: task %u (%s) is not a client of the shell's pager",
					  t.id, t.name);
		printf("swap: task %u (%s): %lu pages written to swap, %lu read back, %lu resident\n",
		       t.id, t.name, b.w[0], b.w[1], a.w[1]);
		return 0;
	}
	if (pager_request(mmsh_pager, PAGER_SWAP_STATS, 0, 0, 0, 0, &a) ||
	    pager_request(mmsh_pager, PAGER_SWAP_STATS, 1, 0, 0, 0, &b) ||
	    pager_request(mmsh_pager, PAGER_SWAP_STATS, 2, 0, 0, 0, &c) ||
	    pager_request(mmsh_pager, PAGER_SWAP_STATS, 3, 0, 0, 0, &d))
		return mmsh_error("swap: the pager does not answer");
	if (!b.w[0]) {
		printf("swap: none (boot with tools/boot --swap SIZE)\n");
		return 0;
	}
	printf("swap: %lu slots, %lu in use; scanned %lu, reclaimed %lu, swapped out %lu, "
	       "swapped in %lu; errors %lu written %lu read\n", b.w[0], b.w[1], a.w[0], a.w[1],
	       a.w[2], a.w[3], b.w[2], b.w[3]);
	printf("swap: shared memory's pages swapped out %lu, in %lu; swap-cache hits %lu; pool "
	       "chunks taken past the high watermark %lu\n", d.w[0], d.w[1], d.w[3], d.w[2]);
	if (a.w[0] && a.w[1] && a.w[3] && sys_task_usage(HANDLE_SELF, &u) == 0 && u.counted)
		printf("swap: instructions per page scanned %lu, reclaimed %lu, read in %lu\n",
		       c.w[0] / a.w[0], (c.w[0] + c.w[1]) / a.w[1], c.w[2] / a.w[3]);
	return 0;
}

/* A small generator for the stress orders and orders of freeing. */
static uint64_t stress_seed = 0x2545f4914f6cdd1dul;

static uint64_t stress_next(void)
{
	return xorshift64(&stress_seed);
}

/* The zones' free pages and merges, summed. */
static void zone_totals(uint64_t *free_pages, uint64_t *merges)
{
	struct meminfo_zone z;
	unsigned i;

	*free_pages = *merges = 0;
	for (i = 0; i < MEMINFO_ZONES; i++)
		if (sys_meminfo(MEMINFO_ZONE, i, &z, sizeof(z)) == (long)sizeof(z)) {
			*free_pages += z.free_pages + z.cached_pages;
			*merges += z.merges;
		}
}

#define STRESS_HELD 24             /* blocks held at once: the handle table's room */

/* stress buddy N: N allocations of orders 0..5, at most STRESS_HELD held at
 * once, a random one of them given back whenever that many are held (and
 * now and then before): the free lists churn as a running system's do.
 * Then all go back. */
static int stress_buddy(uint64_t n)
{
	long frames[STRESS_HELD];
	unsigned held_now = 0, j;
	uint64_t free0, merges0, free1, merges1, i, made = 0, refused = 0, pages = 0, lowest;

	zone_totals(&free0, &merges0);
	lowest = free0;
	for (i = 0; i < n; i++) {
		unsigned order = (unsigned)(stress_next() % 6);
		long f;

		if (held_now == STRESS_HELD || (held_now && stress_next() % 3 == 0)) {
			j = (unsigned)(stress_next() % held_now);
			sys_handle_close(frames[j]);
			frames[j] = frames[--held_now];
		}
		f = sys_frame_alloc(PAGE_SIZE << order, 0);
		if (f < 0) {
			refused++;
			continue;
		}
		frames[held_now] = f;
		held_now++;
		made++;
		pages += 1ul << order;
		zone_totals(&free1, &merges1);
		if (free1 < lowest)
			lowest = free1;
	}
	while (held_now)
		sys_handle_close(frames[--held_now]);
	zone_totals(&free1, &merges1);
	printf("stress buddy: %lu blocks of orders 0-5 (%lu pages), at most %u at once, %lu "
	       "refused; free pages %lu, at the lowest %lu, after %lu; merges: %lu\n",
	       (unsigned long)made, (unsigned long)pages, STRESS_HELD, (unsigned long)refused,
	       (unsigned long)free0, (unsigned long)lowest, (unsigned long)free1,
	       (unsigned long)(merges1 - merges0));
	return 0;
}

#define CACHES_MAX 64

/* Each slab cache's objects in use into active[] (at most CACHES_MAX); how many caches. */
static unsigned caches_active(uint64_t *active, struct meminfo_slab *last)
{
	unsigned i;

	for (i = 0; i < CACHES_MAX && sys_meminfo(MEMINFO_SLAB, i, last, sizeof(*last)) ==
	     (long)sizeof(*last); i++)
		active[i] = last->active_objects;
	return i;
}

/* stress slab N: N endpoints (kernel objects, each from a kmalloc cache),
 * then closed: the cache that grew the most, before, at the peak, after. */
static int stress_slab(uint64_t n)
{
	static long eps[STRESS_MAX];
	static uint64_t before[CACHES_MAX], peak[CACHES_MAX], after[CACHES_MAX];
	struct meminfo_slab s;
	uint64_t i, got = 0;
	unsigned caches, c, most = 0;

	caches = caches_active(before, &s);
	for (i = 0; i < n; i++) {
		long e = sys_endpoint_create();

		if (e <= 0)
			break;
		eps[got++] = e;
	}
	caches_active(peak, &s);
	for (i = 0; i < got; i++)
		sys_handle_close(eps[i]);
	caches_active(after, &s);
	for (c = 0; c < caches; c++)
		if (peak[c] - before[c] > peak[most] - before[most])
			most = c;
	if (!caches || sys_meminfo(MEMINFO_SLAB, most, &s, sizeof(s)) != (long)sizeof(s))
		return mmsh_error("stress slab: the slab caches cannot be read");
	printf("stress slab: %lu endpoints made%s; cache %s (%lu-byte objects) in use %lu -> "
	       "%lu -> %lu\n", (unsigned long)got,
	       got < n ? " (the shell's handle table is full)" : "", s.name,
	       (unsigned long)s.object_size, (unsigned long)before[most],
	       (unsigned long)peak[most], (unsigned long)after[most]);
	return 0;
}

/* stress faults N: N pages of the shell's own, each touched (a fault to the
 * pager), then unmapped. */
static int stress_faults(uint64_t n)
{
	struct msg m;
	uint64_t before, after, i;
	long r;

	uint64_t free_pages, merges;

	zone_totals(&free_pages, &merges);
	if (n > free_pages / 2)
		return mmsh_error("stress faults: %lu pages are more than half the %lu free: the "
				  "shell would run out of memory", (unsigned long)n,
				  (unsigned long)free_pages);
	if (pager_request(mmsh_pager, PAGER_STATS_FAULTS, 0, 0, 0, 0, &m))
		return mmsh_error("stress: the pager has no counters for the shell");
	before = m.w[0];
	r = pager_request(mmsh_pager, PAGER_MAP_ANON, STRESS_VA, n * PAGE_SIZE,
			  MAP_READ | MAP_WRITE, PAGER_FIXED, &m);
	if (r)
		return mmsh_error("stress faults: no room for %lu pages: %s", (unsigned long)n,
				  err_name((err_t)-r));
	for (i = 0; i < n; i++)
		((volatile char *)STRESS_VA)[i * PAGE_SIZE] = 1;
	pager_request(mmsh_pager, PAGER_STATS_FAULTS, 0, 0, 0, 0, &m);
	after = m.w[0];
	pager_request(mmsh_pager, PAGER_UNMAP, STRESS_VA, n * PAGE_SIZE, 0, 0, &m);
	printf("stress faults: %lu pages touched: %lu faults served by the pager; unmapped "
	       "again\n", (unsigned long)n, (unsigned long)(after - before));
	return 0;
}

int mmsh_stress(int argc, char **argv)
{
	uint64_t n = STRESS_DEFAULT;

	if (argc < 2 || argc > 3)
		return mmsh_error("stress: buddy, slab or faults, and a count (stress buddy [N])");
	if (argc == 3 && (!parse_number(argv[2], &n) || !n || n > STRESS_MAX))
		return mmsh_error("stress: '%s' is not a count from 1 to %u", argv[2], STRESS_MAX);
	if (strcmp(argv[1], "buddy") == 0)
		return stress_buddy(n);
	if (strcmp(argv[1], "slab") == 0)
		return stress_slab(n);
	if (strcmp(argv[1], "faults") == 0)
		return stress_faults(n);
	return mmsh_error("stress: '%s' is not buddy, slab or faults", argv[1]);
}

void mmsh_levers_end(void)
{
	unsigned i;

	for (i = 0; i < HELD_MAX; i++)
		if (held[i].frame)
			sys_handle_close(held[i].frame);
	/* the kmalloc blocks: the kernel frees them as the shell ends */
}
