/*
 * mm/'s hook for "which hart is calling", host version: ask the struct
 * mem's callback (tests simulate harts with it).  The kernel's version is
 * arch/riscv/mmhook/mm_hart.h; the build picks one by include path.
 */
#ifndef TESSERA_MM_HART_HOOK_H
#define TESSERA_MM_HART_HOOK_H

static inline unsigned long mm_hart_index(unsigned (*this_hart)(void))
{
	return this_hart();
}

#endif
