/*
 * The Tessera runtime for picolibc (user/runtime/): what the C library
 * asks of an operating system, answered with Tessera's system calls and
 * the pager's protocol.  docs/runtime.md says what is supported.
 */
#ifndef TESSERA_USER_RUNTIME_H
#define TESSERA_USER_RUNTIME_H

/* The pager's handle, as _start received it (0: started without one). */
extern long runtime_pager;

/* Write whatever stdout and stderr hold to the console (exit, abort). */
void runtime_flush_console(void);

/* Set errno to e and return -1: the failure of every POSIX call. */
int runtime_fail(int e);

#endif
