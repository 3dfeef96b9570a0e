/*
 * Memory introspection (SYS_MEMINFO, include/tessera/syscall.h): what the
 * kernel tells a task that holds RIGHT_INTROSPECT about its memory, the way
 * Linux's /proc/zoneinfo, /proc/buddyinfo and /proc/slabinfo do.  Metadata
 * only: counts, addresses and names, never the contents of memory.
 *
 * Every answer is a fixed-size struct of plain integers and NUL-terminated
 * names, the same for every build (orders and harts beyond the kernel's are
 * zero, and `orders` / `harts` say how many are real).  Each is a snapshot:
 * a zone's free lists and free count are read together under the zone's
 * lock; the per-hart caches and a slab cache's counts are read without one,
 * exact while no other hart allocates.
 */
#ifndef TESSERA_MEMINFO_H
#define TESSERA_MEMINFO_H

#include <stdint.h>

/* SYS_MEMINFO's `what`. */
enum meminfo_what {
	MEMINFO_ZONE = 1,        /* index: the zone (0 DMA, 1 DMA32, 2 NORMAL) */
	MEMINFO_SLAB = 2,        /* index: the slab cache, 0 the first made;
				  * ERR_NOT_FOUND past the last */
	MEMINFO_FRAME = 3,       /* index: a physical address: its frame (or an
				  * address in the kernel's window onto RAM,
				  * for its physical page) */
	MEMINFO_VMALLOC = 4,     /* index: the vmalloc area, lowest first;
				  * ERR_NOT_FOUND past the last */
	MEMINFO_TASK = 5,        /* index: the task, oldest first (ended tasks
				  * someone still holds among them);
				  * ERR_NOT_FOUND past the last */
	MEMINFO_PT = 6,          /* index: a task's id, at: a virtual address:
				  * the walk of its page table for it;
				  * ERR_NOT_FOUND no such task (or its space
				  * is gone), ERR_INVALID_ARGUMENT `at` is not
				  * canonical */
	MEMINFO_LEAF = 7,        /* index: a task's id, at: a user address: its
				  * first user page mapped at or above it;
				  * ERR_NOT_FOUND none (or no such task) */
	MEMINFO_FAULT = 8,       /* index: a fault's number in the trace
				  * (SYS_FAULT_TRACE): that fault, or the oldest
				  * kept after it (the ring is small);
				  * ERR_NOT_FOUND none yet (or no trace) */
	MEMINFO_MAPPER = 9,      /* index: a physical address, at: n: the n-th
				  * user mapping of its page, tasks oldest
				  * first, each in address order;
				  * ERR_NOT_FOUND past the last */
	MEMINFO_FRAME_RUN = 10,  /* index: a physical address: the run of frames
				  * alike from its page on (for pictures);
				  * ERR_NOT_FOUND above all RAM */
};

#define MEMINFO_ZONES 3          /* zone indexes 0..2 */
#define MEMINFO_ORDERS 20        /* room for the buddy's orders (meson max_order <= 20) */
#define MEMINFO_HARTS 64         /* room for the per-hart caches (SMP_MAX_HARTS) */
#define MEMINFO_NAME_MAX 32      /* names, NUL included (a slab cache keeps 31 bytes) */
#define MEMINFO_TASK_NAME_MAX 40 /* a task's name, NUL included (the kernel keeps 32 bytes) */

/* A zone (zoneinfo and buddyinfo in one).  An empty zone: all zero but its name. */
struct meminfo_zone {
	char name[MEMINFO_NAME_MAX];  /* "DMA", "DMA32", "NORMAL" */
	uint64_t start, end;          /* span [start, end): lowest to highest RAM */
	uint64_t present_pages;       /* RAM pages in the span */
	uint64_t managed_pages;       /* pages the buddy was given */
	uint64_t free_pages;          /* on the free lists (the sum of free_blocks << order) */
	uint64_t cached_pages;        /* in the per-hart caches, all harts */
	uint64_t watermark_min, watermark_low, watermark_high;  /* in pages */
	uint32_t orders;              /* free_blocks[0..orders) are the buddy's orders */
	uint32_t harts;               /* hart_*[0..harts) are harts with caches */
	uint64_t free_blocks[MEMINFO_ORDERS];  /* free blocks of each order */
	uint64_t hart_cached[MEMINFO_HARTS];   /* pages in each hart's cache */
	uint64_t hart_hits[MEMINFO_HARTS];     /* single pages the cache served */
	uint64_t hart_misses[MEMINFO_HARTS];   /* ... it had to refill for */
	uint64_t allocs, frees;       /* blocks taken off / put on the free lists */
	uint64_t failures;            /* allocations the zone could not serve */
	uint64_t merges;              /* buddy merges on free */
};

/* What a frame is (struct meminfo_frame's state). */
enum meminfo_frame_state {
	MEMINFO_FRAME_NOT_RAM = 0,    /* no RAM the kernel manages is there */
	MEMINFO_FRAME_RESERVED,       /* never given to the buddy: the kernel image,
				       * firmware, the device tree, the frame table... */
	MEMINFO_FRAME_FREE,           /* in a free block of the buddy's lists */
	MEMINFO_FRAME_CACHED,         /* a free page in a hart's cache */
	MEMINFO_FRAME_ALLOCATED,      /* in an allocated block: a task's frame, page
				       * tables, kernel stacks, the pager's pool... */
	MEMINFO_FRAME_SLAB,           /* in a block of a slab cache (slab_cache) */
	MEMINFO_FRAME_KMALLOC,        /* in a kmalloc block bigger than a slab object */
};

/* The frame at a physical address (a page of RAM, or none). */
struct meminfo_frame {
	uint64_t pa;                  /* the page asked about (rounded down) */
	uint32_t state;               /* enum meminfo_frame_state */
	uint32_t zone;                /* 0 DMA, 1 DMA32, 2 NORMAL (not for NOT_RAM) */
	uint64_t block;               /* FREE, ALLOCATED, SLAB, KMALLOC: its block's
				       * first page */
	uint32_t order;               /* ... and the block's order: 2^order pages */
	uint32_t refcount;            /* ALLOCATED...: the block's users */
	char slab_cache[MEMINFO_NAME_MAX];  /* SLAB: the cache's name */
};

/*
 * A run of frames alike (MEMINFO_FRAME_RUN): from `start`, `pages` pages in
 * one state, zone and RAM range; free blocks of one order, slab pages of
 * one cache, allocated blocks of any order.  Not RAM: up to the next RAM.
 * A reader walks all of RAM with a handful of runs where memory is calm.
 */
struct meminfo_frame_run {
	uint64_t start;               /* the run's first page */
	uint64_t pages;
	uint32_t state;               /* enum meminfo_frame_state */
	uint32_t zone;                /* not for NOT_RAM */
	uint32_t order;               /* FREE: its blocks' order; else the first block's */
	uint32_t pad;
	char slab_cache[MEMINFO_NAME_MAX];  /* SLAB: the cache */
};

/* A vmalloc area (/proc/vmallocinfo): kernel stacks, mostly.  Each has an
 * unmapped guard page below its pages. */
struct meminfo_vmalloc {
	uint64_t window_start, window_end;  /* the kernel's vmalloc window */
	uint64_t areas;               /* areas in it now */
	uint64_t pages;               /* pages mapped in all of them */
	uint64_t start;               /* this area's guard page; its pages follow */
	uint64_t area_pages;          /* this area's mapped pages */
};

/* A task's threads by state (struct meminfo_task's threads[]). */
enum meminfo_thread_state {
	MEMINFO_THREAD_RUNNING,       /* on a hart now */
	MEMINFO_THREAD_RUNNABLE,      /* in a run queue */
	MEMINFO_THREAD_SEND,          /* sending or calling (a page fault among them) */
	MEMINFO_THREAD_RECEIVE,       /* waiting for a message */
	MEMINFO_THREAD_REPLY,         /* its call was taken; waiting for the answer */
	MEMINFO_THREAD_WAIT,          /* waiting for a task to end */
	MEMINFO_THREAD_CONSOLE,       /* waiting for console input */
	MEMINFO_THREAD_SLEEP,         /* asleep until a time */
	MEMINFO_THREAD_IRQ,           /* a driver waiting for its device's interrupt */
	MEMINFO_THREAD_STATES
};

/* A task (like /proc/PID/status): what the kernel knows of it.  Its
 * regions are its pager's business (mmsh asks the pager). */
struct meminfo_task {
	uint32_t id;                  /* unique while it lives (SYS_TASK_ID) */
	uint32_t ended;               /* 1: it has ended (exit_code, exit_reason) */
	char name[MEMINFO_TASK_NAME_MAX];  /* its program's name */
	uint32_t threads;             /* not yet ended */
	uint32_t introspect;          /* 1: its HANDLE_SELF has RIGHT_INTROSPECT */
	uint32_t threads_by_state[MEMINFO_THREAD_STATES];
	uint32_t in_fault;            /* threads waiting for a pager's answer */
	uint32_t levels;              /* its page table's: 3 Sv39, 4 Sv48; 0 gone */
	uint64_t user_pages;          /* 4 KiB pages its page table maps for user mode */
	uint64_t table_pages;         /* page-table pages of its own (not the kernel's
				       * half, which every task shares) */
	uint64_t faults;              /* page faults sent to its pager */
	uint64_t instructions;        /* retired while it ran (user and kernel) */
	uint64_t user_instructions;   /* ... of them in user mode */
	int64_t exit_code;            /* ended: its exit code */
	uint32_t exit_reason;         /* ended: EXIT_* (include/tessera/syscall.h) */
	uint32_t pad;
};

/* A page-table walk (MEMINFO_PT): the table, index and entry at each level
 * from the root down, until a leaf or an invalid entry. */
struct meminfo_pt {
	uint64_t va;                  /* the address walked */
	uint32_t task;                /* whose table */
	uint32_t levels;              /* 3 Sv39, 4 Sv48 */
	uint32_t steps;               /* entries read: table[0..steps) */
	uint32_t leaf;                /* 1: table[steps - 1]'s entry is a leaf */
	uint64_t root;                /* the root table's physical address (satp's) */
	uint64_t table[4];            /* step i: the table read (physical address) */
	uint64_t index[4];            /* ... the entry's index in it */
	uint64_t pte[4];              /* ... the entry (bits: mm/pt.h) */
	uint64_t pa;                  /* leaf: the physical address va maps to */
	uint64_t leaf_size;           /* leaf: bytes the leaf maps */
};

/* A mapped user page (MEMINFO_LEAF), for a dump of a page table: with the
 * tables on the way to it, the tree can be drawn from the leaves. */
struct meminfo_leaf {
	uint64_t va;                  /* the leaf's first address */
	uint64_t pa;                  /* its frame */
	uint64_t size;                /* bytes it maps */
	uint64_t pte;                 /* its entry */
	uint64_t table[4];            /* the tables walked to it, the root first;
				       * the last holds the leaf (levels - 1 - its
				       * level + 1 of them; the rest 0) */
};

/* A task that maps a frame (MEMINFO_MAPPER): the reverse of a walk. */
struct meminfo_mapper {
	uint64_t pa;                  /* the page asked about (rounded down) */
	uint32_t task;                /* the task's id */
	uint32_t pad;
	uint64_t va;                  /* where that task maps it */
	uint64_t pte;                 /* the leaf's entry (a large leaf: its first page's) */
};

/* How a traced fault ended (struct meminfo_fault's outcome). */
enum meminfo_fault_outcome {
	MEMINFO_FAULT_MAPPED,         /* the handler's page mapped: pa, pte */
	MEMINFO_FAULT_RESUMED,        /* resumed without a mapping from the reply */
	MEMINFO_FAULT_REFUSED,        /* the thread was ended: kill_reason */
};

/* One fault of the trace: what was asked, what the handler answered, and
 * what the round trip cost. */
struct meminfo_fault {
	uint64_t seq;                 /* its number: 0 the first since the trace began */
	uint64_t lost;                /* faults between the one asked for and this one
				       * that the ring no longer holds */
	uint32_t task, thread;        /* ids */
	uint64_t addr;                /* the address touched */
	uint64_t pc;                  /* the instruction that touched it */
	uint32_t access;              /* FAULT_READ, FAULT_WRITE, FAULT_EXEC */
	uint32_t outcome;             /* enum meminfo_fault_outcome */
	uint32_t note;                /* the handler's: enum fault_note */
	uint32_t note_count;          /* ... pages mapped around it */
	uint32_t kill_reason;         /* REFUSED: FAULT_KILL_* */
	uint32_t counted;             /* 1: instructions is the round trip's count (the
				       * fault and its answer on one hart, and the
				       * counter exact: the kernel word icount) */
	uint64_t pa;                  /* MAPPED: the frame mapped */
	uint64_t pte;                 /* MAPPED: its page-table entry */
	uint64_t instructions;        /* from the trap to the answer mapped (counted) */
};

/* A slab cache (slabinfo). */
struct meminfo_slab {
	char name[MEMINFO_NAME_MAX];  /* "kmalloc-64", "fpu-state", ... */
	uint64_t object_size;         /* bytes per object, rounded */
	uint64_t slab_size;           /* bytes per slab */
	uint64_t objects_per_slab;
	uint64_t active_objects;      /* handed out */
	uint64_t cached_objects;      /* free in the per-hart magazines */
	uint64_t total_objects;       /* in all its slabs */
	uint64_t slabs_full, slabs_partial, slabs_empty;
	uint64_t allocs, frees;       /* calls that succeeded */
	uint32_t harts;               /* hart_*[0..harts): harts with a magazine
				       * (0: a debug cache, which has none) */
	uint32_t pad;
	uint64_t hart_cached[MEMINFO_HARTS];    /* objects in each hart's magazine */
	uint64_t hart_allocs[MEMINFO_HARTS];    /* calls its magazine served */
	uint64_t hart_refilled[MEMINFO_HARTS];  /* objects it took from the slabs
						 * (a batch per miss) */
	uint64_t hart_drained[MEMINFO_HARTS];   /* objects it gave back to them */
};

#endif
