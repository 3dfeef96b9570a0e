/*
 * The kernel's physical memory: the boot memory map and the page allocator
 * instance, set up once at boot (kernel/memory.c).
 */
#ifndef TESSERA_KERNEL_MEMORY_H
#define TESSERA_KERNEL_MEMORY_H

#include "mm/boot_mem.h"

extern struct memmap boot_memmap;
extern struct mem kmem;

/* Instructions mem_boot() took per GiB of RAM (bench frame_table_setup_per_gib). */
extern uint64_t memory_setup_instructions_per_gib;

/*
 * Build the memory map, map all RAM in the direct map, set up the frame
 * table, zones, buddy and kmalloc, and print the zone and frame lines of the boot
 * report.  Stops the kernel with a clear message when memory cannot be set up.
 */
void memory_init(void);

#endif
