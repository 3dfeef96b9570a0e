/*
 * mmsh's snapshot: the whole memory state as one JSON document between two
 * marker lines, for tools (tessera-mm's pictures) and for diffing two
 * moments.  The schema, its version and every field are in
 * docs/snapshot.md; change that file and SNAPSHOT_VERSION together.
 *
 * Addresses are strings ("0x80200000": 64-bit values do not fit a JSON
 * reader's doubles); counts are numbers.  Everything is read the way the
 * other commands read it (SYS_MEMINFO, the pager's requests), one answer
 * at a time: each part is exact, and the parts are close in time, not one
 * instant.
 */
#include "pager/client.h"
#include "ulib.h"

#include "mmsh.h"

#define SNAPSHOT_VERSION 1
#define BEGIN_MARK "--- tessera snapshot begin ---"
#define END_MARK "--- tessera snapshot end ---"

static char buf[2048];
static size_t used;

static void flush(void)
{
	if (used)
		sys_debug_write(buf, used);
	used = 0;
}

/* Append formatted text (one piece is never longer than the buffer's half). */
static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (used > sizeof(buf) / 2)
		flush();
	va_start(ap, fmt);
	n = format_buffer(buf + used, sizeof(buf) - used, fmt, ap);
	va_end(ap);
	used += n > 0 ? (size_t)n : 0;
	if (used >= sizeof(buf))
		used = sizeof(buf) - 1;      /* cannot be: each piece is short */
}

/* A name as a JSON string: the kernel's names are printable ASCII, and
 * anything else is written as \u00XX. */
static void out_name(const char *s)
{
	out("\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			out("\\u%04x", (unsigned char)*s);
		else
			out("%c", *s);
	}
	out("\"");
}

static void out_list(const char *key, const uint64_t *v, unsigned n)
{
	unsigned i;

	out("\"%s\": [", key);
	for (i = 0; i < n; i++)
		out("%s%lu", i ? ", " : "", (unsigned long)v[i]);
	out("]");
}

static void zones(void)
{
	struct meminfo_zone z;
	unsigned i, n;

	out("  \"zones\": [");
	for (i = 0; i < MEMINFO_ZONES; i++) {
		if (sys_meminfo(MEMINFO_ZONE, i, &z, sizeof(z)) != (long)sizeof(z))
			break;
		n = z.harts < MEMINFO_HARTS ? z.harts : MEMINFO_HARTS;
		out("%s\n    {\"name\": ", i ? "," : "");
		out_name(z.name);
		out(", \"start\": \"0x%lx\", \"end\": \"0x%lx\", \"present\": %lu, \"managed\": %lu, "
		    "\"free\": %lu, \"cached\": %lu,\n     \"watermarks\": {\"min\": %lu, \"low\": %lu, "
		    "\"high\": %lu},\n     ", (unsigned long)z.start, (unsigned long)z.end,
		    (unsigned long)z.present_pages, (unsigned long)z.managed_pages,
		    (unsigned long)z.free_pages, (unsigned long)z.cached_pages,
		    (unsigned long)z.watermark_min, (unsigned long)z.watermark_low,
		    (unsigned long)z.watermark_high);
		out_list("free_blocks", z.free_blocks, z.orders < MEMINFO_ORDERS ? z.orders
									   : MEMINFO_ORDERS);
		out(",\n     ");
		out_list("hart_cached", z.hart_cached, n);
		out(", ");
		out_list("hart_hits", z.hart_hits, n);
		out(", ");
		out_list("hart_misses", z.hart_misses, n);
		out(",\n     \"allocs\": %lu, \"frees\": %lu, \"failures\": %lu, \"merges\": %lu}",
		    (unsigned long)z.allocs, (unsigned long)z.frees, (unsigned long)z.failures,
		    (unsigned long)z.merges);
	}
	out("\n  ],\n");
}

#define RUNS_MAX 200000                 /* a bound on the frames' runs written */

/* Every page of RAM, as runs of pages alike (MEMINFO_FRAME_RUN). */
static void frames(void)
{
	static const char *const states[] = { "not-ram", "reserved", "free", "cached",
					      "allocated", "slab", "kmalloc" };
	struct meminfo_frame_run r;
	struct meminfo_zone z;
	uint64_t pa = UINT64_MAX, end = 0, n = 0;
	unsigned i;

	for (i = 0; i < MEMINFO_ZONES; i++)
		if (sys_meminfo(MEMINFO_ZONE, i, &z, sizeof(z)) == (long)sizeof(z) && z.end > z.start) {
			pa = z.start < pa ? z.start : pa;
			end = z.end > end ? z.end : end;
		}
	out("  \"frames\": [");
	while (pa < end && n < RUNS_MAX &&
	       sys_meminfo(MEMINFO_FRAME_RUN, pa, &r, sizeof(r)) == (long)sizeof(r) && r.pages) {
		out("%s\n    {\"start\": \"0x%lx\", \"pages\": %lu, \"state\": \"%s\", \"order\": %u",
		    n++ ? "," : "", (unsigned long)r.start, (unsigned long)r.pages,
		    r.state < 7 ? states[r.state] : "?", r.order);
		if (r.state == MEMINFO_FRAME_SLAB) {
			out(", \"cache\": ");
			out_name(r.slab_cache);
		}
		out("}");
		pa = r.start + r.pages * PAGE_SIZE;
	}
	out("\n  ],\n");
}

static void slabs(void)
{
	struct meminfo_slab s;
	uint64_t i;
	unsigned h;

	out("  \"slabs\": [");
	for (i = 0; sys_meminfo(MEMINFO_SLAB, i, &s, sizeof(s)) == (long)sizeof(s); i++) {
		out("%s\n    {\"name\": ", i ? "," : "");
		out_name(s.name);
		out(", \"object_size\": %lu, \"slab_size\": %lu, \"objects_per_slab\": %lu, "
		    "\"active\": %lu, \"cached\": %lu, \"total\": %lu, \"full\": %lu, \"partial\": %lu, "
		    "\"empty\": %lu, \"allocs\": %lu, \"frees\": %lu", (unsigned long)s.object_size,
		    (unsigned long)s.slab_size, (unsigned long)s.objects_per_slab,
		    (unsigned long)s.active_objects, (unsigned long)s.cached_objects,
		    (unsigned long)s.total_objects, (unsigned long)s.slabs_full,
		    (unsigned long)s.slabs_partial, (unsigned long)s.slabs_empty,
		    (unsigned long)s.allocs, (unsigned long)s.frees);
		for (h = 0; h < s.harts && h < MEMINFO_HARTS; h++)
			out("%s{\"cached\": %lu, \"allocs\": %lu, \"refilled\": %lu, \"drained\": "
			    "%lu}", h ? ", " : ",\n     \"harts\": [", (unsigned long)s.hart_cached[h],
			    (unsigned long)s.hart_allocs[h], (unsigned long)s.hart_refilled[h],
			    (unsigned long)s.hart_drained[h]);
		out(s.harts ? "]}" : ", \"harts\": []}");
	}
	out("\n  ],\n");
}

static void vmalloc(void)
{
	struct meminfo_vmalloc v;
	uint64_t i;

	out("  \"vmalloc\": {");
	for (i = 0; sys_meminfo(MEMINFO_VMALLOC, i, &v, sizeof(v)) == (long)sizeof(v); i++) {
		if (!i)
			out("\"start\": \"0x%lx\", \"end\": \"0x%lx\", \"areas\": [",
			    (unsigned long)v.window_start, (unsigned long)v.window_end);
		out("%s{\"guard\": \"0x%lx\", \"pages\": %lu}", i ? ", " : "",
		    (unsigned long)v.start, (unsigned long)v.area_pages);
	}
	out(i ? "]},\n" : "\"areas\": []},\n");
}


/* t's regions, as its pager tells them (PAGER_REGION), as JSON objects. */
static void regions_of(const struct meminfo_task *t)
{
	struct msg c;
	uint64_t i;

	for (i = 0; pager_request(mmsh_pager, PAGER_REGION, t->id, i, 0, 0, &c) == 0; i++) {
		unsigned kind = c.w[2] & 0xff, rights = (c.w[2] >> 8) & 0xff;

		out("%s\n       {\"start\": \"0x%lx\", \"end\": \"0x%lx\", \"rights\": \"%c%c%c\", "
		    "\"kind\": \"%s\", \"shared\": %s, \"file\": %s, \"resident\": %lu}",
		    i ? "," : "",
		    (unsigned long)c.w[0], (unsigned long)c.w[1], rights & MAP_READ ? 'r' : '-',
		    rights & MAP_WRITE ? 'w' : '-', rights & MAP_EXEC ? 'x' : '-',
		    mmsh_kind_name(kind), (c.w[2] >> 16) & 1 ? "true" : "false",
		    (c.w[2] >> 17) & 1 ? "true" : "false", (unsigned long)c.w[3]);
	}
}

/* The pager's books on task t: counters and regions; for a program of ours
 * that ended, its regions as they were then; null for a task of no pager
 * of ours. */
static void pager_part(const struct meminfo_task *t)
{
	struct msg c, f[3];
	unsigned part;

	if (pager_request(mmsh_pager, PAGER_CLIENT, t->id, 0, 0, 0, &c) != 0) {
		/* ended: the regions its pager kept, as they were at the end */
		if (pager_request(mmsh_pager, PAGER_REGION, t->id, 0, 0, 0, &c) != 0) {
			out(", \"pager\": null");
			return;
		}
		out(",\n     \"pager\": {\"ended\": true,\n      \"regions\": [");
		regions_of(t);
		out("]}");
		return;
	}
	for (part = 0; part < 3; part++)
		if (pager_request(mmsh_pager, PAGER_CLIENT_STATS, c.w[0], part, 0, 0, &f[part]))
			f[part] = (struct msg){ 0 };
	out(",\n     \"pager\": {\"client\": %lu, \"resident\": %lu, \"limit\": %lu, \"faults\": "
	    "{\"all\": %lu, \"zero_fill\": %lu, \"file\": %lu, \"file_copy\": %lu, \"cow_copy\": "
	    "%lu, \"cow_reuse\": %lu, \"mapped_again\": %lu, \"refused\": %lu, \"fault_around\": "
	    "%lu}, \"resident_peak\": %lu,\n      \"regions\": [", (unsigned long)c.w[0],
	    (unsigned long)c.w[1], (unsigned long)c.w[2], (unsigned long)f[0].w[0],
	    (unsigned long)f[0].w[1], (unsigned long)f[0].w[2], (unsigned long)f[0].w[3],
	    (unsigned long)f[1].w[0], (unsigned long)f[1].w[1], (unsigned long)f[1].w[2],
	    (unsigned long)f[1].w[3], (unsigned long)f[2].w[0], (unsigned long)f[2].w[1]);
	regions_of(t);
	out("]}");
}

/* Every user leaf of t, with the tables on the way to it. */
static void leaves(const struct meminfo_task *t)
{
	struct meminfo_leaf l;
	uint64_t va = 0, n = 0;
	unsigned i;

	out(",\n     \"leaves\": [");
	while (va < USER_TOP &&
	       sys_meminfo_at(MEMINFO_LEAF, t->id, va, &l, sizeof(l)) == (long)sizeof(l)) {
		out("%s\n       {\"va\": \"0x%lx\", \"pa\": \"0x%lx\", \"size\": %lu, \"pte\": \"0x%lx\", "
		    "\"tables\": [", n ? "," : "", (unsigned long)l.va, (unsigned long)l.pa,
		    (unsigned long)l.size, (unsigned long)l.pte);
		for (i = 0; i < 4 && l.table[i]; i++)
			out("%s\"0x%lx\"", i ? ", " : "", (unsigned long)l.table[i]);
		out("]}");
		va = l.va + l.size;
		n++;
	}
	out("]");
}

static void tasks(void)
{
	struct meminfo_task t;
	uint64_t i;
	unsigned s, k;

	out("  \"tasks\": [");
	for (i = 0; mmsh_task_by_index(i, &t); i++) {
		out("%s\n    {\"id\": %u, \"name\": ", i ? "," : "", t.id);
		out_name(t.name);
		out(", \"ended\": %s, \"introspect\": %s, \"levels\": %u, \"user_pages\": %lu, "
		    "\"table_pages\": %lu, \"faults\": %lu,\n     \"threads\": {",
		    t.ended ? "true" : "false", t.introspect ? "true" : "false", t.levels,
		    (unsigned long)t.user_pages, (unsigned long)t.table_pages, (unsigned long)t.faults);
		for (s = 0, k = 0; s < MEMINFO_THREAD_STATES; s++)
			if (t.threads_by_state[s])
				out("%s\"%s\": %u", k++ ? ", " : "", mmsh_state_name(s),
				    t.threads_by_state[s]);
		out("}");
		pager_part(&t);
		leaves(&t);
		out("}");
	}
	out("\n  ],\n");
}

static const char *const note_names[FAULT_NOTES] = {
	"mapped", "zero-fill", "file", "file-copy", "cow-copy", "cow-reuse", "mapped-again",
	"prepared",
};
static const char *const outcome_names[] = { "mapped", "resumed", "refused" };

static void faults(void)
{
	const struct meminfo_fault *f;
	uint64_t i;

	out("  \"faults\": [");
	for (i = 0; (f = mmsh_trace_kept(i)) != NULL; i++) {
		out("%s\n    {\"seq\": %lu, \"task\": %u, \"thread\": %u, \"addr\": \"0x%lx\", "
		    "\"pc\": \"0x%lx\", \"access\": \"%s\", \"outcome\": \"%s\", \"decision\": \"%s\", "
		    "\"around\": %u, \"kill_reason\": %u, \"pa\": \"0x%lx\", \"pte\": \"0x%lx\", "
		    "\"instructions\": ", i ? "," : "", (unsigned long)f->seq, f->task, f->thread,
		    (unsigned long)f->addr, (unsigned long)f->pc,
		    mmsh_access_name(f->access),
		    f->outcome < 3 ? outcome_names[f->outcome] : "?",
		    f->note < FAULT_NOTES ? note_names[f->note] : "?", f->note_count, f->kill_reason,
		    (unsigned long)f->pa, (unsigned long)f->pte);
		if (f->counted)
			out("%lu}", (unsigned long)f->instructions);
		else
			out("null}");
	}
	out("\n  ]\n");
}

int mmsh_snapshot(int argc, char **argv)
{
	struct meminfo_task first;

	(void)argv;
	if (argc != 1)
		return mmsh_error("snapshot: no arguments (snapshot)");
	if (!mmsh_task_by_index(0, &first))
		return mmsh_error("snapshot: the kernel refuses SYS_MEMINFO (this mmsh lacks "
				  "RIGHT_INTROSPECT)");
	mmsh_trace_drain();                 /* the trace's lines first, then the document */
	out("%s\n{\n  \"schema\": \"tessera-snapshot\", \"version\": %u, \"paging\": \"Sv%u\",\n",
	    BEGIN_MARK, SNAPSHOT_VERSION, first.levels == 3 ? 39 : 48);
	zones();
	frames();
	slabs();
	vmalloc();
	tasks();
	faults();
	out("}\n%s\n", END_MARK);
	flush();
	return 0;
}
