/*
 * bench: the kernel-core benchmarks, measured with rdinstret from user
 * space (under QEMU -icount every instruction counts, the kernel's
 * included).  Each figure is the median of BENCH_RUNS samples, net of the
 * cost of reading the counter (bench.h), printed as
 * "bench <name>: <n> instructions".
 *   null_syscall    SYS_THREAD_SELF, the cheapest call
 *   ipc_roundtrip   call + reply to `echo`, another address space
 *   fault_roundtrip a fault on a fresh page -> this task's handler (frame
 *                   alloc, zeroing, reply) -> mapped -> resumed: measured by
 *                   bench-fault, the faulting child
 *   map_unmap       SYS_MAP + SYS_UNMAP of one page of our own
 *   frame_alloc_free SYS_FRAME_ALLOC of a zeroed page + SYS_HANDLE_CLOSE
 */
#include "bench.h"
#include "layout.h"
#include "proto.h"
#include "pager/client.h"

#define MAP_VA 0x24000000ul

static uint64_t null_syscall(void)
{
	uint64_t t0 = rdinstret();

	sys_thread_self();
	return rdinstret() - t0;
}

static long echo_send;

static uint64_t ipc_roundtrip(void)
{
	struct msg m = { .tag = ECHO_NOP };
	uint64_t t0 = rdinstret();

	ipc_call(echo_send, &m);
	return rdinstret() - t0;
}

/* Part of every fault: a zeroed page from the kernel, and back. */
static uint64_t frame_alloc_free(void)
{
	uint64_t t0 = rdinstret();

	sys_handle_close(sys_frame_alloc(PAGE_SIZE, 0));
	return rdinstret() - t0;
}

static long map_frame;

static uint64_t map_unmap(void)
{
	uint64_t t0 = rdinstret();

	sys_map(HANDLE_SELF, map_frame, 0, MAP_VA, PAGE_SIZE, MAP_READ | MAP_WRITE);
	sys_unmap(HANDLE_SELF, MAP_VA, PAGE_SIZE);
	return rdinstret() - t0;
}

/* Serve bench-fault's faults with fresh zeroed frames; handles closed after. */
static void fault_roundtrip(void)
{
	struct link l = link_make();
	long child = sys_task_spawn("bench-fault", l.send, l.send);
	long frames[BENCH_RUNS + 1];
	unsigned n = 0, i;
	struct msg m = { 0 };
	long r;

	sys_handle_close(l.send);
	for (r = ipc_recv(l.recv, &m); r == 0; r = ipc_reply_recv(l.recv, &m)) {
		if (m.tag != MSG_FAULT || n >= BENCH_RUNS + 1) {
			m = (struct msg){ .tag = m.tag == MSG_FAULT ? MSG_FAULT_KILL : 0 };
			continue;
		}
		frames[n] = sys_frame_alloc(PAGE_SIZE, 0);
		m = (struct msg){ .tag = MSG_FAULT_MAP,
				  .w = { (uint64_t)frames[n], 0, m.w[0] & ~(PAGE_SIZE - 1),
					 MAP_READ | MAP_WRITE } };
		n++;
	}
	check_eq("bench-fault ended well", sys_task_wait(child), 0);
	for (i = 0; i < n; i++)
		sys_handle_close(frames[i]);
	sys_handle_close(child);
	sys_handle_close(l.recv);
}

/* The pager's figures, from pbench, a client of a pager started for it. */
static void pager_benchmarks(void)
{
	long pager = -1, ep = pager_start(&pager);
	struct msg m = { .tag = PAGER_SPAWN };

	memcpy(m.w, "pbench", 7);
	check_eq("the pager starts pbench", ipc_call(ep, &m) == 0 ? (long)m.tag : -1, 0);
	if (m.handle) {
		check_eq("pbench ended well", sys_task_wait((long)m.handle), 0);
		sys_handle_close((long)m.handle);
	}
	m = (struct msg){ .tag = PAGER_EXIT };
	check_eq("the pager ends", ipc_call(ep, &m), -ERR_PEER_GONE);
	sys_task_wait(pager);
	sys_handle_close(pager);
	sys_handle_close(ep);
}

int main(void)
{
	long echo = sys_endpoint_create();
	long child = sys_task_spawn("echo", 0, echo);

	echo_send = sys_handle_dup(echo, RIGHT_SEND, 0);
	sys_handle_close(echo);
	map_frame = sys_frame_alloc(PAGE_SIZE, 0);
	printf("bench: user figures: median of %u runs after one to warm up, net of reading "
	       "the counter (%lu instructions: an empty sample, called as every sample is)\n",
	       BENCH_RUNS, (unsigned long)bench_overhead());
	bench_print("null_syscall", null_syscall);
	bench_print("ipc_roundtrip", ipc_roundtrip);
	bench_print("map_unmap", map_unmap);
	bench_print("frame_alloc_free", frame_alloc_free);
	fault_roundtrip();
	{
		struct msg m = { .tag = ECHO_EXIT };

		check_eq("echo leaves our call unanswered", ipc_call(echo_send, &m), -ERR_PEER_GONE);
	}
	sys_handle_close(echo_send);
	check_eq("echo ended well", sys_task_wait(child), 0);
	sys_handle_close(child);
	sys_handle_close(map_frame);
	pager_benchmarks();
	return test_failures;
}
