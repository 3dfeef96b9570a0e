/*
 * ulib: the user library itself: the heap (first fit, merging on free,
 * growth by mapping frames), printf's formatter, strings, and threads'
 * stacks.  Exit code: the number of failed checks.
 */
#include "ulib.h"

#define BLOCKS 64
#define BIG 40000

static void heap(void)
{
	unsigned char *p[BLOCKS];
	unsigned i, j, bad = 0;
	void *again;

	for (i = 0; i < BLOCKS; i++) {
		p[i] = malloc(1 + i * 37);
		if (p[i])
			memset(p[i], (int)i, 1 + i * 37);
	}
	for (i = 0; i < BLOCKS; i++) {
		if (!p[i] || ((uintptr_t)p[i] & 15))
			bad++;
		for (j = 0; p[i] && j < 1 + i * 37; j++)
			bad += p[i][j] != (unsigned char)i;
	}
	check_eq("64 blocks: 16-byte aligned, none overlapping", bad, 0);
	for (i = 0; i < BLOCKS; i += 2)
		free(p[i]);
	for (i = 1; i < BLOCKS; i += 2)
		free(p[i]);
	again = malloc(BIG);
	check("after freeing all, a 40000-byte block fits (neighbours merged)",
	      again && (uintptr_t)again < HEAP_BASE + 0x10000 + 16);
	free(again);
	check("malloc(0) and too-large sizes give NULL", !malloc(0) && !malloc(1ul << 40));
	again = malloc(300000);
	check("a block larger than a heap step", again != NULL);
	if (again)
		memset(again, 3, 300000);
	free(again);
	again = calloc(100, 8);
	check("calloc zeroes", again && ((uint64_t *)again)[99] == 0);
	check("calloc overflow gives NULL", !calloc(~0ul / 2, 4));
	free(again);
}

static void formatting(void)
{
	char buf[64];

	snprint(buf, sizeof(buf), "%d %u %x %5s|%-3c|%lx", -7, 42u, 0xbeefu, "ab", 'z',
		0x123456789abcul);
	check("formatter", strcmp(buf, "-7 42 beef    ab|z  |123456789abc") == 0);
	check_eq("snprint truncates and counts", snprint(buf, 4, "%s", "abcdef"), 6);
	check("and terminates", strcmp(buf, "abc") == 0);
	check("strings", strlen("tessera") == 7 && memcmp("abc", "abd", 3) < 0 &&
			 strchr("memory", 'o') && !strchr("memory", 'q'));
}

static volatile int thread_ran;

static void touch_stack(void *arg)
{
	volatile char deep[8192];

	deep[0] = 1;
	deep[sizeof(deep) - 1] = 2;
	thread_ran = (int)(long)arg + deep[0] + deep[sizeof(deep) - 1];
}

static void threads(void)
{
	unsigned long i;

	check("a thread starts", thread_start(touch_stack, (void *)4, PRIORITY_USER) > 0);
	for (i = 0; i < 1000000 && !thread_ran; i++)
		sys_yield();
	check_eq("it ran on its own 16 KiB stack", thread_ran, 7);
}

int main(void)
{
	heap();
	formatting();
	threads();
	return test_failures;
}
