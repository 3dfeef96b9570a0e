/*
 * Tests of the ASID allocator (mm/asid.c): the worked example of mm/asid.h,
 * rollover and flushes, 0 and 1 ASID bits, and a randomized check against a
 * model of each hart's TLB: a hart must never use an ASID under which its
 * TLB may still hold entries of another address space, and the harts
 * running one space use one ASID, which no other space running has.  (threads_asid.c races real threads.)
 */
#include <stdlib.h>
#include <string.h>

#include "mm/asid.h"
#include "test.h"

#define SPACES 40
#define RANDOM_STEPS 200000

static struct asid_allocator a;

/* The worked example of mm/asid.h, step by step. */
static void test_worked_example(void)
{
	uint64_t A = 0, B = 0, C = 0, D = 0;
	struct asid_switch sw;

	asid_init(&a, 2, 2);
	CHECK_EQ_U64(asid_activate(&a, &A, 0).asid, 1);
	CHECK_EQ_U64(asid_activate(&a, &B, 0).asid, 2);
	CHECK_EQ_U64(asid_activate(&a, &C, 1).asid, 3);
	sw = asid_activate(&a, &D, 0);
	CHECK_EQ_U64(sw.asid, 1);
	CHECK(sw.flush);
	CHECK_EQ_U64(a.rollovers, 1);
	sw = asid_activate(&a, &A, 0);
	CHECK_EQ_U64(sw.asid, 2);
	CHECK(!sw.flush);                               /* hart 0 flushed already */
	sw = asid_activate(&a, &C, 1);
	CHECK_EQ_U64(sw.asid, 3);                       /* kept: it was running on hart 1 */
	CHECK(sw.flush);                                /* hart 1 owes its flush */
	CHECK_EQ_U64(C >> a.bits, 2);                   /* and now of generation 2 */
}

/* A space switched to again in the same generation keeps its ASID, no flush. */
static void test_same_generation_no_flush(void)
{
	uint64_t A = 0, B = 0;
	struct asid_switch sw;

	asid_init(&a, 16, 4);
	asid_activate(&a, &A, 0);
	asid_activate(&a, &B, 0);
	sw = asid_activate(&a, &A, 0);
	CHECK_EQ_U64(sw.asid, asid_of(&a, A));
	CHECK(!sw.flush);
	CHECK(asid_of(&a, A) != asid_of(&a, B));
	CHECK(asid_of(&a, A) != 0 && asid_of(&a, B) != 0);
}

/* 0 bits (JH7110): ASID 0 always; a flush exactly when the space changes. */
static void test_zero_bits(void)
{
	uint64_t A = 0, B = 0;

	asid_init(&a, 0, 4);
	CHECK(asid_activate(&a, &A, 0).flush);
	CHECK(!asid_activate(&a, &A, 0).flush);
	CHECK(asid_activate(&a, &B, 0).flush);
	CHECK_EQ_U64(asid_activate(&a, &A, 0).asid, 0);
	CHECK(A != B);
}

/* 1 bit, one hart: one usable ASID, so every change of space rolls over. */
static void test_one_bit_rolls_over_every_switch(void)
{
	uint64_t A = 0, B = 0;
	unsigned i;

	asid_init(&a, 1, 1);
	CHECK_EQ_U64(a.bits, 1);
	asid_activate(&a, &A, 0);
	for (i = 0; i < 10; i++) {
		struct asid_switch sw = asid_activate(&a, i % 2 ? &A : &B, 0);

		CHECK_EQ_U64(sw.asid, 1);
		CHECK(sw.flush);
	}
	CHECK_EQ_U64(a.rollovers, 10);
}

/* Fewer ASIDs than harts: ASIDs are not used (every switch flushes). */
static void test_too_few_asids_for_the_harts(void)
{
	asid_init(&a, 1, 2);
	CHECK_EQ_U64(a.bits, 0);
	asid_init(&a, 2, 3);
	CHECK_EQ_U64(a.bits, 2);
	asid_init(&a, 2, 4);
	CHECK_EQ_U64(a.bits, 0);
}

/* asid_switch, with the path it took counted: the lock-free one first. */
static struct asid_switch switch_to(uint64_t *ctx, unsigned hart, unsigned *fast)
{
	if (asid_activate_current(&a, *ctx, hart)) {
		(*fast)++;
		return (struct asid_switch){ asid_of(&a, *ctx), false };
	}
	return asid_activate(&a, ctx, hart);
}

/*
 * One random run: switches on random harts, each checked against the TLB
 * model, and, with ASIDs in use, against the harts running now: no two run
 * different spaces under one ASID, nor one space under two.  The one that switches last is a random
 * hart among the busy ones, so some harts go through several rollovers
 * without switching.
 */
static unsigned random_run(unsigned bits, unsigned harts, uint64_t seed, unsigned *fast)
{
	static int tlb[ASID_MAX_HARTS][1u << 4]; /* space cached under each ASID; -1: none */
	int running[ASID_MAX_HARTS], running_asid[ASID_MAX_HARTS];
	uint64_t ctx[SPACES] = { 0 };
	unsigned step, violations = 0, h2;

	asid_init(&a, bits, harts);
	memset(tlb, -1, sizeof(tlb));
	memset(running, -1, sizeof(running));
	srand((unsigned)seed);
	for (step = 0; step < RANDOM_STEPS; step++) {
		unsigned h = (unsigned)rand() % (harts > 2 && rand() % 4 ? harts - 1 : harts);
		unsigned s = (unsigned)rand() % SPACES;
		struct asid_switch sw = switch_to(&ctx[s], h, fast);

		if (sw.flush)
			memset(tlb[h], -1, sizeof(tlb[h]));
		if (tlb[h][sw.asid] != -1 && tlb[h][sw.asid] != (int)s)
			violations++;
		tlb[h][sw.asid] = (int)s;
		running[h] = (int)s;
		running_asid[h] = (int)sw.asid;
		for (h2 = 0; a.bits && h2 < harts; h2++)
			if (h2 != h && running[h2] != -1 &&
			    (running[h2] == (int)s) != (running_asid[h2] == (int)sw.asid))
				violations++;
	}
	return violations;
}

/* No hart ever reuses an ASID whose TLB entries may belong to another space. */
static void test_random_against_tlb_model(void)
{
	static const unsigned cases[][2] = { { 0, 4 }, { 1, 1 }, { 2, 1 }, { 2, 3 },
					     { 3, 4 }, { 4, 4 }, { 4, 15 } };
	uint64_t seed = getenv("TESSERA_TEST_SEED") ? strtoull(getenv("TESSERA_TEST_SEED"), 0, 0)
						    : 0xa51d;
	unsigned i;

	printf("# seed 0x%llx\n", (unsigned long long)seed);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned fast = 0, v = random_run(cases[i][0], cases[i][1], seed + i, &fast);

		if (v)
			test_failure_note("bits %u, %u harts: %u violations", cases[i][0], cases[i][1], v);
		CHECK_EQ_U64(v, 0);
		if (cases[i][0] >= 2)
			CHECK(fast > 0);   /* the lock-free path was taken too */
	}
}

int main(void)
{
	RUN(test_worked_example);
	RUN(test_same_generation_no_flush);
	RUN(test_zero_bits);
	RUN(test_one_bit_rolls_over_every_switch);
	RUN(test_too_few_asids_for_the_harts);
	RUN(test_random_against_tlb_model);
	return test_done();
}
