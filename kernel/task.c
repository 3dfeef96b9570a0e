/*
 * Tasks (see kernel/task.h).
 *
 * References: each of its threads holds one until it is freed; handles in
 * other tasks, waiters and an endpoint's notices hold theirs.  Its own
 * HANDLE_SELF (any handle in its table to itself) holds none, so a task
 * nobody else holds, with no thread left, is destroyed.  Its address space
 * lives until its last thread is freed, which happens only after that
 * thread's hart has switched to another table.
 *
 * A task's life: made (task_make, task_create) -> started (its first
 * thread: live_threads > 0) -> ended (exited: the last thread ended, or it
 * was killed before it ever had one; its handles are closed) -> destroyed
 * (the last reference).
 */
#include <string.h>

#include "lib/elf.h"
#include "kernel/device.h"
#include "kernel/initrd.h"
#include "kernel/ipc.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/space.h"
#include "kernel/task.h"
#include "kernel/fault_trace.h"
#include "kernel/thread.h"
#include "mm/slab.h"

#define SLOT_PASSED 2   /* where task_spawn puts the handle it passes */

static uint32_t next_task_id = 1;
static struct list all_tasks = LIST_INIT(all_tasks);   /* oldest first */

/* A zeroed task with its lists and a fresh id, or NULL. */
static struct task *task_alloc(void)
{
	struct task *t = kzalloc(sizeof(*t), 0);

	if (!t)
		return NULL;
	t->obj = (struct object){ .type = OBJ_TASK, .refs = 1 };
	t->handles_used = 1;  /* slot 0 is never a handle */
	t->id = next_task_id++;
	if (!next_task_id)
		next_task_id = 1;     /* 0 is never an id */
	list_init(&t->threads);
	list_init(&t->waiters);
	list_push_back(&all_tasks, &t->all_link);
	return t;
}

/* The image called `name` among images[0..n), or NULL. */
static const struct user_image *image_named(const struct user_image *images, unsigned n,
					    const char *name, size_t len)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (strlen(images[i].name) == len && strncmp(images[i].name, name, len) == 0)
			return &images[i];
	return NULL;
}

const struct user_image *user_image_builtin(const char *name, size_t len)
{
	return image_named(user_images, user_image_count, name, len);
}

const struct user_image *user_image_find(const char *name, size_t len)
{
	const struct user_image *img = image_named(initrd_images, initrd_image_count, name, len);

	return img ? img : user_image_builtin(name, len);
}

/* A segment's MAP_* rights (lib/elf.h) as pt_map's PT_* rights. */
static unsigned segment_pt_rights(unsigned rights)
{
	return (rights & MAP_READ ? PT_READ : 0) | (rights & MAP_WRITE ? PT_WRITE : 0) |
	       (rights & MAP_EXEC ? PT_EXEC : 0);
}

/* Map the program's segments and its stack; returns its entry in *entry. */
static err_t load_program(struct task *t, const struct user_image *img, uint64_t *entry)
{
	struct elf_image elf;
	err_t err = elf_parse(img->data, img->size, USER_BASE, USER_STACK_TOP - USER_STACK_SIZE,
			      &elf);
	unsigned i;

	for (i = 0; !err && i < elf.nsegments; i++) {
		const struct elf_segment *s = &elf.segments[i];

		err = space_map_private(&t->pt, s->vaddr, s->memsz, segment_pt_rights(s->rights),
					img->data + s->offset, s->filesz);
	}
	if (!err)
		err = space_map_private(&t->pt, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE,
					PT_READ | PT_WRITE, NULL, 0);
	*entry = elf.entry;
	return err;
}

/* A task with its program loaded and its first handles, but no thread. */
static err_t task_make(const struct user_image *img, uint32_t self_rights, struct task **out)
{
	struct task *t = task_alloc();
	err_t err;

	if (!t)
		return ERR_NO_MEMORY;
	t->name = img->name;
	err = space_create(&t->pt);
	if (!err)
		err = load_program(t, img, &t->entry);
	if (err) {
		space_destroy(&t->pt);
		kfree(t);
		return err;
	}
	handle_install(t, HANDLE_SELF, &(struct handle){
		.obj = &t->obj,
		.rights = (RIGHTS_ALL & ~TASK_RIGHTS_GIVEN) | (self_rights & TASK_RIGHTS_GIVEN) });
	*out = t;
	return ERR_OK;
}

err_t task_create(const char *name, size_t len, const struct handle *fault_ep,
		  struct task **out)
{
	struct task *t = task_alloc();

	if (!t || len > TASK_NAME_MAX || space_create(&t->pt) != ERR_OK) {
		kfree(t);
		return ERR_NO_MEMORY;
	}
	memcpy(t->name_buf, name, len);
	t->name = t->name_buf;
	task_set_fault_handler(t, fault_ep);
	*out = t;
	return ERR_OK;
}

struct task *task_next(const struct task *prev)
{
	const struct list *pos = prev ? prev->all_link.next : all_tasks.next;

	return pos == &all_tasks ? NULL : container_of(pos, struct task, all_link);
}

struct task *task_nth(uint64_t index)
{
	struct task *t = task_next(NULL);

	while (t && index--)
		t = task_next(t);
	return t;
}

struct task *task_with_id(uint64_t id)
{
	struct task *t = task_next(NULL);

	while (t && t->id != id)
		t = task_next(t);
	return t;
}

bool task_may_introspect(const struct task *t)
{
	const struct handle *self = &t->handles[HANDLE_SELF];

	return self->obj == &t->obj && (self->rights & RIGHT_INTROSPECT);
}

bool task_may_drive(const struct task *t)
{
	const struct handle *self = &t->handles[HANDLE_SELF];

	return self->obj == &t->obj && (self->rights & RIGHT_DEVICE);
}

err_t task_spawn(const struct user_image *img, const struct handle *fault_ep,
		 const struct handle *pass, uint32_t self_rights, struct task **out)
{
	struct thread *th;
	struct task *t;
	err_t err = task_make(img, self_rights, &t);

	if (err)
		return err;
	if (pass)
		handle_install(t, SLOT_PASSED, pass);
	task_set_fault_handler(t, fault_ep);
	if (t->fault_ep.obj)   /* whoever chose its handler keeps that choice */
		t->handles[HANDLE_SELF].rights &= ~RIGHT_FAULT;
	err = thread_create(t, t->entry, USER_STACK_TOP, pass ? SLOT_PASSED : 0,
			    PRIORITY_USER, &th);
	if (err) {
		task_exited(t, -1, EXIT_KILLED);  /* ended by the kernel before it ran */
		task_release_space(t);
		obj_put(&t->obj);
		return err;
	}
	obj_put(&th->obj);
	*out = t;
	return ERR_OK;
}

void task_set_fault_handler(struct task *t, const struct handle *ep)
{
	struct handle old = t->fault_ep;

	t->fault_ep = (struct handle){ 0 };
	if (ep && ep->obj) {
		/* A fault slot sends only: it counts among the endpoint's senders. */
		t->fault_ep = (struct handle){ .obj = ep->obj, .rights = RIGHT_SEND,
					       .badge = ep->badge };
		obj_get(ep->obj);
		endpoint_count_rights((struct endpoint *)ep->obj, RIGHT_SEND, +1);
	}
	handle_release(&old);
}

long task_wait(struct task *t, enum exit_reason *reason)
{
	struct thread *cur = current_thread();

	if (t->exited) {
		*reason = t->exit_reason;
		return t->exit_code;
	}
	obj_get(&t->obj);
	cur->waiting_for = t;
	cur->state = THREAD_WAIT_BLOCKED;
	list_push_back(&t->waiters, &cur->link);
	sched_block();
	*reason = cur->wait_reason;
	return cur->wait_result;
}

void task_wait_cancel(struct thread *waiter)
{
	struct task *t = waiter->waiting_for;

	list_remove(&waiter->link);
	waiter->waiting_for = NULL;
	obj_put(&t->obj);
}

/* A thread of t other than keep that is not ended or marked to end yet. */
static struct thread *next_victim(struct task *t, struct thread *keep)
{
	struct list *pos;

	list_for_each(pos, &t->threads) {
		struct thread *th = container_of(pos, struct thread, task_link);

		if (th != keep && !th->killed)
			return th;
	}
	return NULL;
}

bool task_started(const struct task *t)
{
	return t->live_threads || t->exited;
}

void task_kill(struct task *t)
{
	if (task_started(t))
		task_end_others(t, NULL, -1, EXIT_KILLED);
	else
		task_exited(t, -1, EXIT_KILLED);
}

void task_end_others(struct task *t, struct thread *keep, long code, enum exit_reason reason)
{
	struct thread *th;

	t->exit_forced = true;
	t->exit_code = code;
	t->exit_reason = reason;
	/* From the head each time: ending one thread may end others (its
	 * callers); one running elsewhere is only marked, and stays listed. */
	while ((th = next_victim(t, keep)))
		thread_kill(th, reason, NULL);
}

/* The kmalloc blocks t took with SYS_LEVER, given back. */
static void levers_free(struct task *t)
{
	unsigned i;

	if (!t->levers)
		return;
	for (i = 0; i < LEVER_BLOCKS; i++)
		kfree(t->levers[i]);
	kfree(t->levers);
	t->levers = NULL;
}

void task_exited(struct task *t, long code, enum exit_reason reason)
{
	if (t->exit_forced) {
		code = t->exit_code;
		reason = t->exit_reason;
	}
	t->exited = true;
	t->exit_code = code;
	t->exit_reason = reason;
	fault_trace_task_ended(t);
	levers_free(t);
	if (reason == EXIT_NORMAL)
		printk("task %s exited with %ld\n", t->name, code);
	else
		printk("task %s exited with %ld: %s\n", t->name, code, exit_reason_name(reason));
	while (!list_empty(&t->waiters)) {
		struct thread *w = container_of(t->waiters.next, struct thread, link);

		w->wait_result = code;
		w->wait_reason = reason;
		task_wait_cancel(w);
		sched_add(w);
	}
	obj_get(&t->obj);  /* closing HANDLE_SELF must not free t under us */
	ipc_notify_exit(t);
	task_set_fault_handler(t, NULL);
	device_task_ended(t);    /* before its DMA memory can go */
	handle_close_all(t);
	obj_put(&t->obj);
}

void task_release_space(struct task *t)
{
	space_destroy(&t->pt);
}

void task_destroy(struct task *t)
{
	if (!t->exited) {
		/* Never ran a thread (SYS_TASK_CREATE): nothing closed its handles. */
		task_set_fault_handler(t, NULL);
		handle_close_all(t);
	}
	levers_free(t);            /* one that never ran a thread has none */
	space_destroy(&t->pt);
	list_remove(&t->all_link);
	kfree(t);
}
