/*
 * Host unit tests of lib/argv.c: argument blocks built with argv_block_add
 * and written by hand (byte by byte, as lib/argv.h lays them out), the
 * checker's answer to each malformed block, and the initial stack read
 * back word by word at the addresses the System V layout puts them.  Each
 * malformed block sits in a buffer of exactly its length (the host tests
 * run under ASan): the checker must not read past it.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/argv.h"
#include "test.h"

#define TOP 0x40000000ull       /* the stack's top, as USER_STACK_TOP */
#define HEADER 16               /* the block's header: four 32-bit words */

/* A block written by hand: header words, then `size` bytes of strings. */
static uint8_t *raw_block(uint32_t argc, uint32_t envc, uint32_t size, uint32_t reserved,
			  const char *strings, size_t len)
{
	uint8_t *b = malloc(HEADER + len);
	uint32_t w[4] = { argc, envc, size, reserved };

	memcpy(b, w, sizeof(w));
	memcpy(b + HEADER, strings, len);
	return b;
}

/* The checker's answer for a hand-written block of exactly `len` string bytes. */
static const char *check_raw(uint32_t argc, uint32_t envc, uint32_t size, uint32_t reserved,
			     const char *strings, size_t len)
{
	uint8_t *b = raw_block(argc, envc, size, reserved, strings, len);
	const char *why = argv_block_check(b, HEADER + len);

	free(b);
	return why;
}

/* A well-formed hand-written block passes; its header is at the offsets the
 * layout gives (argc 0, envc 4, size 8, strings 16). */
static void test_hand_written_block_passes(void)
{
	static const char s[] = "prog\0one\0HOME=/";
	struct argv_block *b = (struct argv_block *)raw_block(2, 1, sizeof(s), 0, s, sizeof(s));

	CHECK(argv_block_check(b, HEADER + sizeof(s)) == NULL);
	CHECK_EQ_U64(b->argc, 2);
	CHECK_EQ_U64(b->envc, 1);
	CHECK_EQ_U64(b->size, 16);
	CHECK_STR(b->strings, "prog");
	free(b);
}

/* Each malformed block is refused with its own reason. */
static void test_malformed_blocks_refused(void)
{
	static const struct {
		uint32_t argc, envc, size, reserved;
		const char *s;
		size_t len;
		const char *why;
	} cases[] = {
		{ 1, 0, 2, 1, "a", 2, "reserved" },
		{ 0, 0, 2, 0, "a", 2, "argc is 0" },
		{ 1, 64, 2, 0, "a", 2, "ARGV_COUNT_MAX" },
		/* argc + envc wraps to 0 in 32 bits */
		{ 0xffffffffu, 1, 2, 0, "a", 2, "ARGV_COUNT_MAX" },
		{ 1, 0, 0, 0, "", 0, "size is 0" },
		{ 1, 0, 2049, 0, "a", 2, "ARGV_STRINGS_MAX" },
		{ 1, 0, 3, 0, "a", 2, "past the end" },               /* size beyond the frame */
		{ 1, 0, 2, 0, "ab", 2, "no NUL" },                    /* missing NUL */
		{ 2, 0, 2, 0, "a", 2, "not argc + envc" },            /* fewer strings than argc */
		{ 1, 0, 4, 0, "a\0b", 4, "not argc + envc" },         /* more strings */
		{ 1, 1, 2, 0, "a", 2, "not argc + envc" },            /* envc counted too */
	};
	unsigned i;

	CHECK(argv_block_check("0123456789abcde", 15) != NULL);   /* shorter than the header */
	CHECK(strstr(argv_block_check("0123456789abcde", 15), "header") != NULL);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *why = check_raw(cases[i].argc, cases[i].envc, cases[i].size,
					    cases[i].reserved, cases[i].s, cases[i].len);

		CHECK(why != NULL);
		if (why && !strstr(why, cases[i].why))
			TEST_FAIL("case %u: \"%s\" does not name \"%s\"", i, why, cases[i].why);
	}
}

/* argv_block_add builds what the checker accepts, and refuses (leaving the
 * block as it was) an argv string after envp, a NUL inside, the 65th string,
 * strings past 2048 bytes, and a frame too small. */
static void test_add_builds_and_refuses(void)
{
	static char buf[ARGV_BLOCK_MAX];
	struct argv_block *b = (struct argv_block *)buf;
	char big[ARGV_STRINGS_MAX];
	unsigned i;

	argv_block_init(b);
	CHECK(argv_block_add(b, sizeof(buf), "prog", 4, false) == NULL);
	CHECK(argv_block_add(b, sizeof(buf), "x y", 3, false) == NULL);
	CHECK(argv_block_add(b, sizeof(buf), "A=1", 3, true) == NULL);
	CHECK(argv_block_add(b, sizeof(buf), "late", 4, false) != NULL);
	CHECK(argv_block_add(b, sizeof(buf), "a\0b", 3, false) != NULL);
	CHECK_EQ_U64(b->argc, 2);
	CHECK_EQ_U64(b->envc, 1);
	CHECK_EQ_U64(b->size, 5 + 4 + 4);
	CHECK(memcmp(b->strings, "prog\0x y\0A=1", 13) == 0);
	CHECK(argv_block_check(b, sizeof(buf)) == NULL);
	CHECK(argv_block_add(b, HEADER + 13, "z", 1, true) != NULL);     /* no room left */
	for (i = 3; i < ARGV_COUNT_MAX; i++)
		CHECK(argv_block_add(b, sizeof(buf), "e", 1, true) == NULL);
	CHECK(argv_block_add(b, sizeof(buf), "e", 1, true) != NULL);     /* the 65th */
	CHECK(argv_block_check(b, sizeof(buf)) == NULL);

	argv_block_init(b);
	memset(big, 'x', sizeof(big));
	CHECK(argv_block_add(b, sizeof(buf), big, ARGV_STRINGS_MAX - 1, false) == NULL);
	CHECK(argv_block_check(b, sizeof(buf)) == NULL);
	CHECK(argv_block_add(b, sizeof(buf), "", 0, false) != NULL);     /* 2049 bytes */
	CHECK_EQ_U64(b->size, ARGV_STRINGS_MAX);
}

/* The word at user address va of the stack page mapped at TOP - 4096. */
static uint64_t word_at(const uint8_t *page, uint64_t va)
{
	uint64_t w;

	memcpy(&w, page + (va - (TOP - PAGE_SIZE)), sizeof(w));
	return w;
}

/* The string at user address va of the page. */
static const char *string_at(const uint8_t *page, uint64_t va)
{
	return (const char *)page + (va - (TOP - PAGE_SIZE));
}

/* The stack of argv {prog, "two words"}, envp {A=1}: sp 16-aligned, then
 * argc, argv, NULL, envp, NULL, AT_PAGESZ 4096, AT_NULL 0, each pointer to
 * its string inside the page and below the top. */
static void test_stack_layout(void)
{
	static char buf[ARGV_BLOCK_MAX];
	static uint8_t page[PAGE_SIZE];
	struct argv_block *b = (struct argv_block *)buf;
	uint64_t sp;

	argv_block_init(b);
	argv_block_add(b, sizeof(buf), "prog", 4, false);
	argv_block_add(b, sizeof(buf), "two words", 9, false);
	argv_block_add(b, sizeof(buf), "A=1", 3, true);
	memset(page, 0xa5, sizeof(page));
	sp = argv_stack_build(b, page, TOP);
	CHECK_EQ_U64(sp % 16, 0);
	CHECK(sp >= TOP - PAGE_SIZE && sp < TOP);
	CHECK_EQ_U64(word_at(page, sp), 2);                      /* argc */
	CHECK_STR(string_at(page, word_at(page, sp + 8)), "prog");
	CHECK_STR(string_at(page, word_at(page, sp + 16)), "two words");
	CHECK_EQ_U64(word_at(page, sp + 24), 0);                 /* argv's NULL */
	CHECK_STR(string_at(page, word_at(page, sp + 32)), "A=1");
	CHECK_EQ_U64(word_at(page, sp + 40), 0);                 /* envp's NULL */
	CHECK_EQ_U64(word_at(page, sp + 48), 6);                 /* AT_PAGESZ */
	CHECK_EQ_U64(word_at(page, sp + 56), 4096);
	CHECK_EQ_U64(word_at(page, sp + 64), 0);                 /* AT_NULL */
	CHECK_EQ_U64(word_at(page, sp + 72), 0);
	CHECK(word_at(page, sp + 8) > sp + 72 && word_at(page, sp + 32) + 4 <= TOP);
}

/* No envp: argv's NULL, then envp's at once; the largest block fits too. */
static void test_stack_without_env_and_largest(void)
{
	static char buf[ARGV_BLOCK_MAX];
	static uint8_t page[PAGE_SIZE];
	struct argv_block *b = (struct argv_block *)buf;
	char big[ARGV_STRINGS_MAX];
	uint64_t sp, i;

	argv_block_init(b);
	argv_block_add(b, sizeof(buf), "p", 1, false);
	sp = argv_stack_build(b, page, TOP);
	CHECK_EQ_U64(word_at(page, sp), 1);
	CHECK_STR(string_at(page, word_at(page, sp + 8)), "p");
	CHECK_EQ_U64(word_at(page, sp + 16), 0);
	CHECK_EQ_U64(word_at(page, sp + 24), 0);
	CHECK_EQ_U64(word_at(page, sp + 32), 6);

	/* The limits at once: 64 strings of 31 bytes and a NUL, 2048 bytes;
	 * 32 in argv, 32 in envp. */
	argv_block_init(b);
	memset(big, 'y', sizeof(big));
	for (i = 0; i < ARGV_COUNT_MAX; i++)
		CHECK(argv_block_add(b, sizeof(buf), big, 31, i >= 32) == NULL);
	CHECK_EQ_U64(b->size, ARGV_STRINGS_MAX);
	CHECK(argv_block_check(b, sizeof(buf)) == NULL);
	sp = argv_stack_build(b, page, TOP);
	CHECK(sp >= TOP - PAGE_SIZE && sp % 16 == 0);
	CHECK_EQ_U64(word_at(page, sp), 32);
	CHECK_EQ_U64(strlen(string_at(page, word_at(page, sp + 8 * 32))), 31);
	CHECK_EQ_U64(word_at(page, sp + 8 * 33), 0);              /* argv's NULL */
	CHECK_EQ_U64(strlen(string_at(page, word_at(page, sp + 8 * 65))), 31);
	CHECK_EQ_U64(word_at(page, sp + 8 * 66), 0);              /* envp's NULL */
}

int main(void)
{
	RUN(test_hand_written_block_passes);
	RUN(test_malformed_blocks_refused);
	RUN(test_add_builds_and_refuses);
	RUN(test_stack_layout);
	RUN(test_stack_without_env_and_largest);
	return test_done();
}
