/*
 * Tests of the boot memory map (mm/memmap.c): worked cases, and a property
 * test against a brute-force model (one bit per page) over random RAM and
 * reserved ranges, including unaligned, overlapping, duplicate, empty and
 * out-of-reach ones.
 */
#include <stdlib.h>
#include <string.h>

#include "mm/memmap.h"
#include "test.h"

#define MODEL_PAGES 512u              /* the model's address space, in pages */
#define MODEL_BASE 0x80000000ull
#define PROPERTY_ROUNDS 20000

static struct boot_info bi;
static struct memmap mm;
static unsigned log_lines;
static char last_log[200];

static void count_log(void *arg, const char *line)
{
	(void)arg;
	log_lines++;
	snprintf(last_log, sizeof(last_log), "%s", line);
}

static void add_memory(uint64_t start, uint64_t end)
{
	bi.memory[bi.nmemory].start = start;
	bi.memory[bi.nmemory++].end = end;
}

static void add_reserved(uint64_t start, uint64_t end, const char *name, bool no_map)
{
	CHECK_EQ_U64(bootinfo_add_reserved(&bi, start, end, name, no_map), FDT_OK);
}

static void reset(void)
{
	memset(&bi, 0, sizeof(bi));
	log_lines = 0;
	last_log[0] = '\0';
}

/* QEMU virt as received: OpenSBI's region, kernel and FDT come out of RAM. */
static void test_virt_layout(void)
{
	reset();
	add_memory(0x80000000, 0x88000000);
	add_reserved(0x80000000, 0x80080000, "mmode_resv0@80000000", false);
	add_reserved(0x80200000, 0x80230000, "kernel", false);
	add_reserved(0x87e00000, 0x87e014bf, "fdt", false);
	CHECK_EQ_U64(memmap_build(&mm, &bi, 1ull << 40, count_log, NULL), ERR_OK);
	CHECK_EQ_U64(mm.ram.n, 1);
	CHECK_EQ_U64(mm.free.n, 3);
	CHECK_EQ_U64(mm.free.r[0].start, 0x80080000);
	CHECK_EQ_U64(mm.free.r[0].end, 0x80200000);
	CHECK_EQ_U64(mm.free.r[1].start, 0x80230000);
	CHECK_EQ_U64(mm.free.r[1].end, 0x87e00000);
	CHECK_EQ_U64(mm.free.r[2].start, 0x87e02000); /* the FDT's last page is reserved whole */
	CHECK_EQ_U64(mm.nomap.n, 1);                  /* mmode_resv is firmware */
	CHECK_EQ_U64(mm.nomap.r[0].end, 0x80080000);
	CHECK_EQ_U64(log_lines, 0);
}

/* Unaligned RAM shrinks inward, with a log line. */
static void test_unaligned_ram_clipped_and_logged(void)
{
	reset();
	add_memory(0x80000100, 0x80003f00);
	CHECK_EQ_U64(memmap_build(&mm, &bi, 1ull << 40, count_log, NULL), ERR_OK);
	CHECK_EQ_U64(mm.ram.r[0].start, 0x80001000);
	CHECK_EQ_U64(mm.ram.r[0].end, 0x80003000);
	CHECK_EQ_U64(log_lines, 1);
	CHECK(strstr(last_log, "not page aligned") != NULL);
}

/* RAM past the kernel's reach is clipped or dropped, each with a line. */
static void test_out_of_reach_ram(void)
{
	reset();
	add_memory(0x80000000, 0x100000000);
	add_memory(0x200000000, 0x300000000);
	CHECK_EQ_U64(memmap_build(&mm, &bi, 0xc0000000, count_log, NULL), ERR_OK);
	CHECK_EQ_U64(mm.ram.n, 1);
	CHECK_EQ_U64(mm.ram.r[0].end, 0xc0000000);
	CHECK_EQ_U64(log_lines, 2);
	CHECK(strstr(last_log, "dropped") != NULL);
}

/* Overlapping and duplicate ranges merge, with a line each. */
static void test_overlap_merged(void)
{
	reset();
	add_memory(0x80000000, 0x80100000);
	add_memory(0x80080000, 0x80200000);
	add_memory(0x80080000, 0x80200000);
	CHECK_EQ_U64(memmap_build(&mm, &bi, 1ull << 40, count_log, NULL), ERR_OK);
	CHECK_EQ_U64(mm.ram.n, 1);
	CHECK_EQ_U64(mm.ram.r[0].end, 0x80200000);
	CHECK_EQ_U64(log_lines, 2);
}

/* Empty and wrapped ranges: dropped or clipped, one log line each. */
static void test_empty_and_wrapped_ranges_logged(void)
{
	reset();
	add_memory(0x80000000, 0x80100000);
	add_memory(0x90000000, 0x90000000);              /* empty */
	add_memory(0xfffffffffffff000ull, UINT64_MAX);    /* ran past 2^64 */
	add_reserved(0x80010000, 0x80010000, "empty", false);
	CHECK_EQ_U64(memmap_build(&mm, &bi, 1ull << 40, count_log, NULL), ERR_OK);
	CHECK_EQ_U64(mm.ram.n, 1);
	CHECK_EQ_U64(mm.free.n, 1);
	CHECK_EQ_U64(log_lines, 3);
	CHECK(strstr(last_log, "is empty: ignored") != NULL);
}

/* Everything reserved: no free RAM is an error, not an empty success. */
static void test_all_reserved(void)
{
	reset();
	add_memory(0x80000000, 0x80100000);
	add_reserved(0x7ff00000, 0x80200000, "all", false);
	CHECK_EQ_U64(memmap_build(&mm, &bi, 1ull << 40, NULL, NULL), ERR_NOT_FOUND);
}

/* No free RAM: the last line says why, one cause each. */
static void test_no_ram_says_why(void)
{
	reset();
	CHECK_EQ_U64(memmap_build(&mm, &bi, 1ull << 40, count_log, NULL), ERR_NOT_FOUND);
	CHECK_STR(last_log, "memmap: no RAM: the tree has no /memory node "
			    "(a bootloader adds it to the tree it passes on)");
	reset();
	add_memory(0x80000000, 0x80100000);
	add_reserved(0x7ff00000, 0x80200000, "all", false);
	CHECK_EQ_U64(memmap_build(&mm, &bi, 1ull << 40, count_log, NULL), ERR_NOT_FOUND);
	CHECK_STR(last_log, "memmap: no free RAM: reserved ranges cover all of it");
	reset();
	add_memory(0x400030000000, 0x400070000000);
	CHECK_EQ_U64(memmap_build(&mm, &bi, 0x2000000000, count_log, NULL), ERR_NOT_FOUND);
	CHECK_EQ_U64(log_lines, 2);
	CHECK_STR(last_log, "memmap: no RAM below 0x2000000000, the end of the direct map: "
			    "every memory range lies above it");
	reset();
	add_memory(0x80000000, 0x80000800); /* half a page */
	add_memory(0x400030000000, 0x400070000000);
	CHECK_EQ_U64(memmap_build(&mm, &bi, 0x2000000000, count_log, NULL), ERR_NOT_FOUND);
	CHECK_STR(last_log, "memmap: no RAM: every memory range was dropped");
}

/* memmap_alloc takes from the top, aligned, and reserves what it gives. */
static void test_alloc_from_top(void)
{
	paddr_t a, b;

	reset();
	add_memory(0x80000000, 0x80400000);
	CHECK_EQ_U64(memmap_build(&mm, &bi, 1ull << 40, NULL, NULL), ERR_OK);
	a = memmap_alloc(&mm, 0x1800, PAGE_SIZE, UINT64_MAX);
	CHECK_EQ_U64(a, 0x803fe000);
	b = memmap_alloc(&mm, 0x1000, 0x100000, UINT64_MAX);
	CHECK_EQ_U64(b, 0x80300000);
	CHECK_EQ_U64(mm.free.n, 2);
	CHECK_EQ_U64(memmap_alloc(&mm, 0x1000, PAGE_SIZE, 0x80000000), 0);
	CHECK_EQ_U64(memmap_alloc(&mm, 0x10000000, PAGE_SIZE, UINT64_MAX), 0);
}

/* ---- property test against a page bitmap ------------------------------- */

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* A random byte address in or a little around the model space. */
static uint64_t rnd_addr(void)
{
	uint64_t span = (uint64_t)(MODEL_PAGES + 16) * PAGE_SIZE;
	uint64_t a = MODEL_BASE - 8 * PAGE_SIZE + rnd() % span;

	return rnd() % 2 ? ALIGN_DOWN(a, PAGE_SIZE) : a;
}

static void random_range(uint64_t *s, uint64_t *e)
{
	uint64_t a = rnd_addr(), b = rnd_addr();

	*s = a < b ? a : b;
	*e = a < b ? b : a;
}

static bool in_list(const struct memmap_list *l, uint64_t pa)
{
	unsigned i;

	for (i = 0; i < l->n; i++)
		if (pa >= l->r[i].start && pa < l->r[i].end)
			return true;
	return false;
}

static bool list_well_formed(const struct memmap_list *l)
{
	unsigned i;

	for (i = 0; i < l->n; i++) {
		if (!IS_ALIGNED(l->r[i].start | l->r[i].end, PAGE_SIZE) ||
		    l->r[i].start >= l->r[i].end)
			return false;
		if (i && l->r[i - 1].end > l->r[i].start)
			return false;
	}
	return true;
}

/* One round: random input; every page's fate must match the model. */
static bool property_round(uint64_t limit)
{
	static bool ram[MODEL_PAGES + 64], free_pg[MODEL_PAGES + 64];
	uint64_t base = MODEL_BASE - 8 * PAGE_SIZE, s, e, p;
	unsigned i, n;

	reset();
	memset(ram, 0, sizeof(ram));
	n = 1 + (unsigned)(rnd() % 6);
	for (i = 0; i < n; i++) {
		random_range(&s, &e);
		add_memory(s, e);
		for (p = ALIGN_UP(s, PAGE_SIZE); p + PAGE_SIZE <= e; p += PAGE_SIZE)
			ram[(p - base) / PAGE_SIZE] = p < limit;
	}
	memcpy(free_pg, ram, sizeof(ram));
	n = (unsigned)(rnd() % 8);
	for (i = 0; i < n; i++) {
		random_range(&s, &e);
		add_reserved(s, e, "r", false);
		for (p = ALIGN_DOWN(s, PAGE_SIZE); p < e; p += PAGE_SIZE)
			free_pg[(p - base) / PAGE_SIZE] = false;
	}
	if (memmap_build(&mm, &bi, limit, NULL, NULL) != ERR_OK && mm.free.n != 0)
		return false;
	if (!list_well_formed(&mm.ram) || !list_well_formed(&mm.free))
		return false;
	for (p = 0; p < MODEL_PAGES + 16; p++) {
		uint64_t pa = base + p * PAGE_SIZE;

		if (in_list(&mm.ram, pa) != ram[p] || in_list(&mm.free, pa) != free_pg[p])
			return false;
	}
	return true;
}

/* Random maps agree page by page with the brute-force model. */
static void test_property_against_model(void)
{
	unsigned round, failures = 0;
	uint64_t seed = getenv("TESSERA_TEST_SEED") ? strtoull(getenv("TESSERA_TEST_SEED"), 0, 0)
						    : 0x6d656d6d6170ull;

	printf("# seed 0x%llx, %u rounds\n", (unsigned long long)seed, PROPERTY_ROUNDS);
	rnd_state = seed;
	for (round = 0; round < PROPERTY_ROUNDS; round++) {
		uint64_t limit = rnd() % 4 ? UINT64_MAX : MODEL_BASE + (rnd() % MODEL_PAGES) * PAGE_SIZE;

		if (!property_round(limit) && failures++ < 3)
			test_failure_note("round %u disagrees with the model", round);
	}
	CHECK_EQ_U64(failures, 0);
}

int main(void)
{
	RUN(test_virt_layout);
	RUN(test_unaligned_ram_clipped_and_logged);
	RUN(test_out_of_reach_ram);
	RUN(test_overlap_merged);
	RUN(test_empty_and_wrapped_ranges_logged);
	RUN(test_all_reserved);
	RUN(test_no_ram_says_why);
	RUN(test_alloc_from_top);
	RUN(test_property_against_model);
	return test_done();
}
