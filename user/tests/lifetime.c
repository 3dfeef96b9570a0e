/*
 * lifetime: every object graph a program can build out of tasks, threads,
 * endpoints and handles, each made ROUNDS times and let go.  The kernel
 * must free all of it: the self-test that runs us counts free pages and
 * slab objects before and after (kernel/selftest_user.c), so a graph the
 * kernel keeps shows as a leak, multiplied by ROUNDS.  Graphs a task could
 * use to keep itself for ever (two tasks that never ran holding each other)
 * are refused.  Exit code: failed checks.
 */
#include "proto.h"

#define ROUNDS 300
#define SCRATCH_VA 0x3d00000000ul
#define CODE_VA USER_BASE
#define STACK_TOP 0x40000000ul

/* addi rd, rs, imm */
#define ADDI(rd, rs, imm) (0x13u | (rd) << 7 | (rs) << 15 | (uint32_t)(imm) << 20)
#define REG_S0 8
#define REG_A0 10
#define REG_A1 11
#define REG_A6 16
#define REG_A7 17
#define INSN_ECALL 0x00000073u
#define INSN_J_BACK_20 0xfedff06fu   /* jal zero, -20 */
#define EP_RIGHTS (RIGHT_SEND | RIGHT_RECV | RIGHT_TRANSFER)
#define TASK_RIGHTS (RIGHT_READ | RIGHT_MANAGE | RIGHT_TRANSFER | RIGHT_FAULT)

/*
 * Code that loops on one system call with a0 = its start argument (a handle
 * slot): `call` SYS_IPC_RECV (wait for ever on an endpoint only the task
 * holds) or SYS_IPC_SEND passing that same handle (a queued message that
 * holds the endpoint).
 */
static long loop_code(long call)
{
	const uint32_t code[] = {
		ADDI(REG_S0, REG_A0, 0),
		ADDI(REG_A0, REG_S0, 0), ADDI(REG_A6, REG_S0, 0), ADDI(REG_A7, 0, call),
		ADDI(REG_A1, 0, 1), INSN_ECALL, INSN_J_BACK_20,
	};

	return code_frame(code, sizeof(code) / sizeof(code[0]), SCRATCH_VA);
}

static long recv_code, send_code;

/*
 * A task running `code` on one thread, with a0 = the slot where a copy of
 * endpoint `give` (ours, all rights) lands.
 */
static long running_task(long code, long give, long *thread)
{
	long t = sys_task_create("graph", 0, 0), slot = sys_task_give(t, give, EP_RIGHTS);

	if (t < 0 || slot < 0 || sys_map(t, code, 0, CODE_VA, PAGE_SIZE, MAP_READ | MAP_EXEC) < 0)
		return -1;
	*thread = sys_thread_create(t, CODE_VA, STACK_TOP, (unsigned long)slot, PRIORITY_USER);
	return *thread > 0 ? t : -1;
}

/* Kill t and wait for it: true when it ended with -1 and EXIT_KILLED. */
static bool kill_and_wait(long t)
{
	unsigned long reason;

	return sys_task_kill(t) == 0 && sys_task_wait_reason(t, &reason) == -1 &&
	       reason == EXIT_KILLED;
}

/* A task holding a handle to itself (what a pager does for each client). */
static bool self_handle(void)
{
	long t = sys_task_create("self", 0, 0);

	return t > 0 && sys_task_give(t, t, RIGHT_READ | RIGHT_MANAGE) > 0 &&
	       sys_task_give(t, t, TASK_RIGHTS) > 0 && sys_handle_close(t) == 0;
}

/* Two tasks that never ran may not hold each other; one that has run may. */
static bool no_cycle_of_unstarted(void)
{
	long a = sys_task_create("a", 0, 0), b = sys_task_create("b", 0, 0), thread;
	long ep = sys_endpoint_create(), s = running_task(recv_code, ep, &thread);
	bool ok = sys_task_give(a, b, RIGHT_READ) == -ERR_DENIED &&
		  sys_task_give(b, a, RIGHT_READ) == -ERR_DENIED &&
		  sys_task_give(a, s, RIGHT_READ) > 0 && sys_task_give(s, a, RIGHT_READ) > 0 &&
		  sys_task_give(s, b, RIGHT_READ) > 0;

	sys_handle_close(a);
	sys_handle_close(b);
	sys_handle_close(ep);
	ok = ok && kill_and_wait(s);     /* s ends: its handles to a and b go */
	sys_handle_close(thread);
	return sys_handle_close(s) == 0 && ok;
}

/*
 * A running task whose thread waits for ever on an endpoint only it holds,
 * with a handle to its own thread and to itself: ended by a kill, freed.
 */
static bool waits_on_its_own_endpoint(void)
{
	long ep = sys_endpoint_create(), thread;
	long t = running_task(recv_code, ep, &thread);
	bool ok = t > 0 && sys_task_give(t, thread, RIGHT_READ) > 0 && sys_task_give(t, t, 0) > 0;

	sys_handle_close(ep);
	sys_handle_close(thread);
	ok = ok && kill_and_wait(t);
	return sys_handle_close(t) == 0 && ok;
}

/* A message queued on an endpoint, passing that endpoint: the queue holds it. */
static bool message_holds_its_endpoint(void)
{
	long ep = sys_endpoint_create(), thread;
	long t = running_task(send_code, ep, &thread);
	bool ok = t > 0;

	sys_handle_close(ep);
	sys_yield();                     /* let it queue (one hart: it runs now) */
	sys_handle_close(thread);
	ok = ok && kill_and_wait(t);
	return sys_handle_close(t) == 0 && ok;
}

/* The notice of a task's end, queued on an endpoint nobody reads, then closed. */
static bool unread_exit_notice(void)
{
	long ep = sys_endpoint_create();
	long t = sys_task_create("noticed", ep, TASK_EXIT_NOTICE), thread;
	bool ok = t > 0 && sys_task_give(t, ep, EP_RIGHTS) > 0 &&
		  sys_map(t, send_code, 0, CODE_VA, PAGE_SIZE, MAP_READ | MAP_EXEC) == 0;

	thread = sys_thread_create(t, CODE_VA, STACK_TOP, 0, PRIORITY_USER);
	ok = ok && thread > 0 && kill_and_wait(t);
	sys_handle_close(thread);
	sys_handle_close(t);
	return sys_handle_close(ep) == 0 && ok;
}

/* A task that never had a thread: killed at once, then ended for good. */
static void kill_unstarted(void)
{
	long t = sys_task_create("unstarted", 0, 0), ep = sys_endpoint_create();
	struct task_end end = { 0, EXIT_REASONS };

	sys_task_give(t, ep, EP_RIGHTS);
	sys_handle_close(ep);
	check_eq("waiting on a task that never ran: ERR_NOT_FOUND", sys_task_wait(t), -ERR_NOT_FOUND);
	check_eq("killing it ends it", sys_task_kill(t), 0);
	check_eq("its status: ended", sys_task_status_end(t, &end), 1);
	check_end("... killed", end, -1, EXIT_KILLED);
	check_eq("a second kill: ERR_NOT_FOUND", sys_task_kill(t), -ERR_NOT_FOUND);
	check_end("waiting returns its code, -1, and EXIT_KILLED", task_end_wait(t), -1,
		  EXIT_KILLED);
	check_eq("no thread can start in it", sys_thread_create(t, CODE_VA, STACK_TOP, 0,
								 PRIORITY_USER), -ERR_NOT_FOUND);
	check_eq("nothing can be given to it", sys_task_give(t, HANDLE_SELF, RIGHT_READ),
		 -ERR_NOT_FOUND);
	sys_handle_close(t);
}

/* Run graph `make` ROUNDS times; check each came out as it should. */
static void rounds(const char *what, bool (*make)(void))
{
	unsigned i, bad = 0;

	for (i = 0; i < ROUNDS; i++)
		bad += !make();
	check_eq(what, bad, 0);
}

int main(void)
{
	recv_code = loop_code(SYS_IPC_RECV);
	send_code = loop_code(SYS_IPC_SEND);
	check("code frames", recv_code > 0 && send_code > 0);
	rounds("tasks holding handles to themselves", self_handle);
	rounds("no cycle of tasks that never ran; one that ran may hold them", no_cycle_of_unstarted);
	rounds("a task waiting for ever on its own endpoint, holding its thread and itself",
	       waits_on_its_own_endpoint);
	rounds("a queued message holding the endpoint it waits on", message_holds_its_endpoint);
	rounds("an exit notice nobody reads", unread_exit_notice);
	kill_unstarted();
	sys_handle_close(recv_code);
	sys_handle_close(send_code);
	return test_failures;
}
