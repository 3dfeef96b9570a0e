/*
 * A small heap (see user/lib/ulib.h).  Blocks carry a 16-byte header with
 * their size; free blocks are kept in address order so that a freed block
 * merges with free neighbours.  The heap grows by mapping fresh (zeroed)
 * frames at its end: HEAP_GROW at a time, or one frame as big as a large
 * request (up to FRAME_MAX_SIZE).
 */
#include "ulib.h"

#define HEAP_GROW 0x10000ul   /* 64 KiB per frame */
#define ALIGN 16ul

struct block {
	size_t size;              /* bytes, header included */
	struct block *next;       /* in the free list */
};

static struct block *free_list;
static uintptr_t heap_end = HEAP_BASE;

static bool adjacent(const struct block *a, const struct block *b)
{
	return (uintptr_t)a + a->size == (uintptr_t)b;
}

/* Put b into the address-ordered free list, merging with its neighbours. */
static void insert_free(struct block *b)
{
	struct block *prev = NULL, *next = free_list;

	while (next && next < b) {
		prev = next;
		next = next->next;
	}
	b->next = next;
	if (next && adjacent(b, next)) {
		b->size += next->size;
		b->next = next->next;
	}
	if (prev && adjacent(prev, b)) {
		prev->size += b->size;
		prev->next = b->next;
	} else if (prev) {
		prev->next = b;
	} else {
		free_list = b;
	}
}

/*
 * Map one more frame at the end of the heap, big enough for `need` bytes
 * (HEAP_GROW, or the power of two above need); false when none is left.
 */
static bool grow(size_t need)
{
	uint64_t size = HEAP_GROW;
	long frame;

	while (size < need)
		size *= 2;
	if (size > FRAME_MAX_SIZE || heap_end + size > HEAP_LIMIT)
		return false;
	frame = sys_frame_alloc(size, 0);
	if (frame < 0)
		return false;
	if (sys_map(HANDLE_SELF, frame, 0, heap_end, size, MAP_READ | MAP_WRITE) < 0) {
		sys_handle_close(frame);
		return false;
	}
	sys_handle_close(frame);  /* the mapping keeps the frame */
	((struct block *)heap_end)->size = size;
	insert_free((struct block *)heap_end);
	heap_end += size;
	return true;
}

void *malloc(size_t size)
{
	size_t need;
	struct block **p, *b;

	if (size == 0 || size > FRAME_MAX_SIZE - sizeof(struct block))
		return NULL;
	need = (size + sizeof(struct block) + ALIGN - 1) & ~(ALIGN - 1);
	for (;;) {
		for (p = &free_list; (b = *p); p = &b->next) {
			if (b->size < need)
				continue;
			if (b->size - need >= 2 * ALIGN) {
				struct block *rest = (struct block *)((uintptr_t)b + need);

				rest->size = b->size - need;
				rest->next = b->next;
				*p = rest;
				b->size = need;
			} else {
				*p = b->next;
			}
			return b + 1;
		}
		if (!grow(need))
			return NULL;
	}
}

void *calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > (size_t)-1 / size)
		return NULL;
	p = malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void free(void *p)
{
	if (p)
		insert_free((struct block *)p - 1);
}
