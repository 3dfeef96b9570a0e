/*
 * pagertest's argument blocks (lib/argv.h): PAGER_SPAWN of args with a
 * frame the pager must refuse, each with ERR_INVALID_ARGUMENT and the pager
 * still serving (its books agree after each); then a good block with argv
 * and envp, which args prints and whose last argument is its exit status.
 */
#include "lib/argv.h"
#include "pager/client.h"

#define BLOCK_VA 0x30000000ul     /* where we write the blocks */
#define GOOD_STATUS 5             /* args exits with its last argument */

/* Spawn args with frame `frame` (0: none) passed; the pager's answer. */
static long spawn_args(long pager, long frame, long *task)
{
	struct msg m = { .tag = PAGER_SPAWN, .handle = (uint64_t)frame };
	long r;

	memcpy(m.w, "args", 5);
	r = pager_call(pager, &m);
	*task = r == 0 ? (long)m.handle : 0;
	return r;
}

/* The header words of the block at BLOCK_VA and its strings. */
static void put_block(uint32_t argc, uint32_t envc, uint32_t size, uint32_t reserved,
		      const char *strings, size_t len)
{
	struct argv_block *b = (struct argv_block *)BLOCK_VA;

	memset(b, 0, PAGE_SIZE);
	*b = (struct argv_block){ argc, envc, size, reserved };
	memcpy(b->strings, strings, len);
}

/* One refused block: ERR_INVALID_ARGUMENT, and the pager answers an audit. */
static void refused(long pager, long frame, const char *what)
{
	struct msg m;
	long task;

	check_eq(what, spawn_args(pager, frame, &task), -ERR_INVALID_ARGUMENT);
	check_eq("  and the pager still serves, its books agreeing",
		 pager_request(pager, PAGER_CHECK, 0, 0, 0, 0, &m) ? -1 : (long)m.w[0], 0);
	if (task)
		sys_handle_close(task);
}

/* The hostile blocks, then a good one. */
void argument_blocks(long pager)
{
	static const char good_env[] = "ARGS_GREETING=hello from the spawner";
	long frame = sys_frame_alloc(PAGE_SIZE, 0), other = sys_endpoint_create(), task;
	struct argv_block *b = (struct argv_block *)BLOCK_VA;

	if (!check("a frame for the blocks", frame > 0 && other > 0 &&
		   sys_map(HANDLE_SELF, frame, 0, BLOCK_VA, PAGE_SIZE, MAP_READ | MAP_WRITE) == 0))
		return;
	put_block(0, 0, 5, 0, "args", 5);
	refused(pager, frame, "argument block with argc 0: refused");
	put_block(0xffffffffu, 1, 5, 0, "args", 5);
	refused(pager, frame, "argument block with an absurd argc: refused");
	put_block(1, 0, 5, 7, "args", 5);
	refused(pager, frame, "argument block with its reserved word set: refused");
	put_block(1, 0, 4, 0, "args", 4);
	refused(pager, frame, "argument block whose string has no NUL: refused");
	put_block(2, 0, 5, 0, "args", 5);
	refused(pager, frame, "argument block with fewer strings than argc: refused");
	put_block(1, 0, PAGE_SIZE, 0, "args", 5);
	refused(pager, frame, "argument block whose size is past 2048: refused");
	refused(pager, other, "an endpoint, not a frame: refused");
	refused(pager, sys_handle_dup(frame, RIGHT_TRANSFER, 0),
		"a frame we may not read: refused");

	argv_block_init(b);
	argv_block_add(b, PAGE_SIZE, "args", 4, false);
	argv_block_add(b, PAGE_SIZE, "from pagertest", 14, false);
	argv_block_add(b, PAGE_SIZE, "5", 1, false);
	argv_block_add(b, PAGE_SIZE, good_env, sizeof(good_env) - 1, true);
	check_eq("a good block: args starts", spawn_args(pager, frame, &task), 0);
	if (task) {
		check_end("  and exits with its last argument", task_end_wait(task), GOOD_STATUS,
			  EXIT_NORMAL);
		sys_handle_close(task);
	}
	sys_unmap(HANDLE_SELF, BLOCK_VA, PAGE_SIZE);
	sys_handle_close(frame);
	sys_handle_close(other);
}
