/*
 * TLB shootdown for kernel mappings (see arch/riscv/tlb.h).  SBI RFENCE
 * remote_sfence_vma (SBI spec chapter 8) waits until the other harts have
 * flushed; hart_mask_base = -1 selects every hart, the caller's included
 * (its flush is then done twice: harmless).  Without RFENCE, and while only
 * the boot hart runs, a local flush is all there is to do.
 */
#include "arch/riscv/sbi.h"
#include "arch/riscv/smp.h"
#include "arch/riscv/tlb.h"
#include "kernel/printk.h"

#define SBI_RFENCE_SFENCE_VMA 1
#define SBI_HART_MASK_ALL ((unsigned long)-1)

void tlb_shootdown(vaddr_t va, uint64_t size)
{
	struct sbiret r;

	tlb_flush_all();
	if (smp_online() <= 1)
		return;
	if (!sbi.rfence)
		panic("tlb: %u harts online but the firmware has no RFENCE", smp_online());
	r = sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_SFENCE_VMA, 0, SBI_HART_MASK_ALL, va, size);
	if (r.error)
		panic("tlb: remote sfence.vma failed: SBI error %ld", r.error);
}
