/*
 * The ASID allocator with harts as threads: NTHREADS threads switch among
 * SPACES address spaces at random, as asid_switch does (the
 * lock-free asid_activate_current, else asid_activate), with few enough
 * ASIDs that rollovers race with the fast path all the time.
 *
 * Each thread keeps a model of its own hart's TLB (which space's entries
 * may be cached under each ASID; a flush empties it) and counts every
 * switch that uses an ASID whose entries may belong to another space: the
 * isolation the allocator exists for.  Both paths must have been taken,
 * with rollovers during the run.
 *
 * Usage: threads_asid [switches-per-thread]
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mm/asid.h"
#include "test.h"

#define NTHREADS 4u
#define SPACES 12u
#define BITS 3u                       /* 7 ASIDs for 12 spaces on 4 harts */
#define DEFAULT_SWITCHES 400000ull

static struct asid_allocator a;
static uint64_t ctx[SPACES];
static uint64_t switches = DEFAULT_SWITCHES;

struct hart {
	pthread_t thread;
	unsigned index;
	int tlb[1u << BITS];          /* space cached under each ASID; -1: none */
	uint64_t fast, slow, violations;
};

static struct hart harts[NTHREADS];

/* asid_switch, with the path it took counted. */
static struct asid_switch switch_to(uint64_t *c, unsigned hart, struct hart *h)
{
	uint64_t seen = __atomic_load_n(c, __ATOMIC_RELAXED);

	if (asid_activate_current(&a, seen, hart)) {
		h->fast++;
		return (struct asid_switch){ asid_of(&a, seen), false };
	}
	h->slow++;
	return asid_activate(&a, c, hart);
}

static void *run(void *arg)
{
	struct hart *h = arg;
	unsigned seed = 0x5eed + h->index;
	uint64_t i;

	memset(h->tlb, -1, sizeof(h->tlb));
	for (i = 0; i < switches; i++) {
		/* Mostly among a few spaces, as a client and its server would. */
		unsigned s = rand_r(&seed) % 4 ? (h->index + rand_r(&seed) % 3) % SPACES
						: (unsigned)rand_r(&seed) % SPACES;
		struct asid_switch sw = switch_to(&ctx[s], h->index, h);

		if (sw.flush)
			memset(h->tlb, -1, sizeof(h->tlb));
		if (h->tlb[sw.asid] != -1 && h->tlb[sw.asid] != (int)s)
			h->violations++;
		h->tlb[sw.asid] = (int)s;
	}
	return NULL;
}

static void test_harts_race_rollovers(void)
{
	uint64_t fast = 0, slow = 0, violations = 0;
	unsigned t;

	asid_init(&a, BITS, NTHREADS);
	CHECK_EQ_U64(a.bits, BITS);
	for (t = 0; t < NTHREADS; t++) {
		harts[t].index = t;
		CHECK(pthread_create(&harts[t].thread, NULL, run, &harts[t]) == 0);
	}
	for (t = 0; t < NTHREADS; t++) {
		pthread_join(harts[t].thread, NULL);
		fast += harts[t].fast;
		slow += harts[t].slow;
		violations += harts[t].violations;
	}
	printf("# %llu switches: %llu lock-free, %llu locked, %llu rollovers\n",
	       (unsigned long long)(fast + slow), (unsigned long long)fast,
	       (unsigned long long)slow, (unsigned long long)a.rollovers);
	CHECK_EQ_U64(violations, 0);
	CHECK(fast > 0);
	CHECK(slow > 0);
	CHECK(a.rollovers > 0);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		switches = strtoull(argv[1], NULL, 0);
	RUN(test_harts_race_rollovers);
	return test_done();
}
