/*
 * What the kernel needs to know from the device tree at boot, read once into
 * fixed-size tables: RAM ranges, reserved ranges, /chosen, and the harts.
 *
 * A tree without /memory is read (nmemory = 0): a bootloader adds RAM to the
 * tree it passes on, and a tree written for one may leave it out.
 *
 * Nothing is dropped silently: a table that would overflow makes
 * bootinfo_read() fail with FDT_ERR_TOO_MANY_RANGES / FDT_ERR_TOO_MANY_HARTS.
 * Ranges are half-open [start, end) in CPU physical addresses, exactly as the
 * tree gives them, empty ones included; one that runs past 2^64 ends at
 * UINT64_MAX.  Dropping, clipping and page alignment, each with a log line,
 * are the boot memory map's job (mm/memmap.c).
 *
 * Portable C: builds for the kernel and for the host.
 */
#ifndef TESSERA_MM_BOOTINFO_H
#define TESSERA_MM_BOOTINFO_H

#include "mm/fdt.h"

#define BOOT_MAX_MEMORY 32
#define BOOT_MAX_RESERVED 48
#define BOOT_MAX_HARTS 64
#define BOOT_NAME_MAX 32

/* Paging modes a hart's `mmu-type` can name (RISC-V privileged spec 4.1.11). */
enum boot_mmu { BOOT_MMU_NONE, BOOT_MMU_SV39, BOOT_MMU_SV48, BOOT_MMU_SV57 };

struct boot_range {
	uint64_t start;
	uint64_t end;
};

struct boot_reserved {
	uint64_t start;
	uint64_t end;
	bool no_map;               /* the tree says `no-map` */
	char name[BOOT_NAME_MAX];  /* node name, "memreserve", "kernel", "fdt", ... */
};

struct boot_hart {
	uint64_t hartid;
	bool enabled;      /* status is okay (or absent) */
	enum boot_mmu mmu;
	const char *mmu_type; /* the tree's mmu-type ("riscv,none"), NULL when absent; in the blob */
	bool sstc;         /* riscv,isa(-extensions) names Sstc */
	bool usable;       /* enabled and has an MMU: Tessera may run on it */
};

struct boot_info {
	struct boot_range memory[BOOT_MAX_MEMORY];
	uint32_t nmemory;
	struct boot_reserved reserved[BOOT_MAX_RESERVED];
	uint32_t nreserved;
	uint32_t ndynamic;         /* reserved-memory pools with size but no reg */
	const char *bootargs;      /* "" when absent; points into the blob */
	const char *stdout_path;   /* NULL when absent */
	/*
	 * The initrd /chosen names (linux,initrd-start/-end), [start, end) as
	 * given.  has_initrd: the tree names one; initrd_error: why its
	 * properties cannot be read (a static string), else NULL.  After
	 * bootinfo_reserve_initrd(): has_initrd only if it is reserved.
	 */
	bool has_initrd;
	uint64_t initrd_start, initrd_end;
	const char *initrd_error;
	struct boot_hart harts[BOOT_MAX_HARTS];
	uint32_t nharts;
	uint32_t nusable;
	uint64_t timebase_hz;
	/*
	 * The lowest end of the memory any device can reach by DMA, from every
	 * `dma-ranges` in the tree (CPU physical address; 0: no device is
	 * limited), and the bus node that sets it.
	 */
	uint64_t dma_limit;
	char dma_limit_node[BOOT_NAME_MAX];
};

/*
 * Read memory, reserved memory, /chosen and /cpus from a validated tree.
 * Returns FDT_OK or the first content error, with the blob offset of the node
 * at fault in *diag (may be NULL).
 */
enum fdt_error bootinfo_read(const struct fdt *fdt, struct boot_info *bi,
			     struct fdt_diag *diag);

/*
 * Append a reserved range (the kernel image, the FDT itself, ...).
 * Returns FDT_OK or FDT_ERR_TOO_MANY_RANGES.
 */
enum fdt_error bootinfo_add_reserved(struct boot_info *bi, uint64_t start,
				     uint64_t end, const char *name, bool no_map);

/* The hart with id `hartid`, or NULL. */
const struct boot_hart *bootinfo_hart(const struct boot_info *bi, uint64_t hartid);

/* "sv39", "sv48", "sv57" or "none". */
const char *boot_mmu_name(enum boot_mmu mmu);

/*
 * Why Tessera does not run on hart h: "disabled", "no mmu-type" or
 * "mmu-type riscv,none" (the tree's own words, up to `size` bytes), in buf;
 * NULL when h is usable.  Requires size >= 32.
 */
const char *boot_hart_unusable(const struct boot_hart *h, char *buf, size_t size);

#endif /* TESSERA_MM_BOOTINFO_H */
