/*
 * badargs: every system call with every kind of bad argument, each
 * answered with its documented error (include/tessera/syscall.h).  The
 * table's handle arguments are placeholders (H_*) filled in at run time.
 * Exit code: the number of wrong answers.
 */
#include "proto.h"

/* Placeholders for handles made at run time. */
#define H_BASE 0x7e57000000000000l
enum { H_FRAME = H_BASE, H_FRAME_RO, H_EP, H_EP_RECV, H_EP_SEND, H_EP_BADGED, H_SELF_READ,
       H_SELF_MANAGE, H_SELF_NOFAULT, H_EP_NOSEND, H_EP_NORECV, H_IMAGE, H_UNSTARTED,
       H_UNSTARTED2, H_END };

#define KPTR 0xffffffc000000000l          /* kernel memory */
#define UNMAPPED 0x3f00000000l            /* user space nobody mapped */
#define RW (MAP_READ | MAP_WRITE)

struct bad_call {
	const char *what;
	long number;
	long a[6];
	long want;
};

static const struct bad_call table[] = {
	{ "unknown call 0", 0, { 0 }, -ERR_NO_SUCH_CALL },
	{ "unknown call SYS_COUNT", SYS_COUNT, { 0 }, -ERR_NO_SUCH_CALL },
	{ "unknown call 1000", 1000, { 0 }, -ERR_NO_SUCH_CALL },
	{ "unknown call -1", -1, { 0 }, -ERR_NO_SUCH_CALL },
	/* debug_write */
	{ "write: kernel pointer", SYS_DEBUG_WRITE, { KPTR, 8 }, -ERR_FAULT },
	{ "write: unmapped pointer", SYS_DEBUG_WRITE, { UNMAPPED, 8 }, -ERR_FAULT },
	{ "write: range past user space", SYS_DEBUG_WRITE, { USER_TOP - 4, 8 }, -ERR_FAULT },
	{ "write: length -1, past the limit", SYS_DEBUG_WRITE, { USER_BASE, -1 },
	  -ERR_INVALID_ARGUMENT },
	{ "write: a range that wraps past the top", SYS_DEBUG_WRITE, { -2048, 4096 }, -ERR_FAULT },
	{ "write: too long", SYS_DEBUG_WRITE, { USER_BASE, SYS_DEBUG_WRITE_MAX + 1 },
	  -ERR_INVALID_ARGUMENT },
	/* console_read: checked before it waits for input (none comes here) */
	{ "console read: kernel pointer", SYS_CONSOLE_READ, { KPTR, 8 }, -ERR_FAULT },
	{ "console read: range past user space", SYS_CONSOLE_READ, { USER_TOP - 4, 8 },
	  -ERR_FAULT },
	{ "console read: a range that wraps past the top", SYS_CONSOLE_READ, { -2048, 4096 },
	  -ERR_FAULT },
	{ "console read: length 0", SYS_CONSOLE_READ, { USER_BASE, 0 }, -ERR_INVALID_ARGUMENT },
	{ "console read: unknown flag", SYS_CONSOLE_READ, { USER_BASE, 8, 2 },
	  -ERR_INVALID_ARGUMENT },
	{ "console read: every flag", SYS_CONSOLE_READ, { USER_BASE, 8, -1 },
	  -ERR_INVALID_ARGUMENT },
	{ "console read: flags before the pointer", SYS_CONSOLE_READ,
	  { KPTR, 8, CONSOLE_READ_RAW | 4 }, -ERR_INVALID_ARGUMENT },
	/* handles */
	{ "close: handle 0", SYS_HANDLE_CLOSE, { 0 }, -ERR_BAD_HANDLE },
	{ "close: free slot", SYS_HANDLE_CLOSE, { 62 }, -ERR_BAD_HANDLE },
	{ "close: past the table", SYS_HANDLE_CLOSE, { TASK_HANDLES }, -ERR_BAD_HANDLE },
	{ "close: negative", SYS_HANDLE_CLOSE, { -1 }, -ERR_BAD_HANDLE },
	{ "dup: bad handle", SYS_HANDLE_DUP, { 62, RIGHT_READ }, -ERR_BAD_HANDLE },
	{ "dup: more rights", SYS_HANDLE_DUP, { H_FRAME_RO, RW }, -ERR_DENIED },
	{ "dup: unknown rights", SYS_HANDLE_DUP, { H_FRAME, 1l << 40 }, -ERR_INVALID_ARGUMENT },
	{ "dup: badge on a frame", SYS_HANDLE_DUP, { H_FRAME, RIGHT_READ, 5 },
	  -ERR_INVALID_ARGUMENT },
	{ "dup: rebadge", SYS_HANDLE_DUP, { H_EP_BADGED, RIGHT_SEND, 6 }, -ERR_DENIED },
	/* frames */
	{ "frame: size 0", SYS_FRAME_ALLOC, { 0 }, -ERR_INVALID_ARGUMENT },
	{ "frame: size not pages", SYS_FRAME_ALLOC, { 4097 }, -ERR_INVALID_ARGUMENT },
	{ "frame: 3 pages", SYS_FRAME_ALLOC, { 3 * 4096 }, -ERR_INVALID_ARGUMENT },
	{ "frame: 4 MiB", SYS_FRAME_ALLOC, { 4l << 20 }, -ERR_INVALID_ARGUMENT },
	{ "frame: huge", SYS_FRAME_ALLOC, { -4096 }, -ERR_INVALID_ARGUMENT },
	{ "frame: unknown flag", SYS_FRAME_ALLOC, { 4096, 8 }, -ERR_INVALID_ARGUMENT },
	{ "paddr: not a DMA frame", SYS_FRAME_PADDR, { H_FRAME }, -ERR_DENIED },
	{ "paddr: an endpoint", SYS_FRAME_PADDR, { H_EP }, -ERR_WRONG_TYPE },
	{ "paddr: bad handle", SYS_FRAME_PADDR, { 62 }, -ERR_BAD_HANDLE },
	/* map / unmap */
	{ "map: bad task", SYS_MAP, { 62, H_FRAME, 0, UNMAPPED, 4096, RW }, -ERR_BAD_HANDLE },
	{ "map: task is a frame", SYS_MAP, { H_FRAME, H_FRAME, 0, UNMAPPED, 4096, RW },
	  -ERR_WRONG_TYPE },
	{ "map: frame is an endpoint", SYS_MAP, { HANDLE_SELF, H_EP, 0, UNMAPPED, 4096, RW },
	  -ERR_WRONG_TYPE },
	{ "map: task without MANAGE", SYS_MAP, { H_SELF_READ, H_FRAME, 0, UNMAPPED, 4096, RW },
	  -ERR_DENIED },
	{ "map: misaligned vaddr", SYS_MAP, { HANDLE_SELF, H_FRAME, 0, UNMAPPED + 8, 4096, RW },
	  -ERR_INVALID_ARGUMENT },
	{ "map: kernel vaddr", SYS_MAP, { HANDLE_SELF, H_FRAME, 0, KPTR, 4096, RW },
	  -ERR_INVALID_ARGUMENT },
	{ "map: vaddr 0", SYS_MAP, { HANDLE_SELF, H_FRAME, 0, 0, 4096, RW }, -ERR_INVALID_ARGUMENT },
	{ "map: size 0", SYS_MAP, { HANDLE_SELF, H_FRAME, 0, UNMAPPED, 0, RW },
	  -ERR_INVALID_ARGUMENT },
	{ "map: past the frame", SYS_MAP, { HANDLE_SELF, H_FRAME, 0, UNMAPPED, 8192, RW },
	  -ERR_INVALID_ARGUMENT },
	{ "map: misaligned offset", SYS_MAP, { HANDLE_SELF, H_FRAME, 12, UNMAPPED, 4096, RW },
	  -ERR_INVALID_ARGUMENT },
	{ "map: wrapping range", SYS_MAP, { HANDLE_SELF, H_FRAME, 0, -4096, 8192, RW },
	  -ERR_INVALID_ARGUMENT },
	{ "map: no rights", SYS_MAP, { HANDLE_SELF, H_FRAME, 0, UNMAPPED, 4096, 0 },
	  -ERR_INVALID_ARGUMENT },
	{ "map: write+execute", SYS_MAP, { HANDLE_SELF, H_FRAME, 0, UNMAPPED, 4096, RW | MAP_EXEC },
	  -ERR_INVALID_ARGUMENT },
	{ "map: write without read", SYS_MAP, { HANDLE_SELF, H_FRAME, 0, UNMAPPED, 4096, MAP_WRITE },
	  -ERR_INVALID_ARGUMENT },
	{ "map: more rights than the frame handle", SYS_MAP,
	  { HANDLE_SELF, H_FRAME_RO, 0, UNMAPPED, 4096, RW }, -ERR_DENIED },
	{ "map: over our own code", SYS_MAP, { HANDLE_SELF, H_FRAME, 0, USER_BASE, 4096, MAP_READ },
	  -ERR_EXISTS },
	{ "unmap: bad task", SYS_UNMAP, { 62, UNMAPPED, 4096 }, -ERR_BAD_HANDLE },
	{ "unmap: misaligned", SYS_UNMAP, { HANDLE_SELF, UNMAPPED + 1, 4096 }, -ERR_INVALID_ARGUMENT },
	{ "unmap: kernel range", SYS_UNMAP, { HANDLE_SELF, KPTR, 4096 }, -ERR_INVALID_ARGUMENT },
	{ "unmap: size 0", SYS_UNMAP, { HANDLE_SELF, UNMAPPED, 0 }, -ERR_INVALID_ARGUMENT },
	{ "unmap: wrapping", SYS_UNMAP, { HANDLE_SELF, UNMAPPED, -4096 }, -ERR_INVALID_ARGUMENT },
	/* tasks */
	{ "spawn: kernel name pointer", SYS_TASK_SPAWN, { KPTR, 4 }, -ERR_FAULT },
	{ "spawn: unmapped name", SYS_TASK_SPAWN, { UNMAPPED, 4 }, -ERR_FAULT },
	{ "spawn: name length 0", SYS_TASK_SPAWN, { USER_BASE, 0 }, -ERR_INVALID_ARGUMENT },
	{ "spawn: name too long", SYS_TASK_SPAWN, { USER_BASE, 33 }, -ERR_INVALID_ARGUMENT },
	{ "spawn: fault handler is a frame", SYS_TASK_SPAWN, { (long)"echo", 4, H_FRAME },
	  -ERR_WRONG_TYPE },
	{ "spawn: fault handler without SEND", SYS_TASK_SPAWN, { (long)"echo", 4, H_EP_RECV },
	  -ERR_DENIED },
	{ "spawn: fault handler without FAULT (a pager client's handle)", SYS_TASK_SPAWN,
	  { (long)"echo", 4, H_EP_SEND }, -ERR_DENIED },
	{ "spawn: passed handle without TRANSFER", SYS_TASK_SPAWN,
	  { (long)"echo", 4, 0, H_FRAME_RO }, -ERR_DENIED },
	{ "spawn: passed handle bad", SYS_TASK_SPAWN, { (long)"echo", 4, 0, 62 }, -ERR_BAD_HANDLE },
	{ "spawn: no such program", SYS_TASK_SPAWN, { (long)"nosuch", 6 }, -ERR_NOT_FOUND },
	{ "wait: itself", SYS_TASK_WAIT, { HANDLE_SELF }, -ERR_INVALID_ARGUMENT },
	{ "wait: a frame", SYS_TASK_WAIT, { H_FRAME }, -ERR_WRONG_TYPE },
	{ "wait: without READ", SYS_TASK_WAIT, { H_SELF_MANAGE }, -ERR_DENIED },
	{ "wait: a task that never had a thread", SYS_TASK_WAIT, { H_UNSTARTED }, -ERR_NOT_FOUND },
	{ "set fault: bad task", SYS_TASK_SET_FAULT, { 62, H_EP }, -ERR_BAD_HANDLE },
	{ "set fault: a frame", SYS_TASK_SET_FAULT, { HANDLE_SELF, H_FRAME }, -ERR_WRONG_TYPE },
	{ "set fault: without SEND", SYS_TASK_SET_FAULT, { HANDLE_SELF, H_EP_RECV }, -ERR_DENIED },
	{ "set fault: task without MANAGE", SYS_TASK_SET_FAULT, { H_SELF_READ, H_EP }, -ERR_DENIED },
	{ "set fault: endpoint without FAULT", SYS_TASK_SET_FAULT, { HANDLE_SELF, H_EP_SEND },
	  -ERR_DENIED },
	{ "set fault: task without FAULT", SYS_TASK_SET_FAULT, { H_SELF_NOFAULT, H_EP },
	  -ERR_DENIED },
	{ "set fault: detach, task without FAULT", SYS_TASK_SET_FAULT, { H_SELF_NOFAULT, 0 },
	  -ERR_DENIED },
	/* threads */
	{ "thread: bad task", SYS_THREAD_CREATE, { 62, USER_BASE, UNMAPPED, 0, 1 },
	  -ERR_BAD_HANDLE },
	{ "thread: task is a frame", SYS_THREAD_CREATE, { H_FRAME, USER_BASE, UNMAPPED, 0, 1 },
	  -ERR_WRONG_TYPE },
	{ "thread: task without MANAGE", SYS_THREAD_CREATE,
	  { H_SELF_READ, USER_BASE, UNMAPPED, 0, 1 }, -ERR_DENIED },
	{ "thread: entry 0", SYS_THREAD_CREATE, { HANDLE_SELF, 0, UNMAPPED, 0, 1 },
	  -ERR_INVALID_ARGUMENT },
	{ "thread: kernel entry", SYS_THREAD_CREATE, { HANDLE_SELF, KPTR, UNMAPPED, 0, 1 },
	  -ERR_INVALID_ARGUMENT },
	{ "thread: odd entry", SYS_THREAD_CREATE, { HANDLE_SELF, USER_BASE + 1, UNMAPPED, 0, 1 },
	  -ERR_INVALID_ARGUMENT },
	{ "thread: misaligned stack", SYS_THREAD_CREATE,
	  { HANDLE_SELF, USER_BASE, UNMAPPED + 8, 0, 1 }, -ERR_INVALID_ARGUMENT },
	{ "thread: kernel stack", SYS_THREAD_CREATE, { HANDLE_SELF, USER_BASE, KPTR, 0, 1 },
	  -ERR_INVALID_ARGUMENT },
	{ "thread: priority 32", SYS_THREAD_CREATE, { HANDLE_SELF, USER_BASE, UNMAPPED, 0, 32 },
	  -ERR_INVALID_ARGUMENT },
	{ "thread: priority above ours", SYS_THREAD_CREATE,
	  { HANDLE_SELF, USER_BASE, UNMAPPED, 0, PRIORITY_USER + 1 }, -ERR_DENIED },
	/* boot-image files, empty tasks, protect, give */
	{ "image: kernel name pointer", SYS_IMAGE_OPEN, { KPTR, 4 }, -ERR_FAULT },
	{ "image: name length 0", SYS_IMAGE_OPEN, { (long)"echo", 0 }, -ERR_INVALID_ARGUMENT },
	{ "image: name too long", SYS_IMAGE_OPEN, { (long)"echo", 33 }, -ERR_INVALID_ARGUMENT },
	{ "image: no such file", SYS_IMAGE_OPEN, { (long)"nosuch", 6 }, -ERR_NOT_FOUND },
	{ "frame size: an endpoint", SYS_FRAME_SIZE, { H_EP }, -ERR_WRONG_TYPE },
	{ "frame size: bad handle", SYS_FRAME_SIZE, { 62 }, -ERR_BAD_HANDLE },
	{ "map: an image writable", SYS_MAP, { HANDLE_SELF, H_IMAGE, 0, UNMAPPED, 4096, RW },
	  -ERR_DENIED },
	{ "create: unmapped name", SYS_TASK_CREATE, { UNMAPPED, 4 }, -ERR_FAULT },
	{ "create: name length 0", SYS_TASK_CREATE, { (long)"t", 0 }, -ERR_INVALID_ARGUMENT },
	{ "create: fault handler a frame", SYS_TASK_CREATE, { (long)"t", 1, H_FRAME },
	  -ERR_WRONG_TYPE },
	{ "create: unknown flag", SYS_TASK_CREATE, { (long)"t", 1, H_EP, 4 },
	  -ERR_INVALID_ARGUMENT },
	{ "create: exit notice, no handler", SYS_TASK_CREATE, { (long)"t", 1, 0, 1 },
	  -ERR_INVALID_ARGUMENT },
	{ "create: fault handler without SEND", SYS_TASK_CREATE, { (long)"t", 1, H_EP_RECV },
	  -ERR_DENIED },
	{ "create: fault handler without FAULT", SYS_TASK_CREATE, { (long)"t", 1, H_EP_SEND },
	  -ERR_DENIED },
	{ "create: exit notice to an endpoint without FAULT", SYS_TASK_CREATE,
	  { (long)"t", 1, H_EP_BADGED, TASK_EXIT_NOTICE }, -ERR_DENIED },
	{ "protect: bad task", SYS_PROTECT, { 62, UNMAPPED, 4096, MAP_READ }, -ERR_BAD_HANDLE },
	{ "protect: task without MANAGE", SYS_PROTECT, { H_SELF_READ, UNMAPPED, 4096, MAP_READ },
	  -ERR_DENIED },
	{ "protect: misaligned", SYS_PROTECT, { HANDLE_SELF, UNMAPPED + 4, 4096, MAP_READ },
	  -ERR_INVALID_ARGUMENT },
	{ "protect: kernel range", SYS_PROTECT, { HANDLE_SELF, KPTR, 4096, MAP_READ },
	  -ERR_INVALID_ARGUMENT },
	{ "protect: too many pages", SYS_PROTECT,
	  { HANDLE_SELF, USER_BASE, (PROTECT_MAX_PAGES + 1) * 4096, MAP_READ },
	  -ERR_INVALID_ARGUMENT },
	{ "protect: no rights", SYS_PROTECT, { HANDLE_SELF, USER_BASE, 4096, 0 },
	  -ERR_INVALID_ARGUMENT },
	{ "protect: write+execute", SYS_PROTECT, { HANDLE_SELF, USER_BASE, 4096, RW | MAP_EXEC },
	  -ERR_INVALID_ARGUMENT },
	{ "protect: unmapped page", SYS_PROTECT, { HANDLE_SELF, UNMAPPED, 4096, MAP_READ },
	  -ERR_NOT_FOUND },
	{ "protect: adds a right (write to code)", SYS_PROTECT,
	  { HANDLE_SELF, USER_BASE, 4096, RW }, -ERR_DENIED },
	{ "give: bad task", SYS_TASK_GIVE, { 62, H_EP, RIGHT_SEND }, -ERR_BAD_HANDLE },
	{ "give: task without MANAGE", SYS_TASK_GIVE, { H_SELF_READ, H_EP, RIGHT_SEND },
	  -ERR_DENIED },
	{ "give: handle without TRANSFER", SYS_TASK_GIVE, { HANDLE_SELF, H_FRAME_RO, RIGHT_READ },
	  -ERR_DENIED },
	{ "give: bad handle", SYS_TASK_GIVE, { HANDLE_SELF, 62, RIGHT_READ }, -ERR_BAD_HANDLE },
	{ "give: more rights", SYS_TASK_GIVE, { HANDLE_SELF, H_EP, RIGHT_MANAGE }, -ERR_DENIED },
	{ "give: unknown rights", SYS_TASK_GIVE, { HANDLE_SELF, H_EP, 1l << 40 },
	  -ERR_INVALID_ARGUMENT },
	{ "give: a task that never ran into another that never ran (a cycle)", SYS_TASK_GIVE,
	  { H_UNSTARTED, H_UNSTARTED2, RIGHT_READ }, -ERR_DENIED },
	{ "task id: a frame", SYS_TASK_ID, { H_FRAME }, -ERR_WRONG_TYPE },
	{ "task id: without READ", SYS_TASK_ID, { H_SELF_MANAGE }, -ERR_DENIED },
	{ "task id: bad handle", SYS_TASK_ID, { 62 }, -ERR_BAD_HANDLE },
	{ "mapping: bad task", SYS_MAPPING, { 62, USER_BASE }, -ERR_BAD_HANDLE },
	{ "mapping: task without MANAGE", SYS_MAPPING, { H_SELF_READ, USER_BASE }, -ERR_DENIED },
	{ "mapping: a frame", SYS_MAPPING, { H_FRAME, USER_BASE }, -ERR_WRONG_TYPE },
	{ "mapping: past user space", SYS_MAPPING, { HANDLE_SELF, USER_TOP }, -ERR_INVALID_ARGUMENT },
	{ "mapping: kernel address", SYS_MAPPING, { HANDLE_SELF, KPTR }, -ERR_INVALID_ARGUMENT },
	{ "mapping: nothing above", SYS_MAPPING, { HANDLE_SELF, USER_TOP - 4096 }, -ERR_NOT_FOUND },
	{ "status: bad handle", SYS_TASK_STATUS, { 62 }, -ERR_BAD_HANDLE },
	{ "kill: itself", SYS_TASK_KILL, { HANDLE_SELF }, -ERR_INVALID_ARGUMENT },
	{ "kill: a frame", SYS_TASK_KILL, { H_FRAME }, -ERR_WRONG_TYPE },
	{ "kill: without MANAGE", SYS_TASK_KILL, { H_SELF_READ }, -ERR_DENIED },
	{ "status: a frame", SYS_TASK_STATUS, { H_FRAME }, -ERR_WRONG_TYPE },
	{ "status: without READ", SYS_TASK_STATUS, { H_SELF_MANAGE }, -ERR_DENIED },
	{ "usage: bad handle", SYS_TASK_USAGE, { 62 }, -ERR_BAD_HANDLE },
	{ "usage: handle 0", SYS_TASK_USAGE, { 0 }, -ERR_BAD_HANDLE },
	{ "usage: a frame", SYS_TASK_USAGE, { H_FRAME }, -ERR_WRONG_TYPE },
	{ "usage: without READ", SYS_TASK_USAGE, { H_SELF_MANAGE }, -ERR_DENIED },
	/* introspection: only with RIGHT_INTROSPECT, which badargs lacks */
	{ "meminfo: without RIGHT_INTROSPECT", SYS_MEMINFO, { MEMINFO_ZONE, 1, USER_BASE, 4096 },
	  -ERR_DENIED },
	{ "meminfo: denied whatever the arguments", SYS_MEMINFO, { 99, -1, KPTR, 0 }, -ERR_DENIED },
	{ "meminfo: a task, denied", SYS_MEMINFO, { MEMINFO_TASK, 0, USER_BASE, 4096 },
	  -ERR_DENIED },
	{ "meminfo: a page-table walk, denied", SYS_MEMINFO, { MEMINFO_PT, 1, USER_BASE, 4096,
	  USER_BASE }, -ERR_DENIED },
	{ "meminfo: a leaf, denied", SYS_MEMINFO, { MEMINFO_LEAF, 1, USER_BASE, 4096, 0 },
	  -ERR_DENIED },
	{ "meminfo: the fault trace, denied", SYS_MEMINFO, { MEMINFO_FAULT, 0, USER_BASE, 4096 },
	  -ERR_DENIED },
	{ "fault trace: denied", SYS_FAULT_TRACE, { 0, 1 }, -ERR_DENIED },
	{ "fault trace: denied whatever the arguments", SYS_FAULT_TRACE, { -1, 7 }, -ERR_DENIED },
	{ "lever: kmalloc denied", SYS_LEVER, { LEVER_KMALLOC, 64 }, -ERR_DENIED },
	{ "lever: denied whatever the arguments", SYS_LEVER, { -1, KPTR }, -ERR_DENIED },
	{ "meminfo: a mapper, denied", SYS_MEMINFO, { MEMINFO_MAPPER, 0x80000000, USER_BASE, 4096 },
	  -ERR_DENIED },
	{ "meminfo: a frame run, denied", SYS_MEMINFO, { MEMINFO_FRAME_RUN, 0x80000000, USER_BASE,
	  4096 }, -ERR_DENIED },
	{ "spawn: TASK_INTROSPECT without it", SYS_TASK_SPAWN, { (long)"echo", 4, 0, 0,
	  TASK_INTROSPECT }, -ERR_DENIED },
	{ "spawn: an unknown flag", SYS_TASK_SPAWN, { (long)"echo", 4, 0, 0, 8 },
	  -ERR_INVALID_ARGUMENT },
	{ "spawn: TASK_DEVICE without it", SYS_TASK_SPAWN, { (long)"echo", 4, 0, 0,
	  TASK_DEVICE }, -ERR_DENIED },
	{ "create: TASK_DEVICE is no create flag", SYS_TASK_CREATE, { (long)"x", 1, 0,
	  TASK_DEVICE }, -ERR_INVALID_ARGUMENT },
	{ "device open without RIGHT_DEVICE", SYS_DEVICE_OPEN, { (long)"virtio,mmio", 11, 0 },
	  -ERR_DENIED },
	{ "device open: garbage, denied first", SYS_DEVICE_OPEN, { -1, -1, -1 }, -ERR_DENIED },
	{ "irq open: no handle", SYS_IRQ_OPEN, { 0 }, -ERR_BAD_HANDLE },
	{ "irq open: a task is no frame", SYS_IRQ_OPEN, { HANDLE_SELF }, -ERR_WRONG_TYPE },
	{ "irq wait: no handle", SYS_IRQ_WAIT, { 63, 0 }, -ERR_BAD_HANDLE },
	{ "irq wait: a task is no irq", SYS_IRQ_WAIT, { HANDLE_SELF, 1 }, -ERR_WRONG_TYPE },
	{ "irq ack: a task is no irq", SYS_IRQ_ACK, { HANDLE_SELF }, -ERR_WRONG_TYPE },
	{ "page used: no task", SYS_PAGE_USED, { 0, USER_BASE, 1, 0 }, -ERR_BAD_HANDLE },
	{ "page used: count 0", SYS_PAGE_USED, { HANDLE_SELF, USER_BASE, 0, 0 },
	  -ERR_INVALID_ARGUMENT },
	{ "page used: count 65", SYS_PAGE_USED, { HANDLE_SELF, USER_BASE, 65, 0 },
	  -ERR_INVALID_ARGUMENT },
	{ "page used: not page aligned", SYS_PAGE_USED, { HANDLE_SELF, USER_BASE + 8, 1, 0 },
	  -ERR_INVALID_ARGUMENT },
	{ "page used: unknown flag 4", SYS_PAGE_USED, { HANDLE_SELF, USER_BASE, 1, 4 },
	  -ERR_INVALID_ARGUMENT },
	{ "page used: count 0 with CLEAR alone", SYS_PAGE_USED, { HANDLE_SELF, USER_BASE, 0, 1 },
	  -ERR_INVALID_ARGUMENT },
	{ "page used: count 0 with SYNC, the address not looked at", SYS_PAGE_USED,
	  { HANDLE_SELF, KPTR + 8, 0, 2 }, 0 },
	{ "page used: SYNC of a range past user space", SYS_PAGE_USED,
	  { HANDLE_SELF, USER_TOP - PAGE_SIZE, 2, 3 }, -ERR_INVALID_ARGUMENT },
	{ "page used: past user space", SYS_PAGE_USED, { HANDLE_SELF, USER_TOP - PAGE_SIZE, 2, 0 },
	  -ERR_INVALID_ARGUMENT },
	{ "page used: a kernel address", SYS_PAGE_USED, { HANDLE_SELF, KPTR, 1, 1 },
	  -ERR_INVALID_ARGUMENT },
	{ "page used: below user space", SYS_PAGE_USED, { HANDLE_SELF, 0, 1, 1 },
	  -ERR_INVALID_ARGUMENT },
	{ "create: TASK_INTROSPECT without it", SYS_TASK_CREATE, { (long)"x", 1, 0,
	  TASK_INTROSPECT }, -ERR_DENIED },
	{ "dup: adding INTROSPECT to our own handle", SYS_HANDLE_DUP, { HANDLE_SELF,
	  RIGHT_READ | RIGHT_INTROSPECT }, -ERR_DENIED },
	{ "dup: adding DEVICE to our own handle", SYS_HANDLE_DUP, { HANDLE_SELF,
	  RIGHT_READ | RIGHT_DEVICE }, -ERR_DENIED },
	/* sleep_until never fails: a deadline long past returns at once */
	{ "sleep_until: time 0", SYS_SLEEP_UNTIL, { 0 }, 0 },
	{ "sleep_until: time 1, other arguments garbage", SYS_SLEEP_UNTIL, { 1, -1, KPTR }, 0 },
	/* IPC */
	{ "send: bad handle", SYS_IPC_SEND, { 62 }, -ERR_BAD_HANDLE },
	{ "send: a frame", SYS_IPC_SEND, { H_FRAME }, -ERR_WRONG_TYPE },
	{ "send: without SEND", SYS_IPC_SEND, { H_EP_RECV }, -ERR_DENIED },
	{ "call: without SEND", SYS_IPC_CALL, { H_EP_RECV }, -ERR_DENIED },
	{ "recv: without RECV", SYS_IPC_RECV, { H_EP_SEND }, -ERR_DENIED },
	{ "reply_recv: without RECV", SYS_IPC_REPLY_RECV, { H_EP_SEND }, -ERR_DENIED },
	{ "call: kernel tag", SYS_IPC_CALL, { H_EP_SEND, MSG_FAULT }, -ERR_INVALID_ARGUMENT },
	{ "call: nobody can receive", SYS_IPC_CALL, { H_EP_NORECV, 1 }, -ERR_PEER_GONE },
	{ "recv: nobody can send", SYS_IPC_RECV, { H_EP_NOSEND }, -ERR_PEER_GONE },
};

static long handles[H_END - H_BASE];

static long resolve(long a)
{
	return a >= H_BASE && a < (long)H_END ? handles[a - H_BASE] : a;
}

static void make_handles(void)
{
	long ep = sys_endpoint_create(), only_send = sys_endpoint_create();
	long only_recv = sys_endpoint_create();

	handles[H_FRAME - H_BASE] = sys_frame_alloc(PAGE_SIZE, 0);
	handles[H_FRAME_RO - H_BASE] = sys_handle_dup(handles[H_FRAME - H_BASE], RIGHT_READ, 0);
	handles[H_EP - H_BASE] = ep;
	handles[H_EP_RECV - H_BASE] = sys_handle_dup(ep, RIGHT_RECV, 0);
	handles[H_EP_SEND - H_BASE] = sys_handle_dup(ep, RIGHT_SEND, 0);
	handles[H_EP_BADGED - H_BASE] = sys_handle_dup(ep, RIGHT_SEND, 77);
	handles[H_SELF_READ - H_BASE] = sys_handle_dup(HANDLE_SELF, RIGHT_READ, 0);
	handles[H_SELF_MANAGE - H_BASE] = sys_handle_dup(HANDLE_SELF, RIGHT_MANAGE, 0);
	handles[H_SELF_NOFAULT - H_BASE] = sys_handle_dup(HANDLE_SELF, RIGHT_READ | RIGHT_MANAGE, 0);
	handles[H_UNSTARTED - H_BASE] = sys_task_create("unstarted", 0, 0);
	handles[H_UNSTARTED2 - H_BASE] = sys_task_create("unstarted2", 0, 0);
	handles[H_EP_NOSEND - H_BASE] = sys_handle_dup(only_recv, RIGHT_RECV, 0);
	handles[H_EP_NORECV - H_BASE] = sys_handle_dup(only_send, RIGHT_SEND, 0);
	handles[H_IMAGE - H_BASE] = sys_image_open("echo");
	sys_handle_close(only_send);
	sys_handle_close(only_recv);
}

/* Handles passed in a message are checked like any other. */
static void passing(void)
{
	struct msg m = { .tag = 1, .handle = 62 };

	check_eq("send: passing a bad handle", ipc_send(handles[H_EP_SEND - H_BASE], &m),
		 -ERR_BAD_HANDLE);
	m = (struct msg){ .tag = 1, .handle = (uint64_t)handles[H_FRAME_RO - H_BASE] };
	check_eq("call: passing a handle without TRANSFER", ipc_call(handles[H_EP_SEND - H_BASE], &m),
		 -ERR_DENIED);
}

/* Fill the handle table: the next handle fails with ERR_NO_MEMORY. */
static void table_full(void)
{
	long made[TASK_HANDLES], n = 0, last;

	while ((last = sys_endpoint_create()) > 0 && n < TASK_HANDLES)
		made[n++] = last;
	check_eq("a full handle table: ERR_NO_MEMORY", last, -ERR_NO_MEMORY);
	check_eq("dup into a full table too", sys_handle_dup(HANDLE_SELF, RIGHT_READ, 0),
		 -ERR_NO_MEMORY);
	while (n > 0)
		sys_handle_close(made[--n]);
}

int main(void)
{
	unsigned i;

	make_handles();
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct bad_call *c = &table[i];
		long a[6], j;

		for (j = 0; j < 6; j++)
			a[j] = resolve(c->a[j]);
		check_eq(c->what, syscall6(c->number, a[0], a[1], a[2], a[3], a[4], a[5]), c->want);
	}
	passing();
	table_full();
	return test_failures;
}
