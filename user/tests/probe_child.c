/*
 * probe-child: makes one forbidden access, chosen by its parent (probes.c),
 * with no fault handler: the kernel must stop it.  PROBE_NONE exits 0.
 */
#include "proto.h"

enum probe {
	PROBE_NONE,
	PROBE_READ_KERNEL,       /* the direct map */
	PROBE_WRITE_KERNEL,      /* the kernel image */
	PROBE_EXEC_KERNEL,
	PROBE_EXEC_DATA,         /* our own writable data */
	PROBE_WRITE_CODE,        /* our own code */
	PROBE_READ_NULL,
	PROBE_ILLEGAL,           /* an illegal instruction */
	PROBE_CSR,               /* a supervisor CSR */
	PROBE_COUNT
};

static uint64_t data_word[4] = { 0x13, 0x13, 0x13, 0x8067 };  /* nop, nop, nop, ret */

int main(long ep)
{
	long mode = child_mode(ep);

	switch (mode) {
	case PROBE_NONE:
		return 0;
	case PROBE_READ_KERNEL:
		return (int)*(volatile uint64_t *)0xffffffc000000000ul;
	case PROBE_WRITE_KERNEL:
		*(volatile uint64_t *)0xffffffff80000000ul = 1;
		break;
	case PROBE_EXEC_KERNEL:
		((void (*)(void))0xffffffff80000000ul)();
		break;
	case PROBE_EXEC_DATA:
		((void (*)(void))data_word)();
		break;
	case PROBE_WRITE_CODE:
		*(volatile uint32_t *)(uintptr_t)main = 0;
		break;
	case PROBE_READ_NULL:
		return (int)*(volatile uint64_t *)0;
	case PROBE_ILLEGAL:
		__asm__ volatile(".word 0");
		break;
	case PROBE_CSR:
		__asm__ volatile("csrw sscratch, zero");
		break;
	default:
		return 100;
	}
	return 1;  /* the access worked: a failure */
}
