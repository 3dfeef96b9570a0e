/*
 * The user-space library beyond the system calls: printf, a heap, threads
 * and test checks (user/lib/).  The formatter and the string routines are
 * the freestanding ones every layer shares (lib/format.c, lib/string.c),
 * compiled again for user space.
 */
#ifndef TESSERA_USER_ULIB_H
#define TESSERA_USER_ULIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/format.h"
#include "syscall.h"
#include "tessera/types.h"   /* PAGE_SIZE */

/* Formatted output through SYS_DEBUG_WRITE; at most 512 bytes per call.
 * snprint() and format_buffer() come with it (lib/format.h). */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The heap: memory from SYS_FRAME_ALLOC mapped at HEAP_BASE and up, first
 * fit with neighbours merged on free.  NULL when no memory is left.
 */
#define HEAP_BASE 0x20000000ul
#define HEAP_LIMIT 0x24000000ul      /* tests map their own pages above */
#include <stdlib.h>                  /* malloc, calloc, free: user/lib/stdlib.h */

/*
 * Run fn(arg) in a new thread of this task at `priority`, on a 16 KiB stack
 * of its own (mapped at THREAD_STACKS and up, a guard page apart).  The
 * thread ends when fn returns.  Returns the thread handle or -ERR_*.
 */
#define THREAD_STACKS 0x30000000ul
#define THREAD_STACKS_END 0x38000000ul
long thread_start(void (*fn)(void *arg), void *arg, unsigned priority);

/* s as a decimal or 0x-hex number with no sign or trailing bytes into *out;
 * false when it is not one, or does not fit in 64 bits (user/lib/number.c). */
bool parse_number(const char *s, uint64_t *out);

/* The next number of the xorshift64 sequence (shifts 13, 7, 17) kept in
 * *state, which must not be 0: the test programs' seeded randomness. */
static inline uint64_t xorshift64(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/*
 * Test checks: each prints "# ok - what" or "# FAILED - what (...)" and
 * counts failures; a test program exits with test_failures.
 */
extern int test_failures;
bool check(const char *what, bool ok);
bool check_eq(const char *what, long got, long want);

/* Wait for `task` to end (sys_task_wait_reason). */
struct task_end task_end_wait(long task);

/* The end must be exactly the wanted one, code and reason; a miss names both. */
bool check_end(const char *what, struct task_end got, long want_code, unsigned long want_reason);

#endif
