/*
 * tessera-mm --text and --svg: the page's pictures without a browser.
 * --text says in lines what each picture shows (for a screen reader, a
 * terminal, a diff); --svg draws the physical memory map alone, one band
 * per RAM range, as the page's first picture does.  Both read the same data
 * as the page (mm_page.c), parsed with mm_json.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm_json.h"
#include "mm_page.h"

#define PAGE 4096ull
#define ORDERS_MAX 32

static unsigned long long hex_of(const struct json *pair, unsigned i)
{
	const struct json *e = pair ? pair->child : NULL;

	while (e && i--)
		e = e->next;
	return e && e->text ? strtoull(e->text, NULL, 0) : 0;
}

static const char *third(const struct json *pair)
{
	const struct json *e = pair && pair->child && pair->child->next ? pair->child->next->next : NULL;

	return e && e->text ? e->text : "";
}

static void text_zones(FILE *f, const struct json *zones, bool snapshot)
{
	const struct json *z, *b;

	for (z = zones; z; z = z->next) {
		unsigned long long start = json_u64(z, "start"), end = json_u64(z, "end"), sum = 0;
		unsigned o = 0;

		if (end <= start) {
			fprintf(f, "zone %s: empty\n", json_str(z, "name"));
			continue;
		}
		fprintf(f, "zone %s: 0x%llx-0x%llx, %llu pages, %llu free%s; free blocks by order:",
			json_str(z, "name"), start, end,
			(unsigned long long)json_u64(z, "present"), (unsigned long long)json_u64(z, "free"),
			snapshot ? "" : " (right after boot)");
		for (b = json_first(z, "free_blocks"); b; b = b->next, o++) {
			unsigned long long n = strtoull(b->text ? b->text : "0", NULL, 10);

			fprintf(f, " %llu", n);
			sum += n << o;
		}
		fprintf(f, " (%llu pages)\n", sum);
		if (json_get(z, "watermarks"))
			fprintf(f, "  watermarks: min %llu, low %llu, high %llu pages\n",
				(unsigned long long)json_u64(json_get(z, "watermarks"), "min"),
				(unsigned long long)json_u64(json_get(z, "watermarks"), "low"),
				(unsigned long long)json_u64(json_get(z, "watermarks"), "high"));
	}
}

static void text_frames(FILE *f, const struct json *runs)
{
	static const char *const states[] = { "free", "cached", "allocated", "slab", "kmalloc",
					      "reserved", "not-ram" };
	unsigned long long pages[7] = { 0 }, count[7] = { 0 };
	const struct json *r;
	unsigned i;

	if (!runs)
		return;
	for (r = runs; r; r = r->next)
		for (i = 0; i < 7; i++)
			if (strcmp(json_str(r, "state"), states[i]) == 0) {
				pages[i] += json_u64(r, "pages");
				count[i]++;
			}
	fprintf(f, "frames:");
	for (i = 0; i < 7; i++)
		if (count[i])
			fprintf(f, "%s %s %llu pages in %llu runs", i ? "," : "", states[i], pages[i],
				count[i]);
	fprintf(f, "\n");
}

static void text_tasks(FILE *f, const struct json *tasks)
{
	const struct json *t, *r, *l;

	for (t = tasks; t; t = t->next) {
		const struct json *pager = json_get(t, "pager");
		unsigned leaves = 0;

		fprintf(f, "task %llu (%s)%s: %llu user pages, %llu table pages, %llu faults\n",
			(unsigned long long)json_u64(t, "id"), json_str(t, "name"),
			json_get(t, "ended") && json_get(t, "ended")->truth ? ", ended" : "",
			(unsigned long long)json_u64(t, "user_pages"),
			(unsigned long long)json_u64(t, "table_pages"),
			(unsigned long long)json_u64(t, "faults"));
		for (r = pager ? json_first(pager, "regions") : NULL; r; r = r->next)
			fprintf(f, "  region %s-%s %s %s: %llu of %llu pages resident%s\n",
				json_str(r, "start"), json_str(r, "end"), json_str(r, "rights"),
				json_str(r, "kind"), (unsigned long long)json_u64(r, "resident"),
				(unsigned long long)((json_u64(r, "end") - json_u64(r, "start")) / PAGE),
				json_get(r, "file") && json_get(r, "file")->truth ? ", a mapped file" :
				json_get(r, "shared") && json_get(r, "shared")->truth ? ", shared" : "");
		for (l = json_first(t, "leaves"); l; l = l->next)
			leaves++;
		if (leaves)
			fprintf(f, "  page table (%s): %u user leaves, %llu table pages of its own\n",
				json_u64(t, "levels") == 3 ? "Sv39" : "Sv48", leaves,
				(unsigned long long)json_u64(t, "table_pages"));
	}
}

static void text_faults(FILE *f, const struct json *faults)
{
	const struct json *x;

	for (x = faults; x; x = x->next) {
		fprintf(f, "fault %llu: task %llu %s %s pc %s: %s", (unsigned long long)json_u64(x, "seq"),
			(unsigned long long)json_u64(x, "task"), json_str(x, "access"),
			json_str(x, "addr"), json_str(x, "pc"), json_str(x, "decision"));
		if (json_u64(x, "around"))
			fprintf(f, ", fault-around %llu", (unsigned long long)json_u64(x, "around"));
		if (strcmp(json_str(x, "outcome"), "mapped") == 0)
			fprintf(f, " -> frame %s", json_str(x, "pa"));
		else
			fprintf(f, ", %s", json_str(x, "outcome"));
		if (json_get(x, "instructions") && json_get(x, "instructions")->kind == JSON_NUMBER)
			fprintf(f, ", %llu instructions", (unsigned long long)json_u64(x, "instructions"));
		fprintf(f, "\n");
	}
}

int mm_text_write(FILE *f, const struct json *d)
{
	const struct json *s = json_get(d, "snapshot"), *m, *c;
	bool snap = s && s->kind == JSON_OBJECT;

	fprintf(f, "picture of %s: %s, paging %s\n", json_str(d, "title"),
		snap ? "a snapshot" : "right after boot", snap ? json_str(s, "paging") : json_str(d, "paging"));
	for (m = json_first(d, "memory"); m; m = m->next)
		fprintf(f, "memory: RAM 0x%llx-0x%llx (%llu MiB)\n", hex_of(m, 0), hex_of(m, 1),
			(hex_of(m, 1) - hex_of(m, 0)) >> 20);
	if (!json_first(d, "memory"))
		fprintf(f, "memory: no RAM the kernel can use\n");
	for (m = json_first(d, "reserved"); m; m = m->next)
		fprintf(f, "reserved: 0x%llx-0x%llx %s\n", hex_of(m, 0), hex_of(m, 1), third(m));
	text_zones(f, json_first(snap ? s : d, "zones"), snap);
	if (!snap)
		return 0;
	text_frames(f, json_first(s, "frames"));
	for (c = json_first(s, "slabs"); c; c = c->next)
		fprintf(f, "slab %s: %llu of %llu objects in use, %llu in magazines\n", json_str(c, "name"),
			(unsigned long long)json_u64(c, "active"), (unsigned long long)json_u64(c, "total"),
			(unsigned long long)json_u64(c, "cached"));
	text_tasks(f, json_first(s, "tasks"));
	text_faults(f, json_first(s, "faults"));
	return 0;
}

/* ---- the SVG ----------------------------------------------------------------------- */

static const char *fill_of(const char *state, unsigned long long order)
{
	static char free_colour[32];

	if (strcmp(state, "free") == 0) {
		snprintf(free_colour, sizeof(free_colour), "hsl(120,45%%,%llu%%)",
			 88 - 3 * (order < 12 ? order : 12));
		return free_colour;
	}
	return strcmp(state, "reserved") == 0 ? "#555" : strcmp(state, "cached") == 0 ? "#9ecae1"
	     : strcmp(state, "allocated") == 0 ? "#d9a66c" : strcmp(state, "slab") == 0 ? "#9b59b6"
	     : strcmp(state, "kmalloc") == 0 ? "#e84393" : "#fff";
}

int mm_svg_write(const char *out, const struct json *d)
{
	const struct json *s = json_get(d, "snapshot"), *m, *z, *r;
	bool snap = s && s->kind == JSON_OBJECT;
	unsigned bands = 0, i = 0;
	FILE *f = fopen(out, "w");

	for (m = json_first(d, "memory"); m; m = m->next)
		bands++;
	if (!f) {
		fprintf(stderr, "tessera-mm: %s: %s\n", out, strerror(errno));
		return 1;
	}
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1000\" height=\"%u\" role=\"img\">\n"
		"<title>the physical memory of %s: a band per RAM range, zones above, each page "
		"by what it is below</title>\n", bands * 60 + 20, json_str(d, "title"));
	for (m = json_first(d, "memory"); m; m = m->next, i++) {
		unsigned long long a0 = hex_of(m, 0), a1 = hex_of(m, 1), span = a1 - a0;
		unsigned y = 10 + 60 * i;

#define X(a) (1000.0 * (double)((a) - a0) / (double)span)
		fprintf(f, "<g class=\"band\"><title>RAM 0x%llx-0x%llx</title>\n", a0, a1);
		for (z = json_first(snap ? s : d, "zones"); z; z = z->next) {
			unsigned long long zs = json_u64(z, "start"), ze = json_u64(z, "end");
			const char *name = json_str(z, "name");

			zs = zs > a0 ? zs : a0;
			ze = ze < a1 ? ze : a1;
			if (zs >= ze)
				continue;
			fprintf(f, "<rect x=\"%.2f\" y=\"%u\" width=\"%.2f\" height=\"12\" fill=\"%s\">"
				"<title>zone %s: 0x%llx-0x%llx</title></rect>\n", X(zs), y, X(ze) - X(zs),
				strcmp(name, "DMA") == 0 ? "#e8a23a" : strcmp(name, "DMA32") == 0 ? "#6aa0d8"
				: "#7bbf6a", name, zs, ze);
		}
		for (r = snap ? json_first(s, "frames") : NULL; r; r = r->next) {
			unsigned long long fs = json_u64(r, "start"), fe = fs + json_u64(r, "pages") * PAGE;

			if (fe <= a0 || fs >= a1 || strcmp(json_str(r, "state"), "not-ram") == 0)
				continue;
			fprintf(f, "<rect x=\"%.2f\" y=\"%u\" width=\"%.2f\" height=\"20\" fill=\"%s\">"
				"<title>%llu pages %s: 0x%llx-0x%llx</title></rect>\n", X(fs), y + 14,
				X(fe) - X(fs) > 0.5 ? X(fe) - X(fs) : 0.5,
				fill_of(json_str(r, "state"), json_u64(r, "order")),
				(unsigned long long)json_u64(r, "pages"), json_str(r, "state"), fs, fe);
		}
		for (r = json_first(d, "reserved"); r; r = r->next) {
			unsigned long long rs = hex_of(r, 0), re = hex_of(r, 1);

			if (re <= a0 || rs >= a1)
				continue;
			fprintf(f, "<rect x=\"%.2f\" y=\"%u\" width=\"%.2f\" height=\"6\" fill=\"#555\">"
				"<title>reserved: %s 0x%llx-0x%llx</title></rect>\n", X(rs), y + 36,
				X(re) - X(rs) > 2 ? X(re) - X(rs) : 2, third(r), rs, re);
		}
		fprintf(f, "</g>\n");
#undef X
	}
	fprintf(f, "</svg>\n");
	if (fclose(f) != 0) {
		fprintf(stderr, "tessera-mm: %s: %s\n", out, strerror(errno));
		return 1;
	}
	return 0;
}
