/*
 * tests/test.h on itself: a program whose tests fail on purpose when run with
 * the argument "fail", so that tests/meson.build can check what a failing host
 * test says and where (stdout as TAP, stderr as what `meson test
 * --print-errorlogs` shows).  Without "fail" every check passes.
 */
#include <string.h>

#include "test.h"

static int failing;

static void test_check_says_expression(void)
{
	CHECK(1 + 1 == 2 + failing);
}

static void test_check_eq_says_both_values(void)
{
	uint64_t four = 4;

	CHECK_EQ_U64(four, 4 + failing);
}

static void test_check_str_says_both_strings(void)
{
	CHECK_STR("pager", failing ? "kernel" : "pager");
}

static void test_passing_test_says_nothing(void)
{
	CHECK(1);
}

int main(int argc, char **argv)
{
	failing = argc > 1 && strcmp(argv[1], "fail") == 0;
	RUN(test_check_says_expression);
	RUN(test_check_eq_says_both_values);
	RUN(test_check_str_says_both_strings);
	RUN(test_passing_test_says_nothing);
	return test_done();
}
