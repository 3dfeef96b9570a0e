/*
 * fp: user floating point (built for rv64gc/lp64d).  Four workers, two
 * threads of this task and two fp-child tasks, compute with doubles and
 * check their 32 FP registers and fcsr (rounding mode, standing flags)
 * across yields and preemption: none sees another's.  Then a task that
 * has its FP registers Dirty is killed, and a fresh thread must find its
 * FP registers all zero and fcsr 0.  Exit code: the number of failed checks.
 */
#include "fp_work.h"

#define WAIT_LIMIT 2000000ul      /* yields before a wait counts as a hang */

static volatile unsigned thread_bad = ~0u;
static volatile unsigned thread_done;

static void worker_thread(void *arg)
{
	thread_bad = fp_work((unsigned)(unsigned long)arg, -1);
	__atomic_store_n(&thread_done, 1, __ATOMIC_RELEASE);
}

/* The fresh thread's FP registers and fcsr at its first FP instruction. */
static uint64_t fresh_regs[32];
static uint64_t fresh_fcsr = ~0ul;

static void fresh_thread(void *arg)
{
	(void)arg;
	__asm__ volatile(
		".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
		"fsd f\\n, (8 * \\n)(%[out])\n\t"
		".endr\n\t"
		"frcsr %[csr]\n\t"
		: [csr] "=r"(fresh_fcsr) : [out] "r"(fresh_regs) : "memory");
	__atomic_store_n(&thread_done, 2, __ATOMIC_RELEASE);
}

static bool wait_thread(unsigned value)
{
	unsigned long i;

	for (i = 0; i < WAIT_LIMIT; i++) {
		if (__atomic_load_n(&thread_done, __ATOMIC_ACQUIRE) == value)
			return true;
		sys_yield();
	}
	return false;
}

/* Two threads and two tasks at once. */
static void check_workers(void)
{
	long ep = sys_endpoint_create();
	long child_a = sys_task_spawn("fp-child", 0, 0);
	long child_b = sys_task_spawn("fp-child", 0, ep);
	unsigned bad;

	check("fp: a worker thread starts", thread_start(worker_thread, (void *)1ul,
							 PRIORITY_USER) > 0);
	check("fp: two fp-child tasks start", child_a > 0 && child_b > 0);
	bad = fp_work(0, -1);
	check_eq("fp: worker 0 (main thread): steps with a register, fcsr or sum wrong",
		 bad, 0);
	check("fp: worker 1 (second thread) ended", wait_thread(1));
	check_eq("fp: worker 1 (second thread): steps wrong", thread_bad, 0);
	check_end("fp: worker 2 (task fp-child) ends with 0 steps wrong",
		  task_end_wait(child_a), 0, EXIT_NORMAL);
	check_end("fp: worker 3 (task fp-child) ends with 0 steps wrong",
		  task_end_wait(child_b), 0, EXIT_NORMAL);
	sys_handle_close(ep);
}

/* A task killed with its FP registers Dirty; then a fresh thread sees zeros. */
static void check_killed_dirty_then_fresh(void)
{
	struct link l = link_make();
	struct msg m = { 0 };
	long dirty = sys_task_spawn("fp-dirty", 0, l.send);
	unsigned i, nonzero = 0;

	/* Ours closed: should fp-dirty end first, the receive fails, no hang. */
	sys_handle_close(l.send);
	check("fp: fp-dirty starts", dirty > 0);
	check_eq("fp: fp-dirty says its registers are Dirty", ipc_recv(l.recv, &m), 0);
	check_eq("fp: fp-dirty killed", sys_task_kill(dirty), 0);
	check_end("fp: fp-dirty ended as killed", task_end_wait(dirty), -1, EXIT_KILLED);
	check("fp: a fresh thread starts", thread_start(fresh_thread, NULL, PRIORITY_USER) > 0);
	check("fp: the fresh thread ended", wait_thread(2));
	for (i = 0; i < 32; i++)
		nonzero += fresh_regs[i] != 0;
	check_eq("fp: a fresh thread's FP registers that are not zero", nonzero, 0);
	check_eq("fp: a fresh thread's fcsr", (long)fresh_fcsr, 0);
	sys_handle_close(l.recv);
}

int main(void)
{
	check_workers();
	check_killed_dirty_then_fresh();
	return test_failures;
}
