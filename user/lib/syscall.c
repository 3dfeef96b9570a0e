/* System-call stubs (see user/lib/syscall.h). */
#include <string.h>

#include "syscall.h"

long syscall6(long number, long a0, long a1, long a2, long a3, long a4, long a5)
{
	register long r_a0 __asm__("a0") = a0;
	register long r_a1 __asm__("a1") = a1;
	register long r_a2 __asm__("a2") = a2;
	register long r_a3 __asm__("a3") = a3;
	register long r_a4 __asm__("a4") = a4;
	register long r_a5 __asm__("a5") = a5;
	register long r_a6 __asm__("a6") = 0;   /* IPC: no handle passed */
	register long r_a7 __asm__("a7") = number;

	__asm__ volatile("ecall"
			 : "+r"(r_a0)
			 : "r"(r_a1), "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a5), "r"(r_a6),
			   "r"(r_a7)
			 : "memory");
	return r_a0;
}

/* One IPC system call: every message register goes in and comes back. */
static long ipc(long number, long ep, struct msg *m)
{
	register long a0 __asm__("a0") = ep;
	register uint64_t a1 __asm__("a1") = m->tag;
	register uint64_t a2 __asm__("a2") = m->w[0];
	register uint64_t a3 __asm__("a3") = m->w[1];
	register uint64_t a4 __asm__("a4") = m->w[2];
	register uint64_t a5 __asm__("a5") = m->w[3];
	register uint64_t a6 __asm__("a6") = m->handle;
	register long a7 __asm__("a7") = number;

	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5), "+r"(a6),
			   "+r"(a7)
			 :
			 : "memory");
	if (a0 == 0 && number != SYS_IPC_SEND) {
		m->tag = a1;
		m->w[0] = a2;
		m->w[1] = a3;
		m->w[2] = a4;
		m->w[3] = a5;
		m->handle = a6;
		m->badge = (uint64_t)a7;
	}
	return a0;
}

long ipc_send(long ep, struct msg *m) { return ipc(SYS_IPC_SEND, ep, m); }
long ipc_recv(long ep, struct msg *m) { return ipc(SYS_IPC_RECV, ep, m); }
long ipc_call(long ep, struct msg *m) { return ipc(SYS_IPC_CALL, ep, m); }
long ipc_reply_recv(long ep, struct msg *m) { return ipc(SYS_IPC_REPLY_RECV, ep, m); }

long sys_debug_write(const void *buf, size_t len)
{
	return syscall2(SYS_DEBUG_WRITE, (long)buf, (long)len);
}

void sys_exit(int code)
{
	syscall2(SYS_EXIT, code, 0);
	for (;;)
		;
}

void sys_thread_exit(int code)
{
	syscall2(SYS_THREAD_EXIT, code, 0);
	for (;;)
		;
}

long sys_yield(void) { return syscall2(SYS_YIELD, 0, 0); }
long sys_handle_close(long h) { return syscall2(SYS_HANDLE_CLOSE, h, 0); }
long sys_endpoint_create(void) { return syscall2(SYS_ENDPOINT_CREATE, 0, 0); }
long sys_frame_paddr(long frame) { return syscall2(SYS_FRAME_PADDR, frame, 0); }
long sys_task_wait(long task) { return syscall2(SYS_TASK_WAIT, task, 0); }
long sys_task_set_fault(long task, long ep) { return syscall2(SYS_TASK_SET_FAULT, task, ep); }
long sys_thread_self(void) { return syscall2(SYS_THREAD_SELF, 0, 0); }

long sys_handle_dup(long h, unsigned long rights, unsigned long badge)
{
	return syscall6(SYS_HANDLE_DUP, h, (long)rights, (long)badge, 0, 0, 0);
}

long sys_frame_alloc(unsigned long size, unsigned long flags)
{
	return syscall2(SYS_FRAME_ALLOC, (long)size, (long)flags);
}

long sys_map(long task, long frame, unsigned long offset, unsigned long vaddr,
	     unsigned long size, unsigned long rights)
{
	return syscall6(SYS_MAP, task, frame, (long)offset, (long)vaddr, (long)size, (long)rights);
}

long sys_unmap(long task, unsigned long vaddr, unsigned long size)
{
	return syscall6(SYS_UNMAP, task, (long)vaddr, (long)size, 0, 0, 0);
}

long sys_task_spawn(const char *name, long fault_ep, long pass)
{
	return sys_task_spawn_flags(name, fault_ep, pass, 0);
}

long sys_task_spawn_flags(const char *name, long fault_ep, long pass, unsigned long flags)
{
	return syscall6(SYS_TASK_SPAWN, (long)name, (long)strlen(name), fault_ep, pass,
			(long)flags, 0);
}

long sys_meminfo(unsigned long what, unsigned long index, void *buf, size_t len)
{
	return sys_meminfo_at(what, index, 0, buf, len);
}

long sys_meminfo_at(unsigned long what, unsigned long index, unsigned long at, void *buf,
		    size_t len)
{
	return syscall6(SYS_MEMINFO, (long)what, (long)index, (long)buf, (long)len, (long)at, 0);
}

long sys_thread_create(long task, unsigned long entry, unsigned long stack_top,
		       unsigned long arg, unsigned long priority)
{
	return syscall6(SYS_THREAD_CREATE, task, (long)entry, (long)stack_top, (long)arg,
			(long)priority, 0);
}

long sys_image_open(const char *name)
{
	return syscall2(SYS_IMAGE_OPEN, (long)name, (long)strlen(name));
}

long sys_image_open_sized(const char *name, size_t len, uint64_t *size)
{
	register long a0 __asm__("a0") = (long)name;
	register unsigned long a1 __asm__("a1") = len;
	register long a7 __asm__("a7") = SYS_IMAGE_OPEN;

	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a7) : "memory");
	if (a0 >= 0)
		*size = a1;
	return a0;
}

long sys_frame_size(long frame) { return syscall2(SYS_FRAME_SIZE, frame, 0); }
long sys_clock_info(void) { return syscall2(SYS_CLOCK_INFO, 0, 0); }
long sys_sleep_until(uint64_t time) { return syscall2(SYS_SLEEP_UNTIL, (long)time, 0); }
long sys_task_give(long task, long h, unsigned long rights)
{
	return syscall6(SYS_TASK_GIVE, task, h, (long)rights, 0, 0, 0);
}
long sys_task_status(long task) { return syscall2(SYS_TASK_STATUS, task, 0); }

long sys_task_status_end(long task, struct task_end *end)
{
	register long a0 __asm__("a0") = task;
	register unsigned long a1 __asm__("a1") = 0;
	register unsigned long a2 __asm__("a2") = 0;
	register long a7 __asm__("a7") = SYS_TASK_STATUS;

	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1), "+r"(a2) : "r"(a7) : "memory");
	if (a0 == 1)
		*end = (struct task_end){ .code = (long)a2, .reason = a1 };
	return a0;
}

long sys_task_wait_reason(long task, unsigned long *reason)
{
	register long a0 __asm__("a0") = task;
	register unsigned long a1 __asm__("a1") = 0;
	register long a7 __asm__("a7") = SYS_TASK_WAIT;

	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a7) : "memory");
	*reason = a1;
	return a0;
}
long sys_task_kill(long task) { return syscall2(SYS_TASK_KILL, task, 0); }
long sys_task_id(long task) { return syscall2(SYS_TASK_ID, task, 0); }

long sys_task_usage(long task, struct task_usage *out)
{
	register long a0 __asm__("a0") = task;
	register unsigned long a1 __asm__("a1") = 0;
	register unsigned long a2 __asm__("a2") = 0;
	register unsigned long a3 __asm__("a3") = 0;
	register unsigned long a4 __asm__("a4") = 0;
	register long a7 __asm__("a7") = SYS_TASK_USAGE;

	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4) : "r"(a7)
			 : "memory");
	if (a0 == 0)
		*out = (struct task_usage){ .user = a1, .kernel = a2, .counted = a3 == 1,
					    .unowned = a4 };
	return a0;
}

long sys_console_read(void *buf, size_t len, unsigned long flags)
{
	return syscall6(SYS_CONSOLE_READ, (long)buf, (long)len, (long)flags, 0, 0, 0);
}

long sys_mapping(long task, unsigned long va, struct mapping *out)
{
	register long a0 __asm__("a0") = task;
	register unsigned long a1 __asm__("a1") = va;
	register unsigned long a2 __asm__("a2") = 0;
	register unsigned long a3 __asm__("a3") = 0;
	register long a7 __asm__("a7") = SYS_MAPPING;

	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3) : "r"(a7) : "memory");
	if (a0 >= 0)
		*out = (struct mapping){ .va = (uint64_t)a0, .frame = (long)a1, .offset = a2,
					 .rights = (unsigned)a3 };
	return a0;
}

long sys_task_create(const char *name, long fault_ep, unsigned long flags)
{
	return syscall6(SYS_TASK_CREATE, (long)name, (long)strlen(name), fault_ep, (long)flags, 0, 0);
}

long sys_protect(long task, unsigned long vaddr, unsigned long size, unsigned long rights)
{
	return syscall6(SYS_PROTECT, task, (long)vaddr, (long)size, (long)rights, 0, 0);
}

long puts_debug(const char *s)
{
	return sys_debug_write(s, strlen(s));
}

long sys_fault_trace(unsigned long task_id, unsigned long on)
{
	return syscall2(SYS_FAULT_TRACE, (long)task_id, (long)on);
}

long sys_lever(unsigned long op, unsigned long arg)
{
	return syscall2(SYS_LEVER, (long)op, (long)arg);
}

long sys_device_open(const char *compatible, unsigned long index, struct device_info *out)
{
	unsigned long len = strlen(compatible);   /* before a0 is bound: a call clobbers it */
	register long a0 __asm__("a0") = (long)compatible;
	register unsigned long a1 __asm__("a1") = len;
	register unsigned long a2 __asm__("a2") = index;
	register unsigned long a3 __asm__("a3") = 0;
	register unsigned long a4 __asm__("a4") = 0;
	register long a7 __asm__("a7") = SYS_DEVICE_OPEN;

	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4) : "r"(a7)
			 : "memory");
	if (a0 > 0)
		*out = (struct device_info){ .paddr = a1, .size = a2, .irq = (uint32_t)a3,
					     .dma_limit = a4 };
	return a0;
}

long sys_irq_open(long device) { return syscall2(SYS_IRQ_OPEN, device, 0); }
long sys_irq_wait(long irq, uint64_t deadline) { return syscall2(SYS_IRQ_WAIT, irq, (long)deadline); }
long sys_irq_ack(long irq) { return syscall2(SYS_IRQ_ACK, irq, 0); }

long sys_page_used(long task, unsigned long va, unsigned long count, unsigned long flags,
		   uint64_t *accessed, uint64_t *dirty)
{
	register long a0 __asm__("a0") = task;
	register unsigned long a1 __asm__("a1") = va;
	register unsigned long a2 __asm__("a2") = count;
	register unsigned long a3 __asm__("a3") = flags;
	register long a7 __asm__("a7") = SYS_PAGE_USED;

	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1), "+r"(a2) : "r"(a3), "r"(a7) : "memory");
	if (a0 == 0) {
		*accessed = a1;
		*dirty = a2;
	}
	return a0;
}
