/*
 * Tests of the device-tree reader (mm/fdt.c, mm/fdt_read.c, mm/bootinfo.c)
 * on malformed input: a table of broken blobs, each rejected with its own
 * error code, then blobs too big, missing, misaligned or truncated, and the
 * error messages themselves.  Blobs are the standard tree of fdt_trees.h,
 * broken by a knob, by a patch of the finished blob or written token by
 * token.
 * Usage: test_fdt_malformed <tests/data directory>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdt_trees.h"
#include "mm/bootinfo.h"
#include "test.h"

static struct boot_info bi;

/* ---- malformed blobs ----------------------------------------------------- */

/*
 * Each case builds a blob, says how many bytes are available, and names the
 * one error it must produce (from fdt_open, or from bootinfo_read when the
 * structure is fine but the content is not).
 */
struct bad_case {
	const char *name;
	size_t (*make)(size_t *avail);
	enum fdt_error want;
};

/* The standard tree with the header word at `off` set to v; returns its size. */
static size_t patch32(unsigned off, uint32_t v)
{
	size_t n = std_tree();

	fb_put_be32(blob + off, v);
	return n;
}

/* Header defects. */
static size_t bad_truncated_header(size_t *avail) { *avail = 39; return std_tree(); }
static size_t bad_magic(size_t *avail) { (void)avail; return patch32(FB_HDR_MAGIC, 0xd00dfeee); }
static size_t bad_totalsize_small(size_t *avail) { (void)avail; return patch32(FB_HDR_TOTALSIZE, 20); }
static size_t bad_totalsize_large(size_t *avail) { *avail = std_tree() - 4; return *avail + 4; }
static size_t bad_old_version(size_t *avail) { (void)avail; return patch32(FB_HDR_VERSION, 15); }
static size_t bad_incompatible(size_t *avail)
{
	(void)avail;
	patch32(FB_HDR_VERSION, 18);
	fb_put_be32(blob + FB_HDR_LAST_COMP, 18);
	return fb_get_be32(blob + FB_HDR_TOTALSIZE);
}
static size_t bad_version_order(size_t *avail)
{
	(void)avail;
	patch32(FB_HDR_VERSION, 16);
	fb_put_be32(blob + FB_HDR_LAST_COMP, 17);
	return fb_get_be32(blob + FB_HDR_TOTALSIZE);
}

/* Block placement defects. */
static size_t bad_rsvmap_align(size_t *avail) { (void)avail; return patch32(FB_HDR_OFF_RSVMAP, 44); }
static size_t bad_rsvmap_bounds(size_t *avail)
{
	size_t n = std_tree();

	(void)avail;
	fb_put_be32(blob + FB_HDR_OFF_RSVMAP, (uint32_t)((n + 7) & ~7ul) + 8);
	return n;
}
static size_t bad_rsvmap_unterminated(size_t *avail)
{
	size_t n = std_tree();

	(void)avail;
	/* entry 1 is the terminator, right before the structure block */
	fb_put_be64(blob + 40 + 16 + 8, 0x1000);
	return n;
}
static size_t bad_rsvmap_wraps(size_t *avail)
{
	size_t n = std_tree();

	(void)avail;
	fb_put_be64(blob + 40, 0xfffffffffffff000ull);
	fb_put_be64(blob + 48, 0x2000);
	return n;
}
static size_t bad_struct_align(size_t *avail)
{
	(void)avail;
	std_tree();
	return patch32(FB_HDR_OFF_STRUCT, fb_get_be32(blob + FB_HDR_OFF_STRUCT) + 2);
}
static size_t bad_struct_size_align(size_t *avail)
{
	(void)avail;
	std_tree();
	return patch32(FB_HDR_SIZE_STRUCT, fb_get_be32(blob + FB_HDR_SIZE_STRUCT) - 2);
}
static size_t bad_struct_bounds(size_t *avail)
{
	(void)avail;
	return patch32(FB_HDR_SIZE_STRUCT, 0x7ffffff0);
}
static size_t bad_strings_bounds(size_t *avail)
{
	(void)avail;
	return patch32(FB_HDR_SIZE_STRINGS, 0x7ffffff0);
}
static size_t bad_block_overlap(size_t *avail)
{
	(void)avail;
	std_tree();
	return patch32(FB_HDR_OFF_STRINGS, fb_get_be32(blob + FB_HDR_OFF_STRUCT) + 8);
}

/* Structure defects, written token by token. */
static size_t bad_no_root(size_t *avail)
{
	(void)avail;
	fb_init(&fb);
	fb_end(&fb);
	fb_token(&fb, FDT_TOKEN_END);
	return finish();
}
static size_t bad_root_name(size_t *avail)
{
	(void)avail;
	fb_init(&fb);
	fb_begin(&fb, "root");
	fb_end(&fb);
	fb_token(&fb, FDT_TOKEN_END);
	return finish();
}
static size_t bad_name_unterminated(size_t *avail)
{
	(void)avail;
	fb_init(&fb);
	fb_begin(&fb, "");
	fb_token(&fb, FDT_TOKEN_BEGIN_NODE);
	fb_bytes(&fb, "abcdefgh", 8); /* no NUL before the block ends */
	return finish();
}
static size_t bad_name_empty(size_t *avail)
{
	(void)avail;
	fb_init(&fb);
	fb_begin(&fb, "");
	fb_begin(&fb, "");
	fb_end(&fb);
	fb_end(&fb);
	fb_token(&fb, FDT_TOKEN_END);
	return finish();
}
static size_t bad_name_too_long(size_t *avail)
{
	char name[FDT_MAX_NAME + 10];

	(void)avail;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	fb_init(&fb);
	fb_begin(&fb, "");
	fb_begin(&fb, name);
	fb_end(&fb);
	fb_end(&fb);
	fb_token(&fb, FDT_TOKEN_END);
	return finish();
}
static size_t bad_name_char(size_t *avail)
{
	(void)avail;
	fb_init(&fb);
	fb_begin(&fb, "");
	fb_begin(&fb, "bad\tname");
	fb_end(&fb);
	fb_end(&fb);
	fb_token(&fb, FDT_TOKEN_END);
	return finish();
}
static size_t bad_prop_truncated(size_t *avail)
{
	(void)avail;
	fb_init(&fb);
	fb_begin(&fb, "");
	fb_token(&fb, FDT_TOKEN_PROP);
	fb_token(&fb, 0); /* length, then the block ends before nameoff */
	return finish();
}
static size_t bad_prop_value_bounds(size_t *avail)
{
	(void)avail;
	fb_init(&fb);
	fb_begin(&fb, "");
	fb_token(&fb, FDT_TOKEN_PROP);
	fb_token(&fb, 4096);
	fb_token(&fb, fb_string(&fb, "x"));
	fb_end(&fb);
	fb_token(&fb, FDT_TOKEN_END);
	return finish();
}
static size_t bad_prop_name_bounds(size_t *avail)
{
	(void)avail;
	fb_init(&fb);
	fb_begin(&fb, "");
	fb_string(&fb, "x");
	fb_prop_raw(&fb, 100000, "", 0);
	fb_end(&fb);
	fb_token(&fb, FDT_TOKEN_END);
	return finish();
}
static size_t bad_prop_name_unterminated(size_t *avail)
{
	size_t n;

	(void)avail;
	fb_init(&fb);
	fb_begin(&fb, "");
	fb_prop(&fb, "abc", "", 0);
	fb_end(&fb);
	fb_token(&fb, FDT_TOKEN_END);
	n = finish();
	/* cut the strings block before the NUL of "abc" */
	fb_put_be32(blob + FB_HDR_SIZE_STRINGS, 3);
	return n;
}
static size_t bad_prop_name_empty(size_t *avail)
{
	(void)avail;
	fb_init(&fb);
	fb_begin(&fb, "");
	fb_prop(&fb, "", "", 0);
	fb_end(&fb);
	fb_token(&fb, FDT_TOKEN_END);
	return finish();
}
static size_t bad_prop_name_char(size_t *avail)
{
	(void)avail;
	fb_init(&fb);
	fb_begin(&fb, "");
	fb_prop(&fb, "bad name", "", 0);
	fb_end(&fb);
	fb_token(&fb, FDT_TOKEN_END);
	return finish();
}
static size_t bad_prop_outside_node(size_t *avail)
{
	(void)avail;
	fb_init(&fb);
	fb_begin(&fb, "");
	fb_end(&fb);
	fb_prop(&fb, "late", "", 0);
	fb_token(&fb, FDT_TOKEN_END);
	return finish();
}
static size_t bad_prop_after_child(size_t *avail)
{
	(void)avail;
	fb_init(&fb);
	fb_begin(&fb, "");
	fb_begin(&fb, "child");
	fb_end(&fb);
	fb_prop(&fb, "late", "", 0);
	fb_end(&fb);
	fb_token(&fb, FDT_TOKEN_END);
	return finish();
}
static size_t bad_end_node_unmatched(size_t *avail)
{
	(void)avail;
	fb_init(&fb);
	fb_begin(&fb, "");
	fb_end(&fb);
	fb_end(&fb);
	fb_token(&fb, FDT_TOKEN_END);
	return finish();
}
static size_t bad_too_deep(size_t *avail)
{
	unsigned i;

	(void)avail;
	fb_init(&fb);
	fb_begin(&fb, "");
	for (i = 0; i < FDT_MAX_DEPTH + 1; i++)
		fb_begin(&fb, "d");
	for (i = 0; i < FDT_MAX_DEPTH + 2; i++)
		fb_end(&fb);
	fb_token(&fb, FDT_TOKEN_END);
	return finish();
}
static size_t bad_token(size_t *avail)
{
	(void)avail;
	fb_init(&fb);
	fb_begin(&fb, "");
	fb_token(&fb, 7);
	fb_end(&fb);
	fb_token(&fb, FDT_TOKEN_END);
	return finish();
}
static size_t bad_no_end(size_t *avail)
{
	(void)avail;
	fb_init(&fb);
	fb_begin(&fb, "");
	fb_end(&fb);
	return finish();
}
static size_t bad_end_inside_node(size_t *avail)
{
	(void)avail;
	fb_init(&fb);
	fb_begin(&fb, "");
	fb_token(&fb, FDT_TOKEN_END);
	return finish();
}
static size_t bad_second_root(size_t *avail)
{
	(void)avail;
	fb_init(&fb);
	fb_begin(&fb, "");
	fb_end(&fb);
	fb_begin(&fb, "");
	fb_end(&fb);
	fb_token(&fb, FDT_TOKEN_END);
	return finish();
}
static size_t bad_data_after_end(size_t *avail)
{
	(void)avail;
	fb_init(&fb);
	fb_begin(&fb, "");
	fb_end(&fb);
	fb_token(&fb, FDT_TOKEN_END);
	fb_token(&fb, FDT_TOKEN_NOP);
	fb_token(&fb, FDT_TOKEN_BEGIN_NODE);
	return finish();
}

/* Content defects: a well-formed blob whose nodes say impossible things. */
#define CONTENT_CASE(fn, ...) \
	static size_t fn(size_t *avail) \
	{ \
		struct tree_opts o = { __VA_ARGS__ }; \
		(void)avail; \
		return build_tree(&o); \
	}
CONTENT_CASE(bad_cells, .root_address_cells = 3)
CONTENT_CASE(bad_reg_length, .memory_reg_short = true)
CONTENT_CASE(bad_range_wraps, .soc_dma = DMA_WRAPS)
CONTENT_CASE(bad_too_many_ranges, .memory_ranges = BOOT_MAX_MEMORY + 1)
CONTENT_CASE(bad_no_cpus, .no_cpus = true)
CONTENT_CASE(bad_too_many_harts, .ncpus = BOOT_MAX_HARTS + 1)
CONTENT_CASE(bad_cpu_reg, .cpu_without_reg = true)
CONTENT_CASE(bad_no_timebase, .no_timebase = true)
CONTENT_CASE(bad_string_unterminated, .bootargs_unterminated = true)
CONTENT_CASE(bad_prop_length, .timebase_3_bytes = true)
CONTENT_CASE(bad_dma_ranges, .soc_dma = DMA_MALFORMED)

static const struct bad_case bad_cases[] = {
	{ "truncated_header", bad_truncated_header, FDT_ERR_TRUNCATED_HEADER },
	{ "bad_magic", bad_magic, FDT_ERR_BAD_MAGIC },
	{ "totalsize_smaller_than_header", bad_totalsize_small, FDT_ERR_TOTALSIZE_SMALL },
	{ "totalsize_larger_than_blob", bad_totalsize_large, FDT_ERR_TOTALSIZE_LARGE },
	{ "version_15", bad_old_version, FDT_ERR_OLD_VERSION },
	{ "last_comp_version_18", bad_incompatible, FDT_ERR_INCOMPATIBLE_VERSION },
	{ "last_comp_newer_than_version", bad_version_order, FDT_ERR_VERSION_ORDER },
	{ "rsvmap_misaligned", bad_rsvmap_align, FDT_ERR_RSVMAP_ALIGN },
	{ "rsvmap_outside_blob", bad_rsvmap_bounds, FDT_ERR_RSVMAP_BOUNDS },
	{ "rsvmap_unterminated", bad_rsvmap_unterminated, FDT_ERR_RSVMAP_UNTERMINATED },
	{ "rsvmap_entry_wraps", bad_rsvmap_wraps, FDT_ERR_RSVMAP_WRAPS },
	{ "struct_misaligned", bad_struct_align, FDT_ERR_STRUCT_ALIGN },
	{ "struct_size_not_multiple_of_4", bad_struct_size_align, FDT_ERR_STRUCT_SIZE_ALIGN },
	{ "struct_outside_blob", bad_struct_bounds, FDT_ERR_STRUCT_BOUNDS },
	{ "strings_outside_blob", bad_strings_bounds, FDT_ERR_STRINGS_BOUNDS },
	{ "strings_overlap_struct", bad_block_overlap, FDT_ERR_BLOCK_OVERLAP },
	{ "no_root_node", bad_no_root, FDT_ERR_NO_ROOT },
	{ "root_has_name", bad_root_name, FDT_ERR_ROOT_NAME },
	{ "node_name_unterminated", bad_name_unterminated, FDT_ERR_NAME_UNTERMINATED },
	{ "node_name_empty", bad_name_empty, FDT_ERR_NAME_EMPTY },
	{ "node_name_too_long", bad_name_too_long, FDT_ERR_NAME_TOO_LONG },
	{ "node_name_control_char", bad_name_char, FDT_ERR_NAME_BAD_CHAR },
	{ "prop_header_truncated", bad_prop_truncated, FDT_ERR_PROP_TRUNCATED },
	{ "prop_value_past_block", bad_prop_value_bounds, FDT_ERR_PROP_VALUE_BOUNDS },
	{ "prop_name_offset_outside", bad_prop_name_bounds, FDT_ERR_PROP_NAME_BOUNDS },
	{ "prop_name_unterminated", bad_prop_name_unterminated, FDT_ERR_PROP_NAME_UNTERMINATED },
	{ "prop_name_empty", bad_prop_name_empty, FDT_ERR_PROP_NAME_EMPTY },
	{ "prop_name_with_space", bad_prop_name_char, FDT_ERR_PROP_NAME_BAD_CHAR },
	{ "prop_after_root_closed", bad_prop_outside_node, FDT_ERR_PROP_OUTSIDE_NODE },
	{ "prop_after_child_node", bad_prop_after_child, FDT_ERR_PROP_AFTER_CHILD },
	{ "end_node_unmatched", bad_end_node_unmatched, FDT_ERR_END_NODE_UNMATCHED },
	{ "nesting_too_deep", bad_too_deep, FDT_ERR_TOO_DEEP },
	{ "unknown_token", bad_token, FDT_ERR_BAD_TOKEN },
	{ "no_end_token", bad_no_end, FDT_ERR_NO_END },
	{ "end_inside_node", bad_end_inside_node, FDT_ERR_END_INSIDE_NODE },
	{ "second_root_node", bad_second_root, FDT_ERR_SECOND_ROOT },
	{ "tokens_after_end", bad_data_after_end, FDT_ERR_DATA_AFTER_END },
	{ "address_cells_3", bad_cells, FDT_ERR_BAD_CELLS },
	{ "memory_reg_12_bytes", bad_reg_length, FDT_ERR_REG_LENGTH },
	{ "dma_range_wraps", bad_range_wraps, FDT_ERR_RANGE_WRAPS },
	{ "too_many_memory_ranges", bad_too_many_ranges, FDT_ERR_TOO_MANY_RANGES },
	{ "no_cpus_node", bad_no_cpus, FDT_ERR_NO_CPUS },
	{ "too_many_harts", bad_too_many_harts, FDT_ERR_TOO_MANY_HARTS },
	{ "cpu_without_reg", bad_cpu_reg, FDT_ERR_CPU_REG },
	{ "no_timebase", bad_no_timebase, FDT_ERR_NO_TIMEBASE },
	{ "bootargs_unterminated", bad_string_unterminated, FDT_ERR_STRING_UNTERMINATED },
	{ "timebase_3_bytes", bad_prop_length, FDT_ERR_BAD_PROP_LENGTH },
	{ "dma_ranges_not_whole_entries", bad_dma_ranges, FDT_ERR_BAD_RANGES },
};

/* Run one case through fdt_open and (if that passes) bootinfo_read. */
static enum fdt_error run_case(const struct bad_case *c, struct fdt_diag *diag)
{
	size_t avail = SIZE_MAX, n;
	struct fdt fdt;
	enum fdt_error err;

	n = c->make(&avail);
	if (avail == SIZE_MAX)
		avail = n;
	err = fdt_open(&fdt, blob, avail, diag);
	if (err == FDT_OK)
		err = bootinfo_read(&fdt, &bi, diag);
	return err;
}

/* Every malformed blob is rejected with exactly its own error. */
static void test_malformed_blobs_each_rejected_with_own_reason(void)
{
	bool seen[FDT_ERR_COUNT] = { false };
	unsigned i, distinct = 0;

	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		struct fdt_diag diag = { 0 };
		enum fdt_error err = run_case(&bad_cases[i], &diag);

		printf("#   %-32s -> %s (byte 0x%x)\n", bad_cases[i].name, fdt_strerror(err),
		       diag.offset);
		if (err != bad_cases[i].want)
			test_failure_note("%s: got \"%s\", want \"%s\"", bad_cases[i].name,
			       fdt_strerror(err), fdt_strerror(bad_cases[i].want));
		CHECK_EQ_U64(err, bad_cases[i].want);
		CHECK_EQ_U64(diag.err, bad_cases[i].want);
		CHECK(!seen[err]);
		seen[err] = true;
		distinct++;
	}
	CHECK(distinct >= 30);
}

/* A blob larger than the 2 MiB window is refused before anything else is read. */
static void test_blob_over_2mib_refused(void)
{
	size_t big = FDT_MAX_SIZE + 4096;
	uint8_t *p = calloc(1, big);
	struct fdt fdt;
	size_t n = std_tree();

	CHECK(p != NULL);
	if (!p)
		return;
	memcpy(p, blob, n);
	fb_put_be32(p + FB_HDR_TOTALSIZE, (uint32_t)big);
	CHECK_EQ_U64(fdt_open(&fdt, p, big, NULL), FDT_ERR_TOO_BIG);
	free(p);
}

/* No blob at all. */
static void test_null_blob(void)
{
	struct fdt fdt;
	struct fdt_diag diag;

	CHECK_EQ_U64(fdt_open(&fdt, NULL, 4096, &diag), FDT_ERR_NULL);
	CHECK_EQ_U64(diag.err, FDT_ERR_NULL);
}

/* The spec wants the blob 8-byte aligned; the kernel refuses it otherwise. */
static void test_misaligned_blob(void)
{
	static uint8_t shifted[BLOB_MAX + 8] __attribute__((aligned(8)));
	size_t n = std_tree();
	struct fdt fdt;

	memcpy(shifted + 4, blob, n);
	CHECK_EQ_U64(fdt_open(&fdt, shifted + 4, n, NULL), FDT_ERR_BLOB_ALIGN);
}

/* A '/' inside a node name would make it unreachable by path: refused. */
static void test_slash_in_node_name_refused(void)
{
	struct fdt fdt;
	size_t n;

	fb_init(&fb);
	fb_begin(&fb, "");
	fb_begin(&fb, "a/b");
	fb_end(&fb);
	fb_end(&fb);
	fb_token(&fb, FDT_TOKEN_END);
	n = finish();
	CHECK_EQ_U64(fdt_open(&fdt, blob, n, NULL), FDT_ERR_NAME_BAD_CHAR);
}

/* Every error code has a message of its own; out-of-range codes too. */
static void test_error_messages_distinct(void)
{
	unsigned i, j;

	for (i = 0; i < FDT_ERR_COUNT; i++) {
		CHECK(fdt_strerror(i) != NULL && fdt_strerror(i)[0] != '\0');
		for (j = 0; j < i; j++)
			CHECK(strcmp(fdt_strerror(i), fdt_strerror(j)) != 0);
	}
	CHECK_STR(fdt_strerror(FDT_ERR_COUNT), "unknown device tree error");
}

/* Every truncation of a real tree is rejected without reading past it. */
static void test_every_truncation_of_a_real_tree_is_safe(void)
{
	size_t n = load_dtb("qemu-virt-128M-received.dtb"), cut;
	struct fdt fdt;

	CHECK(n > 0);
	for (cut = 0; cut < n; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);

		memcpy(copy, blob, cut);
		CHECK(fdt_open(&fdt, copy, cut, NULL) != FDT_OK);
		free(copy);
	}
}

int main(int argc, char **argv)
{
	if (argc > 1)
		data_dir = argv[1];
	RUN(test_malformed_blobs_each_rejected_with_own_reason);
	RUN(test_blob_over_2mib_refused);
	RUN(test_null_blob);
	RUN(test_misaligned_blob);
	RUN(test_slash_in_node_name_refused);
	RUN(test_error_messages_distinct);
	RUN(test_every_truncation_of_a_real_tree_is_safe);
	return test_done();
}
