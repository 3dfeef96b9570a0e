/*
 * faults: a small fault handler in user space.  It starts fault-child
 * with itself as the child's fault handler and answers each fault: zero
 * fill in ZERO_REGION and REMAP_PAGE, a page of code at EXEC_PAGE, a refusal
 * at KILL_PAGE.  Before the first answer it tries replies the kernel must
 * refuse.  Then: a child without a handler, and one whose handler is gone.
 * Exit code: the number of failed checks.
 */
#include "layout.h"
#include "proto.h"

#define INSN_LI_A0_42 0x02a00513u     /* addi a0, zero, 42 */
#define INSN_RET 0x00008067u          /* jalr zero, 0(ra) */

static long child_thread;
static uint32_t child_task;      /* its task id: the high half of fault word 3 */
static unsigned faults_seen, bad_messages;
static bool refusals_tried;

/* Replies the kernel must refuse, each leaving the child blocked. */
static void try_refused_replies(long ep, uint64_t page, long frame)
{
	long readonly = sys_handle_dup(frame, RIGHT_READ, 0);
	static const struct {
		const char *what;
		uint64_t tag, w1, w2, w3;
		long want;
	} cases[] = {
		{ "kernel-space vaddr", MSG_FAULT_MAP, 0, 0xffffffc000000000ul, MAP_READ,
		  -ERR_INVALID_ARGUMENT },
		{ "misaligned vaddr", MSG_FAULT_MAP, 0, 8, MAP_READ, -ERR_INVALID_ARGUMENT },
		{ "offset past the frame", MSG_FAULT_MAP, PAGE_SIZE, 0, MAP_READ,
		  -ERR_INVALID_ARGUMENT },
		{ "write+execute", MSG_FAULT_MAP, 0, 0, MAP_READ | MAP_WRITE | MAP_EXEC,
		  -ERR_INVALID_ARGUMENT },
		{ "no rights", MSG_FAULT_MAP, 0, 0, 0, -ERR_INVALID_ARGUMENT },
		{ "a user tag", ECHO_ADD, 0, 0, 0, -ERR_INVALID_ARGUMENT },
		{ "an unknown kernel tag", MSG_KERNEL | 99, 0, 0, 0, -ERR_INVALID_ARGUMENT },
	};
	unsigned i;
	struct msg m;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char what[96];

		m = (struct msg){ .tag = cases[i].tag,
				  .w = { (uint64_t)frame, cases[i].w1, page + cases[i].w2, cases[i].w3 } };
		snprint(what, sizeof(what), "fault reply refused: %s", cases[i].what);
		check_eq(what, ipc_reply_recv(ep, &m), cases[i].want);
	}
	m = (struct msg){ .tag = MSG_FAULT_MAP, .w = { 60, 0, page, MAP_READ } };
	check_eq("fault reply refused: bad frame handle", ipc_reply_recv(ep, &m), -ERR_BAD_HANDLE);
	m = (struct msg){ .tag = MSG_FAULT_MAP,
			  .w = { (uint64_t)readonly, 0, page, MAP_READ | MAP_WRITE } };
	check_eq("fault reply refused: more rights than the handle", ipc_reply_recv(ep, &m),
		 -ERR_DENIED);
	m = (struct msg){ .tag = MSG_FAULT_MAP, .w = { (uint64_t)frame, 0, page, MAP_READ },
			  .handle = (uint64_t)frame };
	check_eq("fault reply refused: passing a handle", ipc_reply_recv(ep, &m),
		 -ERR_INVALID_ARGUMENT);
	sys_handle_close(readonly);
}

/* A fresh frame holding a function that returns 42. */
static long return_42_code(void)
{
	static const uint32_t code[] = { INSN_LI_A0_42, INSN_RET };

	return code_frame(code, 2, HANDLER_VA);
}

/* Turn fault message m into its reply; *frame gets a handle to close later. */
static void answer_fault(long ep, struct msg *m, long *frame)
{
	uint64_t addr = m->w[0], access = m->w[1], page = addr & ~(PAGE_SIZE - 1);
	bool zero = (addr >= ZERO_REGION && addr < ZERO_REGION + ZERO_PAGES * PAGE_SIZE) ||
		    page == REMAP_PAGE;

	faults_seen++;
	if (FAULT_THREAD(m->w[3]) != (uint64_t)child_thread || FAULT_TASK(m->w[3]) != child_task || access < FAULT_READ || access > FAULT_EXEC ||
	    m->w[2] < USER_BASE || m->w[2] >= USER_TOP)
		bad_messages++;
	if (page == EXEC_PAGE && access == FAULT_EXEC) {
		*frame = return_42_code();
		*m = (struct msg){ .tag = MSG_FAULT_MAP,
				   .w = { (uint64_t)*frame, 0, page, MAP_READ | MAP_EXEC } };
		return;
	}
	if (!zero || access == FAULT_EXEC) {
		*m = (struct msg){ .tag = MSG_FAULT_KILL, .w = { 7 } };
		return;
	}
	*frame = sys_frame_alloc(PAGE_SIZE, 0);
	if (!refusals_tried) {
		refusals_tried = true;
		try_refused_replies(ep, page, *frame);
	}
	*m = (struct msg){ .tag = MSG_FAULT_MAP,
			   .w = { (uint64_t)*frame, 0, page, MAP_READ | MAP_WRITE } };
}

/* Serve the child's hello and faults until it is gone. */
static long serve(long ep, long mode)
{
	struct msg m = { 0 };
	long r = ipc_recv(ep, &m);

	while (r == 0) {
		long frame = 0;

		if (m.tag == TEST_HELLO) {
			child_thread = (long)m.w[0];
			m = (struct msg){ .w = { (uint64_t)mode } };
		} else if (m.tag == MSG_FAULT) {
			answer_fault(ep, &m, &frame);
		} else {
			bad_messages++;
		}
		r = ipc_reply_recv(ep, &m);
		if (frame)
			sys_handle_close(frame);  /* the mapping keeps the frame */
	}
	return r;
}

/* Run fault-child in `mode` with (or without) us as its fault handler. */
static struct task_end run_child(long mode, bool handler)
{
	struct link l = link_make();
	long child = sys_task_spawn("fault-child", handler ? l.send : 0, l.send);
	struct task_end end;

	sys_handle_close(l.send);
	child_task = (uint32_t)sys_task_id(child);
	check_eq("the handler's loop ends when the child is gone", serve(l.recv, mode),
		 -ERR_PEER_GONE);
	end = task_end_wait(child);
	sys_handle_close(child);
	sys_handle_close(l.recv);
	return end;
}

/* A child whose fault endpoint has no receiver left. */
static struct task_end run_child_handler_gone(void)
{
	struct link hello = link_make(), gone = link_make();
	struct task_end end;
	long child;

	sys_handle_close(gone.recv);
	child = sys_task_spawn("fault-child", gone.send, hello.send);
	sys_handle_close(gone.send);
	sys_handle_close(hello.send);
	serve(hello.recv, CHILD_TOUCH_ZERO);
	end = task_end_wait(child);
	sys_handle_close(child);
	sys_handle_close(hello.recv);
	return end;
}

#define GARBAGE_REPLIES 100000

static uint64_t garbage_seed = 0x6a7ba9e5ul;

static unsigned long garbage_next(void)
{
	return xorshift64(&garbage_seed);
}

/* May a page be mapped with these rights at all (the kernel's rules)? */
static bool rights_valid(uint64_t r)
{
	return r && !(r & ~7ul) && !((r & MAP_WRITE) && ((r & MAP_EXEC) || !(r & MAP_READ)));
}

/*
 * Is reply m to a fault at `page` one the kernel must take?  Only a map of
 * offset 0 of one of our frames at exactly that page with rights it may
 * have and we hold, or a resume, passing no handle.
 */
static bool reply_valid(const struct msg *m, uint64_t page, long frame, long frame_ro)
{
	if (m->handle)
		return false;
	if (m->tag == MSG_FAULT_RESUME)
		return true;
	if (m->tag != MSG_FAULT_MAP || m->w[1] != 0 || m->w[2] != page || !rights_valid(m->w[3]))
		return false;
	if (m->w[0] == (uint64_t)frame)
		return !(m->w[3] & ~(uint64_t)(MAP_READ | MAP_WRITE | MAP_EXEC));
	if (m->w[0] == (uint64_t)frame_ro)
		return m->w[3] == MAP_READ;
	return false;
}

/* A random reply to a fault at page: mostly near misses of a valid one. */
static struct msg garbage_reply(uint64_t page, long frame, long frame_ro, long other)
{
	static const uint64_t tags[] = { MSG_FAULT_MAP, MSG_FAULT_MAP, MSG_FAULT_MAP,
					 MSG_FAULT_RESUME, MSG_FAULT, MSG_KERNEL | 77, 5, 0 };
	const uint64_t handles[] = { (uint64_t)frame, (uint64_t)frame_ro, (uint64_t)other, 0, 62,
				     ~0ul };
	const uint64_t addrs[] = { page, page + PAGE_SIZE, page - PAGE_SIZE, page + 8,
				   0xffffffc000000000ul, 0, USER_TOP };
	const uint64_t offsets[] = { 0, 0, PAGE_SIZE, 8, ~0ul };
	struct msg m;
	unsigned long r = garbage_next();

	m = (struct msg){ .tag = tags[r % 8],
			  .w = { handles[(r >> 3) % 6], offsets[(r >> 6) % 5], addrs[(r >> 9) % 7],
				 (r >> 12) % 16 } };
	if ((r >> 16) % 8 == 0)
		m.handle = handles[(r >> 19) % 6];
	return m;
}

/*
 * 100,000 random replies to a child's faults, each checked: the kernel must
 * take exactly the valid ones; the child then checks that every page it
 * reads holds the pattern we put in its frame (no wrong mapping).
 */
static void garbage_replies(void)
{
	struct link l = link_make();
	long child = sys_task_spawn("fault-child", l.send, l.send);
	long other = sys_endpoint_create(), frame = 0, frame_ro = 0;
	unsigned long sent = 0, wrong = 0;
	struct msg m = { 0 };
	long r;

	sys_handle_close(l.send);
	for (r = ipc_recv(l.recv, &m); r == 0;) {
		uint64_t page = m.w[0] & ~(PAGE_SIZE - 1);
		struct msg reply;

		if (m.tag == TEST_HELLO) {
			m = (struct msg){ .w = { CHILD_READ_PATTERN } };
			r = ipc_reply_recv(l.recv, &m);
			continue;
		}
		sys_handle_close(frame);
		sys_handle_close(frame_ro);
		frame = sys_frame_alloc(PAGE_SIZE, 0);
		frame_ro = sys_handle_dup(frame, RIGHT_READ, 0);
		sys_map(HANDLE_SELF, frame, 0, HANDLER_VA, PAGE_SIZE, MAP_READ | MAP_WRITE);
		*(volatile uint64_t *)HANDLER_VA = PAGE_PATTERN((page - ZERO_REGION) / PAGE_SIZE);
		sys_unmap(HANDLE_SELF, HANDLER_VA, PAGE_SIZE);
		for (;;) {
			reply = sent < GARBAGE_REPLIES ? garbage_reply(page, frame, frame_ro, other)
				: (struct msg){ .tag = MSG_FAULT_MAP,
						.w = { (uint64_t)frame, 0, page, MAP_READ } };
			sent++;
			m = reply;
			r = ipc_reply_recv(l.recv, &m);
			if ((r == 0 || r == -ERR_PEER_GONE) != reply_valid(&reply, page, frame, frame_ro))
				wrong++;
			if (r == 0 || r == -ERR_PEER_GONE)
				break;   /* taken: m is the next message, or the child is gone */
		}
	}
	check("100,000 random fault replies sent", sent >= GARBAGE_REPLIES);
	check_eq("the kernel took exactly the valid ones", (long)wrong, 0);
	check_end("every page the child read was the one meant for it", task_end_wait(child), 0,
		  EXIT_NORMAL);
	sys_handle_close(frame);
	sys_handle_close(frame_ro);
	sys_handle_close(other);
	sys_handle_close(child);
	sys_handle_close(l.recv);
}

static struct link silent_link;
static long silent_child;
static volatile bool silent_done;

/*
 * A pager that answers the child's hello, takes its fault, and then says
 * nothing (it waits for the child to end, holding the fault unanswered).
 */
static void silent_pager(void *arg)
{
	struct msg m = { 0 };

	(void)arg;
	ipc_recv(silent_link.recv, &m);                 /* hello */
	m = (struct msg){ .w = { CHILD_TOUCH_ZERO } };
	ipc_reply_recv(silent_link.recv, &m);           /* the fault: no answer */
	sys_task_wait(silent_child);
	silent_done = true;
}

/* A child whose pager goes silent: ended after pager_timeout_ms. */
static struct task_end run_child_pager_silent(void)
{
	struct task_end end;

	silent_link = link_make();
	silent_child = sys_task_spawn("fault-child", silent_link.send, silent_link.send);
	sys_handle_close(silent_link.send);
	thread_start(silent_pager, NULL, PRIORITY_USER);
	end = task_end_wait(silent_child);
	while (!silent_done)
		sys_yield();
	sys_handle_close(silent_child);
	sys_handle_close(silent_link.recv);
	return end;
}

int main(void)
{
	check_end("child checks pass under the handler", run_child(CHILD_CHECKS, true), 0,
		  EXIT_NORMAL);
	check("faults arrived: 16 zero pages, code, remap", faults_seen >= ZERO_PAGES + 2);
	check_eq("every fault message well formed", bad_messages, 0);
	check_end("a refused fault (reason 7, none of FAULT_KILL_*) ends the child",
		  run_child(CHILD_TOUCH_KILL, true), -1, EXIT_REFUSED_OTHER);
	check_end("no handler: the child is stopped", run_child(CHILD_TOUCH_ZERO, false), -1,
		  EXIT_NO_FAULT_HANDLER);
	check_end("handler gone: the child is stopped", run_child_handler_gone(), -1,
		  EXIT_PAGER_GONE);
	check_end("handler silent: the child is stopped after the timeout",
		  run_child_pager_silent(), -1, EXIT_PAGER_TIMEOUT);
	garbage_replies();
	return test_failures;
}
