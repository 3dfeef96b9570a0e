/*
 * System calls (ABI: include/tessera/syscall.h).  Each call first decodes
 * and checks every argument, with no side effect, and only then acts; an
 * error is the negated code of include/tessera/errors.h in a0.  The one
 * exception is SYS_DEBUG_WRITE, which checks the whole range first but
 * prints chunk by chunk: a later chunk that faults fails the call after the
 * earlier ones were printed.  User memory is read only through
 * uaccess_copy_from, which turns a fault into an error.  The memory calls
 * (frames, mappings) are kernel/syscall_memory.c, console input
 * kernel/console_input.c.  Under the kernel lock.
 */
#include "kernel_arch.h"
#include "kernel/boot.h"
#include "kernel/console_input.h"
#include "kernel/device.h"
#include "kernel/entry.h"
#include "kernel/fault.h"
#include "kernel/ipc.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/sleep.h"
#include "kernel/space.h"
#include "kernel/syscall_internal.h"
#include "kernel/task.h"
#include "kernel/thread.h"
#include "platform/platform.h"

#define COPY_CHUNK 128
#define COPY_FAULTS_MAX 4        /* pages one chunk can touch, with room to spare */
#define NAME_MAX 32           /* longest program name SYS_TASK_SPAWN takes */


/* The user copies: kernel/syscall_internal.h. */
err_t user_copy_from(struct thread *cur, void *dst, uint64_t src, uint64_t n)
{
	unsigned tries;

	for (tries = 0; tries < COPY_FAULTS_MAX; tries++) {
		if (!uaccess_copy_from(dst, (const void *)src, n))
			return ERR_OK;
		if (fault_resolve(cur, uaccess_fault_address(), FAULT_READ) != ERR_OK)
			return ERR_FAULT;
	}
	return ERR_FAULT;
}

err_t user_copy_to(struct thread *cur, uint64_t dst, const void *src, uint64_t n)
{
	unsigned tries;

	for (tries = 0; tries < COPY_FAULTS_MAX; tries++) {
		if (!uaccess_copy_to((void *)dst, src, n))
			return ERR_OK;
		if (fault_resolve(cur, uaccess_fault_address(), FAULT_WRITE) != ERR_OK)
			return ERR_FAULT;
	}
	return ERR_FAULT;
}

/* The answer to a call that made task t (err: it did not): its handle in
 * slot, with READ MANAGE TRANSFER FAULT (and INTROSPECT if TASK_INTROSPECT
 * is in flags), or the error.  Kernel lock held. */
static long task_handle(struct thread *cur, unsigned slot, err_t err, struct task *t,
			uint64_t flags)
{
	if (err)
		return error(err);
	return give_handle(cur, slot, &t->obj,
			   RIGHT_READ | RIGHT_MANAGE | RIGHT_TRANSFER | RIGHT_FAULT |
			   (flags & TASK_INTROSPECT ? RIGHT_INTROSPECT : 0));
}

/* Task flags `flags` (of those in `known`) are ones cur may ask for:
 * ERR_INVALID_ARGUMENT (unknown), ERR_DENIED (TASK_INTROSPECT without
 * RIGHT_INTROSPECT of its own, TASK_DEVICE without RIGHT_DEVICE).  No side effect; kernel lock held. */
static err_t task_flags_ok(struct thread *cur, uint64_t flags, uint64_t known)
{
	if (flags & ~known)
		return ERR_INVALID_ARGUMENT;
	if ((flags & TASK_INTROSPECT) && !task_may_introspect(cur->task))
		return ERR_DENIED;
	if ((flags & TASK_DEVICE) && !task_may_drive(cur->task))
		return ERR_DENIED;
	return ERR_OK;
}

/* Handle argument h: 0 means none (ERR_OK, *out NULL); else as handle_get
 * (type, the rights in need).  No side effect.  Kernel lock held. */
static err_t optional_handle(struct thread *cur, uint64_t h, enum object_type type,
			     uint32_t need, struct handle **out)
{
	*out = NULL;
	return h ? handle_get(cur->task, h, type, need, out) : ERR_OK;
}

/*
 * SYS_DEBUG_WRITE (a[0] buf, a[1] len): print len bytes of user memory on
 * the console.  Returns len, or ERR_INVALID_ARGUMENT (len), ERR_FAULT.
 * Length and range are checked first, but the bytes are copied and printed
 * a chunk at a time: a chunk whose page nobody will map ends the call with
 * ERR_FAULT after the chunks before it were printed (the one call that
 * acts before all of its checks are done; output cannot be taken back).
 * Kernel lock held.
 */
static long sys_debug_write(struct thread *cur, const uint64_t *a)
{
	char chunk[COPY_CHUNK];
	uint64_t buf = a[0], len = a[1], done, i;

	if (len > SYS_DEBUG_WRITE_MAX)
		return error(ERR_INVALID_ARGUMENT);
	if (!user_range_ok(buf, len))
		return error(ERR_FAULT); /* not user memory: never read on the caller's behalf */
	for (done = 0; done < len; done += COPY_CHUNK) {
		uint64_t n = len - done < COPY_CHUNK ? len - done : COPY_CHUNK;

		if (user_copy_from(cur, chunk, buf + done, n))
			return error(ERR_FAULT);
		for (i = 0; i < n; i++)
			console_putc(chunk[i]);
	}
	return (long)len;
}

/* SYS_EXIT (a[0] code): end every thread of cur's task, then cur, with the
 * code.  No return.  Kernel lock held. */
static long sys_exit(struct thread *cur, const uint64_t *a)
{
	task_end_others(cur->task, cur, (long)(int)a[0], EXIT_NORMAL);
	thread_exit((long)(int)a[0], EXIT_NORMAL);
}

/* SYS_THREAD_EXIT (a[0] code): end cur; its task ends with its last
 * thread, with that code.  No return.  Kernel lock held. */
static long sys_thread_exit(struct thread *cur, const uint64_t *a)
{
	(void)cur;
	thread_exit((long)(int)a[0], EXIT_NORMAL);
}

/* SYS_YIELD: to the back of the run queue.  Returns 0.  Kernel lock held. */
static long sys_yield(struct thread *cur, const uint64_t *a)
{
	(void)cur;
	(void)a;
	sched_yield();
	return 0;
}

/* SYS_HANDLE_CLOSE (a[0] h): empty the slot and drop its reference.
 * Returns 0 or the handle's error.  Kernel lock held. */
static long sys_handle_close(struct thread *cur, const uint64_t *a)
{
	struct handle *h;
	err_t err = handle_get(cur->task, a[0], OBJ_NONE, 0, &h);

	if (err)
		return error(err);
	handle_close(cur->task, (unsigned)a[0]);
	return 0;
}

/*
 * SYS_HANDLE_DUP (a[0] h, a[1] rights, a[2] badge): a copy of h in a new
 * slot with a subset of its rights, badged if h is an unbadged endpoint.
 * Returns the slot, or ERR_INVALID_ARGUMENT, ERR_DENIED, ERR_NO_MEMORY.
 * Kernel lock held.
 */
static long sys_handle_dup(struct thread *cur, const uint64_t *a)
{
	uint64_t rights = a[1], badge = a[2];
	struct handle *h, copy;
	unsigned slot;
	err_t err = handle_get(cur->task, a[0], OBJ_NONE, 0, &h);

	if (err)
		return error(err);
	if (rights & ~(uint64_t)RIGHTS_ALL || (badge && h->obj->type != OBJ_ENDPOINT))
		return error(ERR_INVALID_ARGUMENT);
	if ((rights & h->rights) != rights || (badge && h->badge))
		return error(ERR_DENIED);
	slot = free_slot(cur);
	if (!slot)
		return error(ERR_NO_MEMORY);
	copy = (struct handle){ .obj = h->obj, .rights = (uint32_t)rights,
				.badge = badge ? badge : h->badge };
	handle_install(cur->task, slot, &copy);
	return slot;
}

/* SYS_ENDPOINT_CREATE: a new endpoint; returns its handle (SEND RECV
 * TRANSFER FAULT) or ERR_NO_MEMORY.  Kernel lock held. */
static long sys_endpoint_create(struct thread *cur, const uint64_t *a)
{
	unsigned slot = free_slot(cur);
	struct endpoint *ep;

	(void)a;
	ep = slot ? endpoint_create() : NULL;
	if (!ep)
		return error(ERR_NO_MEMORY);
	obj_get(&ep->obj);
	return give_handle(cur, slot, &ep->obj,
			   RIGHT_SEND | RIGHT_RECV | RIGHT_TRANSFER | RIGHT_FAULT);
}

/* A name argument (user pointer, length 1..NAME_MAX) copied into name[].
 * ERR_OK, ERR_INVALID_ARGUMENT (length) or ERR_FAULT.  Kernel lock held. */
static err_t copy_name(struct thread *cur, uint64_t ptr, uint64_t len, char name[NAME_MAX])
{
	if (len == 0 || len > NAME_MAX)
		return ERR_INVALID_ARGUMENT;
	if (!user_range_ok(ptr, len) || user_copy_from(cur, name, ptr, len))
		return ERR_FAULT;
	return ERR_OK;
}

/*
 * An endpoint argument that is to become a task's fault endpoint: it needs
 * SEND and FAULT (a pager's clients hold SEND only), or is 0 for none.
 * ERR_OK with *out (NULL for none), or the handle's error.  Kernel lock held.
 */
static err_t fault_endpoint(struct thread *cur, uint64_t h, struct handle **out)
{
	return optional_handle(cur, h, OBJ_ENDPOINT, RIGHT_SEND | RIGHT_FAULT, out);
}

/* The arguments spawn and create begin with: a name (a[0], a[1]) and a fault
 * endpoint or none (a[2]).  ERR_OK or the first one's error.  Kernel lock held. */
static err_t name_and_fault_ep(struct thread *cur, const uint64_t *a, char name[NAME_MAX],
			       struct handle **fault_ep)
{
	err_t err = copy_name(cur, a[0], a[1], name);

	return err ? err : fault_endpoint(cur, a[2], fault_ep);
}

/*
 * SYS_TASK_SPAWN (a[0] name, a[1] len, a[2] fault_ep, a[3] pass, a[4]
 * flags): start the boot-image program name.  Every argument is checked
 * before the task is made.  Returns the task's handle, or ERR_NOT_FOUND,
 * ERR_FAULT, ERR_INVALID_ARGUMENT, ERR_NO_MEMORY, ERR_DENIED, a handle's
 * error.  Kernel lock held.
 */
static long sys_task_spawn(struct thread *cur, const uint64_t *a)
{
	char name[NAME_MAX];
	const struct user_image *img;
	struct handle *fault_ep, *pass;
	struct task *t;
	unsigned slot;
	err_t err = name_and_fault_ep(cur, a, name, &fault_ep);

	if (!err)
		err = optional_handle(cur, a[3], OBJ_NONE, RIGHT_TRANSFER, &pass);
	if (!err)
		err = task_flags_ok(cur, a[4], TASK_INTROSPECT | TASK_DEVICE);
	if (err)
		return error(err);
	img = user_image_find(name, a[1]);
	if (!img)
		return error(ERR_NOT_FOUND);
	slot = free_slot(cur);
	if (!slot)
		return error(ERR_NO_MEMORY);
	err = task_spawn(img, fault_ep, pass,
			 (a[4] & TASK_INTROSPECT ? RIGHT_INTROSPECT : 0) |
			 (a[4] & TASK_DEVICE ? RIGHT_DEVICE : 0), &t);   /* before t is read */
	return task_handle(cur, slot, err, t, a[4]);
}

/*
 * SYS_TASK_CREATE (a[0] name, a[1] len, a[2] fault_ep, a[3] flags): an
 * empty task with no thread.  Returns its handle, or ERR_FAULT,
 * ERR_INVALID_ARGUMENT, ERR_NO_MEMORY, ERR_DENIED, a handle's error.
 * Kernel lock held.
 */
static long sys_task_create(struct thread *cur, const uint64_t *a)
{
	char name[NAME_MAX];
	struct handle *fault_ep;
	struct task *t;
	unsigned slot;
	err_t err = name_and_fault_ep(cur, a, name, &fault_ep);

	if (!err && (a[3] & TASK_EXIT_NOTICE) && !fault_ep)
		err = ERR_INVALID_ARGUMENT;
	if (!err)
		err = task_flags_ok(cur, a[3], TASK_EXIT_NOTICE | TASK_INTROSPECT);
	if (err)
		return error(err);
	slot = free_slot(cur);
	if (!slot)
		return error(ERR_NO_MEMORY);
	err = task_create(name, a[1], fault_ep, &t);
	if (!err)
		t->exit_notice = a[3] & TASK_EXIT_NOTICE;
	return task_handle(cur, slot, err, t, a[3]);
}

/* SYS_IMAGE_OPEN (a[0] name, a[1] len): a frame handle (READ EXEC TRANSFER)
 * on the boot-image file name, and its exact size in a1.  ERR_NOT_FOUND,
 * ERR_FAULT, ERR_INVALID_ARGUMENT, ERR_NO_MEMORY.  Kernel lock held. */
static long sys_image_open(struct thread *cur, const uint64_t *a)
{
	char name[NAME_MAX];
	const struct user_image *img;
	struct frame_object *f;
	unsigned slot;
	err_t err = copy_name(cur, a[0], a[1], name);

	if (err)
		return error(err);
	img = user_image_find(name, a[1]);
	if (!img)
		return error(ERR_NOT_FOUND);
	slot = free_slot(cur);
	f = slot ? frame_object_of_image(img) : NULL;
	if (!f)
		return error(ERR_NO_MEMORY);
	obj_get(&f->obj);
	arch_syscall_args(cur->tf)[1] = img->size;   /* a1: the size without the padding */
	return give_handle(cur, slot, &f->obj, RIGHT_READ | RIGHT_EXEC | RIGHT_TRANSFER);
}

/*
 * May task t (not ended) hold handle h?  Not when both t and the task h
 * names have never had a thread and are not the same task: two such tasks
 * holding each other would keep each other for ever, and neither can run
 * to close its handles.  No side effect.  Kernel lock held.
 */
static bool gift_keeps_no_cycle(const struct task *t, const struct handle *h)
{
	const struct task *given = (const struct task *)h->obj;

	return h->obj->type != OBJ_TASK || given == t || task_started(t) || task_started(given);
}

/*
 * SYS_TASK_GIVE (a[0] task, a[1] h, a[2] rights): a copy of cur's h with
 * a subset of its rights into a free slot of the task.  Returns that slot,
 * or ERR_INVALID_ARGUMENT, ERR_DENIED (rights, or a cycle of tasks that
 * cannot run), ERR_NO_MEMORY, ERR_NOT_FOUND.  Kernel lock held.
 */
static long sys_task_give(struct thread *cur, const uint64_t *a)
{
	struct handle *h;
	struct task *t;
	unsigned slot;
	err_t err = managed_task(cur, a[0], &t);

	struct handle copy;

	if (!err)
		err = handle_get(cur->task, a[1], OBJ_NONE, RIGHT_TRANSFER, &h);
	if (!err && (a[2] & ~(uint64_t)RIGHTS_ALL))
		err = ERR_INVALID_ARGUMENT;
	if (!err && (a[2] & h->rights) != a[2])
		err = ERR_DENIED;
	if (!err && !gift_keeps_no_cycle(t, h))
		err = ERR_DENIED;
	if (err)
		return error(err);
	slot = handle_free_slot(t);
	if (!slot)
		return error(ERR_NO_MEMORY);
	copy = (struct handle){ .obj = h->obj, .rights = (uint32_t)a[2], .badge = h->badge };
	handle_install(t, slot, &copy);
	return slot;
}

/* SYS_TASK_STATUS (a[0] task): 1 once the task (READ) has ended, else 0;
 * or the handle's error.  Kernel lock held. */
static long sys_task_status(struct thread *cur, const uint64_t *a)
{
	struct task *t;
	struct handle *h;
	err_t err = handle_get(cur->task, a[0], OBJ_TASK, RIGHT_READ, &h);

	if (err)
		return error(err);
	t = (struct task *)h->obj;
	if (!t->exited)
		return 0;
	arch_syscall_args(cur->tf)[1] = t->exit_reason;    /* a1, a2 (tessera/syscall.h) */
	arch_syscall_args(cur->tf)[2] = (uint64_t)t->exit_code;
	return 1;
}

/* SYS_TASK_KILL (a[0] task): end every thread of another task (MANAGE).
 * Returns 0, or ERR_INVALID_ARGUMENT (cur's own), ERR_NOT_FOUND, a handle's
 * error.  Kernel lock held. */
static long sys_task_kill(struct thread *cur, const uint64_t *a)
{
	struct task *t;
	err_t err = managed_task(cur, a[0], &t);

	if (!err && t == cur->task)
		err = ERR_INVALID_ARGUMENT;  /* SYS_EXIT ends one's own task */
	if (err)
		return error(err);
	task_kill(t);
	return 0;
}

/* SYS_TASK_WAIT (a[0] task): block until the task (READ) has ended; its exit
 * code, or ERR_INVALID_ARGUMENT (cur's own), ERR_NOT_FOUND (it never had a
 * thread), a handle's error.  Requires the kernel lock; cur may block. */
static long sys_task_wait(struct thread *cur, const uint64_t *a)
{
	enum exit_reason reason;
	struct handle *h;
	long code;
	err_t err = handle_get(cur->task, a[0], OBJ_TASK, RIGHT_READ, &h);

	arch_syscall_args(cur->tf)[1] = EXIT_REASONS;  /* a1: an error, unless a reason follows */
	if (err)
		return error(err);
	if ((struct task *)h->obj == cur->task)
		return error(ERR_INVALID_ARGUMENT);  /* it would wait for itself */
	if (!task_started((struct task *)h->obj))
		return error(ERR_NOT_FOUND);         /* nothing would ever end it */
	code = task_wait((struct task *)h->obj, &reason);
	arch_syscall_args(cur->tf)[1] = reason;
	return code;
}

/* SYS_TASK_SET_FAULT (a[0] task, a[1] ep): ep (SEND and FAULT, or 0) now
 * handles the task's faults (MANAGE and FAULT).  Returns 0 or the error of
 * a handle.  Kernel lock held. */
static long sys_task_set_fault(struct thread *cur, const uint64_t *a)
{
	struct handle *ep;
	struct task *t;
	err_t err = live_task(cur, a[0], RIGHT_MANAGE | RIGHT_FAULT, &t);

	if (!err)
		err = fault_endpoint(cur, a[1], &ep);
	if (err)
		return error(err);
	task_set_fault_handler(t, ep);
	return 0;
}

/*
 * SYS_THREAD_CREATE (a[0] task, a[1] entry, a[2] stack_top, a[3] arg,
 * a[4] priority): a new thread of the task (MANAGE), at most cur's
 * priority.  Returns its handle, or ERR_INVALID_ARGUMENT, ERR_DENIED,
 * ERR_NO_MEMORY, ERR_NOT_FOUND.  Kernel lock held.
 */
static long sys_thread_create(struct thread *cur, const uint64_t *a)
{
	uint64_t entry = a[1], stack_top = a[2], priority = a[4];
	struct thread *th;
	struct task *t;
	unsigned slot;
	err_t err = managed_task(cur, a[0], &t);

	if (err)
		return error(err);
	if (entry < USER_BASE || entry >= USER_TOP || entry % 2 || stack_top % 16 ||
	    stack_top <= USER_BASE || stack_top > USER_TOP || priority > PRIORITY_MAX)
		return error(ERR_INVALID_ARGUMENT);
	if (priority > cur->priority)
		return error(ERR_DENIED);
	slot = free_slot(cur);
	if (!slot)
		return error(ERR_NO_MEMORY);
	err = thread_create(t, entry, stack_top, a[3], (unsigned)priority, &th);
	if (err)
		return error(err);
	return give_handle(cur, slot, &th->obj, RIGHT_READ | RIGHT_MANAGE | RIGHT_TRANSFER);
}

/* SYS_TASK_ID (a[0] task): the task's id (READ), or the handle's error.  Kernel lock held. */
static long sys_task_id(struct thread *cur, const uint64_t *a)
{
	struct handle *h;
	err_t err = handle_get(cur->task, a[0], OBJ_TASK, RIGHT_READ, &h);

	return err ? error(err) : ((struct task *)h->obj)->id;
}

/* SYS_CLOCK_INFO: the time CSR's frequency in Hz, which boot read from the
 * device tree (and timer_init checked).  Kernel lock held. */
static long sys_clock_info(struct thread *cur, const uint64_t *a)
{
	(void)cur;
	(void)a;
	return (long)boot.info.timebase_hz;
}

/* SYS_THREAD_SELF: cur's id.  Kernel lock held. */
static long sys_thread_self(struct thread *cur, const uint64_t *a)
{
	(void)a;
	return cur->id;
}

/* The IPC calls (kernel/ipc.c) write all their results into the registers
 * themselves and may block cur.  Kernel lock held. */
#define IPC_CALL(name, fn) \
	static long name(struct thread *cur, const uint64_t *a) { (void)a; fn(cur); return 0; }
IPC_CALL(ipc_send, sys_ipc_send)
IPC_CALL(ipc_recv, sys_ipc_recv)
IPC_CALL(ipc_call, sys_ipc_call)
IPC_CALL(ipc_reply_recv, sys_ipc_reply_recv)

const struct syscall_entry syscalls[SYS_COUNT] = {
	[SYS_DEBUG_WRITE] = { sys_debug_write, false },
	[SYS_EXIT] = { sys_exit, false },
	[SYS_YIELD] = { sys_yield, false },
	[SYS_HANDLE_CLOSE] = { sys_handle_close, false },
	[SYS_HANDLE_DUP] = { sys_handle_dup, false },
	[SYS_ENDPOINT_CREATE] = { sys_endpoint_create, false },
	[SYS_FRAME_ALLOC] = { sys_frame_alloc, false },
	[SYS_FRAME_PADDR] = { sys_frame_paddr, false },
	[SYS_MAP] = { sys_map, false },
	[SYS_UNMAP] = { sys_unmap, false },
	[SYS_TASK_SPAWN] = { sys_task_spawn, false },
	[SYS_TASK_WAIT] = { sys_task_wait, false },
	[SYS_TASK_SET_FAULT] = { sys_task_set_fault, false },
	[SYS_THREAD_CREATE] = { sys_thread_create, false },
	[SYS_IPC_SEND] = { ipc_send, true },
	[SYS_IPC_RECV] = { ipc_recv, true },
	[SYS_IPC_CALL] = { ipc_call, true },
	[SYS_IPC_REPLY_RECV] = { ipc_reply_recv, true },
	[SYS_THREAD_SELF] = { sys_thread_self, false },
	[SYS_THREAD_EXIT] = { sys_thread_exit, false },
	[SYS_IMAGE_OPEN] = { sys_image_open, false },
	[SYS_FRAME_SIZE] = { sys_frame_size, false },
	[SYS_TASK_CREATE] = { sys_task_create, false },
	[SYS_PROTECT] = { sys_protect, false },
	[SYS_TASK_GIVE] = { sys_task_give, false },
	[SYS_TASK_STATUS] = { sys_task_status, false },
	[SYS_TASK_KILL] = { sys_task_kill, false },
	[SYS_TASK_ID] = { sys_task_id, false },
	[SYS_MAPPING] = { sys_mapping, false },
	[SYS_CONSOLE_READ] = { sys_console_read, false },
	[SYS_CLOCK_INFO] = { sys_clock_info, false },
	[SYS_TASK_USAGE] = { sys_task_usage, false },
	[SYS_SLEEP_UNTIL] = { sys_sleep_until, false },
	[SYS_MEMINFO] = { sys_meminfo, false },
	[SYS_FAULT_TRACE] = { sys_fault_trace, false },
	[SYS_LEVER] = { sys_lever, false },
	[SYS_DEVICE_OPEN] = { sys_device_open, false },
	[SYS_IRQ_OPEN] = { sys_irq_open, false },
	[SYS_IRQ_WAIT] = { sys_irq_wait, false },
	[SYS_IRQ_ACK] = { sys_irq_ack, false },
	[SYS_PAGE_USED] = { sys_page_used, false },
};
