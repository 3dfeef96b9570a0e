/*
 * The kernel page table and the switch to the final paging mode.
 *
 * Table pages for the kernel table come from a small pool inside .bss: the
 * frame allocator does not exist yet when this runs.  Pool pages are part of
 * the image, so their physical address is kernel_va_to_pa().
 */
#include "arch/riscv/csr.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/mmu.h"
#include "arch/riscv/tlb.h"
#include "kernel/printk.h"
#include "mm/buddy.h"
#include "mm/memmap.h"
#include "mm/phys.h"

_Static_assert(DIRECT_MAP_SIZE == MEMMAP_DIRECT_MAP_LIMIT,
	       "mm/memmap.h says what the direct map covers, as layout.h places it");

#define KERNEL_PT_POOL_PAGES 64

paddr_t kernel_load_pa;
struct page_table kernel_pt;

static pte_t pt_pool[KERNEL_PT_POOL_PAGES][PT_ENTRIES] __attribute__((aligned(4096)));
static unsigned pt_pool_used;
static uint64_t table_pages; /* buddy pages the kernel table took (kept for good) */
static vaddr_t mmio_next = MMIO_WINDOW_BASE;

static bool in_image(paddr_t pa)
{
	return pa - kernel_load_pa < (uint64_t)(_end - _start);
}

/*
 * Table pages: from the pool in .bss until the page allocator runs
 * (mmu_use_page_allocator), then zeroed pages from the buddy.
 */
static paddr_t table_alloc(void *arg)
{
	struct mem *m = arg;
	struct frame *f;

	if (!m) {
		if (pt_pool_used >= KERNEL_PT_POOL_PAGES)
			return 0;
		return kernel_va_to_pa(pt_pool[pt_pool_used++]); /* .bss: already zero */
	}
	f = buddy_alloc(m, 0, ALLOC_ZERO);
	if (!f)
		return 0;
	__atomic_add_fetch(&table_pages, 1, __ATOMIC_RELAXED);
	return mem_frame_pa(m, f);
}

uint64_t mmu_table_pages(void)
{
	return __atomic_load_n(&table_pages, __ATOMIC_RELAXED);
}

/* Pool pages are reached through the image mapping, the others through the direct map. */
static pte_t *table_at(void *arg, paddr_t pa)
{
	(void)arg;
	return in_image(pa) ? kernel_pa_to_va(pa) : phys_to_virt(pa);
}

/*
 * No free_table: every hart may cache the kernel's intermediate tables until
 * a flush, so emptied ones stay (the vmalloc window reuses them).
 */
static const struct pt_mem pool_mem = { .alloc_table = table_alloc, .table = table_at };

void mmu_use_page_allocator(struct mem *m)
{
	kernel_pt.mem.arg = m;
}

const char *mmu_mode_name(unsigned levels)
{
	return levels == PT_LEVELS_SV48 ? "sv48" : "sv39";
}

const void *mmu_fdt_va(paddr_t fdt_pa)
{
	return (const void *)(FDT_WINDOW_BASE + (fdt_pa & (MEGAPAGE_SIZE - 1)));
}

/* Map one image section [start, end) with `rights`, 4 KiB leaves. */
static void map_section(struct page_table *pt, const char *start, const char *end,
			unsigned rights, const char *what)
{
	err_t err;

	if (end == start)
		return;
	err = pt_map(pt, (vaddr_t)start, kernel_va_to_pa(start),
		     (uint64_t)(end - start), PAGE_SIZE, rights);
	if (err)
		panic("mmu: cannot map kernel %s: %s", what, err_name(err));
}

static void build_table(struct page_table *pt, unsigned levels, paddr_t fdt_pa,
			uint32_t fdt_size)
{
	paddr_t fdt_first = ALIGN_DOWN(fdt_pa, PAGE_SIZE);
	paddr_t fdt_last = ALIGN_UP(fdt_pa + fdt_size, PAGE_SIZE);
	err_t err;

	/* Free any pages of an earlier attempt: none of them is live. */
	for (; pt_pool_used; pt_pool_used--)
		for (unsigned i = 0; i < PT_ENTRIES; i++)
			pt_pool[pt_pool_used - 1][i] = 0;
	err = pt_init(pt, levels, &pool_mem);
	if (err)
		panic("mmu: cannot start the kernel page table: %s", err_name(err));
	map_section(pt, _start, __text_end, PT_KERNEL_RX, "text");
	map_section(pt, __rodata_start, __rodata_end, PT_KERNEL_RO, "rodata");
	/* .data and .bss, but not the boot stack's guard page. */
	map_section(pt, __data_start, boot_stack_guard, PT_KERNEL_RW, "data");
	map_section(pt, boot_stack, __bss_end, PT_KERNEL_RW, "boot stack and bss");
	err = pt_map(pt, (vaddr_t)mmu_fdt_va(fdt_first), fdt_first, fdt_last - fdt_first,
		     PAGE_SIZE, PT_KERNEL_RO);
	if (err)
		panic("mmu: cannot map the device tree: %s", err_name(err));
}

unsigned long mmu_satp_mode;

static unsigned long satp_for(const struct page_table *pt)
{
	unsigned long mode = pt->levels == PT_LEVELS_SV48 ? SATP_MODE_SV48 : SATP_MODE_SV39;

	return mode << SATP_MODE_SHIFT | (pt->root >> PAGE_SHIFT);
}

/*
 * Write satp and read it back.  An unsupported MODE makes the whole write
 * have no effect (priv. spec 4.1.11), so a mismatch means "refused".
 */
static bool try_satp(const struct page_table *pt)
{
	unsigned long want = satp_for(pt);

	csr_write(satp, want);
	tlb_flush_all();
	return csr_read(satp) == want;
}

unsigned mmu_init(unsigned max_levels, paddr_t fdt_pa, uint32_t fdt_size)
{
	unsigned levels = max_levels >= PT_LEVELS_SV48 ? PT_LEVELS_SV48 : PT_LEVELS_SV39;

	for (;; levels--) {
		build_table(&kernel_pt, levels, fdt_pa, fdt_size);
		if (try_satp(&kernel_pt)) {
			mmu_satp_mode = satp_for(&kernel_pt) & ~SATP_PPN_MASK;
			return levels;
		}
		if (levels == PT_LEVELS_SV39)
			panic("mmu: the hart refused Sv39 (satp reads 0x%lx)", csr_read(satp));
		printk("paging: hart refused %s, trying sv39\n", mmu_mode_name(levels));
	}
}

void *mmu_map_io(paddr_t pa, uint64_t size)
{
	paddr_t first = ALIGN_DOWN(pa, PAGE_SIZE);
	uint64_t len = ALIGN_UP(pa + size, PAGE_SIZE) - first;
	vaddr_t va = mmio_next;

	if (!size || len > MMIO_WINDOW_BASE + MMIO_WINDOW_SIZE - mmio_next)
		return NULL;
	if (pt_map(&kernel_pt, va, first, len, PAGE_SIZE, PT_KERNEL_RW) != ERR_OK)
		return NULL;
	mmio_next += len;
	tlb_flush_all();
	return (void *)(va + (pa - first));
}

/* The largest leaf that maps pa..end from pa, fully inside it. */
static uint64_t leaf_for(paddr_t pa, paddr_t end)
{
	if (IS_ALIGNED(pa, GIGAPAGE_SIZE) && end - pa >= GIGAPAGE_SIZE)
		return GIGAPAGE_SIZE;
	if (IS_ALIGNED(pa, MEGAPAGE_SIZE) && end - pa >= MEGAPAGE_SIZE)
		return MEGAPAGE_SIZE;
	return PAGE_SIZE;
}

static err_t map_direct_range(paddr_t start, paddr_t end)
{
	paddr_t pa = start;

	while (pa < end) {
		uint64_t leaf = leaf_for(pa, end);
		err_t err = pt_map(&kernel_pt, DIRECT_MAP_BASE + pa, pa, leaf, leaf, PT_KERNEL_RW);

		if (err)
			return err;
		pa += leaf;
	}
	return ERR_OK;
}

err_t mmu_map_direct(const struct memmap *mm)
{
	struct memmap_list mappable = mm->ram;
	unsigned i;
	err_t err = ERR_OK;

	for (i = 0; i < mm->nomap.n && !err; i++)
		err = memmap_subtract(&mappable, mm->nomap.r[i].start, mm->nomap.r[i].end);
	for (i = 0; i < mappable.n && !err; i++)
		err = map_direct_range(mappable.r[i].start, mappable.r[i].end);
	tlb_flush_all();
	if (!err)
		phys_set_window(0, (void *)DIRECT_MAP_BASE, DIRECT_MAP_SIZE);
	return err;
}

struct audit_state {
	struct mmu_audit *a;
	const struct memmap *mm;
};

/* Does a direct-map leaf [va, va + size) cover firmware memory? */
static bool covers_firmware(const struct memmap *mm, vaddr_t va, uint64_t size)
{
	paddr_t pa = va - DIRECT_MAP_BASE;
	unsigned i;

	if (!mm || va < DIRECT_MAP_BASE || va - DIRECT_MAP_BASE >= DIRECT_MAP_SIZE)
		return false;
	for (i = 0; i < mm->nomap.n; i++)
		if (pa < mm->nomap.r[i].end && mm->nomap.r[i].start < pa + size)
			return true;
	return false;
}

static bool audit_leaf(void *arg, vaddr_t va, pte_t pte, uint64_t size)
{
	struct audit_state *st = arg;
	struct mmu_audit *a = st->a;

	a->leaves++;
	if (covers_firmware(st->mm, va, size))
		a->firmware++;
	if ((pte & PTE_W) && (pte & PTE_X))
		a->write_exec++;
	if (!(pte & PTE_A) || ((pte & PTE_W) && !(pte & PTE_D)))
		a->missing_ad++;
	if (pte & PTE_U)
		a->user++;
	return true;
}

void mmu_audit(struct mmu_audit *out, const struct memmap *mm)
{
	struct audit_state st = { .a = out, .mm = mm };

	*out = (struct mmu_audit){ 0 };
	pt_for_each_leaf(&kernel_pt, audit_leaf, &st);
}

unsigned mmu_probe_asid_bits(void)
{
	unsigned long satp = csr_read(satp), probe;
	unsigned bits = 0;

	/* WARL field: writing all ones reads back the bits the hart keeps. */
	csr_write(satp, satp | SATP_ASID_MASK << SATP_ASID_SHIFT);
	probe = csr_read(satp) >> SATP_ASID_SHIFT & SATP_ASID_MASK;
	csr_write(satp, satp);
	tlb_flush_all();
	while (bits < 16 && (probe >> bits & 1))
		bits++;
	return bits;
}

void mmu_switch_asid(unsigned asid, bool flush)
{
	unsigned long satp = csr_read(satp) & ~(SATP_ASID_MASK << SATP_ASID_SHIFT);

	csr_write(satp, satp | (unsigned long)asid << SATP_ASID_SHIFT);
	if (flush)
		tlb_flush_all();
}

err_t mmu_prepare_kernel_half(vaddr_t start, uint64_t size)
{
	uint64_t step = pt_level_size(kernel_pt.levels - 1);
	vaddr_t va;
	err_t err = ERR_OK;

	for (va = ALIGN_DOWN(start, step); !err && va < start + size && va >= start - step;
	     va += step)
		err = pt_prepare(&kernel_pt, va, kernel_pt.levels - 2);
	return err;
}
