/* Page-table pages from the buddy (see mm/pt_buddy.h). */
#include "mm/buddy.h"
#include "mm/phys.h"
#include "mm/pt_buddy.h"

static paddr_t table_alloc(void *arg)
{
	struct mem *m = arg;
	struct frame *f = buddy_alloc(m, 0, ALLOC_ZERO);

	return f ? mem_frame_pa(m, f) : 0;
}

static void table_free(void *arg, paddr_t pa)
{
	struct mem *m = arg;

	buddy_free(m, mem_frame_at(m, pa), 0);
}

struct pt_mem pt_mem_from_buddy(struct mem *m)
{
	return (struct pt_mem){ .alloc_table = table_alloc, .table = NULL,  /* the phys window */
				.free_table = table_free, .arg = m };
}
