/* Argument blocks and initial stacks (see lib/argv.h).  Portable C. */
#include <string.h>

#include "lib/argv.h"

#define WORD 8u                  /* bytes of a pointer, argc and an auxv entry */
#define STACK_ALIGN 16u          /* sp at entry (psABI) */
#define AUXV_WORDS 4u            /* AT_PAGESZ and AT_NULL, a pair each */

/* Words from sp up to the strings: argc, argv, NULL, envp, NULL, auxv. */
static uint64_t stack_words(uint64_t argc, uint64_t envc)
{
	return 1 + argc + 1 + envc + 1 + AUXV_WORDS;
}

/* The largest block's stack, with the worst alignment, fits in one page. */
_Static_assert((ARGV_COUNT_MAX + 3 + AUXV_WORDS) * WORD + ARGV_STRINGS_MAX +
	       2 * STACK_ALIGN <= PAGE_SIZE, "an initial stack must fit in one page");

void argv_block_init(struct argv_block *b)
{
	*b = (struct argv_block){ 0 };
}

const char *argv_block_add(struct argv_block *b, uint64_t cap, const char *s, size_t len,
			   bool env)
{
	if (memchr(s, 0, len))
		return "a string holds a NUL";
	if (!env && b->envc)
		return "argv strings come before envp strings";
	if (b->argc + b->envc >= ARGV_COUNT_MAX)
		return "more than 64 strings (ARGV_COUNT_MAX)";
	if (len + 1 > ARGV_STRINGS_MAX - b->size)
		return "the strings take more than 2048 bytes (ARGV_STRINGS_MAX)";
	if (ARGV_BLOCK_BYTES(b->size + len + 1) > cap)
		return "the frame is too small";
	memmove(b->strings + b->size, s, len);   /* s may be there already */
	b->strings[b->size + len] = 0;
	b->size += (uint32_t)(len + 1);
	if (env)
		b->envc++;
	else
		b->argc++;
	return NULL;
}

const char *argv_block_check(const void *frame, uint64_t len)
{
	const struct argv_block *b = frame;
	uint64_t nuls = 0, i;

	if (len < sizeof(*b))
		return "shorter than its 16-byte header";
	if (b->reserved)
		return "its reserved word is not 0";
	if (b->argc == 0)
		return "argc is 0 (argv[0], the name, is required)";
	if ((uint64_t)b->argc + b->envc > ARGV_COUNT_MAX)
		return "argc + envc is more than 64 (ARGV_COUNT_MAX)";
	if (b->size == 0 || b->size > ARGV_STRINGS_MAX)
		return "size is 0 or more than 2048 (ARGV_STRINGS_MAX)";
	if (b->size > len - sizeof(*b))
		return "its strings run past the end of the frame";
	if (b->strings[b->size - 1] != 0)
		return "its last string has no NUL";
	for (i = 0; i < b->size; i++)
		nuls += b->strings[i] == 0;
	if (nuls != (uint64_t)b->argc + b->envc)
		return "the number of strings is not argc + envc";
	return NULL;
}

/* Store the word v at page + off (off is a multiple of WORD). */
static void put_word(uint8_t *page, uint64_t off, uint64_t v)
{
	memcpy(page + off, &v, sizeof(v));
}

uint64_t argv_stack_build(const struct argv_block *b, uint8_t *page, uint64_t top)
{
	uint64_t base = top - PAGE_SIZE, n = (uint64_t)b->argc + b->envc;
	uint64_t str_off = ALIGN_DOWN(PAGE_SIZE - b->size, STACK_ALIGN);
	uint64_t sp_off = ALIGN_DOWN(str_off - stack_words(b->argc, b->envc) * WORD, STACK_ALIGN);
	uint64_t off = sp_off, s = 0, i;

	memset(page, 0, PAGE_SIZE);
	memcpy(page + str_off, b->strings, b->size);
	put_word(page, off, b->argc);
	off += WORD;
	for (i = 0; i < n; i++) {
		if (i == b->argc) {             /* argv's NULL, then envp */
			put_word(page, off, 0);
			off += WORD;
		}
		put_word(page, off, base + str_off + s);
		off += WORD;
		s += strlen(b->strings + s) + 1;
	}
	if (n == b->argc) {                     /* no envp: argv's NULL here */
		put_word(page, off, 0);
		off += WORD;
	}
	put_word(page, off, 0);                 /* envp's NULL */
	put_word(page, off + WORD, AT_PAGESZ);
	put_word(page, off + 2 * WORD, PAGE_SIZE);
	put_word(page, off + 3 * WORD, AT_NULL);
	put_word(page, off + 4 * WORD, 0);
	return base + sp_off;
}
