/*
 * Page tables whose table pages come from a struct mem's buddy allocator,
 * zeroed, and are reached through the phys window (mm/phys.h).  Emptied
 * tables go back to the buddy: use it only for tables no other hart may
 * still cache when pt_unmap frees them (see struct pt_mem).
 */
#ifndef TESSERA_MM_PT_BUDDY_H
#define TESSERA_MM_PT_BUDDY_H

#include "mm/mem.h"
#include "mm/pt.h"

/* The pt_mem for memory m (pass it to pt_init). */
struct pt_mem pt_mem_from_buddy(struct mem *m);

#endif
