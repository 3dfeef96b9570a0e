/*
 * tessera-mm's pictures (tools/mm_page.c): one self-contained HTML page of
 * a machine's memory, from the boot report's lines and, in a log of
 * tools/boot, the shell's snapshot between its markers (docs/snapshot.md).
 */
#ifndef TESSERA_TOOLS_MM_PAGE_H
#define TESSERA_TOOLS_MM_PAGE_H

#include <stddef.h>

#include <stdio.h>

struct json;

/*
 * What the pictures show, read from `text` (len bytes: a console log, or
 * tessera-mm's own report of a device tree), titled `title`: a JSON object
 * (malloc'd) of the boot report's ranges and zones and the snapshot, if the
 * text has one.  NULL after one line on stderr saying why (no boot report
 * and no snapshot, a snapshot cut short or not JSON).
 */
char *mm_data(const char *title, const char *text, size_t len);

/* The page for data (mm_data's) into the file out: 0, or 1 (said why). */
int mm_page_write(const char *out, const char *data);

/* The same as lines of text on f (tools/mm_text.c): 0. */
int mm_text_write(FILE *f, const struct json *data);

/* The physical memory map alone, as SVG, into the file out: 0, or 1. */
int mm_svg_write(const char *out, const struct json *data);

#endif
