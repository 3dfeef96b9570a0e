/*
 * The buddy allocator under real concurrency: NTHREADS threads, each its
 * own hart (a thread-local index behind this_hart), allocate and free at
 * random on one struct mem, so that the zone locks, cache refills and
 * drains race for real.  A third of the frees hand a block to another
 * thread through a mailbox, so pages move between harts' caches.
 *
 * Every page has an owner word in a shadow array, claimed with an atomic
 * compare-and-swap when its block is allocated: two threads holding the
 * same page is caught at once.  A tag written into each page is checked
 * when it is freed.  At the end buddy_check runs and the free lists must
 * be back to where they started.  It runs twice: on a frame table set up
 * whole, then on one left as the boot leaves it, where the threads set up
 * the free chunks as they need them (mm/frame.h).
 *
 * Usage: threads_buddy [ops-per-thread]
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mm/buddy.h"
#include "mm/phys.h"
#include "stress.h"
#include "test.h"

#define NTHREADS 4u
#define DEFAULT_OPS 500000ull          /* per thread */
#define MAX_HELD 96u                   /* blocks one thread holds: all fit, nearly */
#define MAILBOX 64u
#define TOP_ORDER 4u                   /* orders 0..TOP_ORDER-1 */
#define RAM_PFN 0x80000ull
#define RAM_PAGES 4096u             /* chunk 0 holds the DMA limit; 1..3: DMA32 */
#define DMA_LIMIT_PFN (RAM_PFN + 0x200)
#define NOBODY 0u                      /* owner word of a free page; threads are 1.. */
#define LAST_WORD (PAGE_SIZE / sizeof(uint64_t) - 1)

struct block {
	struct frame *f;
	pfn_t pfn;
	unsigned order;
	uint64_t tag;
};

struct worker {
	pthread_t thread;
	unsigned id;                   /* 1..NTHREADS; its hart is id - 1 */
	uint64_t rng, ops;
	struct block held[MAX_HELD];
	unsigned nheld;
	uint64_t allocs, failures, frees, handed;
	const char *error;             /* first problem seen, or NULL */
	pfn_t error_pfn;
};

static uint8_t *arena;
static struct mem mem;
static struct frame *frames;
static uint32_t owner[RAM_PAGES];
static struct worker workers[NTHREADS];
static __thread unsigned my_hart;
static pthread_barrier_t start;        /* all threads begin together */
static unsigned inside, most_inside;   /* threads in an operation: now, at most */

static pthread_mutex_t mailbox_lock = PTHREAD_MUTEX_INITIALIZER;
static struct block mailbox[MAILBOX];
static unsigned mailbox_n;

static unsigned thread_hart(void)
{
	return my_hart;
}

static uint64_t rnd(struct worker *w)
{
	return stress_random(&w->rng);
}

static bool problem(struct worker *w, const char *what, pfn_t pfn)
{
	if (!w->error) {
		w->error = what;
		w->error_pfn = pfn;
	}
	return false;
}

static uint64_t *page_words(pfn_t pfn)
{
	return phys_to_virt(pfn_to_pa(pfn));
}

/* Claim every page of b for w (atomically) and tag it. */
static bool claim(struct worker *w, const struct block *b)
{
	pfn_t i;

	for (i = 0; i < ((pfn_t)1 << b->order); i++) {
		uint32_t nobody = NOBODY, *who = &owner[b->pfn + i - RAM_PFN];
		uint64_t *words = page_words(b->pfn + i);

		if (!__atomic_compare_exchange_n(who, &nobody, w->id, false, __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE))
			return problem(w, "two threads hold the same page", b->pfn + i);
		words[0] = b->tag ^ i;
		words[LAST_WORD] = ~b->tag;
	}
	return true;
}

/* Check b's tags and give its pages up (b was claimed by `by`), then free it. */
static bool release(struct worker *w, const struct block *b, unsigned by)
{
	pfn_t i;

	for (i = 0; i < ((pfn_t)1 << b->order); i++) {
		uint32_t was = by;
		const uint64_t *words = page_words(b->pfn + i);

		if (words[0] != (b->tag ^ i) || words[LAST_WORD] != ~b->tag)
			return problem(w, "a held page was overwritten", b->pfn + i);
		if (!__atomic_compare_exchange_n(&owner[b->pfn + i - RAM_PFN], &was, NOBODY, false,
						 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return problem(w, "page owner changed while held", b->pfn + i);
	}
	buddy_free(&mem, b->f, b->order);
	w->frees++;
	return true;
}

static bool do_alloc(struct worker *w)
{
	static const unsigned zones[] = { 0, ALLOC_DMA32, ALLOC_DMA, 0 };
	uint64_t r = rnd(w);
	unsigned order = (unsigned)(r % TOP_ORDER);
	unsigned flags = zones[r >> 8 & 3] | ((r >> 12 & 3) ? 0 : ALLOC_NOCACHE) |
			 ((r >> 16 & 7) ? 0 : ALLOC_NOWAIT);
	struct block *b = &w->held[w->nheld];

	b->f = buddy_alloc(&mem, order, flags);
	if (!b->f) {
		w->failures++;
		return true;
	}
	w->allocs++;
	b->pfn = mem_frame_pfn(&mem, b->f);
	b->order = order;
	b->tag = (w->allocs << 8 | w->id) ^ (r & ~0xffull);
	if (b->f->flags != FRAME_ALLOCATED || b->f->order != order ||
	    !IS_ALIGNED(b->pfn, (pfn_t)1 << order))
		return problem(w, "bad allocated block", b->pfn);
	if ((flags & ALLOC_DMA) && b->pfn + ((pfn_t)1 << order) > DMA_LIMIT_PFN)
		return problem(w, "ALLOC_DMA block above the DMA limit", b->pfn);
	w->nheld++;
	return claim(w, b);
}

enum handover { TOOK, POSTED, NOTHING };

/* Take a block another thread posted (into *out), or post held[slot]. */
static enum handover hand_over(struct worker *w, unsigned slot, struct block *out)
{
	enum handover what = NOTHING;

	pthread_mutex_lock(&mailbox_lock);
	if (mailbox_n && (rnd(w) & 1)) {
		*out = mailbox[--mailbox_n];
		what = TOOK;
	} else if (mailbox_n < MAILBOX) {
		mailbox[mailbox_n++] = w->held[slot];
		what = POSTED;
	}
	pthread_mutex_unlock(&mailbox_lock);
	return what;
}

/* The claimer of a block: its tag's low byte. */
static unsigned claimer(const struct block *b)
{
	return (unsigned)(b->tag & 0xff);
}

static bool do_free(struct worker *w)
{
	unsigned slot = (unsigned)(rnd(w) % w->nheld);
	enum handover what = NOTHING;
	struct block b, other;

	if (rnd(w) % 3 == 0)
		what = hand_over(w, slot, &other);
	if (what == TOOK)
		return release(w, &other, claimer(&other));  /* maybe another thread's */
	b = w->held[slot];
	w->held[slot] = w->held[--w->nheld];
	if (what == POSTED) {
		w->handed++;
		return true;
	}
	return release(w, &b, w->id);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	uint64_t op;

	my_hart = w->id - 1;
	pthread_barrier_wait(&start);
	for (op = 0; op < w->ops && !w->error; op++) {
		bool alloc = w->nheld == 0 || (w->nheld < MAX_HELD && (rnd(w) & 1));
		unsigned n = __atomic_add_fetch(&inside, 1, __ATOMIC_RELAXED);
		bool ok;

		if (n > __atomic_load_n(&most_inside, __ATOMIC_RELAXED))
			__atomic_store_n(&most_inside, n, __ATOMIC_RELAXED);
		ok = alloc ? do_alloc(w) : do_free(w);
		__atomic_sub_fetch(&inside, 1, __ATOMIC_RELAXED);
		if (!ok)
			break;
	}
	while (w->nheld && !w->error) {
		struct block b = w->held[--w->nheld];

		release(w, &b, w->id);
	}
	return NULL;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/*
 * All of RAM free.  lazy: as the boot does it (mem_add_block_unset and
 * buddy_boot, descriptors poisoned first), so that the chunks of DMA32
 * wholly free are set up by whichever thread first finds the lists dry.
 */
static void setup(bool lazy)
{
	static struct memmap_list all_free;

	memset(&mem, 0, sizeof(mem));
	mem.dma_limit = pfn_to_pa(DMA_LIMIT_PFN);
	if (lazy) {
		memset(frames, 0xa5, RAM_PAGES * sizeof(struct frame));
		all_free.r[0] = (struct memmap_range){ pfn_to_pa(RAM_PFN), pfn_to_pa(RAM_PFN + RAM_PAGES) };
		all_free.n = 1;
		if (mem_add_block_unset(&mem, RAM_PFN, RAM_PAGES, frames) != ERR_OK)
			abort();
		buddy_init(&mem, NTHREADS, thread_hart);
		buddy_boot(&mem, &all_free);
	} else {
		if (mem_add_block(&mem, RAM_PFN, RAM_PAGES, frames) != ERR_OK)
			abort();
		buddy_init(&mem, NTHREADS, thread_hart);
		buddy_add_range(&mem, RAM_PFN, RAM_PAGES);
	}
	buddy_set_watermarks(&mem);
}

static void check_buddy(void)
{
	char why[256];

	if (!buddy_check(&mem, why, sizeof(why))) {
		test_failure_note("buddy_check: %s", why);
		test_current_failed = 1;
	}
}

/* Free what the threads left in the mailbox, as hart 0. */
static void empty_mailbox(void)
{
	my_hart = 0;
	while (mailbox_n) {
		struct block b = mailbox[--mailbox_n];

		CHECK(release(&workers[0], &b, claimer(&b)));
	}
}

/* Each thread's errors and counts, and the throughput of `seconds`. */
static void report(double seconds)
{
	uint64_t total = 0;
	unsigned i;

	for (i = 0; i < NTHREADS; i++) {
		const struct worker *w = &workers[i];

		if (w->error)
			test_failure_note("thread %u: %s (pfn 0x%llx)", w->id, w->error,
			       (unsigned long long)w->error_pfn);
		CHECK(w->error == NULL);
		printf("# thread %u: %llu allocs, %llu failed, %llu frees, %llu handed over\n",
		       w->id, (unsigned long long)w->allocs, (unsigned long long)w->failures,
		       (unsigned long long)w->frees, (unsigned long long)w->handed);
		total += w->allocs + w->failures + w->frees;
	}
	printf("# %u threads: %llu operations in %.2f s, %.0f ops/s; up to %u at once\n",
	       NTHREADS, (unsigned long long)total, seconds,
	       seconds > 0 ? (double)total / seconds : 0.0, most_inside);
}

static uint64_t ops_per_thread = DEFAULT_OPS;

/* NTHREADS harts allocate, free and hand blocks to each other at once: no
 * page is ever held twice, and afterwards every invariant holds. */
static void run_threads(bool lazy)
{
	uint64_t before[ZONE_COUNT][MAX_ORDER];
	unsigned i, z, k;
	double t0;

	setup(lazy);
	for (z = 0; z < ZONE_COUNT; z++)
		for (k = 0; k < MAX_ORDER; k++)
			before[z][k] = mem.zones[z].free[k].count;
	pthread_barrier_init(&start, NULL, NTHREADS);
	t0 = now();
	for (i = 0; i < NTHREADS; i++) {
		workers[i] = (struct worker){ .id = i + 1, .ops = ops_per_thread,
					      .rng = 0x7e57 + i * 7919u };
		CHECK(pthread_create(&workers[i].thread, NULL, work, &workers[i]) == 0);
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_join(workers[i].thread, NULL);
	report(now() - t0);
	pthread_barrier_destroy(&start);
	empty_mailbox();
	check_buddy();
	buddy_drain_caches(&mem);
	check_buddy();
	for (z = 0; z < ZONE_COUNT; z++) {
		CHECK_EQ_U64(mem.zones[z].free_pages, mem.zones[z].managed_pages);
		CHECK_EQ_U64(mem.zones[z].stats.bad_frees, 0);
		for (k = 0; k < MAX_ORDER; k++)
			CHECK_EQ_U64(mem.zones[z].free[k].count, before[z][k]);
	}
	for (i = 0; i < RAM_PAGES; i++)
		CHECK(owner[i] == NOBODY);
	if (lazy) {
		/* The DMA32 chunks began unset (every one above the DMA limit's
		 * chunk), and the threads set up at least one. */
		uint64_t chunk = (uint64_t)1 << (MAX_ORDER - 1);
		uint64_t dma32 = (RAM_PFN + RAM_PAGES - ALIGN_UP(DMA_LIMIT_PFN, chunk)) / chunk;

		CHECK(dma32 >= 2);
		CHECK_EQ_U64(before[ZONE_DMA32][MAX_ORDER - 1], dma32);
		CHECK(mem.zones[ZONE_DMA32].deferred < dma32);
		printf("# lazy: %llu of %llu DMA32 chunks set up by the threads\n",
		       (unsigned long long)(dma32 - mem.zones[ZONE_DMA32].deferred),
		       (unsigned long long)dma32);
	}
}

static void test_threads_alloc_and_free_concurrently(void)
{
	run_threads(false);
}

/* The same from a lazy boot: the chunks' set-up races the other threads. */
static void test_threads_set_up_chunks_concurrently(void)
{
	run_threads(true);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		ops_per_thread = strtoull(argv[1], NULL, 0);
	arena = aligned_alloc(PAGE_SIZE, (size_t)RAM_PAGES * PAGE_SIZE);
	frames = calloc(RAM_PAGES, sizeof(struct frame));
	if (!arena || !frames)
		return 1;
	phys_set_window(pfn_to_pa(RAM_PFN), arena, (uint64_t)RAM_PAGES * PAGE_SIZE);
	RUN(test_threads_alloc_and_free_concurrently);
	RUN(test_threads_set_up_chunks_concurrently);
	phys_set_window(0, NULL, 0);
	free(frames);
	free(arena);
	return test_done();
}
