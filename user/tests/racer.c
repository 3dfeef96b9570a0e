/*
 * racer: the victim of killrace (user/tests/killrace.c).  It asks its parent
 * for its mode (proto.h, RACER_*) and then keeps threads in the states the
 * mode names until it is killed; RACER_SEND_EXIT ends by itself.  Few
 * threads each: a thread made and freed costs a kernel stack, whose unmap
 * is a TLB shootdown of every hart.
 */
#include "proto.h"

#define SENDS_BEFORE_EXIT 200

static long ep_a, ep_b, ep_c;   /* our own endpoints (all rights) */

/*
 * Enter the kernel over and over: killed while entering or leaving it.
 * Every loop of a racer yields, so that on one hart its parent gets the
 * hart back at once rather than at the next tick.
 */
static void syscalls(void *arg)
{
	(void)arg;
	for (;;) {
		sys_thread_self();
		sys_yield();
	}
}

/* Receive on ep_a for ever (a RECV_BLOCKED thread between messages). */
static void receiver(void *arg)
{
	struct msg m;

	(void)arg;
	for (;;)
		ipc_recv(ep_a, &m);
}

/* Send on ep_b, where nobody receives: SEND_BLOCKED for good. */
static void stuck_sender(void *arg)
{
	struct msg m = { .tag = 1 };

	(void)arg;
	ipc_send(ep_b, &m);
}

/* Take a call on ep_c and, holding it, call ep_b (nobody receives). */
static void holding_server(void *arg)
{
	struct msg m;

	(void)arg;
	ipc_recv(ep_c, &m);
	m = (struct msg){ .tag = 2 };
	ipc_call(ep_b, &m);
}

/* Touch a page nobody maps: a fault our parent does not answer. */
static void faulter(void *arg)
{
	(void)*(volatile uint64_t *)(uintptr_t)arg;
}

/*
 * Nap until the next tick, over and over: the kill races the tick's wake-up
 * (on this hart or another).  Between naps a deadline already past, which
 * returns at once.
 */
static void napper(void *arg)
{
	(void)arg;
	for (;;) {
		sys_sleep_until(rdtime() + 1);
		sys_sleep_until(0);
	}
}

/* Answer calls on ep_a for ever, the message back unchanged. */
static void serve(void)
{
	struct msg m;
	long r = ipc_recv(ep_a, &m);

	for (;;) {
		r = r ? ipc_recv(ep_a, &m) : ipc_reply_recv(ep_a, &m);
		sys_yield();
	}
}

int main(long parent)
{
	long mode = child_mode(parent);
	struct msg m = { .tag = 3 };
	unsigned i;

	ep_a = sys_endpoint_create();
	ep_b = sys_endpoint_create();
	ep_c = sys_endpoint_create();
	switch (mode) {
	case RACER_SYSCALLS:
		thread_start(syscalls, NULL, PRIORITY_USER);
		syscalls(NULL);
		break;
	case RACER_IPC_LOOP:
	case RACER_SEND_EXIT:
		thread_start(receiver, NULL, PRIORITY_USER);
		for (i = 0; mode == RACER_IPC_LOOP || i < SENDS_BEFORE_EXIT; i++) {
			ipc_send(ep_a, &m);
			sys_yield();
		}
		sys_exit(0);
	case RACER_BLOCKED:
		thread_start(stuck_sender, NULL, PRIORITY_USER);
		thread_start(holding_server, NULL, PRIORITY_USER);
		ipc_call(ep_c, &m);       /* REPLY_BLOCKED on the holding server */
		break;
	case RACER_FAULT:
		thread_start(faulter, (void *)RACER_UNMAPPED, PRIORITY_USER);
		faulter((void *)(RACER_UNMAPPED + PAGE_SIZE));
		break;
	case RACER_SERVE:
		m = (struct msg){ .tag = TEST_HELLO,
				  .handle = (uint64_t)sys_handle_dup(ep_a, RIGHT_SEND |
								     RIGHT_TRANSFER, 0) };
		ipc_call(parent, &m);     /* our endpoint, for the parent's caller */
		serve();
		break;
	case RACER_SLEEP:
		thread_start(napper, NULL, PRIORITY_USER);
		sys_sleep_until(UINT64_MAX);   /* SLEEP_BLOCKED until killed */
		break;
	}
	/* Only a killed racer gets here too late: anything else is a bug. */
	printf("racer: mode %ld ran to its end\n", mode);
	return 1;
}
