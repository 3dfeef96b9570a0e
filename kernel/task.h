/*
 * Tasks (kernel/task.c): an address space, a handle table and threads.
 * A task starts from a program of the boot image and ends with its last
 * thread; its memory is freed once no hart runs on its table any more.
 * Under the kernel lock.
 */
#ifndef TESSERA_KERNEL_TASK_H
#define TESSERA_KERNEL_TASK_H

#include <stddef.h>

#include "kernel/object.h"
#include "kernel/user_images.h"

/*
 * Start the boot-image program img as a new task: its fault handler a copy
 * of *fault_ep (or none), *pass copied into its slot 2 and that slot given
 * to its first thread in a0 (or none); its HANDLE_SELF has every right but
 * RIGHT_INTROSPECT, and that too if `introspect` (the caller checked it may
 * give it).  Returns ERR_OK with *out holding one reference for the caller,
 * ERR_NO_MEMORY, or an ELF error (ERR_INVALID_ARGUMENT); on an error
 * nothing is left behind.
 */
err_t task_spawn(const struct user_image *img, const struct handle *fault_ep,
		 const struct handle *pass, uint32_t self_rights, struct task **out);

/* Every task that exists (running, or ended and still held), oldest
 * first: the one after prev (NULL: the oldest), the index-th (0 the
 * oldest), or the one whose id is `id`; NULL when there is none.  Kernel
 * lock held. */
struct task *task_next(const struct task *prev);
struct task *task_nth(uint64_t index);
struct task *task_with_id(uint64_t id);

/* Whether t may make the introspection calls: its HANDLE_SELF slot holds t
 * itself with RIGHT_INTROSPECT.  No side effect; kernel lock held. */
bool task_may_introspect(const struct task *t);
/* ... and RIGHT_DEVICE: the driver calls (kernel/device.c). */
bool task_may_drive(const struct task *t);

/* The rights a task's HANDLE_SELF has only when its maker gives them
 * (task_spawn's self_rights); it has every other right. */
#define TASK_RIGHTS_GIVEN (RIGHT_INTROSPECT | RIGHT_DEVICE)

/*
 * A task called `name` (len bytes, at most TASK_NAME_MAX) with an empty
 * address space, no thread and an empty handle table; fault handler a copy
 * of *fault_ep (or none).  ERR_OK with *out holding one reference for the
 * caller, or ERR_NO_MEMORY.
 */
err_t task_create(const char *name, size_t len, const struct handle *fault_ep,
		  struct task **out);

/*
 * Block the current thread until task t has ended; returns its exit code,
 * and *reason why it ended.  Kernel threads may wait too.
 */
long task_wait(struct task *t, enum exit_reason *reason);

/* A WAIT_BLOCKED thread that is being killed stops waiting. */
void task_wait_cancel(struct thread *waiter);

/* Has t had a thread (it may have ended since)?  A task that has not cannot run. */
bool task_started(const struct task *t);

/*
 * SYS_TASK_KILL: end every thread of t with -1 and EXIT_KILLED
 * (task_end_others); a task that never had a thread ends at once.
 */
void task_kill(struct task *t);

/*
 * End every thread of t but `keep` (quietly), and make `code` and `reason`
 * the task's whichever thread ends last.
 */
void task_end_others(struct task *t, struct thread *keep, long code, enum exit_reason reason);

/* Set t's fault handler to a copy of *ep (NULL: none). */
void task_set_fault_handler(struct task *t, const struct handle *ep);

/*
 * The last thread of t ended with `code` and `reason` (unless the task's
 * were forced: task_end_others): close its handles, wake waiters.
 */
void task_exited(struct task *t, long code, enum exit_reason reason);

/* The last thread of t was freed: free its address space. */
void task_release_space(struct task *t);

#endif
