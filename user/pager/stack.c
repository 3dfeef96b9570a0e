/*
 * A new client's first stack (see lib/argv.h for the layout): the
 * spawner's argument block copied in and checked, the top page of the
 * client's stack filled from it, and that page put in the client's books
 * unmapped, so that it comes in by fault like every other page.
 *
 * The spawner's frame is mapped into us only while we copy it: the copy is
 * what we check and use, so a spawner that writes the frame meanwhile
 * changes nothing we rely on.
 */
#include "pager.h"

#define ARGS_VA 0x2800000000ul    /* a spawner's argument frame, while we copy it */

/* The copy of the block being spawned with (one request at a time). */
static union {
	struct argv_block b;
	uint8_t bytes[ARGV_BLOCK_MAX];
} args;

const char *args_refused_why;

err_t stack_args_read(const char *name, long frame, const struct argv_block **out)
{
	long size = frame ? sys_frame_size(frame) : 0;
	uint64_t len;

	*out = &args.b;
	if (!frame) {                      /* no block: argv = { name } (fits: 24 bytes) */
		args.b = (struct argv_block){ .argc = 1, .size = (uint32_t)strlen(name) + 1 };
		memcpy(args.b.strings, name, args.b.size);
		return ERR_OK;
	}
	len = size > 0 && (uint64_t)size < sizeof(args) ? (uint64_t)size : sizeof(args);
	if (size <= 0 || sys_map(HANDLE_SELF, frame, 0, ARGS_VA, page_up(len), MAP_READ) != 0) {
		args_refused_why = "the handle passed is not a frame we may read";
		return ERR_INVALID_ARGUMENT;
	}
	memcpy(args.bytes, (const void *)ARGS_VA, len);
	sys_unmap(HANDLE_SELF, ARGS_VA, page_up(len));
	args_refused_why = argv_block_check(args.bytes, len);
	return args_refused_why ? ERR_INVALID_ARGUMENT : ERR_OK;
}

bool stack_fill(struct client *c, const struct argv_block *b, uint64_t *sp)
{
	uint64_t va = USER_STACK_TOP - PAGE_SIZE;
	struct region *r = region_find(&c->map, va);
	struct vregion *v = r ? r->data : NULL;
	uint64_t i = v ? (va - r->start) / PAGE_SIZE : 0;
	uint32_t id = v && rmap_reserve(1) ? pool_alloc() : POOL_NONE;

	if (id == POOL_NONE)
		return false;
	*sp = argv_stack_build(b, pool_va(id), USER_STACK_TOP);
	v->pages[i] = id;
	rmap_add(id, client_badge(c), va);
	c->resident++;
	c->stats.zero_fill++;          /* a new page, as the first fault's would be */
	c->start_page = va;
	return true;
}
