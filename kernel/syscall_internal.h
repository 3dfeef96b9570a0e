/*
 * Shared by the files of the system calls only (kernel/syscall.c: the
 * table, dispatch and most calls; kernel/syscall_memory.c: frames and
 * mappings).  Every function here runs under the kernel lock.
 */
#ifndef TESSERA_KERNEL_SYSCALL_INTERNAL_H
#define TESSERA_KERNEL_SYSCALL_INTERNAL_H

#include "kernel/object.h"
#include "kernel/task.h"
#include "kernel/thread.h"

/* A system call's handler: the arguments are message registers 0..5
 * (a0..a5), read in place; the answer goes to the result register. */
typedef long (*syscall_fn)(struct thread *cur, const uint64_t *a);

/* The table, by call number (kernel/syscall.c); sets_registers: the
 * handler writes the result registers itself (the IPC calls). */
struct syscall_entry {
	syscall_fn fn;
	bool sets_registers;
};
extern const struct syscall_entry syscalls[SYS_COUNT];

/*
 * The system call cur asked for: run its handler on the arguments in
 * place and put its answer in the result register (the IPC calls put
 * their own); an unknown number answers ERR_NO_SUCH_CALL.  Requires the
 * kernel lock.  Inline: it is on every call's path (kernel/entry.c).
 */
static inline void syscall_dispatch(struct thread *cur)
{
	uint64_t *regs = arch_msg_regs(cur->tf);
	uint64_t number = regs[MSG_REG_NUMBER];
	long ret;

	if (number >= SYS_COUNT || !syscalls[number].fn) {
		regs[MSG_REG_RESULT] = (uint64_t)-(long)ERR_NO_SUCH_CALL;
		return;
	}
	/* A handler reads all its arguments before it writes a result. */
	ret = syscalls[number].fn(cur, regs);
	/* A blocking call may have run other threads; cur's frame is its own. */
	if (!syscalls[number].sets_registers)
		regs[MSG_REG_RESULT] = (uint64_t)ret;
}

/* A system call's answer for err: the negated code (include/tessera/errors.h). */
static inline long error(err_t err)
{
	return -(long)err;
}

/* Whether [addr, addr + len) lies in user space without wrapping.  No side
 * effect; any lock state. */
static inline bool user_range_ok(uint64_t addr, uint64_t len)
{
	return addr + len >= addr && addr + len <= USER_TOP;
}

/* A free slot of cur's task for a new handle, or 0 when the table is full. */
static inline unsigned free_slot(struct thread *cur)
{
	return handle_free_slot(cur->task);
}

/* Put obj (one reference, which the slot takes over) in slot of cur's
 * task, with rights; returns slot. */
static inline long give_handle(struct thread *cur, unsigned slot, struct object *obj,
			       uint32_t rights)
{
	handle_install(cur->task, slot, &(struct handle){ .obj = obj, .rights = rights });
	obj_put(obj);
	return slot;
}

/* The task behind cur's handle h with every right in need, not ended:
 * ERR_OK with *out set, or the handle's error, or ERR_NOT_FOUND. */
static inline err_t live_task(struct thread *cur, uint64_t h, uint32_t need,
			      struct task **out)
{
	struct handle *th;
	err_t err = handle_get(cur->task, h, OBJ_TASK, need, &th);

	if (err)
		return err;
	*out = (struct task *)th->obj;
	return (*out)->exited ? ERR_NOT_FOUND : ERR_OK;
}

/* live_task with MANAGE, the right every call on another task's memory needs. */
static inline err_t managed_task(struct thread *cur, uint64_t h, struct task **out)
{
	return live_task(cur, h, RIGHT_MANAGE, out);
}

/*
 * Copy n bytes from user address src into dst (user_copy_from), or from
 * src to user address dst (user_copy_to); the address range must have been
 * checked to be user space.  A page not mapped yet is asked of the task's
 * pager, as a fault would be, and the copy tried again.  ERR_OK or
 * ERR_FAULT.  Requires the kernel lock; cur blocks while its pager answers
 * (so copy out only what was read before: the kernel's state may change).
 */
err_t user_copy_from(struct thread *cur, void *dst, uint64_t src, uint64_t n);
err_t user_copy_to(struct thread *cur, uint64_t dst, const void *src, uint64_t n);

/* The memory calls (kernel/syscall_memory.c); each answers as syscall_fn. */
long sys_frame_alloc(struct thread *cur, const uint64_t *a);
long sys_frame_paddr(struct thread *cur, const uint64_t *a);
long sys_frame_size(struct thread *cur, const uint64_t *a);
long sys_map(struct thread *cur, const uint64_t *a);
long sys_unmap(struct thread *cur, const uint64_t *a);
long sys_protect(struct thread *cur, const uint64_t *a);
long sys_mapping(struct thread *cur, const uint64_t *a);
long sys_page_used(struct thread *cur, const uint64_t *a);
long sys_meminfo(struct thread *cur, const uint64_t *a);
long sys_fault_trace(struct thread *cur, const uint64_t *a);
long sys_lever(struct thread *cur, const uint64_t *a);

/* SYS_TASK_USAGE (kernel/account.c), answering as syscall_fn. */
long sys_task_usage(struct thread *cur, const uint64_t *a);

#endif
