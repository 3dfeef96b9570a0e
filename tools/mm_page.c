/*
 * tessera-mm --html: the page (see mm_page.h).  The text is read line by
 * line for what the picture needs, in the boot report's own words:
 *
 *   paging: sv48                                  the mode
 *   memory: 0x80000000-0x88000000                 each RAM range
 *   reserved: 0x80200000-0x803fe000 kernel        each reserved range, named
 *   zone DMA32: 0x80000000-0x88000000 32768 pages, 31872 free
 *   buddyinfo DMA32: 0 0 1 ...                    (tessera-mm's own report)
 *
 * and the snapshot, if the text has one: the lines strictly between the
 * markers, a JSON document the shell wrote.  Those become one JSON object
 * in the page's data script, which the page's own script draws
 * (tools/mm-page.html, built in as mm_page_template).  A '<' in the data
 * is written as \u003c, so no text can end the script early.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm_json.h"
#include "mm_page.h"
#include "mm_page_template.h"

#define BEGIN_MARK "--- tessera snapshot begin ---"
#define END_MARK "--- tessera snapshot end ---"

/* A growing string. */
struct buf {
	char *s;
	size_t len, cap;
};

static void add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s) {
			fprintf(stderr, "tessera-mm: out of memory\n");
			exit(1);
		}
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

static void addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(struct buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* s as a JSON string: printable ASCII as it is, the rest (and " \ <) escaped. */
static void add_string(struct buf *b, const char *s, size_t n)
{
	size_t i;

	add(b, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<')
			addf(b, "\\u%04x", c);
		else
			add(b, (const char *)&c, 1);
	}
	add(b, "\"", 1);
}

#define ZONES_MAX 8                   /* zone lines kept (the kernel has three) */

/* A zone line of the report, with its buddyinfo line if the text has one. */
struct zone_line {
	char name[32];
	unsigned long long start, end, present, free;
	struct buf blocks;                /* "n0, n1, ...": free blocks per order */
};

struct parsed {
	struct buf memory, reserved;      /* JSON array items, comma-separated */
	struct zone_line zones[ZONES_MAX];
	unsigned nzones;
	char paging[16];
	const char *snapshot;                 /* its first byte, or NULL */
	size_t snapshot_len;
	bool snapshot_cut;                    /* a begin marker without its end */
};

static void item(struct buf *b)
{
	if (b->len)
		add(b, ", ", 2);
}

/* The zone line called name, or (make) a new one; NULL when none is (or
 * there is no room). */
static struct zone_line *zone_named(struct parsed *p, const char *name, bool make)
{
	unsigned i;

	for (i = 0; i < p->nzones; i++)
		if (strcmp(p->zones[i].name, name) == 0)
			return &p->zones[i];
	return make && p->nzones < ZONES_MAX ? &p->zones[p->nzones++] : NULL;
}

/* One line of the text (no newline, no CR). */
static void parse_line(struct parsed *p, const char *line, size_t n)
{
	unsigned long long a, e, pages, free_pages;
	char name[32], what[200], *tok, *save;
	struct zone_line *z;
	int used = 0;

	if (n >= sizeof(what))
		return;                       /* no line of the report is that long */
	memcpy(what, line, n);
	what[n] = 0;
	if (!p->paging[0] && sscanf(what, "paging: %15s", p->paging) == 1)
		return;
	if (sscanf(what, "memory: %llx-%llx%n", &a, &e, &used) == 2 && !what[used]) {
		item(&p->memory);
		addf(&p->memory, "[\"0x%llx\", \"0x%llx\"]", a, e);
	} else if (sscanf(what, "reserved: %llx-%llx %n", &a, &e, &used) == 2 && used) {
		item(&p->reserved);
		addf(&p->reserved, "[\"0x%llx\", \"0x%llx\", ", a, e);
		add_string(&p->reserved, what + used, strlen(what + used));
		add(&p->reserved, "]", 1);
	} else if (sscanf(what, "zone %31[A-Z0-9]: %llx-%llx %llu pages, %llu free", name, &a, &e,
			  &pages, &free_pages) == 5) {
		z = zone_named(p, name, true);
		if (z) {
			free(z->blocks.s);
			*z = (struct zone_line){ .start = a, .end = e, .present = pages,
						 .free = free_pages };
			memcpy(z->name, name, sizeof(z->name));
		}
	} else if (sscanf(what, "buddyinfo %31[A-Z0-9]:%n", name, &used) == 1 && used &&
		   (z = zone_named(p, name, false))) {
		/* the free blocks of that zone (tessera-mm's report) */
		z->blocks.len = 0;
		for (tok = strtok_r(what + used, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			addf(&z->blocks, "%s%llu", z->blocks.len ? ", " : "", strtoull(tok, NULL, 10));
	}
}

static void parse(struct parsed *p, const char *text, size_t len)
{
	const char *at = text, *end = text + len;

	while (at < end) {
		const char *nl = memchr(at, '\n', (size_t)(end - at));
		size_t n = nl ? (size_t)(nl - at) : (size_t)(end - at);

		while (n && at[n - 1] == '\r')
			n--;
		if (n == strlen(BEGIN_MARK) && memcmp(at, BEGIN_MARK, n) == 0 && nl) {
			const char *close = strstr(nl + 1, "\n" END_MARK);

			if (!close) {
				p->snapshot_cut = true;
				return;
			}
			p->snapshot = nl + 1;       /* the last snapshot of the text wins */
			p->snapshot_len = (size_t)(close - p->snapshot);
			at = close + 1;
			continue;
		}
		parse_line(p, at, n);
		at = nl ? nl + 1 : end;
	}
}

/* The snapshot's text with every '<' as \u003c (it is outside strings in
 * no valid JSON, so only strings change, and mean the same). */
static void add_snapshot(struct buf *b, const char *s, size_t n)
{
	size_t i, from = 0;

	for (i = 0; i < n; i++)
		if (s[i] == '<') {
			add(b, s + from, i - from);
			add(b, "\\u003c", 6);
			from = i + 1;
		}
	add(b, s + from, n - from);
}

static char *data_of(const struct parsed *pp, const char *title);

static void parsed_free(struct parsed *p)
{
	unsigned i;

	free(p->memory.s);
	free(p->reserved.s);
	for (i = 0; i < p->nzones; i++)
		free(p->zones[i].blocks.s);
}

char *mm_data(const char *title, const char *text, size_t len)
{
	struct parsed p = { 0 };
	char *data = NULL;

	parse(&p, text, len);
	data = data_of(&p, title);
	parsed_free(&p);
	return data;
}

/* mm_data of the parsed text. */
static char *data_of(const struct parsed *pp, const char *title)
{
	const struct parsed p = *pp;
	struct buf data = { 0 };
	struct json *check;
	const char *why;
	unsigned i;
	size_t at;

	if (p.snapshot_cut) {
		fprintf(stderr, "tessera-mm: %s: the snapshot is cut short (no end marker)\n", title);
		return NULL;
	}
	if (p.snapshot) {
		check = json_parse(p.snapshot, p.snapshot_len, &why, &at);
		if (!check) {
			fprintf(stderr, "tessera-mm: %s: the snapshot is not JSON: %s, %zu bytes in\n",
				title, why ? why : "?", at);
			return NULL;
		}
		json_free(check);
	}
	if (!p.memory.len && !p.paging[0] && !p.snapshot) {
		fprintf(stderr, "tessera-mm: %s: no boot report (paging:, memory: lines) and no "
			"snapshot to draw: neither a device tree nor a log of tools/boot\n", title);
		return NULL;
	}
	add(&data, "{\"title\": ", 10);
	add_string(&data, title, strlen(title));
	addf(&data, ", \"paging\": \"%s\", \"memory\": [%s], \"reserved\": [%s], \"zones\": [",
	     p.paging[0] ? p.paging : "unknown", p.memory.s ? p.memory.s : "",
	     p.reserved.s ? p.reserved.s : "");
	for (i = 0; i < p.nzones; i++) {
		addf(&data, "%s{\"name\": \"%s\", \"start\": \"0x%llx\", \"end\": \"0x%llx\", "
		     "\"present\": %llu, \"free\": %llu, \"free_blocks\": [", i ? ", " : "",
		     p.zones[i].name, p.zones[i].start, p.zones[i].end, p.zones[i].present,
		     p.zones[i].free);
		add(&data, p.zones[i].blocks.s ? p.zones[i].blocks.s : "", p.zones[i].blocks.len);
		add(&data, "]}", 2);
	}
	add(&data, "], \"snapshot\": ", 15);
	if (p.snapshot)
		add_snapshot(&data, p.snapshot, p.snapshot_len);
	else
		add(&data, "null", 4);
	add(&data, "}", 1);
	return data.s;
}

int mm_page_write(const char *out, const char *data)
{
	static const char marker[] = "/*DATA*/";
	const char *place = strstr(mm_page_template, marker);
	FILE *f = fopen(out, "w");

	if (!f || fwrite(mm_page_template, 1, (size_t)(place - mm_page_template), f) !=
	    (size_t)(place - mm_page_template) || fputs(data, f) == EOF ||
	    fputs(place + strlen(marker), f) == EOF || fclose(f) != 0) {
		fprintf(stderr, "tessera-mm: %s: %s\n", out, strerror(errno));
		return 1;
	}
	return 0;
}
