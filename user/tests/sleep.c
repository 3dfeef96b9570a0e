/*
 * sleep: SYS_SLEEP_UNTIL seen from user space.  A deadline already past
 * returns at once; no sleep ends before its deadline, on any hart, with
 * several threads napping at once; a sleeping task costs (almost) nothing:
 * a child asleep for 100 ms is charged less than a child that spins for
 * 20 ms (a wait that spun would cost five times more); and a task whose
 * threads sleep for ever ends at once when killed.  Children are this
 * program again, told their part by the parent (main's argument: the
 * parent's endpoint, 0 for the parent itself).  Exit code: failed checks.
 */
#include "proto.h"

#define NAPPERS 4
#define NAPS 10
#define NAP_MAX_MS 25
#define SPIN_MS 20
#define SLEEP_MS 100
#define KILL_WAIT_MS 1000

enum part { PART_SPIN, PART_SLEEP, PART_SLEEP_FOREVER };

static uint64_t per_ms;                  /* time-CSR counts a millisecond */
static volatile unsigned long early;     /* naps that ended before their deadline */
static volatile unsigned long failed_calls;
static volatile unsigned nappers_done;
static uint64_t seed = 0x736c656570ul;

/* NAPS naps of a random length up to NAP_MAX_MS, each checked on waking. */
static void napper(void *arg)
{
	uint64_t state = seed + (uint64_t)arg;
	unsigned i;

	for (i = 0; i < NAPS; i++) {
		uint64_t until = rdtime() + xorshift64(&state) % (NAP_MAX_MS * per_ms);

		if (sys_sleep_until(until) != 0)
			__atomic_add_fetch(&failed_calls, 1, __ATOMIC_RELAXED);
		if (rdtime() < until)
			__atomic_add_fetch(&early, 1, __ATOMIC_RELAXED);
	}
	__atomic_add_fetch(&nappers_done, 1, __ATOMIC_RELEASE);
}

/* Several threads nap at once (on every hart there is): none wakes early. */
static void naps(void)
{
	unsigned long i;

	for (i = 0; i < NAPPERS; i++)
		thread_start(napper, (void *)i, PRIORITY_USER);
	for (i = 0; __atomic_load_n(&nappers_done, __ATOMIC_ACQUIRE) < NAPPERS && i < 1000; i++)
		sys_sleep_until(rdtime() + 10 * per_ms);
	check_eq("4 threads napped 10 times each, every nap ended", nappers_done, NAPPERS);
	check_eq("every nap returned 0", (long)failed_calls, 0);
	check_eq("no nap ended before its deadline", (long)early, 0);
}

/* What a child doing `part` cost, user and kernel, once it ended (0: it
 * could not run, or did not end as it should). */
static uint64_t child_cost(enum part part)
{
	long task = child_spawn("sleep", 0, part);
	struct task_usage u = { 0 };
	struct task_end end;

	if (task < 0)
		return 0;
	end = task_end_wait(task);
	if (end.code != 0 || end.reason != EXIT_NORMAL || sys_task_usage(task, &u) != 0)
		u = (struct task_usage){ 0 };
	sys_handle_close(task);
	return u.user + u.kernel;
}

/* Asleep costs less than awake: 100 ms asleep against 20 ms spinning (each
 * child's start-up and end, the same for both, included). */
static void sleep_is_cheap(void)
{
	uint64_t spin = child_cost(PART_SPIN), asleep = child_cost(PART_SLEEP);

	printf("sleep: a child spinning %d ms cost %lu, one asleep %d ms %lu\n", SPIN_MS,
	       (unsigned long)spin, SLEEP_MS, (unsigned long)asleep);
	check("both children ran and exited 0", spin && asleep);
	check("100 ms asleep cost less than 20 ms spinning", asleep < spin);
}

/* A child whose two threads sleep for ever ends at once when killed. */
static void sleepers_killed(void)
{
	long task = child_spawn("sleep", 0, PART_SLEEP_FOREVER);
	uint64_t start;
	struct task_end end;

	check("a child asleep for ever started", task > 0);
	if (task < 0)
		return;
	sys_sleep_until(rdtime() + 20 * per_ms);   /* both threads asleep by now */
	start = rdtime();
	check_eq("killed in its sleep", sys_task_kill(task), 0);
	end = task_end_wait(task);
	check_end("it ended, killed", end, -1, EXIT_KILLED);
	check("... within a second", rdtime() - start < KILL_WAIT_MS * per_ms);
	sys_handle_close(task);
}

static void sleep_forever(void *arg)
{
	(void)arg;
	sys_sleep_until(UINT64_MAX);
}

/* The child's part; returns its exit code. */
static int play(long part)
{
	uint64_t start = rdtime();

	switch (part) {
	case PART_SPIN:
		while (rdtime() - start < SPIN_MS * per_ms)
			;
		return 0;
	case PART_SLEEP:
		return sys_sleep_until(start + SLEEP_MS * per_ms) == 0 &&
		       rdtime() >= start + SLEEP_MS * per_ms ? 0 : 1;
	case PART_SLEEP_FOREVER:
		thread_start(sleep_forever, NULL, PRIORITY_USER);
		sleep_forever(NULL);
		return 2;      /* woken: a bug */
	}
	return 3;
}

int main(long parent)
{
	uint64_t before;
	long part;

	per_ms = (uint64_t)sys_clock_info() / 1000;
	if (parent) {
		part = child_mode(parent);
		sys_handle_close(parent);
		return play(part);
	}
	check_eq("a deadline already past: 0 at once", sys_sleep_until(rdtime()), 0);
	before = rdtime();
	check_eq("20 ms: 0", sys_sleep_until(before + 20 * per_ms), 0);
	check("... and not a count before its deadline", rdtime() >= before + 20 * per_ms);
	naps();
	sleep_is_cheap();
	sleepers_killed();
	return test_failures;
}
