/*
 * thief: a pager client that tries every way it has to reach memory that is
 * not its own (run by the `isolation` test, which started its pager).  It
 * holds what every client holds: HANDLE_SELF (READ, MANAGE) and a badged
 * SEND handle to the pager.  Each attempt must fail with its documented
 * error, and pages given back while another client still maps them must
 * never reach a third.  Exit code: failed checks.
 */
#include "pager/client.h"

#define PAGES 4
#define WAIT_YIELDS 200000
#define PATTERN_PARENT 0x7a7a7a7a00000000ul
#define PATTERN_CHILD 0xc0c0c0c000000000ul

static long pager;
static volatile uint64_t *flags;    /* PAGER_SHARED with our fork child */
static volatile uint64_t *loot;     /* our pages, shared copy-on-write with the child */

enum { FLAG_UNMAPPED, FLAG_WRITTEN, FLAG_MAPPED_AGAIN, FLAG_CHILD_OK, FLAG_DONE };

static bool wait_flag(unsigned f)
{
	unsigned long i;

	for (i = 0; i < WAIT_YIELDS && !flags[f]; i++)
		sys_yield();
	return flags[f] != 0;
}

/* A task whose faults would come to the pager under our badge: refused. */
static void made_tasks(void)
{
	long t, ep = sys_endpoint_create();
	struct msg m = { .tag = 1, .handle = (uint64_t)pager };

	check_eq("create a task faulting to our pager", sys_task_create("stooge", pager, 0),
		 -ERR_DENIED);
	check_eq("the same with an exit notice", sys_task_create("stooge", pager, TASK_EXIT_NOTICE),
		 -ERR_DENIED);
	check_eq("spawn a program faulting to our pager", sys_task_spawn("racer", pager, 0),
		 -ERR_DENIED);
	t = sys_task_create("stooge", 0, 0);
	check("a task of our own, with no pager", t > 0);
	check_eq("point its faults at our pager", sys_task_set_fault(t, pager), -ERR_DENIED);
	check_eq("give it our pager handle", sys_task_give(t, pager, RIGHT_SEND), -ERR_DENIED);
	sys_handle_close(t);
	check_eq("detach our own pager and exit notice", sys_task_set_fault(HANDLE_SELF, 0),
		 -ERR_DENIED);
	check_eq("swap our pager for an endpoint of ours", sys_task_set_fault(HANDLE_SELF, ep),
		 -ERR_DENIED);
	check_eq("pass our pager handle in a message", ipc_send(ep, &m), -ERR_DENIED);
	sys_handle_close(ep);
}

/* Rights and badges cannot grow. */
static void rights(void)
{
	struct msg m = { .tag = MSG_FAULT, .w = { USER_BASE, FAULT_READ, 0, 0 } };

	check_eq("our pager handle with FAULT", sys_handle_dup(pager, RIGHT_SEND | RIGHT_FAULT, 0),
		 -ERR_DENIED);
	check_eq("our pager handle with TRANSFER",
		 sys_handle_dup(pager, RIGHT_SEND | RIGHT_TRANSFER, 0), -ERR_DENIED);
	check_eq("our pager handle with another badge", sys_handle_dup(pager, RIGHT_SEND, 99),
		 -ERR_DENIED);
	check_eq("ourselves with FAULT", sys_handle_dup(HANDLE_SELF, RIGHT_FAULT, 0), -ERR_DENIED);
	check_eq("ourselves with TRANSFER", sys_handle_dup(HANDLE_SELF, RIGHT_TRANSFER, 0),
		 -ERR_DENIED);
	check_eq("a forged fault message", ipc_call(pager, &m), -ERR_INVALID_ARGUMENT);
}

/* Requests only the pager's parent may make, or that name someone else. */
static void requests(void)
{
	struct msg m = { .tag = PAGER_SPAWN };

	memcpy(m.w, "racer", 6);
	check_eq("spawn through the pager", pager_call(pager, &m), -ERR_DENIED);
	check_eq("end the pager", pager_request(pager, PAGER_EXIT, 0, 0, 0, 0, &m), -ERR_DENIED);
	check_eq("map an offer nobody made us", pager_request(pager, PAGER_MAP_GRANT, 0, 0, 0, 0, &m),
		 -ERR_NOT_FOUND);
	check_eq("offer pages to a client that does not exist",
		 pager_request(pager, PAGER_SHARE, (uint64_t)loot, PAGE_SIZE, MAP_READ, 0xfe, &m),
		 -ERR_NOT_FOUND);
}

/*
 * The fork child: it keeps mapping the pages its parent gives back.  Its
 * writes must stay its own, and its pages must not change under it when the
 * parent maps fresh memory.
 */
static void __attribute__((noreturn)) holder(uint64_t arg)
{
	unsigned p;
	int fails = 0;

	(void)arg;
	fails += !wait_flag(FLAG_UNMAPPED);
	for (p = 0; p < PAGES; p++)
		fails += loot[p * 512] != (PATTERN_PARENT | p);
	for (p = 0; p < PAGES; p++)
		loot[p * 512] = PATTERN_CHILD | p;
	flags[FLAG_WRITTEN] = 1;
	fails += !wait_flag(FLAG_MAPPED_AGAIN);
	for (p = 0; p < PAGES; p++)
		fails += loot[p * 512] != (PATTERN_CHILD | p);
	flags[FLAG_CHILD_OK] = !fails;
	flags[FLAG_DONE] = 1;
	sys_exit(fails);
}

/*
 * Unmap pages a fork child still maps, then map fresh memory: the fresh
 * pages are zero (none of the child's), and writing them leaves the child's
 * alone.  The pager's audit then agrees with every client's page table.
 */
static void unmap_while_mapped_elsewhere(void)
{
	struct msg m;
	uint64_t stack = 0;
	volatile uint64_t *fresh;
	unsigned p, nonzero = 0;
	uint64_t books;
	long child;

	for (p = 0; p < PAGES; p++)
		loot[p * 512] = PATTERN_PARENT | p;
	child = pager_fork(pager, holder, 0, 4 * PAGE_SIZE, &stack);
	check("fork a child that shares our pages", child > 0);
	check_eq("give the shared pages back", pager_request(pager, PAGER_UNMAP, (uint64_t)loot,
							       PAGES * PAGE_SIZE, 0, 0, &m), 0);
	flags[FLAG_UNMAPPED] = 1;
	check("the child writes them", wait_flag(FLAG_WRITTEN));
	check_eq("map fresh pages", pager_request(pager, PAGER_MAP_ANON, 0, PAGES * PAGE_SIZE,
						  MAP_READ | MAP_WRITE, 0, &m), 0);
	fresh = (volatile uint64_t *)m.w[0];
	for (p = 0; p < PAGES * 512; p++)
		nonzero += fresh[p] != 0;
	check_eq("fresh pages hold nothing of the child's", nonzero, 0);
	for (p = 0; p < PAGES * 512; p++)
		fresh[p] = PATTERN_PARENT;
	flags[FLAG_MAPPED_AGAIN] = 1;
	check("the child is done", wait_flag(FLAG_DONE));
	check("its pages stayed its own", flags[FLAG_CHILD_OK] == 1);
	check_eq("it ends well", child > 0 ? sys_task_wait(child) : -1, 0);
	sys_handle_close(child);
	pager_request(pager, PAGER_CHECK, 0, 0, 0, 0, &m);
	books = m.w[1];
	pager_request(pager, PAGER_CHECK, PAGER_CHECK_TABLES, 0, 0, 0, &m);
	check("the audit walks our page table: every pool page in the books is there",
	      books >= PAGES + 1 && m.w[1] >= books);
	check_eq("the pager's books agree", pager_request(pager, PAGER_CHECK, 0, 0, 0, 0, &m) ? -1
									: (long)m.w[0], 0);
}

int main(long pager_handle)
{
	struct msg m;

	pager = pager_handle;
	pager_request(pager, PAGER_MAP_ANON, 0, PAGE_SIZE, MAP_READ | MAP_WRITE, PAGER_SHARED, &m);
	flags = (volatile uint64_t *)m.w[0];
	pager_request(pager, PAGER_MAP_ANON, 0, PAGES * PAGE_SIZE, MAP_READ | MAP_WRITE, 0, &m);
	loot = (volatile uint64_t *)m.w[0];
	check("our memory", flags && loot);
	made_tasks();
	rights();
	requests();
	unmap_while_mapped_elsewhere();
	return test_failures;
}
