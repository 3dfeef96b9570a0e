/*
 * killrace: kills that race with everything a task can be doing.  For each
 * of racer's modes (proto.h), ROUNDS times: start a racer, let it run for a
 * random while (it may still be starting, or be inside a system call,
 * asleep, or blocked in send, recv, a call, a held reply or a fault), kill
 * it twice and wait for it.  Every racer must end (-1 when killed, 0 when it
 * exited first), the second kill must find it ended or ending, the wait must
 * return, and a thread calling a racer that dies must get ERR_PEER_GONE.
 * A watchdog thread ends us with the round's name if a racer does not end:
 * a hang is reported, not waited for.  Exit code: failed checks.
 */
#include "proto.h"

#define ROUNDS 1000
#define WATCHDOG_TICKS (30 * 10000000ul)   /* rdtime: 30 s at QEMU virt's 10 MHz */

static const char *const mode_names[RACER_MODES] = {
	[RACER_SYSCALLS] = "killed while entering and leaving the kernel",
	[RACER_IPC_LOOP] = "killed while sending and receiving",
	[RACER_SEND_EXIT] = "exit after 200 sends, racing a kill",
	[RACER_BLOCKED] = "killed while blocked in send, a held call and its reply",
	[RACER_FAULT] = "killed while its faults wait for the handler",
	[RACER_SERVE] = "killed while a caller waits on it",
	[RACER_SLEEP] = "killed while asleep, for ever or waking from a nap",
};

static struct link greet;          /* racers say hello here and learn their mode */
static struct link faults;         /* RACER_FAULT's fault endpoint */
static volatile long mode_now;
static long partner;               /* RACER_SERVE: its endpoint, for the caller thread */
static volatile unsigned long partners, calls_ended, partners_unused;
static volatile unsigned long progress;   /* rounds done: the watchdog's pulse */
static volatile bool finished;
static uint64_t seed = 0x6b696c6cul;

static unsigned long rnd(void)
{
	return xorshift64(&seed);
}

/* Answer every racer's hello with the mode; keep an endpoint one passes. */
static void greeter(void *arg)
{
	struct msg m;
	long r = ipc_recv(greet.recv, &m);

	(void)arg;
	while (r == 0) {
		if (m.handle) {
			/* One the caller never took (its racer died first) is closed here. */
			long old = __atomic_exchange_n(&partner, (long)m.handle, __ATOMIC_ACQ_REL);

			if (old) {
				sys_handle_close(old);
				partners_unused++;
			}
			partners++;
		}
		m = (struct msg){ .w = { (uint64_t)mode_now } };
		r = ipc_reply_recv(greet.recv, &m);
	}
}

/* Call each racer that passed us its endpoint until the call fails. */
static void caller(void *arg)
{
	(void)arg;
	for (;;) {
		long p = __atomic_exchange_n(&partner, 0, __ATOMIC_ACQ_REL);
		struct msg m = { .tag = 5 };

		if (!p) {
			sys_yield();
			continue;
		}
		while (ipc_call(p, &m) == 0)
			m = (struct msg){ .tag = 5 };
		sys_handle_close(p);
		calls_ended++;
	}
}

static void watchdog(void *arg)
{
	unsigned long last = progress;
	uint64_t since = rdtime();

	(void)arg;
	while (!finished) {
		sys_yield();
		if (progress != last) {
			last = progress;
			since = rdtime();
		} else if (rdtime() - since > WATCHDOG_TICKS) {
			printf("# FAILED - killrace: mode %ld (%s), round %lu: the racer never ended\n",
			       mode_now, mode_names[mode_now], last % ROUNDS);
			sys_exit(99);
		}
	}
}

/* One round of `mode`: true when everything ended as it must. */
static bool one_round(long mode, unsigned long i)
{
	bool may_exit = mode == RACER_SEND_EXIT, kill_first = !may_exit || i % 2;
	long child, k1 = 0, k2, code, n;
	unsigned long reason;
	struct msg m;

	child = sys_task_spawn("racer", mode == RACER_FAULT ? faults.send : 0, greet.send);
	if (child < 0)
		return false;
	if (mode == RACER_FAULT && (ipc_recv(faults.recv, &m) != 0 || m.tag != MSG_FAULT))
		return false;             /* we hold one fault; the others queue */
	for (n = (long)(rnd() % 6); n > 0; n--)
		sys_yield();
	for (n = (long)(rnd() % 3000); n > 0; n--)
		__asm__ volatile("");
	if (kill_first)
		k1 = sys_task_kill(child);
	k2 = sys_task_kill(child);
	code = sys_task_wait_reason(child, &reason);
	n = sys_task_status(child);
	sys_handle_close(child);
	progress++;
	return (k1 == 0 || (may_exit && k1 == -ERR_NOT_FOUND)) &&
	       (k2 == 0 || k2 == -ERR_NOT_FOUND) && n == 1 &&
	       ((code == -1 && reason == EXIT_KILLED) ||
		(may_exit && code == 0 && reason == EXIT_NORMAL));
}

/* Wait (bounded) until the caller has seen every partner it was given die. */
static bool callers_all_returned(void)
{
	uint64_t start = rdtime();

	while (calls_ended + partners_unused != partners ||
	       __atomic_load_n(&partner, __ATOMIC_ACQUIRE))
		if (sys_yield() < 0 || rdtime() - start > WATCHDOG_TICKS)
			return false;
	return true;
}

int main(void)
{
	char what[128];
	long mode, self_read;
	unsigned long i, bad;

	greet = link_make();
	faults = link_make();
	thread_start(greeter, NULL, PRIORITY_USER);
	thread_start(caller, NULL, PRIORITY_USER);
	thread_start(watchdog, NULL, PRIORITY_USER);
	for (mode = 0; mode < RACER_MODES; mode++) {
		mode_now = mode;
		for (i = bad = 0; i < ROUNDS; i++)
			bad += !one_round(mode, i);
		snprint(what, sizeof(what), "%d rounds %s: every racer ended as it must",
			ROUNDS, mode_names[mode]);
		check_eq(what, (long)bad, 0);
	}
	check("every call to a racer that died returned", callers_all_returned());
	/* The counts, so that a failure says whether racers passed too few
	 * endpoints or the caller took too few of them. */
	snprint(what, sizeof(what), "racers passed their endpoint to the caller (%lu passed, "
		"%lu called, %lu never taken)", partners, calls_ended, partners_unused);
	check(what, calls_ended > ROUNDS / 10);
	check_eq("a task cannot kill itself (SYS_EXIT does that)", sys_task_kill(HANDLE_SELF),
		 -ERR_INVALID_ARGUMENT);
	self_read = sys_handle_dup(HANDLE_SELF, RIGHT_READ | RIGHT_MANAGE, 0);
	check_eq("not through another handle either", sys_task_kill(self_read),
		 -ERR_INVALID_ARGUMENT);
	sys_handle_close(self_read);
	finished = true;
	return test_failures;
}
