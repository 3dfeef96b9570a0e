/*
 * sysfuzz: seeded random system calls with bad arguments, 100,000 of them.
 * Each must come back with one of the documented errors; none may bring the
 * kernel down.  Arguments: random call numbers (never SYS_EXIT), pointers
 * into kernel space, unmapped user space, ranges that wrap or run past the
 * top of user space, lengths over the limit.  No call may succeed in
 * writing (that would print garbage), so valid pointers are never chosen.
 * Exit code: the number of unexpected answers.
 */
#include <stdbool.h>

#include "syscall.h"

#define CALLS 100000
#define SEED 0x5eedf00dul

static unsigned long state = SEED;

static unsigned long next(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

/* A pointer no write may succeed from (with a length that is not 0). */
static unsigned long bad_pointer(void)
{
	switch (next() % 4) {
	case 0: return 0xffffffff80000000ul + (next() & 0xfffffff);   /* kernel image */
	case 1: return 0xffffffc000000000ul + (next() & 0xffffffff);   /* direct map */
	case 2: return 0x20000000ul + (next() & 0xffffff);             /* unmapped user */
	default: return USER_TOP - (next() & 0xff);                    /* runs past the top */
	}
}

static bool expected(long number, long ret)
{
	if (number != SYS_DEBUG_WRITE)
		return ret == -ERR_NOT_SUPPORTED;
	return ret == -ERR_FAULT || ret == -ERR_INVALID_ARGUMENT;
}

int main(void)
{
	unsigned long i, bad = 0;

	puts_debug("sysfuzz: 100000 random system calls, seed 0x5eedf00d\n");
	for (i = 0; i < CALLS; i++) {
		long number = next() % 2 ? SYS_DEBUG_WRITE : (long)(next() % 1000);
		long len = next() % 3 ? (long)(1 + next() % 64) : (long)next();
		long ret;

		if (number == SYS_EXIT)
			number = SYS_COUNT + 1;
		ret = syscall2(number, (long)bad_pointer(), len);
		if (!expected(number, ret))
			bad++;
	}
	puts_debug(bad ? "sysfuzz: unexpected answers\n" : "sysfuzz: every answer as documented\n");
	return (int)bad;
}
