/*
 * mmsh's memory commands: zones, buddy, slab.  Each reads its answer with
 * SYS_MEMINFO (include/tessera/meminfo.h) and prints it; one zone's lines
 * come from one answer, a snapshot taken under that zone's lock, so its
 * free blocks always add up to its free pages.
 */
#include <stdarg.h>

#include "ulib.h"

#include "mmsh.h"

static const char *const zone_names[MEMINFO_ZONES] = { "DMA", "DMA32", "NORMAL" };

int mmsh_error(const char *fmt, ...)
{
	char text[160];
	va_list ap;

	va_start(ap, fmt);
	format_buffer(text, sizeof(text), fmt, ap);
	va_end(ap);
	printf("mmsh: %s\n", text);
	return 1;
}

int mmsh_refused(const char *cmd, long r, unsigned long size)
{
	if (r == -ERR_DENIED)
		return mmsh_error("%s: the kernel refuses: ERR_DENIED (this mmsh lacks "
				  "RIGHT_INTROSPECT, which init gives the shell it starts)", cmd);
	if (r < 0)
		return mmsh_error("%s: SYS_MEMINFO failed: %s", cmd, err_name((err_t)-r));
	return mmsh_error("%s: SYS_MEMINFO answered %ld bytes, not %lu", cmd, r, size);
}

/* Zone z into *out; false (said why) when the kernel refuses. */
static bool read_zone(const char *cmd, unsigned z, struct meminfo_zone *out)
{
	long r = sys_meminfo(MEMINFO_ZONE, z, out, sizeof(*out));

	if (r == (long)sizeof(*out))
		return true;
	mmsh_refused(cmd, r, sizeof(*out));
	return false;
}

/* The zone called name (any case), or MEMINFO_ZONES. */
static unsigned zone_named(const char *name)
{
	unsigned z, i;

	for (z = 0; z < MEMINFO_ZONES; z++) {
		for (i = 0; name[i] && (name[i] & ~0x20) == (zone_names[z][i] & ~0x20); i++)
			;
		if (!name[i] && !zone_names[z][i])
			return z;
	}
	return MEMINFO_ZONES;
}

/* A zone's lines for `zones`: counts, watermarks, each hart's cache, counters. */
static void print_zone(const struct meminfo_zone *z)
{
	unsigned h;

	if (!z->present_pages) {
		printf("zone %s: empty\n", z->name);
		return;
	}
	printf("zone %s: 0x%lx-0x%lx, %lu pages present, %lu managed, %lu free, "
	       "%lu in hart caches\n", z->name, (unsigned long)z->start, (unsigned long)z->end,
	       (unsigned long)z->present_pages, (unsigned long)z->managed_pages,
	       (unsigned long)z->free_pages, (unsigned long)z->cached_pages);
	printf("  watermarks: min %lu, low %lu, high %lu pages\n",
	       (unsigned long)z->watermark_min, (unsigned long)z->watermark_low,
	       (unsigned long)z->watermark_high);
	for (h = 0; h < z->harts && h < MEMINFO_HARTS; h++)
		printf("  hart %u cache: %lu pages, %lu hits, %lu misses\n", h,
		       (unsigned long)z->hart_cached[h], (unsigned long)z->hart_hits[h],
		       (unsigned long)z->hart_misses[h]);
	printf("  free lists: %lu blocks taken, %lu given back, %lu merges, %lu failures\n",
	       (unsigned long)z->allocs, (unsigned long)z->frees, (unsigned long)z->merges,
	       (unsigned long)z->failures);
}

int mmsh_zones(int argc, char **argv)
{
	struct meminfo_zone z;
	unsigned i;

	(void)argv;
	if (argc != 1)
		return mmsh_error("zones: no arguments (zones)");
	for (i = 0; i < MEMINFO_ZONES; i++) {
		if (!read_zone("zones", i, &z))
			return 1;
		print_zone(&z);
	}
	return 0;
}

/*
 * One zone's free lists: per order its blocks, their pages, and the
 * unusable free space index (the share of free pages in blocks too small
 * for an allocation of that order: 0 % means every free page could serve
 * one, 100 % none), to one decimal.
 */
static void print_buddy(const struct meminfo_zone *z)
{
	uint64_t bigger = z->free_pages, per_mille;
	unsigned o;

	if (!z->present_pages) {
		printf("buddy %s: empty\n", z->name);
		return;
	}
	printf("buddy %s: %lu free pages\n", z->name, (unsigned long)z->free_pages);
	printf("  order  blocks    pages  unusable\n");
	for (o = 0; o < z->orders && o < MEMINFO_ORDERS; o++) {
		per_mille = z->free_pages ? (z->free_pages - bigger) * 1000 / z->free_pages : 0;
		printf("  %5u  %6lu  %7lu  %5lu.%lu%%\n", o, (unsigned long)z->free_blocks[o],
		       (unsigned long)(z->free_blocks[o] << o), (unsigned long)(per_mille / 10),
		       (unsigned long)(per_mille % 10));
		bigger -= z->free_blocks[o] << o;
	}
}

int mmsh_buddy(int argc, char **argv)
{
	struct meminfo_zone z;
	unsigned i, only = MEMINFO_ZONES;

	if (argc > 2)
		return mmsh_error("buddy: one zone at most (buddy [DMA|DMA32|NORMAL])");
	if (argc == 2) {
		only = zone_named(argv[1]);
		if (only == MEMINFO_ZONES)
			return mmsh_error("buddy: no zone '%s' (DMA, DMA32 or NORMAL)", argv[1]);
	}
	for (i = 0; i < MEMINFO_ZONES; i++) {
		if (only != MEMINFO_ZONES && i != only)
			continue;
		if (!read_zone("buddy", i, &z))
			return 1;
		print_buddy(&z);
	}
	return 0;
}

/*
 * Ask for item 0, 1, ... of `what` into buf (`size` bytes each) and print
 * each, until the kernel says there are no more.  Returns how many, or -1
 * when it refused (cmd said why).
 */
static long each_item(const char *cmd, unsigned long what, void *buf, size_t size,
		      void (*print)(const void *item, uint64_t index))
{
	uint64_t i;
	long r;

	for (i = 0; (r = sys_meminfo(what, i, buf, size)) == (long)size; i++)
		print(buf, i);
	if (r != -ERR_NOT_FOUND) {
		mmsh_refused(cmd, r, size);
		return -1;
	}
	return (long)i;
}

static void print_slab(const void *item, uint64_t index)
{
	const struct meminfo_slab *s = item;

	if (index == 0)
		printf("%-20s %8s %8s %8s %7s %7s %7s\n", "cache", "size", "active", "total",
		       "full", "partial", "empty");
	printf("%-20s %8lu %8lu %8lu %7lu %7lu %7lu\n", s->name, (unsigned long)s->object_size,
	       (unsigned long)s->active_objects, (unsigned long)s->total_objects,
	       (unsigned long)s->slabs_full, (unsigned long)s->slabs_partial,
	       (unsigned long)s->slabs_empty);
}

/* slab CACHE: one cache, with each hart's magazine. */
static int slab_detail(const char *name)
{
	struct meminfo_slab s;
	uint64_t i;
	unsigned h;
	long r;

	for (i = 0; (r = sys_meminfo(MEMINFO_SLAB, i, &s, sizeof(s))) == (long)sizeof(s); i++)
		if (strcmp(s.name, name) == 0)
			break;
	if (r == -ERR_NOT_FOUND)
		return mmsh_error("slab: no cache '%s' (slab lists them)", name);
	if (r != (long)sizeof(s))
		return mmsh_refused("slab", r, sizeof(s));
	printf("cache %s: %lu-byte objects, %lu in a %lu-byte slab; %lu in use, %lu in "
	       "magazines, %lu in all; slabs %lu full, %lu partial, %lu empty; %lu allocs, "
	       "%lu frees\n", s.name, (unsigned long)s.object_size,
	       (unsigned long)s.objects_per_slab, (unsigned long)s.slab_size,
	       (unsigned long)s.active_objects, (unsigned long)s.cached_objects,
	       (unsigned long)s.total_objects, (unsigned long)s.slabs_full,
	       (unsigned long)s.slabs_partial, (unsigned long)s.slabs_empty,
	       (unsigned long)s.allocs, (unsigned long)s.frees);
	if (!s.harts)
		printf("  no magazines (a debug cache: every call takes the lock)\n");
	for (h = 0; h < s.harts && h < MEMINFO_HARTS; h++)
		printf("  hart %u magazine: %lu objects; %lu allocs served, %lu objects refilled "
		       "from the slabs, %lu drained to them\n", h, (unsigned long)s.hart_cached[h],
		       (unsigned long)s.hart_allocs[h], (unsigned long)s.hart_refilled[h],
		       (unsigned long)s.hart_drained[h]);
	return 0;
}

int mmsh_slab(int argc, char **argv)
{
	struct meminfo_slab s;
	long n;

	if (argc > 2)
		return mmsh_error("slab: one cache at most (slab [CACHE])");
	if (argc == 2)
		return slab_detail(argv[1]);
	n = each_item("slab", MEMINFO_SLAB, &s, sizeof(s), print_slab);
	if (n < 0)
		return 1;
	printf("%ld caches\n", n);
	return 0;
}

/* "free, in the order-3 block at 0x80008000 (8 pages)" and the like. */
static void print_frame(const struct meminfo_frame *f)
{
	static const char *const what[] = {
		[MEMINFO_FRAME_FREE] = "free, in the free",
		[MEMINFO_FRAME_ALLOCATED] = "allocated, in the",
		[MEMINFO_FRAME_SLAB] = "a slab page, in the",
		[MEMINFO_FRAME_KMALLOC] = "a big kmalloc, in the",
	};

	printf("frame 0x%lx: ", (unsigned long)f->pa);
	if (f->state == MEMINFO_FRAME_NOT_RAM) {
		printf("not RAM the kernel manages\n");
		return;
	}
	printf("zone %s, ", f->zone < MEMINFO_ZONES ? zone_names[f->zone] : "?");
	if (f->state == MEMINFO_FRAME_RESERVED) {
		printf("reserved (never given to the buddy: the kernel image, firmware, the "
		       "device tree, the frame table...)\n");
	} else if (f->state == MEMINFO_FRAME_CACHED) {
		printf("free, in a hart's page cache\n");
	} else if (f->state < sizeof(what) / sizeof(what[0]) && what[f->state]) {
		printf("%s order-%u block at 0x%lx (%lu pages)", what[f->state], f->order,
		       (unsigned long)f->block, 1ul << f->order);
		if (f->state == MEMINFO_FRAME_SLAB)
			printf(" of cache %s", f->slab_cache);
		if (f->state != MEMINFO_FRAME_FREE)
			printf(", %u reference%s", f->refcount, f->refcount == 1 ? "" : "s");
		printf("\n");
	} else {
		printf("in a state this mmsh does not know (%u)\n", f->state);
	}
}

#define MAPPERS_SHOWN 16

/* Which tasks map the page at pa, and where (the kernel walks every table). */
static int print_mappers(uint64_t pa)
{
	struct meminfo_mapper m;
	struct meminfo_task t;
	uint64_t n;
	long r;

	for (n = 0; (r = sys_meminfo_at(MEMINFO_MAPPER, pa, n, &m, sizeof(m))) == (long)sizeof(m);
	     n++) {
		if (n >= MAPPERS_SHOWN)
			continue;              /* counted below, not shown */
		printf("  mapped by task %u (%s) at 0x%lx, %s\n", m.task,
		       mmsh_task_by_id(m.task, &t) ? t.name : "?", (unsigned long)m.va,
		       m.pte & 4 ? "writable" : "read-only");
	}
	if (r != -ERR_NOT_FOUND)
		return mmsh_refused("frame", r, sizeof(m));
	if (n > MAPPERS_SHOWN)
		printf("  and %lu more mappings (the first %u shown)\n",
		       (unsigned long)(n - MAPPERS_SHOWN), MAPPERS_SHOWN);
	else if (!n)
		printf("  mapped by no task\n");
	return 0;
}

int mmsh_frame(int argc, char **argv)
{
	struct meminfo_frame f;
	uint64_t pa;
	long r;

	if (argc != 2)
		return mmsh_error("frame: one physical address (frame 0x80200000)");
	if (!parse_number(argv[1], &pa))
		return mmsh_error("frame: '%s' is not an address (decimal, or hex with 0x)", argv[1]);
	r = sys_meminfo(MEMINFO_FRAME, pa, &f, sizeof(f));
	if (r != (long)sizeof(f))
		return mmsh_refused("frame", r, sizeof(f));
	print_frame(&f);
	/* only pages tasks can map: allocated ones, and reserved ones (the boot
	 * image's files, which the pager maps) */
	return f.state == MEMINFO_FRAME_ALLOCATED || f.state == MEMINFO_FRAME_RESERVED
	       ? print_mappers(pa) : 0;
}

static void print_vmalloc(const void *item, uint64_t index)
{
	const struct meminfo_vmalloc *v = item;

	if (index == 0)
		printf("vmalloc 0x%lx-0x%lx: %lu areas, %lu pages\n",
		       (unsigned long)v->window_start, (unsigned long)v->window_end,
		       (unsigned long)v->areas, (unsigned long)v->pages);
	printf("  0x%lx-0x%lx %lu pages (guard page at 0x%lx)\n",
	       (unsigned long)(v->start + PAGE_SIZE),
	       (unsigned long)(v->start + (v->area_pages + 1) * PAGE_SIZE),
	       (unsigned long)v->area_pages, (unsigned long)v->start);
}

int mmsh_vmalloc(int argc, char **argv)
{
	struct meminfo_vmalloc v;
	long n;

	(void)argv;
	if (argc != 1)
		return mmsh_error("vmalloc: no arguments (vmalloc)");
	n = each_item("vmalloc", MEMINFO_VMALLOC, &v, sizeof(v), print_vmalloc);
	if (n < 0)
		return 1;
	if (n == 0)
		printf("vmalloc: no areas\n");
	return 0;
}
