/*
 * Stopping a device that a user-space driver let go of (platform/
 * device_stop.c), so that it no longer reads or writes memory on its own.
 */
#ifndef TESSERA_PLATFORM_DEVICE_STOP_H
#define TESSERA_PLATFORM_DEVICE_STOP_H

#include "tessera/errors.h"
#include "mm/fdt.h"

/* How to stop one device: filled by device_stop_prepare. */
struct device_stop {
	void (*stop)(volatile uint32_t *regs);
	volatile uint32_t *regs;      /* the first page of its registers, the kernel's */
};

/*
 * Get ready to stop `node`, whose registers start at `regs_pa`: ERR_OK with
 * *out set; ERR_NOT_SUPPORTED when the kernel knows no way to stop such a
 * device; ERR_NO_MEMORY when no kernel mapping is left for its registers.
 * A device opened again reuses its mapping.  Under the kernel lock.
 */
err_t device_stop_prepare(const struct fdt *fdt, fdt_node_t node, paddr_t regs_pa,
			  struct device_stop *out);

/* Stop it now: no more memory accesses, no more interrupts. */
void device_stop(const struct device_stop *s);

#endif
