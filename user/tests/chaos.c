/*
 * chaos: a random multi-task fuzzer of the kernel and the pager.  It starts
 * a pager and has it run CLIENTS chaos-clients, AT_ONCE at a time, each
 * seeded differently and each making random pager requests, touches and
 * system calls from two threads (and forks); meanwhile we kill a random
 * running client now and then (PAGER_KILL, one in four of them), wherever it is.  A client that
 * was not killed must end with 0 (every answer documented), one that was,
 * with -1 or 0.  At the end the pager's audit must find its books and every
 * page table in agreement and no page in use, and the pager must end when
 * told; the self-test that runs us then checks that the kernel got all its
 * memory back.  Exit code: failed checks.
 */
#include "pager/client.h"

#define CLIENTS 64
#define AT_ONCE 4
#define CLIENT_OPS 2500            /* chaos-client's CHAOS_OPS */
#define END_YIELDS 2000000
#define SPAWN_FULL_MAX 100000   /* refusals in a row: the pager never frees a slot */

static long pager;
static uint64_t seed = 0xc4a05ul;

static unsigned long rnd(unsigned long n)
{
	return xorshift64(&seed) % n;
}

struct running {
	long task;          /* READ handle, 0: slot free */
	uint64_t id;        /* client id */
	bool doomed;        /* one in four clients is killed, at a random point */
	bool killed;
};

static struct running run[AT_ONCE];
static unsigned long started, completed, killed, wrong;
static unsigned long refused_full, full_in_a_row;

/*
 * Start a client in r.  The pager may be full: its MAX_CLIENTS slots also
 * hold the clients' forks, which end by themselves and may not have yet
 * (ERR_NO_MEMORY, documented).  Then r stays free and the next round tries
 * again; only a pager that stays full for SPAWN_FULL_MAX tries is wrong.
 */
static void start_one(struct running *r)
{
	struct msg m = { .tag = PAGER_SPAWN, .w = { 0, 0, 0, started * 0x9e3779b97f4a7c15ul } };
	long err;

	memcpy(m.w, "chaos-client", 13);
	err = pager_call(pager, &m);
	if (err == -ERR_NO_MEMORY && ++full_in_a_row <= SPAWN_FULL_MAX) {
		refused_full++;
		return;
	}
	if (err != 0 || !m.handle) {
		wrong++;
		started++;            /* given up: the loop must end */
		return;
	}
	full_in_a_row = 0;
	*r = (struct running){ .task = (long)m.handle, .id = m.w[0], .doomed = started % 4 == 0 };
	started++;
}

/* Collect r if it has ended. */
static void reap(struct running *r)
{
	unsigned long reason;
	long code;

	if (!r->task || sys_task_status(r->task) != 1)
		return;
	code = sys_task_wait_reason(r->task, &reason);
	if (code == 0 && reason == EXIT_NORMAL && !r->killed)
		completed++;
	else if (!(r->killed && ((code == -1 && reason == EXIT_KILLED) ||
				 (code == 0 && reason == EXIT_NORMAL))))
		wrong++;
	sys_handle_close(r->task);
	r->task = 0;
}

int main(void)
{
	long task = -1;
	struct msg m;
	unsigned long i, n;
	unsigned k;
	long r;

	pager = pager_start(&task);
	check("start a pager", pager > 0);
	while (started < CLIENTS || run[0].task || run[1].task || run[2].task || run[3].task) {
		for (k = 0; k < AT_ONCE; k++) {
			reap(&run[k]);
			if (!run[k].task && started < CLIENTS)
				start_one(&run[k]);
		}
		for (n = rnd(20); n > 0; n--)
			sys_yield();
		k = (unsigned)rnd(AT_ONCE);
		if (run[k].task && !run[k].killed && run[k].doomed && rnd(2) == 0) {
			r = pager_request(pager, PAGER_KILL, run[k].id, 0, 0, 0, &m);
			run[k].killed = r == 0;
			killed += r == 0;
			wrong += r != 0 && r != -ERR_NOT_FOUND;
		}
	}
	printf("# chaos: %lu clients, %lu killed, %lu ran all %d operations; %lu spawns "
	       "waited for a client slot\n", started, killed, completed, CLIENT_OPS, refused_full);
	check_eq("every client ended as it must", (long)wrong, 0);
	check("at least 100,000 operations from clients that were not killed",
	      completed * CLIENT_OPS >= 100000);
	check("and kills landed", killed >= CLIENTS / 32);
	/* Forked children end by themselves: the pager ends once they have. */
	for (i = 0; i < END_YIELDS; i++) {
		r = pager_request(pager, PAGER_CHECK, 0, 0, 0, 0, &m);
		if (r || m.w[0] || !m.w[3])
			break;
		sys_yield();
	}
	check_eq("the pager's books and every page table agree", r ? -1 : (long)m.w[0], 0);
	check_eq("no page is left in use", (long)m.w[3], 0);
	check_eq("the pager ends when told", pager_request(pager, PAGER_EXIT, 0, 0, 0, 0, &m),
		 -ERR_PEER_GONE);
	check_eq("with 0", sys_task_wait(task), 0);
	sys_handle_close(task);
	sys_handle_close(pager);
	return test_failures;
}
