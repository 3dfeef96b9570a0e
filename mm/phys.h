/*
 * How mm/ reaches the bytes of physical memory: one linear window,
 *   va = window_va + (pa - window_pa)  for pa in [window_pa, window_pa + size).
 * In the kernel the window is the direct map; in host tests, an arena that
 * stands for RAM; in tessera-mm there is none (phys_to_virt returns NULL and
 * nothing reads page contents).
 */
#ifndef TESSERA_MM_PHYS_H
#define TESSERA_MM_PHYS_H

#include "tessera/types.h"

struct phys_window {
	paddr_t pa;
	uint8_t *va;
	uint64_t size;
};

extern struct phys_window phys_window;

/* Install the window (size 0: none). */
void phys_set_window(paddr_t pa, void *va, uint64_t size);

/* The address through which `pa` can be read and written, or NULL. */
static inline void *phys_to_virt(paddr_t pa)
{
	if (pa - phys_window.pa >= phys_window.size)
		return NULL;
	return phys_window.va + (pa - phys_window.pa);
}

/* The physical address of a window address (which must lie in the window). */
static inline paddr_t virt_to_phys(const void *va)
{
	return phys_window.pa + (paddr_t)((const uint8_t *)va - phys_window.va);
}

static inline pfn_t pa_to_pfn(paddr_t pa)
{
	return pa >> PAGE_SHIFT;
}

static inline paddr_t pfn_to_pa(pfn_t pfn)
{
	return pfn << PAGE_SHIFT;
}

#endif
