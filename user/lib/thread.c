/* Threads for user programs (see user/lib/ulib.h). */
#include "ulib.h"

#define STACK_SIZE 0x4000ul
#define STACK_SLOT (STACK_SIZE + PAGE_SIZE)   /* a guard page between stacks */
#define MAX_THREADS ((THREAD_STACKS_END - THREAD_STACKS) / STACK_SLOT)

void thread_entry(void);   /* crt0.S: fn and arg are at the top of the stack */

static unsigned long stacks_used;

long thread_start(void (*fn)(void *arg), void *arg, unsigned priority)
{
	unsigned long base = THREAD_STACKS + stacks_used * STACK_SLOT + PAGE_SIZE;
	uint64_t *top = (uint64_t *)(base + STACK_SIZE) - 2;
	long frame, err, thread;

	if (stacks_used >= MAX_THREADS)
		return -ERR_NO_MEMORY;
	frame = sys_frame_alloc(STACK_SIZE, 0);
	if (frame < 0)
		return frame;
	err = sys_map(HANDLE_SELF, frame, 0, base, STACK_SIZE, MAP_READ | MAP_WRITE);
	sys_handle_close(frame);
	if (err < 0)
		return err;
	stacks_used++;
	top[0] = (uint64_t)fn;
	top[1] = (uint64_t)arg;
	thread = sys_thread_create(HANDLE_SELF, (unsigned long)thread_entry, (unsigned long)top, 0,
				   priority);
	if (thread < 0)
		sys_unmap(HANDLE_SELF, base, STACK_SIZE);
	return thread;
}
