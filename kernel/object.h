/*
 * Kernel objects: tasks, threads, endpoints and frames, and the handles
 * that name them.
 *
 * Every object starts with a struct object: its type and a reference
 * count.  References are held by handles, by threads queued on an
 * endpoint, by a task's fault-handler slot, by each mapped page of a frame,
 * and by a thread on its task.  The object is destroyed when the count
 * reaches zero (obj_put).
 *
 * No cycles keep memory: a handle in a task's own table to that task holds
 * no reference (weak), so a task is never kept alive by itself; a task
 * that has ended has closed its handles; and a task that never had a
 * thread is never given a handle to another such task (SYS_TASK_GIVE
 * refuses it), so tasks that cannot run never hold each other.  Endpoints
 * hold only queued threads and ended tasks, frames nothing.
 *
 * Lock: the whole of this state (objects, handle tables, run queues, IPC
 * queues) is protected by the one kernel lock (kernel/sched.h), like seL4's
 * big kernel lock on SMP.  System calls are short; the allocators below
 * (mm/) have their own locks, so kernel_lock -> mm locks is the only order.
 */
#ifndef TESSERA_KERNEL_OBJECT_H
#define TESSERA_KERNEL_OBJECT_H

#include "kernel_arch.h"
#include "mm/list.h"
#include "mm/pt.h"
#include "tessera/errors.h"
#include "tessera/syscall.h"
#include "tessera/types.h"

struct trap_frame;
struct user_image;

enum object_type {
	OBJ_NONE = 0,
	OBJ_TASK,
	OBJ_THREAD,
	OBJ_ENDPOINT,
	OBJ_FRAME,
	OBJ_IRQ,                 /* a device's interrupt (kernel/device.c) */
	OBJ_TYPE_COUNT
};

struct object {
	enum object_type type;
	uint32_t refs;
};

/* A slot of a handle table. */
struct handle {
	struct object *obj;      /* NULL: free */
	uint32_t rights;         /* RIGHT_* */
	bool weak;               /* obj is the task whose table holds this: no reference */
	uint64_t badge;          /* endpoints: told to the receiver */
};

/* A message being sent: in a queued sender, or on its way. */
struct ipc_msg {
	uint64_t tag;
	uint64_t words[MSG_WORDS];
	struct handle pass;      /* a handle to copy to the receiver (obj NULL: none) */
	uint64_t badge;          /* of the sender's endpoint handle */
};

enum thread_state {
	THREAD_RUNNING,          /* on a hart now */
	THREAD_RUNNABLE,         /* in a run queue */
	THREAD_SEND_BLOCKED,     /* queued on an endpoint to send or call */
	THREAD_RECV_BLOCKED,     /* queued on an endpoint to receive */
	THREAD_REPLY_BLOCKED,    /* its call was received; waiting for the reply */
	THREAD_WAIT_BLOCKED,     /* waiting for a task to end */
	THREAD_CONSOLE_BLOCKED,  /* in SYS_CONSOLE_READ, waiting for input */
	THREAD_SLEEP_BLOCKED,    /* in SYS_SLEEP_UNTIL, on the sleepers (kernel/sleep.c) */
	THREAD_IRQ_BLOCKED,      /* in SYS_IRQ_WAIT (kernel/device.c); with a deadline,
				  * on the sleepers too */
	THREAD_DEAD,             /* ended; freed once off its stack */
};

struct thread {
	struct object obj;
	struct task *task;       /* NULL: a kernel thread */
	uint32_t id;             /* unique, never reused */
	enum thread_state state;
	unsigned priority;       /* 0..PRIORITY_MAX */
	unsigned hart;           /* hart index whose run queue it uses */
	struct list link;        /* run queue, endpoint queue, task wait queue or the
				  * sleepers (kernel/sleep.c) */
	struct list task_link;   /* the task's threads */
	struct kcontext context; /* where it resumes in the kernel */
	void *kstack;            /* lowest address; NULL for boot-time threads */
	struct trap_frame *tf;   /* user registers, at the top of kstack */
	struct fpu_state *fpu;   /* its F/D registers once it used them, else NULL
				  * (kernel/thread_fpu.c) */
	/* IPC */
	struct endpoint *queued_on;  /* SEND/RECV_BLOCKED: that endpoint */
	bool calling;            /* SEND_BLOCKED by call (or a fault), not send */
	bool in_fault;           /* its call is a fault message (fault_begin/fault_done) */
	bool in_kernel_fault;    /* ... taken by a copy helper inside a system call */
	uint64_t fault_deadline_ms; /* in_fault: ended as PAGER_TIMEOUT after this */
	vaddr_t fault_page;      /* in_fault: the page a MSG_FAULT_MAP reply may map */
	struct list fault_link;  /* in_fault: on the list of threads waiting for a pager */
	struct ipc_msg msg;      /* SEND_BLOCKED: the message */
	struct thread *caller;   /* whose call it received and must answer */
	struct thread *callee;   /* REPLY_BLOCKED: who has its call */
	struct task *waiting_for; /* WAIT_BLOCKED: on this task's waiters */
	long wait_result;        /* the exit code it waited for */
	uint64_t sleep_until;    /* SLEEP_BLOCKED: its deadline, in time-CSR counts */
	enum exit_reason wait_reason; /* ... and why the task ended */
	struct list console_link; /* in SYS_CONSOLE_READ: on the console's readers */
	bool console_reading;    /* ... on that list (kernel/console_input.c) */
	bool console_raw;        /* ... with CONSOLE_READ_RAW */
	bool killed;             /* end it on its next way out of the kernel */
	enum exit_reason kill_reason; /* killed: why */
	const char *kill_why;    /* killed: printed then (NULL: quietly) */
	long exit_code;
	const char *name;        /* kernel threads */
	/* The fault trace (kernel/fault_trace.c), last: off the hot fields' offsets. */
	bool fault_traced;       /* in_fault, and its task's faults are traced: */
	uint32_t trace_hart;     /* ... the hart it faulted on */
	uint32_t trace_access;   /* ... FAULT_* */
	uint64_t trace_instret;  /* ... that hart's instruction count then */
	vaddr_t trace_addr;      /* ... the address */
	uint64_t trace_pc;       /* ... and the instruction */
	struct irq_object *irq_wait; /* IRQ_BLOCKED: the interrupt it waits for */
	bool irq_deadline;       /* ... on the sleepers, until sleep_until */
};

struct endpoint {
	struct object obj;
	struct list senders;     /* threads SEND_BLOCKED here, in order */
	struct list receivers;   /* threads RECV_BLOCKED here */
	uint32_t send_refs;      /* handles with SEND, fault-handler slots */
	uint32_t recv_refs;      /* handles with RECV */
	struct list notices;     /* ended tasks to tell of (MSG_TASK_EXITED), in order */
};

struct frame_object {
	struct object obj;
	paddr_t pa;
	uint64_t size;           /* bytes, whole pages */
	unsigned order;          /* buddy blocks: size is PAGE_SIZE << order */
	bool dma;                /* allocated for DMA: its address may be told */
	bool image;              /* a file of the boot image: the kernel's pages,
				  * read and execute only, never freed */
	bool device;             /* a device's registers, not RAM: no page
				  * descriptors, never the buddy's (kernel/device.c) */
};

/* A device's interrupt, as a driver holds it (kernel/device.c). */
struct irq_object {
	struct object obj;
	uint32_t source;         /* its PLIC source */
	struct frame_object *device; /* its device's registers: held while it lives */
	bool fired;              /* claimed at the PLIC, masked until SYS_IRQ_ACK */
	struct thread *waiter;   /* in SYS_IRQ_WAIT, or NULL */
};

#define TASK_NAME_MAX 32

struct task {
	struct object obj;
	uint32_t id;             /* unique while it lives (FAULT_TASK of its faults) */
	const char *name;        /* a program's name, or name_buf */
	char name_buf[TASK_NAME_MAX + 1];
	struct page_table pt;    /* root 0: not made, or freed */
	uint64_t asid_ctx;
	struct handle handles[TASK_HANDLES];
	uint64_t handles_used;   /* bit i: handles[i] holds an object; bit 0 (never
				  * a handle) always set.  handle_free_slot reads it */
	struct handle fault_ep;  /* obj NULL: no handler */
	struct list threads;
	unsigned live_threads;   /* not yet ended; 0 and !exited: never had a thread */
	unsigned unfreed_threads; /* not yet freed: the space goes with the last */
	bool exited;
	bool exit_forced;        /* SYS_EXIT, SYS_TASK_KILL: exit_code and
				  * exit_reason are set, whoever ends last */
	long exit_code;
	enum exit_reason exit_reason; /* exited: why (SYS_TASK_WAIT's a1) */
	struct list waiters;     /* threads WAIT_BLOCKED on it */
	uint64_t faults;         /* page faults sent to its handler */
	uint64_t instructions;   /* retired on a hart while one of its threads
				  * was current, up to its last switch away
				  * (kernel/account.h), user mode included */
	uint64_t user_instructions; /* of those, in user mode */
	uint64_t entry;          /* its program's entry point */
	bool exit_notice;        /* tell its fault endpoint when it ends (TASK_EXIT_NOTICE) */
	struct list notice_link; /* on that endpoint's notices, holding a reference */
	uint64_t notice_badge;   /* the fault endpoint handle's badge */
	struct list all_link;    /* on the list of every task (kernel/task.c) */
	void **levers;           /* SYS_LEVER's kmalloc blocks (LEVER_BLOCKS), or NULL */
};

/* Reference counting; obj_put destroys at zero. */
void obj_get(struct object *o);
void obj_put(struct object *o);

/*
 * Handles of task t.  handle_get: the slot `h` if it holds an object of
 * `type` with every right in `need`; else ERR_BAD_HANDLE, ERR_WRONG_TYPE
 * or ERR_DENIED.
 */
err_t handle_get(struct task *t, uint64_t h, enum object_type type, uint32_t need,
		 struct handle **out);
/* The lowest free slot of t, or 0. */
unsigned handle_free_slot(const struct task *t);
/* Put a copy of `src` in slot `slot` of t (free, nonzero): a new reference,
 * or none when src names t itself (a weak handle). */
void handle_install(struct task *t, unsigned slot, const struct handle *src);
/* Empty slot `slot` of t (a handle handle_get found), dropping its reference. */
void handle_close(struct task *t, unsigned slot);
/* Empty a detached handle (a task's fault slot), dropping its reference. */
void handle_release(struct handle *h);
/* Empty every slot of t, after checking handles_used against them (a panic
 * names the first that disagrees). */
void handle_close_all(struct task *t);

/* Endpoints (kernel/ipc.c). */
struct endpoint *endpoint_create(void);
void endpoint_destroy(struct endpoint *ep);
/* A handle with `rights` to ep appeared (+1) or went away (-1). */
void endpoint_count_rights(struct endpoint *ep, uint32_t rights, int delta);

/* Frames (kernel/frame_object.c). */
err_t frame_object_create(uint64_t size, unsigned flags, struct frame_object **out);
void frame_object_destroy(struct frame_object *f);
/* Make the frame objects of the boot-image files (at boot), and find one. */
void frame_object_images_init(void);
struct frame_object *frame_object_of_image(const struct user_image *img);

/* Tasks (kernel/task.c) and threads (kernel/thread.c). */
void task_destroy(struct task *t);
void thread_destroy(struct thread *t);

#endif
