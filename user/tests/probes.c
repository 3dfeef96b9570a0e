/*
 * probes: protection probes.  Each run of probe-child makes one forbidden
 * access (user access to kernel memory, execution of data, a store to
 * code, NULL, an illegal instruction, a supervisor CSR); the kernel must
 * stop the child (exit code -1) and go on.
 * A run that makes no access must exit 0.  Exit code: failed checks.
 */
#include "proto.h"

static const char *const names[] = {
	"no access: exits normally", "read of kernel memory stopped",
	"write of kernel memory stopped", "execution of kernel memory stopped",
	"execution of data stopped", "write of code stopped", "read of NULL stopped",
	"illegal instruction stopped", "write of a supervisor CSR stopped",
};

/* Run probe-child in `mode`; its exit code. */
static long run(long mode)
{
	struct link l = link_make();
	long child = sys_task_spawn("probe-child", 0, l.send), code;
	struct msg m = { 0 };
	long r;

	sys_handle_close(l.send);
	r = ipc_recv(l.recv, &m);
	if (r == 0) {
		m = (struct msg){ .w = { (uint64_t)mode } };
		r = ipc_reply_recv(l.recv, &m);  /* ends when the child is gone */
	}
	code = sys_task_wait(child);
	sys_handle_close(child);
	sys_handle_close(l.recv);
	return code;
}

int main(void)
{
	unsigned mode;

	for (mode = 0; mode < sizeof(names) / sizeof(names[0]); mode++)
		check_eq(names[mode], run(mode), mode == 0 ? 0 : -1);
	return test_failures;
}
