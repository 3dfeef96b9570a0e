/*
 * Timed sleep: a thread in SYS_SLEEP_UNTIL is THREAD_SLEEP_BLOCKED, on the
 * one list of sleepers, until the time CSR reaches its deadline.  Nothing
 * spins meanwhile: its hart runs other threads or waits in `wfi`.
 *
 *   1. sys_sleep_until: a deadline already past returns at once; otherwise
 *      the thread goes on `sleepers` in deadline order and blocks.
 *   2. every timer tick, on every hart (a tick taken in user mode, or one
 *      an idle hart sees), sleep_wake_due makes each sleeper whose deadline
 *      has come runnable on its own hart (an IPI if that is another one).
 *   3. the thread returns 0 from the call.
 * A sleeper that is killed leaves the list at once (thread_kill ->
 * sleep_cancel), or never joins it (sched_block ends a killed thread
 * instead of blocking it).
 *
 * Resolution: the tick, TIMER_HZ (10 ms).  A sleep lasts at least until its
 * deadline and at most about one tick longer (more when the kernel lock is
 * held long on every hart).  The time CSR is one clock for all harts
 * (privileged spec, "Timers and counters": `time` is a read-only shadow of
 * the platform's mtime), so a deadline read on one hart holds on another.
 *
 * Lock: the kernel lock guards `sleepers` and each sleeper's sleep_until.
 * A sleeper is linked through thread.link, free while it sleeps: it is on
 * no run queue, endpoint queue or task's waiters.
 */
#include "kernel_arch.h"
#include "kernel/sched.h"
#include "kernel/sleep.h"

/* THREAD_SLEEP_BLOCKED threads, earliest deadline first; equal deadlines in
 * the order they went to sleep. */
static struct list sleepers = LIST_INIT(sleepers);

/* Put t on sleepers, after every sleeper due no later than it: O(sleepers),
 * from the back, where most new deadlines land.  Requires the kernel lock. */
static void sleepers_insert(struct thread *t)
{
	struct list *pos = sleepers.prev;

	while (pos != &sleepers && container_of(pos, struct thread, link)->sleep_until >
					   t->sleep_until)
		pos = pos->prev;
	list_push(pos, &t->link);
}

long sys_sleep_until(struct thread *cur, const uint64_t *a)
{
	uint64_t until = a[0];

	if (rdtime() >= until)
		return 0;
	sleep_queue(cur, until);
	cur->state = THREAD_SLEEP_BLOCKED;
	sched_block();
	return 0;
}

void sleep_queue(struct thread *t, uint64_t until)
{
	t->sleep_until = until;
	sleepers_insert(t);
}

void sleep_wake_due(void)
{
	uint64_t now = rdtime();

	while (!list_empty(&sleepers)) {
		struct thread *t = container_of(sleepers.next, struct thread, link);

		if (t->sleep_until > now)
			return;
		list_remove(&t->link);
		sched_add(t);
	}
}

void sleep_cancel(struct thread *t)
{
	list_remove(&t->link);
}
