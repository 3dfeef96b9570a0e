/*
 * The slab allocator: caches of equal-sized objects cut out of buddy blocks
 * (mm/buddy.h), and kmalloc size classes on top of them.
 *
 * A cache hands out objects of one size.  Its memory comes in slabs: one
 * buddy block of 2^order pages, with a small header at its start and the
 * object slots after it.  A slab is on exactly one of the cache's lists:
 * full (no free object), partial, or empty (every object free); at most
 * SLAB_KEEP_EMPTY empty slabs stay, the rest go back to the buddy.  Every
 * frame of a slab is FRAME_SLAB with `owner` pointing at the slab header, so
 * kfree() finds an object's cache from the address alone.  mm/slab.c draws
 * the layout.
 *
 * In front of the slabs, each hart has a magazine per cache: an array of
 * free object pointers that allocation and free use without a lock, refilled
 * from and drained to the slabs in batches.  Objects in a magazine are free
 * for users but still counted "in use" by their slab.
 *
 * Constructors: ctor(obj) runs once per object when its slab is made, never
 * on allocation or free.  Objects are expected back in their constructed
 * state (Linux's rule); the allocator stores its free pointer outside the
 * object of a cache with a ctor so it never clobbers that state.
 * ALLOC_ZERO zeroes the object after it left the cache (the ctor's work is
 * then the caller's choice to lose).
 *
 * Debug mode (SLAB_DEBUG on a cache, or every cache when built with the
 * meson option slab_debug): red zones around each object, poisoned free
 * objects, a state word per object, and checks on every allocation and free.
 * Problems are reported through the report hook, one line each, naming the
 * cache, the object and the problem, and counted in the cache's
 * debug_errors; the bad operation is refused (see mm/slab_debug.c).  Debug
 * caches skip the magazines so that every operation is checked.  A cache
 * with a ctor is not poisoned (that would destroy the constructed state).
 *
 * kmalloc is global: kmalloc_init() binds it to one struct mem (the kernel's
 * `kmem`) and it serves that memory only.  Caches made with
 * kmem_cache_create() may each use any struct mem.
 */
#ifndef TESSERA_MM_SLAB_H
#define TESSERA_MM_SLAB_H

#include "mm/buddy.h"

/*
 * Cache flags for kmem_cache_create.
 *
 * Where the slabs' pages come from:
 */
#define SLAB_DMA (1u << 0)           /* ZONE_DMA (buddy ALLOC_DMA) */
/* Layout: */
#define SLAB_HWCACHE_ALIGN (1u << 1) /* align objects to SLAB_CACHE_LINE */
/* Checking: */
#define SLAB_DEBUG (1u << 2)         /* red zones, poison, checks, reports */

#define SLAB_CACHE_LINE 64           /* bytes; SLAB_HWCACHE_ALIGN's alignment */
#define SLAB_MAX_SIZE 4096           /* the largest object a cache holds */
#define SLAB_NAME_MAX 32             /* a cache keeps its name, cut to 31 bytes */
#define SLAB_KEEP_EMPTY 2            /* empty slabs a cache keeps for reuse */

/* kmalloc: sizes up to KMALLOC_MAX_CACHE_SIZE come from size classes. */
#define KMALLOC_MAX_CACHE_SIZE SLAB_MAX_SIZE
#define KMALLOC_CLASSES 12           /* 8 16 32 64 96 128 192 256 512 1K 2K 4K */

struct kmem_cache;

/*
 * Make a cache of objects of `size` bytes (rounded up to 8) aligned to
 * `align` (0: 8; smaller powers of two also mean 8).  `name` is copied.
 * Returns the cache, or NULL: bad arguments (name NULL, size 0 or above
 * SLAB_MAX_SIZE, align not a power of two or above PAGE_SIZE, unknown
 * flags) or no memory for the descriptor.  `m` must have a buddy
 * (buddy_init) and a phys window over the pages it hands out.
 */
struct kmem_cache *kmem_cache_create(struct mem *m, const char *name, size_t size,
				     size_t align, unsigned flags, void (*ctor)(void *obj));

/*
 * An object of c, or NULL when no memory is left.  flags: ALLOC_ZERO (zero
 * the object), ALLOC_NOWAIT (passed to the buddy when a slab is needed).
 */
void *kmem_cache_alloc(struct kmem_cache *c, unsigned flags);

/*
 * Give obj back to c.  NULL is ignored.  A pointer that is not an object
 * of c is reported and refused (in every mode: not a slab object, or of
 * another cache; debug mode also: not an object start, double free).
 */
void kmem_cache_free(struct kmem_cache *c, void *obj);

/*
 * Destroy c and give all its memory back.  Refused, with a report, while
 * objects are allocated (c stays usable) or for a kmalloc cache.  Requires
 * that no other hart uses c: it empties every hart's magazine.
 */
void kmem_cache_destroy(struct kmem_cache *c);

/*
 * Empty the calling hart's magazine of c and give every empty slab back to
 * the buddy.  Returns the pages freed.  Other harts' magazines are theirs:
 * objects there keep their slabs (shrink on each hart to get them all).
 */
uint64_t kmem_cache_shrink(struct kmem_cache *c);

/* slabinfo: a snapshot of one cache (exact when no other hart uses it). */
struct slab_stats {
	const char *name;
	size_t object_size;       /* bytes per object (the rounded size) */
	size_t slab_size;         /* bytes per slab */
	size_t objects_per_slab;
	uint64_t active_objects;  /* allocated by users */
	uint64_t cached_objects;  /* free in the per-hart magazines */
	uint64_t total_objects;   /* in all slabs: active + cached + free in slabs */
	uint64_t slabs_full, slabs_partial, slabs_empty;
	uint64_t allocs, frees;   /* successful kmem_cache_alloc / free calls */
	uint64_t debug_errors;    /* reports about this cache */
	unsigned harts;           /* hart_*[0..harts): harts with a magazine */
	uint64_t hart_cached[MEM_MAX_HARTS];   /* objects in each hart's magazine */
	uint64_t hart_allocs[MEM_MAX_HARTS];   /* calls its magazine served */
	uint64_t hart_refilled[MEM_MAX_HARTS]; /* objects it took from the slabs */
	uint64_t hart_drained[MEM_MAX_HARTS];  /* objects it gave back to them */
};

/* Fill *out for c.  Returns false if c or out is NULL. */
bool kmem_cache_stats(struct kmem_cache *c, struct slab_stats *out);

/*
 * All caches, in creation order: the first for prev == NULL, then the one
 * after prev; NULL at the end.  prev must not be destroyed meanwhile.
 */
struct kmem_cache *kmem_cache_next(struct kmem_cache *prev);

/*
 * Check every invariant of c (lists, counters, frames, freelists, debug
 * state words, magazines).  Returns true, or false with the first broken
 * invariant in why[] (may be NULL).  Requires that no other hart uses c.
 */
bool kmem_cache_check(struct kmem_cache *c, char *why, size_t why_size);

/*
 * Where reports go: fn(arg, line) with one line, no newline, e.g.
 *   "slab: kmalloc-64: double free of object 0xffffffc080123440"
 * fn may be called with a cache lock held: it must not use the slab
 * allocator.  NULL: reports are only counted.
 */
void slab_set_report(void (*fn)(void *arg, const char *line), void *arg);

/*
 * Set up kmalloc on memory m: size classes "kmalloc-8" .. "kmalloc-4096",
 * and "dma-kmalloc-8" .. "dma-kmalloc-4096" when m has a ZONE_DMA, and the
 * buddy's shrinker (it shrinks every cache of m).  Once; later calls do
 * nothing.  Requires buddy_init on m and that no other hart runs yet.
 */
void kmalloc_init(struct mem *m);

/*
 * size bytes, or NULL (size 0, no memory, before kmalloc_init).  flags:
 * ALLOC_DMA or ALLOC_DMA32 (from the dma-kmalloc classes, which are below
 * both limits; blocks above KMALLOC_MAX_CACHE_SIZE get the flag itself),
 * ALLOC_ZERO, ALLOC_NOWAIT.  Above KMALLOC_MAX_CACHE_SIZE the memory is a
 * buddy block of the smallest order that fits (NULL from MAX_ORDER on).
 */
void *kmalloc(size_t size, unsigned flags);

/* kmalloc with ALLOC_ZERO: the first size bytes zeroed (by the fast path when it can). */
void *kzalloc(size_t size, unsigned flags);

/*
 * Free memory from kmalloc (any slab object is given back to its own
 * cache).  NULL is ignored; a pointer kmalloc did not hand out is reported
 * and refused.
 */
void kfree(const void *p);

/* The usable bytes at p (from kmalloc), or 0 when p is not one of its blocks. */
size_t ksize(const void *p);

/* kmalloc's cache of a size class (0..KMALLOC_CLASSES-1), or NULL. */
struct kmem_cache *kmalloc_cache(unsigned index, bool dma);

/* Reports about kfree pointers that belong to no cache (no cache to count them). */
uint64_t kmalloc_debug_errors(void);

#endif
