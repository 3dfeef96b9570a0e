/*
 * Host tests of the pager's region map (user/pager/region.c): fixed cases,
 * then 200,000 random inserts, removes and lookups checked against a
 * brute-force model (a flag per page of a small address space), with the
 * tree's invariants checked as it goes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "user/pager/region.h"

#define PAGE 4096ull
#define SPACE_PAGES 2048            /* the model's address space: 8 MiB */
#define NODES 512
#define OPS 200000

static void test_basic(void)
{
	struct region_map m;
	struct region a = { .start = 0x10000, .end = 0x20000 };
	struct region b = { .start = 0x30000, .end = 0x31000 };
	struct region c = { .start = 0x1f000, .end = 0x30000 };

	region_map_init(&m);
	CHECK(region_insert(&m, &a));
	CHECK(region_insert(&m, &b));
	CHECK(!region_insert(&m, &c));                     /* overlaps a */
	CHECK(region_find(&m, 0x10000) == &a);
	CHECK(region_find(&m, 0x1ffff) == &a);
	CHECK(region_find(&m, 0x20000) == NULL);
	CHECK(region_next(&m, 0x20000) == &b);
	CHECK(region_next(&m, 0x31000) == NULL);
	CHECK(region_overlaps(&m, 0x2f000, 0x30001));
	CHECK(!region_overlaps(&m, 0x20000, 0x30000));
	CHECK_EQ_U64(region_find_gap(&m, 0x10000, 0x40000, 0x10000), 0x20000);
	CHECK_EQ_U64(region_find_gap(&m, 0x10000, 0x40000, 0x10001), 0);
	CHECK_EQ_U64(region_find_gap(&m, 0x10000, 0x40000, 0xf000), 0x20000);
	region_remove(&m, &a);
	CHECK(region_find(&m, 0x10000) == NULL);
	CHECK(region_map_check(&m));
	CHECK_EQ_U64(m.count, 1);
}

static struct region nodes[NODES];
static int owner[SPACE_PAGES];      /* node index + 1 covering each page, 0: none */

static uint64_t gap_model(uint64_t lo, uint64_t hi, uint64_t size)
{
	uint64_t at, p;

	for (at = lo; at + size <= hi; at += PAGE) {
		for (p = at; p < at + size && !owner[p / PAGE]; p += PAGE)
			;
		if (p == at + size)
			return at;
	}
	return 0;
}

static void test_random_against_model(void)
{
	struct region_map m;
	unsigned long i, wrong = 0, bad_tree = 0;
	unsigned seed = 12345;

	region_map_init(&m);
	memset(owner, 0, sizeof(owner));
	for (i = 0; i < OPS; i++) {
		unsigned n = (unsigned)rand_r(&seed) % NODES, op = (unsigned)rand_r(&seed) % 4;
		uint64_t page = 1 + (unsigned)rand_r(&seed) % (SPACE_PAGES - 40);
		uint64_t len = 1 + (unsigned)rand_r(&seed) % 32, p;
		struct region *r = &nodes[n];

		if (op == 0 && r->end == 0) {
			bool free = true;

			for (p = page; p < page + len; p++)
				free &= !owner[p];
			r->start = page * PAGE;
			r->end = (page + len) * PAGE;
			if (region_insert(&m, r) != free)
				wrong++;
			if (free)
				for (p = page; p < page + len; p++)
					owner[p] = (int)n + 1;
			else
				r->end = 0;
		} else if (op == 1 && r->end) {
			for (p = r->start / PAGE; p < r->end / PAGE; p++)
				owner[p] = 0;
			region_remove(&m, r);
			r->end = 0;
		} else if (op == 2) {
			struct region *f = region_find(&m, page * PAGE + 5);

			if ((f ? (int)(f - nodes) + 1 : 0) != owner[page])
				wrong++;
		} else {
			uint64_t lo = page * PAGE, hi = lo + 64 * PAGE;

			if (hi > SPACE_PAGES * PAGE)
				hi = SPACE_PAGES * PAGE;
			if (region_find_gap(&m, lo, hi, len * PAGE) != gap_model(lo, hi, len * PAGE))
				wrong++;
		}
		if (i % 1000 == 0 && !region_map_check(&m))
			bad_tree++;
	}
	CHECK_EQ_U64(wrong, 0);
	CHECK_EQ_U64(bad_tree, 0);
	CHECK(region_map_check(&m));
}

int main(void)
{
	RUN(test_basic);
	RUN(test_random_against_model);
	return test_done();
}
