/*
 * Tests of the initrd at boot: /chosen's linux,initrd-start/-end read by
 * mm/bootinfo.c (4 or 8 bytes each) and the checks and reservation of
 * mm/boot_initrd.c.  The standard tree of fdt_trees.h has RAM
 * 0x80000000-0x80800000 with firmware at 0x80000000-0x80080000; each case
 * adds the kernel at 0x80200000-0x80300000 as kernel/main.c does, then
 * reserves the initrd.  A malformed initrd never fails bootinfo_read(): it
 * is ignored with the one line written out in the table.
 * Usage: test_boot_initrd <tests/data directory>
 */
#include <string.h>

#include "fdt_trees.h"
#include "mm/boot_mem.h"
#include "test.h"

#define KERNEL_START 0x80200000ull
#define KERNEL_END 0x80300000ull
#define LIMIT MEMMAP_DIRECT_MAP_LIMIT

static struct boot_info bi;
static char last_line[MM_LOG_LINE_MAX];
static unsigned log_lines;

static void capture(void *arg, const char *line)
{
	(void)arg;
	snprintf(last_line, sizeof(last_line), "%s", line);
	log_lines++;
}

struct initrd_case {
	const char *what;
	struct tree_opts o;
	paddr_t limit;          /* 0: the direct map's */
	bool reserved;
	const char *line;       /* the one log line, NULL: none */
};

#define PAIR(sb, s, eb, e) .initrd_start_bytes = (sb), .initrd_start = (s), \
			   .initrd_end_bytes = (eb), .initrd_end = (e)

static const struct initrd_case cases[] = {
	{ "32-bit cells, as QEMU writes", { PAIR(4, 0x80400000, 4, 0x80401388) }, 0, true, NULL },
	{ "64-bit cells, as U-Boot writes", { PAIR(8, 0x80400000, 8, 0x80401388) }, 0, true, NULL },
	{ "one of each", { PAIR(8, 0x80400000, 4, 0x80402000) }, 0, true, NULL },
	{ "right after the kernel", { PAIR(4, KERNEL_END, 4, 0x80300001) }, 0, true, NULL },
	{ "up to the end of RAM", { PAIR(4, 0x807ff000, 4, 0x80800000) }, 0, true, NULL },
	{ "with U-Boot's memreserve of it",
	  { PAIR(4, 0x80400000, 4, 0x80401388), .initrd_rsv_start = 0x80400000,
	    .initrd_rsv_end = 0x80401388 }, 0, true, NULL },
	{ "sharing its last page with a memreserve after it",
	  { PAIR(4, 0x80400000, 4, 0x80401388), .initrd_rsv_start = 0x80401388,
	    .initrd_rsv_end = 0x80402000 }, 0, true, NULL },
	{ "none", { 0 }, 0, false, NULL },
	{ "start of 3 bytes", { PAIR(3, 0, 4, 0x80401000) }, 0, false,
	  "initrd: ignored: linux,initrd-start is neither 4 nor 8 bytes" },
	{ "end of 12 bytes", { PAIR(4, 0x80400000, 12, 0) }, 0, false,
	  "initrd: ignored: linux,initrd-end is neither 4 nor 8 bytes" },
	{ "start only", { PAIR(4, 0x80400000, 0, 0) }, 0, false,
	  "initrd: ignored: linux,initrd-start without linux,initrd-end" },
	{ "end only", { PAIR(0, 0, 8, 0x80400000) }, 0, false,
	  "initrd: ignored: linux,initrd-end without linux,initrd-start" },
	{ "end before start", { PAIR(4, 0x80401000, 4, 0x80400000) }, 0, false,
	  "initrd: 0x80401000-0x80400000 ignored: it ends before it starts" },
	{ "empty", { PAIR(4, 0x80400000, 4, 0x80400000) }, 0, false,
	  "initrd: 0x80400000-0x80400000 ignored: it is empty" },
	{ "start not page aligned", { PAIR(4, 0x80400010, 4, 0x80401000) }, 0, false,
	  "initrd: 0x80400010-0x80401000 ignored: its start is not page aligned" },
	{ "above RAM", { PAIR(8, 0x90000000, 8, 0x90001000) }, 0, false,
	  "initrd: 0x90000000-0x90001000 ignored: it lies outside RAM" },
	{ "across the end of RAM", { PAIR(4, 0x807ff000, 4, 0x80800001) }, 0, false,
	  "initrd: 0x807ff000-0x80800001 ignored: it lies outside RAM" },
	{ "below RAM", { PAIR(4, 0x7ffff000, 4, 0x80000800) }, 0, false,
	  "initrd: 0x7ffff000-0x80000800 ignored: it lies outside RAM" },
	{ "over the kernel's last page", { PAIR(4, 0x802ff000, 4, 0x80300800) }, 0, false,
	  "initrd: 0x802ff000-0x80300800 ignored: it overlaps reserved 0x80200000-0x80300000 kernel" },
	{ "over the firmware", { PAIR(4, 0x8007f000, 4, 0x80081000) }, 0, false,
	  "initrd: 0x8007f000-0x80081000 ignored: it overlaps reserved 0x80000000-0x80080000 "
	  "firmware@80000000" },
	{ "a memreserve not exactly it",
	  { PAIR(4, 0x80400000, 4, 0x80401388), .initrd_rsv_start = 0x80400000,
	    .initrd_rsv_end = 0x80402000 }, 0, false,
	  "initrd: 0x80400000-0x80401388 ignored: it overlaps reserved 0x80400000-0x80402000 "
	  "memreserve" },
	{ "past the kernel's reach", { PAIR(4, 0x80400000, 4, 0x80401388) }, 0x80401000, false,
	  "initrd: 0x80400000-0x80401388 ignored: it ends above the direct map, out of the "
	  "kernel's reach" },
};

/* The tree of `c` read, the kernel reserved, then the initrd; CHECKs the outcome. */
static void run_case(const struct initrd_case *c)
{
	size_t n = build_tree(&c->o);
	struct fdt fdt;
	uint32_t before;
	bool got;

	log_lines = 0;
	last_line[0] = '\0';
	CHECK_EQ_U64(fdt_open(&fdt, blob, n, NULL), FDT_OK);
	if (bootinfo_read(&fdt, &bi, NULL) != FDT_OK) {
		TEST_FAIL("%s: the tree is not read", c->what);
		return;
	}
	CHECK_EQ_U64(bootinfo_add_reserved(&bi, KERNEL_START, KERNEL_END, "kernel", false), FDT_OK);
	before = bi.nreserved;
	got = bootinfo_reserve_initrd(&bi, c->limit ? c->limit : LIMIT, capture, NULL);
	if (got != c->reserved || bi.has_initrd != c->reserved)
		TEST_FAIL("%s: reserved %d, expected %d", c->what, got, c->reserved);
	if (c->line && (log_lines != 1 || strcmp(last_line, c->line) != 0))
		TEST_FAIL("%s: %u line(s), the last \"%s\", expected \"%s\"", c->what, log_lines,
			  last_line, c->line);
	if (!c->line && log_lines)
		TEST_FAIL("%s: unexpected line \"%s\"", c->what, last_line);
	CHECK_EQ_U64(bi.nreserved, before + c->reserved);
	if (!c->o.initrd_start_bytes && !c->o.initrd_end_bytes)
		CHECK(bi.initrd_error == NULL);
	if (c->reserved) {
		const struct boot_reserved *r = &bi.reserved[bi.nreserved - 1];

		CHECK_STR(r->name, "initrd");
		CHECK_EQ_U64(r->start, c->o.initrd_start);
		CHECK_EQ_U64(r->end, c->o.initrd_end);
		CHECK(!r->no_map);
	}
}

static void test_each_initrd_is_reserved_or_ignored_with_its_reason(void)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
}

/* Pages the free list holds in [start, end). */
static uint64_t free_pages_in(const struct memmap *mm, paddr_t start, paddr_t end)
{
	uint64_t pages = 0;
	unsigned i;

	for (i = 0; i < mm->free.n; i++) {
		paddr_t s = mm->free.r[i].start > start ? mm->free.r[i].start : start;
		paddr_t e = mm->free.r[i].end < end ? mm->free.r[i].end : end;

		if (s < e)
			pages += (e - s) / PAGE_SIZE;
	}
	return pages;
}

/* The boot memory map keeps the initrd's pages (its last, partial one too) out of the free list. */
static void test_reserved_initrd_pages_are_not_free(void)
{
	static struct memmap mm;

	run_case(&cases[0]);     /* 0x80400000-0x80401388: two pages */
	CHECK_EQ_U64(memmap_build(&mm, &bi, LIMIT, NULL, NULL), ERR_OK);
	CHECK_EQ_U64(free_pages_in(&mm, 0x80400000, 0x80402000), 0);
	CHECK_EQ_U64(free_pages_in(&mm, 0x80402000, 0x80403000), 1);
	CHECK_EQ_U64(free_pages_in(&mm, 0x803ff000, 0x80400000), 1);
}

int main(int argc, char **argv)
{
	data_dir = argc > 1 ? argv[1] : "tests/data";
	RUN(test_each_initrd_is_reserved_or_ignored_with_its_reason);
	RUN(test_reserved_initrd_pages_are_not_free);
	return test_done();
}
