/*
 * threads: the scheduler seen from user space.  Round robin among threads
 * that yield; timer preemption (a thread that never enters the kernel must
 * not keep the others out, even on one hart); a lower priority runs when
 * the higher one blocks; IPC between threads of one task, on any harts.
 * Exit code: the number of failed checks.
 */
#include "proto.h"

#define YIELDERS 3
#define YIELD_ROUNDS 50
#define CLIENTS 4
#define CLIENT_CALLS 200
#define WAIT_LIMIT 2000000ul      /* yields before a wait counts as a hang */

static volatile unsigned long progress[YIELDERS];
static volatile unsigned done;
static volatile bool flag;
static long server_ep;
static volatile unsigned client_errors;

static void finished(void)
{
	__atomic_add_fetch(&done, 1, __ATOMIC_RELEASE);
}

/* Yield until `done` reaches n; false after WAIT_LIMIT yields. */
static bool wait_done(unsigned n)
{
	unsigned long i;

	for (i = 0; i < WAIT_LIMIT; i++) {
		if (__atomic_load_n(&done, __ATOMIC_ACQUIRE) >= n)
			return true;
		sys_yield();
	}
	return false;
}

static void yielder(void *arg)
{
	unsigned long i, me = (unsigned long)arg;

	for (i = 0; i < YIELD_ROUNDS; i++) {
		progress[me]++;
		sys_yield();
	}
	finished();
}

static void spinner(void *arg)
{
	(void)arg;
	while (!flag)
		;  /* no system call: only the timer can take the hart away */
	finished();
}

static void setter(void *arg)
{
	(void)arg;
	flag = true;
	finished();
}

static void low_sender(void *arg)
{
	struct msg m = { .tag = 9 };

	ipc_send((long)arg, &m);
	m.tag = 10;
	ipc_send((long)arg, &m);
}

static void server(void *arg)
{
	struct msg m = { 0 };
	long r;

	(void)arg;
	for (r = ipc_recv(server_ep, &m); r == 0; r = ipc_reply_recv(server_ep, &m))
		m.w[0] = m.w[0] * 2 + 1;
	finished();
}

static void client(void *arg)
{
	unsigned long i, base = (unsigned long)arg * 1000000;

	for (i = 0; i < CLIENT_CALLS; i++) {
		struct msg m = { .tag = 5, .w = { base + i } };

		if (ipc_call(server_ep, &m) || m.w[0] != (base + i) * 2 + 1)
			client_errors++;
	}
	finished();
}

static void round_robin(void)
{
	unsigned long i;

	done = 0;
	for (i = 0; i < YIELDERS; i++)
		thread_start(yielder, (void *)i, PRIORITY_USER);
	check("yielding threads all finish", wait_done(YIELDERS));
	for (i = 0; i < YIELDERS; i++)
		check_eq("each thread made all its rounds", (long)progress[i], YIELD_ROUNDS);
}

static void preemption(void)
{
	done = 0;
	check("spinner started", thread_start(spinner, NULL, PRIORITY_USER) > 0);
	check("setter started", thread_start(setter, NULL, PRIORITY_USER) > 0);
	check("a spinning thread is preempted", wait_done(2));
}

static void lower_priority(void)
{
	struct link l = link_make();
	struct msg m = { 0 };

	thread_start(low_sender, (void *)l.send, PRIORITY_USER - 5);
	check_eq("a lower-priority thread runs while we block", ipc_recv(l.recv, &m), 0);
	check_eq("its message arrives", (long)m.tag, 9);
	check_eq("and runs again when we block again", ipc_recv(l.recv, &m), 0);
	check_eq("its second message arrives", (long)m.tag, 10);
	sys_handle_close(l.send);
	sys_handle_close(l.recv);
}

static void ipc_between_threads(void)
{
	unsigned long i;

	done = 0;
	server_ep = sys_endpoint_create();
	thread_start(server, NULL, PRIORITY_USER);
	for (i = 0; i < CLIENTS; i++)
		thread_start(client, (void *)i, PRIORITY_USER);
	check("4 clients x 200 calls finish", wait_done(CLIENTS));
	check_eq("every reply right", client_errors, 0);
}

int main(void)
{
	round_robin();
	preemption();
	lower_priority();
	ipc_between_threads();
	return test_failures;
}
