/*
 * sysfuzz: 100,000 seeded random system calls.  Numbers: every call but
 * those that end the task or could wait forever, and numbers no call has
 * (SYS_CONSOLE_READ only with a buffer that is not user memory: it fails
 * before it would wait for input; SYS_SLEEP_UNTIL with a deadline already
 * past, or one in 64 a deadline less than a tick ahead).
 * Arguments: drawn from a pool of interesting values (0, small handles,
 * kernel and unmapped pointers, unaligned and wrapping values, huge sizes)
 * or random.  Whatever the call does, it must come back with success or one
 * of the documented error codes, and the kernel must stay up.  Objects the
 * calls make are closed again at the end.  Exit code: the number of answers
 * outside the documented set.
 */
#include "ulib.h"

#define CALLS 100000
#define SEED 0x5eedf00dul
#define FUZZ_SPACE 0x3800000000ul   /* maps and unmaps land here, far from us */
#define SLEEP_AHEAD_MAX 100000ul    /* time-CSR counts: 10 ms at virt's 10 MHz */

static uint64_t state = SEED;

static unsigned long next(void)
{
	return xorshift64(&state);
}

static const unsigned long pool[] = {
	0, 1, 2, 3, 5, 8, 62, 63, 64, 4096, 4097, 0x200000, 0x400000, ~0ul, ~0ul - 4095,
	0xffffffc000000000ul, 0xffffffff80000000ul, USER_TOP, USER_TOP - 4096,
	FUZZ_SPACE, FUZZ_SPACE + 8, FUZZ_SPACE + 4096, 0x7, 0x1f, MSG_FAULT, MSG_FAULT_MAP,
};

static unsigned long arg(void)
{
	unsigned long r = next();

	if (r % 4 == 0)
		return next();
	return pool[(r >> 8) % (sizeof(pool) / sizeof(pool[0]))];
}

/* Calls that could end us or block for good are left out. */
static bool allowed(long number)
{
	return number != SYS_EXIT && number != SYS_THREAD_EXIT && number != SYS_IPC_RECV &&
	       number != SYS_IPC_REPLY_RECV && number != SYS_IPC_CALL &&
	       number != SYS_IPC_SEND && number != SYS_TASK_WAIT &&
	       number != SYS_THREAD_CREATE && number != SYS_TASK_SPAWN;
}

/* A documented answer: a result, an -ERR_*, or (SYS_LEVER's kmalloc) a
 * kernel address, below -4096 as a long.  As the first task we hold
 * RIGHT_INTROSPECT, so the introspection calls and the levers are fuzzed
 * too. */
static bool documented(long number, long ret)
{
	return ret >= 0 || (-ret > ERR_OK && -ret < ERR_COUNT) ||
	       (number == SYS_LEVER && ret < -4096 && (uint64_t)ret >= 0xffffffc000000000ul);
}

int main(void)
{
	unsigned long made = 0, bad = 0, ok = 0, h;

	puts_debug("sysfuzz: 100000 random system calls, seed 0x5eedf00d\n");
	while (made < CALLS) {
		long number = (long)(next() % (SYS_COUNT + 8));
		unsigned long a[6];
		unsigned j;
		long ret;

		if (!allowed(number))
			continue;
		made++;
		for (j = 0; j < 6; j++)
			a[j] = arg();
		if (number == SYS_UNMAP || number == SYS_MAP || number == SYS_PROTECT)
			a[number == SYS_MAP ? 3 : 1] |= FUZZ_SPACE;  /* never our own pages */
		if (number == SYS_HANDLE_CLOSE && a[0] == HANDLE_SELF)
			a[0] = 0;
		if (number == SYS_TASK_SET_FAULT && a[0] == HANDLE_SELF)
			a[1] = 0;
		if (number == SYS_DEBUG_WRITE && a[0] < USER_TOP)
			a[0] = 0xffffffc000000000ul;  /* no garbage on the console */
		if (number == SYS_CONSOLE_READ && a[0] < USER_TOP)
			a[0] = 0xffffffc000000000ul;  /* no wait for input that never comes */
		if (number == SYS_SLEEP_UNTIL)   /* no sleep for ages */
			a[0] = a[0] % 64 ? a[0] % (rdtime() + 1) : rdtime() + a[0] % SLEEP_AHEAD_MAX;
		ret = syscall6(number, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4],
			       (long)a[5]);
		if (!documented(number, ret))
			bad++;
		else if (ret >= 0)
			ok++;
	}
	for (h = 2; h < TASK_HANDLES; h++)
		sys_handle_close((long)h);
	printf("sysfuzz: %lu calls made, %lu succeeded, %lu unexpected answers\n", made, ok,
	       bad);
	puts_debug(bad ? "sysfuzz: unexpected answers\n" : "sysfuzz: every answer as documented\n");
	return (int)bad;
}
