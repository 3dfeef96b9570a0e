/*
 * pagertest: starts a pager of its own and has it start pclient once per
 * mode: every region kind and request checked from inside (exit 0), and
 * accesses the pager must refuse (the client is ended: exit -1).  Then the
 * pager is told to end.  Exit code: the number of failed checks.
 */
#include "pager/client.h"

static long pager_ep;

/* Have the pager run pclient with argument `mode`; its exit code. */
static long run(uint64_t mode)
{
	struct msg m = { .tag = PAGER_SPAWN, .w = { 0, 0, 0, mode } };
	long code;

	memcpy(m.w, "pclient", 8);
	if (pager_call(pager_ep, &m) != 0 || !m.handle)
		return 1000;
	code = sys_task_wait((long)m.handle);
	sys_handle_close((long)m.handle);
	return code;
}

int main(void)
{
	long pager;
	struct msg m = { .tag = PAGER_SPAWN };

	pager_ep = sys_endpoint_create();
	pager = sys_task_spawn("pager", 0, pager_ep);
	check("start a pager", pager > 0);
	check_eq("every region kind and request, from inside", run(0), 0);
	check_eq("past the stack's limit: ended", run(1), -1);
	check_eq("a write to its text: ended", run(2), -1);
	check_eq("a page it unmapped: ended", run(3), -1);
	check_eq("out of memory: ended", run(4), -1);
	check_eq("out of memory again: ended", run(4), -1);
	check_eq("execution of data: ended", run(5), -1);
	check_eq("copy-on-write across 3 generations", run(6), 0);
	check_eq("100,000 faults from 4 threads, contents checked", run(7), 0);
	memcpy(m.w, "nosuch", 7);
	check_eq("spawn of a missing program", pager_call(pager_ep, &m), -ERR_NOT_FOUND);
	memcpy(m.w, "pclient", 8);
	m = (struct msg){ .tag = PAGER_EXIT };
	check_eq("the pager ends when told", pager_call(pager_ep, &m), -ERR_PEER_GONE);
	check_eq("with 0", sys_task_wait(pager), 0);
	sys_handle_close(pager);
	sys_handle_close(pager_ep);
	return test_failures;
}
