/*
 * nap: a program for the shell's task commands (tests/qemu/test_mmsh_tasks.py).
 * It writes every page of a 32 KiB buffer in its .bss, mallocs and writes
 * a block, prints where each lies ("nap: bss 0x... heap 0x... stack
 * 0x..."), and then sleeps for an hour (until the shell kills it); with
 * the argument "once" it exits 0 at once, and with "grow" it sleeps half a
 * second, then writes GROW_PAGES more pages and exits 0 (what a resident
 * limit set meanwhile stops: tools/boot --cmd "run nap grow &; limit nap 16").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGES 8
#define GROW_PAGES 32

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
	if (argc > 1 && strcmp(argv[1], "grow") == 0) {
		char *more;

		usleep(500000);
		more = malloc(GROW_PAGES * 4096);
		for (i = 0; more && i < GROW_PAGES; i++)
			more[i * 4096] = 1;
		printf("nap: grew by %d pages\n", GROW_PAGES);
		return 0;
	}
	sleep(3600);
	return here + block[0];
}
