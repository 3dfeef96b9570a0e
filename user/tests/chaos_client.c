/*
 * chaos-client: one of the pager clients of `chaos` (user/tests/chaos.c).
 * Seeded by its argument, it makes CHAOS_OPS random operations from two
 * threads at once: pager requests of every kind on what it has mapped,
 * touches of those pages, system calls (endpoints, handles, frames mapped
 * and unmapped), and now and then a fork whose child does some of its own.
 * It may be killed at any point.  Exit code: answers that were not a
 * documented error (0 when all were).
 */
#include "pager/client.h"

#define CHAOS_OPS 2500
#define CHILD_OPS 100
#define SLOTS 16
#define OWN_AREA 0x3c00000000ul   /* frames of our own, outside every region */
#define WORKER_WAIT 10000000

static long pager;
static uint64_t self_id;
static volatile unsigned long undocumented;

/* What one thread works on: its own mappings, so the two never race on one. */
struct actor {
	uint64_t s;                   /* random state */
	uint64_t addr[SLOTS];         /* mappings the pager gave this thread (0: none) */
	uint64_t pages[SLOTS];
};

static struct actor main_actor, worker_actor;

static uint64_t rnd(struct actor *a, uint64_t n)
{
	uint64_t v = xorshift64(&a->s);

	return n ? v % n : v;
}

static void note(long r)
{
	if (r != 0 && r != -ERR_INVALID_ARGUMENT && r != -ERR_NOT_FOUND && r != -ERR_EXISTS &&
	    r != -ERR_DENIED && r != -ERR_NO_MEMORY)
		undocumented++;
}

/* Read or write a page of ours, as the pager says its region allows now. */
static void touch(struct actor *a)
{
	unsigned k = (unsigned)rnd(a, SLOTS);
	uint64_t at = a->addr[k] + rnd(a, a->pages[k] ? a->pages[k] : 1) * PAGE_SIZE;
	unsigned rights;
	struct msg m;

	if (!a->addr[k] || pager_request(pager, PAGER_QUERY, at, 0, 0, 0, &m))
		return;
	rights = (unsigned)(m.w[2] >> 8) & 0xff;
	if (rights & MAP_WRITE)
		*(volatile uint64_t *)at += 1;
	else if (rights & MAP_READ)
		(void)*(volatile uint64_t *)at;
}

/* A pager request on one of our mappings (or a new one), with random rights and flags. */
static void request(struct actor *a)
{
	static const uint64_t tags[] = {
		PAGER_MAP_ANON, PAGER_MAP_ANON, PAGER_UNMAP, PAGER_PROTECT, PAGER_BRK,
		PAGER_DROP, PAGER_EVICT, PAGER_QUERY, PAGER_QUERY_PAGE, PAGER_SHARE,
		PAGER_MAP_GRANT, PAGER_STATS,
	};
	uint64_t tag = tags[rnd(a, sizeof(tags) / sizeof(tags[0]))];
	unsigned k = (unsigned)rnd(a, SLOTS);
	uint64_t at = a->addr[k], len = a->pages[k] * PAGE_SIZE, pages = 1 + rnd(a, 4);
	struct msg m;
	long res;

	if (tag == PAGER_MAP_ANON || tag == PAGER_MAP_GRANT) {
		if (at)
			return;               /* the slot is in use */
		res = tag == PAGER_MAP_ANON
		    ? pager_request(pager, tag, 0, pages * PAGE_SIZE, MAP_READ | MAP_WRITE,
				    rnd(a, 2) ? PAGER_SHARED : 0, &m)
		    : pager_request(pager, tag, 0, 0, 0, 0, &m);
		if (res == 0) {
			a->addr[k] = m.w[0];
			a->pages[k] = tag == PAGER_MAP_ANON ? pages : m.w[1] / PAGE_SIZE;
		}
	} else if (tag == PAGER_SHARE) {
		res = pager_request(pager, tag, at, len, MAP_READ,
				    rnd(a, 2) ? self_id + 1 : rnd(a, 64), &m);
	} else if (tag == PAGER_BRK) {
		res = pager_request(pager, tag, rnd(a, 2) ? 0 : rnd(a, 1ul << 30), 0, 0, 0, &m);
	} else {
		res = pager_request(pager, tag, at, len, 1 + rnd(a, 3), 0, &m);
		if (res == 0 && tag == PAGER_UNMAP)
			a->addr[k] = 0;
	}
	note(res);
}

/* System calls on objects of our own. */
static void syscalls(struct actor *a)
{
	long ep = sys_endpoint_create();
	long dup = ep > 0 ? sys_handle_dup(ep, RIGHT_SEND, 1 + rnd(a, 99)) : 0;
	long f = sys_frame_alloc(PAGE_SIZE << rnd(a, 3), 0);
	uint64_t va = OWN_AREA + (a == &worker_actor) * 0x10000000 + rnd(a, 64) * 0x10000;

	if (f > 0 && sys_map(HANDLE_SELF, f, 0, va, PAGE_SIZE, MAP_READ | MAP_WRITE) == 0) {
		*(volatile uint64_t *)va = va;
		note(sys_unmap(HANDLE_SELF, va, PAGE_SIZE));
	}
	if (f > 0)
		sys_handle_close(f);
	if (dup > 0)
		sys_handle_close(dup);
	if (ep > 0)
		sys_handle_close(ep);
}

static void one_op(struct actor *a)
{
	uint64_t k = rnd(a, 10);

	if (k < 5)
		request(a);
	else if (k < 8)
		touch(a);
	else
		syscalls(a);
}

/* A fork child: the main thread's mappings are its own now (the worker's too). */
static void __attribute__((noreturn)) child(uint64_t seed)
{
	unsigned i;

	main_actor.s = seed | 1;
	for (i = 0; i < CHILD_OPS; i++)
		one_op(&main_actor);
	sys_exit((int)undocumented);
}

static volatile bool worker_done;

static void worker(void *arg)
{
	unsigned i;

	worker_actor.s = (uint64_t)arg | 1;
	for (i = 0; i < CHAOS_OPS / 2; i++)
		one_op(&worker_actor);
	worker_done = true;
}

int main(long pager_handle)
{
	struct actor *a = &main_actor;
	struct msg m;
	uint64_t stack;
	unsigned long i;

	pager = pager_handle;
	if (pager_request(pager, PAGER_ARG, 0, 0, 0, 0, &m))
		return 100;
	a->s = m.w[0] | 1;
	self_id = m.w[1];
	if (thread_start(worker, (void *)rnd(a, 0), PRIORITY_USER) < 0)
		return 101;
	for (i = 0; i < CHAOS_OPS / 2; i++) {
		one_op(a);
		if (rnd(a, 400) == 0) {       /* a fork, left to end by itself */
			long c = pager_fork(pager, child, rnd(a, 0), 4 * PAGE_SIZE, &stack);

			if (c > 0)
				sys_handle_close(c);
		}
	}
	for (i = 0; i < WORKER_WAIT && !worker_done; i++)
		sys_yield();
	return worker_done ? (int)undocumented : 102;
}
