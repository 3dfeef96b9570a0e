/*
 * nap: a program for the shell's task commands (tests/qemu/test_mmsh_tasks.py).
 * It writes every page of a 32 KiB buffer in its .bss, mallocs and writes
 * a block, prints where each lies ("nap: bss 0x... heap 0x... stack
 * 0x..."), and then sleeps for an hour (until the shell kills it), or with
 * the argument "once" exits 0 at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGES 8

static char buffer[PAGES * 4096];

int main(int argc, char **argv)
{
	char here = 1;
	char *block = malloc(5000);
	int i;

	for (i = 0; i < PAGES; i++)
		buffer[i * 4096] = (char)i;
	if (!block)
		return 1;
	memset(block, 7, 5000);
	printf("nap: bss 0x%lx heap 0x%lx stack 0x%lx\n", (unsigned long)buffer,
	       (unsigned long)block, (unsigned long)&here);
	fflush(stdout);
	if (argc > 1 && strcmp(argv[1], "once") == 0)
		return 0;
	sleep(3600);
	return here + block[0];
}
