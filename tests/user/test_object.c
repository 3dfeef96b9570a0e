/*
 * Host tests of the pager's memory objects, copy-on-write decision and
 * reverse map (user/pager/object.c, rmap.c), on the page pool over plain
 * memory:
 *   - copy-on-write: random forks, writes and exits of up to 8 address
 *     spaces against a model of what each must read; every write through
 *     cow_write, every mapping recorded in the reverse map, whose counts
 *     must equal the pages' references;
 *   - memory objects: pages made on first use and shared by every mapper,
 *     given back only when the object and its last mapper let go; a page
 *     on swap (a swap entry) gives its slot back when the object goes;
 *   - the reverse map alone, against a brute-force list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "user/pager/object.h"
#include "user/pager/pool.h"
#include "user/pager/rmap.h"
#include "user/pager/swap.h"

/* The pager's swap.c, for object_put: the slots it gave back, in order. */
static uint32_t slots_put[4];
static unsigned nslots_put;

void swap_slot_put(uint32_t slot)
{
	if (nslots_put < 4)
		slots_put[nslots_put] = slot;
	nslots_put++;
}

#define CHUNKS 2
#define SPACES 8
#define SPACE_PAGES 24
#define COW_OPS 100000

static uint8_t *memory;
static unsigned bugs;

void pager_bug(const char *what)
{
	test_failure_note("pager_bug: %s", what);
	bugs++;
}

static bool host_grow(void *arg, unsigned index, long *handle, uint8_t **va, uint32_t *npages)
{
	(void)arg;
	(void)npages;          /* whole chunks */
	if (index >= CHUNKS)
		return false;
	*handle = 10 + index;
	*va = memory + (size_t)index * POOL_CHUNK_SIZE;
	return true;
}

static unsigned rnd(unsigned *seed, unsigned n)
{
	return (unsigned)rand_r(seed) % n;
}

/* An address space of the model: page ids (0: none) and what each must hold. */
struct space {
	bool live;
	uint32_t page[SPACE_PAGES];
	uint64_t want[SPACE_PAGES];
};

static struct space spaces[SPACES];

static uint64_t va_of(unsigned p)
{
	return 0x10000 + (uint64_t)p * 4096;
}

static void space_end(unsigned s)
{
	unsigned p;

	for (p = 0; p < SPACE_PAGES; p++) {
		if (!spaces[s].page[p])
			continue;
		CHECK(rmap_remove(spaces[s].page[p], s, va_of(p)));
		pool_put(spaces[s].page[p]);
	}
	memset(&spaces[s], 0, sizeof(spaces[s]));
}

static void test_copy_on_write(void)
{
	unsigned seed = 4242, s, t, p, wrong = 0, refs_wrong = 0, copies = 0, reuses = 0;
	unsigned long ops;

	spaces[0].live = true;
	for (ops = 0; ops < COW_OPS; ops++) {
		unsigned op = rnd(&seed, 10);

		s = rnd(&seed, SPACES);
		p = rnd(&seed, SPACE_PAGES);
		if (!spaces[s].live)
			continue;
		if (op < 5) {                    /* a write */
			uint64_t value = ((uint64_t)s << 32) | ops;
			uint32_t old = spaces[s].page[p];

			if (!old) {
				if (!rmap_reserve(1))
					continue;
				spaces[s].page[p] = pool_alloc();
				if (!spaces[s].page[p])
					continue;
				rmap_add(spaces[s].page[p], s, va_of(p));
			} else {
				enum cow_result r = cow_write(&spaces[s].page[p]);

				if (r == COW_NO_MEMORY)
					continue;
				if (r == COW_COPIED) {
					rmap_move(old, spaces[s].page[p], s, va_of(p));
					copies++;
				} else {
					reuses++;
				}
			}
			*(uint64_t *)pool_va(spaces[s].page[p]) = value;
			spaces[s].want[p] = value;
		} else if (op < 7) {             /* a read */
			uint64_t have = spaces[s].page[p] ?
				*(uint64_t *)pool_va(spaces[s].page[p]) : 0;

			wrong += have != spaces[s].want[p];
		} else if (op < 9) {             /* a fork into a free slot */
			for (t = 0; t < SPACES && spaces[t].live; t++)
				;
			if (t == SPACES || !rmap_reserve(SPACE_PAGES))
				continue;
			spaces[t] = spaces[s];
			for (p = 0; p < SPACE_PAGES; p++) {
				if (!spaces[t].page[p])
					continue;
				pool_share(spaces[t].page[p]);
				rmap_add(spaces[t].page[p], t, va_of(p));
			}
		} else if (s) {                  /* an exit (space 0 stays) */
			space_end(s);
		}
		if (ops % 1009 == 0) {
			for (t = 0; t < SPACES; t++)
				for (p = 0; p < SPACE_PAGES; p++)
					if (spaces[t].page[p])
						refs_wrong += pool_refs(spaces[t].page[p]) !=
							      rmap_count(spaces[t].page[p]);
		}
	}
	CHECK_EQ_U64(wrong, 0);
	CHECK_EQ_U64(refs_wrong, 0);
	CHECK(copies > 1000 && reuses > 1000);
	printf("# %lu operations: %u copies, %u writes regained without a copy\n", ops, copies,
	       reuses);
	for (s = 0; s < SPACES; s++)
		if (spaces[s].live)
			space_end(s);
	CHECK_EQ_U64(pool_used(), 0);
	CHECK_EQ_U64(rmap_entries(), 0);
	CHECK_EQ_U64(bugs, 0);
}

static void test_objects(void)
{
	struct object *o = object_new(4);
	uint32_t a, b;

	CHECK(o && object_count() == 1 && object_first() == o);
	if (!o)
		return;
	a = object_page(o, 2);                  /* made on first use, zeroed */
	CHECK(a != POOL_NONE && *(uint64_t *)pool_va(a) == 0);
	CHECK_EQ_U64(object_page(o, 2), a);     /* the same page for every mapper */
	pool_share(a);                          /* a mapper's reference */
	*(uint64_t *)pool_va(a) = 99;
	object_get(o);                          /* a second region maps o */
	b = object_page(o, 2);
	CHECK_EQ_U64(b, a);
	CHECK_EQ_U64(*(uint64_t *)pool_va(b), 99);
	CHECK_EQ_U64(pool_refs(a), 2);
	object_put(o);
	object_put(o);                          /* the object is gone ... */
	CHECK_EQ_U64(object_count(), 0);
	CHECK_EQ_U64(pool_used(), 1);           /* ... its page stays while mapped */
	CHECK_EQ_U64(*(uint64_t *)pool_va(a), 99);
	pool_put(a);
	CHECK_EQ_U64(pool_used(), 0);

	/* Pages on swap: the object's last put gives their slots back, and
	 * its pages in memory to the pool. */
	o = object_new(3);
	if (!o)
		return;
	o->pages[0] = swap_entry(7);
	a = object_page(o, 1);
	o->pages[2] = swap_entry(9);
	CHECK(a != POOL_NONE && pool_used() == 1);
	object_put(o);
	CHECK_EQ_U64(nslots_put, 2);
	CHECK(slots_put[0] == 7 && slots_put[1] == 9);
	CHECK_EQ_U64(pool_used(), 0);
}

static void test_rmap_against_list(void)
{
	enum { N = 3000 };
	static struct { uint32_t id, owner; uint64_t va; } list[N];
	unsigned seed = 99, n = 0, i, k, wrong = 0;
	unsigned long ops;

	for (ops = 0; ops < 60000; ops++) {
		if (rnd(&seed, 2) == 0 && n < N) {
			list[n].id = 1 + rnd(&seed, 50);
			list[n].owner = rnd(&seed, 4);
			list[n].va = (uint64_t)rnd(&seed, 1u << 20) << 12;
			if (rmap_has(list[n].id, list[n].owner, list[n].va) || !rmap_reserve(1))
				continue;
			rmap_add(list[n].id, list[n].owner, list[n].va);
			n++;
		} else if (n) {
			k = rnd(&seed, n);
			if (rnd(&seed, 4) == 0) {   /* a copy moves it to another page */
				uint32_t to = 1 + rnd(&seed, 50);

				if (rmap_has(to, list[k].owner, list[k].va))
					continue;
				rmap_move(list[k].id, to, list[k].owner, list[k].va);
				list[k].id = to;
				continue;
			}
			wrong += !rmap_remove(list[k].id, list[k].owner, list[k].va);
			list[k] = list[--n];
		}
	}
	for (i = 1; i <= 50; i++) {
		unsigned count = 0;

		for (k = 0; k < n; k++)
			count += list[k].id == i;
		wrong += rmap_count(i) != count;
	}
	for (k = 0; k < n; k++)
		wrong += !rmap_has(list[k].id, list[k].owner, list[k].va);
	wrong += rmap_remove(51, 0, 0);            /* never added */
	CHECK_EQ_U64(wrong, 0);
	CHECK_EQ_U64(rmap_entries(), n);
	CHECK_EQ_U64(bugs, 0);
	while (n) {
		n--;
		rmap_remove(list[n].id, list[n].owner, list[n].va);
	}
	CHECK_EQ_U64(rmap_entries(), 0);
}

int main(void)
{
	static const struct pool_source source = { host_grow, NULL };

	memory = calloc(CHUNKS, POOL_CHUNK_SIZE);
	pool_set_source(&source);
	RUN(test_copy_on_write);
	RUN(test_objects);
	RUN(test_rmap_against_list);
	return test_done();
}
