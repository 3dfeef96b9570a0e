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

/* An EXIT_* name, or "not a reason (n)" for EXIT_REASONS (a failed wait) and beyond. */
static const char *reason_text(unsigned long reason, char *buf, size_t size)
{
	const char *name = exit_reason_name(reason);

	if (name)
		return name;
	snprint(buf, size, "not a reason (%lu)", reason);
	return buf;
}

struct task_end task_end_wait(long task)
{
	struct task_end e;

	e.code = sys_task_wait_reason(task, &e.reason);
	return e;
}

bool check_end(const char *what, struct task_end got, long want_code, unsigned long want_reason)
{
	char got_buf[32], want_buf[32];

	if (got.code == want_code && got.reason == want_reason)
		return check(what, true);
	printf("# FAILED - %s (ended with %ld, %s; want %ld, %s)\n", what, got.code,
	       reason_text(got.reason, got_buf, sizeof(got_buf)), want_code,
	       reason_text(want_reason, want_buf, sizeof(want_buf)));
	test_failures++;
	return false;
}
