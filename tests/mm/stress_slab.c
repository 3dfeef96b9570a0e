/*
 * Randomized stress test of the slab allocator (mm/slab.c) and kmalloc,
 * against a shadow model of what is allocated.
 *
 * Fake RAM: a 12 MiB arena at physical 0x80000000 behind the phys window,
 * its first quarter ZONE_DMA.  Random kmalloc / kzalloc / kfree of random
 * sizes (large ones too) and flags, and kmem_cache_alloc / free on a few
 * caches of different shapes (tiny, ctor, cache-line aligned, DMA, debug,
 * page-aligned), from NHARTS harts plus one hart without magazines.  The
 * number of live objects drifts towards a target that changes every
 * TARGET_EVERY operations, so slabs fill, empty and go back; the arena is
 * small enough that the buddy's shrinker runs.
 *
 * Each object is filled with a pattern made from its tag (an 8-byte tag,
 * then one byte repeated); the pattern is checked when the object is freed,
 * so an object handed out twice or overlapping another shows.  Each
 * allocation is checked for size (ksize), alignment, zone and zeroing
 * (ALLOC_ZERO) or constructed state (ctor cache).  Every CHECK_EVERY
 * operations: kmem_cache_check on every cache, buddy_check, each cache's
 * active objects against the model, and no two live objects overlapping.
 * At the end of a seed everything is freed and the caches destroyed: the
 * buddy's free pages must be back to their starting value.  No report may
 * come (the debug cache's checks must stay silent).
 *
 * Then the same kinds of operations run on NHARTS threads at once, one per
 * hart, handing objects to each other through a shared exchange so that
 * frees cross harts: the cache locks, the list lock and the shrinker under
 * contention.  Each thread checks its objects' patterns; at the end all is
 * freed and checked as above.
 *
 * Usage: stress_slab [ops-per-seed [seed ...]]
 *   or SLAB_STRESS_OPS=n SLAB_STRESS_SEEDS="1 2 3" stress_slab
 * Default: DEFAULT_SEEDS seeds x DEFAULT_OPS operations, then NHARTS threads
 * x THREAD_OPS operations (SLAB_STRESS_THREAD_OPS=n).  Prints TAP, one test
 * per seed and one for the threads, with throughput.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mm/buddy.h"
#include "mm/phys.h"
#include "mm/slab.h"
#include "stress.h"
#include "stress_slab.h"
#include "test.h"

static struct custom custom[] = {
	{ "stress-24", 24, 0, 0, false, NULL },
	{ "stress-ctor-40", 40, 0, 0, true, NULL },
	{ "stress-hw-200", 200, 0, SLAB_HWCACHE_ALIGN, false, NULL },
	{ "stress-dma-1000", 1000, 0, SLAB_DMA, false, NULL },
	{ "stress-dbg-72", 72, 0, SLAB_DEBUG, false, NULL },
	{ "stress-page-4096", 4096, PAGE_SIZE, 0, false, NULL },
};

#define NCUSTOM ARRAY_SIZE(custom)

static uint8_t *arena;
static struct frame *frames;
struct mem mem;
struct stress st;
_Thread_local unsigned cur_hart; /* each thread is one hart */
static uint8_t fill_bytes[256][PAGE_SIZE]; /* fill_bytes[b]: PAGE_SIZE bytes of b */
static const char ctor_mark[CTOR_BYTES] = "slab ctor mark!";
static unsigned reports;

static unsigned test_hart(void)
{
	return cur_hart;
}

static void on_report(void *arg, const char *line)
{
	(void)arg;
	if (!__atomic_fetch_add(&reports, 1, __ATOMIC_RELAXED))
		test_failure_note("unexpected report: %s", line);
}

static void ctor(void *obj)
{
	memcpy(obj, ctor_mark, CTOR_BYTES);
}

/* splitmix64 */
uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rnd(void)
{
	return next_random(&st.rng);
}

static uint64_t below(uint64_t n)
{
	return rnd() % n;
}

/* Record the first failure (any thread). */
void fail(const char *what, const void *p)
{
	if (__atomic_exchange_n(&st.broken, true, __ATOMIC_ACQ_REL))
		return;
	snprintf(st.why, sizeof(st.why), "%.180s (object %p, op %llu)", what, p,
		 (unsigned long long)st.op);
}

/* ---- patterns ------------------------------------------------------------------ */

/* Where the test's pattern starts in an object: after the ctor's mark. */
static size_t pattern_start(const struct live *l)
{
	return l->cache >= 0 && custom[l->cache].ctor ? CTOR_BYTES : 0;
}

static void fill(const struct live *l)
{
	size_t at = pattern_start(l), n = l->size - at;

	if (n >= sizeof(l->tag)) {
		memcpy(l->p + at, &l->tag, sizeof(l->tag));
		at += sizeof(l->tag);
		n -= sizeof(l->tag);
	}
	memset(l->p + at, (uint8_t)l->tag, n);
}

static bool pattern_ok(const struct live *l)
{
	size_t at = pattern_start(l), n = l->size - at, chunk;
	const uint8_t *b = fill_bytes[(uint8_t)l->tag];

	if (n >= sizeof(l->tag)) {
		if (memcmp(l->p + at, &l->tag, sizeof(l->tag)) != 0)
			return false;
		at += sizeof(l->tag);
		n -= sizeof(l->tag);
	}
	for (; n; n -= chunk, at += chunk) {
		chunk = n < PAGE_SIZE ? n : PAGE_SIZE;
		if (memcmp(l->p + at, b, chunk) != 0)
			return false;
	}
	return true;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	size_t chunk;

	for (; n; n -= chunk, p += chunk) {
		chunk = n < PAGE_SIZE ? n : PAGE_SIZE;
		if (memcmp(p, fill_bytes[0], chunk) != 0)
			return false;
	}
	return true;
}

/* ---- operations ---------------------------------------------------------------- */

/* kmalloc's class size for size (<= KMALLOC_MAX_CACHE_SIZE), and its index. */
static size_t class_of(size_t size, unsigned *index)
{
	static const size_t sizes[KMALLOC_CLASSES] = {
		8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096,
	};
	unsigned i = 0;

	while (sizes[i] < size)
		i++;
	if (index)
		*index = i;
	return sizes[i];
}

/* A size from random r: mostly small, some medium, a few above the slab classes. */
static size_t random_size(uint64_t r)
{
	uint64_t percent = r % 100, x = r >> 8;

	if (percent < 60)
		return 1 + x % 128;
	if (percent < 85)
		return 129 + x % (1024 - 128);
	if (percent < 98)
		return 1025 + x % (KMALLOC_MAX_CACHE_SIZE - 1024);
	return KMALLOC_MAX_CACHE_SIZE + 1 + x % (LARGE_MAX - KMALLOC_MAX_CACHE_SIZE);
}

/* Checks of a new kmalloc block l (before it is filled). */
static void check_kmalloc(const struct live *l, bool zero)
{
	size_t usable = ksize(l->p);

	if (l->size <= KMALLOC_MAX_CACHE_SIZE) {
		size_t cls = class_of(l->size, NULL);

		if (usable != cls)
			fail("ksize is not the class size", l->p);
		if (!SLAB_DEBUG_ALL && !(cls & (cls - 1)) && !IS_ALIGNED((uintptr_t)l->p, cls))
			fail("power-of-two class not naturally aligned", l->p);
	} else if (usable < l->size || !IS_ALIGNED((uintptr_t)l->p, PAGE_SIZE)) {
		fail("large block too small or not page-aligned", l->p);
	}
	if (!IS_ALIGNED((uintptr_t)l->p, 8))
		fail("not 8-aligned", l->p);
	if (l->dma && virt_to_phys(l->p) + l->size > DMA_LIMIT)
		fail("ALLOC_DMA memory above the DMA limit", l->p);
	if (zero && !all_zero(l->p, l->size))
		fail("ALLOC_ZERO memory not zeroed", l->p);
}

/* Checks of a new object l of custom cache k (before it is filled). */
static void check_custom(const struct live *l, const struct custom *k, bool zero)
{
	size_t align = k->flags & SLAB_HWCACHE_ALIGN ? SLAB_CACHE_LINE : k->align ? k->align : 8;

	if (!IS_ALIGNED((uintptr_t)l->p, align))
		fail("cache object misaligned", l->p);
	if (ksize(l->p) != ALIGN_UP(k->size, 8))
		fail("ksize of a cache object is not its size", l->p);
	if ((k->flags & SLAB_DMA) && virt_to_phys(l->p) + l->size > DMA_LIMIT)
		fail("SLAB_DMA object above the DMA limit", l->p);
	if (k->ctor && memcmp(l->p, ctor_mark, CTOR_BYTES) != 0)
		fail("ctor cache object not in its constructed state", l->p);
	if (zero && !all_zero(l->p, l->size))
		fail("ALLOC_ZERO object not zeroed", l->p);
}

/*
 * Allocate into *l an object chosen with *rng: kmalloc (7 in 10) or an
 * object of a custom cache, with random flags; check and fill it.  Returns
 * false when memory ran out.
 */
bool new_object(struct live *l, uint64_t *rng, uint64_t tag)
{
	uint64_t r = next_random(rng);
	unsigned flags = (r >> 8) % 8 == 0 ? ALLOC_ZERO : 0;

	flags |= (r >> 12) % 16 == 0 ? ALLOC_NOWAIT : 0;
	*l = (struct live){ .cache = r % 10 < 3 ? (int)((r >> 16) % NCUSTOM) : -1, .tag = tag };
	if (l->cache < 0) {
		l->size = random_size(next_random(rng));
		l->dma = (r >> 24) % 10 == 0;
		l->p = kmalloc(l->size, flags | (l->dma ? ALLOC_DMA : 0));
	} else {
		l->size = custom[l->cache].size;
		if (custom[l->cache].ctor)
			flags &= ~ALLOC_ZERO;
		l->p = kmem_cache_alloc(custom[l->cache].c, flags);
	}
	if (!l->p)
		return false;
	if (l->cache < 0)
		check_kmalloc(l, flags & ALLOC_ZERO);
	else
		check_custom(l, &custom[l->cache], flags & ALLOC_ZERO);
	fill(l);
	return true;
}

/* Check l's pattern and free it: cache objects through kfree 1 time in 4. */
void free_object(const struct live *l, uint64_t r)
{
	if (!pattern_ok(l))
		fail("pattern changed while allocated: overlap or double hand-out", l->p);
	if (l->cache >= 0 && r % 4)
		kmem_cache_free(custom[l->cache].c, l->p);
	else
		kfree(l->p);
}

static void do_alloc(void)
{
	if (!new_object(&st.live[st.nlive], &st.rng, ++st.serial * 0x9e3779b97f4a7c15ull)) {
		st.failures++;
		return;
	}
	st.nlive++;
	st.allocs++;
}

static void do_free(unsigned i)
{
	free_object(&st.live[i], rnd());
	st.live[i] = st.live[--st.nlive];
	st.frees++;
}

/* One random operation: drift towards the target, change hart now and then. */
static void do_op(void)
{
	if (below(64) == 0)
		cur_hart = (unsigned)below(NHARTS + 1);
	if (st.op % TARGET_EVERY == 0)
		st.target = (unsigned)below(MAX_LIVE);
	if (st.op % SHRINK_EVERY == 0) {
		struct kmem_cache *c = kmalloc_cache((unsigned)below(KMALLOC_CLASSES), false);

		st.shrunk_pages += kmem_cache_shrink(below(2) ? c : custom[below(NCUSTOM)].c);
	}
	/* Below the target 7 operations in 10 allocate, above it 3 in 10. */
	if (st.nlive == 0 || (st.nlive < MAX_LIVE && below(10) < (st.nlive < st.target ? 7u : 3u)))
		do_alloc();
	else
		do_free((unsigned)below(st.nlive));
}

/* ---- consistency --------------------------------------------------------------- */

static int by_address(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct live *)a)->p, y = (uintptr_t)((const struct live *)b)->p;

	return x < y ? -1 : x > y;
}

/* Each cache's active objects against the model's count of live objects. */
static void check_active_counts(void)
{
	uint64_t kmalloc_live[2][KMALLOC_CLASSES] = { { 0 } }, custom_live[NCUSTOM] = { 0 };
	struct slab_stats s;
	unsigned i, index;

	for (i = 0; i < st.nlive; i++) {
		const struct live *l = &st.live[i];

		if (l->cache >= 0)
			custom_live[l->cache]++;
		else if (l->size <= KMALLOC_MAX_CACHE_SIZE && class_of(l->size, &index) > 0)
			kmalloc_live[l->dma][index]++;
	}
	for (i = 0; i < KMALLOC_CLASSES * 2; i++)
		if (kmem_cache_stats(kmalloc_cache(i / 2, i % 2), &s) &&
		    s.active_objects != kmalloc_live[i % 2][i / 2])
			fail("a kmalloc cache's active objects differ from the model", NULL);
	for (i = 0; i < NCUSTOM; i++)
		if (kmem_cache_stats(custom[i].c, &s) && s.active_objects != custom_live[i])
			fail("a cache's active objects differ from the model", NULL);
}

/* Every cache's invariants and active count; the buddy; no overlap; no report. */
void check_all(void)
{
	static struct live sorted[MAX_LIVE];
	struct kmem_cache *c;
	char why[256];
	unsigned i;

	for (c = kmem_cache_next(NULL); c; c = kmem_cache_next(c))
		if (!kmem_cache_check(c, why, sizeof(why)))
			fail(why, NULL);
	if (!buddy_check(&mem, why, sizeof(why)))
		fail(why, NULL);
	check_active_counts();
	memcpy(sorted, st.live, st.nlive * sizeof(sorted[0]));
	qsort(sorted, st.nlive, sizeof(sorted[0]), by_address);
	for (i = 1; i < st.nlive; i++)
		if (sorted[i - 1].p + sorted[i - 1].size > sorted[i].p)
			fail("two live objects overlap", sorted[i].p);
	if (reports)
		fail("the allocator reported a problem", NULL);
}

/* ---- seeds --------------------------------------------------------------------- */

uint64_t total_free(void)
{
	uint64_t n = 0;
	unsigned z;

	for (z = 0; z < ZONE_COUNT; z++)
		n += buddy_zone_free_pages(&mem, (enum zone_id)z);
	return n;
}

/* Shrink every cache on every hart (no other hart runs: the test is single-threaded). */
void shrink_all_harts(void)
{
	struct kmem_cache *c;
	unsigned h;

	for (h = 0; h <= NHARTS; h++) {
		cur_hart = h;
		for (c = kmem_cache_next(NULL); c; c = kmem_cache_next(c))
			kmem_cache_shrink(c);
	}
	cur_hart = 0;
}

/* Free everything, destroy the caches; the buddy must hold what it held before. */
void finish_seed(uint64_t start)
{
	struct kmem_cache *c;
	unsigned i;

	while (st.nlive) {
		cur_hart = (unsigned)below(NHARTS + 1);
		do_free((unsigned)below(st.nlive));
	}
	check_all();
	shrink_all_harts();
	for (c = kmem_cache_next(NULL); c; c = kmem_cache_next(c)) {
		struct slab_stats s;

		if (kmem_cache_stats(c, &s) && s.slabs_full + s.slabs_partial + s.slabs_empty)
			fail("a cache keeps slabs after everything was freed and shrunk", NULL);
	}
	for (i = 0; i < NCUSTOM; i++)
		kmem_cache_destroy(custom[i].c);
	if (total_free() != start)
		fail("the buddy's free pages differ from the start: a leak", NULL);
}

void create_caches(void)
{
	unsigned i;

	for (i = 0; i < NCUSTOM; i++) {
		custom[i].c = kmem_cache_create(&mem, custom[i].name, custom[i].size, custom[i].align,
						custom[i].flags, custom[i].ctor ? ctor : NULL);
		if (!custom[i].c)
			fail("kmem_cache_create failed", NULL);
	}
}

static bool run_seed(uint64_t seed, uint64_t ops)
{
	uint64_t start;

	memset(&st, 0, sizeof(st));
	st.rng = seed;
	shrink_all_harts();
	start = total_free();
	create_caches();
	for (st.op = 0; st.op < ops && !st.broken; st.op++) {
		do_op();
		if (st.op % CHECK_EVERY == CHECK_EVERY - 1)
			check_all();
	}
	if (!st.broken)
		finish_seed(start);
	return !st.broken;
}

/* ---- main ---------------------------------------------------------------------- */

static bool setup(void)
{
	unsigned b;

	arena = aligned_alloc(PAGE_SIZE, (size_t)ARENA_PAGES * PAGE_SIZE);
	frames = calloc(ARENA_PAGES, sizeof(*frames));
	if (!arena || !frames)
		return false;
	for (b = 0; b < 256; b++)
		memset(fill_bytes[b], (int)b, PAGE_SIZE);
	phys_set_window(pfn_to_pa(RAM_PFN), arena, (uint64_t)ARENA_PAGES * PAGE_SIZE);
	mem.dma_limit = DMA_LIMIT;
	if (mem_add_block(&mem, RAM_PFN, ARENA_PAGES, frames) != ERR_OK)
		return false;
	buddy_init(&mem, NHARTS, test_hart);
	buddy_add_range(&mem, RAM_PFN, ARENA_PAGES);
	buddy_set_watermarks(&mem);
	slab_set_report(on_report, NULL);
	kmalloc_init(&mem);
	return true;
}

static unsigned parse_seeds(int argc, char **argv, uint64_t *seeds)
{
	unsigned n = stress_seeds(argc, argv, "SLAB_STRESS_SEEDS", seeds, MAX_SEEDS);

	if (n)
		return n;
	for (; n < DEFAULT_SEEDS; n++)
		seeds[n] = 0x51ab0000u + n;
	return n;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One TAP line for a run of st.op operations that took `seconds`. */
static void print_result(unsigned test, const char *what, uint64_t seed, bool ok, double seconds)
{
	test_current_name = "stress_slab";  /* the failure line's prefix on stderr */
	if (!ok)
		test_failure_note("%s 0x%llx: %s", what, (unsigned long long)seed, st.why);
	printf("# %s 0x%llx: %llu allocs, %llu failed, %llu frees, %llu pages shrunk; "
	       "%.2f s, %.0f ops/s\n", what, (unsigned long long)seed,
	       (unsigned long long)st.allocs, (unsigned long long)st.failures,
	       (unsigned long long)st.frees, (unsigned long long)st.shrunk_pages, seconds,
	       seconds > 0 ? (double)st.op / seconds : 0.0);
	printf("%s %u - %s 0x%llx: %llu random operations\n", ok ? "ok" : "not ok", test, what,
	       (unsigned long long)seed, (unsigned long long)st.op);
}

int main(int argc, char **argv)
{
	uint64_t seeds[MAX_SEEDS], ops = DEFAULT_OPS, total = 0;
	double seconds = 0, t0;
	unsigned n, i, failed = 0;
	bool ok;

	if (argc > 1)
		ops = strtoull(argv[1], NULL, 0);
	else if (getenv("SLAB_STRESS_OPS"))
		ops = strtoull(getenv("SLAB_STRESS_OPS"), NULL, 0);
	if (getenv("SLAB_STRESS_THREAD_OPS"))
		thread_ops = strtoull(getenv("SLAB_STRESS_THREAD_OPS"), NULL, 0);
	n = parse_seeds(argc, argv, seeds);
	if (!setup())
		return 1;
	printf("# %u seeds x %llu operations, full check every %u, %u harts, slab debug %s\n", n,
	       (unsigned long long)ops, CHECK_EVERY, NHARTS, SLAB_DEBUG_ALL ? "on" : "off");
	for (i = 0; i < n; i++) {
		t0 = now();
		ok = run_seed(seeds[i], ops);
		print_result(i + 1, "seed", seeds[i], ok, now() - t0);
		failed += !ok;
		total += st.op;
		seconds += now() - t0;
	}
	printf("# total: %llu operations in %.2f s, %.0f ops/s\n", (unsigned long long)total,
	       seconds, seconds > 0 ? (double)total / seconds : 0.0);
	printf("# %u threads x %llu operations\n", NHARTS, (unsigned long long)thread_ops);
	t0 = now();
	ok = run_threads(seeds[0]);
	print_result(n + 1, "threads, seed", seeds[0], ok, now() - t0);
	failed += !ok;
	printf("1..%u\n", n + 1);
	phys_set_window(0, NULL, 0);
	free(frames);
	free(arena);
	return failed ? 1 : 0;
}
