/*
 * Tessera's virtual memory layout on RISC-V, drawn once.
 *
 * Every kernel address below lies in the top 2 GiB, which is canonical in
 * both Sv39 (upper half starts at 0xffffffc000000000) and Sv48 (upper half
 * starts at 0xffff800000000000), so the same kernel image runs in either mode
 * without relinking.
 *
 *   0x0000000000000000 +---------------------------+
 *                      | never mapped (NULL)       |
 *   0x0000000000010000 +---------------------------+  USER_BASE (include/tessera/syscall.h)
 *                      | user space of each task:  |  programs linked here (user/user.ld):
 *                      | program, heap, ...        |  text RX, data RW; the user heap at
 *                      |                           |  0x20000000 (user/lib/ulib.h)
 *   0x000000003fffc000 | first thread's stack      |  USER_STACK_TOP - USER_STACK_SIZE, RW
 *   0x0000000040000000 +---------------------------+  USER_STACK_TOP
 *                      | what the task maps, or    |  the pager's own choices: its mmap
 *                      | its pager maps for it     |  window 0x1000000000-0x3000000000
 *                      |                           |  (user/pager/protocol.h)
 *   0x0000004000000000 +---------------------------+  USER_TOP (256 GiB: Sv39's lower half)
 *                      |                           |  ... non-canonical hole ...
 *   0xffffffc000000000 +---------------------------+  DIRECT_MAP_BASE (Sv39's upper half)
 *                      | direct map of RAM         |  va = DIRECT_MAP_BASE + pa, RW,
 *                      | (physical 0..128 GiB)     |  largest leaves that fit; firmware
 *                      |                           |  (no-map, mmode_resv*) left out
 *   0xffffffe000000000 +---------------------------+  VMALLOC_BASE (= end of the direct map)
 *                      | vmalloc: kernel stacks,   |  RW, 4 KiB pages, each area with an
 *                      | large tables (4 GiB)      |  unmapped guard page below it
 *   0xffffffe100000000 +---------------------------+  VMALLOC_BASE + VMALLOC_SIZE
 *                      | (free)                    |
 *   0xffffffff80000000 +---------------------------+  KERNEL_VIRT_BASE
 *                      | kernel image              |  text RX, rodata R, data+bss RW
 *                      | (up to KERNEL_IMAGE_MAX)  |
 *   0xffffffffc0000000 +---------------------------+  FDT_WINDOW_BASE
 *                      | device tree (read-only)   |  FDT_WINDOW_SIZE
 *   0xffffffffc0400000 +---------------------------+  MMIO_WINDOW_BASE
 *                      | device registers          |  MMIO_WINDOW_SIZE, 4 KiB pages
 *   0xffffffffc0600000 +---------------------------+
 *                      | (free)                    |
 *   0xffffffffffffffff +---------------------------+
 *
 * Physically the image sits at any 2 MiB-aligned address (0x80200000 on QEMU
 * and the SiFive boards, 0x40200000 on VisionFive 2): the boot page table maps
 * KERNEL_VIRT_BASE to wherever it was loaded.  The early boot table also
 * identity-maps the image for the instant satp is first written.
 *
 * This header is included from assembly: keep it to #defines outside the
 * C-only block.
 */
#ifndef TESSERA_ARCH_RISCV_LAYOUT_H
#define TESSERA_ARCH_RISCV_LAYOUT_H

#define DIRECT_MAP_BASE 0xffffffc000000000
#define DIRECT_MAP_SIZE 0x2000000000             /* 128 GiB of physical addresses */
#define VMALLOC_BASE 0xffffffe000000000
#define VMALLOC_SIZE 0x100000000                 /* 4 GiB: 4 root entries in Sv39 */
#define KERNEL_VIRT_BASE 0xffffffff80000000

/*
 * Kernel stacks: KERNEL_STACK_SIZE bytes whose bottom is aligned to twice
 * that, with an unmapped guard page below.  So for any sp inside a stack the
 * KERNEL_STACK_SHIFT bit of sp is 0, and just below the bottom it is 1: the
 * trap entry tells an overflow with one test (arch/riscv/trap.S).
 */
#define KERNEL_STACK_SHIFT 14
#define KERNEL_STACK_SIZE (1 << KERNEL_STACK_SHIFT)        /* 16 KiB */
#define KERNEL_STACK_ALIGN (2 * KERNEL_STACK_SIZE)
#define OVERFLOW_STACK_SHIFT 11
#define OVERFLOW_STACK_SIZE (1 << OVERFLOW_STACK_SHIFT)    /* per hart, for the report */
#define KERNEL_IMAGE_MAX 0x40000000             /* 1 GiB */
#define FDT_WINDOW_BASE 0xffffffffc0000000
#define FDT_WINDOW_SIZE 0x00400000               /* 2 MiB blob at any offset */
#define MMIO_WINDOW_BASE 0xffffffffc0400000
#define MMIO_WINDOW_SIZE 0x00200000

/* Load offset from the start of RAM that boot loaders use (Image header). */
#define KERNEL_TEXT_OFFSET 0x200000
/* Physical address of the ELF's load segments (QEMU -kernel). */
#define KERNEL_LOAD_PHYS_DEFAULT 0x80200000


#ifndef __ASSEMBLER__
#include "tessera/syscall.h"
#include "tessera/types.h"

_Static_assert(USER_BASE < USER_STACK_TOP - USER_STACK_SIZE && USER_STACK_TOP <= USER_TOP,
	       "the first stack lies inside user space");
_Static_assert(USER_TOP <= 0x4000000000ull,
	       "user space fits Sv39's lower half (and so Sv48's)");

_Static_assert(DIRECT_MAP_BASE + DIRECT_MAP_SIZE <= KERNEL_VIRT_BASE,
	       "the direct map ends below the kernel image");
_Static_assert(DIRECT_MAP_BASE % 0x40000000 == 0, "the direct map is gigapage aligned");
_Static_assert(DIRECT_MAP_BASE + DIRECT_MAP_SIZE == VMALLOC_BASE &&
	       VMALLOC_BASE + VMALLOC_SIZE <= KERNEL_VIRT_BASE,
	       "vmalloc lies between the direct map and the image");
_Static_assert(KERNEL_VIRT_BASE + KERNEL_IMAGE_MAX == FDT_WINDOW_BASE,
	       "the FDT window follows the image area");
_Static_assert(FDT_WINDOW_BASE + FDT_WINDOW_SIZE == MMIO_WINDOW_BASE,
	       "the MMIO window follows the FDT window");
_Static_assert(MMIO_WINDOW_BASE + MMIO_WINDOW_SIZE > MMIO_WINDOW_BASE,
	       "the MMIO window does not wrap");
_Static_assert(KERNEL_VIRT_BASE >= 0xffffffc000000000ull,
	       "the kernel lies in the Sv39 (and so Sv48) upper half");
_Static_assert((KERNEL_TEXT_OFFSET % 0x200000) == 0 &&
	       (FDT_WINDOW_BASE % 0x200000) == 0 && (MMIO_WINDOW_BASE % 0x200000) == 0,
	       "windows are megapage aligned");

/* Linker-provided section bounds (arch/riscv/kernel.ld). */
extern char _start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_start[], __bss_end[], _end[];
/* The boot hart's stack and the unmapped page below it (arch/riscv/head.S). */
extern char boot_stack_guard[], boot_stack[], boot_stack_top[];

/* Physical address the image was loaded at (set once, early in boot). */
extern paddr_t kernel_load_pa;

/* Kernel image virtual address <-> physical address. */
static inline paddr_t kernel_va_to_pa(const void *va)
{
	return (paddr_t)((vaddr_t)va - KERNEL_VIRT_BASE) + kernel_load_pa;
}

static inline void *kernel_pa_to_va(paddr_t pa)
{
	return (void *)(vaddr_t)(pa - kernel_load_pa + KERNEL_VIRT_BASE);
}
#endif

#endif /* TESSERA_ARCH_RISCV_LAYOUT_H */
