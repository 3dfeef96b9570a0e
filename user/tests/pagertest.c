/*
 * pagertest: starts a pager of its own and has it start pclient once per
 * mode: every region kind and request checked from inside (exit 0), and
 * accesses the pager must refuse (the client is ended: exit -1, with the
 * EXIT_REFUSED_* of the pager's reason); argument blocks it must refuse,
 * and a good one (pagertest_args.c).  Then the pager is told to end.
 * Exit code: the number of failed checks.
 */
#include "pager/client.h"

static long pager_ep;

void argument_blocks(long pager);    /* pagertest_args.c */

/* Have the pager start pclient with argument `arg`: its task handle (0: failed), *id its client id. */
static long start(uint64_t arg, uint64_t *id)
{
	struct msg m = { .tag = PAGER_SPAWN, .w = { 0, 0, 0, arg } };

	memcpy(m.w, "pclient", 8);
	if (pager_call(pager_ep, &m) != 0)
		return 0;
	*id = m.w[0];
	return (long)m.handle;
}

/* Wait for a started client: how it ended, or code 1000 when it never started. */
static struct task_end finish(long task)
{
	struct task_end end = { .code = 1000, .reason = EXIT_REASONS };

	if (!task)
		return end;
	end = task_end_wait(task);
	sys_handle_close(task);
	return end;
}

/* Have the pager run pclient with argument `mode`; how it ended. */
static struct task_end run(uint64_t mode)
{
	uint64_t id;

	return finish(start(mode, &id));
}

/* Two clients, not related by fork: one offers pages (PAGER_SHARE), the other maps them. */
static void share_between_clients(void)
{
	uint64_t taker_id, offerer_id;
	long taker = start(11, &taker_id), offerer = start(10 | taker_id << 8, &offerer_id);

	check_end("the offering client's checks", finish(offerer), 0, EXIT_NORMAL);
	check_end("the taking client's checks", finish(taker), 0, EXIT_NORMAL);
}

#define DEATHS 200

/*
 * A pager killed at a random point while its client faults, DEATHS times:
 * every client must end, none may hang: its fault ends it (EXIT_PAGER_GONE),
 * or a request fails and it exits: with 100 when it could not even ask for
 * its argument, with 3 when a later request failed.  On a small board (8
 * MiB) the new pager may have no page for the client before it dies
 * (EXIT_REFUSED_OUT_OF_MEMORY): counted apart, and some must be PAGER_GONE.
 */
static void pager_deaths(void)
{
	uint64_t seed = 0xdead5eedul;
	unsigned long i, gone = 0, failed = 0, no_memory = 0, pager_killed = 0;
	struct task_end end;

	for (i = 0; i < DEATHS; i++) {
		long pager = -1, ep = pager_start(&pager), n;
		struct msg m = { .tag = PAGER_SPAWN, .w = { 0, 0, 0, 8 } };

		memcpy(m.w, "pclient", 8);
		if (ep < 0 || pager_call(ep, &m) != 0 || !m.handle)
			break;
		for (n = (long)(xorshift64(&seed) % 4); n > 0; n--)   /* each may give the client a whole tick */
			sys_yield();
		pager_killed += sys_task_kill(pager) == 0;
		end = task_end_wait((long)m.handle);
		if (end.code == -1 && end.reason == EXIT_PAGER_GONE)
			gone++;
		else if ((end.code == 3 || end.code == 100) && end.reason == EXIT_NORMAL)
			failed++;
		else if (end.code == -1 && end.reason == EXIT_REFUSED_OUT_OF_MEMORY)
			no_memory++;
		else
			check_end("a client whose pager was killed", end, -1, EXIT_PAGER_GONE);
		sys_task_wait(pager);
		sys_handle_close((long)m.handle);
		sys_handle_close(pager);
		sys_handle_close(ep);
	}
	check_eq("200 pagers killed while their clients fault", (long)pager_killed, DEATHS);
	printf("# pager deaths: clients ended by PAGER_GONE %lu, by a failed request %lu, "
	       "refused for memory %lu\n", gone, failed, no_memory);
	check_eq("every client ended by one of them, none hung", (long)(gone + failed + no_memory),
		 DEATHS);
	check("some by PAGER_GONE", gone > 0);
}

int main(void)
{
	long pager = -1;
	struct msg m = { .tag = PAGER_SPAWN };

	pager_ep = pager_start(&pager);
	check("start a pager", pager_ep > 0);
	check_end("every region kind and request, from inside", run(0), 0, EXIT_NORMAL);
	check_end("past the stack's limit: ended", run(1), -1, EXIT_REFUSED_STACK_OVERFLOW);
	check_end("a write to its text: ended", run(2), -1, EXIT_REFUSED_PROTECTION);
	check_end("a page it unmapped: ended", run(3), -1, EXIT_REFUSED_NO_REGION);
	check_end("out of memory: ended", run(4), -1, EXIT_REFUSED_OUT_OF_MEMORY);
	check_end("out of memory again: ended", run(4), -1, EXIT_REFUSED_OUT_OF_MEMORY);
	check_end("execution of data: ended", run(5), -1, EXIT_REFUSED_PROTECTION);
	check_end("copy-on-write across 3 generations", run(6), 0, EXIT_NORMAL);
	check_end("100,000 faults from 4 threads, contents checked", run(7), 0, EXIT_NORMAL);
	check_end("a write after protect read-only: ended", run(9), -1, EXIT_REFUSED_PROTECTION);
	share_between_clients();
	check_end("20,000 random requests: nothing ends the client, the books agree", run(12), 0,
		  EXIT_NORMAL);
	pager_deaths();
	argument_blocks(pager_ep);
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
