/*
 * The pager's insides, shared by its files (the protocol its clients see is
 * protocol.h):
 *   pager.c    the server loop: messages in, answers out
 *   fault.c    the fault path
 *   clients.c  clients: spawn (programs start empty), fork, release
 *   stack.c    a new client's first stack: argv, envp, auxv
 *   space.c    a client's regions and the requests that change them
 *   share.c    offering memory to a client that is not a fork relative
 *   books.c    the reverse map's requests and the audit of the books
 * and the portable parts, host-tested: region.c (the region tree), pool.c
 * (pages), object.c (memory objects, copy-on-write), rmap.c (reverse map).
 */
#ifndef TESSERA_USER_PAGER_PAGER_H
#define TESSERA_USER_PAGER_PAGER_H

#include "lib/argv.h"
#include "lib/elf.h"
#include "object.h"
#include "pool.h"
#include "protocol.h"
#include "region.h"
#include "rmap.h"
#include "swap.h"
#include "ulib.h"

#define MAX_CLIENTS 12
#define MAX_IMAGES 8
#define MAX_GRANTS 16
#define IMAGE_VA 0x2000000000ul          /* image i mapped at IMAGE_VA + i * IMAGE_SLOT */
#define IMAGE_SLOT 0x1000000ul
#define CLIENT_LIMIT_PAGES 8192          /* resident pages per client: 32 MiB */
#define FAULT_AROUND 8                   /* pages on each side: 16 in all */

enum region_kind {                      /* the protocol's pager_region_kind */
	RK_TEXT = PAGER_KIND_TEXT,
	RK_DATA = PAGER_KIND_DATA,
	RK_ANON = PAGER_KIND_ANON,
	RK_STACK = PAGER_KIND_STACK,
	RK_HEAP = PAGER_KIND_HEAP,
};

/* A boot-image file we hold open and mapped: while some region uses it. */
struct image {
	char name[PAGER_NAME_MAX + 1];
	unsigned refs;                 /* regions, and a caller setting them up */
	long handle;
	const uint8_t *data;
	uint64_t size;
	struct elf_image elf;
};

/* A region of a client: what backs it and the pool pages it has. */
struct vregion {
	struct region node;            /* node.data points back here */
	enum region_kind kind;
	unsigned rights;               /* MAP_* now */
	unsigned max_rights;           /* what PAGER_PROTECT may give back */
	struct object *obj;            /* shared memory: its pages come from here */
	uint64_t obj_first;            /* obj's page index at node.start */
	struct image *image;           /* text, data */
	uint64_t file_off;             /* text, data: file offset of node.start */
	uint64_t file_end;             /* data: address where the file's bytes end */
	uint32_t *pages;               /* pool page id per page (0: none yet), each
					* with a reference and an rmap entry; or
					* FILE_PAGE: the file's own page is mapped;
					* or a swap entry (swap.h): on the disk */
};

/* In a region's pages[]: the page is the file's own, mapped read-only (text,
 * and data read before it is written); never a pool page id. */
#define FILE_PAGE UINT32_MAX

static inline bool is_pool_page(uint32_t id)
{
	return id != 0 && !(id & SWAP_ENTRY_BIT);   /* not FILE_PAGE, no swap entry */
}

struct pager_stats {
	uint64_t zero_fill, file, file_copy, cow_copy, cow_reuse, file_around;
	uint64_t faults, refaults;     /* refaults: pages the region had (cow_* among them) */
	uint64_t refused;              /* faults answered with a kill */
	uint64_t share_copy;           /* of cow_copy, made by PAGER_SHARE, not by a fault */
	uint64_t resident_peak;        /* the most resident pages it had at once */
	uint64_t swapped_out, swapped_in; /* its pages written to swap, read back */
	uint64_t fault_instructions;   /* ours, deciding its faults (rdinstret) */
};

struct client {
	bool used;
	uint8_t gen;                   /* of the slot: in the badge, so a late message
					* from an ended client never reaches the next */
	long task;
	uint32_t task_id;              /* SYS_TASK_ID: its faults must say it */
	struct region_map map;
	uint64_t resident, limit;
	uint64_t brk_base;
	uint64_t arg;                  /* PAGER_SPAWN's argument */
	struct vregion *heap;
	struct pager_stats stats;
	uint64_t start_page;           /* the stack page stack_fill made, until its
					* first fault maps it (0: none) */
	bool introspect;               /* spawned with RIGHT_INTROSPECT: it may ask
					* about every client and start its own */
	uint64_t disk_badge;           /* its session at the disk driver (PAGER_DISK), 0: none */
	uint64_t owner;                /* the badge of the client that started it
					* (a shell), or 0: our parent, or a fork */
};

/* A range one client offered another (PAGER_SHARE), until that one maps it. */
struct grant {
	bool used;
	uint8_t gen;                   /* of the slot: in the grant's id */
	uint64_t seq;                  /* offers in order: PAGER_MAP_GRANT 0 takes the oldest */
	uint64_t to;                   /* the client it is for (badge) */
	struct object *obj;            /* a reference */
	uint64_t first, npages;        /* the window of obj */
	unsigned rights;
};

extern struct client clients[MAX_CLIENTS];
extern long endpoint;                  /* where clients and the kernel call us */

/* A client's badge (its id): its slot + 1, and the slot's generation above. */
static inline uint64_t client_badge(const struct client *c)
{
	return (uint64_t)(c - clients) + 1 + ((uint64_t)c->gen << 8);
}

static inline uint64_t page_down(uint64_t a)
{
	return a & ~(PAGE_SIZE - 1);
}

static inline uint64_t page_up(uint64_t a)
{
	return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static inline uint64_t region_pages(const struct vregion *v)
{
	return (v->node.end - v->node.start) / PAGE_SIZE;
}

/* clients.c: slots, images, spawn, fork, release */
struct client *client_of_badge(uint64_t badge);

/* One user fewer; the last closes the file and frees its slot. */
void image_put(struct image *img);
/* Why the last boot-image file the pager opened was not a usable ELF
 * (lib/elf.h's phrase), or NULL; PAGER_SPAWN clears it and prints it. */
extern const char *image_refused_why;

/*
 * A file handed to us (PAGER_MAP_FILE): a free image slot, holding the
 * handle (we keep it) and our read-only mapping of the file, with one
 * reference for the caller.  NULL, with *err, when it cannot be read or
 * no slot is free.
 */
struct image *image_adopt(long handle, err_t *err);

/* Forget a client that has ended: its pages come back to the pool. */
void client_release(struct client *c);

/* Is any client still there? */
bool clients_running(void);

/* PAGER_FORK from client parent. */
err_t fork_client(struct client *parent, struct msg *m, long *pass);

/*
 * PAGER_SPAWN: a client running `name`, started empty but for its first
 * stack page (in the books, unmapped), built from the argument block in
 * frame args_frame (0: argv is { name }); PAGER_SPAWN_INTROSPECT
 * (`introspect`): its HANDLE_SELF has RIGHT_INTROSPECT too.  `owner`: the
 * badge of the client that asked (a shell), 0 for our parent.
 */
err_t spawn(const char *name, uint64_t arg, long args_frame, bool introspect, uint64_t owner,
	    struct msg *reply, long *pass);

/* The client whose task has kernel id `id`, or NULL. */
struct client *client_of_task_id(uint64_t id);

/* PAGER_REGION {task id, index} (introspect): the index-th region of that
 * client, as PAGER_QUERY tells one. */
err_t region_of(struct msg *m);

/* pager.c: the disk.  Client c has ended: its disk session goes too. */
void disk_client_gone(struct client *c);

/* stack.c: a new client's first stack */
/*
 * The argument block to spawn `name` with: a checked copy of the one in
 * `frame`, or (frame 0) argv = { name }, in *out.  ERR_INVALID_ARGUMENT
 * when the frame cannot be read or the block is malformed (why in
 * args_refused_why).
 */
err_t stack_args_read(const char *name, long frame, const struct argv_block **out);
/* Why the last argument block was refused (lib/argv.h's phrase), or NULL. */
extern const char *args_refused_why;

/*
 * Fill a pool page with c's initial stack from block b and make it the top
 * page of c's stack region, unmapped (c->start_page): *sp is where the
 * thread starts.  False when memory is out.
 */
bool stack_fill(struct client *c, const struct argv_block *b, uint64_t *sp);

/* space.c: a client's regions and the requests that change them */
/* A new region [start, end) of c; NULL when it overlaps or memory is out. */
struct vregion *region_add(struct client *c, uint64_t start, uint64_t end,
			   enum region_kind kind, unsigned rights);

/* dst maps what src does, starting `skip` pages into src (a split, a fork). */
void region_inherit(struct vregion *dst, const struct vregion *src, uint64_t skip);

/* Take v out of c's map and give back its pages. */
void region_drop(struct client *c, struct vregion *v);

/* Cut [start, end) out of c's regions: pages unmapped, regions shrunk or split. */
err_t cut(struct client *c, uint64_t start, uint64_t end);

/* Is [start, start + len) a page-aligned, non-empty range of user space? */
bool user_range(uint64_t start, uint64_t len);

/* MAP_* rights a page may have: some, no W+X, no W without R. */
bool map_rights_valid(uint64_t r);

/* PAGER_UNMAP {addr, length}; PAGER_DROP {addr, length}: unmapped, kept. */
err_t unmap(struct client *c, struct msg *m);
err_t drop(struct client *c, struct msg *m);

/* PAGER_PROTECT {addr, length, rights}: new rights, regions split to fit. */
err_t protect(struct client *c, struct msg *m);

/*
 * Where a new mapping of len bytes goes in c: exactly at hint (PAGER_FIXED),
 * or the lowest gap of the mmap area.  ERR_INVALID_ARGUMENT, ERR_EXISTS
 * (fixed, and something is there), ERR_NO_MEMORY (no gap).
 */
err_t place(struct client *c, uint64_t hint, uint64_t len, bool fixed, uint64_t *at);

/* PAGER_MAP_ANON {hint, length, rights, flags}. */
err_t map_anon(struct client *c, struct msg *m);

/* PAGER_BRK {new end, or 0}. */
err_t brk(struct client *c, struct msg *m);

/* PAGER_QUERY {addr}. */
err_t query(struct client *c, struct msg *m);

/* PAGER_STATS_RESIDENT. */
err_t resident_by_kind(struct client *c, struct msg *m);

/* PAGER_MAP_FILE with the passed frame handle *file (taken when it works). */
err_t map_file(struct client *c, struct msg *m, long *file);

/* fault.c: the fault path */
/* Make m the reply that ends the faulting thread with reason `why`. */
void kill_reply(struct msg *m, enum pager_kill_reason why);

/* Turn fault message m of client c into its reply. */
void fault(struct client *c, struct msg *m);

/* share.c: offers of memory to other clients */
/* Drop the offers made to client `to` (a badge): it has ended. */
void grants_drop_for(uint64_t to);

/* PAGER_SHARE {addr, length, rights, to}: offer that range of c to client `to`. */
err_t share(struct client *c, struct msg *m);

/* PAGER_MAP_GRANT {grant, hint, flags}: map a range offered to c. */
err_t map_grant(struct client *c, struct msg *m);

/* books.c: the reverse map's requests and the audit */
/*
 * PAGER_CHECK: the reverse map against the forward maps, every page's
 * reference count against its mappings and objects, each client's resident
 * count and region tree, and every page of our frames mapped in each
 * client's page table (SYS_MAPPING) against the books.  w[0] mismatches,
 * w[1] mapped pages (PAGER_CHECK_TABLES: found in page tables), w[2]
 * objects, w[3] pool pages in use.
 */
void audit(struct msg *m);

/*
 * PAGER_EVICT {addr, length}: every mapping of the pool pages c has in the
 * range, in every client, found by the reverse map, is unmapped; the pages
 * stay where they are and fault back in.  Reclaim does this before a page
 * goes to swap.  w[0] the mappings removed.
 */
err_t evict(struct client *c, struct msg *m);

/* PAGER_QUERY_PAGE {addr}: who uses the pool page c has at addr. */
err_t query_page(struct client *c, struct msg *m);

#endif
