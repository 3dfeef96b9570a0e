/* System-call stubs for user programs (ABI: include/tessera/syscall.h). */
#ifndef TESSERA_USER_SYSCALL_H
#define TESSERA_USER_SYSCALL_H

#include <stddef.h>

#include "tessera/errors.h"
#include "tessera/syscall.h"

long syscall2(long number, long a0, long a1);
long sys_debug_write(const void *buf, size_t len);
void sys_exit(int code) __attribute__((noreturn));

/* Print a NUL-terminated string with SYS_DEBUG_WRITE. */
long puts_debug(const char *s);

#endif
