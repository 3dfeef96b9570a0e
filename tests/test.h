/*
 * A minimal TAP test harness for host unit tests.  Each test is a function;
 * CHECK() records a failure with file:line and the expression, and the test
 * goes on so that one run shows every broken check.  meson reads the TAP.
 *
 *   static void test_something(void) { CHECK(1 + 1 == 2); CHECK_EQ_U64(x, 4); }
 *   int main(void) { RUN(test_something); return test_done(); }
 *
 * A failure line goes to stdout as a TAP comment and to stderr with the test's
 * name: meson reads a TAP test's stdout and, with --print-errorlogs, shows only
 * its stderr, so the stderr copy is what a CI log says of a failing check.
 */
#ifndef TESSERA_TESTS_TEST_H
#define TESSERA_TESTS_TEST_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

static int test_count, test_failed, test_skipped, test_current_failed;
static char test_skip_why[120];          /* set by TEST_SKIP: the test did not run */
static const char *test_current_name = "(no test)";  /* set by RUN */

/*
 * Print a line that says why the current test fails: "#   LINE" on stdout and
 * "NAME: LINE" on stderr.  Does not mark the test failed (TEST_FAIL does).
 */
static inline void __attribute__((format(printf, 1, 2))) test_failure_note(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	printf("#   ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	fprintf(stderr, "%s: ", test_current_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

/* Mark the current test failed, saying why with the file and line. */
#define TEST_FAIL(fmt, ...) do { \
	test_failure_note("%s:%d: " fmt, __FILE__, __LINE__, ##__VA_ARGS__); \
	test_current_failed = 1; \
	} while (0)

/* Skip the rest of the current test (TAP "# SKIP"), saying why; counted. */
#define TEST_SKIP(...) snprintf(test_skip_why, sizeof(test_skip_why), __VA_ARGS__)

#define CHECK(expr) do { \
	if (!(expr)) \
		TEST_FAIL("check failed: %s", #expr); \
	} while (0)

#define CHECK_EQ_U64(a, b) do { \
	uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b); \
	if (a_ != b_) \
		TEST_FAIL("%s == 0x%" PRIx64 ", expected %s == 0x%" PRIx64, #a, a_, #b, b_); \
	} while (0)

#define CHECK_STR(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	if (!a_ || !b_ || strcmp(a_, b_) != 0) \
		TEST_FAIL("%s is \"%s\", expected \"%s\"", #a, a_ ? a_ : "(null)", \
			  b_ ? b_ : "(null)"); \
	} while (0)

static inline void test_run(void (*fn)(void), const char *name)
{
	test_current_failed = 0;
	test_skip_why[0] = 0;
	test_current_name = name;
	fn();
	test_count++;
	if (test_current_failed)
		test_failed++;
	else if (test_skip_why[0])
		test_skipped++;
	if (test_skip_why[0] && !test_current_failed)
		printf("ok %d - %s # SKIP %s\n", test_count, name, test_skip_why);
	else
		printf("%s %d - %s\n", test_current_failed ? "not ok" : "ok", test_count, name);
	fflush(stdout);
}

#define RUN(fn) test_run(fn, #fn)

static inline int test_done(void)
{
	printf("1..%d\n", test_count);
	printf("# %d passed, %d failed, %d skipped\n", test_count - test_failed - test_skipped,
	       test_failed, test_skipped);
	return test_failed ? 1 : 0;
}

#endif
