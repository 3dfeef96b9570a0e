/*
 * Tests of the boot-time memory set-up (mm/boot_mem.c) on the real trees in
 * tests/data/dts: the zones each board gets, that the buddy is consistent
 * afterwards, and that every set-up step that can run out of memory fails
 * cleanly (allocation-failure injection).
 * Usage: test_boot_mem <tests/data directory>
 */
#include <stdlib.h>
#include <string.h>

#include "mm/boot_mem.h"
#include "test.h"

#define BLOB_MAX (64 * 1024)
#define DIRECT_MAP_LIMIT (128ull * GiB)
#define NEVER_FAIL (~0u)

static const char *data_dir = "tests/data";
static uint8_t blob[BLOB_MAX] __attribute__((aligned(8)));
static struct boot_info bi;
static struct mem m;
static struct memmap mm;
static unsigned frames_calls, fail_at = NEVER_FAIL;

/* Host memory for frame descriptors; fails on call number fail_at (0-based). */
static struct frame *host_frames(void *arg, paddr_t pa, uint64_t count)
{
	(void)arg;
	(void)pa;
	if (frames_calls++ == fail_at)
		return NULL;
	return calloc(count, sizeof(struct frame));
}

static void free_frames(void)
{
	unsigned i;

	for (i = 0; i < m.nblocks; i++)
		free(m.blocks[i].frames);
	m.nblocks = 0;
}

static bool read_tree(const char *name)
{
	char path[512];
	struct fdt fdt;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/dts/%s", data_dir, name);
	f = fopen(path, "rb");
	if (!f)
		return false;
	n = fread(blob, 1, sizeof(blob), f);
	fclose(f);
	return fdt_open(&fdt, blob, n, NULL) == FDT_OK && bootinfo_read(&fdt, &bi, NULL) == FDT_OK;
}

static err_t setup(uint64_t zone_dma_size)
{
	const struct mem_setup s = {
		.limit = DIRECT_MAP_LIMIT, .zone_dma_size = zone_dma_size, .nharts = 1,
		.frames_at = host_frames,
	};

	frames_calls = 0;
	return mem_boot(&m, &mm, &bi, &s);
}

/* A zone's span and size in pages. */
static void check_zone(enum zone_id z, paddr_t start, paddr_t end)
{
	CHECK_EQ_U64(m.zones[z].start, start);
	CHECK_EQ_U64(m.zones[z].end, end);
	CHECK_EQ_U64(m.zones[z].present_pages, (end - start) >> PAGE_SHIFT);
}

/* QEMU virt 8 GiB: DMA32 below 4 GiB, NORMAL above, no DMA zone. */
static void test_virt_8g_zones(void)
{
	char why[128];

	CHECK(read_tree("qemu-virt-8G.dtb"));
	CHECK_EQ_U64(setup(0), ERR_OK);
	CHECK_EQ_U64(m.zones[ZONE_DMA].present_pages, 0);
	check_zone(ZONE_DMA32, 0x80000000, 0x100000000);
	check_zone(ZONE_NORMAL, 0x100000000, 0x280000000);
	CHECK_EQ_U64(mem_frame_count(&m), 2097152);
	CHECK(buddy_check(&m, why, sizeof(why)));
	free_frames();
}

/* zone_dma=16M makes ZONE_DMA the first 16 MiB of RAM. */
static void test_zone_dma_option(void)
{
	CHECK(read_tree("qemu-virt-128M.dtb"));
	CHECK_EQ_U64(setup(16 * MiB), ERR_OK);
	check_zone(ZONE_DMA, 0x80000000, 0x81000000);
	check_zone(ZONE_DMA32, 0x81000000, 0x88000000);
	CHECK_EQ_U64(m.dma_limit, 0x81000000);
	free_frames();
}

/* The frame table is reserved: free pages = RAM - reservations - table. */
static void test_free_pages_account_for_frame_table(void)
{
	uint64_t table_pages;

	CHECK(read_tree("qemu-virt-128M-received.dtb"));
	CHECK_EQ_U64(setup(0), ERR_OK);
	table_pages = 32768 * sizeof(struct frame) / PAGE_SIZE;
	/* 128 MiB, minus OpenSBI's 512 KiB, minus the frame table */
	CHECK_EQ_U64(buddy_zone_free_pages(&m, ZONE_DMA32), 32768 - 128 - table_pages);
	free_frames();
}

/* Every real tree sets up, and the buddy agrees with itself afterwards. */
static void test_every_real_tree_sets_up(void)
{
	static const char *const trees[] = {
		"qemu-virt-128M.dtb", "qemu-virt-128M-received.dtb", "qemu-virt-8G.dtb",
		"qemu-sifive_u.dtb", "qemu-sifive_u-1G-received.dtb", "visionfive2-v1.3b.dtb",
	};
	char why[128];
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(trees); i++) {
		CHECK(read_tree(trees[i]));
		CHECK_EQ_U64(setup(0), ERR_OK);
		if (!buddy_check(&m, why, sizeof(why)))
			test_failure_note("%s: %s", trees[i], why);
		CHECK(buddy_check(&m, why, sizeof(why)));
		free_frames();
	}
}

/* No room for a frame-table array: a clean ERR_NO_MEMORY, never a crash. */
static void test_frame_table_allocation_failure(void)
{
	bi.nmemory = 0;
	CHECK(read_tree("qemu-virt-128M.dtb"));
	bi.memory[1] = (struct boot_range){ 0x100000000, 0x108000000 };
	bi.nmemory = 2;
	for (fail_at = 0; fail_at < 2; fail_at++) {
		CHECK_EQ_U64(setup(0), ERR_NO_MEMORY);
		free_frames();
	}
	fail_at = NEVER_FAIL;
	CHECK_EQ_U64(setup(0), ERR_OK);
	free_frames();
}

/* The last range's frame table finds no free page: ERR_NO_MEMORY. */
static void test_no_room_for_frame_table(void)
{
	CHECK(read_tree("qemu-virt-128M.dtb"));
	bi.memory[0] = (struct boot_range){ 0x80000000, 0x80001000 };
	bi.memory[1] = (struct boot_range){ 0x90000000, 0x90001000 };
	bi.nmemory = 2;
	bi.nreserved = 0;
	CHECK_EQ_U64(bootinfo_add_reserved(&bi, 0x90000000, 0x90001000, "r", false), FDT_OK);
	CHECK_EQ_U64(setup(0), ERR_NO_MEMORY);
	free_frames();
}

/* A split the list has no slot for fails and leaves the list as it was. */
static void test_full_list_split_refused(void)
{
	struct memmap_list l = { .n = 0 };
	unsigned i;

	for (i = 0; i < MEMMAP_MAX; i++)
		l.r[l.n++] = (struct memmap_range){ (paddr_t)(4 * i) * PAGE_SIZE,
						    (paddr_t)(4 * i + 3) * PAGE_SIZE };
	CHECK_EQ_U64(memmap_subtract(&l, PAGE_SIZE, 2 * PAGE_SIZE), ERR_NO_MEMORY);
	CHECK_EQ_U64(l.n, MEMMAP_MAX);
	CHECK_EQ_U64(l.r[0].end, 3 * PAGE_SIZE);
	CHECK_EQ_U64(memmap_subtract(&l, 0, PAGE_SIZE), ERR_OK); /* no split needed */
	CHECK_EQ_U64(l.r[0].start, PAGE_SIZE);
}

/* No RAM left after the reservations: ERR_NOT_FOUND. */
static void test_everything_reserved(void)
{
	CHECK(read_tree("qemu-virt-128M.dtb"));
	CHECK_EQ_U64(bootinfo_add_reserved(&bi, 0x80000000, 0x88000000, "all", false), FDT_OK);
	CHECK_EQ_U64(setup(0), ERR_NOT_FOUND);
	free_frames();
}

int main(int argc, char **argv)
{
	if (argc > 1)
		data_dir = argv[1];
	RUN(test_virt_8g_zones);
	RUN(test_zone_dma_option);
	RUN(test_free_pages_account_for_frame_table);
	RUN(test_every_real_tree_sets_up);
	RUN(test_frame_table_allocation_failure);
	RUN(test_no_room_for_frame_table);
	RUN(test_full_list_split_refused);
	RUN(test_everything_reserved);
	return test_done();
}
