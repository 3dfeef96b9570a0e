/*
 * Accesses that may fault (arch/riscv/probe.S).  Each returns 0 when the
 * access worked and 1 when it faulted; a fault here never stops the kernel.
 */
#ifndef TESSERA_ARCH_RISCV_PROBE_H
#define TESSERA_ARCH_RISCV_PROBE_H

#include <stdint.h>

int probe_load_u64(const uint64_t *addr, uint64_t *out);
int probe_store_u64(uint64_t *addr, uint64_t val);
int probe_illegal(void);
int probe_write_stimecmp(uint64_t val);

/* Exception-table lookup: the fixup for a faulting kernel pc, or 0. */
uint64_t extable_fixup(uint64_t pc);

#endif
