/*
 * tessera-mm: run Tessera's own mm/ code on any device tree, on the host,
 * and print what the kernel would see at boot, in the boot report's format:
 * the tree's facts, the boot memory map's notes, the zones, the frame-table
 * cost and the buddy free lists after set-up.  The frame table lives in host
 * memory, but is reserved in the memory map exactly where the kernel puts it,
 * so the free counts are the kernel's.
 *
 *   tessera-mm board.dtb [--bootargs "..."] [--hart N]
 *
 * This is how to see what a board's memory looks like to Tessera without the
 * board.  Exit status: 0 on success, 1 for a malformed tree, 2 for bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cmdline.h"
#include "arch/riscv/layout.h"
#include "mm/boot_mem.h"

static const char usage[] =
	"usage: tessera-mm BOARD.dtb [--bootargs \"...\"] [--hart N]\n"
	"  Reads the device tree as Tessera's kernel does and prints the boot\n"
	"  report lines: paging, harts, timebase, memory, reserved, zone, frames,\n"
	"  and the buddy free lists (buddyinfo: free blocks of order 0, 1, ...).\n"
	"  --bootargs  use this kernel command line instead of /chosen/bootargs\n"
	"              (paging=sv39, zone_dma=16M, ...)\n"
	"  --hart N    the boot hart (default: the first usable hart)\n";

struct options {
	const char *path;
	const char *bootargs;
	long hart;
};

static int parse_options(int argc, char **argv, struct options *o)
{
	int i;

	*o = (struct options){ .hart = -1 };
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--bootargs") == 0 && i + 1 < argc) {
			o->bootargs = argv[++i];
		} else if (strcmp(argv[i], "--hart") == 0 && i + 1 < argc) {
			o->hart = strtol(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			exit(0);
		} else if (argv[i][0] != '-' && !o->path) {
			o->path = argv[i];
		} else {
			fprintf(stderr, "tessera-mm: unexpected argument '%s'\n%s", argv[i], usage);
			return -1;
		}
	}
	if (!o->path) {
		fputs(usage, stderr);
		return -1;
	}
	return 0;
}

/* Read a whole file; NULL with a message on failure. */
static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;

	if (!f) {
		fprintf(stderr, "tessera-mm: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc(len ? (size_t)len : 1);
		if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
			free(buf);
			buf = NULL;
		}
		*size = (size_t)len;
	}
	if (!buf)
		fprintf(stderr, "tessera-mm: %s: cannot read\n", path);
	fclose(f);
	return buf;
}

static void warn_word(void *arg, const char *word, size_t len, const char *why)
{
	(void)arg;
	printf("cmdline: ignoring '%.*s': %s\n", (int)len, word, why);
}

/* The paging mode the kernel would try: the hart's mmu-type, capped by paging=. */
static const char *paging_mode(const struct boot_hart *h, const struct cmdline *c)
{
	bool sv39 = h->mmu == BOOT_MMU_SV39 || h->mmu == BOOT_MMU_NONE || c->max_levels == 3;

	return sv39 ? "sv39" : "sv48";
}

static void print_line(void *arg, const char *line)
{
	(void)arg;
	printf("%s\n", line);
}

static struct frame *host_frames(void *arg, paddr_t pa, uint64_t count)
{
	(void)arg;
	(void)pa;
	return calloc(count, sizeof(struct frame));
}

static unsigned host_hart(void)
{
	return 0;
}

/* The kernel's memory set-up on the host: zones, frames, buddyinfo. */
static int report_memory(const struct boot_info *bi, const struct cmdline *c)
{
	static struct mem m;
	static struct memmap mm;
	const struct mem_setup setup = {
		.limit = DIRECT_MAP_SIZE, .zone_dma_size = c->zone_dma_size, .nharts = 1,
		.this_hart = host_hart, .frames_at = host_frames, .log = print_line,
	};
	err_t err = mem_boot(&m, &mm, bi, &setup);
	unsigned i;

	if (err) {
		fprintf(stderr, "tessera-mm: cannot set up memory: %s\n", err_name(err));
		return 1;
	}
	mem_report(&m, print_line, NULL);
	mem_report_buddyinfo(&m, print_line, NULL);
	for (i = 0; i < m.nblocks; i++)
		free(m.blocks[i].frames);
	return 0;
}

/* The boot hart: the one asked for, else the first usable one. */
static const struct boot_hart *pick_hart(const struct boot_info *bi, long want)
{
	uint32_t i;

	if (want >= 0)
		return bootinfo_hart(bi, (uint64_t)want);
	for (i = 0; i < bi->nharts; i++)
		if (bi->harts[i].usable)
			return &bi->harts[i];
	return NULL;
}

int main(int argc, char **argv)
{
	static struct boot_info bi;
	struct options o;
	struct fdt fdt;
	struct fdt_diag diag;
	struct cmdline cmdline;
	const struct boot_hart *hart;
	enum fdt_error err;
	uint8_t *blob;
	size_t size = 0;
	int status;

	if (parse_options(argc, argv, &o))
		return 2;
	blob = read_file(o.path, &size);
	if (!blob)
		return 1;
	err = fdt_open(&fdt, blob, size, &diag);
	if (!err)
		err = bootinfo_read(&fdt, &bi, &diag);
	if (err) {
		fprintf(stderr, "tessera-mm: %s: bad device tree: %s (at byte 0x%x)\n", o.path,
			fdt_strerror(err), diag.offset);
		free(blob);
		return 1;
	}
	if (o.bootargs)
		bi.bootargs = o.bootargs;
	cmdline_parse(bi.bootargs, &cmdline, warn_word, NULL);
	hart = pick_hart(&bi, o.hart);
	if (!hart || !hart->usable) {
		fprintf(stderr, "tessera-mm: %s: no usable boot hart%s\n", o.path,
			o.hart >= 0 ? " with that id" : "");
		free(blob);
		return 1;
	}
	printf("paging: %s\n", paging_mode(hart, &cmdline));
	bootinfo_report(&bi, hart->hartid, print_line, NULL);
	status = report_memory(&bi, &cmdline);
	free(blob);
	return status;
}
