/*
 * The pager's clients (see pager.h): their slots and badges, the boot-image
 * files their programs come from, and how a client is made (PAGER_SPAWN:
 * regions from the ELF program headers, started empty), copied
 * (PAGER_FORK: copy-on-write) and released when it ends.
 */
#include "pager.h"

static struct image images[MAX_IMAGES];
const char *image_refused_why;

struct client *client_of_badge(uint64_t badge)
{
	uint64_t slot = (badge & 0xff) - 1;

	if (badge >> 16 || slot >= MAX_CLIENTS || !clients[slot].used ||
	    clients[slot].gen != badge >> 8)
		return NULL;
	return &clients[slot];
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
		image_refused_why = img->elf.why;
		sys_unmap(HANDLE_SELF, (uint64_t)img->data, img->size);
		sys_handle_close(img->handle);
		img->handle = 0;
		return NULL;
	}
	snprint(img->name, sizeof(img->name), "%s", name);
	img->refs = 1;
	return img;
}

void image_put(struct image *img)
{
	if (--img->refs)
		return;
	sys_unmap(HANDLE_SELF, (uint64_t)img->data, img->size);
	sys_handle_close(img->handle);
	img->handle = 0;
}

struct image *image_adopt(long handle, err_t *err)
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

void client_release(struct client *c)
{
	uint8_t gen = c->gen;

	grants_drop_for(client_badge(c));
	disk_client_gone(c);
	while (c->map.root)
		region_drop(c, c->map.root->data);
	sys_handle_close(c->task);
	*c = (struct client){ .gen = (uint8_t)(gen + 1) };
}

bool clients_running(void)
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
		bool writable = s->rights & MAP_WRITE;
		struct vregion *v = region_add(c, start, end, writable ? RK_DATA : RK_TEXT,
					       s->rights & (MAP_READ | MAP_WRITE | MAP_EXEC));

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

/* A new client slot with its task `name` and handles (its HANDLE_SELF with
 * RIGHT_INTROSPECT if `introspect`); NULL when none, with *err why
 * (ERR_NO_MEMORY, or ERR_DENIED: introspect, and we lack the right). */
static struct client *client_new(const char *name, uint64_t arg, bool introspect, err_t *err)
{
	struct client *c = NULL;
	long send;
	unsigned i;

	*err = ERR_NO_MEMORY;
	for (i = 0; i < MAX_CLIENTS && !c; i++)
		if (!clients[i].used)
			c = &clients[i];
	if (!c)
		return NULL;
	*c = (struct client){ .used = true, .gen = c->gen, .limit = CLIENT_LIMIT_PAGES,
			      .arg = arg };
	region_map_init(&c->map);
	/* The client's fault endpoint and its handle to us: badged with its
	 * id.  We keep FAULT (only we make tasks fault to us); the client gets
	 * SEND alone.  Its end is told to us (MSG_TASK_EXITED), and its memory
	 * comes back then. */
	send = sys_handle_dup(endpoint, RIGHT_SEND | RIGHT_FAULT | RIGHT_TRANSFER, client_badge(c));
	c->task = send > 0 ? sys_task_create(name, send, TASK_EXIT_NOTICE |
					     (introspect ? TASK_INTROSPECT : 0)) : -ERR_NO_MEMORY;
	c->task_id = c->task > 0 ? (uint32_t)sys_task_id(c->task) : 0;
	if (c->task == -ERR_DENIED)
		*err = ERR_DENIED;    /* introspect, and we lack the right */
	if (c->task < 0 ||
	    sys_task_give(c->task, c->task, RIGHT_READ | RIGHT_MANAGE |
			  (introspect ? RIGHT_INTROSPECT : 0)) != HANDLE_SELF ||
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
 * Take write away from pages [va, va + n pages) of task, which maps most of
 * them: PROTECT_MAX_PAGES a call (a longer run was refused whole, and left
 * the parent writing to pages its child shared: before swap, a run of over
 * 4 MiB of resident pages did so).  A page it does not map (one a failed
 * swap write left unmapped) needs nothing: its next fault maps it
 * read-only while it is shared.
 */
static void write_protect(long task, uint64_t va, uint64_t n, unsigned rights)
{
	uint64_t k, j;

	for (; n; n -= k, va += k * PAGE_SIZE) {
		k = n < PROTECT_MAX_PAGES ? n : PROTECT_MAX_PAGES;
		if (sys_protect(task, va, k * PAGE_SIZE, rights) == -ERR_NOT_FOUND)
			for (j = 0; j < k; j++)
				sys_protect(task, va + j * PAGE_SIZE, PAGE_SIZE, rights);
	}
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
		if (i < pages && is_swap_entry(v->pages[i])) {
			swap_slot_share(swap_slot_of(v->pages[i]));   /* both hold the slot */
			n->pages[i] = v->pages[i];
		}
		if (i < pages && is_pool_page(v->pages[i])) {
			pool_share(v->pages[i]);
			n->pages[i] = v->pages[i];
			rmap_add(n->pages[i], client_badge(child), v->node.start + i * PAGE_SIZE);
			child->resident++;
			run++;
			continue;
		}
		if (run && (v->rights & MAP_WRITE))   /* the parent's writes must fault now */
			write_protect(parent->task, v->node.start + (i - run) * PAGE_SIZE, run,
				      v->rights & ~MAP_WRITE);
		run = 0;
	}
	return true;
}

err_t fork_client(struct client *parent, struct msg *m, long *pass)
{
	uint64_t entry = m->w[0], sp = m->w[1], arg = m->w[2];
	struct client *child;
	struct region *r;
	err_t err;

	if (entry < USER_BASE || entry >= USER_TOP || sp % 16 || sp <= USER_BASE || sp > USER_TOP)
		return ERR_INVALID_ARGUMENT;
	child = client_new("fork", arg, false, &err);
	if (!child)
		return err;
	child->brk_base = parent->brk_base;
	for (r = region_next(&parent->map, 0); r; r = region_next(&parent->map, r->end))
		if (!fork_region(parent, child, r->data)) {
			client_release(child);
			return ERR_NO_MEMORY;
		}
	child->stats.resident_peak = child->resident;
	return client_start(child, entry, sp, arg, m, pass) ? ERR_OK : ERR_NO_MEMORY;
}

struct client *client_of_task_id(uint64_t id)
{
	unsigned i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].used && clients[i].task_id == id && id)
			return &clients[i];
	return NULL;
}

err_t spawn(const char *name, uint64_t arg, long args_frame, bool introspect, uint64_t owner,
	    struct msg *reply, long *pass)
{
	const struct argv_block *args;
	struct client *c;
	struct image *img;
	uint64_t sp = 0;
	err_t err;

	err = stack_args_read(name, args_frame, &args);     /* checked before anything is made */
	if (err)
		return err;
	img = image_get(name, &err);
	if (!img)
		return err;
	c = client_new(name, arg, introspect, &err);
	if (c)
		err = !client_regions(c, img) || !stack_fill(c, args, &sp) ? ERR_NO_MEMORY : ERR_OK;
	if (err && c)
		client_release(c);
	if (!err) {
		c->introspect = introspect;
		c->owner = owner;
		if (!client_start(c, img->elf.entry, sp, PAGER_HANDLE, reply, pass))
			err = ERR_NO_MEMORY;
	}
	image_put(img);            /* the regions hold it now */
	return err;
}
