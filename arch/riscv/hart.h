/*
 * Which hart is running.  `tp` holds the running hart's index (0 for the
 * boot hart, 1.. for the others in the order they were started); per-hart
 * data is indexed by it.  Set in arch/riscv/head.S.
 */
#ifndef TESSERA_ARCH_RISCV_HART_H
#define TESSERA_ARCH_RISCV_HART_H

#include <stdint.h>

/*
 * instret at the kernel's first instruction on the boot hart (head.S): what
 * the firmware and any loader before it retired, an exact count under
 * QEMU -icount only.
 */
extern uint64_t boot_entry_instret;

static inline unsigned hart_index(void)
{
	unsigned long tp;

	__asm__ volatile("mv %0, tp" : "=r"(tp));
	return (unsigned)tp;
}

#endif
