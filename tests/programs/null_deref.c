/*
 * null_deref: a read through a NULL pointer ends the program (the host:
 * SIGSEGV; Tessera: the kernel, as no memory is ever mapped at 0).
 */
#include <stdio.h>

int main(void)
{
	volatile int *volatile p = NULL;

	printf("null_deref: before the read\n");
	fflush(stdout);
	return *p;
}
