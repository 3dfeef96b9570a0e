/*
 * The slab allocator (API and rules in mm/slab.h).
 *
 * A slab is one buddy block of 2^order pages; its header sits at the start:
 *
 *   base                                                base + (PAGE_SIZE << order)
 *   | struct slab | pad | slot 0 | slot 1 | ... | slot n-1 | unused |
 *                       ^ base + first_slot, aligned to the cache's alignment
 *
 * A slot of an ordinary cache (stride bytes, a multiple of the alignment):
 *   | object (size) | [free pointer: ctor caches only] | pad |
 * without a ctor the free pointer of a free object is its first word.
 *
 * A slot of a debug cache:
 *   | state | left red zone | object (size) | right red zone | [free pointer] | pad |
 *     8 B     >= 8 B: object   8-aligned       >= 8 B; without a ctor it runs
 *             starts aligned                   to the end of the slot (pad included)
 * state is OBJ_FREE or OBJ_ALLOCATED; red zones hold REDZONE_BYTE; a free
 * object holds POISON_BYTE after its free pointer (not in ctor caches).
 * Example, kmalloc-64 in debug mode: state at +0, red zone +8..+15, object
 * +16..+79, red zone +80..+87; stride 88.
 *
 * Invariants (kmem_cache_check verifies each one):
 *  1. A slab is on exactly one of its cache's lists, the one its inuse
 *     gives (0: empty, objects: full, else partial); nslabs[] counts each
 *     list; the cache's inuse is the sum of its slabs' inuse.
 *  2. A slab's freelist links objects - inuse distinct objects of that
 *     slab, each at a slot's object offset; the rest are allocated or in a
 *     magazine.
 *  3. Every frame of a slab's block is FRAME_SLAB with owner = the slab.
 *  4. A magazine holds objects of its cache that are on no freelist and in
 *     no other magazine entry.
 *  5. Debug caches (no magazines): the state word says OBJ_FREE exactly for
 *     the objects on the freelist.
 *  6. After a free, at most SLAB_KEEP_EMPTY slabs are empty.
 *
 * Locks.  cache_list_lock protects cache_list.  A cache's lock protects its
 * lists, nslabs and inuse, and every field of its slabs (freelist, inuse,
 * link) and the state, red zones and poison of its free objects.  A
 * magazine is touched only by its hart, without a lock (destroy and check
 * require the other harts to be quiet).  allocs, frees (slow path) and
 * debug_errors are updated atomically.
 * Lock order: cache_list_lock, then a cache's lock, then a zone's lock
 * (inside buddy_free); never the reverse.  Nothing here calls the buddy
 * with a cache lock held: buddy_alloc may run the shrinker, which takes
 * cache locks; so new slabs are made, and empty ones freed, unlocked.
 */
#include <stdarg.h>
#include <string.h>

#include "kernel/format.h"
#include "mm/phys.h"
#include "mm/slab.h"

#ifndef SLAB_DEBUG_ALL
#define SLAB_DEBUG_ALL 0 /* meson option slab_debug: SLAB_DEBUG on every cache */
#endif

#define SLAB_USER_FLAGS (SLAB_DMA | SLAB_HWCACHE_ALIGN | SLAB_DEBUG)
#define SLAB_KMALLOC (1u << 31) /* private: a kmalloc class, never destroyed */

#define SLAB_MIN_ALIGN 8u       /* objects hold a pointer: at least 8-aligned */
#define SLAB_MIN_OBJECTS 8u     /* wanted per slab ... */
#define SLAB_WASTE_SHARE 8u     /* ... wasting at most 1/8 of it */
#define SLAB_MAX_ORDER 4u       /* largest slab tried: 16 pages (capped by MAX_ORDER) */

/* Magazines: MAG_MAX pointers for objects up to MAG_SMALL bytes, half up to MAG_MEDIUM, else a quarter. */
#define MAG_MAX 32u
#define MAG_SMALL 256u
#define MAG_MEDIUM 1024u

/* Debug layout and patterns. */
#define STATE_BYTES 8u
#define REDZONE_BYTES 8u
#define REDZONE_BYTE 0xbb
#define POISON_BYTE 0x6b
#define OBJ_FREE 0xf7eef7eef7eef7eeull
#define OBJ_ALLOCATED 0xa110ca7eda110ca7ull

#define REPORT_MAX 200          /* bytes of one report line */

enum slab_list { SLABS_FULL, SLABS_PARTIAL, SLABS_EMPTY, SLAB_LISTS };

/* The header at the start of each slab; its cache's lock protects it. */
struct slab {
	struct list link;          /* on cache->lists[] */
	struct kmem_cache *cache;
	struct frame *frame;       /* head frame of the buddy block */
	void *freelist;            /* first free object, NULL if none */
	unsigned inuse;            /* objects off the freelist (users' or in magazines) */
};

/* One hart's free objects of one cache; touched only by that hart. */
struct magazine {
	unsigned count;            /* objects[0..count): oldest first */
	void *objects[MAG_MAX];
	uint64_t allocs, frees;    /* calls this magazine served */
};

struct kmem_cache {
	struct list link;          /* on cache_list */
	char name[SLAB_NAME_MAX];
	struct mem *m;
	unsigned flags;            /* SLAB_* */
	unsigned page_flags;       /* buddy flags of the slabs' blocks */
	void (*ctor)(void *obj);
	/* Geometry, fixed at creation (picture above). */
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
	struct magazine mags[];
};

static struct list cache_list = LIST_INIT(cache_list);
static struct spinlock cache_list_lock = SPINLOCK_INIT;

static void (*report_fn)(void *arg, const char *line);
static void *report_arg;

/* kmalloc's global state: set once by kmalloc_init, then read-only (errors: atomic). */
static struct {
	struct mem *m;
	struct kmem_cache *caches[2][KMALLOC_CLASSES]; /* [1]: the DMA classes */
	uint64_t errors;
} kmalloc_state;

static const uint16_t kmalloc_sizes[KMALLOC_CLASSES] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096,
};

/* ---- reports ------------------------------------------------------------------ */

void slab_set_report(void (*fn)(void *arg, const char *line), void *arg)
{
	report_fn = fn;
	report_arg = arg;
}

static void report(struct kmem_cache *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Count a problem of cache c (NULL: kmalloc's) and send "slab: <cache>: <text>". */
static void report(struct kmem_cache *c, const char *fmt, ...)
{
	char line[REPORT_MAX];
	va_list ap;
	int n;

	__atomic_fetch_add(c ? &c->debug_errors : &kmalloc_state.errors, 1, __ATOMIC_RELAXED);
	if (!report_fn)
		return;
	n = snprint(line, sizeof(line), "slab: %s: ", c ? c->name : "kmalloc");
	va_start(ap, fmt);
	format_buffer(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	report_fn(report_arg, line);
}

/* ---- addresses and frames ------------------------------------------------------ */

/* The bytes of the block headed by f (2^order pages), or NULL outside the phys window. */
static void *block_address(const struct mem *m, const struct frame *f, unsigned order)
{
	paddr_t pa = pfn_to_pa(mem_frame_pfn(m, f));
	void *va = phys_to_virt(pa);

	if (!va || !phys_to_virt(pa + (PAGE_SIZE << order) - 1))
		return NULL;
	return va;
}

/* The frame of the page holding p, or NULL if p is outside the window or not RAM of m. */
static struct frame *frame_of(const struct mem *m, const void *p)
{
	uintptr_t offset = (uintptr_t)p - (uintptr_t)phys_window.va;

	if (!phys_window.va || offset >= phys_window.size)
		return NULL;
	return mem_frame(m, pa_to_pfn(virt_to_phys(p)));
}

/* The slab holding p, or NULL. */
static struct slab *slab_of(const struct mem *m, const void *p)
{
	struct frame *f = frame_of(m, p);

	return f && (f->flags & FRAME_SLAB) ? f->owner : NULL;
}

/* Point every frame of the block at f (2^order pages) at slab s; NULL unmarks them. */
static void mark_frames(struct frame *f, unsigned order, struct slab *s)
{
	pfn_t i;

	for (i = 0; i < ((pfn_t)1 << order); i++) {
		f[i].owner = s;
		if (s)
			f[i].flags |= FRAME_SLAB;
		else
			f[i].flags &= (uint16_t)~FRAME_SLAB;
	}
}

/* ---- slots ------------------------------------------------------------------------ */

static uint8_t *slot_object(const struct kmem_cache *c, const struct slab *s, size_t i)
{
	return (uint8_t *)s + c->first_slot + i * c->stride + c->object_offset;
}

/* The slot index of the slot holding byte p of slab s, or -1 (header, unused tail). */
static long slot_index(const struct kmem_cache *c, const struct slab *s, const void *p)
{
	uintptr_t first = (uintptr_t)s + c->first_slot;
	uintptr_t i = ((uintptr_t)p - first) / c->stride;

	return (uintptr_t)p >= first && i < c->objects ? (long)i : -1;
}

static void *get_free_ptr(const struct kmem_cache *c, const void *obj)
{
	void *next;

	memcpy(&next, (const uint8_t *)obj + c->free_offset, sizeof(next));
	return next;
}

static void set_free_ptr(const struct kmem_cache *c, void *obj, void *next)
{
	memcpy((uint8_t *)obj + c->free_offset, &next, sizeof(next));
}

static uint64_t get_state(const struct kmem_cache *c, const void *obj)
{
	uint64_t state;

	memcpy(&state, (const uint8_t *)obj - c->object_offset, sizeof(state));
	return state;
}

static void set_state(const struct kmem_cache *c, void *obj, uint64_t state)
{
	memcpy((uint8_t *)obj - c->object_offset, &state, sizeof(state));
}

/* Bytes of the right red zone: up to the free pointer (ctor) or the slot's end. */
static size_t right_redzone(const struct kmem_cache *c)
{
	size_t end = c->ctor ? c->object_offset + c->free_offset : c->stride;

	return end - c->object_offset - c->size;
}

/* Bytes of a free object that hold poison, from the object's start + poison_start(). */
static size_t poison_start(const struct kmem_cache *c)
{
	return c->ctor ? c->size : sizeof(void *);
}

/* ---- debug checks (cache lock held unless said) ------------------------------------ */

/* The first byte of [p, p + n) that is not `want`, or NULL. */
static const uint8_t *mismatch(const uint8_t *p, size_t n, uint8_t want)
{
	for (; n; n--, p++)
		if (*p != want)
			return p;
	return NULL;
}

/* Give a free object its debug dress: state FREE, red zones, poison. */
static void debug_dress_free(const struct kmem_cache *c, uint8_t *obj)
{
	set_state(c, obj, OBJ_FREE);
	memset(obj - c->object_offset + STATE_BYTES, REDZONE_BYTE, c->object_offset - STATE_BYTES);
	memset(obj + c->size, REDZONE_BYTE, right_redzone(c));
	memset(obj + poison_start(c), POISON_BYTE, c->size - poison_start(c));
}

/* Report red zone damage around obj and repair it. */
static void check_redzones(struct kmem_cache *c, uint8_t *obj)
{
	uint8_t *left = obj - c->object_offset + STATE_BYTES;
	const uint8_t *bad = mismatch(left, c->object_offset - STATE_BYTES, REDZONE_BYTE);

	if (bad) {
		report(c, "write before the start of object %p (byte %ld is 0x%02x, expected 0x%02x)",
		       (void *)obj, (long)(bad - obj), (unsigned)*bad, REDZONE_BYTE);
		memset(left, REDZONE_BYTE, c->object_offset - STATE_BYTES);
	}
	bad = mismatch(obj + c->size, right_redzone(c), REDZONE_BYTE);
	if (bad) {
		report(c, "write past the end of object %p (byte %ld is 0x%02x, expected 0x%02x)",
		       (void *)obj, (long)(bad - obj), (unsigned)*bad, REDZONE_BYTE);
		memset(obj + c->size, REDZONE_BYTE, right_redzone(c));
	}
}

/* Whether p is NULL or a free object of slab s: a valid freelist link. */
static bool link_ok(const struct kmem_cache *c, const struct slab *s, const void *p)
{
	long i = p ? slot_index(c, s, p) : 0;

	return !p || (i >= 0 && p == slot_object(c, s, (size_t)i) && get_state(c, p) == OBJ_FREE);
}

/* Relink s's freelist from the state words.  Returns the free objects found. */
static unsigned rebuild_freelist(struct kmem_cache *c, struct slab *s)
{
	unsigned i = c->objects, nfree = 0;

	s->freelist = NULL;
	while (i-- > 0) {
		uint8_t *obj = slot_object(c, s, i);

		if (get_state(c, obj) == OBJ_FREE) {
			set_free_ptr(c, obj, s->freelist);
			s->freelist = obj;
			nfree++;
		}
	}
	return nfree;
}

/*
 * Check obj, just taken off s's freelist (s->freelist is its link): a bad
 * link is reported and the freelist rebuilt from the state words; poison
 * and red zones are checked.  Returns s's new inuse.
 */
static unsigned debug_check_alloc(struct kmem_cache *c, struct slab *s, uint8_t *obj)
{
	unsigned inuse = s->inuse + 1;
	const uint8_t *bad;

	set_state(c, obj, OBJ_ALLOCATED);
	if (!link_ok(c, s, s->freelist)) {
		report(c, "corrupted free pointer 0x%lx in free object %p",
		       (unsigned long)(uintptr_t)s->freelist, (void *)obj);
		inuse = c->objects - rebuild_freelist(c, s);
	}
	bad = mismatch(obj + poison_start(c), c->size - poison_start(c), POISON_BYTE);
	if (bad)
		report(c, "write after free of object %p (byte %ld is 0x%02x, expected 0x%02x)",
		       (void *)obj, (long)(bad - obj), (unsigned)*bad, POISON_BYTE);
	check_redzones(c, obj);
	return inuse;
}

/* Whether p is an object start of slab s; reports it if not.  No lock needed. */
static bool debug_check_pointer(struct kmem_cache *c, const struct slab *s, const void *p)
{
	long i = slot_index(c, s, p);
	const uint8_t *obj = i >= 0 ? slot_object(c, s, (size_t)i) : NULL;

	if (obj && p == obj)
		return true;
	if (obj && (const uint8_t *)p > obj && (const uint8_t *)p < obj + c->size)
		report(c, "free of pointer %p into the middle of object %p (offset %lu)", p,
		       (const void *)obj, (unsigned long)((const uint8_t *)p - obj));
	else
		report(c, "free of pointer %p that is not an object", p);
	return false;
}

/* Checks on freeing the allocated-looking obj: refuse a double free, repair red zones. */
static bool debug_check_free(struct kmem_cache *c, uint8_t *obj)
{
	uint64_t state = get_state(c, obj);

	if (state == OBJ_FREE) {
		report(c, "double free of object %p", (void *)obj);
		return false;
	}
	if (state != OBJ_ALLOCATED)
		report(c, "write before the start of object %p (state word is 0x%lx)",
		       (void *)obj, (unsigned long)state);
	check_redzones(c, obj);
	return true;
}

/* ---- slab lists (cache lock held) ------------------------------------------------- */

static enum slab_list list_for(const struct kmem_cache *c, unsigned inuse)
{
	if (inuse == 0)
		return SLABS_EMPTY;
	return inuse == c->objects ? SLABS_FULL : SLABS_PARTIAL;
}

/* Set s's inuse, moving it to the list that now fits. */
static void slab_set_inuse(struct kmem_cache *c, struct slab *s, unsigned inuse)
{
	enum slab_list from = list_for(c, s->inuse), to = list_for(c, inuse);

	c->inuse = c->inuse - s->inuse + inuse;
	s->inuse = inuse;
	if (from == to)
		return;
	list_remove(&s->link);
	list_push(&c->lists[to], &s->link);
	c->nslabs[from]--;
	c->nslabs[to]++;
}

/* Add the new slab s (all objects free) to c. */
static void slab_attach(struct kmem_cache *c, struct slab *s)
{
	list_push(&c->lists[SLABS_EMPTY], &s->link);
	c->nslabs[SLABS_EMPTY]++;
}

/* Take the empty slab s off c (to give it back to the buddy once unlocked). */
static void slab_detach(struct kmem_cache *c, struct slab *s, struct list *out)
{
	list_remove(&s->link);
	c->nslabs[SLABS_EMPTY]--;
	list_push(out, &s->link);
}

/* Take the first free object of s (which has one). */
static void *slab_pop(struct kmem_cache *c, struct slab *s)
{
	uint8_t *obj = s->freelist;
	unsigned inuse = s->inuse + 1;

	s->freelist = get_free_ptr(c, obj);
	if (c->flags & SLAB_DEBUG)
		inuse = debug_check_alloc(c, s, obj);
	slab_set_inuse(c, s, inuse);
	return obj;
}

/* Take up to max free objects into out[], partial slabs first.  Returns how many. */
static unsigned take_objects(struct kmem_cache *c, void **out, unsigned max)
{
	unsigned n = 0;

	while (n < max) {
		struct list *l = &c->lists[SLABS_PARTIAL];

		if (list_empty(l))
			l = &c->lists[SLABS_EMPTY];
		if (list_empty(l))
			break;
		out[n++] = slab_pop(c, container_of(l->next, struct slab, link));
	}
	return n;
}

/*
 * Put obj back on its slab s; when that leaves more than SLAB_KEEP_EMPTY
 * empty slabs, move the coldest to *victims.
 */
static void free_to_slab(struct kmem_cache *c, struct slab *s, void *obj, struct list *victims)
{
	if (c->flags & SLAB_DEBUG)
		debug_dress_free(c, obj);
	set_free_ptr(c, obj, s->freelist);
	s->freelist = obj;
	slab_set_inuse(c, s, s->inuse - 1);
	if (c->nslabs[SLABS_EMPTY] > SLAB_KEEP_EMPTY)
		slab_detach(c, container_of(c->lists[SLABS_EMPTY].prev, struct slab, link), victims);
}

/* ---- slabs and the buddy (no cache lock held) -------------------------------------- */

/*
 * A new slab of c with every object free (dressed and constructed), on no
 * list; NULL when the buddy has no block for it.
 */
static struct slab *slab_create(struct kmem_cache *c, unsigned flags)
{
	struct frame *f = buddy_alloc(c->m, c->order, c->page_flags | (flags & ALLOC_NOWAIT));
	struct slab *s = f ? block_address(c->m, f, c->order) : NULL;
	unsigned i;

	if (!s) {
		if (f)
			buddy_free(c->m, f, c->order);
		return NULL;
	}
	*s = (struct slab){ .cache = c, .frame = f };
	list_init(&s->link);
	mark_frames(f, c->order, s);
	for (i = c->objects; i-- > 0;) {
		uint8_t *obj = slot_object(c, s, i);

		if (c->flags & SLAB_DEBUG)
			debug_dress_free(c, obj);
		if (c->ctor)
			c->ctor(obj);
		set_free_ptr(c, obj, s->freelist);
		s->freelist = obj;
	}
	return s;
}

/* Give every slab on `victims` back to the buddy.  Returns how many. */
static uint64_t release_slabs(struct kmem_cache *c, struct list *victims)
{
	uint64_t n = 0;

	while (!list_empty(victims)) {
		struct slab *s = container_of(victims->next, struct slab, link);
		struct frame *f = s->frame;

		list_remove(&s->link);
		mark_frames(f, c->order, NULL);
		buddy_free(c->m, f, c->order);
		n++;
	}
	return n;
}

/* Take up to max free objects into out[], adding a slab if c has none.  Returns how many. */
static unsigned take_or_grow(struct kmem_cache *c, void **out, unsigned max, unsigned flags)
{
	struct slab *s;
	unsigned n;

	spin_lock(&c->lock);
	n = take_objects(c, out, max);
	spin_unlock(&c->lock);
	if (n)
		return n;
	s = slab_create(c, flags);
	if (!s)
		return 0;
	spin_lock(&c->lock);
	slab_attach(c, s);
	n = take_objects(c, out, max);
	spin_unlock(&c->lock);
	return n;
}

/* ---- magazines (the calling hart's own) --------------------------------------------- */

/* The calling hart's magazine of c, or NULL (debug cache, or a hart beyond nmags). */
static struct magazine *my_magazine(struct kmem_cache *c)
{
	unsigned h;

	if (!c->nmags)
		return NULL;
	h = c->m->this_hart();
	return h < c->nmags ? &c->mags[h] : NULL;
}

/* Give the n oldest objects of g back to their slabs.  Returns the slabs freed. */
static uint64_t magazine_drain(struct kmem_cache *c, struct magazine *g, unsigned n)
{
	struct list victims = LIST_INIT(victims);
	unsigned i;

	spin_lock(&c->lock);
	for (i = 0; i < n; i++)
		free_to_slab(c, slab_of(c->m, g->objects[i]), g->objects[i], &victims);
	spin_unlock(&c->lock);
	for (i = n; i < g->count; i++)
		g->objects[i - n] = g->objects[i];
	g->count -= n;
	return release_slabs(c, &victims);
}

/* ---- caches ------------------------------------------------------------------------ */

/* Slots in a slab of 2^order pages. */
static unsigned slots_in(const struct kmem_cache *c, unsigned order)
{
	return (unsigned)(((PAGE_SIZE << order) - c->first_slot) / c->stride);
}

/* The slot geometry of c from its size, alignment, flags and ctor (picture above). */
static void set_layout(struct kmem_cache *c)
{
	size_t end = c->size;

	c->object_offset = 0;
	if (c->flags & SLAB_DEBUG) {
		c->object_offset = ALIGN_UP(STATE_BYTES + REDZONE_BYTES, c->align);
		end = c->object_offset + c->size + REDZONE_BYTES;
	}
	c->free_offset = c->ctor ? end - c->object_offset : 0;
	if (c->ctor)
		end += sizeof(void *);
	c->stride = ALIGN_UP(end, c->align);
	c->first_slot = ALIGN_UP(sizeof(struct slab), c->align);
}

/*
 * The slab order: the smallest holding SLAB_MIN_OBJECTS objects and wasting
 * at most 1/SLAB_WASTE_SHARE of the slab, else the largest tried.  Example,
 * kmalloc-1024 (header 48 B, slots from +1024): order 2 holds 15 and
 * leaves 1024 B of 16 KiB (6%); order 1 would hold only 7.  Then the
 * magazine size: smaller for bigger objects, so a full one holds <= 32 KiB.
 */
static void set_order(struct kmem_cache *c)
{
	unsigned top = SLAB_MAX_ORDER < MAX_ORDER ? SLAB_MAX_ORDER : MAX_ORDER - 1;
	unsigned order;

	for (order = 0; order < top; order++) {
		uint64_t bytes = PAGE_SIZE << order, n = slots_in(c, order);

		if (n >= SLAB_MIN_OBJECTS && (bytes - n * c->stride) * SLAB_WASTE_SHARE <= bytes)
			break;
	}
	c->order = order;
	c->objects = slots_in(c, order);
	c->mag_limit = c->size <= MAG_SMALL ? MAG_MAX : c->size <= MAG_MEDIUM ? MAG_MAX / 2 : MAG_MAX / 4;
	c->mag_batch = c->mag_limit / 2;
}

/* A zeroed descriptor with `nmags` magazines, in its own buddy block; NULL if none. */
static struct kmem_cache *descriptor_alloc(struct mem *m, unsigned nmags)
{
	size_t bytes = sizeof(struct kmem_cache) + nmags * sizeof(struct magazine);
	unsigned order = 0;
	struct kmem_cache *c;
	struct frame *f;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	f = buddy_alloc(m, order, ALLOC_ZERO);
	c = f ? block_address(m, f, order) : NULL;
	if (!c) {
		if (f)
			buddy_free(m, f, order);
		return NULL;
	}
	c->self = f;
	c->self_order = order;
	c->nmags = nmags;
	return c;
}

/* Whether align is 0 or a power of two up to PAGE_SIZE. */
static bool align_ok(size_t align)
{
	return (align & (align - 1)) == 0 && align <= PAGE_SIZE;
}

struct kmem_cache *kmem_cache_create(struct mem *m, const char *name, size_t size,
				     size_t align, unsigned flags, void (*ctor)(void *obj))
{
	struct kmem_cache *c;
	unsigned l;

	if (!m || !name || !size || size > SLAB_MAX_SIZE || !align_ok(align) ||
	    (flags & ~SLAB_USER_FLAGS))
		return NULL;
	if (SLAB_DEBUG_ALL)
		flags |= SLAB_DEBUG;
	c = descriptor_alloc(m, (flags & SLAB_DEBUG) ? 0 : m->nharts);
	if (!c)
		return NULL;
	for (l = 0; l + 1 < SLAB_NAME_MAX && name[l]; l++)
		c->name[l] = name[l];
	c->m = m;
	c->flags = flags;
	c->page_flags = (flags & SLAB_DMA) ? ALLOC_DMA : 0;
	c->ctor = ctor;
	c->size = ALIGN_UP(size, SLAB_MIN_ALIGN);
	c->align = align < SLAB_MIN_ALIGN ? SLAB_MIN_ALIGN : align;
	if ((flags & SLAB_HWCACHE_ALIGN) && c->align < SLAB_CACHE_LINE)
		c->align = SLAB_CACHE_LINE;
	set_layout(c);
	set_order(c);
	c->lock = (struct spinlock)SPINLOCK_INIT;
	for (l = 0; l < SLAB_LISTS; l++)
		list_init(&c->lists[l]);
	spin_lock(&cache_list_lock);
	list_push_back(&cache_list, &c->link);
	spin_unlock(&cache_list_lock);
	return c;
}

/* The slow path: one object straight from the slabs (debug caches, harts without magazines). */
static void *alloc_slow(struct kmem_cache *c, unsigned flags)
{
	void *obj;

	if (!take_or_grow(c, &obj, 1, flags))
		return NULL;
	__atomic_fetch_add(&c->allocs, 1, __ATOMIC_RELAXED);
	return obj;
}

void *kmem_cache_alloc(struct kmem_cache *c, unsigned flags)
{
	struct magazine *g;
	void *obj;

	if (!c)
		return NULL;
	g = my_magazine(c);
	if (!g) {
		obj = alloc_slow(c, flags);
	} else {
		if (!g->count)
			g->count = take_or_grow(c, g->objects, c->mag_batch, flags);
		obj = g->count ? g->objects[--g->count] : NULL;
		g->allocs += obj != NULL;
	}
	if (obj && (flags & ALLOC_ZERO))
		memset(obj, 0, c->size);
	return obj;
}

/* The slow path: obj (of slab s) straight back to its slab, with the debug checks. */
static void free_slow(struct kmem_cache *c, struct slab *s, void *obj)
{
	struct list victims = LIST_INIT(victims);
	bool debug = (c->flags & SLAB_DEBUG) != 0;

	if (debug && !debug_check_pointer(c, s, obj))
		return;
	spin_lock(&c->lock);
	if (debug && !debug_check_free(c, obj)) {
		spin_unlock(&c->lock);
		return;
	}
	free_to_slab(c, s, obj, &victims);
	spin_unlock(&c->lock);
	__atomic_fetch_add(&c->frees, 1, __ATOMIC_RELAXED);
	release_slabs(c, &victims);
}

/* Free obj, an object of slab s of cache c: into the hart's magazine when it has one. */
static void cache_free(struct kmem_cache *c, struct slab *s, void *obj)
{
	struct magazine *g = my_magazine(c);

	if (!g) {
		free_slow(c, s, obj);
		return;
	}
	if (g->count == c->mag_limit)
		magazine_drain(c, g, c->mag_batch);
	g->objects[g->count++] = obj;
	g->frees++;
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	struct slab *s;

	if (!c || !obj)
		return;
	s = slab_of(c->m, obj);
	if (!s)
		report(c, "free of non-slab pointer %p", obj);
	else if (s->cache != c)
		report(c, "free of object %p that belongs to cache %s", obj, s->cache->name);
	else
		cache_free(c, s, obj);
}

/* Give all of c's empty slabs back to the buddy.  Returns how many. */
static uint64_t release_empty(struct kmem_cache *c)
{
	struct list victims = LIST_INIT(victims);

	spin_lock(&c->lock);
	while (!list_empty(&c->lists[SLABS_EMPTY]))
		slab_detach(c, container_of(c->lists[SLABS_EMPTY].next, struct slab, link), &victims);
	spin_unlock(&c->lock);
	return release_slabs(c, &victims);
}

uint64_t kmem_cache_shrink(struct kmem_cache *c)
{
	struct magazine *g;
	uint64_t slabs = 0;

	if (!c)
		return 0;
	g = my_magazine(c);
	if (g && g->count)
		slabs = magazine_drain(c, g, g->count);
	slabs += release_empty(c);
	return slabs << c->order;
}

void kmem_cache_destroy(struct kmem_cache *c)
{
	uint64_t inuse;
	unsigned h;

	if (!c)
		return;
	if (c->flags & SLAB_KMALLOC) {
		report(c, "destroy refused: a kmalloc cache");
		return;
	}
	for (h = 0; h < c->nmags; h++)
		if (c->mags[h].count)
			magazine_drain(c, &c->mags[h], c->mags[h].count);
	spin_lock(&c->lock);
	inuse = c->inuse;
	spin_unlock(&c->lock);
	if (inuse) {
		report(c, "destroy refused: %lu object(s) still allocated", (unsigned long)inuse);
		return;
	}
	spin_lock(&cache_list_lock);
	list_remove(&c->link);
	spin_unlock(&cache_list_lock);
	release_empty(c);
	buddy_free(c->m, c->self, c->self_order);
}

/* ---- statistics and checks -------------------------------------------------------- */

bool kmem_cache_stats(struct kmem_cache *c, struct slab_stats *out)
{
	uint64_t inuse;
	unsigned h;

	if (!c || !out)
		return false;
	*out = (struct slab_stats){
		.name = c->name, .object_size = c->size,
		.slab_size = (size_t)(PAGE_SIZE << c->order), .objects_per_slab = c->objects,
		.allocs = __atomic_load_n(&c->allocs, __ATOMIC_RELAXED),
		.frees = __atomic_load_n(&c->frees, __ATOMIC_RELAXED),
		.debug_errors = __atomic_load_n(&c->debug_errors, __ATOMIC_RELAXED),
	};
	spin_lock(&c->lock);
	out->slabs_full = c->nslabs[SLABS_FULL];
	out->slabs_partial = c->nslabs[SLABS_PARTIAL];
	out->slabs_empty = c->nslabs[SLABS_EMPTY];
	inuse = c->inuse;
	spin_unlock(&c->lock);
	out->total_objects = (out->slabs_full + out->slabs_partial + out->slabs_empty) * c->objects;
	for (h = 0; h < c->nmags; h++) {
		out->cached_objects += c->mags[h].count;
		out->allocs += c->mags[h].allocs;
		out->frees += c->mags[h].frees;
	}
	out->active_objects = inuse > out->cached_objects ? inuse - out->cached_objects : 0;
	return true;
}

struct kmem_cache *kmem_cache_next(struct kmem_cache *prev)
{
	struct kmem_cache *next = NULL;
	struct list *l;

	spin_lock(&cache_list_lock);
	l = prev ? prev->link.next : cache_list.next;
	if (l != &cache_list)
		next = container_of(l, struct kmem_cache, link);
	spin_unlock(&cache_list_lock);
	return next;
}

struct check {
	struct kmem_cache *c;
	char *why;
	size_t why_size;
};

static bool fail(struct check *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Describe the first broken invariant in why[]; returns false. */
static bool fail(struct check *k, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!k->why || !k->why_size)
		return false;
	n = snprint(k->why, k->why_size, "%s: ", k->c->name);
	if ((size_t)n >= k->why_size)
		return false;
	va_start(ap, fmt);
	format_buffer(k->why + n, k->why_size - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

/* Whether obj is on s's freelist (at most `objects` links followed). */
static bool on_freelist(const struct kmem_cache *c, const struct slab *s, const void *obj)
{
	const void *p = s->freelist;
	unsigned n;

	for (n = 0; p && n < c->objects; n++, p = get_free_ptr(c, p))
		if (p == obj)
			return true;
	return false;
}

/* Invariants 2 and 5 for slab s: its freelist and state words. */
static bool check_freelist(struct check *k, const struct slab *s)
{
	const struct kmem_cache *c = k->c;
	const void *p = s->freelist;
	unsigned n = 0, i, allocated = 0;

	for (; p; p = get_free_ptr(c, p)) {
		long at = slot_index(c, s, p);

		if (++n > c->objects - s->inuse)
			return fail(k, "slab %p: freelist longer than its %u free objects", (void *)s,
				    c->objects - s->inuse);
		if (at < 0 || p != slot_object(c, s, (size_t)at))
			return fail(k, "slab %p: freelist link %p is not an object", (void *)s, p);
		if ((c->flags & SLAB_DEBUG) && get_state(c, p) != OBJ_FREE)
			return fail(k, "slab %p: free object %p is not marked free", (void *)s, p);
	}
	if (n != c->objects - s->inuse)
		return fail(k, "slab %p: %u objects on the freelist, inuse says %u", (void *)s, n,
			    c->objects - s->inuse);
	for (i = 0; (c->flags & SLAB_DEBUG) && i < c->objects; i++)
		allocated += get_state(c, slot_object(c, s, i)) == OBJ_ALLOCATED;
	if ((c->flags & SLAB_DEBUG) && allocated != s->inuse)
		return fail(k, "slab %p: %u objects marked allocated, inuse says %u", (void *)s,
			    allocated, s->inuse);
	return true;
}

/* Invariants 1 to 3 and 5 for slab s found on list `on`. */
static bool check_slab(struct check *k, const struct slab *s, enum slab_list on)
{
	const struct kmem_cache *c = k->c;
	pfn_t i;

	if (s->cache != c || list_for(c, s->inuse) != on || s->inuse > c->objects)
		return fail(k, "slab %p: cache %p, inuse %u, on list %d", (void *)s,
			    (void *)s->cache, s->inuse, (int)on);
	if (block_address(c->m, s->frame, c->order) != s)
		return fail(k, "slab %p: its head frame is not its block", (void *)s);
	for (i = 0; i < ((pfn_t)1 << c->order); i++)
		if (!(s->frame[i].flags & FRAME_SLAB) || s->frame[i].owner != s)
			return fail(k, "slab %p: page %lu is not marked as the slab's", (void *)s,
				    (unsigned long)i);
	return check_freelist(k, s);
}

/* Invariants 1 and 6 for every list (with invariants 2, 3, 5 per slab). */
static bool check_lists(struct check *k)
{
	struct kmem_cache *c = k->c;
	uint64_t inuse = 0;
	unsigned on;

	for (on = 0; on < SLAB_LISTS; on++) {
		uint64_t n = 0;
		struct list *l;

		list_for_each(l, &c->lists[on]) {
			const struct slab *s = container_of(l, struct slab, link);

			if (l->next->prev != l || ++n > c->nslabs[on])
				return fail(k, "list %u: broken or longer than its count", on);
			if (!check_slab(k, s, (enum slab_list)on))
				return false;
			inuse += s->inuse;
		}
		if (n != c->nslabs[on])
			return fail(k, "list %u: %lu slabs, count says %lu", on, (unsigned long)n,
				    (unsigned long)c->nslabs[on]);
	}
	if (inuse != c->inuse)
		return fail(k, "slabs hold %lu objects in use, the cache says %lu",
			    (unsigned long)inuse, (unsigned long)c->inuse);
	if (c->nslabs[SLABS_EMPTY] > SLAB_KEEP_EMPTY)
		return fail(k, "%lu empty slabs kept, at most %u allowed",
			    (unsigned long)c->nslabs[SLABS_EMPTY], SLAB_KEEP_EMPTY);
	return true;
}

/* Invariant 4: magazine objects are c's, off their freelists, each once. */
static bool check_magazines(struct check *k)
{
	struct kmem_cache *c = k->c;
	unsigned h, i, h2, j;

	for (h = 0; h < c->nmags; h++) {
		for (i = 0; i < c->mags[h].count; i++) {
			void *obj = c->mags[h].objects[i];
			struct slab *s = slab_of(c->m, obj);
			long at = s ? slot_index(c, s, obj) : -1;

			if (!s || s->cache != c || at < 0 || obj != slot_object(c, s, (size_t)at))
				return fail(k, "hart %u magazine: %p is not an object", h, obj);
			if (on_freelist(c, s, obj))
				return fail(k, "hart %u magazine: %p is also on a freelist", h, obj);
			for (h2 = h; h2 < c->nmags; h2++)
				for (j = h2 == h ? i + 1 : 0; j < c->mags[h2].count; j++)
					if (c->mags[h2].objects[j] == obj)
						return fail(k, "hart %u magazine: %p twice", h, obj);
		}
	}
	return true;
}

bool kmem_cache_check(struct kmem_cache *c, char *why, size_t why_size)
{
	struct check k = { .c = c, .why = why, .why_size = why_size };
	bool ok;

	if (!c)
		return false;
	spin_lock(&c->lock);
	ok = check_lists(&k) && check_magazines(&k);
	spin_unlock(&c->lock);
	if (ok && why && why_size)
		why[0] = '\0';
	return ok;
}

/* ---- kmalloc ---------------------------------------------------------------------- */

/* The buddy's shrinker: shrink every cache of memory `arg`.  Returns pages freed. */
static uint64_t shrink_all(void *arg)
{
	uint64_t pages = 0;
	struct list *l;

	spin_lock(&cache_list_lock);
	list_for_each(l, &cache_list) {
		struct kmem_cache *c = container_of(l, struct kmem_cache, link);

		if (c->m == arg)
			pages += kmem_cache_shrink(c);
	}
	spin_unlock(&cache_list_lock);
	return pages;
}

/*
 * One size class.  Power-of-two classes are naturally aligned (kmalloc-64
 * objects at multiples of 64), except in debug mode where red zones come
 * first; 96 and 192 are 8-aligned.
 */
static struct kmem_cache *kmalloc_class_create(struct mem *m, unsigned i, bool dma)
{
	size_t size = kmalloc_sizes[i];
	size_t align = (size & (size - 1)) || SLAB_DEBUG_ALL ? 0 : size;
	char name[SLAB_NAME_MAX];
	struct kmem_cache *c;

	snprint(name, sizeof(name), "%skmalloc-%u", dma ? "dma-" : "", (unsigned)size);
	c = kmem_cache_create(m, name, size, align, dma ? SLAB_DMA : 0, NULL);
	if (c)
		c->flags |= SLAB_KMALLOC;
	return c;
}

void kmalloc_init(struct mem *m)
{
	bool dma;
	unsigned i;

	if (!m || kmalloc_state.m)
		return;
	dma = m->zones[ZONE_DMA].managed_pages > 0;
	kmalloc_state.m = m;
	for (i = 0; i < KMALLOC_CLASSES; i++) {
		kmalloc_state.caches[0][i] = kmalloc_class_create(m, i, false);
		if (dma)
			kmalloc_state.caches[1][i] = kmalloc_class_create(m, i, true);
	}
	buddy_set_shrinker(shrink_all, m);
}

struct kmem_cache *kmalloc_cache(unsigned index, bool dma)
{
	return index < KMALLOC_CLASSES ? kmalloc_state.caches[dma][index] : NULL;
}

uint64_t kmalloc_debug_errors(void)
{
	return __atomic_load_n(&kmalloc_state.errors, __ATOMIC_RELAXED);
}

/* A buddy block for size bytes (above KMALLOC_MAX_CACHE_SIZE), or NULL. */
static void *kmalloc_large(struct mem *m, size_t size, unsigned flags)
{
	unsigned order = 0;
	struct frame *f;
	void *p;

	while (order < MAX_ORDER && (PAGE_SIZE << order) < size)
		order++;
	if (order >= MAX_ORDER)
		return NULL;
	f = buddy_alloc(m, order, flags & (ALLOC_ZONE_MASK | ALLOC_ZERO | ALLOC_NOWAIT));
	p = f ? block_address(m, f, order) : NULL;
	if (f && !p)
		buddy_free(m, f, order);
	return p;
}

void *kmalloc(size_t size, unsigned flags)
{
	struct mem *m = kmalloc_state.m;
	unsigned i = 0;

	if (!size || !m)
		return NULL;
	if (size > KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_large(m, size, flags);
	while (kmalloc_sizes[i] < size)
		i++;
	return kmem_cache_alloc(kmalloc_state.caches[(flags & ALLOC_ZONE_MASK) != 0][i], flags);
}

void *kzalloc(size_t size, unsigned flags)
{
	return kmalloc(size, flags | ALLOC_ZERO);
}

/* Whether f heads an allocated buddy block that is no slab: a large kmalloc. */
static bool is_large_head(const struct frame *f)
{
	return f && f->flags == FRAME_ALLOCATED;
}

/* The head of the large block that frame f lies in, or NULL. */
static struct frame *large_head_of(const struct mem *m, const struct frame *f)
{
	pfn_t pfn = mem_frame_pfn(m, f), back;

	for (back = 0; back < ((pfn_t)1 << (MAX_ORDER - 1)); back++) {
		struct frame *h = mem_frame(m, pfn - back);

		if (is_large_head(h))
			return pfn - back + ((pfn_t)1 << h->order) > pfn ? h : NULL;
		if (!h || !(h->flags & FRAME_TAIL))
			return NULL;
	}
	return NULL;
}

void kfree(const void *p)
{
	struct mem *m = kmalloc_state.m;
	struct frame *f, *head;

	if (!p)
		return;
	f = m ? frame_of(m, p) : NULL;
	if (f && (f->flags & FRAME_SLAB)) {
		struct slab *s = f->owner;

		cache_free(s->cache, s, (void *)p);
		return;
	}
	if (is_large_head(f) && p == block_address(m, f, f->order)) {
		buddy_free(m, f, f->order);
		return;
	}
	head = f ? large_head_of(m, f) : NULL;
	if (head)
		report(NULL, "free of pointer %p into the middle of large allocation %p", p,
		       block_address(m, head, head->order));
	else
		report(NULL, "free of non-slab pointer %p", p);
}

size_t ksize(const void *p)
{
	struct mem *m = kmalloc_state.m;
	struct frame *f = p && m ? frame_of(m, p) : NULL;

	if (f && (f->flags & FRAME_SLAB))
		return ((struct slab *)f->owner)->cache->size;
	if (is_large_head(f) && p == block_address(m, f, f->order))
		return (size_t)(PAGE_SIZE << f->order);
	return 0;
}
