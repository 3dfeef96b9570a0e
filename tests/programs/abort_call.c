/*
 * abort_call: abort() ends the program with 128 + SIGABRT (134), after
 * what it printed has come out; on Tessera the runtime names the reason.
 */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("abort_call: before abort\n");
	fflush(stdout);
	abort();
}
