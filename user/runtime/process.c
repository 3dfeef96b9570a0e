/*
 * How a program ends, who it is, and its heap.
 *
 * exit() is picolibc's (atexit handlers, destructors), which ends in our
 * _exit: the console is flushed and SYS_EXIT hands the status to whoever
 * waits for the task (SYS_TASK_WAIT).  abort() names itself on stderr
 * and exits with 128 + SIGABRT, as a shell reports a program that aborted.
 * sbrk() grows the heap the pager keeps for the client (PAGER_BRK); when
 * the pager refuses, it fails with ENOMEM and malloc returns NULL.
 * getpid() is the kernel's id of the task (SYS_TASK_ID).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "pager/protocol.h"
#include "runtime.h"
#include "lib/syscall.h"

#define ABORT_STATUS (128 + SIGABRT)

/* errno = e; returns -1 (runtime.h). */
int runtime_fail(int e)
{
	errno = e;
	return -1;
}

/* The end of every exit: the console flushed, status to SYS_TASK_WAIT. */
void _exit(int status)
{
	runtime_flush_console();
	sys_exit(status);
}

/* abort(): one line that says why, then status 128 + SIGABRT. */
void abort(void)
{
	static const char why[] = "abort: the program called abort()\n";

	runtime_flush_console();
	sys_debug_write(why, sizeof(why) - 1);
	sys_exit(ABORT_STATUS);
}

/* getpid(): the task's id (SYS_TASK_ID of HANDLE_SELF), unique while it
 * lives and the same at every call; asked each time, so a fork's child has
 * its own. */
pid_t getpid(void)
{
	return (pid_t)sys_task_id(HANDLE_SELF);
}

static uintptr_t heap_end;   /* 0: not asked yet */

/* PAGER_BRK to `end` (0: ask).  Returns the heap's end, or 0 if refused. */
static uintptr_t pager_brk(uintptr_t end)
{
	struct msg m = { .tag = PAGER_BRK, .w = { end } };

	if (!runtime_pager || ipc_call(runtime_pager, &m) != 0 || m.tag != ERR_OK)
		return 0;
	return m.w[0];
}

/*
 * Move the heap's end by incr; returns the old end, or (void *)-1 with
 * errno ENOMEM when the pager refuses (or the sum wraps).
 */
void *sbrk(ptrdiff_t incr)
{
	uintptr_t old = heap_end ? heap_end : pager_brk(0), want = old + (uintptr_t)incr;

	if (!old)
		return (void *)(intptr_t)runtime_fail(ENOMEM);
	heap_end = old;
	if (incr == 0)
		return (void *)old;
	if ((incr > 0 && want < old) || (incr < 0 && want > old) || !pager_brk(want))
		return (void *)(intptr_t)runtime_fail(ENOMEM);
	heap_end = want;
	return (void *)old;
}
