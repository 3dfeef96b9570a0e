/*
 * deep_recursion: a recursion without end meets the stack's limit (the
 * host: SIGSEGV past its 8 MiB; Tessera: the pager's guard page below
 * the 256 KiB stack, FAULT_KILL_STACK_OVERFLOW).
 */
#include <stdio.h>

static int deeper(int n)
{
	volatile char frame[1024];

	frame[0] = (char)n;
	if (n < 0)                      /* never: n counts up from 1 */
		return 0;
	return deeper(n + 1) + frame[0];   /* not a tail call: every frame stays */
}

int main(int argc, char **argv)
{
	(void)argv;
	printf("deep_recursion: going down\n");
	fflush(stdout);
	return deeper(argc);
}
