/*
 * The PLIC (platform/plic.c): devices' interrupts routed to the boot hart's
 * supervisor context.  Callers serialize (the kernel lock).
 */
#ifndef TESSERA_PLATFORM_PLIC_H
#define TESSERA_PLATFORM_PLIC_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/fdt.h"

/*
 * Find the PLIC that is dev's interrupt parent and route dev's interrupt
 * (its one `interrupts` cell) to the S-mode context of hart `hartid`:
 * priority 1, enabled, threshold 0.  True with "PLIC source N, context C"
 * in what; false with the reason there (then nothing was changed).
 */
bool plic_route(const struct fdt *fdt, fdt_node_t dev, uint64_t hartid, char *what,
		unsigned what_size);

/* Source irq no longer interrupts (a driver let its device go). */
void plic_disable(uint32_t irq);

/* Claim the highest pending source of that context: its number, or 0. */
uint32_t plic_claim(void);

/* The source claimed may interrupt again. */
void plic_complete(uint32_t irq);

#endif
