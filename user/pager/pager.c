/*
 * pager: the user-space server that decides what backs every page of its
 * clients (protocol in user/pager/protocol.h).
 *
 * The fault path, for a client thread T that touches a page at `addr`:
 *   1. the kernel blocks T and calls our endpoint: MSG_FAULT {addr,
 *      access, pc, thread}, badge = T's client id (kernel/fault.c)
 *   2. serve() -> fault(): the client's region map (region.c) gives the
 *      region containing addr, or T is killed (no region, guard page)
 *   3. the region's rights must allow the access, or T is killed
 *   4. what backs the page, by region kind:
 *        text       the boot-image file's own page, read/execute, no copy
 *        data       read: the file's page, read-only, no copy; written: a
 *                   pool page (pool.c) with the file's bytes copied in
 *        anon, bss, heap, stack: a zeroed pool page
 *      a page the region already has is mapped again (after protect)
 *   5. the reply MSG_FAULT_MAP {chunk handle, offset, page, rights}; the
 *      kernel checks it against our handle, maps, and T resumes.
 *
 * Programs start empty: PAGER_SPAWN makes a task with nothing mapped, sets
 * up regions from the ELF program headers, and starts a thread whose first
 * instruction faults.  Our own memory is mapped when we start (we were
 * spawned by the kernel) and grows only by explicit mapping (pool.c, the
 * heap): we never fault.
 */
#include "kernel/elf.h"
#include "mm/pt.h"
#include "object.h"
#include "pool.h"
#include "protocol.h"
#include "region.h"
#include "rmap.h"
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
					* FILE_PAGE: the file's own page is mapped */
};

/* In a region's pages[]: the page is the file's own, mapped read-only (text,
 * and data read before it is written); never a pool page id. */
#define FILE_PAGE UINT32_MAX

static bool is_pool_page(uint32_t id)
{
	return id != 0 && id != FILE_PAGE;
}

struct pager_stats {
	uint64_t zero_fill, file, file_copy, cow_copy, cow_reuse, file_around;
	uint64_t faults, refaults;
};

struct client {
	bool used;
	uint8_t gen;                   /* of the slot: in the badge, so a late message
					* from an ended client never reaches the next */
	long task;
	struct region_map map;
	uint64_t resident, limit;
	uint64_t brk_base;
	uint64_t arg;                  /* PAGER_SPAWN's argument */
	struct vregion *heap;
	struct pager_stats stats;
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

static struct client clients[MAX_CLIENTS];
static struct grant grants[MAX_GRANTS];
static uint64_t grant_seq;

static uint64_t grant_id(const struct grant *g)
{
	return (uint64_t)(g - grants) + 1 + ((uint64_t)g->gen << 8);
}

static void grant_drop(struct grant *g)
{
	if (g->obj)
		object_put(g->obj);
	*g = (struct grant){ .gen = (uint8_t)(g->gen + 1) };
}
static struct image images[MAX_IMAGES];
static long endpoint;

/* A client's badge: its slot + 1, and the slot's generation above. */
static uint64_t client_badge(const struct client *c)
{
	return (uint64_t)(c - clients) + 1 + ((uint64_t)c->gen << 8);
}

static struct client *client_of_badge(uint64_t badge)
{
	uint64_t slot = (badge & 0xff) - 1;

	if (badge >> 16 || slot >= MAX_CLIENTS || !clients[slot].used ||
	    clients[slot].gen != badge >> 8)
		return NULL;
	return &clients[slot];
}

static uint64_t page_down(uint64_t a) { return a & ~(PAGE_SIZE - 1); }
static uint64_t page_up(uint64_t a) { return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

static uint64_t region_pages(const struct vregion *v)
{
	return (v->node.end - v->node.start) / PAGE_SIZE;
}

/* A boot-image program, opened, mapped into us and checked, or NULL. */
static struct image *image_get(const char *name, err_t *err)
{
	unsigned i;
	struct image *img = NULL;
	long size;

	for (i = 0; i < MAX_IMAGES; i++) {
		if (images[i].handle > 0 && strcmp(images[i].name, name) == 0) {
			images[i].refs++;
			return &images[i];
		}
		if (!img && images[i].handle <= 0)
			img = &images[i];
	}
	*err = ERR_NO_MEMORY;
	if (!img)
		return NULL;
	img->handle = sys_image_open(name);
	*err = img->handle == -ERR_NOT_FOUND ? ERR_NOT_FOUND : ERR_NO_MEMORY;
	if (img->handle < 0)
		return NULL;
	size = sys_frame_size(img->handle);
	img->data = (const uint8_t *)(IMAGE_VA + (uint64_t)(img - images) * IMAGE_SLOT);
	if (size <= 0 || (uint64_t)size > IMAGE_SLOT ||
	    sys_map(HANDLE_SELF, img->handle, 0, (uint64_t)img->data, (uint64_t)size,
		    MAP_READ) < 0) {
		sys_handle_close(img->handle);
		img->handle = 0;
		return NULL;
	}
	img->size = (uint64_t)size;
	*err = elf_parse(img->data, img->size, USER_BASE, USER_STACK_TOP - PAGER_STACK_LIMIT -
			 PAGE_SIZE, &img->elf);
	if (*err) {
		sys_unmap(HANDLE_SELF, (uint64_t)img->data, img->size);
		sys_handle_close(img->handle);
		img->handle = 0;
		return NULL;
	}
	snprint(img->name, sizeof(img->name), "%s", name);
	img->refs = 1;
	return img;
}

/* One user fewer; the last closes the file and frees its slot. */
static void image_put(struct image *img)
{
	if (--img->refs)
		return;
	sys_unmap(HANDLE_SELF, (uint64_t)img->data, img->size);
	sys_handle_close(img->handle);
	img->handle = 0;
}

/*
 * A file handed to us (PAGER_MAP_FILE): a free image slot, holding the
 * handle (we keep it) and our read-only mapping of the file, with one
 * reference for the caller.  NULL, with *err, when it cannot be read or
 * no slot is free.
 */
static struct image *image_adopt(long handle, err_t *err)
{
	struct image *img = NULL;
	long size = sys_frame_size(handle);
	unsigned i;

	for (i = 0; i < MAX_IMAGES && !img; i++)
		if (images[i].handle <= 0)
			img = &images[i];
	*err = ERR_NO_MEMORY;
	if (!img || size <= 0 || (uint64_t)size > IMAGE_SLOT)
		return NULL;
	img->data = (const uint8_t *)(IMAGE_VA + (uint64_t)(img - images) * IMAGE_SLOT);
	if (sys_map(HANDLE_SELF, handle, 0, (uint64_t)img->data, (uint64_t)size, MAP_READ) < 0) {
		*err = ERR_DENIED;
		return NULL;
	}
	img->handle = handle;
	img->size = (uint64_t)size;
	img->name[0] = 0;          /* never found by name: one mapping's own */
	img->refs = 1;
	return img;
}

/* A new region [start, end) of c; NULL when it overlaps or memory is out. */
static struct vregion *region_add(struct client *c, uint64_t start, uint64_t end,
				  enum region_kind kind, unsigned rights)
{
	struct vregion *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->node = (struct region){ .start = start, .end = end, .data = v };
	v->kind = kind;
	v->rights = rights;
	v->max_rights = rights;
	v->pages = calloc((end - start) / PAGE_SIZE, sizeof(uint32_t));
	if (!v->pages || !region_insert(&c->map, &v->node)) {
		free(v->pages);
		free(v);
		return NULL;
	}
	return v;
}

/* dst maps what src does, starting `skip` pages into src (a split, a fork). */
static void region_inherit(struct vregion *dst, const struct vregion *src, uint64_t skip)
{
	dst->max_rights = src->max_rights;
	dst->image = src->image;
	if (dst->image)
		dst->image->refs++;
	dst->file_off = src->file_off + skip * PAGE_SIZE;
	dst->file_end = src->file_end;
	dst->obj = src->obj;
	if (dst->obj)
		object_get(dst->obj);
	dst->obj_first = src->obj_first + skip;
}

/* Give back pages [first, first + n) of v (the client's mappings are gone). */
static void release_pages(struct client *c, struct vregion *v, uint64_t first, uint64_t n)
{
	uint64_t i;

	for (i = first; i < first + n; i++) {
		if (is_pool_page(v->pages[i])) {
			rmap_remove(v->pages[i], client_badge(c), v->node.start + i * PAGE_SIZE);
			pool_put(v->pages[i]);
			c->resident--;
		}
		v->pages[i] = 0;
	}
}

/* Free v, which is out of every map, and what it holds. */
static void region_free(struct vregion *v)
{
	if (v->image)
		image_put(v->image);
	if (v->obj)
		object_put(v->obj);
	free(v->pages);
	free(v);
}

static void region_drop(struct client *c, struct vregion *v)
{
	release_pages(c, v, 0, region_pages(v));
	region_remove(&c->map, &v->node);
	if (c->heap == v)
		c->heap = NULL;
	region_free(v);
}

/* Forget a client that has ended: its pages come back to the pool. */
static void client_release(struct client *c)
{
	uint8_t gen = c->gen;
	unsigned i;

	for (i = 0; i < MAX_GRANTS; i++)
		if (grants[i].used && grants[i].to == client_badge(c))
			grant_drop(&grants[i]);
	while (c->map.root)
		region_drop(c, c->map.root->data);
	sys_handle_close(c->task);
	*c = (struct client){ .gen = (uint8_t)(gen + 1) };
}

static bool clients_running(void)
{
	unsigned i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].used)
			return true;
	return false;
}

/* Regions from the program headers: text shared, data copied, bss zero. */
static bool client_regions(struct client *c, struct image *img)
{
	unsigned i;
	uint64_t top = 0;

	for (i = 0; i < img->elf.nsegments; i++) {
		const struct elf_segment *s = &img->elf.segments[i];
		uint64_t start = page_down(s->vaddr), end = page_up(s->vaddr + s->memsz);
		bool writable = s->rights & PT_WRITE;
		struct vregion *v = region_add(c, start, end, writable ? RK_DATA : RK_TEXT,
					       (s->rights & PT_READ ? MAP_READ : 0) |
					       (writable ? MAP_WRITE : 0) |
					       (s->rights & PT_EXEC ? MAP_EXEC : 0));

		if (!v)
			return false;
		v->image = img;
		img->refs++;
		v->file_off = s->offset - (s->vaddr - start);
		v->file_end = s->vaddr + s->filesz;
		if (end > top)
			top = end;
	}
	c->brk_base = top;
	return region_add(c, USER_STACK_TOP - PAGER_STACK_LIMIT, USER_STACK_TOP, RK_STACK,
			  MAP_READ | MAP_WRITE) != NULL;
}

/* A new client slot with its task `name` and handles; NULL when none. */
static struct client *client_new(const char *name, uint64_t arg)
{
	struct client *c = NULL;
	long send;
	unsigned i;

	for (i = 0; i < MAX_CLIENTS && !c; i++)
		if (!clients[i].used)
			c = &clients[i];
	if (!c)
		return NULL;
	*c = (struct client){ .used = true, .gen = c->gen, .limit = CLIENT_LIMIT_PAGES,
			      .arg = arg };
	region_map_init(&c->map);
	/* The client's handle to us: badged, send only.  Its end is told to
	 * us (MSG_TASK_EXITED), and its memory comes back then. */
	send = sys_handle_dup(endpoint, RIGHT_SEND | RIGHT_TRANSFER, client_badge(c));
	c->task = send > 0 ? sys_task_create(name, send, TASK_EXIT_NOTICE) : -ERR_NO_MEMORY;
	if (c->task < 0 ||
	    sys_task_give(c->task, c->task, RIGHT_READ | RIGHT_MANAGE) != HANDLE_SELF ||
	    sys_task_give(c->task, send, RIGHT_SEND) != PAGER_HANDLE) {
		sys_handle_close(send);
		if (c->task > 0)
			client_release(c);
		c->used = false;
		return NULL;
	}
	sys_handle_close(send);
	return c;
}

/* Start c's first thread; false (c released) when it cannot be made. */
static bool client_start(struct client *c, uint64_t entry, uint64_t sp, uint64_t a0,
			 struct msg *reply, long *pass)
{
	long thread = sys_thread_create(c->task, entry, sp, a0, PRIORITY_USER);

	if (thread < 0) {
		client_release(c);
		return false;
	}
	sys_handle_close(thread);
	*pass = sys_handle_dup(c->task, RIGHT_READ | RIGHT_TRANSFER, 0);
	reply->w[0] = client_badge(c);
	reply->handle = *pass > 0 ? (uint64_t)*pass : 0;
	return true;
}

/*
 * Give child a copy of region v of parent.  Shared memory: the same object
 * (the child's pages fault in from it).  Private pages: shared copy-on-write,
 * each run of them write-protected in the parent with one call.
 */
static bool fork_region(struct client *parent, struct client *child, const struct vregion *v)
{
	struct vregion *n = region_add(child, v->node.start, v->node.end, v->kind, v->rights);
	uint64_t i, run = 0, pages = region_pages(v);

	if (!n || !rmap_reserve(pages))
		return false;
	region_inherit(n, v, 0);
	if (parent->heap == v)
		child->heap = n;
	if (v->obj || v->kind == RK_TEXT)
		return true;
	for (i = 0; i <= pages; i++) {
		if (i < pages && is_pool_page(v->pages[i])) {
			pool_share(v->pages[i]);
			n->pages[i] = v->pages[i];
			rmap_add(n->pages[i], client_badge(child), v->node.start + i * PAGE_SIZE);
			child->resident++;
			run++;
			continue;
		}
		if (run && (v->rights & MAP_WRITE))   /* the parent's writes must fault now */
			sys_protect(parent->task, v->node.start + (i - run) * PAGE_SIZE,
				    run * PAGE_SIZE, v->rights & ~MAP_WRITE);
		run = 0;
	}
	return true;
}

/* PAGER_FORK from client parent. */
static err_t fork_client(struct client *parent, struct msg *m, long *pass)
{
	uint64_t entry = m->w[0], sp = m->w[1], arg = m->w[2];
	struct client *child;
	struct region *r;

	if (entry < USER_BASE || entry >= USER_TOP || sp % 16 || sp <= USER_BASE || sp > USER_TOP)
		return ERR_INVALID_ARGUMENT;
	child = client_new("fork", arg);
	if (!child)
		return ERR_NO_MEMORY;
	child->brk_base = parent->brk_base;
	for (r = region_next(&parent->map, 0); r; r = region_next(&parent->map, r->end))
		if (!fork_region(parent, child, r->data)) {
			client_release(child);
			return ERR_NO_MEMORY;
		}
	return client_start(child, entry, sp, arg, m, pass) ? ERR_OK : ERR_NO_MEMORY;
}

/* PAGER_SPAWN: a client running `name`, started empty. */
static err_t spawn(const char *name, uint64_t arg, struct msg *reply, long *pass)
{
	struct client *c;
	struct image *img;
	err_t err;

	img = image_get(name, &err);
	if (!img)
		return err;
	c = client_new(name, arg);
	err = !c ? ERR_NO_MEMORY : !client_regions(c, img) ? ERR_NO_MEMORY : ERR_OK;
	if (err && c)
		client_release(c);
	if (!err && !client_start(c, img->elf.entry, USER_STACK_TOP, PAGER_HANDLE, reply, pass))
		err = ERR_NO_MEMORY;
	image_put(img);            /* the regions hold it now */
	return err;
}

/* The page for page index i of data region v: the file's bytes, zeros after. */
static void fill_from_file(const struct vregion *v, uint64_t i, uint8_t *dst)
{
	uint64_t va = v->node.start + i * PAGE_SIZE, n;

	if (va >= v->file_end)
		return;                  /* all bss: already zero */
	n = v->file_end - va < PAGE_SIZE ? v->file_end - va : PAGE_SIZE;
	memcpy(dst, v->image->data + v->file_off + i * PAGE_SIZE, n);
}

static bool access_allowed(unsigned rights, uint64_t access)
{
	return access == FAULT_WRITE ? rights & MAP_WRITE
	     : access == FAULT_EXEC ? rights & MAP_EXEC : rights & MAP_READ;
}

static void kill_reply(struct msg *m, enum pager_kill_reason why)
{
	*m = (struct msg){ .tag = MSG_FAULT_KILL, .w = { why } };
}

/*
 * A fault on page i of v, which the region has already: shared after a
 * fork (copy-on-write) or mapped with other rights before.  A write to a
 * shared page copies it; to a page only this client has left, it just
 * regains write.  The caller maps the page again (read-only while shared);
 * the kernel replaces the old mapping.  False when it killed the thread instead (*m set).
 */
static bool present_page(struct client *c, struct vregion *v, uint64_t i, uint64_t access,
			 struct msg *m)
{
	uint32_t old = v->pages[i];

	if (v->obj || access != FAULT_WRITE)
		return true;            /* shared memory is the same page for all */
	switch (c->resident <= c->limit ? cow_write(&v->pages[i]) : COW_NO_MEMORY) {
	case COW_NO_MEMORY:
		kill_reply(m, PAGER_KILL_OUT_OF_MEMORY);
		return false;
	case COW_COPIED:
		rmap_move(old, v->pages[i], client_badge(c), v->node.start + i * PAGE_SIZE);
		c->stats.cow_copy++;
		break;
	case COW_REUSED:
		c->stats.cow_reuse++;
		break;
	}
	return true;   /* the map reply replaces the old mapping */
}

/*
 * Fault-around: map the file pages next to text page i (FAULT_AROUND on
 * either side) that are not mapped yet, a run at a time, before the thread
 * resumes.  The boot image's pages are always in memory.  Returns how many
 * were mapped: faults saved.
 */
static unsigned fault_around(struct client *c, struct vregion *v, uint64_t i)
{
	uint64_t lo = i > FAULT_AROUND ? i - FAULT_AROUND : 0, hi = i + FAULT_AROUND + 1, j, k;
	unsigned mapped = 0;

	if (hi > region_pages(v))
		hi = region_pages(v);
	for (j = lo; j < hi; j = k) {
		for (; j < hi && v->pages[j]; j++)
			;
		for (k = j; k < hi && !v->pages[k] && k != i; k++)
			;
		if (k > j && sys_map(c->task, v->image->handle, v->file_off + j * PAGE_SIZE,
				     v->node.start + j * PAGE_SIZE, (k - j) * PAGE_SIZE,
				     v->rights) == 0) {
			mapped += (unsigned)(k - j);
			while (j < k)
				v->pages[j++] = FILE_PAGE;
		}
		if (k == j)
			k++;
	}
	return mapped;
}

/* Turn fault message m of client c into its reply. */
static void fault(struct client *c, struct msg *m)
{
	uint64_t addr = m->w[0], access = m->w[1], page = page_down(addr), i;
	struct region *r = region_find(&c->map, addr);
	struct vregion *v = r ? r->data : NULL;
	uint32_t id;

	c->stats.faults++;
	if (!v) {
		bool guard = addr >= USER_STACK_TOP - PAGER_STACK_LIMIT - PAGE_SIZE &&
			     addr < USER_STACK_TOP - PAGER_STACK_LIMIT;

		kill_reply(m, guard ? PAGER_KILL_STACK_OVERFLOW : PAGER_KILL_NO_REGION);
		return;
	}
	if (!access_allowed(v->rights, access)) {
		kill_reply(m, PAGER_KILL_PROTECTION);
		return;
	}
	i = (page - v->node.start) / PAGE_SIZE;
	id = v->pages[i];
	/* The file's own page, read-only: text, and data not written yet
	 * (wholly file bytes: a page that ends in bss is copied at once). */
	if (v->kind == RK_TEXT || (v->kind == RK_DATA && access != FAULT_WRITE &&
				   (id == FILE_PAGE || (!id && page + PAGE_SIZE <= v->file_end)))) {
		if (id == FILE_PAGE && v->kind == RK_DATA) {
			c->stats.refaults++;
		} else {
			c->stats.file++;
			v->pages[i] = FILE_PAGE;
			if (v->kind == RK_TEXT)
				c->stats.file_around += fault_around(c, v, i);
		}
		*m = (struct msg){ .tag = MSG_FAULT_MAP,
				   .w = { (uint64_t)v->image->handle, v->file_off + i * PAGE_SIZE,
					  page, v->rights & ~MAP_WRITE } };
		return;
	}
	if (!id || id == FILE_PAGE) {   /* a new page (data: its first write copies the file's) */
		id = c->resident >= c->limit || !rmap_reserve(1) ? POOL_NONE
		   : v->obj ? object_page(v->obj, v->obj_first + i) : pool_alloc();
		if (id == POOL_NONE) {
			kill_reply(m, PAGER_KILL_OUT_OF_MEMORY);
			return;
		}
		if (v->obj)
			pool_share(id);        /* the object's reference, and ours */
		v->pages[i] = id;
		rmap_add(id, client_badge(c), page);
		c->resident++;
		if (v->obj && rmap_count(id) > 1) {
			c->stats.refaults++;   /* made by another user of the object */
		} else if (v->kind == RK_DATA && page < v->file_end) {
			fill_from_file(v, i, pool_va(id));
			c->stats.file_copy++;
		} else {
			c->stats.zero_fill++;
		}
	} else if (!present_page(c, v, i, access, m)) {
		return;
	} else {
		c->stats.refaults++;
	}
	id = v->pages[i];
	*m = (struct msg){ .tag = MSG_FAULT_MAP,
			   .w = { (uint64_t)pool_handle(id), pool_offset(id), page,
				  pool_refs(id) > 1 && !v->obj ? v->rights & ~MAP_WRITE
								 : v->rights } };
}

/*
 * Split v at `at` (inside it, page aligned): v keeps [start, at), a new
 * region gets [at, end) with the same backing.  False (nothing changed)
 * when memory is out.
 */
static bool region_split(struct client *c, struct vregion *v, uint64_t at)
{
	uint64_t old_end = v->node.end;
	struct vregion *tail;

	v->node.end = at;                  /* the bottom stays; its start is its key */
	tail = region_add(c, at, old_end, v->kind, v->rights);
	if (!tail) {
		v->node.end = old_end;
		return false;
	}
	region_inherit(tail, v, (at - v->node.start) / PAGE_SIZE);
	memcpy(tail->pages, v->pages + (at - v->node.start) / PAGE_SIZE,
	       region_pages(tail) * sizeof(uint32_t));
	return true;
}

/* Could b, just above a, join it: the same backing, continued? */
static bool regions_compatible(const struct vregion *a, const struct vregion *b)
{
	uint64_t n = region_pages(a);

	return a->node.end == b->node.start && a->kind == b->kind &&
	       (a->kind == RK_ANON || a->kind == RK_TEXT || a->kind == RK_DATA) &&
	       a->rights == b->rights && a->max_rights == b->max_rights &&
	       a->image == b->image && a->file_end == b->file_end &&
	       (!a->image || b->file_off == a->file_off + n * PAGE_SIZE) &&
	       a->obj == b->obj && (!a->obj || b->obj_first == a->obj_first + n);
}

/* a takes b's range and pages, and b goes; false (nothing changed) when memory is out. */
static bool region_join(struct client *c, struct vregion *a, struct vregion *b)
{
	uint64_t na = region_pages(a), nb = region_pages(b);
	uint32_t *pages = malloc((na + nb) * sizeof(uint32_t));

	if (!pages)
		return false;
	memcpy(pages, a->pages, na * sizeof(uint32_t));
	memcpy(pages + na, b->pages, nb * sizeof(uint32_t));
	free(a->pages);
	a->pages = pages;
	region_remove(&c->map, &b->node);
	a->node.end = b->node.end;        /* not the tree's key: a stays where it is */
	region_free(b);
	return true;
}

/* Merge v with compatible neighbours; the region that now holds v's range. */
static struct vregion *region_merge(struct client *c, struct vregion *v)
{
	struct region *r = region_find(&c->map, v->node.start - 1);

	if (r && regions_compatible(r->data, v) && region_join(c, r->data, v))
		v = r->data;
	r = region_find(&c->map, v->node.end);
	if (r && regions_compatible(v, r->data))
		region_join(c, v, r->data);
	return v;
}

/* Cut [start, end) out of c's regions: pages unmapped, regions shrunk or split. */
static err_t cut(struct client *c, uint64_t start, uint64_t end)
{
	struct region *r;

	while ((r = region_next(&c->map, start)) && r->start < end) {
		struct vregion *v = r->data;
		uint64_t lo = r->start > start ? r->start : start, hi = r->end < end ? r->end : end;
		uint64_t first = (lo - r->start) / PAGE_SIZE, n = (hi - lo) / PAGE_SIZE;

		sys_unmap(c->task, lo, hi - lo);
		release_pages(c, v, first, n);
		if (lo == r->start && hi == r->end) {
			region_drop(c, v);
		} else if (lo == r->start) {       /* keep the top: move its pages down */
			memmove(v->pages, v->pages + n, (region_pages(v) - n) * sizeof(uint32_t));
			region_remove(&c->map, r);
			v->file_off += hi - r->start;
			v->obj_first += n;
			r->start = hi;
			region_insert(&c->map, r);
		} else if (hi == r->end) {         /* keep the bottom */
			r->end = lo;
		} else {                           /* split: a new region for the top */
			if (!region_split(c, v, hi))
				return ERR_NO_MEMORY; /* pages of the hole are gone, the region not */
			r->end = lo;
		}
	}
	return ERR_OK;
}

static bool user_range(uint64_t start, uint64_t len)
{
	return len && start >= USER_BASE && start + len > start && start + len <= USER_TOP &&
	       !(start % PAGE_SIZE);
}

static bool map_rights_valid(uint64_t r)
{
	return r && !(r & ~(uint64_t)(MAP_READ | MAP_WRITE | MAP_EXEC)) &&
	       !((r & MAP_WRITE) && ((r & MAP_EXEC) || !(r & MAP_READ)));
}

/* PAGER_PROTECT: new rights for [start, start + len), regions split to fit. */
static err_t protect(struct client *c, uint64_t start, uint64_t len, uint64_t rights)
{
	uint64_t end = start + len, at, i;
	struct region *r;

	if (!user_range(start, len) || !map_rights_valid(rights))
		return ERR_INVALID_ARGUMENT;
	for (at = start; at < end; at = r->end) {
		r = region_find(&c->map, at);
		if (!r)
			return ERR_NOT_FOUND;
		if (rights & ~(uint64_t)((struct vregion *)r->data)->max_rights)
			return ERR_DENIED;
	}
	r = region_find(&c->map, start);
	if (r->start < start && !region_split(c, r->data, start))
		return ERR_NO_MEMORY;
	r = region_find(&c->map, end - 1);
	if (r->end > end && !region_split(c, r->data, end))
		return ERR_NO_MEMORY;
	for (at = start; at < end; at = r->end) {
		struct vregion *v;

		r = region_find(&c->map, at);
		v = r->data;
		v->rights = (unsigned)rights;
		for (i = 0; i < region_pages(v); i++)
			if (v->pages[i] == FILE_PAGE)
				v->pages[i] = 0;   /* the file's page: mapped no more */
	}
	/* Every page faults again and is mapped with the new rights (kept). */
	sys_unmap(c->task, start, len);
	for (r = region_find(&c->map, start); r && r->start <= end;
	     r = region_next(&c->map, r->end))
		r = &region_merge(c, r->data)->node;
	return ERR_OK;
}

/*
 * Where a new mapping of len bytes goes in c: exactly at hint (PAGER_FIXED),
 * or the lowest gap of the mmap area.  ERR_INVALID_ARGUMENT, ERR_EXISTS
 * (fixed, and something is there), ERR_NO_MEMORY (no gap).
 */
static err_t place(struct client *c, uint64_t hint, uint64_t len, bool fixed, uint64_t *at)
{
	if (hint % PAGE_SIZE)
		return ERR_INVALID_ARGUMENT;
	if (fixed) {
		if (!user_range(hint, len))
			return ERR_INVALID_ARGUMENT;
		if (region_overlaps(&c->map, hint, hint + len))
			return ERR_EXISTS;
		*at = hint;
		return ERR_OK;
	}
	*at = region_find_gap(&c->map, PAGER_MMAP_BASE, PAGER_MMAP_TOP, len);
	return *at ? ERR_OK : ERR_NO_MEMORY;
}

static err_t map_anon(struct client *c, struct msg *m)
{
	uint64_t hint = m->w[0], len = page_up(m->w[1]), rights = m->w[2], flags = m->w[3];
	struct vregion *v;
	uint64_t at;
	err_t err;

	if (!m->w[1] || len < m->w[1] || (flags & ~(PAGER_FIXED | PAGER_SHARED)) ||
	    !map_rights_valid(rights) || (rights & MAP_EXEC))
		return ERR_INVALID_ARGUMENT;
	err = place(c, hint, len, flags & PAGER_FIXED, &at);
	if (err)
		return err;
	v = region_add(c, at, at + len, RK_ANON, (unsigned)rights);
	if (!v)
		return ERR_NO_MEMORY;
	if (flags & PAGER_SHARED) {
		v->obj = object_new(len / PAGE_SIZE);
		if (!v->obj) {
			region_drop(c, v);
			return ERR_NO_MEMORY;
		}
	} else {
		v = region_merge(c, v);
	}
	m->w[0] = at;
	return ERR_OK;
}

static err_t brk(struct client *c, struct msg *m)
{
	uint64_t want = page_up(m->w[0]);
	uint64_t end = c->heap ? c->heap->node.end : c->brk_base;
	struct vregion *grown;

	if (m->w[0] == 0 || want == end) {
		m->w[0] = end;
		return ERR_OK;
	}
	if (want < c->brk_base || m->w[0] > c->brk_base + PAGER_HEAP_MAX)
		return want < c->brk_base ? ERR_INVALID_ARGUMENT : ERR_NO_MEMORY;
	if (want < end) {
		cut(c, want, end);
	} else {
		/* A new, longer region in place of the old: the old one steps out
		 * first, and comes back if the new one cannot be made. */
		if (c->heap)
			region_remove(&c->map, &c->heap->node);
		grown = region_add(c, c->brk_base, want, RK_HEAP, MAP_READ | MAP_WRITE);
		if (!grown) {
			if (c->heap)
				region_insert(&c->map, &c->heap->node);
			return ERR_NO_MEMORY;
		}
		if (c->heap) {                /* carry the pages over */
			memcpy(grown->pages, c->heap->pages, region_pages(c->heap) * sizeof(uint32_t));
			region_free(c->heap);
		}
		c->heap = grown;
	}
	m->w[0] = want;
	return ERR_OK;
}

/* Pages of v that hold something (text: mapped). */
static uint64_t region_resident(const struct vregion *v)
{
	uint64_t i, n = 0;

	for (i = 0; i < region_pages(v); i++)
		n += v->pages[i] != 0;
	return n;
}

static err_t query(struct client *c, struct msg *m)
{
	struct region *r = region_find(&c->map, m->w[0]);
	struct vregion *v = r ? r->data : NULL;

	if (!v)
		return ERR_NOT_FOUND;
	m->w[0] = r->start;
	m->w[1] = r->end;
	m->w[2] = (uint64_t)v->kind | (uint64_t)v->rights << 8 | (uint64_t)(v->obj != NULL) << 16;
	m->w[3] = region_resident(v);
	return ERR_OK;
}

static void resident_by_kind(struct client *c, struct msg *m)
{
	struct region *r;
	uint64_t i;

	m->w[0] = m->w[1] = m->w[2] = m->w[3] = 0;
	for (r = region_next(&c->map, 0); r; r = region_next(&c->map, r->end)) {
		struct vregion *v = r->data;

		for (i = 0; i < region_pages(v); i++) {
			if (!v->pages[i])
				continue;
			if (v->pages[i] == FILE_PAGE)
				m->w[3]++;
			else if (rmap_count(v->pages[i]) > 1)
				m->w[2]++;
			else if (v->kind == RK_DATA)
				m->w[1]++;
			else
				m->w[0]++;
		}
	}
}

/*
 * Region v of c becomes shared memory: its pages move into a new object.
 * A page a fork relative still shares is copied first (the relative keeps
 * the old one), and our mapping of it goes, to fault in the copy.
 */
static err_t region_make_shared(struct client *c, struct vregion *v)
{
	uint64_t i, n = region_pages(v);
	struct object *o;

	for (i = 0; i < n; i++) {
		uint32_t old = v->pages[i];
		uint64_t va = v->node.start + i * PAGE_SIZE;

		if (!old || rmap_count(old) == 1)
			continue;
		if (cow_write(&v->pages[i]) == COW_NO_MEMORY)
			return ERR_NO_MEMORY;   /* the pages copied so far stay private copies */
		rmap_move(old, v->pages[i], client_badge(c), va);
		sys_unmap(c->task, va, PAGE_SIZE);
		c->stats.cow_copy++;
	}
	o = object_new(n);
	if (!o)
		return ERR_NO_MEMORY;
	for (i = 0; i < n; i++) {
		o->pages[i] = v->pages[i];
		if (v->pages[i])
			pool_share(v->pages[i]);
	}
	v->obj = o;
	v->obj_first = 0;
	return ERR_OK;
}

/* PAGER_SHARE {addr, length, rights, to}: offer that range of c to client `to`. */
static err_t share(struct client *c, struct msg *m)
{
	uint64_t start = m->w[0], len = page_up(m->w[1]), rights = m->w[2];
	struct client *to = client_of_badge(m->w[3]);
	struct region *r = region_find(&c->map, start);
	struct vregion *v = r ? r->data : NULL;
	struct grant *g = NULL;
	unsigned i;
	err_t err;

	if (!user_range(start, len) || !map_rights_valid(rights) || (rights & MAP_EXEC) || to == c)
		return ERR_INVALID_ARGUMENT;
	if (!to || !v || r->end < start + len)
		return ERR_NOT_FOUND;
	if (v->kind != RK_ANON)
		return ERR_INVALID_ARGUMENT;
	if (rights & ~(uint64_t)v->max_rights)
		return ERR_DENIED;
	for (i = 0; i < MAX_GRANTS && !g; i++)
		if (!grants[i].used)
			g = &grants[i];
	if (!g)
		return ERR_NO_MEMORY;
	if (!v->obj && (err = region_make_shared(c, v)))
		return err;
	*g = (struct grant){ .used = true, .gen = g->gen, .seq = ++grant_seq, .to = m->w[3],
			     .obj = v->obj, .first = v->obj_first + (start - r->start) / PAGE_SIZE,
			     .npages = len / PAGE_SIZE, .rights = (unsigned)rights };
	object_get(v->obj);
	m->w[0] = grant_id(g);
	return ERR_OK;
}

/* PAGER_MAP_GRANT {grant, hint, flags}: map a range offered to c. */
static err_t map_grant(struct client *c, struct msg *m)
{
	uint64_t id = m->w[0], flags = m->w[2], at;
	struct grant *g = NULL;
	struct vregion *v;
	unsigned i;
	err_t err;

	if (flags & ~PAGER_FIXED)
		return ERR_INVALID_ARGUMENT;
	for (i = 0; i < MAX_GRANTS; i++) {
		struct grant *x = &grants[i];

		if (x->used && (id ? grant_id(x) == id
				   : x->to == client_badge(c) && (!g || x->seq < g->seq)))
			g = x;
	}
	if (!g)
		return ERR_NOT_FOUND;
	if (g->to != client_badge(c))
		return ERR_DENIED;
	err = place(c, m->w[1], g->npages * PAGE_SIZE, flags & PAGER_FIXED, &at);
	if (err)
		return err;
	v = region_add(c, at, at + g->npages * PAGE_SIZE, RK_ANON, g->rights);
	if (!v)
		return ERR_NO_MEMORY;
	v->obj = g->obj;                 /* the grant's reference goes to the region */
	v->obj_first = g->first;
	g->obj = NULL;
	m->w[0] = at;
	m->w[1] = g->npages * PAGE_SIZE;
	m->w[2] = g->rights;
	grant_drop(g);
	return ERR_OK;
}

/*
 * PAGER_CHECK: the reverse map against the forward maps, every page's
 * reference count against its mappings and objects, each client's resident
 * count and region tree.  w[0] mismatches,
 * w[1] mapped pages, w[2] objects, w[3] pool pages in use.
 */
static void audit(struct msg *m)
{
	static uint16_t held[POOL_MAX_CHUNKS * POOL_CHUNK_PAGES + 1];
	uint64_t bad = 0, mapped = 0, resident = 0, i, id;
	uint64_t top = (uint64_t)pool_chunks() * POOL_CHUNK_PAGES;
	struct object *o;
	struct region *r;
	unsigned k;

	memset(held, 0, sizeof(held));
	for (o = object_first(); o; o = o->next)
		for (i = 0; i < o->npages; i++)
			held[o->pages[i]]++;
	for (k = 0; k < MAX_CLIENTS; k++) {
		struct client *c = &clients[k];

		for (r = c->used ? region_next(&c->map, 0) : NULL; r; r = region_next(&c->map, r->end)) {
			struct vregion *v = r->data;

			for (i = 0; i < region_pages(v); i++) {
				if (!is_pool_page(v->pages[i]))
					continue;
				mapped++;
				resident++;
				bad += !rmap_has(v->pages[i], client_badge(c), r->start + i * PAGE_SIZE);
			}
		}
		bad += c->used && (resident != c->resident || !region_map_check(&c->map));
		resident = 0;
	}
	bad += mapped != rmap_entries();
	for (id = 1; id <= top; id++)
		bad += pool_refs((uint32_t)id) != rmap_count((uint32_t)id) + held[id];
	m->w[0] = bad;
	m->w[1] = mapped;
	m->w[2] = object_count();
	m->w[3] = pool_used();
}

/* rmap_walk: unmap one mapping of a page from its client's address space. */
static bool unmap_mapping(void *arg, uint32_t owner, uint64_t va)
{
	struct client *c = client_of_badge(owner);
	uint64_t *count = arg;

	if (c && sys_unmap(c->task, va, PAGE_SIZE) == 0)
		(*count)++;
	return true;
}

/*
 * PAGER_EVICT {addr, length}: every mapping of the pool pages c has in the
 * range, in every client, found by the reverse map, is unmapped; the pages
 * stay where they are and fault back in.  Reclaim does this before a page
 * goes to swap.  w[0] the mappings removed.
 */
static err_t evict(struct client *c, struct msg *m)
{
	uint64_t start = m->w[0], len = page_up(m->w[1]), at, count = 0;

	if (!user_range(start, len))
		return ERR_INVALID_ARGUMENT;
	for (at = start; at < start + len; at += PAGE_SIZE) {
		struct region *r = region_find(&c->map, at);
		struct vregion *v = r ? r->data : NULL;

		if (v && is_pool_page(v->pages[(at - r->start) / PAGE_SIZE]))
			rmap_walk(v->pages[(at - r->start) / PAGE_SIZE], unmap_mapping, &count);
	}
	m->w[0] = count;
	return ERR_OK;
}

/* PAGER_QUERY_PAGE {addr}: who uses the pool page c has at addr. */
static err_t query_page(struct client *c, struct msg *m)
{
	struct region *r = region_find(&c->map, m->w[0]);
	struct vregion *v = r ? r->data : NULL;
	uint32_t id = v ? v->pages[(m->w[0] - r->start) / PAGE_SIZE] : 0;

	if (!is_pool_page(id))
		return ERR_NOT_FOUND;
	m->w[0] = rmap_count(id);
	m->w[1] = pool_refs(id);
	m->w[2] = v->obj != NULL;
	m->w[3] = id;
	return ERR_OK;
}

/* PAGER_MAP_FILE with the passed frame handle *file (taken when it works). */
static err_t map_file(struct client *c, struct msg *m, long *file)
{
	uint64_t off = m->w[0], len = page_up(m->w[1]), rights = m->w[2], flags = m->w[3], at;
	bool private = flags & PAGER_PRIVATE;
	long size = *file ? sys_frame_size(*file) : -ERR_BAD_HANDLE;
	struct image *img;
	struct vregion *v;
	err_t err;

	if (size < 0 || !m->w[1] || len < m->w[1] || off % PAGE_SIZE || (flags & ~PAGER_PRIVATE) ||
	    off >= (uint64_t)size || len > (uint64_t)size - off)
		return ERR_INVALID_ARGUMENT;
	if (private ? rights != (MAP_READ | MAP_WRITE)
		    : rights != MAP_READ && rights != (MAP_READ | MAP_EXEC))
		return ERR_INVALID_ARGUMENT;
	at = region_find_gap(&c->map, PAGER_MMAP_BASE, PAGER_MMAP_TOP, len);
	if (!at)
		return ERR_NO_MEMORY;
	img = image_adopt(*file, &err);
	if (!img)
		return err;
	*file = 0;                  /* the slot has it now, whatever happens next */
	v = region_add(c, at, at + len, private ? RK_DATA : RK_TEXT, (unsigned)rights);
	if (v) {
		v->image = img;
		img->refs++;
		v->file_off = off;
		v->file_end = at + len;
		m->w[0] = at;
	}
	image_put(img);             /* the region holds it now, if it was made */
	return v ? ERR_OK : ERR_NO_MEMORY;
}

/* The requests only a client makes that need nothing but the client and the message. */
static err_t (*const client_requests[])(struct client *, struct msg *) = {
	[PAGER_MAP_ANON - PAGER_SPAWN] = map_anon,
	[PAGER_BRK - PAGER_SPAWN] = brk,
	[PAGER_QUERY - PAGER_SPAWN] = query,
	[PAGER_QUERY_PAGE - PAGER_SPAWN] = query_page,
	[PAGER_SHARE - PAGER_SPAWN] = share,
	[PAGER_MAP_GRANT - PAGER_SPAWN] = map_grant,
	[PAGER_EVICT - PAGER_SPAWN] = evict,
};

/* The other requests of client c (NULL: our parent): the answer's error. */
static err_t other_request(struct client *c, struct msg *m, long *pass, long *received)
{
	char name[PAGER_NAME_MAX + 1];
	err_t err;

	switch (m->tag) {
	case PAGER_SPAWN:
		memcpy(name, m->w, PAGER_NAME_MAX);
		name[PAGER_NAME_MAX] = 0;
		err = c ? ERR_DENIED : spawn(name, m->w[3], m, pass);
		if (err && !c)
			printf("pager: cannot start %s: %s\n", name, err_name(err));
		break;
	case PAGER_UNMAP:
		err = !c ? ERR_DENIED : !user_range(m->w[0], page_up(m->w[1])) ? ERR_INVALID_ARGUMENT
		    : cut(c, m->w[0], m->w[0] + page_up(m->w[1]));
		break;
	case PAGER_FORK:
		err = c ? fork_client(c, m, pass) : ERR_DENIED;
		break;
	case PAGER_STATS_MORE:
		err = c ? ERR_OK : ERR_DENIED;
		if (c) {
			m->w[0] = c->stats.cow_copy;
			m->w[1] = c->stats.cow_reuse;
			m->w[2] = c->limit;
			m->w[3] = c->stats.file_around;
		}
		break;
	case PAGER_MAP_FILE:
		err = c ? map_file(c, m, received) : ERR_DENIED;
		break;
	case PAGER_CHECK:
		audit(m);
		err = ERR_OK;
		break;
	case PAGER_STATS_RESIDENT:
		err = c ? ERR_OK : ERR_DENIED;
		if (c)
			resident_by_kind(c, m);
		break;
	case PAGER_PROTECT:
		err = c ? protect(c, m->w[0], page_up(m->w[1]), m->w[2]) : ERR_DENIED;
		break;
	case PAGER_DROP:
		err = !c ? ERR_DENIED : !user_range(m->w[0], page_up(m->w[1])) ? ERR_INVALID_ARGUMENT
		    : sys_unmap(c->task, m->w[0], page_up(m->w[1])) ? ERR_INVALID_ARGUMENT : ERR_OK;
		break;
	case PAGER_STATS_FAULTS:
		err = c ? ERR_OK : ERR_DENIED;
		if (c) {
			m->w[0] = c->stats.faults;
			m->w[1] = c->stats.refaults;
			m->w[2] = m->w[3] = 0;
		}
		break;
	case PAGER_INFO:
		/* A pool page descriptor, its id in the region's page array, its
		 * reverse-map head and one mapping's entry; a region descriptor
		 * (its tree node inside) and the heap's header. */
		m->w[0] = sizeof(struct pool_page) + 2 * sizeof(uint32_t) + RMAP_ENTRY_BYTES;
		m->w[1] = sizeof(struct vregion) + 2 * 16;
		err = ERR_OK;
		break;
	case PAGER_ARG:
		err = c ? ERR_OK : ERR_DENIED;
		m->w[0] = c ? c->arg : 0;
		m->w[1] = c ? client_badge(c) : 0;
		break;
	case PAGER_EXIT:
		err = c ? ERR_DENIED : clients_running() ? ERR_EXISTS : ERR_OK;
		if (!err)
			sys_exit(0);    /* the caller's call returns ERR_PEER_GONE */
		break;
	case PAGER_STATS:
		err = c ? ERR_OK : ERR_DENIED;
		if (c) {
			m->w[0] = c->stats.zero_fill;
			m->w[1] = c->stats.file;
			m->w[2] = c->stats.file_copy;
			m->w[3] = c->resident;
		}
		break;
	default:
		err = ERR_NOT_SUPPORTED;
	}
	return err;
}

/* Answer request m from client c (NULL: our parent). */
static void request(struct client *c, struct msg *m, long *pass, long *received)
{
	uint64_t simple = m->tag - PAGER_SPAWN;
	err_t err;

	if (simple < sizeof(client_requests) / sizeof(client_requests[0]) && client_requests[simple])
		err = c ? client_requests[simple](c, m) : ERR_DENIED;
	else
		err = other_request(c, m, pass, received);
	m->tag = err;
	if (err)
		m->handle = 0;
}

/* The server loop: one message, one answer, until nobody can send to us. */
static long serve(void)
{
	struct msg m = { 0 };
	long r = ipc_recv(endpoint, &m);

	while (r == 0) {
		struct client *c = client_of_badge(m.badge);
		long pass = 0, received = (long)m.handle;

		if (m.tag == MSG_TASK_EXITED) {
			if (c)
				client_release(c);
			m = (struct msg){ 0 };  /* not a call: this reply goes nowhere */
		} else if (m.tag == MSG_FAULT && c) {
			fault(c, &m);
		} else if (m.tag == MSG_FAULT) {
			kill_reply(&m, PAGER_KILL_NO_REGION);
		} else {
			request(c, &m, &pass, &received);
		}
		if (received)
			sys_handle_close(received);    /* a handle nobody took */
		r = ipc_reply_recv(endpoint, &m);
		if (pass > 0)
			sys_handle_close(pass);
		if (r < 0 && r != -ERR_PEER_GONE) {
			/* Our own bug: say so, and go on serving the others. */
			printf("pager: the kernel refused a reply: %s\n", err_name((err_t)-r));
			m = (struct msg){ 0 };
			r = ipc_recv(endpoint, &m);
		}
	}
	return r;
}

void pager_bug(const char *what)
{
	printf("pager: bug: %s\n", what);
	sys_exit(70);
}

int main(long ep)
{
	endpoint = ep;
	pool_use_kernel();
	printf("pager: serving on handle %ld\n", ep);
	return serve() == -ERR_PEER_GONE ? 0 : 1;
}
