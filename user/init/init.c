/*
 * init, the first user program.  For now it shows that the way from user
 * space into the kernel and back works: it prints through the kernel, and
 * checks that the kernel refuses bad arguments with the documented errors
 * (the results are printed as "init: check ... ok/FAILED" lines that the
 * QEMU test reads).  Its exit code is the number of failed checks.
 */
#include "syscall.h"

static const char message[] = "init: hello from user space\n";
static int failures;

static void check(const char *what, long got, long want)
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

int main(void)
{
	check("write", sys_debug_write(message, sizeof(message) - 1),
	      (long)sizeof(message) - 1);
	check("kernel-pointer", sys_debug_write((const void *)0xffffffff80000000ul, 8),
	      -ERR_FAULT);
	check("unmapped-pointer", sys_debug_write((const void *)0x20000000ul, 8), -ERR_FAULT);
	check("wrapping-range", sys_debug_write((const void *)0x10000ul, ~0ul), -ERR_INVALID_ARGUMENT);
	check("too-long", sys_debug_write(message, SYS_DEBUG_WRITE_MAX + 1), -ERR_INVALID_ARGUMENT);
	check("unknown-call", syscall2(77, 0, 0), -ERR_NO_SUCH_CALL);
	check("zero-length", sys_debug_write((const void *)0, 0), 0);
	return failures;
}
