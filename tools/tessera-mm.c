/*
 * tessera-mm: run Tessera's own mm/ code on any device tree, on the host,
 * and print what the kernel would see at boot, in the boot report's format:
 * the tree's facts, the boot memory map's notes, the zones, the frame-table
 * cost and the buddy free lists after set-up.  The frame table lives in host
 * memory, but is reserved in the memory map exactly where the kernel puts it,
 * so the free counts are the kernel's.
 *
 *   tessera-mm board.dtb [--bootargs "..."] [--hart N] [--memory BASE:SIZE]...
 *              [--initrd START:SIZE]
 *
 * This is how to see what a board's memory looks like to Tessera without the
 * board.  Exit status: 0 when the kernel could boot on the tree, 1 for a
 * malformed tree, 2 for bad usage, 3 for a sound tree the kernel cannot boot
 * on (no usable hart or no usable RAM; the report is printed all the same).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cmdline.h"
#include "mm/boot_mem.h"
#include "mm_json.h"
#include "mm_page.h"

/* Where the report goes: stdout, or a buffer for --html (then stdout too). */
static FILE *report;

static const char usage[] =
	"usage: tessera-mm BOARD.dtb [--bootargs \"...\"] [--hart N] [--memory BASE:SIZE]...\n"
	"                  [--initrd START:SIZE] [--html OUT.html] [--svg OUT.svg] [--text]\n"
	"       tessera-mm [--html OUT.html] [--svg OUT.svg] [--text] LOG\n"
	"  Reads the device tree as Tessera's kernel does and prints the boot\n"
	"  report lines: paging, harts, timebase, memory, reserved, zone, frames,\n"
	"  and the buddy free lists (buddyinfo: free blocks of order 0, 1, ...);\n"
	"  stdout: the node /chosen/stdout-path names.\n"
	"  --bootargs  use this kernel command line instead of /chosen/bootargs\n"
	"              (paging=sv39, zone_dma=16M, ...)\n"
	"  --hart N    the boot hart (default: the first usable hart)\n"
	"  --memory BASE:SIZE\n"
	"              RAM as a bootloader puts it in the tree it passes on\n"
	"              (U-Boot writes /memory): these ranges replace the tree's\n"
	"              /memory; repeat for more banks.  SIZE takes K, M, G, T\n"
	"              (--memory 0x80000000:2G)\n"
	"  --initrd START:SIZE\n"
	"              an initrd where a bootloader puts one (/chosen\n"
	"              linux,initrd-start and -end): replaces the tree's; checked\n"
	"              and reserved as the kernel does (--initrd 0x84200000:5000)\n"
	"  --html OUT.html\n"
	"              also draw it: one self-contained page (the memory map to\n"
	"              scale, zones, reserved ranges, the buddy's free lists).\n"
	"              LOG instead of a tree: a console log of tools/boot; with\n"
	"              a snapshot in it (the shell's snapshot command) the page\n"
	"              shows slabs, tasks, their regions and page tables, and\n"
	"              the faults traced (docs/snapshot.md)\n"
	"  --svg OUT.svg\n"
	"              the physical memory map alone, as SVG\n"
	"  --text      what the pictures show, in lines, after the report\n"
	"  Exit status: 0 the kernel could boot on this tree; 1 malformed tree;\n"
	"  2 bad usage; 3 sound tree the kernel cannot boot on (no usable hart\n"
	"  or RAM: the report says why).\n";

#define MAX_MEMORY_OPTIONS BOOT_MAX_MEMORY

struct options {
	const char *path;
	const char *html, *svg;       /* pictures' files, or NULL */
	bool text;                    /* the pictures in words, on stdout */
	const char *bootargs;
	long hart;
	struct boot_range memory[MAX_MEMORY_OPTIONS];
	unsigned nmemory;
	bool has_initrd;
	struct boot_range initrd;
};

/* A number with an optional K, M, G or T suffix (powers of 1024); false if malformed. */
static bool parse_size(const char *s, char **end, uint64_t *out)
{
	static const char suffixes[] = "KMGT";
	const char *suffix;
	uint64_t v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, end, 0);
	if (errno)
		return false;
	suffix = **end ? strchr(suffixes, **end) : NULL;
	if (suffix) {
		unsigned shift = 10 * (unsigned)(suffix - suffixes + 1);

		if (v > UINT64_MAX >> shift)
			return false;
		v <<= shift;
		(*end)++;
	}
	*out = v;
	return true;
}

/*
 * `option` BASE:SIZE (--memory 0x80000000:2G, --initrd 0x84200000:5000) into *r; false with a
 * one-line reason on stderr.  `full` says the table the range goes to is full.
 */
static bool parse_range(const char *option, const char *arg, bool full, struct boot_range *r)
{
	bool initrd = strcmp(option, "--initrd") == 0;
	uint64_t base, size;
	char *end;
	const char *why = NULL;

	if (!parse_size(arg, &end, &base) || *end != ':' || !parse_size(end + 1, &end, &size) ||
	    *end)
		why = initrd ? "START:SIZE expected, e.g. 0x84200000:5000"
			     : "BASE:SIZE expected, e.g. 0x80000000:2G";
	else if (size == 0)
		why = "SIZE is zero";
	else if (base + size < base)
		why = "BASE + SIZE runs past 2^64";
	else if (full)
		why = "more ranges than the kernel can hold";
	if (why) {
		fprintf(stderr, "tessera-mm: %s '%s': %s\n", option, arg, why);
		return false;
	}
	*r = (struct boot_range){ base, base + size };
	return true;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->hart = -1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--bootargs") == 0 && i + 1 < argc) {
			o->bootargs = argv[++i];
		} else if (strcmp(argv[i], "--hart") == 0 && i + 1 < argc) {
			o->hart = strtol(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "--memory") == 0 && i + 1 < argc) {
			if (!parse_range("--memory", argv[++i], o->nmemory == MAX_MEMORY_OPTIONS,
					 &o->memory[o->nmemory]))
				return -1;
			o->nmemory++;
		} else if (strcmp(argv[i], "--initrd") == 0 && i + 1 < argc) {
			if (!parse_range("--initrd", argv[++i], false, &o->initrd))
				return -1;
			o->has_initrd = true;
		} else if (strcmp(argv[i], "--html") == 0 && i + 1 < argc) {
			o->html = argv[++i];
		} else if (strcmp(argv[i], "--svg") == 0 && i + 1 < argc) {
			o->svg = argv[++i];
		} else if (strcmp(argv[i], "--text") == 0) {
			o->text = true;
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
	fprintf(report, "cmdline: ignoring '%.*s': %s\n", (int)len, word, why);
}

/*
 * The paging mode the kernel would try: the hart's mmu-type, capped by
 * paging=; "none" without a boot hart the kernel can run on.
 */
static const char *paging_mode(const struct boot_hart *h, const struct cmdline *c)
{
	if (!h)
		return "none";
	if (h->mmu == BOOT_MMU_SV39 || h->mmu == BOOT_MMU_NONE || c->max_levels == 3)
		return "sv39";
	return "sv48";
}

static void print_line(void *arg, const char *line)
{
	(void)arg;
	fprintf(report, "%s\n", line);
}

static struct frame *host_table(void *arg, paddr_t pa, uint64_t bytes)
{
	(void)arg;
	(void)pa;
	return malloc(bytes);
}

static unsigned host_hart(void)
{
	return 0;
}

/*
 * The node /chosen/stdout-path names (the console the kernel will look for),
 * its first compatible and where its registers are.  The kernel's own line
 * ("console: ns16550a at 0x10000000") also says whether it has a driver.
 */
static void report_stdout(const struct fdt *fdt, const struct boot_info *bi)
{
	char path[FDT_MAX_NAME];
	const char *compatible = NULL;
	uint64_t start = 0, size = 0;
	fdt_node_t node;
	bool found;

	if (!bi->stdout_path) {
		fprintf(report, "stdout: none in /chosen\n");
		return;
	}
	node = fdt_resolve_stdout(fdt, bi->stdout_path);
	if (node == FDT_NONE) {
		fprintf(report, "stdout: '%s' names no node\n", bi->stdout_path);
		return;
	}
	fdt_read_string(fdt, node, "compatible", &compatible, &found);
	fprintf(report, "stdout: %s is %s, %s", bi->stdout_path, fdt_node_path(fdt, node, path, sizeof(path)),
	       compatible ? compatible : "no compatible");
	if (fdt_reg(fdt, node, 0, &start, &size) == FDT_OK)
		fprintf(report, " at 0x%lx\n", start);
	else
		fprintf(report, ", no usable reg\n");
}

/* The kernel's memory set-up on the host: zones, frames, buddyinfo. */
static int report_memory(const struct boot_info *bi, const struct cmdline *c)
{
	static struct mem m;
	static struct memmap mm;
	const struct mem_setup setup = {
		.limit = MEMMAP_DIRECT_MAP_LIMIT, .zone_dma_size = c->zone_dma_size, .nharts = 1,
		.this_hart = host_hart, .table_at = host_table, .log = print_line,
	};
	err_t err = mem_boot(&m, &mm, bi, &setup);
	unsigned i;

	if (err) {
		fprintf(stderr, "tessera-mm: Tessera cannot boot here: %s (%s)\n",
			err == ERR_NOT_FOUND ? "no usable RAM" : "cannot set up memory", err_name(err));
		return 3;
	}
	mem_report(&m, print_line, NULL);
	mem_report_buddyinfo(&m, print_line, NULL);
	for (i = 0; i < m.nblocks; i++)
		free(m.blocks[i].frames);
	return 0;
}

/*
 * The boot hart: the one asked for, else the first usable one; NULL when
 * the kernel could not run on it, with the reason in why[].  As in the
 * kernel (kernel/main.c), a hart asked for without mmu-type is tried as
 * Sv39, one whose mmu-type names no mode Tessera has is not.
 */
static const struct boot_hart *pick_hart(const struct boot_info *bi, long want, char *why,
					 size_t size)
{
	const struct boot_hart *h;
	uint32_t i;

	if (want < 0) {
		for (i = 0; i < bi->nharts; i++)
			if (bi->harts[i].usable)
				return &bi->harts[i];
		snprintf(why, size, "no hart it can run on: each is disabled or has no MMU");
		return NULL;
	}
	h = bootinfo_hart(bi, (uint64_t)want);
	if (!h)
		snprintf(why, size, "no hart %ld in /cpus", want);
	else if (h->mmu_type && h->mmu == BOOT_MMU_NONE)
		snprintf(why, size, "hart %ld has no MMU Tessera can use (mmu-type %s)", want,
			 h->mmu_type);
	return h && !(h->mmu_type && h->mmu == BOOT_MMU_NONE) ? h : NULL;
}

/* The report of the tree in blob (the boot report's lines) on `report`;
 * the exit status. */
static int report_tree(const struct options *opt, uint8_t *blob, size_t size)
{
	static struct boot_info bi;
	const struct options o = *opt;
	struct fdt fdt;
	struct fdt_diag diag;
	struct cmdline cmdline;
	const struct boot_hart *hart;
	char why[128];
	enum fdt_error err;
	int status;

	err = fdt_open(&fdt, blob, size, &diag);
	if (!err)
		err = bootinfo_read(&fdt, &bi, &diag);
	if (err) {
		char node[FDT_MAX_NAME];

		fprintf(stderr, "tessera-mm: %s: bad device tree: %s%s%s (at byte 0x%x)\n", o.path,
			fdt_strerror(err), diag.node == FDT_NONE ? "" : " in ",
			diag.node == FDT_NONE ? "" : fdt_node_path(&fdt, diag.node, node, sizeof(node)),
			diag.offset);
		return 1;
	}
	if (o.bootargs)
		bi.bootargs = o.bootargs;
	if (o.nmemory) {
		if (bi.nmemory)
			fprintf(report, "tessera-mm: memory from --memory, as a bootloader passes it on "
			       "(replacing the tree's %u range(s))\n", bi.nmemory);
		else
			fprintf(report, "tessera-mm: memory from --memory, as a bootloader passes it on "
			       "(the tree has none)\n");
		memcpy(bi.memory, o.memory, sizeof(o.memory));
		bi.nmemory = o.nmemory;
	}
	if (o.has_initrd) {
		fprintf(report, "tessera-mm: initrd from --initrd, as a bootloader passes it on%s\n",
		       bi.has_initrd ? " (replacing the tree's)" : "");
		bi.has_initrd = true;
		bi.initrd_start = o.initrd.start;
		bi.initrd_end = o.initrd.end;
		bi.initrd_error = NULL;
	}
	/* As the kernel: after what the tree reserves (kernel and FDT are not known here). */
	bootinfo_reserve_initrd(&bi, MEMMAP_DIRECT_MAP_LIMIT, print_line, NULL);
	cmdline_parse(bi.bootargs, &cmdline, warn_word, NULL);
	/* Without a boot hart the rest is still worth seeing: the memory and its zones. */
	hart = pick_hart(&bi, o.hart, why, sizeof(why));
	fprintf(report, "paging: %s\n", paging_mode(hart, &cmdline));
	bootinfo_report(&bi, hart ? hart->hartid : UINT64_MAX, print_line, NULL);
	report_stdout(&fdt, &bi);
	status = report_memory(&bi, &cmdline);
	if (!hart) {
		fprintf(stderr, "tessera-mm: Tessera cannot boot here: %s\n", why);
		status = 3;
	}
	return status;
}

/* The name of the file at path, without its folders. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The pictures the options ask for, of text (a log, or our report); 0 or 1. */
static int pictures(const struct options *o, const char *text, size_t len)
{
	char *data = mm_data(base_name(o->path), text, len);
	struct json *parsed = NULL;
	const char *why = NULL;
	size_t at = 0;
	int status = 0;

	if (!data)
		return 1;
	if (o->html)
		status |= mm_page_write(o->html, data);
	if (o->svg || o->text) {
		parsed = json_parse(data, strlen(data), &why, &at);
		if (!parsed) {          /* cannot be: mm_data checked the snapshot */
			fprintf(stderr, "tessera-mm: %s: %s\n", o->path, why ? why : "?");
			status = 1;
		}
	}
	if (parsed && o->svg)
		status |= mm_svg_write(o->svg, parsed);
	if (parsed && o->text)
		status |= mm_text_write(stdout, parsed);
	json_free(parsed);
	free(data);
	return status;
}

int main(int argc, char **argv)
{
	struct options o;
	uint8_t *blob;
	size_t size = 0, len = 0;
	char *text = NULL;
	bool drawn;
	int status;

	if (parse_options(argc, argv, &o))
		return 2;
	drawn = o.html || o.svg || o.text;
	blob = read_file(o.path, &size);
	if (!blob)
		return 1;
	report = stdout;
	if (drawn && (size < 4 || blob[0] != 0xd0 || blob[1] != 0x0d || blob[2] != 0xfe ||
		      blob[3] != 0xed)) {
		/* not a device tree: a console log, with a boot report and a snapshot */
		status = pictures(&o, (const char *)blob, size);
		free(blob);
		return status;
	}
	if (drawn)
		report = open_memstream(&text, &len);
	if (!report) {
		fprintf(stderr, "tessera-mm: out of memory\n");
		return 1;
	}
	status = report_tree(&o, blob, size);
	free(blob);
	if (!drawn)
		return status;
	fclose(report);
	fwrite(text, 1, len, stdout);
	if (status != 1 && pictures(&o, text, len))
		status = 1;
	free(text);
	return status;
}
