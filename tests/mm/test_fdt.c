/*
 * Tests of the device-tree reader (mm/fdt.c, mm/fdt_read.c, mm/bootinfo.c):
 *   - the real trees in tests/data/dts (QEMU dumps and board trees) yield the
 *     facts listed in that folder's README;
 *   - navigation, address translation, dma-ranges and alias resolution on
 *     the standard built tree of fdt_trees.h.
 * Malformed blobs are tested in test_fdt_malformed.c.
 * Usage: test_fdt <tests/data directory>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdt_trees.h"
#include "mm/bootinfo.h"
#include "test.h"

static struct boot_info bi;

/* ---- trees from files ---------------------------------------------------- */

/* Open and read a file tree; CHECKs that both steps succeed. */
static bool open_file_tree(const char *name, struct fdt *fdt)
{
	size_t n = load_dtb(name);
	struct fdt_diag diag;

	CHECK(n > 0);
	if (!n)
		return false;
	CHECK_EQ_U64(fdt_open(fdt, blob, n, &diag), FDT_OK);
	CHECK_EQ_U64(bootinfo_read(fdt, &bi, &diag), FDT_OK);
	return diag.err == FDT_OK;
}

/* The console node a tree's stdout-path names, with its first reg entry. */
static void check_stdout(const struct fdt *fdt, const char *compatible, uint64_t reg)
{
	fdt_node_t n = fdt_resolve_stdout(fdt, bi.stdout_path);
	uint64_t start = 0, size = 0;

	CHECK(n != FDT_NONE);
	CHECK(fdt_stringlist_contains(fdt, n, "compatible", compatible));
	CHECK_EQ_U64(fdt_reg(fdt, n, 0, &start, &size), FDT_OK);
	CHECK_EQ_U64(start, reg);
}

/* QEMU virt, 128 MiB, as dumped before firmware ran. */
static void test_qemu_virt_128m_dump(void)
{
	struct fdt fdt;

	if (!open_file_tree("qemu-virt-128M.dtb", &fdt))
		return;
	CHECK_EQ_U64(bi.nmemory, 1);
	CHECK_EQ_U64(bi.memory[0].start, 0x80000000);
	CHECK_EQ_U64(bi.memory[0].end, 0x88000000);
	CHECK_EQ_U64(bi.nreserved, 0);
	CHECK_EQ_U64(bi.nharts, 1);
	CHECK_EQ_U64(bi.nusable, 1);
	CHECK_EQ_U64(bi.harts[0].mmu, BOOT_MMU_SV48);
	CHECK(bi.harts[0].sstc);
	CHECK_EQ_U64(bi.timebase_hz, 10000000);
	check_stdout(&fdt, "ns16550a", 0x10000000);
}

/* QEMU 7.2 virt with -initrd of 5000 bytes: /chosen's pair in 32-bit cells. */
static void test_qemu_virt_128m_initrd_dump(void)
{
	struct fdt fdt;

	if (!open_file_tree("qemu-virt-128M-initrd.dtb", &fdt))
		return;
	CHECK(bi.has_initrd);
	CHECK(bi.initrd_error == NULL);
	CHECK_EQ_U64(bi.initrd_start, 0x84200000);
	CHECK_EQ_U64(bi.initrd_end, 0x84200000 + 5000);
	CHECK_EQ_U64(bi.nreserved, 0);  /* QEMU adds no memreserve for it */
}

/* The same tree as OpenSBI 1.1 passes it on: mmode_resv0 without no-map. */
static void test_qemu_virt_128m_received_has_opensbi_reservation(void)
{
	struct fdt fdt;

	if (!open_file_tree("qemu-virt-128M-received.dtb", &fdt))
		return;
	CHECK_EQ_U64(bi.nreserved, 1);
	CHECK_EQ_U64(bi.reserved[0].start, 0x80000000);
	CHECK_EQ_U64(bi.reserved[0].end, 0x80080000);
	CHECK_STR(bi.reserved[0].name, "mmode_resv0@80000000");
	CHECK(!bi.reserved[0].no_map);
	CHECK_STR(bi.bootargs, "x");
	CHECK_STR(bi.stdout_path, "/soc/serial@10000000");
}

/* 8 GiB of RAM crosses 4 GiB: one range up to 0x280000000. */
static void test_qemu_virt_8g_memory_crosses_4g(void)
{
	struct fdt fdt;

	if (!open_file_tree("qemu-virt-8G.dtb", &fdt))
		return;
	CHECK_EQ_U64(bi.nmemory, 1);
	CHECK_EQ_U64(bi.memory[0].start, 0x80000000);
	CHECK_EQ_U64(bi.memory[0].end, 0x280000000);
}

/* sifive_u: hart 0 is the E51 (no mmu-type): two harts, one usable. */
static void test_qemu_sifive_u_skips_e51(void)
{
	struct fdt fdt;

	if (!open_file_tree("qemu-sifive_u.dtb", &fdt))
		return;
	CHECK_EQ_U64(bi.nharts, 2);
	CHECK_EQ_U64(bi.nusable, 1);
	CHECK_EQ_U64(bi.harts[0].hartid, 0);
	CHECK_EQ_U64(bi.harts[0].mmu, BOOT_MMU_NONE);
	CHECK(!bi.harts[0].usable);
	CHECK_EQ_U64(bi.harts[1].hartid, 1);
	CHECK(bi.harts[1].usable);
	CHECK(!bi.harts[1].sstc);
	CHECK_EQ_U64(bi.timebase_hz, 1000000);
	CHECK_EQ_U64(bi.memory[0].end, 0x280000000);
	check_stdout(&fdt, "sifive,uart0", 0x10010000);
}

/* sifive_u as received: OpenSBI disabled hart 0 and reserved its memory. */
static void test_qemu_sifive_u_received_hart0_disabled(void)
{
	struct fdt fdt;

	if (!open_file_tree("qemu-sifive_u-1G-received.dtb", &fdt))
		return;
	CHECK_EQ_U64(bi.nusable, 1);
	CHECK(!bi.harts[0].enabled);
	CHECK_EQ_U64(bi.harts[1].mmu, BOOT_MMU_SV48);
	CHECK_EQ_U64(bi.memory[0].end, 0xc0000000);
	CHECK_EQ_U64(bi.nreserved, 1);
	CHECK_EQ_U64(bi.reserved[0].end, 0x80080000);
}

/*
 * VisionFive 2: S7 disabled, four Sv39 U74s, 4 MHz timebase, console by
 * alias to a dw-apb-uart with reg-shift 2, a CMA pool sized but not placed.
 */
static void test_visionfive2(void)
{
	struct fdt fdt;
	fdt_node_t uart;
	uint32_t shift = 0;
	bool found;
	unsigned i;

	if (!open_file_tree("visionfive2-v1.3b.dtb", &fdt))
		return;
	CHECK_EQ_U64(bi.memory[0].start, 0x40000000);
	CHECK_EQ_U64(bi.nharts, 5);
	CHECK_EQ_U64(bi.nusable, 4);
	CHECK(!bi.harts[0].enabled);
	for (i = 1; i < 5; i++) {
		CHECK_EQ_U64(bi.harts[i].hartid, i);
		CHECK_EQ_U64(bi.harts[i].mmu, BOOT_MMU_SV39);
		CHECK(!bi.harts[i].sstc);
	}
	CHECK_EQ_U64(bi.timebase_hz, 4000000);
	CHECK_EQ_U64(bi.ndynamic, 1);
	CHECK_STR(bi.stdout_path, "serial0:115200n8");
	check_stdout(&fdt, "snps,dw-apb-uart", 0x10000000);
	uart = fdt_resolve_stdout(&fdt, bi.stdout_path);
	CHECK_EQ_U64(fdt_read_u32(&fdt, uart, "reg-shift", &shift, &found), FDT_OK);
	CHECK(found);
	CHECK_EQ_U64(shift, 2);
}

/* Depth first by children and siblings (the reference): the nodes in order. */
static unsigned reference_walk(const struct fdt *fdt, fdt_node_t n, fdt_node_t *out,
			       unsigned at, unsigned max)
{
	fdt_node_t c;

	if (at < max)
		out[at] = n;
	at++;
	for (c = fdt_first_child(fdt, n); c != FDT_NONE; c = fdt_next_sibling(fdt, c))
		at = reference_walk(fdt, c, out, at, max);
	return at;
}

/* fdt_next_node, one step over the tokens at a time, visits every node of
 * every file tree in the order the children-and-siblings walk does, and
 * ends after the last. */
static void test_next_node_walks_every_tree(void)
{
	static const char *const trees[] = {
		"qemu-virt-128M.dtb", "qemu-virt-128M-initrd.dtb", "qemu-virt-8G.dtb",
		"qemu-sifive_u.dtb", "qemu-sifive_u-1G-received.dtb", "visionfive2-v1.3b.dtb",
	};
	static fdt_node_t want[4096];
	struct fdt_diag diag;
	struct fdt fdt;
	unsigned t, count, i, wrong;
	fdt_node_t n;

	for (t = 0; t < sizeof(trees) / sizeof(trees[0]); t++) {
		size_t size = load_dtb(trees[t]);

		CHECK(size > 0 && fdt_open(&fdt, blob, size, &diag) == FDT_OK);
		if (!size || diag.err)
			continue;
		count = reference_walk(&fdt, fdt_root(&fdt), want, 0, 4096);
		CHECK(count > 10 && count <= 4096);
		wrong = 0;
		for (i = 0, n = fdt_root(&fdt); n != FDT_NONE && i < count; i++, n = fdt_next_node(&fdt, n))
			wrong += n != want[i];
		CHECK_EQ_U64(wrong, 0);
		CHECK_EQ_U64(i, count);
		CHECK_EQ_U64(n, FDT_NONE);
	}
}

/* ---- built trees --------------------------------------------------------- */

/* The standard tree reads back as built. */
static void test_built_tree_reads_back(void)
{
	struct tree_opts o = { 0 };
	size_t n = build_tree(&o);
	struct fdt fdt;
	fdt_node_t uart;
	uint64_t start = 0, size = 0;

	CHECK_EQ_U64(fdt_open(&fdt, blob, n, NULL), FDT_OK);
	CHECK_EQ_U64(bootinfo_read(&fdt, &bi, NULL), FDT_OK);
	CHECK_EQ_U64(bi.nmemory, 1);
	CHECK_EQ_U64(bi.memory[0].end, 0x80800000);
	CHECK_EQ_U64(bi.nreserved, 2);
	CHECK_STR(bi.reserved[0].name, "firmware@80000000");
	CHECK(bi.reserved[0].no_map);
	CHECK_STR(bi.reserved[1].name, "memreserve");
	CHECK_EQ_U64(bi.reserved[1].start, 0x87000000);
	CHECK_EQ_U64(bi.ndynamic, 1);
	CHECK_STR(bi.bootargs, "selftest paging=sv39");
	CHECK_EQ_U64(fdt.rsvmap_count, 1);
	uart = fdt_resolve_stdout(&fdt, bi.stdout_path);
	CHECK(uart != FDT_NONE);
	/* child address 0x100 through soc ranges (0x0 -> 0x10000000) */
	CHECK_EQ_U64(fdt_reg(&fdt, uart, 0, &start, &size), FDT_OK);
	CHECK_EQ_U64(start, 0x10000100);
	CHECK_EQ_U64(size, 0x100);
	CHECK_EQ_U64(fdt_reg(&fdt, uart, 1, &start, &size), FDT_ERR_REG_LENGTH);
}

/* Paths, unit-address matching, parents and siblings. */
static void test_navigation(void)
{
	struct tree_opts o = { 0 };
	size_t n = build_tree(&o);
	struct fdt fdt;
	fdt_node_t root, mem, cpus, cpu, soc;

	CHECK_EQ_U64(fdt_open(&fdt, blob, n, NULL), FDT_OK);
	root = fdt_root(&fdt);
	mem = fdt_path(&fdt, "/memory");
	CHECK(mem != FDT_NONE);
	CHECK_STR(fdt_node_name(&fdt, mem), "memory@80000000");
	CHECK_EQ_U64(fdt_path(&fdt, "/memory@80000000"), mem);
	CHECK_EQ_U64(fdt_path(&fdt, "/memory@90000000"), FDT_NONE);
	CHECK_EQ_U64(fdt_path(&fdt, "/mem"), FDT_NONE);
	CHECK_EQ_U64(fdt_path(&fdt, "memory"), FDT_NONE);
	CHECK_EQ_U64(fdt_path(&fdt, "/"), root);
	CHECK_EQ_U64(fdt_parent(&fdt, mem), root);
	CHECK_EQ_U64(fdt_parent(&fdt, root), FDT_NONE);
	cpus = fdt_path(&fdt, "/cpus");
	cpu = fdt_path(&fdt, "/cpus/cpu@0");
	CHECK_EQ_U64(fdt_first_child(&fdt, cpus), cpu);
	CHECK_EQ_U64(fdt_parent(&fdt, cpu), cpus);
	CHECK_EQ_U64(fdt_next_sibling(&fdt, cpu), FDT_NONE);
	soc = fdt_path(&fdt, "/soc");
	CHECK_EQ_U64(fdt_next_sibling(&fdt, cpus), soc);
	CHECK(fdt_stringlist_contains(&fdt, fdt_path(&fdt, "/soc/serial@100"),
				      "compatible", "ns16550a"));
	CHECK(!fdt_stringlist_contains(&fdt, fdt_path(&fdt, "/soc/serial@100"),
				       "compatible", "ns16550"));
	CHECK(fdt_node_enabled(&fdt, cpu));
}

/* No /memory (RAM left to the bootloader) is not malformed: all else is read. */
static void test_no_memory_node_read_with_no_ranges(void)
{
	struct tree_opts o = { .no_memory = true };
	size_t n = build_tree(&o);
	struct fdt fdt;
	struct fdt_diag diag;

	CHECK_EQ_U64(fdt_open(&fdt, blob, n, NULL), FDT_OK);
	CHECK_EQ_U64(bootinfo_read(&fdt, &bi, &diag), FDT_OK);
	CHECK_EQ_U64(bi.nmemory, 0);
	CHECK_EQ_U64(bi.nharts, 1);
	CHECK(bi.timebase_hz != 0);
}

/* Why a hart is not used, in the tree's words; a long mmu-type is cut with "...". */
static void test_hart_unusable_reasons(void)
{
	struct boot_hart h = { .enabled = true, .usable = true, .mmu = BOOT_MMU_SV39,
			       .mmu_type = "riscv,sv39" };
	char why[32];

	CHECK(boot_hart_unusable(&h, why, sizeof(why)) == NULL);
	h = (struct boot_hart){ .enabled = false, .mmu = BOOT_MMU_SV39, .mmu_type = "riscv,sv39" };
	CHECK_STR(boot_hart_unusable(&h, why, sizeof(why)), "disabled");
	h = (struct boot_hart){ .enabled = true };
	CHECK_STR(boot_hart_unusable(&h, why, sizeof(why)), "no mmu-type");
	h.mmu_type = "riscv,none";
	CHECK_STR(boot_hart_unusable(&h, why, sizeof(why)), "mmu-type riscv,none");
	/* 22 bytes of mmu-type fit after "mmu-type " in 32; 36 do not: 19 and "..." */
	h.mmu_type = "riscv,exactly-22-bytes";
	CHECK_STR(boot_hart_unusable(&h, why, sizeof(why)), "mmu-type riscv,exactly-22-bytes");
	h.mmu_type = "riscv,a-very-long-mmu-type-name-here";
	CHECK_STR(boot_hart_unusable(&h, why, sizeof(why)), "mmu-type riscv,a-very-long-m...");
}

/* A node is named by its full path; one too long for the buffer ends in "...". */
static void test_node_path_names_node(void)
{
	struct tree_opts o = { 0 };
	size_t n = build_tree(&o);
	struct fdt fdt;
	char path[FDT_MAX_NAME], small[12];

	CHECK_EQ_U64(fdt_open(&fdt, blob, n, NULL), FDT_OK);
	CHECK_STR(fdt_node_path(&fdt, fdt_root(&fdt), path, sizeof(path)), "/");
	CHECK_STR(fdt_node_path(&fdt, fdt_path(&fdt, "/cpus/cpu"), path, sizeof(path)),
		  "/cpus/cpu@0");
	CHECK_STR(fdt_node_path(&fdt, fdt_path(&fdt, "/soc/serial"), path, sizeof(path)),
		  "/soc/serial@100");
	/* 12 bytes hold "/soc/" but not "serial@100" after it: cut, and said so */
	CHECK_STR(fdt_node_path(&fdt, fdt_path(&fdt, "/soc/serial"), small, sizeof(small)),
		  "/soc/...");
}

/* Version-16 blobs have no size_dt_struct; the walk still finds the end. */
static void test_version_16_accepted(void)
{
	struct tree_opts o = { 0 };
	size_t n = build_tree(&o);
	struct fdt fdt;

	fb_put_be32(blob + FB_HDR_VERSION, 16);
	fb_put_be32(blob + FB_HDR_SIZE_STRUCT, 0);
	CHECK_EQ_U64(fdt_open(&fdt, blob, n, NULL), FDT_OK);
	CHECK_EQ_U64(bootinfo_read(&fdt, &bi, NULL), FDT_OK);
}

/* ---- translation, aliases and dma-ranges --------------------------------- */

/* A stdout-path too long for the kernel's buffer names nothing (no cut path). */
static void test_overlong_stdout_path(void)
{
	struct tree_opts o = { 0 };
	char path[FDT_MAX_NAME + 20];
	size_t n = build_tree(&o);
	struct fdt fdt;

	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	CHECK_EQ_U64(fdt_open(&fdt, blob, n, NULL), FDT_OK);
	CHECK_EQ_U64(fdt_resolve_stdout(&fdt, path), FDT_NONE);
	CHECK(fdt_resolve_stdout(&fdt, "/soc/serial@100:115200") != FDT_NONE);
}

/* A bus whose ranges do not cover a device cannot translate its reg. */
static void test_reg_outside_bus_ranges(void)
{
	struct tree_opts o = { .soc_ranges_miss = true };
	size_t n = build_tree(&o);
	struct fdt fdt;
	uint64_t start, size;

	CHECK_EQ_U64(fdt_open(&fdt, blob, n, NULL), FDT_OK);
	CHECK_EQ_U64(fdt_reg(&fdt, fdt_path(&fdt, "/soc/serial@100"), 0, &start, &size),
		     FDT_ERR_BAD_RANGES);
}

/* A memory range past 2^64 is kept up to the last address, for the map to clip. */
static void test_memory_range_wrapping_is_saturated(void)
{
	struct tree_opts o = { .memory_wraps = true };
	size_t n = build_tree(&o);
	struct fdt fdt;

	CHECK_EQ_U64(fdt_open(&fdt, blob, n, NULL), FDT_OK);
	CHECK_EQ_U64(bootinfo_read(&fdt, &bi, NULL), FDT_OK);
	CHECK_EQ_U64(bi.memory[0].start, 0xfffffffffffff000ull);
	CHECK_EQ_U64(bi.memory[0].end, UINT64_MAX);
}

/* dma-ranges on a bus gives the CPU address below which its devices reach. */
static void test_dma_ranges_limit(void)
{
	struct tree_opts o = { .soc_dma = DMA_16M };
	size_t n = build_tree(&o);
	struct fdt fdt;

	CHECK_EQ_U64(fdt_open(&fdt, blob, n, NULL), FDT_OK);
	CHECK_EQ_U64(bootinfo_read(&fdt, &bi, NULL), FDT_OK);
	CHECK_EQ_U64(bi.dma_limit, 0x81000000);
	CHECK_STR(bi.dma_limit_node, "soc");
}

/* An empty dma-ranges (identity) and none at all limit nothing. */
static void test_dma_ranges_empty_means_no_limit(void)
{
	struct tree_opts empty = { .soc_dma = DMA_EMPTY }, none = { 0 };
	struct fdt fdt;
	size_t n = build_tree(&empty);

	CHECK_EQ_U64(fdt_open(&fdt, blob, n, NULL), FDT_OK);
	CHECK_EQ_U64(bootinfo_read(&fdt, &bi, NULL), FDT_OK);
	CHECK_EQ_U64(bi.dma_limit, 0);
	n = build_tree(&none);
	CHECK_EQ_U64(fdt_open(&fdt, blob, n, NULL), FDT_OK);
	CHECK_EQ_U64(bootinfo_read(&fdt, &bi, NULL), FDT_OK);
	CHECK_EQ_U64(bi.dma_limit, 0);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		data_dir = argv[1];
	RUN(test_qemu_virt_128m_dump);
	RUN(test_qemu_virt_128m_initrd_dump);
	RUN(test_qemu_virt_128m_received_has_opensbi_reservation);
	RUN(test_qemu_virt_8g_memory_crosses_4g);
	RUN(test_qemu_sifive_u_skips_e51);
	RUN(test_qemu_sifive_u_received_hart0_disabled);
	RUN(test_visionfive2);
	RUN(test_next_node_walks_every_tree);
	RUN(test_built_tree_reads_back);
	RUN(test_navigation);
	RUN(test_node_path_names_node);
	RUN(test_hart_unusable_reasons);
	RUN(test_no_memory_node_read_with_no_ranges);
	RUN(test_version_16_accepted);
	RUN(test_reg_outside_bus_ranges);
	RUN(test_overlong_stdout_path);
	RUN(test_dma_ranges_limit);
	RUN(test_memory_range_wrapping_is_saturated);
	RUN(test_dma_ranges_empty_means_no_limit);
	return test_done();
}
