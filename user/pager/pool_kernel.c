/* The pager's chunks: frames from the kernel, mapped into the pager (pool.h). */
#include "pool.h"
#include "ulib.h"

/*
 * The first chunk may be smaller than 2 MiB: where no 2 MiB block is free
 * (little RAM, or RAM broken up by the firmware and the kernel image), the
 * pager takes halves down to POOL_CHUNK_MIN rather than none, so that it
 * can start at all.
 *
 * Later chunks are whole 2 MiB blocks only: the pool never gives memory
 * back to the kernel, and a pager that took every small block would leave
 * the kernel none for tasks, stacks and page tables (qemu/virt-8m's pager
 * deaths start 200 pagers; with swap, a 53 MiB client in 16 MiB needs
 * about 30 table pages the kernel could then not find, and the kernel
 * refused the pager's map reply).  Without swap they go down to the zone's
 * low watermark, as any allocation.
 *
 * With swap the pager can reclaim instead, so it grows only into memory to
 * spare (FRAME_ALLOC_SPARE: the zone keeps its high watermark free).  When
 * the kernel refuses, the pager reclaims (user/pager/swap.c): the zone's
 * watermark, not the pool running dry, starts reclaim, and the memory
 * between the watermarks stays the kernel's.  Only when reclaim finds
 * nothing to take does swap.c let the pool grow as it would without swap
 * (pool_kernel_spare_only(false) for one chunk).
 */
#define POOL_CHUNK_MIN 0x10000ul          /* 64 KiB */

static bool spare_only;

void pool_kernel_spare_only(bool on)
{
	spare_only = on;
}

static bool kernel_grow(void *arg, unsigned index, long *handle, uint8_t **va, uint32_t *npages)
{
	uint64_t size, smallest = index == 0 ? POOL_CHUNK_MIN : POOL_CHUNK_SIZE;
	unsigned long flags = index > 0 && spare_only ? FRAME_ALLOC_SPARE : 0;

	(void)arg;
	for (size = POOL_CHUNK_SIZE; size >= smallest; size /= 2) {
		*handle = sys_frame_alloc(size, flags);
		if (*handle >= 0)
			break;
		if (*handle != -ERR_NO_MEMORY)
			return false;
	}
	if (*handle < 0)
		return false;
	*va = (uint8_t *)(POOL_VA + index * POOL_CHUNK_SIZE);
	if (sys_map(HANDLE_SELF, *handle, 0, (unsigned long)*va, size, MAP_READ | MAP_WRITE) < 0) {
		sys_handle_close(*handle);
		return false;
	}
	*npages = (uint32_t)(size / 4096);
	return true;
}

void pool_use_kernel(void)
{
	static const struct pool_source source = { kernel_grow, 0 };

	pool_set_source(&source);
}
