/*
 * Randomized host tests of the page-table walker (mm/pt.c): random leaves
 * checked against a shadow list, then random maps, unmaps and protects
 * checked page by page against a model, tables included.  The seed is
 * printed; TESSERA_TEST_SEED=<n> replays a run.  The tables live in the
 * fake physical memory of pt_fake_mem.h.
 */
#include <stdlib.h>
#include <string.h>

#include "pt_fake_mem.h"
#include "stress.h"

/* ---- randomized ------------------------------------------------------------- */

#define RANDOM_SEED 0x7e55e7a5eedull    /* override: TESSERA_TEST_SEED=<n> */
#define RANDOM_MAPS 300                 /* leaves mapped per mode */
#define RANDOM_PROBES 2000              /* random lookups per mode */
#define WINDOW_SIZE (4 * GiB)           /* at the bottom and at the top of va */
#define PA_SPAN ((uint64_t)1 << 40)     /* physical addresses drawn below this */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	return stress_random(&rng_state);
}

static void rng_seed(void)
{
	rng_state = stress_seed(RANDOM_SEED);
}

struct shadow {
	vaddr_t va;
	paddr_t pa;
	uint64_t size;
	unsigned rights;
};

static struct shadow shadow[RANDOM_MAPS];
static unsigned shadow_n;

static const unsigned random_rights[] = {
	PT_KERNEL_RW, PT_KERNEL_RO, PT_KERNEL_RX, PT_READ | PT_USER,
	PT_READ | PT_WRITE | PT_USER, PT_EXEC | PT_USER,
};

/* A random, leaf-aligned address in the bottom or the top window. */
static vaddr_t random_va(uint64_t size)
{
	vaddr_t base = (rng_next() & 1) ? 0 : TOP_VA - WINDOW_SIZE;

	return base + (rng_next() % (WINDOW_SIZE / size)) * size;
}

/* The shadow entry containing va, or NULL.  (Ends are inclusive: no wrap.) */
static const struct shadow *shadow_find(vaddr_t va)
{
	unsigned i;

	for (i = 0; i < shadow_n; i++)
		if (va >= shadow[i].va && va <= shadow[i].va + (shadow[i].size - 1))
			return &shadow[i];
	return NULL;
}

static bool shadow_overlaps(vaddr_t va, uint64_t size)
{
	unsigned i;

	for (i = 0; i < shadow_n; i++) {
		vaddr_t last = shadow[i].va + (shadow[i].size - 1);

		if (va <= last && shadow[i].va <= va + (size - 1))
			return true;
	}
	return false;
}

/* Map random non-overlapping 4 KiB and 2 MiB leaves; a draw that overlaps
 * must be refused with ERR_EXISTS. */
static void random_fill(struct page_table *pt)
{
	unsigned clashes = 0;

	shadow_n = 0;
	while (shadow_n < RANDOM_MAPS && !test_current_failed) {
		struct shadow s;

		s.size = (rng_next() & 1) ? PAGE_SIZE : MEGAPAGE_SIZE;
		s.va = random_va(s.size);
		s.pa = (rng_next() % (PA_SPAN / s.size)) * s.size;
		s.rights = random_rights[rng_next() % ARRAY_SIZE(random_rights)];
		if (shadow_overlaps(s.va, s.size)) {
			CHECK_ERR(pt_map(pt, s.va, s.pa, s.size, s.size, s.rights), ERR_EXISTS);
			clashes++;
			continue;
		}
		CHECK_ERR(pt_map(pt, s.va, s.pa, s.size, s.size, s.rights), ERR_OK);
		shadow[shadow_n++] = s;
	}
	printf("# %u leaves mapped, %u overlapping draws refused, %u tables\n",
	       shadow_n, clashes, fake.used);
}

/* Every shadow entry translates at its first, last and a random byte. */
static void random_check_mapped(const struct page_table *pt)
{
	unsigned i;

	for (i = 0; i < shadow_n; i++) {
		const struct shadow *s = &shadow[i];
		uint64_t off = rng_next() % s->size;

		check_lookup(pt, s->va, s->pa, s->size, s->rights);
		check_lookup(pt, s->va + off, s->pa + off, s->size, s->rights);
		check_lookup(pt, s->va + s->size - 1, s->pa + s->size - 1, s->size,
			     s->rights);
	}
}

/* Random addresses in the windows translate exactly when the shadow says. */
static void random_check_probes(const struct page_table *pt)
{
	unsigned i;

	for (i = 0; i < RANDOM_PROBES; i++) {
		vaddr_t va = random_va(1);
		const struct shadow *s = shadow_find(va);
		paddr_t pa = 0;

		if (s) {
			CHECK_ERR(pt_lookup(pt, va, &pa, NULL, NULL), ERR_OK);
			CHECK_EQ_U64(pa, s->pa + (va - s->va));
		} else {
			CHECK_ERR(pt_lookup(pt, va, NULL, NULL, NULL), ERR_NOT_FOUND);
		}
	}
}

/* pt_for_each_leaf sees exactly the shadow entries, in increasing order. */
static void random_check_walk(const struct page_table *pt)
{
	unsigned i;

	collect_leaves(pt, 0);
	CHECK_EQ_U64(seen.n, shadow_n);
	for (i = 0; i < seen.n && i < MAX_LEAVES; i++) {
		const struct shadow *s = shadow_find(seen.v[i].va);

		CHECK(s && s->va == seen.v[i].va && s->size == seen.v[i].size);
		CHECK(i == 0 || seen.v[i - 1].va < seen.v[i].va);
	}
}

static void random_run(unsigned levels)
{
	struct page_table pt;

	CHECK_ERR(setup(&pt, levels, UNLIMITED), ERR_OK);
	random_fill(&pt);
	random_check_mapped(&pt);
	random_check_probes(&pt);
	random_check_walk(&pt);
	CHECK_EQ_U64(bad_pointers(pt.root, levels - 1), 0);
}

/* A few hundred random non-overlapping 4 KiB/2 MiB leaves in both halves:
 * every lookup agrees with a shadow list, and so does the walk (Sv39). */
static void test_random_maps_match_shadow_sv39(void)
{
	random_run(PT_LEVELS_SV39);
}

/* The same randomized check with four levels (Sv48). */
static void test_random_maps_match_shadow_sv48(void)
{
	random_run(PT_LEVELS_SV48);
}

/* ---- randomized map, unmap and protect against a page model --------------- */

#define MODEL_WINDOW (8 * MiB)          /* two windows: one low, one at the top */
#define MODEL_WINDOW_PAGES ((unsigned)(MODEL_WINDOW / PAGE_SIZE))
#define MODEL_PAGES (2 * MODEL_WINDOW_PAGES)
#define MODEL_OPS 20000                 /* operations per mode */
#define MODEL_FULL_CHECK_EVERY 64       /* operations between whole-window checks */

enum model_op { OP_MAP, OP_UNMAP, OP_PROTECT, OP_COUNT };

/* What the model says about one 4 KiB page of the windows. */
struct model_page {
	bool mapped;
	vaddr_t leaf_va;        /* the leaf holding the page */
	uint64_t leaf_size;
	paddr_t leaf_pa;
	unsigned rights;
};

static struct model_page model[MODEL_PAGES];
static vaddr_t model_base[2];                   /* window starts, 2 MiB aligned */
static unsigned model_stats[OP_COUNT][ERR_COUNT];

static vaddr_t model_va(unsigned page)
{
	return model_base[page / MODEL_WINDOW_PAGES] +
	       (vaddr_t)(page % MODEL_WINDOW_PAGES) * PAGE_SIZE;
}

/* The model page of `va`, which must lie in a window. */
static unsigned model_page_of(vaddr_t va)
{
	unsigned w = va - model_base[0] < MODEL_WINDOW ? 0 : 1;

	return w * MODEL_WINDOW_PAGES + (unsigned)((va - model_base[w]) / PAGE_SIZE);
}

/* pt_map as the model sees it: leaf by leaf, stopping at the first leaf
 * that would overlap a mapped page (the leaves before it stay). */
static err_t model_map(vaddr_t va, paddr_t pa, uint64_t size, uint64_t leaf,
		       unsigned rights)
{
	unsigned first = model_page_of(va), per_leaf = (unsigned)(leaf / PAGE_SIZE);
	unsigned p, q;

	for (p = first; p < first + size / PAGE_SIZE; p += per_leaf) {
		for (q = p; q < p + per_leaf; q++)
			if (model[q].mapped)
				return ERR_EXISTS;
		for (q = p; q < p + per_leaf; q++)
			model[q] = (struct model_page){
				.mapped = true, .leaf_va = model_va(p), .leaf_size = leaf,
				.leaf_pa = pa + (uint64_t)(p - first) * PAGE_SIZE,
				.rights = rights,
			};
	}
	return ERR_OK;
}

/* Does a leaf reach outside pages [first, first + n)? */
static bool model_straddles(unsigned first, unsigned n)
{
	const struct model_page *a = &model[first], *b = &model[first + n - 1];
	vaddr_t va = model_va(first), last = va + (uint64_t)n * PAGE_SIZE - 1;

	return (a->mapped && a->leaf_va < va) ||
	       (b->mapped && b->leaf_va + (b->leaf_size - 1) > last);
}

/* The rights rules of pt.h, written out again for the model. */
static bool model_rights_ok(unsigned r)
{
	bool rd = r & PT_READ, wr = r & PT_WRITE, ex = r & PT_EXEC;

	return (rd || wr || ex) && !(wr && ex) && !(wr && !rd);
}

/* A random run of pages in one window: mostly short, sometimes most of the
 * window; half of the time widened to the leaves at its ends. */
static void random_pages(unsigned *first, unsigned *n)
{
	unsigned w = rng_next() & 1, start = rng_next() % MODEL_WINDOW_PAGES;
	unsigned len = 1 + rng_next() % ((rng_next() & 3) ? 16 : MODEL_WINDOW_PAGES);
	unsigned last;

	if (len > MODEL_WINDOW_PAGES - start)
		len = MODEL_WINDOW_PAGES - start;
	*first = w * MODEL_WINDOW_PAGES + start;
	last = *first + len - 1;
	if (rng_next() & 1) {
		if (model[*first].mapped)
			*first = model_page_of(model[*first].leaf_va);
		if (model[last].mapped)
			last = model_page_of(model[last].leaf_va + model[last].leaf_size - 1);
	}
	*n = last - *first + 1;
}

/* Pages [first, first + n) translate exactly as the model says. */
static void model_check_pages(const struct page_table *pt, unsigned first, unsigned n)
{
	unsigned p;

	for (p = first; p < first + n && !test_current_failed; p++) {
		const struct model_page *m = &model[p];
		vaddr_t va = model_va(p);

		if (m->mapped)
			check_lookup(pt, va, m->leaf_pa + (va - m->leaf_va), m->leaf_size,
				     m->rights);
		else
			CHECK_ERR(pt_lookup(pt, va, NULL, NULL, NULL), ERR_NOT_FOUND);
	}
}

/* Tables the model's leaves need: the root, and a table of `level` for
 * every pt_level_size(level + 1) region holding a leaf of that level or below. */
static unsigned model_tables(unsigned levels)
{
	unsigned tables = 1, level, p;

	for (level = 0; level + 1 < levels; level++) {
		vaddr_t region = 0;
		bool any = false;

		for (p = 0; p < MODEL_PAGES; p++) {         /* pages in address order */
			vaddr_t r = model_va(p) / pt_level_size(level + 1);

			if (!model[p].mapped || model[p].leaf_size > pt_level_size(level))
				continue;
			tables += !any || r != region;
			any = true;
			region = r;
		}
	}
	return tables;
}

/* Map 1-4 random 4 KiB or 2 MiB leaves; returns the pages touched. */
static err_t random_map_op(struct page_table *pt, unsigned *first, unsigned *n)
{
	uint64_t leaf = (rng_next() & 1) ? PAGE_SIZE : MEGAPAGE_SIZE;
	uint64_t count = 1 + rng_next() % 4;
	unsigned w = rng_next() & 1;
	vaddr_t va = model_base[w] + rng_next() % (MODEL_WINDOW / leaf - count + 1) * leaf;
	paddr_t pa = rng_next() % (PA_SPAN / leaf) * leaf;
	unsigned rights = random_rights[rng_next() % ARRAY_SIZE(random_rights)];
	err_t want = model_map(va, pa, count * leaf, leaf, rights);
	err_t got = pt_map(pt, va, pa, count * leaf, leaf, rights);

	if (got != want)
		test_failure_note("pt_map(0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64
		                  ", 0x%x)", va, pa, count * leaf, leaf, rights);
	CHECK_ERR(got, want);
	*first = model_page_of(va);
	*n = (unsigned)(count * leaf / PAGE_SIZE);
	return got;
}

/* Unmap a random run of pages, now and then a whole canonical half. */
static err_t random_unmap_op(struct page_table *pt, unsigned levels, unsigned *first,
			     unsigned *n)
{
	const uint64_t half = pt_level_size(levels) / 2;
	vaddr_t va;
	uint64_t size;
	err_t want = ERR_OK, got;
	unsigned p;

	random_pages(first, n);
	va = model_va(*first);
	size = (uint64_t)*n * PAGE_SIZE;
	if (rng_next() % 128 == 0) {
		*first = *first < MODEL_WINDOW_PAGES ? 0 : MODEL_WINDOW_PAGES;
		*n = MODEL_WINDOW_PAGES;
		va = *first ? TOP_VA - half : 0;
		size = half;
	} else if (model_straddles(*first, *n)) {
		want = ERR_INVALID_ARGUMENT;
	}
	for (p = *first; want == ERR_OK && p < *first + *n; p++)
		model[p].mapped = false;
	got = pt_unmap(pt, va, size);
	if (got != want)
		test_failure_note("pt_unmap(0x%" PRIx64 ", 0x%" PRIx64 ")", va, size);
	CHECK_ERR(got, want);
	return got;
}

/* Half of the time a run of mapped pages (up to 32, widened to its leaves)
 * from the first mapped page at or after a random one; else any run. */
static void random_mapped_pages(unsigned *first, unsigned *n)
{
	unsigned p = rng_next() % MODEL_PAGES, want = 1 + rng_next() % 32;
	unsigned tries, last, end;

	for (tries = 0; tries < MODEL_PAGES && !model[p].mapped; tries++)
		p = (p + 1) % MODEL_PAGES;
	if ((rng_next() & 1) || !model[p].mapped) {
		random_pages(first, n);
		return;
	}
	end = p - p % MODEL_WINDOW_PAGES + MODEL_WINDOW_PAGES;  /* p's window end */
	for (last = p; last + 1 < end && last + 1 - p < want && model[last + 1].mapped;)
		last++;
	*first = model_page_of(model[p].leaf_va);
	last = model_page_of(model[last].leaf_va + model[last].leaf_size - 1);
	*n = last - *first + 1;
}

/* Protect a random run of pages with random rights, some of them refused. */
static err_t random_protect_op(struct page_table *pt, unsigned *first, unsigned *n)
{
	static const unsigned refused[] = { PT_WRITE, PT_KERNEL_RW | PT_EXEC, PT_USER };
	unsigned rights = (rng_next() & 7) ?
		random_rights[rng_next() % ARRAY_SIZE(random_rights)] :
		refused[rng_next() % ARRAY_SIZE(refused)];
	err_t want = ERR_OK, got;
	vaddr_t va;
	unsigned p;

	random_mapped_pages(first, n);
	va = model_va(*first);
	if (!model_rights_ok(rights) || model_straddles(*first, *n))
		want = ERR_INVALID_ARGUMENT;
	for (p = *first; want == ERR_OK && p < *first + *n; p++)
		if (!model[p].mapped)
			want = ERR_NOT_FOUND;
	for (p = *first; want == ERR_OK && p < *first + *n; p++)
		model[p].rights = rights;
	got = pt_protect(pt, va, (uint64_t)*n * PAGE_SIZE, rights);
	if (got != want)
		test_failure_note("pt_protect(0x%" PRIx64 ", 0x%" PRIx64 ", 0x%x)", va,
		                  (uint64_t)*n * PAGE_SIZE, rights);
	CHECK_ERR(got, want);
	return got;
}

/* One random operation, then a check of the pages it named. */
static void model_step(struct page_table *pt, unsigned levels)
{
	enum model_op op = (enum model_op)(rng_next() % OP_COUNT);
	unsigned first, n;
	err_t err;

	if (op == OP_MAP)
		err = random_map_op(pt, &first, &n);
	else if (op == OP_UNMAP)
		err = random_unmap_op(pt, levels, &first, &n);
	else
		err = random_protect_op(pt, &first, &n);
	model_stats[op][err]++;
	model_check_pages(pt, first, n);
}

/* The walk reports exactly the model's leaves, with the model's PTEs. */
static void model_check_walk(const struct page_table *pt)
{
	unsigned p, leaves = 0, i;

	for (p = 0; p < MODEL_PAGES; p++)
		leaves += model[p].mapped && model[p].leaf_va == model_va(p);
	collect_leaves(pt, 0);
	CHECK_EQ_U64(seen.n, leaves);
	for (i = 0; i < seen.n && i < MAX_LEAVES && !test_current_failed; i++) {
		const struct model_page *m = &model[model_page_of(seen.v[i].va)];

		CHECK(m->mapped && m->leaf_va == seen.v[i].va);
		CHECK_EQ_U64(seen.v[i].size, m->leaf_size);
		CHECK_EQ_U64(pte_pa(seen.v[i].pte), m->leaf_pa);
		CHECK_EQ_U64(seen.v[i].pte & PTE_FLAGS_MASK, expected_flags(m->rights));
	}
}

static void model_run(unsigned levels, vaddr_t low_base)
{
	struct page_table pt;
	unsigned op;

	memset(model, 0, sizeof(model));
	memset(model_stats, 0, sizeof(model_stats));
	model_base[0] = low_base;
	model_base[1] = TOP_VA - MODEL_WINDOW;
	CHECK_ERR(setup(&pt, levels, UNLIMITED), ERR_OK);
	for (op = 1; op <= MODEL_OPS && !test_current_failed; op++) {
		model_step(&pt, levels);
		if (op % MODEL_FULL_CHECK_EVERY && op != MODEL_OPS)
			continue;
		model_check_pages(&pt, 0, MODEL_PAGES);
		CHECK_EQ_U64(tables_live(), model_tables(levels));
	}
	model_check_walk(&pt);
	CHECK_EQ_U64(bad_pointers(pt.root, levels - 1), 0);
	printf("# %u operations: map %u ok %u exists; unmap %u ok %u refused; "
	       "protect %u ok %u refused %u not found; %u tables freed\n", op - 1,
	       model_stats[OP_MAP][ERR_OK], model_stats[OP_MAP][ERR_EXISTS],
	       model_stats[OP_UNMAP][ERR_OK], model_stats[OP_UNMAP][ERR_INVALID_ARGUMENT],
	       model_stats[OP_PROTECT][ERR_OK],
	       model_stats[OP_PROTECT][ERR_INVALID_ARGUMENT],
	       model_stats[OP_PROTECT][ERR_NOT_FOUND], fake.freed);
}

/* Random maps, unmaps and protects in an 8 MiB window across a 1 GiB
 * boundary and one at the top agree with a per-page model, tables too (Sv39). */
static void test_random_map_unmap_protect_match_model_sv39(void)
{
	model_run(PT_LEVELS_SV39, GIGAPAGE_SIZE - MODEL_WINDOW / 2);
}

/* The same with four levels, the low window across a 512 GiB boundary
 * (two level-2 tables) (Sv48). */
static void test_random_map_unmap_protect_match_model_sv48(void)
{
	model_run(PT_LEVELS_SV48, TERAPAGE_SIZE - MODEL_WINDOW / 2);
}

int main(void)
{
	rng_seed();
	RUN(test_random_maps_match_shadow_sv39);
	RUN(test_random_maps_match_shadow_sv48);
	RUN(test_random_map_unmap_protect_match_model_sv39);
	RUN(test_random_map_unmap_protect_match_model_sv48);
	return test_done();
}
