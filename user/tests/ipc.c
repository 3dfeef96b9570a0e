/*
 * ipc: IPC between two tasks, checked from the calling side.  The server
 * is `echo` (echo.c).  Exit code: the number of failed checks.
 */
#include "proto.h"

#define OWN_VA 0x24000000ul
#define ROUNDS 100

static long spawn_echo(long *send)
{
	long ep = sys_endpoint_create();
	long child = sys_task_spawn("echo", 0, ep);

	*send = sys_handle_dup(ep, RIGHT_SEND | RIGHT_TRANSFER, 0);
	sys_handle_close(ep);  /* only echo can receive now */
	return child;
}

static void calls_and_badges(long send)
{
	long badged = sys_handle_dup(send, RIGHT_SEND, 0x1234);
	struct msg m = { .tag = ECHO_ADD, .w = { 1, 2, 3 } };
	unsigned i, wrong = 0;

	check_eq("call returns 0", ipc_call(send, &m), 0);
	check("reply words are the request's plus one", m.w[0] == 2 && m.w[1] == 3 && m.w[2] == 4);
	check_eq("reply tag", (long)m.tag, ECHO_ADD);
	check_eq("unbadged handle: badge 0", (long)m.w[3], 0);
	for (i = 0; i < ROUNDS; i++) {
		m = (struct msg){ .tag = ECHO_ADD, .w = { i, i * 7, ~(uint64_t)i } };
		if (ipc_call(send, &m) || m.w[0] != i + 1 || m.w[1] != i * 7 + 1 ||
		    m.w[2] != ~(uint64_t)i + 1)
			wrong++;
	}
	check_eq("100 calls in a row, every reply right", wrong, 0);
	m = (struct msg){ .tag = ECHO_ADD };
	check_eq("badged call", ipc_call(badged, &m), 0);
	check_eq("the receiver sees the badge", (long)m.w[3], 0x1234);
	check_eq("a badged handle cannot be rebadged", sys_handle_dup(badged, RIGHT_SEND, 9),
		 -ERR_DENIED);
	sys_handle_close(badged);
}

static void frames(long send)
{
	long f = sys_frame_alloc(PAGE_SIZE, 0);
	volatile uint64_t *own = (volatile uint64_t *)OWN_VA;
	struct msg m = { .tag = ECHO_FRAME, .w = { 0xabcdef }, .handle = (uint64_t)f };

	check_eq("map a frame of ours", sys_map(HANDLE_SELF, f, 0, OWN_VA, PAGE_SIZE,
						MAP_READ | MAP_WRITE), 0);
	check_eq("call passing the frame", ipc_call(send, &m), 0);
	check_eq("the server mapped the passed frame", (long)m.w[1], 0);
	check_eq("its store shows in our mapping", (long)*own, 0xabcdef);
	sys_unmap(HANDLE_SELF, OWN_VA, PAGE_SIZE);
	sys_handle_close(f);

	m = (struct msg){ .tag = ECHO_PASS_BACK };
	check_eq("call for a frame", ipc_call(send, &m), 0);
	check("the reply carries a handle", m.handle > 1 && m.handle < TASK_HANDLES);
	check_eq("it is a frame (mappable)", sys_map(HANDLE_SELF, (long)m.handle, 0, OWN_VA,
						     PAGE_SIZE, MAP_READ), 0);
	check_eq("and zeroed", (long)*own, 0);
	check_eq("a non-DMA frame tells no address", sys_frame_paddr((long)m.handle), -ERR_DENIED);
	sys_unmap(HANDLE_SELF, OWN_VA, PAGE_SIZE);
	sys_handle_close((long)m.handle);

	f = sys_frame_alloc(2 * PAGE_SIZE, FRAME_ALLOC_DMA32);
	m.w[0] = (uint64_t)sys_frame_paddr(f);
	check("a DMA32 frame tells its address: below 4 GiB, aligned to its size",
	      f > 0 && (long)m.w[0] > 0 && m.w[0] + 2 * PAGE_SIZE <= (1ul << 32) &&
	      m.w[0] % (2 * PAGE_SIZE) == 0);
	sys_handle_close(f);
}

static void errors_and_death(long send, long child)
{
	struct msg m = { .tag = MSG_FAULT };

	check_eq("kernel tags cannot be sent", ipc_call(send, &m), -ERR_INVALID_ARGUMENT);
	m = (struct msg){ .tag = ECHO_NOTE };
	check_eq("send without reply", ipc_send(send, &m), 0);
	m = (struct msg){ .tag = ECHO_EXIT };
	check_eq("the server dies holding our call: ERR_PEER_GONE", ipc_call(send, &m),
		 -ERR_PEER_GONE);
	check_eq("the server ended with 0", sys_task_wait(child), 0);
	m = (struct msg){ .tag = ECHO_ADD };
	check_eq("nobody can receive: ERR_PEER_GONE at once", ipc_call(send, &m), -ERR_PEER_GONE);
	check_eq("send too", ipc_send(send, &m), -ERR_PEER_GONE);
}

int main(void)
{
	long send, child = spawn_echo(&send);

	check("spawn echo", child > 0 && send > 0);
	calls_and_badges(send);
	frames(send);
	errors_and_death(send, child);
	sys_handle_close(send);
	sys_handle_close(child);
	return test_failures;
}
