/*
 * Host tests of the pager's page pool (user/pager/pool.c), the part of
 * copy-on-write that counts: pages handed out are zero and distinct, a
 * page shared N times comes back only after N + 1 puts, a page given back
 * is zeroed before it is handed out again, running out of chunks gives
 * POOL_NONE, pool_prepare takes a chunk only when no page is free (the
 * pager takes its first as it starts), and a chunk smaller than
 * POOL_CHUNK_PAGES (the pager's fallback when no 2 MiB block is free)
 * hands out its own pages and no more.  200,000 random operations against a model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "user/pager/pool.h"

#define CHUNKS_ALLOWED 3
#define SMALL_CHUNK 1                   /* this one has SMALL_PAGES pages */
#define SMALL_PAGES 16
#define OPS 200000
#define MAX_LIVE ((CHUNKS_ALLOWED - 1) * POOL_CHUNK_PAGES + SMALL_PAGES)

static uint8_t *memory;
static unsigned chunks_given;

static bool host_grow(void *arg, unsigned index, long *handle, uint8_t **va, uint32_t *npages)
{
	(void)arg;
	if (index >= CHUNKS_ALLOWED)
		return false;
	*handle = 100 + index;
	*va = memory + (size_t)index * POOL_CHUNK_SIZE;
	if (index == SMALL_CHUNK)
		*npages = SMALL_PAGES;
	chunks_given++;
	return true;
}

/* Page id's place in its chunk is one the chunk has. */
static bool in_its_chunk(uint32_t id)
{
	uint64_t page = pool_offset(id) / 4096;

	return pool_handle(id) - 100 == SMALL_CHUNK ? page < SMALL_PAGES : page < POOL_CHUNK_PAGES;
}

/* The model: each live page id, its reference count and the byte written. */
static uint32_t live[MAX_LIVE];
static unsigned refs[MAX_LIVE];
static uint8_t mark[MAX_LIVE];
static unsigned nlive;

static bool page_is_zero(uint32_t id)
{
	const uint8_t *p = pool_va(id);
	size_t i;

	for (i = 0; i < 4096; i++)
		if (p[i])
			return false;
	return true;
}

static void test_random_against_model(void)
{
	static const struct pool_source source = { host_grow, NULL };
	unsigned seed = 777, i, j, not_zero = 0, clash = 0, wrong_refs = 0, wrong_bytes = 0;
	unsigned outside = 0, small = 0, over = 0;
	unsigned long ops, none = 0;

	pool_set_source(&source);
	for (ops = 0; ops < OPS; ops++) {
		unsigned op = (unsigned)rand_r(&seed) % 3, k = nlive ? (unsigned)rand_r(&seed) % nlive : 0;

		if (op == 0 || nlive == 0) {
			uint32_t id = pool_alloc();

			if (id == POOL_NONE) {
				none++;
				CHECK(nlive == MAX_LIVE);   /* only when every page is in use */
				continue;
			}
			if (nlive == MAX_LIVE) {         /* more pages than the chunks have */
				over++;
				pool_put(id);
				continue;
			}
			not_zero += !page_is_zero(id);
			outside += !in_its_chunk(id);
			small += pool_handle(id) - 100 == SMALL_CHUNK;
			for (j = 0; j < nlive; j++)
				clash += live[j] == id;
			live[nlive] = id;
			refs[nlive] = 1;
			mark[nlive] = (uint8_t)(1 + rand_r(&seed) % 255);
			memset(pool_va(id), mark[nlive], 4096);
			nlive++;
		} else if (op == 1) {
			pool_share(live[k]);             /* a fork shares it */
			refs[k]++;
		} else {
			wrong_bytes += ((uint8_t *)pool_va(live[k]))[4095] != mark[k];
			pool_put(live[k]);
			if (--refs[k] == 0) {
				live[k] = live[nlive - 1];
				refs[k] = refs[nlive - 1];
				mark[k] = mark[nlive - 1];
				nlive--;
			}
		}
		if (ops % 997 == 0)
			for (i = 0; i < nlive; i++)
				wrong_refs += pool_refs(live[i]) != refs[i];
	}
	CHECK_EQ_U64(not_zero, 0);
	CHECK_EQ_U64(clash, 0);
	CHECK_EQ_U64(wrong_refs, 0);
	CHECK_EQ_U64(wrong_bytes, 0);
	CHECK_EQ_U64(outside, 0);
	CHECK_EQ_U64(over, 0);
	CHECK(small > 0);                        /* the small chunk was used */
	CHECK_EQ_U64(pool_used(), nlive);
	CHECK(chunks_given <= CHUNKS_ALLOWED);
	printf("# %lu operations, %u pages live, %lu refusals when full\n", ops, nlive, none);
	for (i = 0; i < nlive; i++)      /* every user lets go: all pages come back */
		while (refs[i]--)
			pool_put(live[i]);
	CHECK_EQ_U64(pool_used(), 0);
	nlive = 0;
}

static void test_handles_and_offsets(void)
{
	uint32_t id = pool_alloc();

	CHECK(id != POOL_NONE);
	if (id == POOL_NONE)
		return;
	CHECK(pool_handle(id) >= 100 && pool_handle(id) < 100 + CHUNKS_ALLOWED);
	CHECK(pool_offset(id) % 4096 == 0 && pool_offset(id) < POOL_CHUNK_SIZE);
	CHECK((uint8_t *)pool_va(id) ==
	      memory + (size_t)(pool_handle(id) - 100) * POOL_CHUNK_SIZE + pool_offset(id));
	pool_put(id);
}

/* pool_alloc_uninit skips the zeroing (a copy fills the page); pool_alloc never does. */
static void test_uninit(void)
{
	uint32_t a = pool_alloc_uninit(), b, c;

	CHECK(a != POOL_NONE);
	if (a == POOL_NONE)
		return;
	memset(pool_va(a), 0xab, 4096);
	pool_put(a);
	b = pool_alloc_uninit();               /* the same page, as it was */
	CHECK_EQ_U64(b, a);
	CHECK_EQ_U64(((uint8_t *)pool_va(b))[100], 0xab);
	pool_put(b);
	c = pool_alloc();                      /* the same page, zeroed */
	CHECK_EQ_U64(c, a);
	CHECK(page_is_zero(c));
	pool_put(c);
	CHECK_EQ_U64(pool_used(), 0);
}

/* pool_prepare on a pool with no chunk takes one and hands out nothing; then
 * it takes none while pages are free, and the first page needs no chunk. */
static void test_prepare(void)
{
	static const struct pool_source source = { host_grow, NULL };
	uint32_t id;

	pool_set_source(&source);
	CHECK(pool_prepare());
	CHECK_EQ_U64(chunks_given, 1);
	CHECK_EQ_U64(pool_used(), 0);
	CHECK(pool_prepare());
	CHECK_EQ_U64(chunks_given, 1);
	id = pool_alloc();
	CHECK(id != POOL_NONE && page_is_zero(id));
	CHECK_EQ_U64(chunks_given, 1);
	pool_put(id);
}

/* The list's ids, head to tail, into ids; how many (at most n). */
static unsigned list_ids(enum pool_list list, uint32_t *ids, unsigned n)
{
	unsigned k = 0;
	uint32_t id;

	for (id = pool_list_first(list); id != POOL_NONE && k < n; id = pool_list_next(id))
		ids[k++] = id;
	return k;
}

/* The reclaim lists: pages handed out join the inactive tail in order, a
 * move goes to the other list's tail, a page given back leaves its list,
 * a shared page stays until its last put; the counts follow. */
static void test_reclaim_lists(void)
{
	uint32_t a = pool_alloc(), b = pool_alloc(), c = pool_alloc(), ids[8];

	CHECK(a && b && c);
	CHECK_EQ_U64(pool_list_count(POOL_INACTIVE), 3);
	CHECK_EQ_U64(list_ids(POOL_INACTIVE, ids, 8), 3);
	CHECK(ids[0] == a && ids[1] == b && ids[2] == c);
	pool_list_move(b, POOL_ACTIVE);
	pool_list_move(a, POOL_INACTIVE);            /* to its own tail */
	CHECK_EQ_U64(list_ids(POOL_INACTIVE, ids, 8), 2);
	CHECK(ids[0] == c && ids[1] == a);
	CHECK_EQ_U64(list_ids(POOL_ACTIVE, ids, 8), 1);
	CHECK(ids[0] == b && pool_list_of(b) == POOL_ACTIVE);
	pool_share(b);
	pool_put(b);
	CHECK_EQ_U64(pool_list_count(POOL_ACTIVE), 1);   /* one reference left */
	pool_put(b);
	CHECK_EQ_U64(pool_list_count(POOL_ACTIVE), 0);
	CHECK(pool_list_first(POOL_ACTIVE) == POOL_NONE);
	pool_put(c);
	CHECK_EQ_U64(list_ids(POOL_INACTIVE, ids, 8), 1);
	CHECK(ids[0] == a);
	pool_put(a);
	CHECK(pool_list_first(POOL_INACTIVE) == POOL_NONE && pool_list_count(POOL_INACTIVE) == 0);
	b = pool_alloc();                            /* a page from the free stack: listed again */
	CHECK_EQ_U64(list_ids(POOL_INACTIVE, ids, 8), 1);
	CHECK(ids[0] == b);
	pool_put(b);
	CHECK_EQ_U64(pool_used(), 0);
}

int main(void)
{
	memory = calloc(CHUNKS_ALLOWED, POOL_CHUNK_SIZE);
	RUN(test_prepare);            /* first: it needs a pool with no chunk yet */
	RUN(test_random_against_model);
	RUN(test_handles_and_offsets);
	RUN(test_uninit);
	RUN(test_reclaim_lists);
	return test_done();
}
