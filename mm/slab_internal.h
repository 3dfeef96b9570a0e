/*
 * Private to the slab allocator (API in mm/slab.h): what its five files
 * share, and nothing else includes.
 *
 *   mm/slab.c        slabs and magazines: the allocator proper; the slab
 *                    layout, the invariants and the lock order
 *   mm/slab_cache.c  caches: creation and layout, the list of caches,
 *                    statistics, the shrinker over all caches
 *   mm/kmalloc.c     size classes, kmalloc/kzalloc/kfree/ksize, large
 *                    blocks, the buddy's shrinker
 *   mm/slab_debug.c  red zones, poison, state words, and the reports
 *   mm/slab_check.c  kmem_cache_check
 *
 * Below: the structures, the slot accessors, the frame lookup, the magazine
 * fast paths, and the functions one file calls in another.
 */
#ifndef TESSERA_MM_SLAB_INTERNAL_H
#define TESSERA_MM_SLAB_INTERNAL_H

#include <string.h>

#include "mm/phys.h"
#include "mm_hart.h"
#include "mm/slab.h"

#ifndef SLAB_DEBUG_ALL
#define SLAB_DEBUG_ALL 0 /* meson option slab_debug: SLAB_DEBUG on every cache */
#endif

#define SLAB_KMALLOC (1u << 31) /* private cache flag: a kmalloc class, never destroyed */

/* Magazine capacity: MAG_MAX objects up to MAG_SMALL bytes, half up to MAG_MEDIUM, else a quarter. */
#define MAG_MAX 32u
#define MAG_SMALL 256u
#define MAG_MEDIUM 1024u

/* Debug layout and patterns (slot picture in mm/slab.c). */
#define STATE_BYTES 8u
#define REDZONE_BYTES 8u
#define REDZONE_BYTE 0xbb
#define POISON_BYTE 0x6b
#define OBJ_FREE 0xf7eef7eef7eef7eeull
#define OBJ_ALLOCATED 0xa110ca7eda110ca7ull

enum slab_list { SLABS_FULL, SLABS_PARTIAL, SLABS_EMPTY, SLAB_LISTS };

/* The header at the start of each slab; its cache's lock protects it. */
struct slab {
	struct list link;          /* on cache->lists[] */
	struct kmem_cache *cache;
	struct frame *frame;       /* head frame of the buddy block */
	void *freelist;            /* first free object, NULL if none */
	unsigned inuse;            /* objects off the freelist (users' or in magazines) */
};

/*
 * One hart's free objects of one cache; touched only by that hart.  The
 * frees it served are not counted (an increment less on the free fast
 * path) but follow from the rest: every object that came in (refilled,
 * freed) went out (allocated, drained) or is still here, so
 *   frees = count + allocs + drained - refilled    (magazine_frees in mm/slab.c).
 * `limit` is its cache's mag_limit, copied so the free fast path reads one
 * line; the closed magazine (mm/slab.c) has count = limit = 0, so both
 * fast paths miss on it.
 */
struct magazine {
	void *objects[MAG_MAX];    /* first: objects[i] is at g + 8 i, no offset to add */
	size_t count;              /* objects[0..count): oldest first */
	size_t limit;              /* count never exceeds it */
	uint64_t allocs;           /* calls this magazine served */
	uint64_t refilled, drained; /* objects taken from, given back to the slabs */
};

/*
 * Where the free fast path finds an object's frame without a call, a loop
 * or a division: the pages of the first frame block (on most boards the
 * only one) that lie in the phys window, as one run of window addresses
 *   frame of p = frames[(p - va) >> PAGE_SHIFT]   for p - va < bytes.
 * Example: block pfns 0x80000.., window pa 0x80000000 at va V: va = V and
 * p = V + 0x3010 gives frames[3].  What frame_of gives for those pages; a
 * pointer outside (bytes 0: no window yet) takes the general path.  Set
 * when a cache is made: the window must not move while caches live.
 */
struct frame_map {
	uintptr_t va;
	uintptr_t bytes;
	struct frame *frames;
};

struct kmem_cache {
	/*
	 * Hart h's magazine is *mags[h]: &mag_store[h] for h < nmags, else
	 * the closed magazine.  A pointer, so the fast path finds it with one
	 * load (no multiply by its size), and every entry is one, so it needs
	 * no bound but the mask in hart_magazine.  First, so that its address
	 * is c + 8 h.
	 */
	struct magazine *mags[MEM_MAX_HARTS];
	struct list link;          /* on cache_list */
	char name[SLAB_NAME_MAX];
	struct mem *m;
	unsigned (*this_hart)(void); /* m->this_hart, copied: one load less on the fast paths */
	struct frame_map map;      /* of m, for the free fast path */
	unsigned flags;            /* SLAB_* */
	unsigned page_flags;       /* buddy flags of the slabs' blocks */
	void (*ctor)(void *obj);
	/* Geometry, fixed at creation (picture in mm/slab.c). */
	size_t size;               /* object bytes, a multiple of 8 */
	size_t align;
	size_t stride;             /* bytes per slot */
	size_t object_offset;      /* object within its slot */
	size_t free_offset;        /* free pointer from the object start */
	size_t first_slot;         /* slot 0 from the slab start */
	unsigned order, objects;   /* a slab: 2^order pages, `objects` slots */
	unsigned mag_limit, mag_batch; /* magazine capacity; objects per refill or drain */
	struct frame *self;        /* this descriptor's own buddy block */
	unsigned self_order;
	struct spinlock lock;      /* protects lists, nslabs, inuse and the slabs */
	struct list lists[SLAB_LISTS];
	uint64_t nslabs[SLAB_LISTS];
	uint64_t inuse;
	uint64_t allocs, frees;    /* atomic: calls served without a magazine */
	uint64_t debug_errors;     /* atomic */
	unsigned nmags;            /* magazines of harts 0..nmags-1 (0: debug cache) */
	struct magazine mag_store[];
};

/* ---- slots ----------------------------------------------------------------------- */

/* The object in slot i of slab s. */
static inline uint8_t *slot_object(const struct kmem_cache *c, const struct slab *s, size_t i)
{
	return (uint8_t *)s + c->first_slot + i * c->stride + c->object_offset;
}

/* The slot index of the slot holding byte p of slab s, or -1 (header, unused tail). */
static inline long slot_index(const struct kmem_cache *c, const struct slab *s, const void *p)
{
	uintptr_t first = (uintptr_t)s + c->first_slot;
	uintptr_t i = ((uintptr_t)p - first) / c->stride;

	return (uintptr_t)p >= first && i < c->objects ? (long)i : -1;
}

static inline void *get_free_ptr(const struct kmem_cache *c, const void *obj)
{
	void *next;

	memcpy(&next, (const uint8_t *)obj + c->free_offset, sizeof(next));
	return next;
}

static inline void set_free_ptr(const struct kmem_cache *c, void *obj, void *next)
{
	memcpy((uint8_t *)obj + c->free_offset, &next, sizeof(next));
}

/* The state word of obj (debug caches: OBJ_FREE or OBJ_ALLOCATED). */
static inline uint64_t get_state(const struct kmem_cache *c, const void *obj)
{
	uint64_t state;

	memcpy(&state, (const uint8_t *)obj - c->object_offset, sizeof(state));
	return state;
}

static inline void set_state(const struct kmem_cache *c, void *obj, uint64_t state)
{
	memcpy((uint8_t *)obj - c->object_offset, &state, sizeof(state));
}

/* The list a slab of c with `inuse` objects off its freelist belongs on (invariant 1). */
static inline enum slab_list list_for(const struct kmem_cache *c, unsigned inuse)
{
	if (inuse == 0)
		return SLABS_EMPTY;
	return inuse == c->objects ? SLABS_FULL : SLABS_PARTIAL;
}

/* ---- addresses and frames -------------------------------------------------------- */

/*
 * The frame of the page holding p, or NULL if p is outside the phys window
 * or not RAM of m.  What mem_frame(m, pa_to_pfn(virt_to_phys(p))) gives,
 * with the first frame block (on most boards the only one) tried inline:
 * an unused blocks[0] has count 0, as the buddy's fast path also relies on.
 */
static inline struct frame *frame_of(const struct mem *m, const void *p)
{
	uintptr_t offset = (uintptr_t)p - (uintptr_t)phys_window.va;
	const struct frame_block *b = &m->blocks[0];
	pfn_t pfn;

	if (offset >= phys_window.size)
		return NULL;
	pfn = pa_to_pfn(phys_window.pa + offset);
	if (pfn - b->first < b->count)
		return frame_block_unset(b, pfn) ? NULL : &b->frames[pfn - b->first];
	return mem_frame(m, pfn);
}

/* The slab holding p, or NULL. */
static inline struct slab *slab_of(const struct mem *m, const void *p)
{
	struct frame *f = frame_of(m, p);

	return f && (f->flags & FRAME_SLAB) ? f->owner : NULL;
}

/* The bytes of the block headed by f (2^order pages), or NULL outside the phys window. */
void *slab_block_address(const struct mem *m, const struct frame *f, unsigned order);

/* Whether map (struct frame_map) covers p; NULL it never does. */
static inline bool frame_map_covers(const struct frame_map *map, const void *p)
{
	return (uintptr_t)p - map->va < map->bytes;
}

/* The frame of p, which map covers. */
static inline struct frame *frame_map_frame(const struct frame_map *map, const void *p)
{
	return &map->frames[((uintptr_t)p - map->va) >> PAGE_SHIFT];
}

/* ---- magazines and the fast paths ------------------------------------------------ */

/*
 * kmem_cache_alloc/free (mm/slab.c) and kmalloc/kfree (mm/kmalloc.c) each
 * open with a fast path: the calling hart's magazine, no lock, no call.
 * On a hit it does exactly what its general path (mm/slab.c:
 * alloc_general, slab_cache_free) does with the magazine: the same
 * magazine_pop or magazine_push, so the same object and counters.  On a
 * miss it has changed nothing and tail-calls the general path, which
 * starts from scratch.  A magazine is its hart's own: nothing here needs a
 * lock.
 *
 * SLAB_FAST marks them (MM_FAST_PATH, mm/mem.h).
 */
#define SLAB_FAST MM_FAST_PATH

_Static_assert((MEM_MAX_HARTS & (MEM_MAX_HARTS - 1)) == 0, "the hart mask needs a power of two");

/*
 * The calling hart's magazine of c: its own, or the closed magazine (debug
 * cache, or a hart beyond nmags).  The hart index is below
 * m->nharts <= MEM_MAX_HARTS (mm/mem.h), so the mask changes nothing; it
 * is there because one AND also gives the compiler an index it needs to
 * extend no further (an unsigned one costs two shifts), and it keeps any
 * index inside mags[].
 */
static inline struct magazine *hart_magazine(struct kmem_cache *c)
{
	return c->mags[mm_hart_index(c->this_hart) & (MEM_MAX_HARTS - 1)];
}

/* Take the newest object of g, which has one. */
static inline void *magazine_pop(struct magazine *g)
{
	g->allocs++;
	return g->objects[--g->count];
}

/* Put obj, a free object of g's cache, into g, which has room. */
static inline void magazine_push(struct magazine *g, void *obj)
{
	g->objects[g->count++] = obj;
}

/*
 * The free fast paths' ownership check, as the general paths' (slab_of,
 * then the slab's cache): whether f is a slab page, and then its cache.
 */
static inline bool frame_is_slab(const struct frame *f)
{
	return (f->flags & FRAME_SLAB) != 0;
}

static inline struct kmem_cache *frame_slab_cache(const struct frame *f)
{
	return ((const struct slab *)f->owner)->cache;
}

/* ---- across files ---------------------------------------------------------------- */

/*
 * mm/slab.c: free obj, an object of slab s of cache c: into the calling
 * hart's magazine (drained first when full), else straight to its slab with
 * the debug checks.
 */
void slab_cache_free(struct kmem_cache *c, struct slab *s, void *obj);

/* mm/slab.c: fill map (struct frame_map) for m and the current phys window. */
void frame_map_init(struct frame_map *map, const struct mem *m);

/* mm/slab_cache.c: the buddy's shrinker: shrink every cache of memory arg.  Returns the pages freed. */
uint64_t slab_shrink_mem(void *arg);

/* mm/slab_cache.c: take c off the list of caches (kmem_cache_destroy). */
void slab_cache_unlist(struct kmem_cache *c);

/* mm/slab_debug.c: count a problem of cache c (NULL: kmalloc's) and report it. */
void slab_report(struct kmem_cache *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* mm/slab_debug.c, cache lock held: the checks and dress of debug caches. */
void slab_debug_dress_free(const struct kmem_cache *c, uint8_t *obj);
unsigned slab_debug_check_alloc(struct kmem_cache *c, struct slab *s, uint8_t *obj);
bool slab_debug_check_free(struct kmem_cache *c, uint8_t *obj);

/* mm/slab_debug.c, no lock needed: whether p is an object start of s (reports it if not). */
bool slab_debug_check_pointer(struct kmem_cache *c, const struct slab *s, const void *p);

#endif
