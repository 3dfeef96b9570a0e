/*
 * The device trees of the fdt tests (see fdt_trees.h).  The standard tree:
 * a root with 2 address and size cells, an alias serial0, /chosen with
 * bootargs and stdout-path, one memory node at 0x80000000, a
 * reserved-memory node (a no-map firmware region and a pool sized but not
 * placed), one cpu per requested hart under /cpus, and a soc bus whose
 * ranges map its uart at child address 0x100 to 0x10000100; plus one
 * /memreserve/ entry.
 */
#include <stdio.h>
#include <string.h>

#include "fdt_trees.h"
#include "mm/fdt.h"

const char *data_dir = "tests/data";
struct fdt_builder fb;
uint8_t blob[BLOB_MAX] __attribute__((aligned(8)));

/* ---- trees from files ---------------------------------------------------- */

/* Read tests/data/dts/<name> into blob; returns its size (0 on failure). */
size_t load_dtb(const char *name)
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

/* ---- built trees --------------------------------------------------------- */

/* /cpus/cpu@<id>: an enabled Sv48 hart with Sstc, reg = id unless o says not. */
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

/* /memory@80000000: 8 MiB ranges 16 MiB apart, as many as o asks (or broken as o says). */
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

/* A /chosen address property of `bytes` bytes (4 or 8: the address; else zeros). */
static void address_prop(const char *name, unsigned bytes, uint64_t v)
{
	uint8_t value[16] = { 0 };

	if (!bytes)
		return;
	if (bytes == 4)
		fb_put_be32(value, (uint32_t)v);
	else if (bytes == 8)
		fb_put_be64(value, v);
	fb_prop(&fb, name, value, bytes);
}

/* /chosen: bootargs and a stdout-path through the serial0 alias. */
static void chosen_node(const struct tree_opts *o)
{
	fb_begin(&fb, "chosen");
	if (o->bootargs_unterminated)
		fb_prop(&fb, "bootargs", "selftest", 8);
	else
		fb_prop_str(&fb, "bootargs", "selftest paging=sv39");
	fb_prop_str(&fb, "stdout-path", "serial0:115200n8");
	address_prop("linux,initrd-start", o->initrd_start_bytes, o->initrd_start);
	address_prop("linux,initrd-end", o->initrd_end_bytes, o->initrd_end);
	fb_end(&fb);
}

/* /reserved-memory: 512 KiB of no-map firmware and a 16 MiB pool with no place. */
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

/* /cpus: a 10 MHz timebase (or none, or a 3-byte one) and the cpu nodes. */
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
size_t build_tree(const struct tree_opts *o)
{
	fb_init(&fb);
	fb_memreserve(&fb, 0x87000000, 0x1000);
	if (o->initrd_rsv_end > o->initrd_rsv_start)
		fb_memreserve(&fb, o->initrd_rsv_start, o->initrd_rsv_end - o->initrd_rsv_start);
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

/* The standard tree with no knob turned. */
size_t std_tree(void)
{
	struct tree_opts o = { 0 };

	return build_tree(&o);
}

/* Finish a hand-written structure block. */
size_t finish(void)
{
	return fb_finish(&fb, blob, sizeof(blob));
}
