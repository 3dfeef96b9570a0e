/*
 * System calls (ABI: include/tessera/syscall.h).  Each call first decodes
 * and checks every argument, with no side effect, and only then acts; an
 * error is the negated code of include/tessera/errors.h in a0.  User memory
 * is read only through uaccess_copy_from, which turns a fault into an error.
 * Under the kernel lock.
 */
#include "arch/riscv/trapframe.h"
#include "arch/riscv/uaccess.h"
#include "kernel/entry.h"
#include "kernel/fault.h"
#include "kernel/ipc.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/space.h"
#include "kernel/task.h"
#include "kernel/thread.h"
#include "platform/platform.h"

#define COPY_CHUNK 128
#define COPY_FAULTS_MAX 4        /* pages one chunk can touch, with room to spare */
#define NAME_MAX 32           /* longest program name SYS_TASK_SPAWN takes */

typedef long (*syscall_fn)(struct thread *cur, const uint64_t *a);

static long error(err_t err)
{
	return -(long)err;
}

/* Is [addr, addr + len) inside user space, without wrapping? */
static bool user_range_ok(uint64_t addr, uint64_t len)
{
	return addr + len >= addr && addr + len <= USER_TOP;
}

/*
 * Copy n bytes from user address src (checked to be user space) into dst.
 * A page not mapped yet is asked of the task's pager, as a fault would be,
 * and the copy tried again.  ERR_OK or ERR_FAULT.
 */
static err_t user_copy_from(struct thread *cur, void *dst, uint64_t src, uint64_t n)
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

/* A free slot of cur's task for a new handle, or 0. */
static unsigned free_slot(struct thread *cur)
{
	return handle_free_slot(cur->task);
}

/* Put obj (one reference, which the slot takes over) in slot; returns slot. */
static long give_handle(struct thread *cur, unsigned slot, struct object *obj, uint32_t rights)
{
	handle_install(cur->task, slot, &(struct handle){ .obj = obj, .rights = rights });
	obj_put(obj);
	return slot;
}

/* The answer to a call that made task t (err: it did not): its handle in slot. */
static long task_handle(struct thread *cur, unsigned slot, err_t err, struct task *t)
{
	if (err)
		return error(err);
	return give_handle(cur, slot, &t->obj,
			   RIGHT_READ | RIGHT_MANAGE | RIGHT_TRANSFER | RIGHT_FAULT);
}

/* Handle argument h: 0 means none (*out NULL); else as handle_get. */
static err_t optional_handle(struct thread *cur, uint64_t h, enum object_type type,
			     uint32_t need, struct handle **out)
{
	*out = NULL;
	return h ? handle_get(cur->task, h, type, need, out) : ERR_OK;
}

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

static long sys_exit(struct thread *cur, const uint64_t *a)
{
	task_end_others(cur->task, cur, (long)(int)a[0], EXIT_NORMAL);
	thread_exit((long)(int)a[0], EXIT_NORMAL);
}

static long sys_thread_exit(struct thread *cur, const uint64_t *a)
{
	(void)cur;
	thread_exit((long)(int)a[0], EXIT_NORMAL);
}

static long sys_yield(struct thread *cur, const uint64_t *a)
{
	(void)cur;
	(void)a;
	sched_yield();
	return 0;
}

static long sys_handle_close(struct thread *cur, const uint64_t *a)
{
	struct handle *h;
	err_t err = handle_get(cur->task, a[0], OBJ_NONE, 0, &h);

	if (err)
		return error(err);
	handle_release(h);
	return 0;
}

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

static long sys_frame_alloc(struct thread *cur, const uint64_t *a)
{
	unsigned slot = free_slot(cur);
	struct frame_object *f;
	err_t err;

	if (!slot)
		return error(ERR_NO_MEMORY);
	err = frame_object_create(a[0], (unsigned)a[1] == a[1] ? (unsigned)a[1] : ~0u, &f);
	if (err)
		return error(err);
	obj_get(&f->obj);
	return give_handle(cur, slot, &f->obj,
			   RIGHT_READ | RIGHT_WRITE | RIGHT_EXEC | RIGHT_TRANSFER);
}

static long sys_frame_paddr(struct thread *cur, const uint64_t *a)
{
	struct handle *h;
	err_t err = handle_get(cur->task, a[0], OBJ_FRAME, 0, &h);

	if (err)
		return error(err);
	if (!((struct frame_object *)h->obj)->dma)
		return error(ERR_DENIED);
	return (long)((struct frame_object *)h->obj)->pa;
}

/* The task behind handle h with every right in `need`, still alive. */
static err_t live_task(struct thread *cur, uint64_t h, uint32_t need, struct task **out)
{
	struct handle *th;
	err_t err = handle_get(cur->task, h, OBJ_TASK, need, &th);

	if (err)
		return err;
	*out = (struct task *)th->obj;
	return (*out)->exited ? ERR_NOT_FOUND : ERR_OK;
}

/* The task behind handle h with MANAGE, still alive. */
static err_t managed_task(struct thread *cur, uint64_t h, struct task **out)
{
	return live_task(cur, h, RIGHT_MANAGE, out);
}

static long sys_map(struct thread *cur, const uint64_t *a)
{
	struct handle *frame;
	struct task *t;
	err_t err = managed_task(cur, a[0], &t);

	if (!err)
		err = handle_get(cur->task, a[1], OBJ_FRAME, 0, &frame);
	if (!err)
		err = space_map_check(frame, a[2], a[3], a[4], a[5]);
	if (!err)
		err = space_map_frame(&t->pt, (struct frame_object *)frame->obj, a[2], a[3], a[4],
				      a[5]);
	if (err)
		return error(err);
	space_flush_page(a[3]);  /* others see it through a spurious fault */
	return 0;
}

static long sys_unmap(struct thread *cur, const uint64_t *a)
{
	struct task *t;
	err_t err = managed_task(cur, a[0], &t);

	if (!err && !space_range_ok(a[1], a[2]))
		err = ERR_INVALID_ARGUMENT;
	if (err)
		return error(err);
	space_unmap(&t->pt, a[1], a[2]);
	return 0;
}

/* A name argument (user pointer, length 1..NAME_MAX) copied into name[]. */
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
 */
static err_t fault_endpoint(struct thread *cur, uint64_t h, struct handle **out)
{
	return optional_handle(cur, h, OBJ_ENDPOINT, RIGHT_SEND | RIGHT_FAULT, out);
}

/* The arguments spawn and create begin with: a name, and a fault endpoint or none. */
static err_t name_and_fault_ep(struct thread *cur, const uint64_t *a, char name[NAME_MAX],
			       struct handle **fault_ep)
{
	err_t err = copy_name(cur, a[0], a[1], name);

	return err ? err : fault_endpoint(cur, a[2], fault_ep);
}

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
	if (err)
		return error(err);
	img = user_image_find(name, a[1]);
	if (!img)
		return error(ERR_NOT_FOUND);
	slot = free_slot(cur);
	if (!slot)
		return error(ERR_NO_MEMORY);
	err = task_spawn(img, fault_ep, pass, &t);   /* before t is read */
	return task_handle(cur, slot, err, t);
}

static long sys_task_create(struct thread *cur, const uint64_t *a)
{
	char name[NAME_MAX];
	struct handle *fault_ep;
	struct task *t;
	unsigned slot;
	err_t err = name_and_fault_ep(cur, a, name, &fault_ep);

	if (!err && (a[3] & ~TASK_EXIT_NOTICE || (a[3] && !fault_ep)))
		err = ERR_INVALID_ARGUMENT;
	if (err)
		return error(err);
	slot = free_slot(cur);
	if (!slot)
		return error(ERR_NO_MEMORY);
	err = task_create(name, a[1], fault_ep, &t);
	if (!err)
		t->exit_notice = a[3] & TASK_EXIT_NOTICE;
	return task_handle(cur, slot, err, t);
}

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
	return give_handle(cur, slot, &f->obj, RIGHT_READ | RIGHT_EXEC | RIGHT_TRANSFER);
}

static long sys_frame_size(struct thread *cur, const uint64_t *a)
{
	struct handle *h;
	err_t err = handle_get(cur->task, a[0], OBJ_FRAME, 0, &h);

	return err ? error(err) : (long)((struct frame_object *)h->obj)->size;
}

static long sys_protect(struct thread *cur, const uint64_t *a)
{
	struct task *t;
	err_t err = managed_task(cur, a[0], &t);

	if (!err && (!space_range_ok(a[1], a[2]) || a[2] > PROTECT_MAX_PAGES * PAGE_SIZE))
		err = ERR_INVALID_ARGUMENT;
	if (!err)
		err = space_protect(&t->pt, a[1], a[2], a[3]);
	return err ? error(err) : 0;
}

/*
 * May task t (not ended) hold handle h?  Not when both t and the task h
 * names have never had a thread and are not the same task: two such tasks
 * holding each other would keep each other for ever, and neither can run
 * to close its handles.
 */
static bool gift_keeps_no_cycle(const struct task *t, const struct handle *h)
{
	const struct task *given = (const struct task *)h->obj;

	return h->obj->type != OBJ_TASK || given == t || task_started(t) || task_started(given);
}

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
	cur->tf->regs[REG_A(1)] = t->exit_reason;
	cur->tf->regs[REG_A(2)] = (uint64_t)t->exit_code;
	return 1;
}

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

static long sys_task_wait(struct thread *cur, const uint64_t *a)
{
	enum exit_reason reason;
	struct handle *h;
	long code;
	err_t err = handle_get(cur->task, a[0], OBJ_TASK, RIGHT_READ, &h);

	cur->tf->regs[REG_A(1)] = EXIT_REASONS;  /* an error, unless a reason follows */
	if (err)
		return error(err);
	if ((struct task *)h->obj == cur->task)
		return error(ERR_INVALID_ARGUMENT);  /* it would wait for itself */
	if (!task_started((struct task *)h->obj))
		return error(ERR_NOT_FOUND);         /* nothing would ever end it */
	code = task_wait((struct task *)h->obj, &reason);
	cur->tf->regs[REG_A(1)] = reason;
	return code;
}

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

static long sys_task_id(struct thread *cur, const uint64_t *a)
{
	struct handle *h;
	err_t err = handle_get(cur->task, a[0], OBJ_TASK, RIGHT_READ, &h);

	return err ? error(err) : ((struct task *)h->obj)->id;
}

/* The slot of cur's frame handle whose frame holds physical page pa (0: none), and where. */
static unsigned frame_holding(struct thread *cur, paddr_t pa, uint64_t *offset)
{
	unsigned i;

	for (i = 1; i < TASK_HANDLES; i++) {
		const struct handle *h = &cur->task->handles[i];
		const struct frame_object *f = (const struct frame_object *)h->obj;

		if (h->obj && h->obj->type == OBJ_FRAME && pa >= f->pa && pa - f->pa < f->size) {
			*offset = pa - f->pa;
			return i;
		}
	}
	return 0;
}

/*
 * SYS_MAPPING: the first page mapped at or above a[1] in the task, and which
 * of the caller's frames it is a page of.  Results in a0..a3.
 */
static long sys_mapping(struct thread *cur, const uint64_t *a)
{
	uint64_t *regs = cur->tf->regs, offset = 0;
	struct task *t;
	vaddr_t found;
	paddr_t pa;
	unsigned rights, slot;
	err_t err = managed_task(cur, a[0], &t);

	if (!err && a[1] >= USER_TOP)
		err = ERR_INVALID_ARGUMENT;
	if (!err)
		err = space_next_mapping(&t->pt, a[1], &found, &pa, &rights);
	if (err)
		return error(err);
	slot = frame_holding(cur, pa, &offset);
	regs[REG_A(1)] = slot;
	regs[REG_A(2)] = slot ? offset : 0;
	regs[REG_A(3)] = rights;
	return (long)found;
}

static long sys_thread_self(struct thread *cur, const uint64_t *a)
{
	(void)a;
	return cur->id;
}

/* The IPC calls write all their results into the registers themselves. */
#define IPC_CALL(name, fn) \
	static long name(struct thread *cur, const uint64_t *a) { (void)a; fn(cur); return 0; }
IPC_CALL(ipc_send, sys_ipc_send)
IPC_CALL(ipc_recv, sys_ipc_recv)
IPC_CALL(ipc_call, sys_ipc_call)
IPC_CALL(ipc_reply_recv, sys_ipc_reply_recv)

static const struct {
	syscall_fn fn;
	bool sets_registers;
} syscalls[SYS_COUNT] = {
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
};

void syscall_dispatch(struct thread *cur)
{
	uint64_t *regs = cur->tf->regs;
	uint64_t number = regs[REG_A(7)];
	long ret;

	if (number >= SYS_COUNT || !syscalls[number].fn) {
		regs[REG_A0] = (uint64_t)error(ERR_NO_SUCH_CALL);
		return;
	}
	/* a0..a5 are the arguments, read in place (a handler reads them all
	 * before it writes a result). */
	ret = syscalls[number].fn(cur, &regs[REG_A0]);
	/* A blocking call may have run other threads; cur's frame is its own. */
	if (!syscalls[number].sets_registers)
		regs[REG_A0] = (uint64_t)ret;
}
