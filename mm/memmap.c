/*
 * The boot memory map (see mm/memmap.h).  Lists are small (MEMMAP_MAX), so
 * the code keeps them sorted arrays and favours plain loops over cleverness.
 */
#include <string.h>

#include "lib/format.h"
#include "mm/memmap.h"

struct logger {
	memmap_log_fn fn;
	void *arg;
};

void mm_log(memmap_log_fn log, void *arg, const char *fmt, ...)
{
	char line[MM_LOG_LINE_MAX];
	va_list ap;

	if (!log)
		return;
	va_start(ap, fmt);
	format_buffer(line, sizeof(line), fmt, ap);
	va_end(ap);
	log(arg, line);
}

uint64_t memmap_pages(const struct memmap_list *l)
{
	uint64_t pages = 0;
	unsigned i;

	for (i = 0; i < l->n; i++)
		pages += (l->r[i].end - l->r[i].start) >> PAGE_SHIFT;
	return pages;
}

bool memmap_is_firmware(const struct boot_reserved *r)
{
	return r->no_map || strncmp(r->name, "mmode_resv", 10) == 0;
}

static err_t insert_at(struct memmap_list *l, unsigned at, paddr_t start, paddr_t end)
{
	unsigned i;

	if (l->n >= MEMMAP_MAX)
		return ERR_NO_MEMORY;
	for (i = l->n; i > at; i--)
		l->r[i] = l->r[i - 1];
	l->r[at] = (struct memmap_range){ start, end };
	l->n++;
	return ERR_OK;
}

static void remove_at(struct memmap_list *l, unsigned at)
{
	for (l->n--; at < l->n; at++)
		l->r[at] = l->r[at + 1];
}

/* Insert [start, end) keeping the list sorted; merges overlapping or touching ranges. */
static err_t add_merged(struct memmap_list *l, paddr_t start, paddr_t end)
{
	unsigned at = 0;

	while (at < l->n && l->r[at].end < start)
		at++;
	if (at == l->n || end < l->r[at].start)
		return insert_at(l, at, start, end);
	if (start < l->r[at].start)
		l->r[at].start = start;
	if (end > l->r[at].end)
		l->r[at].end = end;
	while (at + 1 < l->n && l->r[at + 1].start <= l->r[at].end) {
		if (l->r[at + 1].end > l->r[at].end)
			l->r[at].end = l->r[at + 1].end;
		remove_at(l, at + 1);
	}
	return ERR_OK;
}

err_t memmap_subtract(struct memmap_list *l, paddr_t start, paddr_t end)
{
	unsigned i = 0;

	while (i < l->n) {
		struct memmap_range *r = &l->r[i];

		if (end <= r->start || start >= r->end) {
			i++;
		} else if (start <= r->start && end >= r->end) {
			remove_at(l, i);
		} else if (start > r->start && end < r->end) {
			paddr_t old_end = r->end;

			if (l->n >= MEMMAP_MAX)
				return ERR_NO_MEMORY; /* checked first: the list stays as it was */
			r->end = start;
			return insert_at(l, i + 1, end, old_end);
		} else {
			if (start <= r->start)
				r->start = end;
			else
				r->end = start;
			i++;
		}
	}
	return ERR_OK;
}

/* Does [start, end) overlap any range already in the list? */
static bool overlaps(const struct memmap_list *l, paddr_t start, paddr_t end)
{
	unsigned i;

	for (i = 0; i < l->n; i++)
		if (start < l->r[i].end && l->r[i].start < end)
			return true;
	return false;
}

/* One /memory range into mm->ram: shrink to pages, clip to limit, merge. */
static err_t add_ram(struct memmap *mm, const struct boot_range *b, paddr_t limit,
		     const struct logger *lg)
{
	paddr_t start = ALIGN_UP(b->start, PAGE_SIZE), end = ALIGN_DOWN(b->end, PAGE_SIZE);

	if (b->start > UINT64_MAX - PAGE_SIZE || end <= start) {
		mm_log(lg->fn, lg->arg, "memmap: memory 0x%lx-0x%lx holds no whole page: dropped", b->start, b->end);
		return ERR_OK;
	}
	if (start != b->start || end != b->end)
		mm_log(lg->fn, lg->arg, "memmap: memory 0x%lx-0x%lx not page aligned: using 0x%lx-0x%lx",
		    b->start, b->end, start, end);
	if (start >= limit) {
		mm_log(lg->fn, lg->arg, "memmap: memory 0x%lx-0x%lx above 0x%lx, out of the kernel's reach: "
		    "dropped", start, end, limit);
		return ERR_OK;
	}
	if (end > limit) {
		mm_log(lg->fn, lg->arg, "memmap: memory 0x%lx-0x%lx crosses 0x%lx, out of the kernel's reach: "
		    "clipped", start, end, limit);
		end = limit;
	}
	if (overlaps(&mm->ram, start, end))
		mm_log(lg->fn, lg->arg, "memmap: memory 0x%lx-0x%lx overlaps another memory range: merged",
		    start, end);
	return add_merged(&mm->ram, start, end);
}

/* One reserved range: out of the free list (and the mappable set if firmware). */
static err_t add_reserved(struct memmap *mm, const struct boot_reserved *r,
			  const struct logger *lg)
{
	paddr_t start = ALIGN_DOWN(r->start, PAGE_SIZE);
	paddr_t end = r->end > UINT64_MAX - PAGE_SIZE ? ALIGN_DOWN(UINT64_MAX, PAGE_SIZE)
						      : ALIGN_UP(r->end, PAGE_SIZE);
	err_t err;

	if (r->start >= r->end) {
		mm_log(lg->fn, lg->arg, "memmap: reserved 0x%lx-0x%lx %s is empty: ignored", r->start, r->end,
		    r->name);
		return ERR_OK;
	}
	if (!overlaps(&mm->ram, start, end)) {
		mm_log(lg->fn, lg->arg, "memmap: reserved 0x%lx-0x%lx %s is outside RAM: nothing to reserve",
		    r->start, r->end, r->name);
		return ERR_OK;
	}
	err = memmap_subtract(&mm->free, start, end);
	if (!err && memmap_is_firmware(r))
		err = add_merged(&mm->nomap, start, end);
	return err;
}

/* One line saying why no page of RAM is left free, by cause. */
static void log_no_ram(const struct memmap *mm, const struct boot_info *bi, paddr_t limit,
		       const struct logger *lg)
{
	unsigned i, above = 0;

	for (i = 0; i < bi->nmemory; i++)
		above += ALIGN_UP(bi->memory[i].start, PAGE_SIZE) >= limit;
	if (!bi->nmemory)
		mm_log(lg->fn, lg->arg, "memmap: no RAM: the tree has no /memory node "
		       "(a bootloader adds it to the tree it passes on)");
	else if (mm->ram.n)
		mm_log(lg->fn, lg->arg, "memmap: no free RAM: reserved ranges cover all of it");
	else if (above == bi->nmemory)
		mm_log(lg->fn, lg->arg, "memmap: no RAM below 0x%lx, the end of the direct map: "
		       "every memory range lies above it", limit);
	else
		mm_log(lg->fn, lg->arg, "memmap: no RAM: every memory range was dropped");
}

err_t memmap_build(struct memmap *mm, const struct boot_info *bi, paddr_t limit,
		   memmap_log_fn log, void *arg)
{
	const struct logger lg = { log, arg };
	err_t err = ERR_OK;
	unsigned i;

	memset(mm, 0, sizeof(*mm));
	for (i = 0; i < bi->nmemory && !err; i++)
		err = add_ram(mm, &bi->memory[i], limit, &lg);
	mm->free = mm->ram;
	for (i = 0; i < bi->nreserved && !err; i++)
		err = add_reserved(mm, &bi->reserved[i], &lg);
	if (err) {
		mm_log(log, arg, "memmap: more than %u separate ranges: cannot describe memory",
		    MEMMAP_MAX);
		return err;
	}
	if (mm->free.n)
		return ERR_OK;
	log_no_ram(mm, bi, limit, &lg);
	return ERR_NOT_FOUND;
}

paddr_t memmap_alloc(struct memmap *mm, uint64_t size, uint64_t align, paddr_t below)
{
	unsigned i = mm->free.n;

	size = ALIGN_UP(size, PAGE_SIZE);
	while (i--) {
		const struct memmap_range *r = &mm->free.r[i];
		paddr_t top = r->end < below ? r->end : below;
		paddr_t at;

		if (top < r->start + size || top < size)
			continue;
		at = ALIGN_DOWN(top - size, align);
		if (at < r->start)
			continue;
		if (memmap_subtract(&mm->free, at, at + size) != ERR_OK)
			return 0;
		return at;
	}
	return 0;
}
