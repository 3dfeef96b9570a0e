/*
 * What the user test programs say to each other (user/tests/).  A child
 * gets an endpoint handle from its parent (the spawn's passed handle) and
 * first calls it with TEST_HELLO {its thread id}; the reply's w[0] tells it
 * what to do (its mode).
 */
#ifndef TESSERA_USER_TESTS_PROTO_H
#define TESSERA_USER_TESTS_PROTO_H

#include "ulib.h"

enum test_tag {
	TEST_HELLO = 1,
	ECHO_ADD,            /* echo: reply w[i] + 1, and w[3] = the sender's badge */
	ECHO_NOP,            /* echo: reply at once, message unchanged */
	ECHO_FRAME,          /* echo: map the passed frame, store w[0] in its first word */
	ECHO_PASS_BACK,      /* echo: reply passing a new frame */
	ECHO_NOTE,           /* echo: a send; no reply */
	ECHO_EXIT,           /* echo: end without replying */
};

/* racer's modes (user/tests/racer.c, for killrace): what its threads do. */
enum racer_mode {
	RACER_SYSCALLS,      /* two threads enter the kernel without end */
	RACER_IPC_LOOP,      /* one thread receives, the main one sends, for ever */
	RACER_SEND_EXIT,     /* the same, but the sender exits after 200 messages */
	RACER_BLOCKED,       /* threads blocked in send, a held call and its reply */
	RACER_FAULT,         /* two threads fault; the handler holds one, the other queues */
	RACER_SERVE,         /* passes an endpoint to its parent and serves calls on it */
	RACER_SLEEP,         /* threads asleep: for ever, in naps the tick ends, and past */
	RACER_MODES
};
#define RACER_UNMAPPED 0x3e00000000ul   /* where RACER_FAULT's threads fault */

/* One endpoint seen as a receive-only and a send-only handle (the full one
 * is closed): once every send handle is gone, a receive fails with
 * ERR_PEER_GONE, so a server loop ends when its clients have ended.  The
 * send end keeps FAULT: it may become a task's fault endpoint. */
struct link {
	long recv;
	long send;
};

static inline struct link link_make(void)
{
	long ep = sys_endpoint_create();
	struct link l = { sys_handle_dup(ep, RIGHT_RECV, 0),
			  sys_handle_dup(ep, RIGHT_SEND | RIGHT_TRANSFER | RIGHT_FAULT, 0) };

	sys_handle_close(ep);
	return l;
}

/*
 * A fresh page-sized frame holding the n instructions insns, written through
 * a mapping of ours at scratch_va (unmapped again).  Its handle, or -ERR_*.
 */
static inline long code_frame(const uint32_t *insns, unsigned n, unsigned long scratch_va)
{
	long frame = sys_frame_alloc(PAGE_SIZE, 0);
	volatile uint32_t *at = (volatile uint32_t *)scratch_va;
	unsigned i;

	if (frame < 0 || sys_map(HANDLE_SELF, frame, 0, scratch_va, PAGE_SIZE,
				 MAP_READ | MAP_WRITE) < 0)
		return frame < 0 ? frame : -ERR_NO_MEMORY;
	for (i = 0; i < n; i++)
		at[i] = insns[i];
	sys_unmap(HANDLE_SELF, scratch_va, PAGE_SIZE);
	return frame;
}

/* A child's first call: say hello, get the mode. */
static inline long child_mode(long ep)
{
	struct msg m = { .tag = TEST_HELLO, .w = { (uint64_t)sys_thread_self() } };

	if (ipc_call(ep, &m) < 0)
		return -1;
	return (long)m.w[0];
}

/*
 * Spawn the boot-image program `name` (SYS_TASK_SPAWN `flags`) passing it a
 * send handle of a link of ours, answer its hello (child_mode) with `mode`,
 * and return once it has closed that handle: its task handle, or -ERR_*.
 * The child must close its end after child_mode, or this waits for its end.
 */
static inline long child_spawn(const char *name, unsigned long flags, long mode)
{
	struct link l = link_make();
	long task = sys_task_spawn_flags(name, 0, l.send, flags);
	struct msg m;

	sys_handle_close(l.send);
	if (task >= 0 && ipc_recv(l.recv, &m) == 0) {
		m = (struct msg){ .w = { (uint64_t)mode } };
		ipc_reply_recv(l.recv, &m);   /* ERR_PEER_GONE once it closed its end */
	}
	sys_handle_close(l.recv);
	return task;
}

#endif
