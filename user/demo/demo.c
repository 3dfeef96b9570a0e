/*
 * demo: a program the pager starts empty.  Every page it touches arrives
 * through the pager: its code (the boot image's own pages), its data
 * (copied), its bss, heap and stack (zero-filled), and a region it asks
 * for.  At the end it prints its fault counts, by kind.
 */
#include "pager/client.h"

static int table[1024] = { 1, 2, 3 };   /* data: 4 KiB from the file */
static char scratch[3 * 4096];          /* bss */

int main(long pager)
{
	struct msg m = { .tag = PAGER_BRK };
	volatile char stack_bytes[16384];
	uint64_t heap, anon;
	unsigned i, sum = 0;

	for (i = 0; i < 1024; i++)
		sum += (unsigned)table[i];
	table[1023] = (int)sum;                /* written: .data, not .rodata */
	memset(scratch, 7, sizeof(scratch));
	stack_bytes[0] = 1;
	stack_bytes[sizeof(stack_bytes) - 1] = 1;
	pager_call(pager, &m);
	heap = m.w[0];
	m = (struct msg){ .tag = PAGER_BRK, .w = { heap + 8 * PAGE_SIZE } };
	if (pager_call(pager, &m) == 0)
		memset((void *)heap, 1, 8 * PAGE_SIZE);
	m = (struct msg){ .tag = PAGER_MAP_ANON, .w = { 0, 4 * PAGE_SIZE, MAP_READ | MAP_WRITE } };
	if (pager_call(pager, &m) == 0) {
		anon = m.w[0];
		((volatile uint64_t *)anon)[0] = 5;
	}
	m = (struct msg){ .tag = PAGER_STATS };
	pager_call(pager, &m);
	printf("demo: data sum %u; faults: zero-fill %lu, file %lu, file-copy %lu; "
	       "resident %lu pages\n", sum, (unsigned long)m.w[0], (unsigned long)m.w[1],
	       (unsigned long)m.w[2], (unsigned long)m.w[3]);
	return sum == 6 && table[1023] == 6 ? 0 : 1;
}
