/*
 * probes: protection probes.  Each run of probe-child makes one forbidden
 * access (user access to kernel memory, execution of data, a store to
 * code, NULL, an illegal instruction, a supervisor CSR); the kernel must
 * stop the child (exit code -1, and the reason: outside user memory, no
 * fault handler for its own pages, a bad trap) and go on.
 * A run that makes no access must exit 0.  Exit code: failed checks.
 */
#include "proto.h"

/* Each mode of probe-child (user/tests/probe_child.c), and why it must end. */
static const struct {
	const char *name;
	unsigned long reason;
} probes[] = {
	{ "no access: exits normally", EXIT_NORMAL },
	{ "read of kernel memory stopped", EXIT_NOT_USER_MEMORY },
	{ "write of kernel memory stopped", EXIT_NOT_USER_MEMORY },
	{ "execution of kernel memory stopped", EXIT_NOT_USER_MEMORY },
	{ "execution of data stopped (no fault handler)", EXIT_NO_FAULT_HANDLER },
	{ "write of code stopped (no fault handler)", EXIT_NO_FAULT_HANDLER },
	{ "read of NULL stopped", EXIT_NOT_USER_MEMORY },
	{ "illegal instruction stopped", EXIT_BAD_TRAP },
	{ "write of a supervisor CSR stopped", EXIT_BAD_TRAP },
};

/* Run probe-child in `mode`; how it ended. */
static struct task_end run(long mode)
{
	struct link l = link_make();
	long child = sys_task_spawn("probe-child", 0, l.send);
	struct task_end end;
	struct msg m = { 0 };
	long r;

	sys_handle_close(l.send);
	r = ipc_recv(l.recv, &m);
	if (r == 0) {
		m = (struct msg){ .w = { (uint64_t)mode } };
		r = ipc_reply_recv(l.recv, &m);  /* ends when the child is gone */
	}
	end = task_end_wait(child);
	sys_handle_close(child);
	sys_handle_close(l.recv);
	return end;
}

int main(void)
{
	unsigned mode;

	for (mode = 0; mode < sizeof(probes) / sizeof(probes[0]); mode++)
		check_end(probes[mode].name, run(mode), mode == 0 ? 0 : -1, probes[mode].reason);
	return test_failures;
}
