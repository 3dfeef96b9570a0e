/*
 * TLB maintenance.  Every flush in the kernel goes through these, so that a
 * per-core workaround is one switch: on FU540 `sfence.vma` with an address
 * does not work, and on FU740 (CIP-1200) the I-TLB may ignore a non-global
 * one (OpenSBI platform/generic/sifive/fu540.c, fu740.c).  Until the kernel
 * tells cores apart, tlb_flush_page() flushes everything.
 */
#ifndef TESSERA_ARCH_RISCV_TLB_H
#define TESSERA_ARCH_RISCV_TLB_H

#include "tessera/types.h"

static inline void tlb_flush_all(void)
{
	__asm__ volatile("sfence.vma zero, zero" ::: "memory");
}

static inline void tlb_flush_page(vaddr_t va)
{
	(void)va;
	tlb_flush_all();
}

/*
 * Make a change to the kernel's mappings of [va, va + size) visible on every
 * online hart: a local flush, then SBI RFENCE remote_sfence_vma to the
 * others (arch/riscv/tlb.c).  Returns when every hart has flushed.
 */
void tlb_shootdown(vaddr_t va, uint64_t size);

/* tlb_shootdown's size for every address (the SBI's "flush all", -1). */
#define TLB_FLUSH_ALL_SIZE (~0ul)

#endif /* TESSERA_ARCH_RISCV_TLB_H */
