/*
 * Physical memory bring-up in the kernel: mm/boot_mem.c does the work, this
 * file supplies the kernel's parts (printk for the log, the direct map for
 * the frame table, the hart index) and reports.
 */
#include "kernel_arch.h"
#include "kernel/boot.h"
#include "kernel/memory.h"
#include "kernel/printk.h"
#include "mm/phys.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"
#include "platform/platform.h"

struct memmap boot_memmap;
struct mem kmem;
struct vmalloc_space kvm;
struct asid_allocator kasid;
uint64_t memory_setup_instructions, memory_setup_pages;

static struct frame *table_in_direct_map(void *arg, paddr_t pa, uint64_t bytes)
{
	(void)arg;
	(void)bytes;
	return phys_to_virt(pa);
}

/* Called on every buddy and slab fast path: no frame, three instructions. */
static __attribute__((optimize("omit-frame-pointer"))) unsigned this_hart(void)
{
	return hart_index();
}

/*
 * The direct map needs the memory map, and the frame table needs the direct
 * map: so build the map, map it, then let mem_boot() rebuild the same map
 * and place the frame table (memmap_build is cheap and deterministic).
 */
void memory_init(void)
{
	struct mem_setup setup = {
		.limit = DIRECT_MAP_SIZE,
		.zone_dma_size = boot.cmdline.zone_dma_size,
		.nharts = boot.info.nusable < MEM_MAX_HARTS ? boot.info.nusable : MEM_MAX_HARTS,
		.this_hart = this_hart,
		.table_at = table_in_direct_map,
		.log = printk_line,
	};
	err_t err = memmap_build(&boot_memmap, &boot.info, DIRECT_MAP_SIZE, NULL, NULL);
	uint64_t start;

	/* Built quietly (mem_boot logs the same map); on failure, again, to say why. */
	if (err == ERR_NOT_FOUND) {
		memmap_build(&boot_memmap, &boot.info, DIRECT_MAP_SIZE, printk_line, NULL);
		platform_halt(HALT_FAILURE, "no usable RAM");
	}
	if (!err)
		err = mmu_map_direct(&boot_memmap);
	if (err) {
		printk("memory: cannot map RAM: %s\n", err_name(err));
		platform_halt(HALT_FAILURE, "no memory");
	}
	start = rdinstret();
	err = mem_boot(&kmem, &boot_memmap, &boot.info, &setup);
	memory_setup_instructions = rdinstret() - start;
	memory_setup_pages = memmap_pages(&boot_memmap.ram);
	if (err) {
		printk("memory: cannot set up the page allocator: %s\n", err_name(err));
		platform_halt(HALT_FAILURE, "no memory");
	}
	mem_report(&kmem, printk_line, NULL);
	slab_set_report(printk_line, NULL);
	kmalloc_init(&kmem);
	mmu_use_page_allocator(&kmem);
	/* User address spaces copy the kernel's root entries: make vmalloc's now. */
	if (mmu_prepare_kernel_half(VMALLOC_BASE, VMALLOC_SIZE) != ERR_OK)
		platform_halt(HALT_FAILURE, "no memory for the vmalloc tables");
	vmalloc_init(&kvm, &kernel_pt, &kmem, VMALLOC_BASE, VMALLOC_BASE + VMALLOC_SIZE,
		     tlb_shootdown);
}

void *vmalloc(uint64_t size)
{
	return vmalloc_area(&kvm, size, PAGE_SIZE, 0);
}

bool vfree(const void *p)
{
	return vfree_area(&kvm, p);
}

/*
 * Freed kernel stacks kept mapped for the next thread.  Unmapping a stack
 * is a TLB shootdown of every hart (an SBI remote fence that waits for all
 * of them); with a few kept, a task that makes and ends threads costs none.
 * Under the kernel lock, as every caller is.
 */
#define STACK_CACHE_MAX 8

static void *stack_cache[STACK_CACHE_MAX];
static unsigned stack_cache_count;

void *kernel_stack_alloc(void)
{
	if (stack_cache_count)
		return stack_cache[--stack_cache_count];
	return vmalloc_area(&kvm, KERNEL_STACK_SIZE, KERNEL_STACK_ALIGN, 0);
}

static void stack_unmap(void *stack)
{
	if (!vfree_area(&kvm, stack))
		panic("kernel_stack_free: %p is not a kernel stack", stack);
}

void kernel_stack_free(void *stack)
{
	if (stack_cache_count < STACK_CACHE_MAX)
		stack_cache[stack_cache_count++] = stack;
	else
		stack_unmap(stack);
}

void kernel_stack_cache_drain(void)
{
	while (stack_cache_count)
		stack_unmap(stack_cache[--stack_cache_count]);
}

void asid_setup(unsigned nharts)
{
	unsigned hw = mmu_probe_asid_bits();
	unsigned bits = hw;

	if (boot.cmdline.asid_bits >= 0 && (unsigned)boot.cmdline.asid_bits < hw)
		bits = (unsigned)boot.cmdline.asid_bits;
	asid_init(&kasid, bits, nharts);
	printk("asid: %u bits in use (the hart keeps %u)%s\n", kasid.bits, hw,
	       kasid.bits < bits ? ": fewer ASIDs than harts, so none" : "");
}
