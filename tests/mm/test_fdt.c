/*
 * Tests of the device-tree reader (mm/fdt.c, mm/fdt_read.c, mm/bootinfo.c):
 *   - the real trees in tests/data/dts (QEMU dumps and board trees) yield the
 *     facts listed in that folder's README;
 *   - a table of malformed blobs, each rejected with its own error code;
 *   - navigation, address translation and alias resolution on built trees.
 * Usage: test_fdt <tests/data directory>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdt_builder.h"
#include "mm/bootinfo.h"
#include "test.h"

#define BLOB_MAX (512 * 1024)

static const char *data_dir = "tests/data";
static struct fdt_builder fb;
static uint8_t blob[BLOB_MAX] __attribute__((aligned(8)));
static struct boot_info bi;

/* ---- trees from files ---------------------------------------------------- */

/* Read tests/data/dts/<name> into blob; returns its size (0 on failure). */
static size_t load_dtb(const char *name)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/dts/%s", data_dir, name);
	f = fopen(path, "rb");
	if (!f) {
		printf("#   cannot open %s\n", path);
		return 0;
	}
	n = fread(blob, 1, sizeof(blob), f);
	fclose(f);
	return n;
}

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

/* ---- built trees --------------------------------------------------------- */

/* Knobs for the standard test tree; zero values mean "as normal". */
struct tree_opts {
	uint32_t root_address_cells;   /* 0: 2 */
	bool memory_reg_short;         /* reg of 12 bytes */
	bool memory_wraps;
	bool no_memory;
	unsigned memory_ranges;        /* 0: 1 */
	bool no_cpus;
	unsigned ncpus;                /* 0: 1 */
	bool cpu_without_reg;
	bool no_timebase;
	bool timebase_3_bytes;
	bool bootargs_unterminated;
	bool soc_ranges_miss;          /* soc ranges do not cover the uart */
	enum { DMA_NONE, DMA_16M, DMA_EMPTY, DMA_MALFORMED, DMA_WRAPS } soc_dma;
};

static void cpu_node(unsigned id, const struct tree_opts *o)
{
	char name[32];

	snprintf(name, sizeof(name), "cpu@%u", id);
	fb_begin(&fb, name);
	fb_prop_str(&fb, "device_type", "cpu");
	if (!o->cpu_without_reg)
		fb_prop_u32(&fb, "reg", id);
	fb_prop_str(&fb, "status", "okay");
	fb_prop_str(&fb, "mmu-type", "riscv,sv48");
	fb_prop_str(&fb, "riscv,isa", "rv64imafdc_zicsr_sstc");
	fb_end(&fb);
}

static void memory_node(const struct tree_opts *o)
{
	uint32_t reg[4 * 40];
	unsigned i, n = o->memory_ranges ? o->memory_ranges : 1;

	for (i = 0; i < n; i++) {
		reg[4 * i] = 0;
		reg[4 * i + 1] = 0x80000000u + i * 0x1000000u;
		reg[4 * i + 2] = 0;
		reg[4 * i + 3] = 0x800000;
	}
	if (o->memory_wraps) {
		reg[0] = 0xffffffff;
		reg[1] = 0xfffff000;
		reg[3] = 0x2000;
	}
	fb_begin(&fb, "memory@80000000");
	fb_prop_str(&fb, "device_type", "memory");
	if (o->memory_reg_short)
		fb_prop_cells(&fb, "reg", reg, 3);
	else
		fb_prop_cells(&fb, "reg", reg, 4 * n);
	fb_end(&fb);
}

static void chosen_node(const struct tree_opts *o)
{
	fb_begin(&fb, "chosen");
	if (o->bootargs_unterminated)
		fb_prop(&fb, "bootargs", "selftest", 8);
	else
		fb_prop_str(&fb, "bootargs", "selftest paging=sv39");
	fb_prop_str(&fb, "stdout-path", "serial0:115200n8");
	fb_end(&fb);
}

static void reserved_node(void)
{
	static const uint32_t fw[] = { 0, 0x80000000, 0, 0x80000 };
	static const uint32_t pool_size[] = { 0, 0x1000000 };

	fb_begin(&fb, "reserved-memory");
	fb_prop_u32(&fb, "#address-cells", 2);
	fb_prop_u32(&fb, "#size-cells", 2);
	fb_prop_empty(&fb, "ranges");
	fb_begin(&fb, "firmware@80000000");
	fb_prop_cells(&fb, "reg", fw, 4);
	fb_prop_empty(&fb, "no-map");
	fb_end(&fb);
	fb_begin(&fb, "pool");
	fb_prop_cells(&fb, "size", pool_size, 2);
	fb_end(&fb);
	fb_end(&fb);
}

static void cpus_node(const struct tree_opts *o)
{
	static const uint8_t three[3] = { 1, 2, 3 };
	unsigned i, n = o->ncpus ? o->ncpus : 1;

	fb_begin(&fb, "cpus");
	fb_prop_u32(&fb, "#address-cells", 1);
	fb_prop_u32(&fb, "#size-cells", 0);
	if (o->timebase_3_bytes)
		fb_prop(&fb, "timebase-frequency", three, 3);
	else if (!o->no_timebase)
		fb_prop_u32(&fb, "timebase-frequency", 10000000);
	for (i = 0; i < n; i++)
		cpu_node(i, o);
	fb_end(&fb);
}

/* The soc bus's dma-ranges: bus address 0 is CPU 0x80000000, for 16 MiB. */
static void soc_dma_ranges(const struct tree_opts *o)
{
	static const uint32_t first_16m[] = { 0x0, 0x0, 0x80000000, 0x1000000 };
	static const uint32_t wraps[] = { 0x0, 0xffffffff, 0xfffff000, 0x2000 };

	if (o->soc_dma == DMA_16M)
		fb_prop_cells(&fb, "dma-ranges", first_16m, 4);
	else if (o->soc_dma == DMA_EMPTY)
		fb_prop_empty(&fb, "dma-ranges");
	else if (o->soc_dma == DMA_MALFORMED)
		fb_prop_cells(&fb, "dma-ranges", first_16m, 3);
	else if (o->soc_dma == DMA_WRAPS)
		fb_prop_cells(&fb, "dma-ranges", wraps, 4);
}

/* A bus at 0x0 mapping child addresses 0x0-0x1000000 to 0x10000000. */
static void soc_node(const struct tree_opts *o)
{
	static const uint32_t ranges[] = { 0x0, 0x0, 0x10000000, 0x1000000 };
	static const uint32_t missing[] = { 0x10000, 0x0, 0x20000000, 0x1000 };
	static const uint32_t uart_reg[] = { 0x100, 0x100 };

	fb_begin(&fb, "soc");
	fb_prop_u32(&fb, "#address-cells", 1);
	fb_prop_u32(&fb, "#size-cells", 1);
	fb_prop_cells(&fb, "ranges", o->soc_ranges_miss ? missing : ranges, 4);
	soc_dma_ranges(o);
	fb_begin(&fb, "serial@100");
	fb_prop(&fb, "compatible", "vendor,uart\0ns16550a", sizeof("vendor,uart\0ns16550a"));
	fb_prop_cells(&fb, "reg", uart_reg, 2);
	fb_end(&fb);
	fb_end(&fb);
}

/* Build the standard tree with `o` into blob; returns its size. */
static size_t build_tree(const struct tree_opts *o)
{
	fb_init(&fb);
	fb_memreserve(&fb, 0x87000000, 0x1000);
	fb_begin(&fb, "");
	fb_prop_u32(&fb, "#address-cells", o->root_address_cells ? o->root_address_cells : 2);
	fb_prop_u32(&fb, "#size-cells", 2);
	fb_begin(&fb, "aliases");
	fb_prop_str(&fb, "serial0", "/soc/serial@100");
	fb_end(&fb);
	chosen_node(o);
	if (!o->no_memory)
		memory_node(o);
	reserved_node();
	if (!o->no_cpus)
		cpus_node(o);
	soc_node(o);
	fb_end(&fb);
	fb_token(&fb, FDT_TOKEN_END);
	return fb_finish(&fb, blob, sizeof(blob));
}

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

static size_t std_tree(void)
{
	struct tree_opts o = { 0 };

	return build_tree(&o);
}

static size_t patch32(unsigned off, uint32_t v)
{
	size_t n = std_tree();

	fb_put_be32(blob + off, v);
	return n;
}

/* Finish a hand-written structure block. */
static size_t finish(void)
{
	return fb_finish(&fb, blob, sizeof(blob));
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
CONTENT_CASE(bad_no_memory, .no_memory = true)
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
	{ "no_memory_node", bad_no_memory, FDT_ERR_NO_MEMORY },
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
			printf("#   %s: got \"%s\", want \"%s\"\n", bad_cases[i].name,
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
	RUN(test_qemu_virt_128m_dump);
	RUN(test_qemu_virt_128m_received_has_opensbi_reservation);
	RUN(test_qemu_virt_8g_memory_crosses_4g);
	RUN(test_qemu_sifive_u_skips_e51);
	RUN(test_qemu_sifive_u_received_hart0_disabled);
	RUN(test_visionfive2);
	RUN(test_built_tree_reads_back);
	RUN(test_navigation);
	RUN(test_version_16_accepted);
	RUN(test_malformed_blobs_each_rejected_with_own_reason);
	RUN(test_blob_over_2mib_refused);
	RUN(test_null_blob);
	RUN(test_misaligned_blob);
	RUN(test_reg_outside_bus_ranges);
	RUN(test_slash_in_node_name_refused);
	RUN(test_overlong_stdout_path);
	RUN(test_dma_ranges_limit);
	RUN(test_memory_range_wrapping_is_saturated);
	RUN(test_dma_ranges_empty_means_no_limit);
	RUN(test_error_messages_distinct);
	RUN(test_every_truncation_of_a_real_tree_is_safe);
	return test_done();
}
