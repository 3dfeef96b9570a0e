/*
 * assert_fail: a failed assert() prints the condition and ends through
 * abort(), status 134.
 */
#include <assert.h>
#include <stdio.h>

static int two(void)
{
	return 2;
}

int main(void)
{
	printf("assert_fail: before the assert\n");
	fflush(stdout);
	assert(two() == 3);
	printf("assert_fail: not reached\n");
	return 0;
}
