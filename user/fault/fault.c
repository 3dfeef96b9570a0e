/*
 * fault: a user program that dereferences NULL.  The kernel must report the
 * fault and end the task, and keep running (there is no pager yet to ask).
 */
#include "syscall.h"

int main(void)
{
	puts_debug("fault: about to read address 0\n");
	return *(volatile int *)0;
}
