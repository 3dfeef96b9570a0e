/*
 * Tests of the cpio newc reader (lib/cpio.c).  The archives are written
 * here field by field with snprintf, as the format's description says (not
 * with the reader's code): a well-formed one read back entry by entry, a
 * table of malformed ones each answered with its own reason at the entry at
 * fault, and random corruptions of a good one that must end in a reason or
 * the trailer, never a read outside the archive (the host tests run under
 * ASan, and each archive sits in a buffer of exactly its size).  The seed
 * is printed; TESSERA_TEST_SEED=<n> replays a run.  Given a path, it reads
 * instead the archive tools/mkinitrd wrote for tests/lib/meson.build.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/cpio.h"
#include "stress.h"
#include "test.h"

#define MAX_ARCHIVE 2048
#define RANDOM_SEED 0xc0ffee5eedull
#define RANDOM_ROUNDS 20000

struct archive {
	uint8_t b[MAX_ARCHIVE];
	size_t n;
};

/* One entry as a writer lays it out; `pad` is the byte put in padding (0 when well-formed). */
struct entry {
	const char *magic;      /* NULL: "070701" */
	const char *name;
	size_t name_bytes;      /* name bytes written, NUL included */
	uint32_t namesize;      /* the header's namesize field */
	uint32_t mode;
	const char *data;
	uint32_t data_bytes;    /* data bytes written */
	uint32_t filesize;      /* the header's filesize field */
	uint8_t pad;
	bool no_pad;            /* a writer that forgets the padding */
};

static void put_bytes(struct archive *a, const void *p, size_t n)
{
	memcpy(a->b + a->n, p, n);
	a->n += n;
}

static void put_pad(struct archive *a, const struct entry *e)
{
	while (!e->no_pad && a->n % 4)
		a->b[a->n++] = e->pad;
}

static void put_entry(struct archive *a, const struct entry *e)
{
	char header[CPIO_HEADER_SIZE + 1];

	snprintf(header, sizeof(header),
		 "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 e->magic ? e->magic : "070701", 1u, e->mode, 0u, 0u, 1u, 0u, e->filesize,
		 0u, 0u, 0u, 0u, e->namesize, 0u);
	put_bytes(a, header, CPIO_HEADER_SIZE);
	put_bytes(a, e->name, e->name_bytes);
	put_pad(a, e);
	put_bytes(a, e->data, e->data_bytes);
	put_pad(a, e);
}

/* A regular file (mode 0100644) named `name` holding `data`, well-formed. */
static struct entry file_entry(const char *name, const char *data)
{
	return (struct entry){
		.name = name, .name_bytes = strlen(name) + 1,
		.namesize = (uint32_t)strlen(name) + 1, .mode = 0100644, .data = data,
		.data_bytes = (uint32_t)strlen(data), .filesize = (uint32_t)strlen(data),
	};
}

static void put_file(struct archive *a, const char *name, const char *data)
{
	struct entry e = file_entry(name, data);

	put_entry(a, &e);
}

static void put_dir(struct archive *a, const char *name)
{
	struct entry e = file_entry(name, "");

	e.mode = 040755;
	put_entry(a, &e);
}

static void put_trailer(struct archive *a)
{
	put_file(a, "TRAILER!!!", "");
}

/* hello (5 bytes), a directory, data/x (13 bytes), the trailer: 4 entries. */
static void good_archive(struct archive *a)
{
	a->n = 0;
	put_file(a, "hello", "hello");
	put_dir(a, "data");
	put_file(a, "data/x", "thirteen byte");
	put_trailer(a);
}

/* Offsets of the good archive's entries, from the layout rules of cpio.h. */
#define HELLO_AT 0                       /* 110 + 6 -> 116, + 5 -> 121 -> 124 */
#define DIR_AT 124                       /* 124 + 110 + 5 = 239 -> 240 */
#define X_AT 240                         /* 240 + 110 + 7 = 357 -> 360, + 13 -> 373 -> 376 */
#define TRAILER_AT 376                   /* 376 + 110 + 11 = 497 -> 500 */
#define GOOD_SIZE 500

/*
 * Read an archive to its end on a heap copy of exactly its size.  Returns
 * the final result; *entries counts CPIO_OK entries, *at is the reader's
 * offset at the end.
 */
static enum cpio_error read_all(const uint8_t *bytes, size_t n, unsigned *entries, size_t *at)
{
	uint8_t *copy = malloc(n ? n : 1);
	struct cpio_reader r;
	struct cpio_file f;
	enum cpio_error err;

	memcpy(copy, bytes, n);
	cpio_open(&r, copy, n);
	*entries = 0;
	while ((err = cpio_next(&r, &f)) == CPIO_OK) {
		CHECK(f.name >= (const char *)copy && f.name + f.name_len < (const char *)copy + n);
		CHECK(f.data >= copy && f.size <= (uint64_t)(copy + n - f.data));
		CHECK(strlen(f.name) == f.name_len);
		(*entries)++;
	}
	*at = r.offset;
	free(copy);
	return err;
}

static void test_good_archive_reads_every_entry(void)
{
	struct archive a;
	struct cpio_reader r;
	struct cpio_file f;

	good_archive(&a);
	CHECK_EQ_U64(a.n, GOOD_SIZE);
	cpio_open(&r, a.b, a.n);
	CHECK_EQ_U64(cpio_next(&r, &f), CPIO_OK);
	CHECK_STR(f.name, "hello");
	CHECK_EQ_U64(f.name_len, 5);
	CHECK_EQ_U64(f.size, 5);
	CHECK(memcmp(f.data, "hello", 5) == 0);
	CHECK_EQ_U64(f.data - a.b, HELLO_AT + 116);
	CHECK(cpio_is_regular(&f));
	CHECK_EQ_U64(r.offset, DIR_AT);
	CHECK_EQ_U64(cpio_next(&r, &f), CPIO_OK);
	CHECK_STR(f.name, "data");
	CHECK(!cpio_is_regular(&f));
	CHECK_EQ_U64(f.mode, 040755);
	CHECK_EQ_U64(cpio_next(&r, &f), CPIO_OK);
	CHECK_STR(f.name, "data/x");
	CHECK_EQ_U64(f.size, 13);
	CHECK(memcmp(f.data, "thirteen byte", 13) == 0);
	CHECK_EQ_U64(f.data - a.b, X_AT + 120);
	CHECK_EQ_U64(r.offset, TRAILER_AT);
	CHECK_EQ_U64(cpio_next(&r, &f), CPIO_END);
	CHECK_EQ_U64(cpio_next(&r, &f), CPIO_END);   /* and stays there */
	CHECK_EQ_U64(r.offset, TRAILER_AT);
}

static void test_find_names_a_regular_file_exactly(void)
{
	struct archive a;
	struct cpio_file f;

	good_archive(&a);
	CHECK_EQ_U64(cpio_find(a.b, a.n, "data/x", 6, &f), CPIO_OK);
	CHECK_EQ_U64(f.data - a.b, X_AT + 120);
	CHECK_EQ_U64(f.size, 13);
	CHECK_EQ_U64(cpio_find(a.b, a.n, "hello", 5, &f), CPIO_OK);
	CHECK_EQ_U64(f.data - a.b, HELLO_AT + 116);
	CHECK_EQ_U64(cpio_find(a.b, a.n, "data/x", 5, &f), CPIO_END);  /* "data/" */
	CHECK_EQ_U64(cpio_find(a.b, a.n, "hell", 4, &f), CPIO_END);
	CHECK_EQ_U64(cpio_find(a.b, a.n, "data", 4, &f), CPIO_END);    /* a directory */
	CHECK_EQ_U64(cpio_find(a.b, a.n, "TRAILER!!!", 10, &f), CPIO_END);
	/* Malformed before the file: the reason, not "no such file". */
	a.b[X_AT] = '1';
	CHECK_EQ_U64(cpio_find(a.b, a.n, "data/x", 6, &f), CPIO_ERR_BAD_MAGIC);
	CHECK_EQ_U64(cpio_find(a.b, a.n, "hello", 5, &f), CPIO_OK);
}

static void test_lowercase_hex_and_zero_padding_after_trailer_are_accepted(void)
{
	struct archive a;
	unsigned entries;
	size_t at;

	good_archive(&a);
	memcpy(a.b + 6, "0000abcd", 8);      /* ino, in lower case */
	memset(a.b + a.n, 0, 512 - a.n);     /* padded to 512 bytes, as cpio does */
	a.n = 512;
	CHECK_EQ_U64(read_all(a.b, a.n, &entries, &at), CPIO_END);
	CHECK_EQ_U64(entries, 3);
}

/* ---- malformed archives, table-driven ------------------------------------------ */

struct malformed {
	const char *what;
	void (*build)(struct archive *a);
	enum cpio_error expect;
	unsigned entries;       /* good entries read before the fault */
	size_t at;              /* offset of the entry at fault */
};

/* Field i of the header at `at` (0: ino ... 11: namesize), overwritten with 8 characters. */
static void set_field(struct archive *a, size_t at, unsigned i, const char *v)
{
	memcpy(a->b + at + 6 + 8 * i, v, 8);
}

static void bad_magic(struct archive *a) { good_archive(a); a->b[X_AT] = '1'; }
static void crc_magic(struct archive *a) { good_archive(a); a->b[HELLO_AT + 5] = '2'; }
static void hex_g(struct archive *a) { good_archive(a); a->b[HELLO_AT + 6 + 8 * 6 + 3] = 'g'; }
static void hex_space(struct archive *a) { good_archive(a); set_field(a, DIR_AT, 11, "     005"); }
static void hex_minus(struct archive *a) { good_archive(a); set_field(a, X_AT, 1, "-0000001"); }
static void cut_header(struct archive *a) { good_archive(a); a->n = X_AT + 50; }
static void cut_header_at_start(struct archive *a) { good_archive(a); a->n = 109; }
static void empty(struct archive *a) { a->n = 0; }
static void namesize_0(struct archive *a) { good_archive(a); set_field(a, HELLO_AT, 11, "00000000"); }
static void namesize_1(struct archive *a) { good_archive(a); set_field(a, DIR_AT, 11, "00000001"); }
static void namesize_huge(struct archive *a) { good_archive(a); set_field(a, X_AT, 11, "FFFFFFFF"); }
static void name_past_end(struct archive *a) { good_archive(a); a->n = TRAILER_AT + 115; }
static void name_pad_past_end(struct archive *a) { good_archive(a); a->n = TRAILER_AT + 121; }

static void name_unterminated(struct archive *a)
{
	struct entry e = file_entry("hello", "hello");

	a->n = 0;
	e.namesize = 5; /* the NUL left out of the count: the name ends in 'o' */
	put_entry(a, &e);
	put_trailer(a);
}

static void name_with_nul(struct archive *a)
{
	struct entry e = file_entry("ab", "x");

	a->n = 0;
	put_file(a, "first", "1");
	e.name = "ab\0cd";
	e.name_bytes = e.namesize = 6;
	put_entry(a, &e);
	put_trailer(a);
}

static void file_too_big(struct archive *a) { good_archive(a); set_field(a, X_AT, 6, "00001000"); }
static void file_size_max(struct archive *a) { good_archive(a); set_field(a, HELLO_AT, 6, "FFFFFFFF"); }
static void cut_in_data(struct archive *a) { good_archive(a); a->n = X_AT + 125; }
static void cut_in_data_pad(struct archive *a) { good_archive(a); a->n = X_AT + 134; }

static void data_pad_not_zero(struct archive *a)
{
	struct entry e = file_entry("hello", "hello");

	a->n = 0;
	e.pad = 'X';
	put_entry(a, &e);
	put_trailer(a);
}

static void name_pad_not_zero(struct archive *a)
{
	good_archive(a);
	a->b[X_AT + 110 + 7] = 0xff; /* name "data/x\0" ends at 357: 357..359 pad */
}

static void forgot_padding(struct archive *a)
{
	struct entry e = file_entry("ab", "data");

	a->n = 0;
	e.no_pad = true; /* the data right after the name: at 113, not 116 */
	put_entry(a, &e);
	put_trailer(a);
}

static void no_trailer(struct archive *a) { good_archive(a); a->n = TRAILER_AT; }
static void junk_after_trailer(struct archive *a) { good_archive(a); put_bytes(a, "\0\0\0junk", 7); }
static void second_archive(struct archive *a) { good_archive(a); put_file(a, "extra", "z"); }

static const struct malformed malformed[] = {
	{ "magic 170701", bad_magic, CPIO_ERR_BAD_MAGIC, 2, X_AT },
	{ "magic 070702 (newc with crc)", crc_magic, CPIO_ERR_BAD_MAGIC, 0, HELLO_AT },
	{ "g in filesize", hex_g, CPIO_ERR_BAD_HEX, 0, HELLO_AT },
	{ "spaces in namesize", hex_space, CPIO_ERR_BAD_HEX, 1, DIR_AT },
	{ "minus sign in mode", hex_minus, CPIO_ERR_BAD_HEX, 2, X_AT },
	{ "cut inside a header", cut_header, CPIO_ERR_TRUNCATED_HEADER, 2, X_AT },
	{ "109 bytes", cut_header_at_start, CPIO_ERR_TRUNCATED_HEADER, 0, 0 },
	{ "empty archive", empty, CPIO_ERR_NO_TRAILER, 0, 0 },
	{ "namesize 0", namesize_0, CPIO_ERR_EMPTY_NAME, 0, HELLO_AT },
	{ "namesize 1 (only the NUL)", namesize_1, CPIO_ERR_EMPTY_NAME, 1, DIR_AT },
	{ "namesize 0xffffffff", namesize_huge, CPIO_ERR_NAME_PAST_END, 2, X_AT },
	{ "cut inside a name", name_past_end, CPIO_ERR_NAME_PAST_END, 3, TRAILER_AT },
	{ "cut inside a name's padding", name_pad_past_end, CPIO_ERR_NAME_PAST_END, 3,
	  TRAILER_AT },
	{ "namesize without the NUL", name_unterminated, CPIO_ERR_NAME_UNTERMINATED, 0, 0 },
	{ "NUL inside a name", name_with_nul, CPIO_ERR_NAME_HAS_NUL, 1, 120 },
	{ "filesize past the end", file_too_big, CPIO_ERR_FILE_PAST_END, 2, X_AT },
	{ "filesize 0xffffffff", file_size_max, CPIO_ERR_FILE_PAST_END, 0, HELLO_AT },
	{ "cut inside file data", cut_in_data, CPIO_ERR_FILE_PAST_END, 2, X_AT },
	{ "cut inside file data's padding", cut_in_data_pad, CPIO_ERR_FILE_PAST_END, 2, X_AT },
	{ "padding after data not zero", data_pad_not_zero, CPIO_ERR_BAD_PADDING, 0, 0 },
	{ "padding after a name not zero", name_pad_not_zero, CPIO_ERR_BAD_PADDING, 2, X_AT },
	{ "a writer that forgets padding", forgot_padding, CPIO_ERR_BAD_PADDING, 0, 0 },
	{ "no trailer", no_trailer, CPIO_ERR_NO_TRAILER, 3, TRAILER_AT },
	{ "junk after the trailer", junk_after_trailer, CPIO_ERR_AFTER_TRAILER, 3, TRAILER_AT },
	{ "an entry after the trailer", second_archive, CPIO_ERR_AFTER_TRAILER, 3, TRAILER_AT },
};

static void test_each_malformed_archive_has_its_reason(void)
{
	unsigned i, seen[CPIO_ERR_COUNT] = { 0 };

	for (i = 0; i < ARRAY_SIZE(malformed); i++) {
		const struct malformed *m = &malformed[i];
		struct archive a;
		enum cpio_error got;
		unsigned entries;
		size_t at;

		m->build(&a);
		got = read_all(a.b, a.n, &entries, &at);
		if (got != m->expect)
			TEST_FAIL("%s: \"%s\", expected \"%s\"", m->what, cpio_strerror(got),
				  cpio_strerror(m->expect));
		if (entries != m->entries || at != m->at)
			TEST_FAIL("%s: fault after %u entries at %zu, expected %u at %zu", m->what,
				  entries, at, m->entries, m->at);
		seen[m->expect]++;
	}
	for (i = CPIO_ERR_TRUNCATED_HEADER; i < CPIO_ERR_COUNT; i++)
		if (!seen[i])
			TEST_FAIL("no malformed archive gives \"%s\"", cpio_strerror(i));
}

static void test_every_reason_has_its_own_words(void)
{
	unsigned i, j;

	for (i = 0; i < CPIO_ERR_COUNT; i++) {
		CHECK(cpio_strerror(i) && strcmp(cpio_strerror(i), "unknown cpio error") != 0);
		for (j = 0; j < i; j++)
			CHECK(strcmp(cpio_strerror(i), cpio_strerror(j)) != 0);
	}
	CHECK_STR(cpio_strerror(CPIO_ERR_COUNT), "unknown cpio error");
	CHECK_STR(cpio_strerror(CPIO_ERR_NO_TRAILER), "archive ends without TRAILER!!!");
}

/* ---- random corruption ---------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	return stress_random(&rng_state);
}

static void rng_seed(void)
{
	rng_state = stress_seed(RANDOM_SEED);
}

/* One random change: a byte set to a digit, a hex letter or anything; or a cut. */
static void corrupt(struct archive *a)
{
	static const char interesting[] = "0123456789abcdefABCDEFgG \0\xff";
	size_t at = rng_next() % a->n;

	switch (rng_next() % 4) {
	case 0:
		a->b[at] = (uint8_t)interesting[rng_next() % (sizeof(interesting) - 1)];
		break;
	case 1:
		a->b[at] = (uint8_t)rng_next();
		break;
	case 2:
		a->b[at] ^= (uint8_t)(1u << (rng_next() % 8));
		break;
	default:
		a->n = at;
		break;
	}
}

static void test_random_corruption_ends_in_a_reason_or_the_trailer(void)
{
	unsigned round, kinds = 0, outcomes[CPIO_ERR_COUNT] = { 0 };

	rng_seed();
	for (round = 0; round < RANDOM_ROUNDS && !test_current_failed; round++) {
		struct archive a;
		unsigned k, changes = 1 + (unsigned)(rng_next() % 4), entries;
		enum cpio_error got;
		size_t at;

		good_archive(&a);
		for (k = 0; k < changes && a.n; k++)
			corrupt(&a);
		got = read_all(a.b, a.n, &entries, &at);
		if (got == CPIO_OK || got >= CPIO_ERR_COUNT)
			TEST_FAIL("round %u: result %u is neither a reason nor the end", round, got);
		else
			outcomes[got]++;
		/* Each entry takes at least a header and a 2-byte name, padded: 112 bytes. */
		CHECK(entries <= a.n / 112);
		CHECK(at <= a.n);
	}
	/* The corruptions reach most of the checks, not only the magic. */
	for (round = 0; round < CPIO_ERR_COUNT; round++)
		kinds += outcomes[round] > 0;
	if (kinds < 8)
		TEST_FAIL("only %u kinds of outcome in %u rounds", kinds, RANDOM_ROUNDS);
}

/* ---- an archive tools/mkinitrd wrote ---------------------------------------------- */

static const char *mkinitrd_path;
/*
 * What tests/lib/meson.build asks tools/mkinitrd for: hello.txt (14 bytes)
 * twice, the second time as deep/dir/hi.txt (110 + 16 name bytes: 2 of
 * padding, which a writer could forget).
 */
static const struct {
	const char *name;
	uint32_t mode;
	uint64_t size;
} mkinitrd_expect[] = {
	{ "hello.txt", 0100644, 14 },
	{ "deep", 040755, 0 },
	{ "deep/dir", 040755, 0 },
	{ "deep/dir/hi.txt", 0100644, 14 },
};

static void test_mkinitrd_archive_reads_back(void)
{
	static uint8_t bytes[4096];
	FILE *f = fopen(mkinitrd_path, "rb");
	size_t n = f ? fread(bytes, 1, sizeof(bytes), f) : 0;
	struct cpio_reader r;
	struct cpio_file e;
	unsigned i;

	if (f)
		fclose(f);
	if (!n) {
		TEST_FAIL("cannot read %s", mkinitrd_path);
		return;
	}
	CHECK_EQ_U64(n % 512, 0);     /* padded as cpio pads */
	cpio_open(&r, bytes, n);
	for (i = 0; i < ARRAY_SIZE(mkinitrd_expect); i++) {
		if (cpio_next(&r, &e) != CPIO_OK) {
			TEST_FAIL("entry %u: %s", i, cpio_strerror(r.stop));
			return;
		}
		CHECK_STR(e.name, mkinitrd_expect[i].name);
		CHECK_EQ_U64(e.mode, mkinitrd_expect[i].mode);
		CHECK_EQ_U64(e.size, mkinitrd_expect[i].size);
		if (e.size == 14)
			CHECK(memcmp(e.data, "hello, initrd\n", 14) == 0);
	}
	CHECK_EQ_U64(cpio_next(&r, &e), CPIO_END);
}

/* No argument: the archives written here.  An argument: one tools/mkinitrd wrote. */
int main(int argc, char **argv)
{
	if (argc > 1) {
		mkinitrd_path = argv[1];
		RUN(test_mkinitrd_archive_reads_back);
		return test_done();
	}
	RUN(test_good_archive_reads_every_entry);
	RUN(test_find_names_a_regular_file_exactly);
	RUN(test_lowercase_hex_and_zero_padding_after_trailer_are_accepted);
	RUN(test_each_malformed_archive_has_its_reason);
	RUN(test_every_reason_has_its_own_words);
	RUN(test_random_corruption_ends_in_a_reason_or_the_trailer);
	return test_done();
}
