/*
 * The cost line of a run= program (see cost.h and docs/runtime.md, "What a
 * program cost"):
 *
 *   run: NAME instructions: program U, pager P, kernel K; faults: zero-fill
 *   Z, file F, COW C, file-copy D, COW-regain G, mapped-again A, refused X,
 *   in all N, fault-around saved S; resident peak R pages
 *
 * U: the program's user-mode instructions (SYS_TASK_USAGE, its whole life).
 * P: the pager's user-mode instructions from just before it was asked to
 *    start the program to just after the program ended.
 * K: the kernel's instructions charged to the program (its whole life) and
 *    to the pager (the same window).  init's own, and the idle thread's,
 *    are in none of them.
 * The faults are the pager's counters for the client (PAGER_CLIENT_STATS):
 * each fault is of one kind, so the kinds add up to N.
 */
#include "cost.h"

static char line[768];         /* cost_end's line; empty: none */

void cost_start(struct run_cost *rc, long ep, long pager)
{
	struct msg m;

	/* Any request that waits for the pager's answer: client 0 is nobody. */
	pager_request(ep, PAGER_CLIENT_STATS, 0, 0, 0, 0, &m);
	rc->started = sys_task_usage(pager, &rc->pager_before) == 0;
}

/* The pager's counters for client, parts 0..2 (protocol.h) into w[12]. */
static long client_counters(long ep, uint64_t client, uint64_t w[12])
{
	struct msg m;
	uint64_t part;
	long err;

	for (part = 0; part < 3; part++) {
		err = pager_request(ep, PAGER_CLIENT_STATS, client, part, 0, 0, &m);
		if (err)
			return err;
		memcpy(&w[part * 4], m.w, sizeof(m.w));
	}
	return 0;
}

void cost_end(const struct run_cost *rc, const char *name, long ep, long pager,
	      long program, uint64_t client)
{
	struct task_usage prog, now;
	uint64_t w[12];
	long err;
	int n;

	if (!rc->started || sys_task_usage(program, &prog) != 0 || !prog.counted ||
	    sys_task_usage(pager, &now) != 0)
		return;        /* not counted: no figure (the word icount is not there) */
	err = client_counters(ep, client, w);
	if (err) {
		snprint(line, sizeof(line), "run: %s instructions: the pager has no counters "
			"for it: %s\n", name, err_name((err_t)-err));
		return;
	}
	/* part 0: faults, zero-fill, file, file-copy; part 1: COW copy, COW
	 * regain, mapped again (the COWs among them), refused; part 2:
	 * fault-around saved, resident peak. */
	n = snprint(line, sizeof(line), "run: %s instructions: program %lu, pager %lu, "
		    "kernel %lu; faults: zero-fill %lu, file %lu, COW %lu, file-copy %lu, "
		    "COW-regain %lu, mapped-again %lu, refused %lu, in all %lu, fault-around "
		    "saved %lu; resident peak %lu pages\n", name, prog.user,
		    now.user - rc->pager_before.user,
		    prog.kernel + (now.kernel - rc->pager_before.kernel), w[1], w[2], w[4], w[3],
		    w[5], w[6] - w[4] - w[5], w[7], w[0], w[8], w[9]);
	if (n >= (int)sizeof(line))   /* twelve numbers and a name: never, but say so */
		snprint(line, sizeof(line), "run: %s instructions: the line is longer than "
			"%u bytes\n", name, (unsigned)sizeof(line));
}

void cost_print(void)
{
	if (line[0])
		puts_debug(line);
}

static int cost_check(const char *what, bool ok)
{
	printf("init: check %s %s\n", what, ok ? "ok" : "FAILED");
	return !ok;
}

int cost_checks(long ep, long program, uint64_t client)
{
	struct task_usage u = { 0 }, again = { 0 };
	uint64_t w[12];
	struct msg m;
	int failures = 0;

	failures += cost_check("usage-of-an-ended-task", sys_task_usage(program, &u) == 0 &&
			       u.user > 0 && u.kernel > 0);
	failures += cost_check("usage-kept-after-the-end", sys_task_usage(program, &again) == 0 &&
			       again.user == u.user && again.kernel == u.kernel);
	/* The exit notice reaches the pager before our requests (syscall.h). */
	failures += cost_check("client-stats-after-the-end",
			       client_counters(ep, client, w) == 0 && w[11] == 1 && w[10] == 0 &&
			       w[0] == w[1] + w[2] + w[3] + w[6] + w[7] && w[9] > 0);
	failures += cost_check("client-stats-no-such-client",
			       pager_request(ep, PAGER_CLIENT_STATS, 0xff, 0, 0, 0, &m) ==
			       -ERR_NOT_FOUND);
	failures += cost_check("client-stats-no-such-part",
			       pager_request(ep, PAGER_CLIENT_STATS, client, 4, 0, 0, &m) ==
			       -ERR_INVALID_ARGUMENT);
	failures += cost_check("client-stats-nothing-swapped-without-swap",
			       pager_request(ep, PAGER_CLIENT_STATS, client, 3, 0, 0, &m) == 0 &&
			       m.w[0] == 0 && m.w[1] == 0);
	failures += cost_check("swap-stats-none-without-swap",
			       pager_request(ep, PAGER_SWAP_STATS, 1, 0, 0, 0, &m) == 0 &&
			       m.w[0] == 0 && m.w[1] == 0);
	failures += cost_check("swap-stats-no-such-part",
			       pager_request(ep, PAGER_SWAP_STATS, 4, 0, 0, 0, &m) ==
			       -ERR_INVALID_ARGUMENT);
	return failures;
}
