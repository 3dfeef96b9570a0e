/*
 * The slab allocator's debug mode (SLAB_DEBUG; rules in mm/slab.h) and its
 * reports: red zones, poison and state words on each object, the checks on
 * every allocation and free of a debug cache, and the one-line reports of
 * every mode.  A slot of a debug cache (set_layout in mm/slab.c; a slab's
 * layout is drawn there):
 *
 *   | state | left red zone | object (size) | right red zone | [free pointer] | pad |
 *     8 B     >= 8 B: object   8-aligned       >= 8 B; without a ctor it runs
 *             starts aligned                   to the end of the slot (pad included)
 *
 * Example, kmalloc-64 in debug mode: state at +0, red zone +8..+15, object
 * +16..+79, red zone +80..+87; stride 88.  A free object is OBJ_FREE, holds
 * POISON_BYTE after its free pointer (not in ctor caches, whose objects keep
 * their constructed state) and is on its slab's freelist; an allocated one
 * is OBJ_ALLOCATED.  Red zones always hold REDZONE_BYTE.  Damage is
 * reported, then repaired or the operation refused, so one bug gives one
 * report and the cache stays sound.
 *
 * Locks: the cache's lock is held by the caller (mm/slab.c) for everything
 * but slab_debug_check_pointer and slab_report, which take none.
 */
#include <stdarg.h>

#include "lib/format.h"
#include "mm/slab_internal.h"

#define REPORT_MAX 200          /* bytes of one report line */

/* Where reports go (slab_set_report): set at boot, read without a lock. */
static void (*report_fn)(void *arg, const char *line);
static void *report_arg;

/* Reports about pointers of no cache (kfree's): atomic. */
static uint64_t kmalloc_errors;

/* ---- reports --------------------------------------------------------------------- */

void slab_set_report(void (*fn)(void *arg, const char *line), void *arg)
{
	report_fn = fn;
	report_arg = arg;
}

uint64_t kmalloc_debug_errors(void)
{
	return __atomic_load_n(&kmalloc_errors, __ATOMIC_RELAXED);
}

/* Count a problem of cache c (NULL: kmalloc's) and send "slab: <cache>: <text>". */
void slab_report(struct kmem_cache *c, const char *fmt, ...)
{
	char line[REPORT_MAX];
	va_list ap;
	int n;

	__atomic_fetch_add(c ? &c->debug_errors : &kmalloc_errors, 1, __ATOMIC_RELAXED);
	if (!report_fn)
		return;
	n = snprint(line, sizeof(line), "slab: %s: ", c ? c->name : "kmalloc");
	va_start(ap, fmt);
	format_buffer(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	report_fn(report_arg, line);
}

/* ---- the dress of a free object -------------------------------------------------- */

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

/* The first byte of [p, p + n) that is not `want`, or NULL. */
static const uint8_t *mismatch(const uint8_t *p, size_t n, uint8_t want)
{
	for (; n; n--, p++)
		if (*p != want)
			return p;
	return NULL;
}

/* Give a free object its debug dress: state FREE, red zones, poison. */
void slab_debug_dress_free(const struct kmem_cache *c, uint8_t *obj)
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
		slab_report(c, "write before the start of object %p (byte %ld is 0x%02x, expected 0x%02x)",
			    (void *)obj, (long)(bad - obj), (unsigned)*bad, REDZONE_BYTE);
		memset(left, REDZONE_BYTE, c->object_offset - STATE_BYTES);
	}
	bad = mismatch(obj + c->size, right_redzone(c), REDZONE_BYTE);
	if (bad) {
		slab_report(c, "write past the end of object %p (byte %ld is 0x%02x, expected 0x%02x)",
			    (void *)obj, (long)(bad - obj), (unsigned)*bad, REDZONE_BYTE);
		memset(obj + c->size, REDZONE_BYTE, right_redzone(c));
	}
}

/* ---- allocation ------------------------------------------------------------------ */

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
unsigned slab_debug_check_alloc(struct kmem_cache *c, struct slab *s, uint8_t *obj)
{
	unsigned inuse = s->inuse + 1;
	const uint8_t *bad;

	set_state(c, obj, OBJ_ALLOCATED);
	if (!link_ok(c, s, s->freelist)) {
		slab_report(c, "corrupted free pointer 0x%lx in free object %p",
			    (unsigned long)(uintptr_t)s->freelist, (void *)obj);
		inuse = c->objects - rebuild_freelist(c, s);
	}
	bad = mismatch(obj + poison_start(c), c->size - poison_start(c), POISON_BYTE);
	if (bad)
		slab_report(c, "write after free of object %p (byte %ld is 0x%02x, expected 0x%02x)",
			    (void *)obj, (long)(bad - obj), (unsigned)*bad, POISON_BYTE);
	check_redzones(c, obj);
	return inuse;
}

/* ---- free ------------------------------------------------------------------------ */

/* Whether p is an object start of slab s; reports it if not.  No lock needed. */
bool slab_debug_check_pointer(struct kmem_cache *c, const struct slab *s, const void *p)
{
	long i = slot_index(c, s, p);
	const uint8_t *obj = i >= 0 ? slot_object(c, s, (size_t)i) : NULL;

	if (obj && p == obj)
		return true;
	if (obj && (const uint8_t *)p > obj && (const uint8_t *)p < obj + c->size)
		slab_report(c, "free of pointer %p into the middle of object %p (offset %lu)", p,
			    (const void *)obj, (unsigned long)((const uint8_t *)p - obj));
	else
		slab_report(c, "free of pointer %p that is not an object", p);
	return false;
}

/* Checks on freeing the allocated-looking obj: refuse a double free, repair red zones. */
bool slab_debug_check_free(struct kmem_cache *c, uint8_t *obj)
{
	uint64_t state = get_state(c, obj);

	if (state == OBJ_FREE) {
		slab_report(c, "double free of object %p", (void *)obj);
		return false;
	}
	if (state != OBJ_ALLOCATED)
		slab_report(c, "write before the start of object %p (state word is 0x%lx)",
			    (void *)obj, (unsigned long)state);
	check_redzones(c, obj);
	return true;
}
