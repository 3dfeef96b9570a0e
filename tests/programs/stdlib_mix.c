/*
 * stdlib_mix: qsort and bsearch, strtol in several bases with its errors,
 * and setjmp/longjmp through nested calls.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static jmp_buf env;
static int depth;

static void dive(int n)
{
	depth = n;
	if (n >= 5)
		longjmp(env, n * 10);
	if (n < 100)
		dive(n + 1);
}

int main(void)
{
	int v[16] = { 42, -7, 19, 0, 3, 99, -50, 8, 8, 1000, 12, -1, 64, 5, 77, 31 };
	int key = 64, missing = 65, *hit;
	const char *nums[] = { "123", "-0x1f", "0777", "z", "12abc", "99999999999999999999" };
	int i, got;

	qsort(v, 16, sizeof(v[0]), cmp_int);
	printf("sorted:");
	for (i = 0; i < 16; i++)
		printf(" %d", v[i]);
	printf("\n");
	hit = bsearch(&key, v, 16, sizeof(v[0]), cmp_int);
	printf("bsearch 64: index %ld; 65: %s\n", hit ? (long)(hit - v) : -1L,
	       bsearch(&missing, v, 16, sizeof(v[0]), cmp_int) ? "found" : "absent");
	for (i = 0; i < 6; i++) {
		char *end;
		long n;

		errno = 0;
		n = strtol(nums[i], &end, i == 3 ? 36 : 0);
		printf("strtol(\"%s\") = %ld, rest \"%s\", %s\n", nums[i], n, end,
		       errno == ERANGE ? "ERANGE" : "no error");
	}
	got = setjmp(env);
	if (got == 0)
		dive(1);
	printf("longjmp: %d from depth %d\n", got, depth);
	return 0;
}
