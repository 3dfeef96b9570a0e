/* The pager's chunks: frames from the kernel, mapped into the pager (pool.h). */
#include "pool.h"
#include "ulib.h"

static bool kernel_grow(void *arg, unsigned index, long *handle, uint8_t **va)
{
	(void)arg;
	*handle = sys_frame_alloc(POOL_CHUNK_SIZE, 0);
	if (*handle < 0)
		return false;
	*va = (uint8_t *)(POOL_VA + index * POOL_CHUNK_SIZE);
	if (sys_map(HANDLE_SELF, *handle, 0, (unsigned long)*va, POOL_CHUNK_SIZE,
		    MAP_READ | MAP_WRITE) < 0) {
		sys_handle_close(*handle);
		return false;
	}
	return true;
}

void pool_use_kernel(void)
{
	static const struct pool_source source = { kernel_grow, 0 };

	pool_set_source(&source);
}
