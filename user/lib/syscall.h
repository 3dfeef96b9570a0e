/*
 * System-call stubs for user programs (ABI: include/tessera/syscall.h).
 * Each returns what the kernel put in a0: >= 0 on success, or -ERR_*.
 */
#ifndef TESSERA_USER_SYSCALL_H
#define TESSERA_USER_SYSCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tessera/errors.h"
#include "tessera/meminfo.h"
#include "tessera/syscall.h"

/* An IPC message: what goes in and comes out of a1..a7. */
struct msg {
	uint64_t tag;
	uint64_t w[MSG_WORDS];
	uint64_t handle;   /* in: a handle to pass (0: none); out: the one received */
	uint64_t badge;    /* out: the sender's badge */
};

long syscall6(long number, long a0, long a1, long a2, long a3, long a4, long a5);
#define syscall2(n, a, b) syscall6((n), (a), (b), 0, 0, 0, 0)

long sys_debug_write(const void *buf, size_t len);
void sys_exit(int code) __attribute__((noreturn));
void sys_thread_exit(int code) __attribute__((noreturn));
long sys_yield(void);
long sys_handle_close(long h);
long sys_handle_dup(long h, unsigned long rights, unsigned long badge);
long sys_endpoint_create(void);
long sys_frame_alloc(unsigned long size, unsigned long flags);
long sys_frame_paddr(long frame);
long sys_map(long task, long frame, unsigned long offset, unsigned long vaddr,
	     unsigned long size, unsigned long rights);
long sys_unmap(long task, unsigned long vaddr, unsigned long size);
long sys_task_spawn(const char *name, long fault_ep, long pass);
/* SYS_TASK_SPAWN with flags (TASK_INTROSPECT). */
long sys_task_spawn_flags(const char *name, long fault_ep, long pass, unsigned long flags);
/* SYS_MEMINFO: the bytes written to buf (include/tessera/meminfo.h), or -ERR_*. */
long sys_meminfo(unsigned long what, unsigned long index, void *buf, size_t len);
/* SYS_FAULT_TRACE: trace the faults of task task_id (0: all), or stop (on 0). */
long sys_fault_trace(unsigned long task_id, unsigned long on);
/* SYS_LEVER: LEVER_KMALLOC size -> a kernel address, LEVER_KFREE address. */
long sys_lever(unsigned long op, unsigned long arg);
/* SYS_MEMINFO with an address (MEMINFO_PT, MEMINFO_LEAF). */
long sys_meminfo_at(unsigned long what, unsigned long index, unsigned long at, void *buf,
		    size_t len);
long sys_task_wait(long task);
/* SYS_TASK_WAIT and why the task ended: its exit code and *reason = its
 * EXIT_* (include/tessera/syscall.h); or -ERR_* and *reason = EXIT_REASONS. */
long sys_task_wait_reason(long task, unsigned long *reason);

/* How a task ended: its exit code and why (EXIT_*; EXIT_REASONS: the wait
 * failed, and code is -ERR_*). */
struct task_end {
	long code;
	unsigned long reason;
};
long sys_task_set_fault(long task, long ep);
long sys_thread_create(long task, unsigned long entry, unsigned long stack_top,
		       unsigned long arg, unsigned long priority);
long sys_image_open(const char *name);
/* SYS_IMAGE_OPEN of name[0..len), with *size = the file's exact size on success. */
long sys_image_open_sized(const char *name, size_t len, uint64_t *size);
long sys_frame_size(long frame);
long sys_task_create(const char *name, long fault_ep, unsigned long flags);
long sys_protect(long task, unsigned long vaddr, unsigned long size, unsigned long rights);
long sys_task_give(long task, long h, unsigned long rights);
long sys_task_status(long task);
/* SYS_TASK_STATUS: 1 once ended, with *end how; 0 (running) or -ERR_*: *end untouched. */
long sys_task_status_end(long task, struct task_end *end);
long sys_task_kill(long task);
long sys_task_id(long task);
/* SYS_CONSOLE_READ: bytes read (0: end of file), or -ERR_*; blocks for input. */
long sys_console_read(void *buf, size_t len, unsigned long flags);

/* SYS_TASK_USAGE: the instructions a task ran, in user mode and in the kernel;
 * counted: 1 when they are instructions (icount), 0 when maybe host ticks. */
struct task_usage {
	uint64_t user, kernel;
	bool counted;
	uint64_t unowned;     /* every hart's idle thread's, waiting: no task's */
};
/* 0 with *out filled, or -ERR_* with *out untouched. */
long sys_task_usage(long task, struct task_usage *out);

/* SYS_MAPPING: what the task maps at the first mapped page at or above va. */
struct mapping {
	uint64_t va;       /* that page */
	long frame;        /* our frame handle it is a page of (0: none of ours) */
	uint64_t offset;   /* in that frame */
	unsigned rights;   /* MAP_* */
};
long sys_mapping(long task, unsigned long va, struct mapping *out);
long sys_thread_self(void);
long sys_clock_info(void);

/* SYS_DEVICE_OPEN: a device's registers as a frame, and what the tree says of it. */
struct device_info {
	uint64_t paddr;       /* its registers' physical address */
	uint64_t size;        /* their size in bytes (the frame covers whole pages) */
	uint32_t irq;         /* its PLIC source, 0: none */
	uint64_t dma_limit;   /* the first address its DMA cannot reach, 0: no limit */
};
/* The frame handle with *out filled, or -ERR_* with *out untouched. */
long sys_device_open(const char *compatible, unsigned long index, struct device_info *out);
long sys_irq_open(long device);
/* 1: the interrupt fired; 0: the deadline (time CSR, 0: none) came first. */
long sys_irq_wait(long irq, uint64_t deadline);
long sys_irq_ack(long irq);
/* SYS_PAGE_USED: bit i of *accessed / *dirty for page i of count from va
 * (flags PAGE_USED_*). */
long sys_page_used(long task, unsigned long va, unsigned long count, unsigned long flags,
		   uint64_t *accessed, uint64_t *dirty);

/* The `time` CSR, which user mode may read (the kernel sets scounteren):
 * counts at sys_clock_info() Hz, one clock for every hart. */
static inline uint64_t rdtime(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}
/* SYS_SLEEP_UNTIL: 0 once the time CSR has reached `time` (blocked meanwhile). */
long sys_sleep_until(uint64_t time);

/* IPC: m is the message sent, and receives the one that comes back. */
long ipc_send(long ep, struct msg *m);
long ipc_recv(long ep, struct msg *m);
long ipc_call(long ep, struct msg *m);
long ipc_reply_recv(long ep, struct msg *m);

/* Print a NUL-terminated string with SYS_DEBUG_WRITE. */
long puts_debug(const char *s);

/* The instruction counter (the kernel lets user space read it). */
static inline uint64_t rdinstret(void)
{
	uint64_t v;

	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

#endif
