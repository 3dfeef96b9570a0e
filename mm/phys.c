/* The physical-memory window of mm/phys.h. */
#include "mm/phys.h"

struct phys_window phys_window;

void phys_set_window(paddr_t pa, void *va, uint64_t size)
{
	phys_window.pa = pa;
	phys_window.va = va;
	phys_window.size = size;
}
