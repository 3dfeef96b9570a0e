/*
 * The kernel's physical memory: the boot memory map and the page allocator
 * instance, set up once at boot (kernel/memory.c).
 */
#ifndef TESSERA_KERNEL_MEMORY_H
#define TESSERA_KERNEL_MEMORY_H

#include "mm/boot_mem.h"
#include "mm/asid.h"
#include "mm/vmalloc.h"

extern struct memmap boot_memmap;
extern struct mem kmem;
extern struct vmalloc_space kvm;   /* the vmalloc window (kernel_arch.h: layout.h) */
extern struct asid_allocator kasid; /* ASIDs for user address spaces */

/*
 * Probe the ASID width, cap it with asid_bits=, set up kasid for `nharts`
 * harts and print the "asid:" line.
 */
void asid_setup(unsigned nharts);

/*
 * What mem_boot() took at boot (bench frame_table_setup): instructions for
 * the memory map, frame table, zones and free lists of all the RAM the
 * kernel has, and that RAM's pages.
 */
extern uint64_t memory_setup_instructions, memory_setup_pages;

/*
 * Build the memory map, map all RAM in the direct map, set up the frame
 * table, zones, buddy and kmalloc, and print the zone and frame lines of the boot
 * report.  Stops the kernel with a clear message when memory cannot be set up.
 */
void memory_init(void);

/* Virtually contiguous kernel memory (mm/vmalloc.h); NULL when there is none. */
void *vmalloc(uint64_t size);
/* Free a vmalloc block; false (nothing done) if p is not one. */
bool vfree(const void *p);

/*
 * A kernel stack: KERNEL_STACK_SIZE bytes aligned to KERNEL_STACK_ALIGN,
 * with an unmapped guard page below (the trap entry's overflow test relies
 * on both).  Returns its lowest address, or NULL.
 */
void *kernel_stack_alloc(void);
void kernel_stack_free(void *stack);

/* Unmap the freed stacks kept for reuse (kernel_stack_free keeps a few). */
void kernel_stack_cache_drain(void);

#endif
