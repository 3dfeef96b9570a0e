/*
 * A minimal TAP test harness for host unit tests.  Each test is a function;
 * CHECK() records a failure with file:line and the expression, and the test
 * goes on so that one run shows every broken check.  meson reads the TAP.
 *
 *   static void test_something(void) { CHECK(1 + 1 == 2); CHECK_EQ_U64(x, 4); }
 *   int main(void) { RUN(test_something); return test_done(); }
 */
#ifndef TESSERA_TESTS_TEST_H
#define TESSERA_TESTS_TEST_H

#include <inttypes.h>
#include <stdio.h>

static int test_count, test_failed, test_skipped, test_current_failed;
static char test_skip_why[120];          /* set by TEST_SKIP: the test did not run */

/* Skip the rest of the current test (TAP "# SKIP"), saying why; counted. */
#define TEST_SKIP(...) snprintf(test_skip_why, sizeof(test_skip_why), __VA_ARGS__)

#define CHECK(expr) do { \
	if (!(expr)) { \
		printf("#   %s:%d: check failed: %s\n", __FILE__, __LINE__, #expr); \
		test_current_failed = 1; \
	} } while (0)

#define CHECK_EQ_U64(a, b) do { \
	uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b); \
	if (a_ != b_) { \
		printf("#   %s:%d: %s == 0x%" PRIx64 ", expected %s == 0x%" PRIx64 "\n", \
		       __FILE__, __LINE__, #a, a_, #b, b_); \
		test_current_failed = 1; \
	} } while (0)

#define CHECK_STR(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	if (!a_ || !b_ || strcmp(a_, b_) != 0) { \
		printf("#   %s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
		       #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
		test_current_failed = 1; \
	} } while (0)

static inline void test_run(void (*fn)(void), const char *name)
{
	test_current_failed = 0;
	test_skip_why[0] = 0;
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
