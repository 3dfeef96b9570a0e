/*
 * The boot page table, built before paging is on.
 *
 * This code runs at the physical load address while linked at
 * KERNEL_VIRT_BASE: it may use only PC-relative addressing.  So: no switch
 * statements (jump tables hold absolute addresses; the file is also built with
 * -fno-jump-tables), no pointers stored in initialised data, and only calls
 * to functions that obey the same rules (sbi_call).
 *
 * The table is Sv39, which every MMU-capable RISC-V hart supports; once the
 * device tree has been read, arch/riscv/mmu.c builds the real kernel table in
 * the mode the hart allows and switches to it.  Mappings, all 2 MiB leaves:
 *   - the image at KERNEL_VIRT_BASE (read/write/execute for now);
 *   - the image at its physical address, so that the instruction after the
 *     satp write can still be fetched (dropped with the boot table);
 *   - the 4 MiB around the device tree at FDT_WINDOW_BASE, read-only.
 */
#include "arch/riscv/csr.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/sbi.h"
#include "mm/pt.h"

#define EARLY_TABLES 6 /* root + L1 tables: kernel, identity (up to 2), window */

static pte_t early_tables[EARLY_TABLES][PT_ENTRIES] __attribute__((aligned(4096)));
static unsigned early_tables_used;

/* Print through the legacy SBI console; usable before paging. */
static void early_puts(const char *s)
{
	while (*s)
		sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)*s++, 0, 0, 0);
}

static void early_fail(const char *why)
{
	early_puts("tessera: early boot: ");
	early_puts(why);
	early_puts("\n");
	sbi_shutdown(true);
	for (;;)
		wfi();
}

/* Map one 2 MiB leaf va -> pa in the Sv39 table rooted at early_tables[0]. */
static void early_map_2m(vaddr_t va, paddr_t pa, pte_t rights)
{
	pte_t *root = early_tables[0];
	pte_t *l1;
	unsigned i2 = pt_index(va, 2);

	if (!(root[i2] & PTE_V)) {
		if (++early_tables_used >= EARLY_TABLES)
			early_fail("out of boot page-table pages");
		l1 = early_tables[early_tables_used];
		root[i2] = ((paddr_t)l1 >> PAGE_SHIFT) << PTE_PPN_SHIFT | PTE_V;
	} else {
		l1 = (pte_t *)pte_pa(root[i2]);
	}
	l1[pt_index(va, 1)] = (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT |
			      rights | PTE_A | PTE_D | PTE_V;
}

/*
 * Build the boot table for an image loaded at `load_pa` with the device
 * tree at `fdt_pa`.  Returns the satp value that turns it on.
 * Requires: load_pa is 2 MiB aligned (boot loaders guarantee it).
 */
unsigned long early_boot_map(paddr_t load_pa, paddr_t fdt_pa)
{
	uint64_t size = ALIGN_UP((uint64_t)(_end - _start), MEGAPAGE_SIZE);
	uint64_t off;

	if (!IS_ALIGNED(load_pa, MEGAPAGE_SIZE))
		early_fail("image not loaded at a 2 MiB-aligned address");
	if (load_pa + size > (1ull << 38))
		early_fail("image loaded above 256 GiB, which Sv39 cannot identity-map");
	for (off = 0; off < size; off += MEGAPAGE_SIZE) {
		early_map_2m(KERNEL_VIRT_BASE + off, load_pa + off, PTE_R | PTE_W | PTE_X);
		early_map_2m(load_pa + off, load_pa + off, PTE_R | PTE_W | PTE_X);
	}
	/* A bad a1 is reported by kernel_main; here we only avoid mapping junk. */
	if (fdt_pa && IS_ALIGNED(fdt_pa, 8)) {
		paddr_t base = ALIGN_DOWN(fdt_pa, MEGAPAGE_SIZE);

		early_map_2m(FDT_WINDOW_BASE, base, PTE_R);
		early_map_2m(FDT_WINDOW_BASE + MEGAPAGE_SIZE, base + MEGAPAGE_SIZE, PTE_R);
	}
	return SATP_MODE_SV39 << SATP_MODE_SHIFT | ((paddr_t)early_tables[0] >> PAGE_SHIFT);
}
