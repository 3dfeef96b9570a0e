/*
 * isolation: starts a pager of its own and has it run `thief`, a client
 * that tries every way it has to reach another client's memory or to slip
 * out of its pager's hands, THIEVES times.  Then the pager must hold no
 * client (every one of them told it of its end), its books must agree, and
 * it must end when told.  Exit code: failed checks.
 */
#include "pager/client.h"

#define THIEVES 3

int main(void)
{
	long pager = -1, ep = pager_start(&pager), bad = 0;
	struct msg m;
	unsigned i;

	check("start a pager", ep > 0);
	for (i = 0; i < THIEVES; i++) {
		m = (struct msg){ .tag = PAGER_SPAWN };
		memcpy(m.w, "thief", 6);
		if (pager_call(ep, &m) != 0 || !m.handle || sys_task_wait((long)m.handle) != 0)
			bad++;
		sys_handle_close((long)m.handle);
	}
	check_eq("every thief was refused everything", bad, 0);
	check_eq("the pager's books agree", pager_request(ep, PAGER_CHECK, 0, 0, 0, 0, &m) ? -1
									 : (long)m.w[0], 0);
	check_eq("no page is left in use", (long)m.w[3], 0);
	check_eq("no client is left: the pager ends when told",
		 pager_request(ep, PAGER_EXIT, 0, 0, 0, 0, &m), -ERR_PEER_GONE);
	check_eq("with 0", sys_task_wait(pager), 0);
	sys_handle_close(pager);
	sys_handle_close(ep);
	return test_failures;
}
