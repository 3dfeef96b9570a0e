/*
 * pageroom: a pager and one client that runs out of memory (it grows its
 * heap and touches page after page until its limit ends it).  The kernel's
 * self-test runs it twice and checks after each run that every page came
 * back.  Exit code: the number of failed checks.
 */
#include "pager/client.h"

#define PC_OUT_OF_MEMORY 4   /* pclient's mode */

int main(void)
{
	long pager = -1, ep = pager_start(&pager);
	struct msg m = { .tag = PAGER_SPAWN, .w = { 0, 0, 0, PC_OUT_OF_MEMORY } };

	check("start a pager", ep > 0);
	memcpy(m.w, "pclient", 8);
	check_eq("it starts the client", pager_call(ep, &m), 0);
	if (m.handle) {
		check_end("out of memory: the client is ended", task_end_wait((long)m.handle), -1,
			  EXIT_REFUSED_OUT_OF_MEMORY);
		sys_handle_close((long)m.handle);
	}
	m = (struct msg){ .tag = PAGER_EXIT };
	check_eq("the pager ends", pager_call(ep, &m), -ERR_PEER_GONE);
	check_eq("with 0", sys_task_wait(pager), 0);
	sys_handle_close(pager);
	sys_handle_close(ep);
	return test_failures;
}
