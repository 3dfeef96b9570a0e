/*
 * Read the boot facts out of a validated device tree (see mm/bootinfo.h).
 *
 * Sources (Devicetree Specification v0.4): /memory (3.4), /reserved-memory
 * (3.5), the memory reservation block (5.3), /chosen (3.6), /cpus (3.7,
 * 3.8); RISC-V cpu bindings: mmu-type, riscv,isa, riscv,isa-extensions.
 */
#include <string.h>

#include "mm/bootinfo.h"

static enum fdt_error at(struct fdt_diag *diag, const struct fdt *fdt,
			 enum fdt_error err, fdt_node_t node)
{
	if (err && diag) {
		diag->err = err;
		diag->offset = (uint32_t)(fdt->structs - fdt->blob) +
			       (node == FDT_NONE ? 0 : (uint32_t)node);
		diag->node = node;
	}
	return err;
}

static void copy_name(char *dst, const char *src)
{
	size_t n = strnlen(src, BOOT_NAME_MAX - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

enum fdt_error bootinfo_add_reserved(struct boot_info *bi, uint64_t start,
				     uint64_t end, const char *name, bool no_map)
{
	struct boot_reserved *r;

	if (bi->nreserved >= BOOT_MAX_RESERVED)
		return FDT_ERR_TOO_MANY_RANGES;
	r = &bi->reserved[bi->nreserved++];
	r->start = start;
	r->end = end;
	r->no_map = no_map;
	copy_name(r->name, name);
	return FDT_OK;
}

/*
 * Append every `reg` entry of `node` as memory (or reserved), as the tree
 * says: the boot memory map drops and logs empty ones, and one that runs
 * past 2^64 is kept up to the last address (the map clips and logs it).
 */
static enum fdt_error read_reg_ranges(const struct fdt *fdt, fdt_node_t node, fdt_node_t bus,
				      struct boot_info *bi, bool reserved)
{
	uint64_t start, size, end;
	enum fdt_error err;
	uint32_t i;

	for (i = 0;; i++) {
		err = fdt_reg_on(fdt, node, bus, i, &start, &size);
		if (err == FDT_ERR_REG_LENGTH && i > 0)
			return FDT_OK; /* ran off the end of a well-formed reg */
		if (err && err != FDT_ERR_RANGE_WRAPS)
			return err;
		end = err ? UINT64_MAX : start + size;
		if (reserved) {
			err = bootinfo_add_reserved(bi, start, end, fdt_node_name(fdt, node),
						    fdt_has_prop(fdt, node, "no-map"));
		} else if (bi->nmemory < BOOT_MAX_MEMORY) {
			bi->memory[bi->nmemory].start = start;
			bi->memory[bi->nmemory++].end = end;
			err = FDT_OK;
		} else {
			err = FDT_ERR_TOO_MANY_RANGES;
		}
		if (err)
			return err;
	}
}

static bool is_memory_node(const struct fdt *fdt, fdt_node_t node)
{
	const char *type;
	bool found;

	if (fdt_read_string(fdt, node, "device_type", &type, &found) == FDT_OK && found)
		return strcmp(type, "memory") == 0;
	return fdt_node_named(fdt, node, "memory");
}

/* The root's other children bootinfo reads, found in the same walk. */
struct top_nodes {
	fdt_node_t cpus, chosen, reserved;
};

/* One walk of the root's children: the memory nodes read, the others found
 * (the first of each name, as fdt_path finds it). */
static enum fdt_error read_memory(const struct fdt *fdt, struct boot_info *bi,
				  struct top_nodes *top, struct fdt_diag *diag)
{
	fdt_node_t root = fdt_root(fdt), n;

	top->cpus = top->chosen = top->reserved = FDT_NONE;
	for (n = fdt_first_child(fdt, root); n != FDT_NONE; n = fdt_next_sibling(fdt, n)) {
		enum fdt_error err;

		if (top->cpus == FDT_NONE && fdt_node_named(fdt, n, "cpus"))
			top->cpus = n;
		else if (top->chosen == FDT_NONE && fdt_node_named(fdt, n, "chosen"))
			top->chosen = n;
		else if (top->reserved == FDT_NONE && fdt_node_named(fdt, n, "reserved-memory"))
			top->reserved = n;
		if (!is_memory_node(fdt, n) || !fdt_node_enabled(fdt, n))
			continue;
		err = read_reg_ranges(fdt, n, root, bi, false);
		if (err)
			return at(diag, fdt, err, n);
	}
	/*
	 * No /memory at all is a tree that leaves RAM to the bootloader (U-Boot
	 * adds or rewrites /memory): not malformed.  nmemory stays 0 and the
	 * boot memory map says there is no RAM (mm/memmap.c).
	 */
	return FDT_OK;
}

/*
 * /reserved-memory children with `reg` are fixed reservations (OpenSBI's
 * mmode_resv*, vendor firmware).  Children with only `size` are pools the OS
 * is asked to place itself; they reserve nothing yet and are counted.
 */
static enum fdt_error read_reserved(const struct fdt *fdt, struct boot_info *bi,
				    fdt_node_t parent, struct fdt_diag *diag)
{
	uint64_t addr, size;
	fdt_node_t n;
	uint32_t i;

	for (n = fdt_first_child(fdt, parent); n != FDT_NONE; n = fdt_next_sibling(fdt, n)) {
		enum fdt_error err = FDT_OK;

		if (!fdt_node_enabled(fdt, n))
			continue;
		if (fdt_has_prop(fdt, n, "reg"))
			err = read_reg_ranges(fdt, n, parent, bi, true);
		else if (fdt_has_prop(fdt, n, "size"))
			bi->ndynamic++;
		if (err)
			return at(diag, fdt, err, n);
	}
	for (i = 0; fdt_memreserve(fdt, i, &addr, &size); i++) {
		if (bootinfo_add_reserved(bi, addr, addr + size, "memreserve", false))
			return at(diag, fdt, FDT_ERR_TOO_MANY_RANGES, FDT_NONE);
	}
	return FDT_OK;
}

/*
 * /chosen's linux,initrd-start and linux,initrd-end (each 4 or 8 bytes: QEMU
 * writes 4, U-Boot 8 where addresses need it).  A malformed pair is not a
 * malformed tree: it leaves the initrd unusable, with the reason in
 * bi->initrd_error, and the kernel boots without it.  Where the initrd lies
 * is checked when it is reserved (mm/boot_initrd.c).
 */
static void read_initrd(const struct fdt *fdt, fdt_node_t chosen, struct boot_info *bi)
{
	bool found_start, found_end;
	enum fdt_error err_start, err_end;

	err_start = fdt_read_u32_or_u64(fdt, chosen, "linux,initrd-start", &bi->initrd_start,
					&found_start);
	err_end = fdt_read_u32_or_u64(fdt, chosen, "linux,initrd-end", &bi->initrd_end,
				      &found_end);
	bi->has_initrd = found_start || found_end;
	if (!bi->has_initrd)
		return;
	if (err_start)
		bi->initrd_error = "linux,initrd-start is neither 4 nor 8 bytes";
	else if (err_end)
		bi->initrd_error = "linux,initrd-end is neither 4 nor 8 bytes";
	else if (!found_end)
		bi->initrd_error = "linux,initrd-start without linux,initrd-end";
	else if (!found_start)
		bi->initrd_error = "linux,initrd-end without linux,initrd-start";
}

static enum fdt_error read_chosen(const struct fdt *fdt, struct boot_info *bi,
				  fdt_node_t chosen, struct fdt_diag *diag)
{
	enum fdt_error err;
	bool found;

	bi->bootargs = "";
	bi->stdout_path = NULL;
	if (chosen == FDT_NONE)
		return FDT_OK;
	err = fdt_read_string(fdt, chosen, "bootargs", &bi->bootargs, &found);
	if (!err)
		err = fdt_read_string(fdt, chosen, "stdout-path", &bi->stdout_path, &found);
	if (!err && !found)
		err = fdt_read_string(fdt, chosen, "linux,stdout-path", &bi->stdout_path,
				      &found);
	if (err)
		return at(diag, fdt, err, chosen);
	read_initrd(fdt, chosen, bi);
	return FDT_OK;
}

/* Is `ext` one of the '_'-separated multi-letter extensions of an ISA string? */
static bool isa_has(const char *isa, const char *ext)
{
	size_t len = strlen(ext);
	const char *p = strchr(isa, '_');

	while (p) {
		p++;
		if (strncmp(p, ext, len) == 0 && (p[len] == '_' || p[len] == '\0'))
			return true;
		p = strchr(p, '_');
	}
	return false;
}

static enum boot_mmu mmu_from_string(const char *s)
{
	if (strcmp(s, "riscv,sv39") == 0)
		return BOOT_MMU_SV39;
	if (strcmp(s, "riscv,sv48") == 0)
		return BOOT_MMU_SV48;
	if (strcmp(s, "riscv,sv57") == 0)
		return BOOT_MMU_SV57;
	return BOOT_MMU_NONE;
}

/* One cpu node into *h.  The hart id is the node's reg (#size-cells is 0). */
static enum fdt_error read_hart(const struct fdt *fdt, fdt_node_t cpu,
				const struct fdt_cells *cells, struct boot_hart *h)
{
	const char *mmu = NULL, *isa = NULL;
	struct fdt_prop reg;
	enum fdt_error err;
	bool found;

	if (!fdt_get_prop(fdt, cpu, "reg", &reg) || reg.len != 4 * cells->address)
		return FDT_ERR_CPU_REG;
	h->hartid = fdt_read_cells(reg.value, cells->address);
	h->enabled = fdt_node_enabled(fdt, cpu);
	err = fdt_read_string(fdt, cpu, "mmu-type", &mmu, &found);
	if (!err)
		err = fdt_read_string(fdt, cpu, "riscv,isa", &isa, &found);
	if (err)
		return err;
	h->mmu = mmu ? mmu_from_string(mmu) : BOOT_MMU_NONE;
	h->mmu_type = mmu;
	h->sstc = (isa && isa_has(isa, "sstc")) ||
		  fdt_stringlist_contains(fdt, cpu, "riscv,isa-extensions", "sstc");
	h->usable = h->enabled && h->mmu != BOOT_MMU_NONE;
	return FDT_OK;
}

static bool is_cpu_node(const struct fdt *fdt, fdt_node_t node)
{
	const char *type;
	bool found;

	return fdt_read_string(fdt, node, "device_type", &type, &found) == FDT_OK &&
	       found && strcmp(type, "cpu") == 0;
}

static enum fdt_error read_cpus(const struct fdt *fdt, struct boot_info *bi,
				fdt_node_t cpus, struct fdt_diag *diag)
{
	fdt_node_t n;
	struct fdt_cells cells;
	enum fdt_error err;
	bool found;

	if (cpus == FDT_NONE)
		return at(diag, fdt, FDT_ERR_NO_CPUS, fdt_root(fdt));
	err = fdt_bus_cells(fdt, cpus, &cells);
	if (!err)
		err = fdt_read_u32_or_u64(fdt, cpus, "timebase-frequency",
					  &bi->timebase_hz, &found);
	if (err)
		return at(diag, fdt, err, cpus);
	for (n = fdt_first_child(fdt, cpus); n != FDT_NONE; n = fdt_next_sibling(fdt, n)) {
		if (!is_cpu_node(fdt, n))
			continue;
		if (bi->nharts >= BOOT_MAX_HARTS)
			return at(diag, fdt, FDT_ERR_TOO_MANY_HARTS, n);
		err = read_hart(fdt, n, &cells, &bi->harts[bi->nharts]);
		if (!err && !bi->timebase_hz)
			err = fdt_read_u32_or_u64(fdt, n, "timebase-frequency",
						  &bi->timebase_hz, &found);
		if (err)
			return at(diag, fdt, err, n);
		bi->nusable += bi->harts[bi->nharts++].usable;
	}
	if (!bi->nharts)
		return at(diag, fdt, FDT_ERR_NO_CPUS, cpus);
	if (!bi->timebase_hz)
		return at(diag, fdt, FDT_ERR_NO_TIMEBASE, cpus);
	return FDT_OK;
}

/*
 * The highest CPU address a bus's devices can reach through its dma-ranges
 * (child address, parent address, length; DT spec 2.3.9), in *limit.
 * An empty dma-ranges means no translation and no limit: *limit = 0.
 */
static enum fdt_error dma_reach(const struct fdt *fdt, fdt_node_t bus,
				const struct fdt_prop *dr, uint64_t *limit)
{
	fdt_node_t parent = fdt_parent(fdt, bus);
	struct fdt_cells child, up;
	enum fdt_error err;
	uint32_t entry, off;

	*limit = 0;
	if (dr->len == 0)
		return FDT_OK;
	/* The child (bus) address is only stepped over: a PCI bus's 3 cells will do. */
	err = fdt_bus_cells_opaque(fdt, bus, &child);
	if (!err)
		err = fdt_bus_cells(fdt, parent, &up);
	if (err)
		return err;
	entry = 4 * (child.address + up.address + child.size);
	if (dr->len % entry)
		return FDT_ERR_BAD_RANGES;
	for (off = 0; off < dr->len; off += entry) {
		uint64_t cpu = fdt_read_cells(dr->value + off + 4 * child.address, up.address);
		uint64_t len = fdt_read_cells(dr->value + off + 4 * (child.address + up.address),
					      child.size);

		if (!len || cpu + len < cpu)
			return FDT_ERR_RANGE_WRAPS;
		err = fdt_translate(fdt, parent, &cpu, len);
		if (err)
			return err;
		if (cpu + len > *limit)
			*limit = cpu + len;
	}
	return FDT_OK;
}

/* Every node with dma-ranges, in one pass over the blob (none when the
 * strings block has no such name: QEMU virt's); keep the tightest limit. */
static enum fdt_error read_dma_limits(const struct fdt *fdt, struct boot_info *bi,
				      struct fdt_diag *diag)
{
	fdt_node_t n = fdt_names_possible(fdt, "dma-ranges") ? fdt_root(fdt) : FDT_NONE;

	for (; n != FDT_NONE; n = fdt_next_node(fdt, n)) {
		struct fdt_prop dr;
		uint64_t limit;

		if (fdt_get_prop(fdt, n, "dma-ranges", &dr) && fdt_node_enabled(fdt, n)) {
			enum fdt_error err = dma_reach(fdt, n, &dr, &limit);

			if (err)
				return at(diag, fdt, err, n);
			if (limit && (!bi->dma_limit || limit < bi->dma_limit)) {
				bi->dma_limit = limit;
				copy_name(bi->dma_limit_node, fdt_node_name(fdt, n));
			}
		}
	}
	return FDT_OK;
}

enum fdt_error bootinfo_read(const struct fdt *fdt, struct boot_info *bi,
			     struct fdt_diag *diag)
{
	struct top_nodes top;
	enum fdt_error err;

	memset(bi, 0, sizeof(*bi));
	err = read_memory(fdt, bi, &top, diag);
	if (!err)
		err = read_reserved(fdt, bi, top.reserved, diag);
	if (!err)
		err = read_chosen(fdt, bi, top.chosen, diag);
	if (!err)
		err = read_cpus(fdt, bi, top.cpus, diag);
	if (!err)
		err = read_dma_limits(fdt, bi, diag);
	return err;
}

const struct boot_hart *bootinfo_hart(const struct boot_info *bi, uint64_t hartid)
{
	uint32_t i;

	for (i = 0; i < bi->nharts; i++)
		if (bi->harts[i].hartid == hartid)
			return &bi->harts[i];
	return NULL;
}

const char *boot_hart_unusable(const struct boot_hart *h, char *buf, size_t size)
{
	static const char prefix[] = "mmu-type ";
	size_t n;

	if (h->usable)
		return NULL;
	if (!h->enabled)
		return memcpy(buf, "disabled", sizeof("disabled"));
	if (!h->mmu_type)
		return memcpy(buf, "no mmu-type", sizeof("no mmu-type"));
	/* A long mmu-type is cut with "...", never silently. */
	memcpy(buf, prefix, sizeof(prefix));
	n = strlen(h->mmu_type);
	if (n < size - sizeof(prefix) + 1) {
		memcpy(buf + sizeof(prefix) - 1, h->mmu_type, n + 1);
	} else {
		memcpy(buf + sizeof(prefix) - 1, h->mmu_type, size - sizeof(prefix) - 3);
		memcpy(buf + size - 4, "...", 4);
	}
	return buf;
}

const char *boot_mmu_name(enum boot_mmu mmu)
{
	static const char *const names[] = {
		[BOOT_MMU_NONE] = "none", [BOOT_MMU_SV39] = "sv39",
		[BOOT_MMU_SV48] = "sv48", [BOOT_MMU_SV57] = "sv57",
	};

	return (unsigned)mmu < ARRAY_SIZE(names) ? names[mmu] : "none";
}
