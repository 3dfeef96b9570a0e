/*
 * The memory of the slab and kmalloc tests (tests/mm/test_slab*.c,
 * tests/mm/test_kmalloc.c) and the helpers they share.  RAM is a 32 MiB
 * arena at physical 0x80000000 behind the phys window; its first quarter is
 * ZONE_DMA, the rest ZONE_DMA32; its last RESERVED_PAGES pages stay
 * reserved (never given to the buddy), so that a free of a pointer into
 * them can be tested.  Two harts share the memory; this_hart() returns
 * cur_hart, which tests switch.  Slab reports are captured, not printed
 * only, so that tests can check their wording.
 *
 * One memory and one kmalloc serve a whole test program (kmalloc is
 * global): every test gives back what it took, and the leak tests check the
 * buddy's free pages against their starting value.
 *
 * test.h keeps a test program's pass/fail state in static variables, one
 * copy per file, so the helpers that CHECK (stats, CHECK_CACHE_OK,
 * CHECK_REPORT) are defined here; the rest lives in slab_arena.c.
 */
#ifndef TESSERA_TESTS_MM_SLAB_ARENA_H
#define TESSERA_TESTS_MM_SLAB_ARENA_H

#include <string.h>

#include "mm/buddy.h"
#include "mm/phys.h"
#include "mm/slab.h"
#include "test.h"

#ifndef SLAB_DEBUG_ALL
#define SLAB_DEBUG_ALL 0
#endif

#define RAM_PFN 0x80000ull               /* the arena's first pfn: pa 0x80000000 */
#define ARENA_PAGES 8192u                /* 32 MiB */
#define RESERVED_PAGES 16u               /* at the arena's end, kept from the buddy */
#define DMA_LIMIT (pfn_to_pa(RAM_PFN) + (paddr_t)ARENA_PAGES / 4 * PAGE_SIZE)
#define NHARTS 2u

extern uint8_t *arena;                   /* the RAM, at RAM_PFN */
extern struct mem mem;
extern unsigned cur_hart;                /* what this_hart() returns */
extern unsigned reports;                 /* slab reports so far */
extern char last_report[256];            /* the latest of them */

/* Set up the arena, the buddy over it and kmalloc; false if out of host memory. */
bool slab_arena_setup(void);

/* Give the arena back to the host at the end of a test program. */
void slab_arena_teardown(void);

/* The report line a test expects, printf-formatted (glibc's %p is the kernel's 0x%lx). */
const char *expect(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Free pages of every zone, per-hart page caches included. */
uint64_t total_free(void);

/* Sort n pointers and check [p, p + size) never overlap. */
bool disjoint(void **p, unsigned n, size_t size);

/* ---- checking helpers ------------------------------------------------------------ */

/* One more report than `before`, and it reads `line`. */
#define CHECK_REPORT(before, line) do { \
	CHECK_EQ_U64(reports, (before) + 1); \
	CHECK_STR(last_report, (line)); \
	} while (0)

/* The counters of cache c; CHECKs that kmem_cache_stats succeeds. */
static inline struct slab_stats stats(struct kmem_cache *c)
{
	struct slab_stats s;

	memset(&s, 0, sizeof(s));
	CHECK(kmem_cache_stats(c, &s));
	return s;
}

static inline void check_cache_(struct kmem_cache *c, int line)
{
	char why[256];

	if (!kmem_cache_check(c, why, sizeof(why))) {
		test_failure_note("line %d: kmem_cache_check: %s", line, why);
		test_current_failed = 1;
	}
}
#define CHECK_CACHE_OK(c) check_cache_((c), __LINE__)

#endif
