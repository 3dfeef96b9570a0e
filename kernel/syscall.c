/*
 * System calls (ABI: include/tessera/syscall.h).  Each call decodes and
 * checks every argument first, then acts; an error is the negated code of
 * include/tessera/errors.h in a0.
 */
#include "arch/riscv/trapframe.h"
#include "arch/riscv/uaccess.h"
#include "kernel/printk.h"
#include "kernel/task.h"
#include "platform/platform.h"
#include "tessera/errors.h"
#include "tessera/syscall.h"

#define REG_A0 10
#define REG_A1 11
#define REG_A7 17
#define COPY_CHUNK 128

/* Is [addr, addr + len) inside user space, without wrapping? */
static bool user_range_ok(uint64_t addr, uint64_t len)
{
	return addr + len >= addr && addr + len <= USER_TOP;
}

/* SYS_DEBUG_WRITE(buf, len): the bytes to the console. */
static long sys_debug_write(uint64_t buf, uint64_t len)
{
	char chunk[COPY_CHUNK];
	uint64_t done, i;

	if (len > SYS_DEBUG_WRITE_MAX)
		return -ERR_INVALID_ARGUMENT;
	if (!user_range_ok(buf, len))
		return -ERR_FAULT; /* not user memory: never read on the caller's behalf */
	for (done = 0; done < len; done += COPY_CHUNK) {
		uint64_t n = len - done < COPY_CHUNK ? len - done : COPY_CHUNK;

		if (uaccess_copy_from(chunk, (const void *)(buf + done), n))
			return -ERR_FAULT;
		for (i = 0; i < n; i++)
			console_putc(chunk[i]);
	}
	return (long)len;
}

void syscall_dispatch(struct trap_frame *tf)
{
	uint64_t a0 = tf->regs[REG_A0], a1 = tf->regs[REG_A1];
	long ret;

	switch (tf->regs[REG_A7]) {
	case SYS_DEBUG_WRITE:
		ret = sys_debug_write(a0, a1);
		break;
	case SYS_EXIT:
		task_exit((long)(int)a0);
	default:
		ret = -ERR_NOT_SUPPORTED;
		break;
	}
	tf->regs[REG_A0] = (uint64_t)ret;
}
