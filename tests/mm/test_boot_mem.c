/*
 * Tests of the boot-time memory set-up (mm/boot_mem.c) on the real trees in
 * tests/data/dts: the zones each board gets, that the buddy is consistent
 * afterwards, that free 4 MiB chunks are left unset until the buddy needs
 * them (mm/frame.h), and that every set-up step that can run out of memory
 * fails cleanly (allocation-failure injection).
 * Usage: test_boot_mem <tests/data directory>
 */
#include <stdlib.h>
#include <string.h>

#include "mm/boot_mem.h"
#include "mm/meminfo.h"
#include "mm/phys.h"
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
static struct frame *host_table(void *arg, paddr_t pa, uint64_t bytes)
{
	(void)arg;
	(void)pa;
	struct frame *table;

	if (frames_calls++ == fail_at)
		return NULL;
	/* Poisoned, as RAM may be: a descriptor read before it is set up shows. */
	table = malloc(bytes);
	if (table)
		memset(table, 0xa5, bytes);
	return table;
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
		.table_at = host_table,
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

#define CHUNK (4 * MiB)   /* the buddy's largest block with the default max_order */

/* 4 MiB chunks wholly inside one free range of the memory map, in [lo, hi). */
static uint64_t free_chunks(paddr_t lo, paddr_t hi)
{
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < mm.free.n; i++) {
		paddr_t a = ALIGN_UP(mm.free.r[i].start > lo ? mm.free.r[i].start : lo, CHUNK);
		paddr_t b = ALIGN_DOWN(mm.free.r[i].end < hi ? mm.free.r[i].end : hi, CHUNK);

		n += b > a ? (b - a) / CHUNK : 0;
	}
	return n;
}

/* The first such chunk's address, or 0. */
static paddr_t first_free_chunk(void)
{
	unsigned i;

	for (i = 0; i < mm.free.n; i++)
		if (ALIGN_UP(mm.free.r[i].start, CHUNK) + CHUNK <= mm.free.r[i].end)
			return ALIGN_UP(mm.free.r[i].start, CHUNK);
	return 0;
}

/*
 * Boot leaves every wholly free chunk unset, on 128 MiB and on 8 GiB (both
 * sides of 4 GiB): counted as free blocks of order 10, yet with no
 * descriptor to hand out, and reported free by meminfo as if set up.
 */
static void test_free_chunks_left_unset(void)
{
	struct meminfo_frame info;
	char why[128];
	paddr_t chunk;

	CHECK_EQ_U64(MAX_ORDER, 11);
	CHECK(read_tree("qemu-virt-128M.dtb"));
	CHECK_EQ_U64(setup(0), ERR_OK);
	CHECK(free_chunks(0, ZONE_DMA32_LIMIT) > 20);
	CHECK_EQ_U64(m.zones[ZONE_DMA32].deferred, free_chunks(0, ZONE_DMA32_LIMIT));
	CHECK(m.zones[ZONE_DMA32].free[10].count >= m.zones[ZONE_DMA32].deferred);
	chunk = first_free_chunk();
	CHECK(chunk != 0);
	CHECK(mem_frame_at(&m, chunk) == NULL);
	CHECK(mem_frame_at(&m, chunk + CHUNK - PAGE_SIZE) == NULL);
	meminfo_frame(&m, chunk + 5 * PAGE_SIZE, &info);
	CHECK_EQ_U64(info.state, MEMINFO_FRAME_FREE);
	CHECK_EQ_U64(info.block, chunk);
	CHECK_EQ_U64(info.order, 10);
	CHECK_EQ_U64(info.zone, ZONE_DMA32);
	CHECK(buddy_check(&m, why, sizeof(why)));
	free_frames();

	CHECK(read_tree("qemu-virt-8G.dtb"));
	CHECK_EQ_U64(setup(0), ERR_OK);
	CHECK_EQ_U64(m.zones[ZONE_DMA32].deferred, free_chunks(0, ZONE_DMA32_LIMIT));
	CHECK_EQ_U64(m.zones[ZONE_NORMAL].deferred, free_chunks(ZONE_DMA32_LIMIT, ~0ull));
	CHECK(m.zones[ZONE_NORMAL].deferred > 1000);
	CHECK(buddy_check(&m, why, sizeof(why)));
	free_frames();
}

/* A chunk holding the DMA limit (zone_dma=6M) is set up at boot, never left unset. */
static void test_chunk_across_zones_set_up(void)
{
	char why[128];

	CHECK(read_tree("qemu-virt-128M.dtb"));
	CHECK_EQ_U64(setup(6 * MiB), ERR_OK);
	CHECK_EQ_U64(m.dma_limit, 0x80600000);
	CHECK(mem_frame_at(&m, 0x80400000) != NULL);
	CHECK(mem_frame_at(&m, 0x807ff000) != NULL);
	CHECK_EQ_U64(mem_frame_at(&m, 0x805ff000)->zone, ZONE_DMA);
	CHECK_EQ_U64(mem_frame_at(&m, 0x80600000)->zone, ZONE_DMA32);
	CHECK_EQ_U64(m.zones[ZONE_DMA].deferred, free_chunks(0, 0x80400000));
	CHECK_EQ_U64(m.zones[ZONE_DMA32].deferred, free_chunks(0x80800000, ZONE_DMA32_LIMIT));
	if (!buddy_check(&m, why, sizeof(why)))
		test_failure_note("%s", why);
	CHECK(buddy_check(&m, why, sizeof(why)));
	CHECK(buddy_alloc(&m, 0, ALLOC_DMA | ALLOC_NOWAIT) != NULL);
	free_frames();
}

/*
 * Every page of the zone, then every page back: each chunk is set up when
 * the lists run dry (poisoned descriptors before), the checker agrees at
 * each step, and in the end the zone is as boot left it, with no chunk
 * unset and the same blocks of order 10.
 */
static void test_chunks_set_up_on_demand(void)
{
	static struct frame *got[32768];
	struct zone *z = &m.zones[ZONE_DMA32];
	uint64_t n = 0, free_before, big_before, i;
	char why[128];
	struct frame *f;

	CHECK(read_tree("qemu-virt-128M.dtb"));
	CHECK_EQ_U64(setup(0), ERR_OK);
	free_before = buddy_zone_free_pages(&m, ZONE_DMA32);
	big_before = z->free[10].count;
	while (n < ARRAY_SIZE(got) && (f = buddy_alloc(&m, n % 3 ? 0 : 1,
						       ALLOC_NOWAIT | (n % 2 ? ALLOC_NOCACHE : 0)))) {
		CHECK_EQ_U64(f->flags, FRAME_ALLOCATED);
		CHECK_EQ_U64(f->zone, ZONE_DMA32);
		got[n++] = f;
		if (n % 1500 == 0 && !buddy_check(&m, why, sizeof(why))) {
			test_failure_note("after %lu allocations: %s", (unsigned long)n, why);
			CHECK(false);
			break;
		}
	}
	CHECK_EQ_U64(z->deferred, 0);
	CHECK(n > 18000);
	CHECK(buddy_check(&m, why, sizeof(why)));
	for (i = 0; i < n; i++)
		buddy_free(&m, got[i], i % 3 ? 0 : 1);
	buddy_drain_caches(&m);
	CHECK_EQ_U64(buddy_zone_free_pages(&m, ZONE_DMA32), free_before);
	CHECK_EQ_U64(z->free[10].count, big_before);
	CHECK_EQ_U64(z->stats.bad_frees, 0);
	if (!buddy_check(&m, why, sizeof(why)))
		test_failure_note("%s", why);
	CHECK(buddy_check(&m, why, sizeof(why)));
	free_frames();
}

/* Giving a chunk that is still unset (free already) again: refused page by page. */
static void test_unset_chunk_given_again_refused(void)
{
	struct zone *z = &m.zones[ZONE_DMA32];
	uint64_t free_before;
	char why[128];
	paddr_t chunk;

	CHECK(read_tree("qemu-virt-128M.dtb"));
	CHECK_EQ_U64(setup(0), ERR_OK);
	chunk = first_free_chunk();
	free_before = z->free_pages;
	buddy_add_range(&m, pa_to_pfn(chunk) + 3, 1000);
	CHECK_EQ_U64(z->stats.bad_frees, 1000);
	CHECK_EQ_U64(z->free_pages, free_before);
	CHECK(buddy_check(&m, why, sizeof(why)));
	free_frames();
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
	RUN(test_free_chunks_left_unset);
	RUN(test_chunk_across_zones_set_up);
	RUN(test_chunks_set_up_on_demand);
	RUN(test_unset_chunk_given_again_refused);
	RUN(test_frame_table_allocation_failure);
	RUN(test_no_room_for_frame_table);
	RUN(test_full_list_split_refused);
	RUN(test_everything_reserved);
	return test_done();
}
