/*
 * mm/'s hook for "which hart is calling", kernel version: the hart index is
 * in tp (arch/riscv/hart.h), one instruction, no call.  The host version is
 * mm/host/mm_hart.h; the build picks one by include path, so mm/ has no #if.
 * `this_hart` is the struct mem's callback, which in the kernel returns the
 * same index: unused here.
 */
#ifndef TESSERA_MM_HART_HOOK_H
#define TESSERA_MM_HART_HOOK_H

static inline unsigned long mm_hart_index(unsigned (*this_hart)(void))
{
	unsigned long tp;

	(void)this_hart;
	__asm__ volatile("mv %0, tp" : "=r"(tp)); /* a full register: no extension */
	return tp;
}

#endif
