/*
 * Argument blocks, and the initial stack a program finds them on.
 *
 * An argument block carries a program's argv and envp from one task to
 * another in a frame: the kernel gives init one (run=NAME -- ARGS..., the
 * run= page, kernel/main.c) and a spawner gives one to the pager
 * (PAGER_SPAWN's frame handle, user/pager/protocol.h).  At offset 0 of the
 * frame, all fields little-endian:
 *
 *   offset  0  u32 argc      strings of argv, argv[0] (the name) first:
 *                            1 to ARGV_COUNT_MAX - envc
 *           4  u32 envc      strings of envp, after argv's
 *           8  u32 size      bytes of the strings: 1 to ARGV_STRINGS_MAX
 *          12  u32 reserved  0
 *          16  the strings, back to back, each ending in its NUL: exactly
 *              argc + envc NULs in the size bytes, the last byte one of them
 *
 * The pager builds the program's first stack from it the System V way (the
 * RISC-V psABI leaves it to the OS; Linux's layout), all in the top page
 * below USER_STACK_TOP, and starts the thread with sp pointing at argc:
 *
 *   sp ->   argc
 *           argv[0] ... argv[argc - 1], NULL
 *           envp[0] ... envp[envc - 1], NULL
 *           auxv: AT_PAGESZ, 4096, AT_NULL, 0        (pairs of words)
 *           (padding: sp is 16-byte aligned)
 *           the strings, as in the block
 *   top ->  (the strings' area ends at a 16-byte boundary at or below top)
 *
 * The limits keep all of it in that one page (asserted in argv.c).
 */
#ifndef TESSERA_LIB_ARGV_H
#define TESSERA_LIB_ARGV_H

#include "tessera/types.h"

#define ARGV_COUNT_MAX 64          /* argc + envc */
#define ARGV_STRINGS_MAX 2048      /* bytes of all strings, each with its NUL */

/* Auxiliary vector types (the System V ABI's numbers, as Linux's elf.h). */
#define AT_NULL 0
#define AT_PAGESZ 6

struct argv_block {
	uint32_t argc;
	uint32_t envc;
	uint32_t size;
	uint32_t reserved;
	char strings[];
};

/* Bytes of a block whose strings take `size` bytes. */
#define ARGV_BLOCK_BYTES(size) (sizeof(struct argv_block) + (size))
#define ARGV_BLOCK_MAX ARGV_BLOCK_BYTES(ARGV_STRINGS_MAX)

/* Make b an empty block: argc, envc and size 0. */
void argv_block_init(struct argv_block *b);

/*
 * Append the string [s, s + len) (no NUL inside) to b, whose frame has
 * `cap` bytes: to argv, or (env) to envp, which comes after every argv
 * string.  Returns NULL, or why it cannot be added (b unchanged).
 */
const char *argv_block_add(struct argv_block *b, uint64_t cap, const char *s, size_t len,
			   bool env);

/*
 * Is the block in the `len` bytes at `frame` well formed (the layout
 * above)?  NULL if so, else why not, in a phrase.  Reads nothing past
 * frame + len; the caller holds its own copy (another task may be writing).
 */
const char *argv_block_check(const void *frame, uint64_t len);

/*
 * Write the initial stack for the checked block b into `page` (PAGE_SIZE
 * bytes, to be mapped at top - PAGE_SIZE; top page aligned).  Returns the
 * sp to start with, a user address in that page.
 */
uint64_t argv_stack_build(const struct argv_block *b, uint8_t *page, uint64_t top);

#endif
