/*
 * pclient's PC_SHARE_OFFER and PC_SHARE_TAKE modes: PAGER_SHARE between two
 * clients that are not fork relatives, one offering, one taking.
 */
#include "pclient.h"

#define SHARE_PAGES 4
#define SHARE_VA 0x2900000000ul

static volatile uint64_t go_flag_value;
static volatile uint64_t *go_flag;        /* PAGER_SHARED with our fork child */
static volatile uint64_t *offered;

/* A fork child that holds our offered pages copy-on-write: it must keep the old bytes. */
static void __attribute__((noreturn)) cow_holder(uint64_t old)
{
	sys_exit(wait_for(go_flag, 1) && offered[0] == old ? 0 : 1);
}

/*
 * PAGER_SHARE to a client that is not a fork relative: we offer
 * SHARE_PAGES pages, it maps them; each sees the other's writes.  A fork
 * child that still held the pages copy-on-write keeps its own copy.
 */
int share_offer(uint64_t taker)
{
	struct msg m;
	uint64_t stack, id;
	long child;

	pager_request(pager, PAGER_MAP_ANON, 0, PAGE_SIZE, MAP_READ | MAP_WRITE, PAGER_SHARED, &m);
	go_flag = (volatile uint64_t *)m.w[0];
	/* Fixed, away from the rest: no neighbour merges with it. */
	pager_request(pager, PAGER_MAP_ANON, SHARE_VA, SHARE_PAGES * PAGE_SIZE, MAP_READ | MAP_WRITE,
		      PAGER_FIXED, &m);
	offered = (volatile uint64_t *)SHARE_VA;
	offered[0] = 0x5a5a;
	offered[512] = 0x6b6b;
	child = pager_fork(pager, cow_holder, 0x5a5a, CHILD_STACK, &stack);
	check("a fork child holds the pages copy-on-write", child > 0 && page_users(offered) == 2);
	pager_request(pager, PAGER_ARG, 0, 0, 0, 0, &m);
	check_eq("share: with ourselves", pager_request(pager, PAGER_SHARE, (uint64_t)offered,
		 PAGE_SIZE, MAP_READ, m.w[1], &m), -ERR_INVALID_ARGUMENT);
	check_eq("share: no such client", pager_request(pager, PAGER_SHARE, (uint64_t)offered,
		 PAGE_SIZE, MAP_READ, 0xff00, &m), -ERR_NOT_FOUND);
	check_eq("share: past the region", pager_request(pager, PAGER_SHARE, (uint64_t)offered,
		 (SHARE_PAGES + 1) * PAGE_SIZE, MAP_READ, taker, &m), -ERR_NOT_FOUND);
	check_eq("share: execute", pager_request(pager, PAGER_SHARE, (uint64_t)offered, PAGE_SIZE,
		 MAP_READ | MAP_EXEC, taker, &m), -ERR_INVALID_ARGUMENT);
	check_eq("share: our data (not anonymous)", pager_request(pager, PAGER_SHARE,
		 (uint64_t)data_words & ~(PAGE_SIZE - 1), PAGE_SIZE, MAP_READ, taker, &m),
		 -ERR_INVALID_ARGUMENT);
	check_eq("share: misaligned", pager_request(pager, PAGER_SHARE, (uint64_t)offered + 8,
		 PAGE_SIZE, MAP_READ, taker, &m), -ERR_INVALID_ARGUMENT);
	check_eq("offer the pages", pager_request(pager, PAGER_SHARE, (uint64_t)offered,
		 SHARE_PAGES * PAGE_SIZE, MAP_READ | MAP_WRITE, taker, &m), 0);
	/* A second offer, which the taker leaves (it takes the oldest) until it ends. */
	check_eq("offer one page more", pager_request(pager, PAGER_SHARE, (uint64_t)offered,
		 PAGE_SIZE, MAP_READ, taker, &m), 0);
	id = m.w[0];
	check_eq("map grant: not ours to take", pager_request(pager, PAGER_MAP_GRANT, id, 0, 0, 0,
		 &m), -ERR_DENIED);
	check_eq("our own view is kept", (long)offered[512], 0x6b6b);
	check("the taker writes; we see it", wait_for(&offered[1], 0x7a7a));
	check_eq("the page is in two tasks", page_users(offered), 2);   /* it waits for us */
	offered[2] = 0x8c8c;
	check("we write; it sees it", wait_for(&offered[3], 0x9d9d));
	*go_flag = 1;
	check_eq("the fork child kept its copy-on-write copy", sys_task_wait(child), 0);
	sys_handle_close(child);
	check_books("the pager's books agree after sharing");
	return test_failures;
}

int share_take(void)
{
	struct msg m;
	volatile uint64_t *p;
	unsigned long i;
	long r = -1;

	check_eq("map grant: no such offer", pager_request(pager, PAGER_MAP_GRANT, 0x7f0f, 0, 0, 0,
		 &m), -ERR_NOT_FOUND);
	check_eq("map grant: unknown flag", pager_request(pager, PAGER_MAP_GRANT, 0, 0, 8, 0, &m),
		 -ERR_INVALID_ARGUMENT);
	for (i = 0; i < SHARE_WAIT && r; i++) {        /* until the offer comes */
		r = pager_request(pager, PAGER_MAP_GRANT, 0, 0, 0, 0, &m);
		if (r)
			sys_yield();
	}
	check_eq("map the offered pages", r, 0);
	if (r)
		return test_failures;
	p = (volatile uint64_t *)m.w[0];
	check("their length and rights", m.w[1] == SHARE_PAGES * PAGE_SIZE &&
	      m.w[2] == (MAP_READ | MAP_WRITE));
	check("they hold the offerer's bytes", p[0] == 0x5a5a && p[512] == 0x6b6b);
	p[1] = 0x7a7a;
	check("we see its write", wait_for(&p[2], 0x8c8c));
	p[3] = 0x9d9d;
	pager_request(pager, PAGER_QUERY, (uint64_t)p, 0, 0, 0, &m);
	check("a shared anonymous region", (m.w[2] & 0xff) == PAGER_KIND_ANON && (m.w[2] >> 16) == 1);
	return test_failures;
}
