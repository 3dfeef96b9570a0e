/*
 * The system-call ABI, shared by the kernel and user space (user code
 * includes nothing else of the kernel but include/tessera/).
 *
 * ecall with the call number in a7 and arguments in a0..a5; the result
 * comes back in a0: >= 0 success, or the negated err_t code
 * (include/tessera/errors.h), e.g. -ERR_FAULT for a bad pointer.
 */
#ifndef TESSERA_SYSCALL_H
#define TESSERA_SYSCALL_H

enum syscall_number {
	SYS_DEBUG_WRITE = 1,   /* (const char *buf, size_t len) -> bytes written */
	SYS_EXIT = 2,          /* (int code) -> does not return */
	SYS_COUNT
};

/* Longest SYS_DEBUG_WRITE the kernel accepts in one call. */
#define SYS_DEBUG_WRITE_MAX 4096

/*
 * The user part of the address space: [USER_BASE, USER_TOP), valid in both
 * Sv39 and Sv48.  Programs are linked at USER_BASE and their stack ends at
 * USER_STACK_TOP.
 */
#define USER_BASE 0x10000ul
#define USER_TOP 0x4000000000ul           /* 256 GiB: Sv39's lower half */
#define USER_STACK_TOP 0x40000000ul
#define USER_STACK_SIZE 0x4000ul

#endif
