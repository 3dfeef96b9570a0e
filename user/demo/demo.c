/*
 * demo: a program the pager starts empty.  Every page it touches arrives
 * through the pager: its code and read-only data (the boot image's own
 * pages, with their neighbours mapped ahead: fault-around), its data
 * (copied from the file), its bss, heap, stack and a region it asks for
 * (zero-filled).  Then it forks: a write to a page it shares with the child
 * is copied, and once the child has ended a write just regains the page.
 * At the end it prints its fault counts, by kind.
 */
#include "pager/client.h"

#define CHILD_STACK 0x4000ul

static int table[1024] = { 1, 2, 3 };   /* data: 4 KiB from the file */
static char scratch[3 * 4096];          /* bss */
static long pager;

static void __attribute__((noreturn)) child(uint64_t yields)
{
	while (yields--)
		sys_yield();
	sys_exit(0);
}

int main(long pager_handle)
{
	struct msg m, more;
	volatile char stack_bytes[16384];
	uint64_t heap, stack;
	unsigned i, sum = 0;
	long kid;

	pager = pager_handle;
	for (i = 0; i < 1024; i++)
		sum += (unsigned)table[i];
	table[1023] = (int)sum;                /* written: .data, not .rodata */
	memset(scratch, 7, sizeof(scratch));
	stack_bytes[0] = 1;
	stack_bytes[sizeof(stack_bytes) - 1] = 1;
	pager_request(pager, PAGER_BRK, 0, 0, 0, 0, &m);
	heap = m.w[0];
	if (!pager_request(pager, PAGER_BRK, heap + 8 * PAGE_SIZE, 0, 0, 0, &m))
		memset((void *)heap, 1, 8 * PAGE_SIZE);
	kid = pager_fork(pager, child, 100, CHILD_STACK, &stack);   /* lives a little */
	scratch[0] = 8;                        /* shared with the child: copied */
	if (kid) {
		sys_task_wait(kid);
		sys_handle_close(kid);
	}
	scratch[4096] = 8;                     /* the child has ended: regained */
	pager_request(pager, PAGER_STATS, 0, 0, 0, 0, &m);
	pager_request(pager, PAGER_STATS_MORE, 0, 0, 0, 0, &more);
	printf("demo: faults: zero-fill %lu, file %lu, file fault-around saved %lu, "
	       "file-copy %lu, COW copy %lu, COW reuse %lu; resident %lu pages\n",
	       (unsigned long)m.w[0], (unsigned long)m.w[1], (unsigned long)more.w[3],
	       (unsigned long)m.w[2], (unsigned long)more.w[0], (unsigned long)more.w[1],
	       (unsigned long)m.w[3]);
	return sum == 6 && table[1023] == 6 && kid ? 0 : 1;
}
