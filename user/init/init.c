/*
 * init, the first user program.  For now it shows that the way from user
 * space into the kernel and back works: it prints through the kernel, and
 * checks that the kernel refuses bad arguments with the documented errors
 * (the results are printed as "init: check ... ok/FAILED" lines that the
 * QEMU test reads).  Its exit code is the number of failed checks.
 */
#include <string.h>

#include "pager/client.h"

static const char message[] = "init: hello from user space\n";
static int failures;

static void init_check(const char *what, long got, long want)
{
	puts_debug("init: check ");
	puts_debug(what);
	if (got == want) {
		puts_debug(" ok\n");
	} else {
		puts_debug(" FAILED\n");
		failures++;
	}
}

/*
 * Start the pager, have it start `demo` (which begins with nothing mapped:
 * every page it touches comes through the pager), wait for demo, and let
 * the pager go.  Returns demo's exit code, or -1 if something failed.
 */
static long run_demo(void)
{
	long pager = -1, ep = pager_start(&pager), code;
	struct msg m = { .tag = PAGER_SPAWN };

	if (ep < 0)
		return -1;
	memcpy(m.w, "demo", 5);
	if (ipc_call(ep, &m) != 0 || m.tag != ERR_OK || !m.handle) {
		puts_debug("init: the pager could not start demo\n");
		return -1;
	}
	code = sys_task_wait((long)m.handle);
	sys_handle_close((long)m.handle);
	m = (struct msg){ .tag = PAGER_EXIT };
	if (ipc_call(ep, &m) != -ERR_PEER_GONE || sys_task_wait(pager) != 0)
		return -1;
	sys_handle_close(pager);
	sys_handle_close(ep);
	return code;
}

int main(void)
{
	init_check("write", sys_debug_write(message, sizeof(message) - 1),
	      (long)sizeof(message) - 1);
	init_check("kernel-pointer", sys_debug_write((const void *)0xffffffff80000000ul, 8),
	      -ERR_FAULT);
	init_check("unmapped-pointer", sys_debug_write((const void *)0x20000000ul, 8), -ERR_FAULT);
	init_check("wrapping-range", sys_debug_write((const void *)0x10000ul, ~0ul), -ERR_INVALID_ARGUMENT);
	init_check("too-long", sys_debug_write(message, SYS_DEBUG_WRITE_MAX + 1), -ERR_INVALID_ARGUMENT);
	init_check("unknown-call", syscall2(77, 0, 0), -ERR_NO_SUCH_CALL);
	init_check("zero-length", sys_debug_write((const void *)0, 0), 0);
	init_check("demo-under-the-pager", run_demo(), 0);
	return failures;
}
