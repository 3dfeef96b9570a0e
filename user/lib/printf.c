/* printf and snprintf for user programs (see user/lib/ulib.h). */
#include <stdarg.h>

#include "lib/format.h"
#include "ulib.h"

#define PRINTF_MAX 512

int printf(const char *fmt, ...)
{
	char buf[PRINTF_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_buffer(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sys_debug_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

int test_failures;

bool check(const char *what, bool ok)
{
	printf("# %s - %s\n", ok ? "ok" : "FAILED", what);
	if (!ok)
		test_failures++;
	return ok;
}

bool check_eq(const char *what, long got, long want)
{
	if (got == want)
		return check(what, true);
	printf("# FAILED - %s (got %ld, want %ld)\n", what, got, want);
	test_failures++;
	return false;
}
