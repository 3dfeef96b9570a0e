/*
 * The kernel's own page table: built once the device tree is known, in the
 * deepest mode both the tree and the hart allow (Sv48, else Sv39).
 */
#ifndef TESSERA_ARCH_RISCV_MMU_H
#define TESSERA_ARCH_RISCV_MMU_H

#include "arch/riscv/csr.h"
#include "arch/riscv/tlb.h"
#include "mm/pt.h"

/* The kernel table; valid after mmu_init(). */
extern struct page_table kernel_pt;

/*
 * Build the kernel table with at most `max_levels` levels (3 or 4), map the
 * image with W^X per section and the device tree [fdt_pa, fdt_pa + fdt_size)
 * at the address the boot table used, then switch to it.  If the hart refuses
 * Sv48 (the satp write has no effect, priv. spec 4.1.11) fall back to Sv39.
 * Returns the number of levels in use.  Panics if the table cannot be built.
 */
unsigned mmu_init(unsigned max_levels, paddr_t fdt_pa, uint32_t fdt_size);

/* "sv39" or "sv48". */
const char *mmu_mode_name(unsigned levels);

/*
 * Map device registers [pa, pa + size) into the MMIO window (read/write,
 * never executable).  Returns the virtual address of `pa`, or NULL when the
 * window is full.
 */
void *mmu_map_io(paddr_t pa, uint64_t size);

/*
 * Map RAM minus firmware ranges at DIRECT_MAP_BASE + pa (read/write, never
 * executable), with the largest leaves that fit: a 1 GiB or 2 MiB leaf is
 * used only where the whole leaf is RAM that may be mapped, so no superpage
 * ever covers firmware memory.  Installs the mm/ physical window.
 * Returns ERR_OK or ERR_NO_MEMORY (out of table pages).
 */
struct memmap;
err_t mmu_map_direct(const struct memmap *mm);

/*
 * From now on take kernel page-table pages from m's buddy (and give emptied
 * ones back), instead of the boot pool in .bss.
 */
struct mem;
void mmu_use_page_allocator(struct mem *m);

/*
 * Make every root entry that [start, start + size) of the kernel half needs
 * now, so that address spaces, which copy the kernel's root entries when
 * they are made, see all later kernel mappings there.  Returns ERR_OK or
 * ERR_NO_MEMORY.
 */
err_t mmu_prepare_kernel_half(vaddr_t start, uint64_t size);

/* Buddy pages taken for kernel page tables since then (never given back). */
uint64_t mmu_table_pages(void);

/*
 * How many ASID bits this hart keeps in satp (0 to 16; QEMU: 16, JH7110: 0):
 * write all ones, read back (priv. spec 4.1.11: ASID is WARL).
 */
unsigned mmu_probe_asid_bits(void);

/*
 * Run on the table at `root` (the kernel's mode; its upper half must be the
 * kernel's) with `asid`; flush this hart's TLB if told to.
 */
/* satp's MODE field for the kernel's paging mode (set by mmu_init). */
extern unsigned long mmu_satp_mode;

static inline void mmu_switch_table(paddr_t root, unsigned asid, bool flush)
{
	csr_write(satp, mmu_satp_mode | (unsigned long)asid << SATP_ASID_SHIFT |
			root >> PAGE_SHIFT);
	if (flush)
		tlb_flush_all();
}

/* Run with `asid` in satp (same table); flush first if told to. */
void mmu_switch_asid(unsigned asid, bool flush);

/* Virtual address of the device tree blob (in the FDT window). */
const void *mmu_fdt_va(paddr_t fdt_pa);

/* Findings of the kernel-table audit. */
struct mmu_audit {
	unsigned leaves;
	unsigned write_exec;  /* leaves both writable and executable */
	unsigned missing_ad;  /* leaves without A, or writable without D */
	unsigned user;        /* leaves with U set (none expected yet) */
	unsigned firmware;    /* leaves overlapping a firmware (no-map) range */
};
/* Audit the kernel table; firmware ranges from `mm` (may be NULL). */
void mmu_audit(struct mmu_audit *out, const struct memmap *mm);

#endif /* TESSERA_ARCH_RISCV_MMU_H */
