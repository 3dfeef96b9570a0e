/* What boot learned, kept for the rest of the kernel (kernel/main.c). */
#ifndef TESSERA_KERNEL_BOOT_H
#define TESSERA_KERNEL_BOOT_H

#include "lib/cmdline.h"
#include "mm/bootinfo.h"

struct boot_state {
	uint64_t hartid;        /* the hart that booted */
	struct fdt fdt;         /* the validated device tree (in the FDT window) */
	struct boot_info info;  /* memory, reserved ranges, /chosen, harts */
	struct cmdline cmdline;
	unsigned levels;        /* page-table levels in use: 3 (Sv39) or 4 (Sv48) */
};

extern struct boot_state boot;

#endif
