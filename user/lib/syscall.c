/* System-call stubs (see user/lib/syscall.h). */
#include "syscall.h"

long syscall2(long number, long a0, long a1)
{
	register long r_a0 __asm__("a0") = a0;
	register long r_a1 __asm__("a1") = a1;
	register long r_a7 __asm__("a7") = number;

	__asm__ volatile("ecall" : "+r"(r_a0) : "r"(r_a1), "r"(r_a7) : "memory");
	return r_a0;
}

long sys_debug_write(const void *buf, size_t len)
{
	return syscall2(SYS_DEBUG_WRITE, (long)buf, (long)len);
}

void sys_exit(int code)
{
	syscall2(SYS_EXIT, code, 0);
	for (;;)
		;
}

long puts_debug(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return sys_debug_write(s, n);
}
