/*
 * The system-call ABI, shared by the kernel and user space (user code
 * includes nothing else of the kernel but include/tessera/).
 *
 * ecall with the call number in a7 and arguments in a0..a5; the result
 * comes back in a0: >= 0 success, or the negated err_t code
 * (include/tessera/errors.h), e.g. -ERR_FAULT for a bad pointer.  Every
 * call checks all of its arguments before it changes anything.
 *
 * Objects (tasks, threads, endpoints, frames) are named by handles: small
 * integers indexing the calling task's handle table, each with rights.  0
 * is never a handle.  A new task finds HANDLE_SELF (its own task, all
 * rights) in slot 1.  Errors common to every handle argument:
 *   ERR_BAD_HANDLE  no object in that slot (or the number is out of range)
 *   ERR_WRONG_TYPE  the object is not of the type the call needs
 *   ERR_DENIED      the handle lacks a right the call needs
 */
#ifndef TESSERA_SYSCALL_H
#define TESSERA_SYSCALL_H

enum syscall_number {
	SYS_DEBUG_WRITE = 1,    /* (buf, len) -> len.  ERR_FAULT, ERR_INVALID_ARGUMENT (len) */
	SYS_EXIT = 2,           /* (code): ends the calling task, all its threads, with
				 * that code.  No return. */
	SYS_YIELD = 3,          /* () -> 0: to the back of the run queue */
	SYS_HANDLE_CLOSE = 4,   /* (h) -> 0 */
	SYS_HANDLE_DUP = 5,     /* (h, rights, badge) -> new handle with rights a subset
				 * of h's; a nonzero badge only from an unbadged h.
				 * ERR_DENIED (more rights, rebadge), ERR_NO_MEMORY (table full) */
	SYS_ENDPOINT_CREATE = 6, /* () -> endpoint handle (SEND RECV TRANSFER FAULT) */
	SYS_FRAME_ALLOC = 7,    /* (size, flags) -> frame handle (READ WRITE EXEC
				 * TRANSFER); zeroed.  size: a power of two pages up to
				 * FRAME_MAX_SIZE.  flags: FRAME_ALLOC_*.
				 * ERR_INVALID_ARGUMENT, ERR_NO_MEMORY */
	SYS_FRAME_PADDR = 8,    /* (frame) -> physical address; only frames allocated with
				 * FRAME_ALLOC_DMA or _DMA32 (ERR_DENIED otherwise),
				 * or any with RIGHT_INTROSPECT or RIGHT_DEVICE */
	SYS_MAP = 9,            /* (task, frame, offset, vaddr, size, rights) -> 0: map
				 * [offset, offset + size) of the frame at vaddr in the
				 * task.  task needs MANAGE; rights (MAP_*) a subset of the
				 * frame handle's.  ERR_INVALID_ARGUMENT (alignment,
				 * range, rights), ERR_EXISTS (a page is mapped), ERR_NO_MEMORY,
				 * ERR_DENIED (a device's registers into another task
				 * than the caller's: also as a fault reply) */
	SYS_UNMAP = 10,         /* (task, vaddr, size) -> 0: unmapped pages are skipped */
	SYS_TASK_SPAWN = 11,    /* (name, len, fault_ep, pass, flags) -> task handle
				 * (READ MANAGE TRANSFER FAULT).  Starts the boot-image program
				 * `name` with fault_ep (an endpoint with SEND and FAULT,
				 * or 0) as its fault handler; pass (a handle with
				 * TRANSFER, or 0) is copied into the new task, whose
				 * first thread gets its slot in a0.  The new task's
				 * HANDLE_SELF lacks FAULT when fault_ep is given.
				 * flags: 0 or TASK_INTROSPECT.  ERR_NOT_FOUND (no
				 * such program), ERR_FAULT, ERR_INVALID_ARGUMENT,
				 * ERR_NO_MEMORY, ERR_DENIED (TASK_INTROSPECT) */
	SYS_TASK_WAIT = 12,     /* (task) -> the task's exit code, once it has ended
				 * (READ), with a1 = why it ended (EXIT_*, below; -1 is
				 * the code of every EXIT_* but EXIT_NORMAL).  On an
				 * error a1 = EXIT_REASONS: so an exit code of -1 is
				 * told from -ERR_INVALID_ARGUMENT.  A task that never
				 * had a thread: ERR_NOT_FOUND (nothing would end it) */
	SYS_TASK_SET_FAULT = 13, /* (task, ep) -> 0: ep (SEND and FAULT, or 0 for none)
				  * handles the task's page faults from now on (task:
				  * MANAGE and FAULT) */
	SYS_THREAD_CREATE = 14, /* (task, entry, stack_top, arg, priority) -> thread
				 * handle: a new thread of the task (MANAGE) with a0 =
				 * arg.  priority <= the caller's (ERR_DENIED).
				 * ERR_INVALID_ARGUMENT, ERR_NOT_FOUND (task ended) */
	SYS_IPC_SEND = 15,      /* IPC: see below */
	SYS_IPC_RECV = 16,
	SYS_IPC_CALL = 17,
	SYS_IPC_REPLY_RECV = 18,
	SYS_THREAD_SELF = 19,   /* () -> the calling thread's id (as in fault messages) */
	SYS_THREAD_EXIT = 20,   /* (code): ends the calling thread; the task ends with its
				 * last thread, with that code.  No return. */
	SYS_IMAGE_OPEN = 21,    /* (name, len) -> frame handle (READ EXEC TRANSFER) on the
				 * boot-image file `name`: its own pages, mappable read
				 * and execute, SYS_FRAME_SIZE bytes (the file padded
				 * with zeros to whole pages), with a1 = the file's own
				 * size in bytes (what stat reports; 0 for an empty
				 * file, whose frame is one zero page).  ERR_NOT_FOUND,
				 * ERR_FAULT, ERR_INVALID_ARGUMENT, ERR_NO_MEMORY */
	SYS_FRAME_SIZE = 22,    /* (frame) -> its size in bytes */
	SYS_TASK_CREATE = 23,   /* (name, len, fault_ep, flags) -> task handle (READ
				 * MANAGE TRANSFER FAULT): a task with nothing mapped and no
				 * thread, called `name` in reports (1..32 bytes); fault_ep
				 * as for SYS_TASK_SPAWN.  flags: TASK_EXIT_NOTICE (needs
				 * fault_ep), TASK_INTROSPECT.  ERR_FAULT,
				 * ERR_INVALID_ARGUMENT, ERR_NO_MEMORY, ERR_DENIED */
	SYS_PROTECT = 24,       /* (task, vaddr, size, rights) -> 0: every page of the
				 * range gets `rights`, which may only take rights away
				 * (ERR_DENIED).  Every page must be mapped
				 * (ERR_NOT_FOUND).  task: MANAGE.  ERR_INVALID_ARGUMENT */
	SYS_TASK_GIVE = 25,     /* (task, h, rights) -> the slot in task (MANAGE) where a
				 * copy of h (TRANSFER) with `rights` (a subset of h's,
				 * else ERR_DENIED) now is.  ERR_NO_MEMORY (its table is
				 * full), ERR_NOT_FOUND (the task ended).  A handle to a
				 * task that never had a thread may go only into itself
				 * or into a task that has had one (ERR_DENIED): tasks
				 * that cannot run never hold each other (no cycles) */
	SYS_TASK_STATUS = 26,   /* (task) -> 1 once the task (READ) has ended, with a1 =
				 * why (EXIT_*) and a2 = its exit code; else 0 */
	SYS_TASK_KILL = 27,     /* (task) -> 0: ends every thread of the task (MANAGE; not
				 * the caller's own: ERR_INVALID_ARGUMENT); it ends with
				 * -1 and EXIT_KILLED, a task with no thread at once.  Threads running on
				 * other harts end on their next way into or out of the
				 * kernel, never blocking again.  ERR_NOT_FOUND (already
				 * ended) */
	SYS_TASK_ID = 28,       /* (task) -> the task's id (READ): unique while it
				 * lives, the high half of word 3 of its fault messages */
	SYS_MAPPING = 29,       /* (task, vaddr) -> the first user page mapped at or above
				 * vaddr in the task (MANAGE), with a1 = the slot of the
				 * caller's frame handle whose frame it is a page of (0:
				 * none of the caller's), a2 = its offset in that frame,
				 * a3 = its MAP_* rights.  ERR_NOT_FOUND (none up to
				 * USER_TOP), ERR_INVALID_ARGUMENT (vaddr past it).  For a
				 * pager's audit: every page its clients map of its
				 * frames, against its books */
	SYS_CONSOLE_READ = 30,  /* (buf, len, flags) -> bytes read from the console
				 * into buf, at least 1; 0 is end of file.  Blocks the
				 * calling thread until there is input.  flags: 0 or
				 * CONSOLE_READ_RAW (below).  ERR_FAULT (buf),
				 * ERR_INVALID_ARGUMENT (len 0, unknown flags) */
	SYS_CLOCK_INFO = 31,    /* () -> the frequency of the `time` CSR in Hz (the
				 * device tree's timebase-frequency, the boot report's
				 * `timebase:`).  User mode may read that CSR (rdtime):
				 * seconds since the hart's counter started are
				 * rdtime / this.  No arguments; never fails */
	SYS_TASK_USAGE = 32,    /* (task) -> 0, with a1 = the instructions the task
				 * (READ) ran in user mode, a2 = those the kernel ran
				 * while one of its threads was the hart's current one
				 * (its system calls, faults, ticks, switches; not the
				 * idle thread's), a3 = 1 when instret counts
				 * instructions (the word icount, as QEMU -icount
				 * makes it), 0 when they may be host ticks, a4 = those
				 * every hart's idle thread ran waiting for work (the
				 * ticks and interrupts it took meanwhile: no task's).
				 * Up to the last time one of its threads left a hart
				 * (a4: the last wait's end); an ended task's stay
				 * while a handle holds it */
	SYS_SLEEP_UNTIL = 33,   /* (time) -> 0 once the `time` CSR (rdtime, at
				 * SYS_CLOCK_INFO Hz) has reached `time`; at once if
				 * it has.  The calling thread is blocked meanwhile (its
				 * hart runs others or idles), and woken by the first
				 * timer tick at or after `time`: up to about one tick
				 * (10 ms) late.  A killed sleeper ends at once.
				 * Never fails */
	SYS_MEMINFO = 34,       /* (what, index, buf, len, at) -> the bytes written to
				 * buf: the answer's struct (include/tessera/meminfo.h:
				 * MEMINFO_ZONE a zone, MEMINFO_SLAB a slab cache,
				 * MEMINFO_VMALLOC a vmalloc area, MEMINFO_TASK a
				 * task, each by index; MEMINFO_FRAME the frame at a
				 * physical address; MEMINFO_PT, MEMINFO_LEAF the
				 * task whose id is index, at address `at`).
				 * Needs RIGHT_INTROSPECT on the caller's
				 * own task (HANDLE_SELF): ERR_DENIED without, whatever
				 * the other arguments.  ERR_INVALID_ARGUMENT (what, a
				 * zone index, len below the answer's size, `at`
				 * not canonical or, for a leaf, not a user
				 * address), ERR_FAULT
				 * (buf), ERR_NOT_FOUND (a slab, vmalloc or task
				 * index past the last; no task with that id; no
				 * leaf at or above `at`) */
	SYS_FAULT_TRACE = 35,   /* (task id, on) -> 0: record every page fault of the
				 * task with that id (0: of every task) from now on, in
				 * a ring MEMINFO_FAULT reads; on 0 stops and frees it.
				 * One tracer at a time: a new call replaces the last.
				 * Needs RIGHT_INTROSPECT (ERR_DENIED).
				 * ERR_INVALID_ARGUMENT (on not 0 or 1),
				 * ERR_NO_MEMORY (the ring) */
	SYS_LEVER = 36,         /* (op, argument): the memory shell's levers on the
				 * kernel's allocators, its task's until it ends:
				 * LEVER_KMALLOC size -> a kmalloc block's kernel
				 * address (as a long below -4096: never taken for
				 * an -ERR_*); LEVER_KFREE address -> 0;
				 * LEVER_SLAB_BUG bug -> the reports slab debug
				 * made of it (below).  Needs
				 * RIGHT_INTROSPECT (ERR_DENIED).  ERR_INVALID_ARGUMENT
				 * (op, size 0 or over LEVER_KMALLOC_MAX),
				 * ERR_NO_MEMORY (none, or LEVER_BLOCKS held),
				 * ERR_NOT_FOUND (kfree of another address) */
	SYS_DEVICE_OPEN = 37,   /* (compatible, len, index) -> a frame handle (READ WRITE,
				 * never EXEC or TRANSFER) on the registers of the
				 * index-th enabled device-tree node whose compatible
				 * list holds that string: its first reg range, rounded
				 * out to whole pages, device memory (never RAM).  a1 =
				 * its physical address, a2 = its size in bytes as the
				 * tree says, a3 = its interrupt (PLIC source, 0: none),
				 * a4 = the first physical address its DMA cannot
				 * reach (the tree's tightest dma-ranges, FRAME_ALLOC_DMA's
				 * zone; 0: no limit).  One holder at a time: the
				 * range is the device's until every handle and
				 * mapping of it is gone; then, and when the
				 * opener ends, the kernel stops the device.  Needs
				 * RIGHT_DEVICE on HANDLE_SELF (ERR_DENIED, first).
				 * ERR_NOT_FOUND (no such node), ERR_EXISTS (held),
				 * ERR_NOT_SUPPORTED (a kind of device the kernel
				 * cannot stop), ERR_INVALID_ARGUMENT
				 * (len 0 or over DEVICE_COMPATIBLE_MAX; a node with no
				 * usable reg, or one over RAM or the kernel's own
				 * devices), ERR_FAULT, ERR_NO_MEMORY */
	SYS_IRQ_OPEN = 38,      /* (device frame) -> an interrupt handle (READ TRANSFER)
				 * for the device's interrupt, routed to the boot
				 * hart, enabled.  ERR_WRONG_TYPE (not a device's
				 * frame), ERR_NOT_FOUND (it has no interrupt),
				 * ERR_EXISTS (open already), ERR_NOT_SUPPORTED (no
				 * PLIC the kernel can drive), ERR_NO_MEMORY */
	SYS_IRQ_WAIT = 39,      /* (irq, deadline) -> 1 once the interrupt has fired
				 * (at once if it did since the last SYS_IRQ_ACK), 0
				 * when the `time` CSR reaches deadline first (0: no
				 * deadline).  The source stays masked from its firing
				 * to SYS_IRQ_ACK: the driver reads its device, then
				 * acknowledges.  One waiter per interrupt
				 * (ERR_EXISTS).  A killed waiter ends at once */
	SYS_IRQ_ACK = 40,       /* (irq) -> 0: the fired interrupt may fire again.
				 * ERR_NOT_FOUND (none fired since the last ack) */
	SYS_PAGE_USED = 41,     /* (task, vaddr, count, flags) -> 0, with a1 = which of
				 * the count pages (0..64) from vaddr were accessed
				 * (bit i: page i) and a2 = which written since their
				 * bits were last cleared.  PAGE_USED_CLEAR clears the
				 * bits, so that the next use sets them again (the
				 * hart, or the kernel on a fault where the hart leaves
				 * it to software), and flushes this hart's TLB; until
				 * a PAGE_USED_SYNC another hart may still use a page
				 * through the entry it caches without setting them.
				 * PAGE_USED_SYNC, after the rest, makes every hart
				 * drop the entries any call cleared bits of (one
				 * remote fence, none when nothing was cleared since
				 * the last): a reclaim pass clears as it samples and
				 * syncs once at its end.  Unmapped pages read as 0.
				 * count 0 (only with PAGE_USED_SYNC): vaddr is not
				 * looked at.  For a pager's reclaim.  task: MANAGE.
				 * ERR_INVALID_ARGUMENT (alignment, count, a range
				 * past user space, unknown flags), ERR_NOT_FOUND (the
				 * task ended) */
	SYS_COUNT
};

#define DEVICE_COMPATIBLE_MAX 64

/* SYS_LEVER's operations and limits. */
#define LEVER_KMALLOC 1ul
#define LEVER_KFREE 2ul
#define LEVER_SLAB_BUG 3ul                 /* (bug): a bug of that kind on an object of
					    * a debug cache made for it, which slab
					    * debug reports on the console -> the
					    * reports (1); the cache is destroyed after */
#define LEVER_BUG_WRITE_AFTER_FREE 1ul     /* a byte of a freed object written */
#define LEVER_BUG_DOUBLE_FREE 2ul          /* an object freed twice */
#define LEVER_BUG_OVERFLOW 3ul             /* the byte after an object written */
#define LEVER_BUG_OBJECT 48                /* the debug cache's object size */
#define LEVER_BLOCKS 32                  /* blocks a task may hold */
#define LEVER_KMALLOC_MAX 0x100000ul     /* 1 MiB */

/* SYS_PROTECT changes at most this many pages per call. */
#define PROTECT_MAX_PAGES 1024

/* Rights of a handle. */
#define RIGHT_READ (1u << 0)      /* frames: map readable; tasks: wait */
#define RIGHT_WRITE (1u << 1)     /* frames: map writable */
#define RIGHT_EXEC (1u << 2)      /* frames: map executable */
#define RIGHT_SEND (1u << 3)      /* endpoints: send, call */
#define RIGHT_RECV (1u << 4)      /* endpoints: recv, reply_recv */
#define RIGHT_TRANSFER (1u << 5)  /* may be passed to another task (IPC, spawn) */
#define RIGHT_MANAGE (1u << 6)    /* tasks: map, unmap, protect, threads, give, kill */
#define RIGHT_FAULT (1u << 7)     /* endpoints: may become a task's fault endpoint (and
				   * exit-notice target); tasks: may change theirs.  A
				   * pager keeps it: its clients' handles lack it */
#define RIGHT_INTROSPECT (1u << 8) /* tasks: on a task's own handle (HANDLE_SELF),
				   * the memory-introspection calls (SYS_MEMINFO).
				   * init's has it from boot; a task gets it only
				   * when one that has it makes it with
				   * TASK_INTROSPECT.  Like every right, never added
				   * by a copy */
#define RIGHT_DEVICE (1u << 9)   /* tasks: on a task's own handle, the driver calls
				   * (SYS_DEVICE_OPEN, SYS_FRAME_PADDR of any frame).
				   * init's has it from boot; a task gets it only when
				   * one that has it makes it with TASK_DEVICE */
#define RIGHTS_ALL 0x3ffu

/* Mapping rights (SYS_MAP, fault replies): the frame rights of the same names. */
#define MAP_READ RIGHT_READ
#define MAP_WRITE RIGHT_WRITE
#define MAP_EXEC RIGHT_EXEC

#define HANDLE_SELF 1             /* every task's own task handle.  A handle in a
				   * task's table to that task itself holds no
				   * reference: it does not keep the task alive */
#define TASK_HANDLES 64           /* slots per task, 1..63 usable */

/* SYS_FRAME_ALLOC flags: the zone (none: any memory). */
#define FRAME_ALLOC_DMA (1u << 0)    /* below the board's DMA limit (ZONE_DMA) */
#define FRAME_ALLOC_DMA32 (1u << 1)  /* below 4 GiB (ZONE_DMA32, else ZONE_DMA) */
#define FRAME_ALLOC_SPARE (1u << 2)  /* only while the zone keeps its high watermark
				      * free: memory no one else needs now (a
				      * pager with swap grows its pool so) */

/* SYS_PAGE_USED flags. */
#define PAGE_USED_CLEAR (1u << 0)    /* clear A and D as they are read */
#define PAGE_USED_SYNC (1u << 1)     /* then make every hart's TLB see the clears */
#define FRAME_MAX_SIZE 0x200000ul    /* 2 MiB */

/*
 * IPC: synchronous rendezvous on an endpoint.  A message is a tag and four
 * words in registers, plus at most one handle:
 *   in:  a0 endpoint, a1 tag, a2..a5 words, a6 handle to pass (0: none)
 *   out: a0 0 or -error, a1 tag, a2..a5 words, a6 the handle received (a
 *        new slot in the receiver's table, or 0), a7 the badge of the
 *        sender's endpoint handle (0 for replies)
 * send: deliver to a waiting receiver, or wait for one (needs SEND).
 * recv: take a waiting sender's message, or wait for one (needs RECV).  A
 *       message from `call` makes the sender the receiver's caller, whom
 *       the next reply_recv answers.
 * call: send, then wait for the reply.
 * reply_recv: reply to the caller (a0 is the endpoint to receive on; the
 *       reply is the tag, words and handle), then recv.  With no caller
 *       (none yet, or it died) only the recv happens.
 * A passed handle needs TRANSFER; the receiver gets a copy with the same
 * rights.  Tags with MSG_KERNEL set are the kernel's: sending one fails with
 * ERR_INVALID_ARGUMENT, except as a reply to a fault message.
 * ERR_PEER_GONE: nobody can receive (every RECV handle is closed), the
 * thread that had the call died before replying, or a receiver is waiting
 * for senders that no longer exist.  A thread that receives again without
 * replying abandons its caller, which gets ERR_PEER_GONE.
 * ERR_NO_MEMORY: the receiver's table has no free slot for the passed
 * handle; nothing was delivered.
 */
#define MSG_KERNEL (1ul << 63)
#define MSG_WORDS 4

/*
 * Page faults.  A user thread that touches a page it may not is blocked,
 * and the kernel calls the task's fault endpoint on its behalf with
 *   tag MSG_FAULT, words {address, access (FAULT_*), pc,
 *                         thread id | task id << 32 (FAULT_THREAD, FAULT_TASK)},
 *   badge: the badge of the endpoint handle given to SYS_TASK_SPAWN or
 *   SYS_TASK_SET_FAULT.
 * The handler answers with reply_recv:
 *   MSG_FAULT_MAP    words {frame handle, offset in frame, vaddr, rights}:
 *                    map one page of the frame at vaddr, which must be the
 *                    faulting page, in the faulting task (replacing what is
 *                    mapped there), then resume the thread.  Checked like
 *                    SYS_MAP; a refused reply returns the error to the
 *                    handler and the thread stays blocked.
 *   MSG_FAULT_RESUME resume without mapping (the handler mapped with SYS_MAP).
 *   MSG_FAULT_KILL   words {reason}: end the thread, reporting the reason
 *                    (FAULT_KILL_*, printed by name; any other number is
 *                    printed as a number).
 * No handler, or one that dies or abandons the fault: the thread is ended
 * and reported; the kernel goes on.
 */
/*
 * A handler may say what it decided, for the fault trace (SYS_FAULT_TRACE):
 * MSG_FAULT_MAP's rights word and MSG_FAULT_RESUME's word 0 carry a note
 * FAULT_NOTE(kind, count) above bit 8; the kernel uses only the rights
 * below it.  count: pages mapped around the fault with it (fault-around).
 */
#define FAULT_NOTE_SHIFT 8
#define FAULT_NOTE(kind, count) (((uint64_t)(kind) | (uint64_t)(count) << 8) << FAULT_NOTE_SHIFT)
enum fault_note {
	FAULT_NOTE_NONE = 0,             /* the handler said nothing */
	FAULT_NOTE_ZERO_FILL,            /* a new page of zeros */
	FAULT_NOTE_FILE,                 /* the file's own page, no copy */
	FAULT_NOTE_FILE_COPY,            /* a new page copied from the file */
	FAULT_NOTE_COW_COPY,             /* a write to a shared page: copied */
	FAULT_NOTE_COW_REUSE,            /* ... the last user: write given back */
	FAULT_NOTE_MAPPED_AGAIN,         /* a page it had: mapped again */
	FAULT_NOTE_PREPARED,             /* a page made before the first touch (the
					  * first stack page, with argv) */
	FAULT_NOTE_SWAP_IN,              /* read back from swap */
	FAULT_NOTES
};

#define MSG_FAULT (MSG_KERNEL | 1)
#define MSG_FAULT_MAP (MSG_KERNEL | 2)
#define MSG_FAULT_RESUME (MSG_KERNEL | 3)
#define MSG_FAULT_KILL (MSG_KERNEL | 4)

/* Why a fault handler refuses a fault (MSG_FAULT_KILL word 0). */
enum fault_kill_reason {
	FAULT_KILL_NO_REGION = 1,          /* nothing is ever mapped there */
	FAULT_KILL_PROTECTION = 2,         /* the memory there does not allow that access */
	FAULT_KILL_OUT_OF_MEMORY = 3,      /* no page for it: a limit, or none left */
	FAULT_KILL_STACK_OVERFLOW = 4,     /* the guard page below a stack */
	FAULT_KILL_FOREIGN_TASK = 5,       /* the faulting task is not the one the badge names */
	FAULT_KILL_IO_ERROR = 6,           /* the page's contents are on a disk that failed */
	FAULT_KILL_REASONS
};

/*
 * Why a task ended (SYS_TASK_WAIT's and SYS_TASK_STATUS's a1, word 1 of an
 * exit notice).  A task ends with its last thread, and takes that thread's
 * reason, except that SYS_EXIT (EXIT_NORMAL) and SYS_TASK_KILL (EXIT_KILLED)
 * end every thread and give the task theirs.  A thread ended by the kernel
 * has exit code -1 and one of the reasons after EXIT_NORMAL, which the
 * console names too.  The values are the ABI: a new reason gets a new
 * number, and EXIT_REFUSED_* equal the FAULT_KILL_* of their names.
 */
enum exit_reason {
	EXIT_NORMAL = 0,            /* SYS_EXIT, or the last thread's SYS_THREAD_EXIT:
				     * the code is the program's own */
	EXIT_REFUSED_NO_REGION = FAULT_KILL_NO_REGION,  /* its fault handler answered
				     * a fault with MSG_FAULT_KILL and that reason */
	EXIT_REFUSED_PROTECTION = FAULT_KILL_PROTECTION,
	EXIT_REFUSED_OUT_OF_MEMORY = FAULT_KILL_OUT_OF_MEMORY,
	EXIT_REFUSED_STACK_OVERFLOW = FAULT_KILL_STACK_OVERFLOW,
	EXIT_REFUSED_FOREIGN_TASK = FAULT_KILL_FOREIGN_TASK,
	EXIT_REFUSED_IO_ERROR = FAULT_KILL_IO_ERROR,
	EXIT_REFUSED_OTHER = 16,    /* ... with a reason that is none of FAULT_KILL_* */
	EXIT_NO_FAULT_HANDLER = 17, /* a page fault in a task with no fault handler */
	EXIT_NOT_USER_MEMORY = 18,  /* a page fault outside [USER_BASE, USER_TOP) */
	EXIT_PAGER_GONE = 19,       /* its fault handler ended, closed its endpoint, or
				     * received again without answering the fault */
	EXIT_PAGER_TIMEOUT = 20,    /* no answer to the fault within pager_timeout_ms */
	EXIT_KILLED = 21,           /* SYS_TASK_KILL (a pager's PAGER_KILL is one) */
	EXIT_BAD_TRAP = 22,         /* a trap that is not a system call or a page
				     * fault: illegal instruction, misaligned access... */
	EXIT_NO_FPU_MEMORY = 23,    /* no kernel memory for the F/D registers of a
				     * thread at its first FP instruction */
	EXIT_REASONS
};
_Static_assert((int)FAULT_KILL_REASONS <= (int)EXIT_REFUSED_OTHER,
	       "every FAULT_KILL_* reason has its EXIT_REFUSED_* of the same value");

/* The name of an exit reason ("EXIT_PAGER_GONE"), or NULL for none of them. */
static inline const char *exit_reason_name(unsigned long reason)
{
	switch (reason) {
	case EXIT_NORMAL: return "EXIT_NORMAL";
	case EXIT_REFUSED_NO_REGION: return "EXIT_REFUSED_NO_REGION";
	case EXIT_REFUSED_PROTECTION: return "EXIT_REFUSED_PROTECTION";
	case EXIT_REFUSED_OUT_OF_MEMORY: return "EXIT_REFUSED_OUT_OF_MEMORY";
	case EXIT_REFUSED_STACK_OVERFLOW: return "EXIT_REFUSED_STACK_OVERFLOW";
	case EXIT_REFUSED_FOREIGN_TASK: return "EXIT_REFUSED_FOREIGN_TASK";
	case EXIT_REFUSED_IO_ERROR: return "EXIT_REFUSED_IO_ERROR";
	case EXIT_REFUSED_OTHER: return "EXIT_REFUSED_OTHER";
	case EXIT_NO_FAULT_HANDLER: return "EXIT_NO_FAULT_HANDLER";
	case EXIT_NOT_USER_MEMORY: return "EXIT_NOT_USER_MEMORY";
	case EXIT_PAGER_GONE: return "EXIT_PAGER_GONE";
	case EXIT_PAGER_TIMEOUT: return "EXIT_PAGER_TIMEOUT";
	case EXIT_KILLED: return "EXIT_KILLED";
	case EXIT_BAD_TRAP: return "EXIT_BAD_TRAP";
	case EXIT_NO_FPU_MEMORY: return "EXIT_NO_FPU_MEMORY";
	default: return (const char *)0;
	}
}

/*
 * Exit notices.  A task made with TASK_EXIT_NOTICE has, when it ends,
 *   tag MSG_TASK_EXITED, words {exit code, exit reason (EXIT_*), 0, 0}, badge: its fault
 *   endpoint handle's
 * received on its fault endpoint: after every fault message of the task,
 * and before any message still queued by a sender.  It is not a call:
 * nothing answers it.  A pager uses it to free a client's memory at once.
 */
#define MSG_TASK_EXITED (MSG_KERNEL | 5)
#define TASK_EXIT_NOTICE 1ul      /* SYS_TASK_CREATE flag */
#define TASK_INTROSPECT 2ul       /* SYS_TASK_CREATE and SYS_TASK_SPAWN flag: the task
				   * handle the caller gets (and, for a spawned task,
				   * its own HANDLE_SELF) has RIGHT_INTROSPECT.  Only a
				   * caller whose own handle has it may ask: ERR_DENIED */
#define TASK_DEVICE 4ul           /* SYS_TASK_SPAWN flag: the task's own HANDLE_SELF
				   * has RIGHT_DEVICE (a driver).  Only a caller whose
				   * own handle has it may ask: ERR_DENIED */
#define FAULT_THREAD(w3) ((uint32_t)(w3))
#define FAULT_TASK(w3) ((uint32_t)((w3) >> 32))
#define FAULT_READ 1
#define FAULT_WRITE 2
#define FAULT_EXEC 3

/*
 * SYS_CONSOLE_READ.  Without flags the console is a terminal in canonical
 * mode: it echoes what is typed (unless the kernel word console_echo=off),
 * Backspace (0x08) and DEL (0x7f) erase a byte, Ctrl-U (0x15) the line,
 * CR becomes NL, and a read returns at most one line, once it is complete
 * (NL included); Ctrl-D (0x04) ends the line without a NL, or on an
 * empty line makes the read return 0 (end of file).  A line longer than
 * CONSOLE_LINE_MAX is returned in pieces of that size.  A read shorter
 * than the line leaves the rest for the next read.
 * CONSOLE_READ_RAW: the bytes as they arrived, no echo, no editing (the
 * rest of a line a canonical read left comes first); returns as soon as
 * there is one byte.  Readers are served one at a time, in the order they
 * called: the first gets the next line, the next the one after.
 */
#define CONSOLE_READ_RAW 1ul
#define CONSOLE_LINE_MAX 4096

/* Longest SYS_DEBUG_WRITE the kernel accepts in one call. */
#define SYS_DEBUG_WRITE_MAX 4096

/* Thread priorities: higher runs first; round robin within one. */
#define PRIORITY_MAX 31
#define PRIORITY_USER 10          /* the first thread of every task */

/*
 * The user part of the address space: [USER_BASE, USER_TOP), valid in both
 * Sv39 and Sv48.  Programs are linked at USER_BASE and their stack ends at
 * USER_STACK_TOP.
 */
#define USER_BASE 0x10000ul
#define USER_TOP 0x4000000000ul           /* 256 GiB: Sv39's lower half */
#define USER_STACK_TOP 0x40000000ul
#define USER_STACK_SIZE 0x4000ul

#endif
