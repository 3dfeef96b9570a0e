/*
 * The threaded part of the slab stress test (tests/mm/stress_slab.c, whose
 * header says what is checked): NHARTS threads, one per hart, allocate and
 * free at random and hand objects to each other through a shared exchange,
 * so that frees cross harts.
 */
#include <pthread.h>
#include <string.h>

#include "stress_slab.h"

struct worker {
	pthread_t thread;
	unsigned hart;
	uint64_t rng;
	struct live live[THREAD_LIVE];
	unsigned nlive;
	uint64_t allocs, failures, frees;
};

static struct worker workers[NHARTS];
static struct live exchange[EXCHANGE_SLOTS];   /* .p NULL: empty slot */
static pthread_mutex_t exchange_lock = PTHREAD_MUTEX_INITIALIZER;
uint64_t thread_ops = THREAD_OPS;

/* Swap a random object of w (when r says so, or w is full) with an exchange slot's. */
static void worker_exchange(struct worker *w, uint64_t r)
{
	struct live give = { 0 }, take;
	unsigned slot = (unsigned)(r % EXCHANGE_SLOTS);

	if (w->nlive && (w->nlive == THREAD_LIVE || (r >> 8) % 2)) {
		unsigned i = (unsigned)((r >> 16) % w->nlive);

		give = w->live[i];
		w->live[i] = w->live[--w->nlive];
	}
	pthread_mutex_lock(&exchange_lock);
	take = exchange[slot];
	exchange[slot] = give;
	pthread_mutex_unlock(&exchange_lock);
	if (take.p)
		w->live[w->nlive++] = take;
}

/* One thread, one hart: allocate (5 in 8: memory fills up), free and exchange at random. */
static void *worker_run(void *arg)
{
	struct worker *w = arg;
	uint64_t op, r;

	cur_hart = w->hart;
	for (op = 0; op < thread_ops && !__atomic_load_n(&st.broken, __ATOMIC_RELAXED); op++) {
		r = next_random(&w->rng);
		if (op % EXCHANGE_EVERY == 0) {
			worker_exchange(w, r);
		} else if (w->nlive == 0 || (w->nlive < THREAD_LIVE && r % 8 < 5)) {
			bool ok = new_object(&w->live[w->nlive], &w->rng, next_random(&w->rng));

			w->nlive += ok;
			w->allocs += ok;
			w->failures += !ok;
		} else {
			unsigned i = (unsigned)((r >> 8) % w->nlive);

			free_object(&w->live[i], r >> 32);
			w->live[i] = w->live[--w->nlive];
			w->frees++;
		}
	}
	return NULL;
}

/* NHARTS threads on fresh caches, then everything they hold freed and checked. */
bool run_threads(uint64_t seed)
{
	uint64_t start;
	unsigned i;

	memset(&st, 0, sizeof(st));
	memset(exchange, 0, sizeof(exchange));
	shrink_all_harts();
	start = total_free();
	create_caches();
	for (i = 0; i < NHARTS && !st.broken; i++) {
		workers[i] = (struct worker){ .hart = i, .rng = seed * (i + 1) };
		if (pthread_create(&workers[i].thread, NULL, worker_run, &workers[i]))
			fail("pthread_create failed", NULL);
	}
	while (i-- > 0)
		pthread_join(workers[i].thread, NULL);
	for (i = 0; i < NHARTS; i++) {
		memcpy(&st.live[st.nlive], workers[i].live, workers[i].nlive * sizeof(st.live[0]));
		st.nlive += workers[i].nlive;
		st.allocs += workers[i].allocs;
		st.failures += workers[i].failures;
		st.frees += workers[i].frees;
	}
	for (i = 0; i < EXCHANGE_SLOTS; i++)
		if (exchange[i].p)
			st.live[st.nlive++] = exchange[i];
	st.rng = seed;
	st.op = thread_ops * NHARTS;
	check_all();
	if (!st.broken)
		finish_seed(start);
	return !st.broken;
}
